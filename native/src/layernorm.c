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

/* dx = rstd · (g·dy − mean(g·dy) − x̂·mean(g·dy·x̂)); dgamma = Σ dy·x̂; dbeta = Σ dy. Column sums
 * are accumulated per thread over a fixed row range, then added in thread order. */
void dapt_layernorm_bwd(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                        float *dx, float *dgamma, float *dbeta, size_t rows, size_t cols) {
  const int max_threads = DAPT_MAX_THREADS_NOW() < DAPT_MAX_THREADS ? DAPT_MAX_THREADS_NOW() : DAPT_MAX_THREADS;
  float *partials = calloc((size_t)max_threads * 2 * cols, sizeof(float));
  int used = 1;
#pragma omp parallel if (rows * cols > DAPT_PAR_MIN) num_threads(max_threads)
  {
    const int t = DAPT_THREAD(), nt = DAPT_NTHREADS();
    if (t == 0) used = nt;
    float *lg = partials + (size_t)t * 2 * cols;
    float *lb = lg + cols;
    for (size_t r = DAPT_SPLIT_LO(rows, t, nt); r < DAPT_SPLIT_LO(rows, t + 1, nt); r++) {
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
  for (int t = 0; t < used; t++) {
    const float *lg = partials + (size_t)t * 2 * cols;
    for (size_t c = 0; c < cols; c++) {
      dgamma[c] += lg[c];
      dbeta[c] += lg[cols + c];
    }
  }
  free(partials);
}
