#include <math.h>
#include "kernels.h"
#include "parallel.h"
#include "vmath.h"

/* Rows in parallel; the loss is then summed over rows in row order, whatever the thread count. */
double dapt_softmax_xent_fwd(const float *logits, const int32_t *labels, float *lse, size_t rows, size_t cols) {
#pragma omp parallel for schedule(static) if (rows * cols > DAPT_PAR_MIN)
  for (size_t r = 0; r < rows; r++) {
    const float *lr = logits + r * cols;
    float mx = lr[0];
#pragma omp simd reduction(max : mx)
    for (size_t c = 1; c < cols; c++) mx = lr[c] > mx ? lr[c] : mx;
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (size_t c = 0; c < cols; c++) s += dapt_expf(lr[c] - mx);
    lse[r] = mx + logf(s);
  }
  double total = 0.0;
  for (size_t r = 0; r < rows; r++) {
    const int32_t y = labels[r];
    if (y >= 0 && (size_t)y < cols) total += (double)lse[r] - logits[r * cols + (size_t)y];
  }
  return total / (double)rows;
}

void dapt_softmax_xent_bwd(const float *logits, const int32_t *labels, const float *lse, float *dlogits, size_t rows,
                           size_t cols, float scale) {
#pragma omp parallel for schedule(static) if (rows * cols > DAPT_PAR_MIN)
  for (size_t r = 0; r < rows; r++) {
    const float *lr = logits + r * cols;
    float *dr = dlogits + r * cols;
    const float l = lse[r];
#pragma omp simd
    for (size_t c = 0; c < cols; c++) dr[c] = dapt_expf(lr[c] - l) * scale;
    const int32_t y = labels[r];
    if (y >= 0 && (size_t)y < cols) dr[y] -= scale;
  }
}
