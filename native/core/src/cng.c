#include "vk_cng.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Samples over which the gain moves to a new SID's level. */
#define RAMP 80
/* White-noise correction of the autocorrelation (−40 dB): keeps the model
 * well conditioned for tonal or band-limited input. */
#define WNC 1.0001

static uint8_t level_byte(double rms) {
  if (rms <= 0.0) return 127;
  double l = -20.0 * log10(rms / 32768.0);
  if (l < 0.0) l = 0.0;
  if (l > 127.0) l = 127.0;
  return (uint8_t)(l + 0.5);
}

static uint8_t coef_byte(double k) {
  double v = k * 128.0 + 127.0;
  if (v < 0.0) v = 0.0;
  if (v > 254.0) v = 254.0;
  return (uint8_t)(v + 0.5);
}

int32_t vk_cn_analyze(const int16_t *pcm, int32_t n, int32_t order, uint8_t *payload, int32_t capacity) {
  if (!pcm || n < 1 || order < 0 || order > VK_CN_MAX_ORDER || !payload) return VK_ERR_ARG;
  if (capacity < 1 + order) return VK_ERR_BUFFER_SMALL;
  double e = 0.0;
  for (int32_t i = 0; i < n; i++) e += (double)pcm[i] * pcm[i];
  payload[0] = level_byte(sqrt(e / n));
  if (order == 0) return 1;

  double r[VK_CN_MAX_ORDER + 1];
  for (int32_t lag = 0; lag <= order; lag++) {
    double s = 0.0;
    for (int32_t i = lag; i < n; i++) {
      double wi = n > 1 ? 0.5 - 0.5 * cos(2.0 * M_PI * (i + 0.5) / n) : 1.0;
      double wj = n > 1 ? 0.5 - 0.5 * cos(2.0 * M_PI * (i - lag + 0.5) / n) : 1.0;
      s += wi * pcm[i] * wj * pcm[i - lag];
    }
    r[lag] = s;
  }
  r[0] *= WNC;
  double a[VK_CN_MAX_ORDER + 1] = {1.0}, tmp[VK_CN_MAX_ORDER + 1];
  double err = r[0];
  for (int32_t m = 1; m <= order; m++) {
    double k = 0.0;
    if (err > 0.0) {
      double acc = r[m];
      for (int32_t i = 1; i < m; i++) acc += a[i] * r[m - i];
      k = -acc / err;
    }
    if (k > 0.999) k = 0.999;
    if (k < -0.999) k = -0.999;
    memcpy(tmp, a, sizeof(double) * (size_t)m);
    for (int32_t i = 1; i < m; i++) a[i] = tmp[i] + k * tmp[m - i];
    a[m] = k;
    err *= 1.0 - k * k;
    payload[m] = coef_byte(k);
  }
  return 1 + order;
}

struct vk_cng {
  uint32_t rng;
  int32_t order;
  /* 1 / A(z) runs as an all-pole lattice on the reflection coefficients:
   * stable for |k| < 1 whatever the order, where the direct form of the
   * same filter diverges in double precision once 16 coefficients sit near
   * +-0.99 (a fuzzed payload did that: fuzz/regressions/cng/). */
  double k[VK_CN_MAX_ORDER + 1];   /* k[1..order] */
  double mem[VK_CN_MAX_ORDER];     /* backward errors b_m(n-1), m = 0..order-1 */
  double gain, target, step;       /* excitation scale, ramping to target */
  int32_t ramp;                    /* samples left in the ramp */
  int have;                        /* an update was received */
};

int32_t vk_cng_create(uint32_t seed, vk_cng **out) {
  if (!out) return VK_ERR_ARG;
  vk_cng *g = (vk_cng *)calloc(1, sizeof *g);
  if (!g) return VK_ERR_NOMEM;
  g->rng = seed ? seed : 0x9e3779b9u;
  *out = g;
  return VK_OK;
}

void vk_cng_destroy(vk_cng *g) { free(g); }

int32_t vk_cng_update(vk_cng *g, const uint8_t *payload, int32_t len) {
  if (!g || !payload || len < 1) return VK_ERR_ARG;
  int32_t order = len - 1;
  if (order > VK_CN_MAX_ORDER) order = VK_CN_MAX_ORDER;
  double pe = 1.0; /* prediction error gain: prod(1 - k^2) */
  for (int32_t m = 1; m <= order; m++) {
    uint8_t b = payload[m] > 254 ? 254 : payload[m];
    double k = (b - 127.0) / 128.0;
    g->k[m] = k;
    pe *= 1.0 - k * k;
  }
  if (order < g->order) memset(g->mem + order, 0, sizeof(double) * (size_t)(g->order - order));
  g->order = order;
  /* Unit-variance excitation through 1 / A(z) has variance 1 / pe. */
  double rms = 32768.0 * pow(10.0, -(payload[0] & 0x7f) / 20.0);
  if ((payload[0] & 0x7f) == 127) rms = 0.0;
  g->target = rms * sqrt(pe);
  if (!g->have) {
    g->gain = g->target;
    g->ramp = 0;
  } else {
    g->ramp = RAMP;
    g->step = (g->target - g->gain) / RAMP;
  }
  g->have = 1;
  return VK_OK;
}

/* Approximately Gaussian, unit variance: the sum of four uniforms on
 * [-sqrt(3), sqrt(3)) has variance 4, so halve it. */
static double noise(uint32_t *s) {
  double sum = 0.0;
  for (int i = 0; i < 4; i++) {
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    sum += ((double)x / 4294967296.0 * 2.0 - 1.0) * 1.7320508075688772;
  }
  return sum * 0.5;
}

int32_t vk_cng_generate(vk_cng *g, int16_t *out, int32_t n) {
  if (!g || n < 0 || (n && !out)) return VK_ERR_ARG;
  if (!g->have) {
    memset(out, 0, sizeof(int16_t) * (size_t)n);
    return n;
  }
  const int32_t p = g->order;
  for (int32_t i = 0; i < n; i++) {
    if (g->ramp > 0) {
      g->gain += g->step;
      if (--g->ramp == 0) g->gain = g->target;
    }
    /* Lattice synthesis, the inverse of A_m(z) = A_{m-1}(z) + k_m z^-m A_{m-1}(1/z):
     * f_{m-1}(n) = f_m(n) - k_m b_{m-1}(n-1);  b_m(n) = b_{m-1}(n-1) + k_m f_{m-1}(n). */
    double f = g->gain * noise(&g->rng);
    for (int32_t m = p; m >= 1; m--) {
      f -= g->k[m] * g->mem[m - 1];
      if (m < p) g->mem[m] = g->mem[m - 1] + g->k[m] * f;
    }
    if (p > 0) g->mem[0] = f;
    double y = f;
    if (!(fabs(y) < 1e9)) { /* never expected; NaN or runaway: restart the filter */
      memset(g->mem, 0, sizeof g->mem);
      y = 0.0;
    }
    double v = y > 32767.0 ? 32767.0 : y < -32768.0 ? -32768.0 : y;
    out[i] = (int16_t)(v >= 0 ? v + 0.5 : v - 0.5);
  }
  return n;
}
