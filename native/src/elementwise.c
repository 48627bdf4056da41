#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "parallel.h"
#include "vmath.h"

#define INV_SQRT2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f

void dapt_gelu_fwd(const float *x, float *y, size_t n) {
#pragma omp parallel for simd schedule(static) if (n > DAPT_PAR_MIN)
  for (size_t i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + dapt_erff(x[i] * INV_SQRT2));
}

void dapt_gelu_bwd(const float *dy, const float *x, float *dx, size_t n) {
#pragma omp parallel for simd schedule(static) if (n > DAPT_PAR_MIN)
  for (size_t i = 0; i < n; i++) {
    const float v = x[i];
    const float cdf = 0.5f * (1.0f + dapt_erff(v * INV_SQRT2));
    dx[i] = dy[i] * (cdf + v * INV_SQRT_2PI * dapt_expf(-0.5f * v * v));
  }
}

/* Same hash as src/train/ops/dropout-mask.ts, so every implementation draws the same mask. */
static inline uint32_t mix(uint32_t seed, uint32_t i) {
  uint32_t h = (i * 0x9e3779b9u) ^ (seed * 0x85ebca6bu);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

void dapt_dropout(const float *x, float *y, size_t n, uint32_t seed, uint32_t threshold, float keep) {
#pragma omp parallel for simd schedule(static) if (n > DAPT_PAR_MIN)
  for (size_t i = 0; i < n; i++) y[i] = x[i] * (mix(seed, (uint32_t)i) >= threshold ? keep : 0.0f);
}

void dapt_bias_rows(float *y, const float *bias, size_t rows, size_t cols) {
#pragma omp parallel for schedule(static) if (rows * cols > DAPT_PAR_MIN)
  for (size_t r = 0; r < rows; r++) memcpy(y + r * cols, bias, cols * sizeof(float));
}

void dapt_add_bias(const float *x, const float *bias, float *y, size_t rows, size_t cols) {
#pragma omp parallel for schedule(static) if (rows * cols > DAPT_PAR_MIN)
  for (size_t r = 0; r < rows; r++) {
#pragma omp simd
    for (size_t c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] + bias[c];
  }
}

/* Each thread owns a range of columns, so sums do not depend on the schedule. */
void dapt_col_sum(const float *restrict x, float *restrict out, size_t rows, size_t cols) {
#pragma omp parallel if (rows * cols > DAPT_PAR_MIN && cols >= 256)
  {
    const int t = DAPT_THREAD(), nt = DAPT_NTHREADS();
    const size_t lo = DAPT_SPLIT_LO(cols, t, nt), hi = DAPT_SPLIT_LO(cols, t + 1, nt);
    for (size_t c = lo; c < hi; c++) out[c] = 0.0f;
    for (size_t r = 0; r < rows; r++) {
      const float *row = x + r * cols;
      for (size_t c = lo; c < hi; c++) out[c] += row[c];
    }
  }
}

int dapt_sum_squares(const float *x, size_t n, double *out) {
  const size_t chunks = (n + DAPT_CHUNK_ELEMS - 1) / DAPT_CHUNK_ELEMS;
  double *partial = malloc((chunks > 0 ? chunks : 1) * sizeof(double));
  if (partial == NULL) return -1;
#pragma omp parallel for schedule(static) if (n > DAPT_PAR_MIN)
  for (size_t c = 0; c < chunks; c++) {
    const size_t lo = c * DAPT_CHUNK_ELEMS, hi = lo + DAPT_CHUNK_ELEMS < n ? lo + DAPT_CHUNK_ELEMS : n;
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (size_t i = lo; i < hi; i++) s += (double)x[i] * x[i];
    partial[c] = s;
  }
  double total = 0.0;
  for (size_t c = 0; c < chunks; c++) total += partial[c];
  free(partial);
  *out = total;
  return 0;
}

void dapt_adamw(float *p, const float *g, float *m, float *v, size_t n, float lr, float b1, float b2, float eps,
                float wd, float bc1, float bc2, float gscale) {
#pragma omp parallel for simd schedule(static) if (n > DAPT_PAR_MIN)
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i] * gscale;
    const float mi = b1 * m[i] + (1.0f - b1) * gi;
    const float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= lr * ((mi / bc1) / (sqrtf(vi / bc2) + eps) + wd * p[i]);
  }
}

/* Batched 2-D transpose in 32×32 tiles: [batch, rows, cols] → [batch, cols, rows]. */
void dapt_transpose(const float *restrict x, float *restrict y, size_t batch, size_t rows, size_t cols) {
  const size_t T = 32;
  const size_t row_tiles = (rows + T - 1) / T;
#pragma omp parallel for schedule(static) if (batch * rows * cols > DAPT_PAR_MIN)
  for (size_t bt = 0; bt < batch * row_tiles; bt++) {
    const size_t b = bt / row_tiles, r0 = (bt % row_tiles) * T;
    const float *xb = x + b * rows * cols;
    float *yb = y + b * rows * cols;
    const size_t r1 = r0 + T < rows ? r0 + T : rows;
    for (size_t c0 = 0; c0 < cols; c0 += T) {
      const size_t c1 = c0 + T < cols ? c0 + T : cols;
      for (size_t c = c0; c < c1; c++)
        for (size_t r = r0; r < r1; r++) yb[c * rows + r] = xb[r * cols + c];
    }
  }
}

/* out[segments, width] = Σ rows of x by segment id (out-of-range ids dropped, as TensorFlow). */
void dapt_segment_sum(const float *restrict x, const int32_t *restrict ids, float *restrict out, size_t n, size_t width,
                      size_t segments) {
#pragma omp parallel if (segments * width > DAPT_PAR_MIN)
  {
    /* each thread owns a range of columns: no races, schedule-independent sums */
    const int t = DAPT_THREAD(), nt = DAPT_NTHREADS();
    const size_t lo = DAPT_SPLIT_LO(width, t, nt), hi = DAPT_SPLIT_LO(width, t + 1, nt);
    for (size_t s = 0; s < segments; s++) memset(out + s * width + lo, 0, (hi - lo) * sizeof(float));
    for (size_t i = 0; i < n; i++) {
      const int32_t s = ids[i];
      if (s < 0 || (size_t)s >= segments) continue;
      float *dst = out + (size_t)s * width;
      const float *src = x + i * width;
      for (size_t c = lo; c < hi; c++) dst[c] += src[c];
    }
  }
}
