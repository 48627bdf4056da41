/* Multi-head self-attention over [B, S, H] inputs, head h = columns [h·D, (h+1)·D), so no
 * reshapes or transposes are materialised: every product is one strided sgemm per (batch, head).
 * (batch, head) pairs run in parallel, each on single-threaded BLAS: the products are too small
 * (S×S×D) for BLAS's own threading to pay off. */
#include <math.h>
#include <stdlib.h>
#include "attention.h"
#include "blas.h"
#include "parallel.h"
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
#pragma omp simd
    for (int j = 0; j < S; j++) row[j] += (1.0f - mb[j]) * MASKED_SCORE;
  }
}

/* dropped = p ⊙ dropout mask (flat index over [B, N, S, S], as the reference op) */
static void drop(const float *p, float *dropped, uint32_t base, int count, const struct dapt_attention_shape *sh) {
#pragma omp simd
  for (int i = 0; i < count; i++) dropped[i] = p[i] * (mix(sh->seed, base + (uint32_t)i) >= sh->threshold ? sh->keep : 0.0f);
}

static void forward_one(const float *q, const float *k, const float *v, const float *mask, float *lse, float *ctx,
                        const struct dapt_attention_shape *sh, size_t bh, float *p, float *dropped) {
  const int S = sh->seq, H = sh->hidden, D = sh->hidden / sh->heads;
  const size_t b = bh / (size_t)sh->heads, h = bh % (size_t)sh->heads;
  const size_t off = b * S * H + h * D;
  scores(q + off, k + off, mask + b * S, p, sh);
  for (int i = 0; i < S; i++) {
    float *row = p + (size_t)i * S;
    float mx = row[0];
#pragma omp simd reduction(max : mx)
    for (int j = 1; j < S; j++) mx = row[j] > mx ? row[j] : mx;
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int j = 0; j < S; j++) {
      row[j] = dapt_expf(row[j] - mx);
      s += row[j];
    }
    const float inv = 1.0f / s;
#pragma omp simd
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

static void backward_one(const float *dctx, const float *q, const float *k, const float *v, const float *mask,
                         const float *lse, float *dq, float *dk, float *dv, const struct dapt_attention_shape *sh,
                         size_t bh, float *p, float *dp, float *dropped) {
  const int S = sh->seq, H = sh->hidden, D = sh->hidden / sh->heads;
  const size_t b = bh / (size_t)sh->heads, h = bh % (size_t)sh->heads;
  const size_t off = b * S * H + h * D;
  const uint32_t base = (uint32_t)(bh * S * S);
  scores(q + off, k + off, mask + b * S, p, sh);
  for (int i = 0; i < S; i++) {
    float *row = p + (size_t)i * S;
    const float l = lse[bh * S + i];
#pragma omp simd
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
#pragma omp simd
      for (int j = 0; j < S; j++) dr[j] *= mix(sh->seed, rb + (uint32_t)j) >= sh->threshold ? sh->keep : 0.0f;
    }
    float dot = 0.0f;
#pragma omp simd reduction(+ : dot)
    for (int j = 0; j < S; j++) dot += dr[j] * pr[j];
#pragma omp simd
    for (int j = 0; j < S; j++) dr[j] = pr[j] * (dr[j] - dot) * sh->scale;
  }
  /* dQ = dS·K ; dK = dSᵀ·Q */
  dapt_sgemm(DAPT_ROW_MAJOR, DAPT_NO_TRANS, DAPT_NO_TRANS, S, D, S, 1.0f, dp, S, k + off, H, 0.0f, dq + off, H);
  dapt_sgemm(DAPT_ROW_MAJOR, DAPT_TRANS, DAPT_NO_TRANS, S, D, S, 1.0f, dp, S, q + off, H, 0.0f, dk + off, H);
}

int dapt_attention_fwd(const float *q, const float *k, const float *v, const float *mask, float *lse, float *ctx,
                       const struct dapt_attention_shape *sh) {
  if (dapt_sgemm == NULL) return -1;
  const size_t pairs = (size_t)sh->batch * sh->heads, area = (size_t)sh->seq * sh->seq;
  int failed = 0;
#pragma omp parallel if (pairs > 1)
  {
    float *p = malloc(area * 2 * sizeof(float));
    if (p == NULL) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (size_t bh = 0; bh < pairs; bh++)
      if (p != NULL) forward_one(q, k, v, mask, lse, ctx, sh, bh, p, p + area);
    free(p);
  }
  return failed ? -1 : 0;
}

int dapt_attention_bwd(const float *dctx, const float *q, const float *k, const float *v, const float *mask,
                       const float *lse, float *dq, float *dk, float *dv, const struct dapt_attention_shape *sh) {
  if (dapt_sgemm == NULL) return -1;
  const size_t pairs = (size_t)sh->batch * sh->heads, area = (size_t)sh->seq * sh->seq;
  int failed = 0;
#pragma omp parallel if (pairs > 1)
  {
    float *p = malloc(area * 3 * sizeof(float));
    if (p == NULL) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (size_t bh = 0; bh < pairs; bh++)
      if (p != NULL) backward_one(dctx, q, k, v, mask, lse, dq, dk, dv, sh, bh, p, p + area, p + 2 * area);
    free(p);
  }
  return failed ? -1 : 0;
}
