#include "gemm.h"
#include "blas.h"

/* A product smaller than this many multiply-adds is one panel: splitting it costs more than it
 * saves. Above it, the longer side of C is cut into at most DAPT_GEMM_PANELS panels of a multiple
 * of 16 rows or columns (OpenBLAS's micro-kernel width), so a 2- or 4-thread run shares them
 * evenly. Both numbers depend on nothing but the shape: that is what keeps the bits fixed. */
#define DAPT_GEMM_SPLIT_MIN ((size_t)1 << 20)
#define DAPT_GEMM_PANELS 4
#define DAPT_GEMM_ALIGN 16

static void one(int ta, int tb, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda, const float *b,
                size_t ldb, float beta, float *c, size_t ldc) {
  dapt_sgemm(DAPT_ROW_MAJOR, ta ? DAPT_TRANS : DAPT_NO_TRANS, tb ? DAPT_TRANS : DAPT_NO_TRANS, (int)m, (int)n, (int)k,
             alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

void dapt_gemm(int ta, int tb, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda, const float *b,
               size_t ldb, float beta, float *c, size_t ldc) {
  const int by_rows = m >= n;
  const size_t side = by_rows ? m : n;
  size_t width = (side + DAPT_GEMM_PANELS - 1) / DAPT_GEMM_PANELS;
  width = (width + DAPT_GEMM_ALIGN - 1) / DAPT_GEMM_ALIGN * DAPT_GEMM_ALIGN;
  const size_t panels = (double)m * (double)n * (double)k < (double)DAPT_GEMM_SPLIT_MIN ? 1 : (side + width - 1) / width;
  if (panels <= 1) {
    one(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
#pragma omp parallel for schedule(static)
  for (size_t p = 0; p < panels; p++) {
    const size_t lo = p * width, len = lo + width < side ? width : side - lo;
    if (by_rows) /* rows lo.. of op(A) and of C: a row offset of A, or a column offset of Aᵀ */
      one(ta, tb, len, n, k, alpha, a + (ta ? lo : lo * lda), lda, b, ldb, beta, c + lo * ldc, ldc);
    else /* columns lo.. of op(B) and of C */
      one(ta, tb, m, len, k, alpha, a, lda, b + (tb ? lo * ldb : lo), ldb, beta, c + lo, ldc);
  }
}

void dapt_gemm_batched(int ta, int tb, size_t m, size_t n, size_t k, const float *a, size_t stride_a, const float *b,
                       size_t stride_b, float *c, size_t stride_c, size_t batch) {
#pragma omp parallel for schedule(static) if (batch > 1)
  for (size_t i = 0; i < batch; i++)
    one(ta, tb, m, n, k, 1.0f, a + i * stride_a, ta ? m : k, b + i * stride_b, tb ? k : n, 0.0f, c + i * stride_c, n);
}
