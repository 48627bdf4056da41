/* Fused training kernels over float32 buffers (row-major). Pointers may alias the wasm heap. */
#ifndef DAPT_KERNELS_H
#define DAPT_KERNELS_H
#include <stddef.h>
#include <stdint.h>

void dapt_gelu_fwd(const float *x, float *y, size_t n);
void dapt_gelu_bwd(const float *dy, const float *x, float *dx, size_t n);
void dapt_dropout(const float *x, float *y, size_t n, uint32_t seed, uint32_t threshold, float keep);
void dapt_bias_rows(float *y, const float *bias, size_t rows, size_t cols);
void dapt_add_bias(const float *x, const float *bias, float *y, size_t rows, size_t cols);
void dapt_col_sum(const float *restrict x, float *restrict out, size_t rows, size_t cols);
void dapt_transpose(const float *restrict x, float *restrict y, size_t batch, size_t rows, size_t cols);
void dapt_segment_sum(const float *restrict x, const int32_t *restrict ids, float *restrict out, size_t n, size_t width,
                      size_t segments);
/* Σ x² in double; the kernels that return int give -1 when out of memory. */
int dapt_sum_squares(const float *x, size_t n, double *out);
void dapt_adamw(float *p, const float *g, float *m, float *v, size_t n, float lr, float b1, float b2, float eps,
                float wd, float bc1, float bc2, float gscale);

void dapt_layernorm_fwd(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
                        size_t rows, size_t cols, float eps);
int dapt_layernorm_bwd(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                       float *dx, float *dgamma, float *dbeta, size_t rows, size_t cols);

/* Mean cross-entropy over rows; keeps each row's log-sum-exp for the backward pass. */
double dapt_softmax_xent_fwd(const float *logits, const int32_t *labels, float *lse, size_t rows, size_t cols);
/* dlogits = (softmax(logits) - onehot(labels)) * scale, softmax recomputed from lse */
void dapt_softmax_xent_bwd(const float *logits, const int32_t *labels, const float *lse, float *dlogits, size_t rows,
                           size_t cols, float scale);

#endif
