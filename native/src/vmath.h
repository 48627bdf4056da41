/* Branch-free float exp and erf that GCC vectorises (glibc's expf/erff are scalar calls), with
 * relative error ~1e-7, well inside the 1e-4 the kernels are tested to. */
#ifndef DAPT_VMATH_H
#define DAPT_VMATH_H
#include <stdint.h>
#include <string.h>

static inline float dapt_expf(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  /* round to nearest by adding 1.5·2²³ (floorf would stop GCC vectorising the loop) */
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/* Abramowitz & Stegun 7.1.26, the formula TF.js's own Erf kernels use (|error| <= 1.5e-7). */
static inline float dapt_erff(float x) {
  const float s = x < 0.0f ? -1.0f : 1.0f;
  const float a = x * s;
  const float t = 1.0f / (1.0f + 0.3275911f * a);
  const float y = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
  return s * (1.0f - y * dapt_expf(-a * a));
}

#endif
