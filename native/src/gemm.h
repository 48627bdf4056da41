/* Matrix products whose bits do not depend on the thread count. OpenBLAS's own threading splits
 * a product differently for each thread count (and takes other kernel paths), so the same sgemm
 * differs at rounding level between 1 and 2 threads. Here OpenBLAS always runs on one thread and
 * a product is cut into panels by its shape alone; threads only decide who computes which panel. */
#ifndef DAPT_GEMM_H
#define DAPT_GEMM_H
#include <stddef.h>

/* C = alpha·op(A)·op(B) + beta·C, row-major, as cblas_sgemm. */
void dapt_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
               const float *b, size_t ldb, float beta, float *c, size_t ldc);

/* `batch` products C_i = op(A_i)·op(B_i) with packed leading dimensions; strides in elements
 * (0 broadcasts one matrix). Each product is one single-threaded call; threads share the batch. */
void dapt_gemm_batched(int trans_a, int trans_b, size_t m, size_t n, size_t k, const float *a, size_t stride_a,
                       const float *b, size_t stride_b, float *c, size_t stride_c, size_t batch);
#endif
