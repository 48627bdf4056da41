#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

void dapt_layernorm_fwd(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
                        size_t rows, size_t cols, float eps) {
#pragma omp parallel for schedule(static)
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    float s = 0.0f;
    for (size_t c = 0; c < cols; c++) s += xr[c];
    const float mu = s / (float)cols;
    float q = 0.0f;
    for (size_t c = 0; c < cols; c++) {
      const float d = xr[c] - mu;
      q += d * d;
    }
    const float rs = 1.0f / sqrtf(q / (float)cols + eps);
    for (size_t c = 0; c < cols; c++) yr[c] = (xr[c] - mu) * rs * gamma[c] + beta[c];
    mean[r] = mu;
    rstd[r] = rs;
  }
}

/* dx = rstd · (g·dy − mean(g·dy) − x̂·mean(g·dy·x̂)); dgamma = Σ dy·x̂; dbeta = Σ dy. The column
 * sums are accumulated per thread then added, so the result does not depend on scheduling races. */
void dapt_layernorm_bwd(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                        float *dx, float *dgamma, float *dbeta, size_t rows, size_t cols) {
  memset(dgamma, 0, cols * sizeof(float));
  memset(dbeta, 0, cols * sizeof(float));
#pragma omp parallel
  {
    float *lg = calloc(2 * cols, sizeof(float));
    float *lb = lg + cols;
#pragma omp for schedule(static)
    for (size_t r = 0; r < rows; r++) {
      const float *dyr = dy + r * cols;
      const float *xr = x + r * cols;
      float *dxr = dx + r * cols;
      const float mu = mean[r], rs = rstd[r];
      float a = 0.0f, b = 0.0f;
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
      for (size_t c = 0; c < cols; c++) {
        const float xh = (xr[c] - mu) * rs;
        dxr[c] = rs * (gamma[c] * dyr[c] - a - xh * b);
      }
    }
#pragma omp critical
    for (size_t c = 0; c < cols; c++) {
      dgamma[c] += lg[c];
      dbeta[c] += lb[c];
    }
    free(lg);
  }
}
