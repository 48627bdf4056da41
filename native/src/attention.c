/* Multi-head self-attention over [B, S, H] inputs, head h = columns [h·D, (h+1)·D), so no
 * reshapes or transposes are materialised: every product is one strided sgemm per (batch, head). */
#include <math.h>
#include <stdlib.h>
#include "attention.h"
#include "blas.h"
#include "vmath.h"

#define MASKED_SCORE (-1e9f)

static inline uint32_t mix(uint32_t seed, uint32_t i) {
  uint32_t h = (i * 0x9e3779b9u) ^ (seed * 0x85ebca6bu);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/* p = scale·Q·Kᵀ + mask bias for one (batch, head). */
static void scores(const float *q, const float *k, const float *mb, float *p, const struct dapt_attention_shape *sh) {
  const int S = sh->seq, H = sh->hidden, D = sh->hidden / sh->heads;
  dapt_sgemm(DAPT_ROW_MAJOR, DAPT_NO_TRANS, DAPT_TRANS, S, S, D, sh->scale, q, H, k, H, 0.0f, p, S);
  for (int i = 0; i < S; i++) {
    float *row = p + (size_t)i * S;
    for (int j = 0; j < S; j++) row[j] += (1.0f - mb[j]) * MASKED_SCORE;
  }
}

/* dropped = p ⊙ dropout mask (flat index over [B, N, S, S], as the reference op) */
static void drop(const float *p, float *dropped, uint32_t base, int count, const struct dapt_attention_shape *sh) {
  for (int i = 0; i < count; i++) dropped[i] = p[i] * (mix(sh->seed, base + (uint32_t)i) >= sh->threshold ? sh->keep : 0.0f);
}

int dapt_attention_fwd(const float *q, const float *k, const float *v, const float *mask, float *lse, float *ctx,
                       const struct dapt_attention_shape *sh) {
  const int S = sh->seq, H = sh->hidden, D = sh->hidden / sh->heads;
  float *p = malloc((size_t)S * S * sizeof(float) * 2);
  if (dapt_sgemm == NULL || p == NULL) {
    free(p);
    return -1;
  }
  float *dropped = p + (size_t)S * S;
  for (int b = 0; b < sh->batch; b++) {
    for (int h = 0; h < sh->heads; h++) {
      const size_t off = (size_t)b * S * H + (size_t)h * D;
      const size_t bh = (size_t)b * sh->heads + h;
      scores(q + off, k + off, mask + (size_t)b * S, p, sh);
      for (int i = 0; i < S; i++) {
        float *row = p + (size_t)i * S;
        float mx = row[0];
        for (int j = 1; j < S; j++) mx = row[j] > mx ? row[j] : mx;
        float s = 0.0f;
        for (int j = 0; j < S; j++) {
          row[j] = dapt_expf(row[j] - mx);
          s += row[j];
        }
        const float inv = 1.0f / s;
        for (int j = 0; j < S; j++) row[j] *= inv;
        lse[bh * S + i] = mx + logf(s);
      }
      const float *pv = p;
      if (sh->dropout) {
        drop(p, dropped, (uint32_t)(bh * S * S), S * S, sh);
        pv = dropped;
      }
      dapt_sgemm(DAPT_ROW_MAJOR, DAPT_NO_TRANS, DAPT_NO_TRANS, S, D, S, 1.0f, pv, S, v + off, H, 0.0f, ctx + off, H);
    }
  }
  free(p);
  return 0;
}

int dapt_attention_bwd(const float *dctx, const float *q, const float *k, const float *v, const float *mask,
                       const float *lse, float *dq, float *dk, float *dv, const struct dapt_attention_shape *sh) {
  const int S = sh->seq, H = sh->hidden, D = sh->hidden / sh->heads;
  float *p = malloc((size_t)S * S * sizeof(float) * 3);
  if (dapt_sgemm == NULL || p == NULL) {
    free(p);
    return -1;
  }
  float *dp = p + (size_t)S * S;
  float *dropped = dp + (size_t)S * S;
  for (int b = 0; b < sh->batch; b++) {
    for (int h = 0; h < sh->heads; h++) {
      const size_t off = (size_t)b * S * H + (size_t)h * D;
      const size_t bh = (size_t)b * sh->heads + h;
      const uint32_t base = (uint32_t)(bh * S * S);
      scores(q + off, k + off, mask + (size_t)b * S, p, sh);
      for (int i = 0; i < S; i++) {
        float *row = p + (size_t)i * S;
        const float l = lse[bh * S + i];
        for (int j = 0; j < S; j++) row[j] = dapt_expf(row[j] - l);
      }
      const float *pv = p;
      if (sh->dropout) {
        drop(p, dropped, base, S * S, sh);
        pv = dropped;
      }
      /* dV = Pdᵀ·dC ; dPd = dC·Vᵀ */
      dapt_sgemm(DAPT_ROW_MAJOR, DAPT_TRANS, DAPT_NO_TRANS, S, D, S, 1.0f, pv, S, dctx + off, H, 0.0f, dv + off, H);
      dapt_sgemm(DAPT_ROW_MAJOR, DAPT_NO_TRANS, DAPT_TRANS, S, S, D, 1.0f, dctx + off, H, v + off, H, 0.0f, dp, S);
      for (int i = 0; i < S; i++) {
        float *dr = dp + (size_t)i * S;
        const float *pr = p + (size_t)i * S;
        if (sh->dropout) {
          const uint32_t rb = base + (uint32_t)i * S;
          for (int j = 0; j < S; j++) dr[j] *= mix(sh->seed, rb + (uint32_t)j) >= sh->threshold ? sh->keep : 0.0f;
        }
        float dot = 0.0f;
        for (int j = 0; j < S; j++) dot += dr[j] * pr[j];
        for (int j = 0; j < S; j++) dr[j] = pr[j] * (dr[j] - dot) * sh->scale;
      }
      /* dQ = dS·K ; dK = dSᵀ·Q */
      dapt_sgemm(DAPT_ROW_MAJOR, DAPT_NO_TRANS, DAPT_NO_TRANS, S, D, S, 1.0f, dp, S, k + off, H, 0.0f, dq + off, H);
      dapt_sgemm(DAPT_ROW_MAJOR, DAPT_TRANS, DAPT_NO_TRANS, S, D, S, 1.0f, dp, S, q + off, H, 0.0f, dk + off, H);
    }
  }
  free(p);
  return 0;
}
