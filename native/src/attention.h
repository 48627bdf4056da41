#ifndef DAPT_ATTENTION_H
#define DAPT_ATTENTION_H
#include <stdint.h>

struct dapt_attention_shape {
  int batch, seq, hidden, heads;
  float scale;
  int dropout; /* 0 = none */
  uint32_t seed, threshold;
  float keep;
};

/* ctx [B, S, H]; lse [B, N, S] = log-sum-exp of each row of masked scores, from which the
 * backward pass recomputes the probabilities instead of keeping [B, N, S, S] of them. */
int dapt_attention_fwd(const float *q, const float *k, const float *v, const float *mask, float *lse, float *ctx,
                       const struct dapt_attention_shape *sh);
int dapt_attention_bwd(const float *dctx, const float *q, const float *k, const float *v, const float *mask,
                       const float *lse, float *dq, float *dk, float *dv, const struct dapt_attention_shape *sh);
#endif
