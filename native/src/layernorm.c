#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "parallel.h"

void dapt_layernorm_fwd(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
                        size_t rows, size_t cols, float eps) {
#pragma omp parallel for schedule(static) if (rows * cols > DAPT_PAR_MIN)
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (size_t c = 0; c < cols; c++) s += xr[c];
    const float mu = s / (float)cols;
    float q = 0.0f;
#pragma omp simd reduction(+ : q)
    for (size_t c = 0; c < cols; c++) q += (xr[c] - mu) * (xr[c] - mu);
    const float rs = 1.0f / sqrtf(q / (float)cols + eps);
    for (size_t c = 0; c < cols; c++) yr[c] = (xr[c] - mu) * rs * gamma[c] + beta[c];
    mean[r] = mu;
    rstd[r] = rs;
  }
}

/* dx = rstd · (g·dy − mean(g·dy) − x̂·mean(g·dy·x̂)); dgamma = Σ dy·x̂; dbeta = Σ dy. The column
 * sums are accumulated per chunk of DAPT_CHUNK_ROWS rows, then added in chunk order. */
int dapt_layernorm_bwd(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                       float *dx, float *dgamma, float *dbeta, size_t rows, size_t cols) {
  const size_t chunks = (rows + DAPT_CHUNK_ROWS - 1) / DAPT_CHUNK_ROWS;
  float *partials = calloc((chunks > 0 ? chunks : 1) * 2 * cols, sizeof(float));
  if (partials == NULL) return -1;
#pragma omp parallel for schedule(static) if (rows * cols > DAPT_PAR_MIN)
  for (size_t chunk = 0; chunk < chunks; chunk++) {
    float *lg = partials + chunk * 2 * cols;
    float *lb = lg + cols;
    const size_t end = (chunk + 1) * DAPT_CHUNK_ROWS < rows ? (chunk + 1) * DAPT_CHUNK_ROWS : rows;
    for (size_t r = chunk * DAPT_CHUNK_ROWS; r < end; r++) {
      const float *dyr = dy + r * cols;
      const float *xr = x + r * cols;
      float *dxr = dx + r * cols;
      const float mu = mean[r], rs = rstd[r];
      float a = 0.0f, b = 0.0f;
#pragma omp simd reduction(+ : a, b)
      for (size_t c = 0; c < cols; c++) {
        const float xh = (xr[c] - mu) * rs;
        const float gdy = gamma[c] * dyr[c];
        a += gdy;
        b += gdy * xh;
        lg[c] += dyr[c] * xh;
        lb[c] += dyr[c];
      }
      a /= (float)cols;
      b /= (float)cols;
      for (size_t c = 0; c < cols; c++) dxr[c] = rs * (gamma[c] * dyr[c] - a - (xr[c] - mu) * rs * b);
    }
  }
  memset(dgamma, 0, cols * sizeof(float));
  memset(dbeta, 0, cols * sizeof(float));
  for (size_t chunk = 0; chunk < chunks; chunk++) {
    const float *lg = partials + chunk * 2 * cols;
    for (size_t c = 0; c < cols; c++) {
      dgamma[c] += lg[c];
      dbeta[c] += lg[cols + c];
    }
  }
  free(partials);
  return 0;
}
