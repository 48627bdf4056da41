/* OpenBLAS, loaded at run time with dlopen so the addon builds and loads without it. */
#ifndef DAPT_BLAS_H
#define DAPT_BLAS_H

enum { DAPT_ROW_MAJOR = 101, DAPT_NO_TRANS = 111, DAPT_TRANS = 112 };

typedef void (*dapt_sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                              const float *b, int ldb, float beta, float *c, int ldc);

/* NULL until dapt_blas_load succeeded. */
extern dapt_sgemm_fn dapt_sgemm;

/* Returns NULL on success, else a static message. OpenBLAS runs on one thread (see gemm.h).
 * It reads OPENBLAS_CORETYPE when loaded, so set it before the first call. */
const char *dapt_blas_load(const char **library, const char **core);
int dapt_cpu_has_avx512(void);
/* What the `avx2` build of the kernels needs (x86-64-v3); the baseline build is x86-64-v2. */
int dapt_cpu_has_avx2_fma(void);

#endif
