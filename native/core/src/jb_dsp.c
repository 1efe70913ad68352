/*
 * Jitter-buffer DSP: pitch estimation, WSOLA time-scale modification,
 * packet loss concealment in the manner of ITU-T G.711 Appendix I, merge
 * cross-fades and comfort noise.  Works at the stream's clock rate; pitch
 * searches are decimated to about 8 kHz so their cost does not grow with
 * the rate.
 *
 * Concealment (G.711 Appendix I, adapted):
 *  - the pitch period P is the lag (2.5 .. 15 ms) that best matches the end
 *    of the history with the audio one lag earlier;
 *  - the history's last P/4 samples, when they are not yet played, are
 *    overlap-added towards the audio one period earlier so that repeating
 *    the last period continues smoothly; the wrap of the repeated cycle is
 *    cross-faded the same way;
 *  - the cycle is the last period for the first 10 ms, then the last two,
 *    then the last three periods (less repetitive buzz);
 *  - after 10 ms the output is attenuated by 20 % per 10 ms, reaching
 *    silence (comfort noise at the history's background level) at 60 ms;
 *  - the first real audio after concealment is cross-faded from the
 *    concealment's continuation over 4 ms plus 1 ms per further 10 ms of
 *    concealment, at most 10 ms.
 *
 * WSOLA: accelerate overlap-adds two adjacent similar segments of one lag
 * into one (removing one lag); preemptive expand inserts one lag the same
 * way; in silence, accelerate removes a larger span with a short fade.
 */
#include "jb_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef JB_MIN_CORR
#define JB_MIN_CORR 0.55f    /* WSOLA needs at least this self-similarity on non-silent audio */
#endif
#ifndef JB_PLC_ATT_START_MS
#define JB_PLC_ATT_START_MS 10
#endif
#ifndef JB_PLC_ATT_PER_10MS
#define JB_PLC_ATT_PER_10MS 0.2f
#endif
#ifndef JB_NOISE_MAX
#define JB_NOISE_MAX 60.0f   /* comfort-noise RMS cap */
#endif

int32_t jb_dsp_init(jb_dsp *d, int32_t rate) {
  memset(d, 0, sizeof *d);
  d->rate = rate;
  d->min_lag = rate / 400;          /* 2.5 ms */
  d->max_lag = rate * 15 / 1000;    /* 15 ms */
  d->step = rate / 8000 > 0 ? rate / 8000 : 1;
  int32_t max_ovl = d->max_lag / 4 + 1;
  d->plc.tail = (int16_t *)malloc(sizeof(int16_t) * (size_t)(3 * d->max_lag + max_ovl + 4));
  if (!d->plc.tail) return VK_ERR_NOMEM;
  d->plc.rng = 0x12345678u;
  return VK_OK;
}

void jb_dsp_free(jb_dsp *d) {
  free(d->plc.tail);
  d->plc.tail = NULL;
}

void jb_dsp_reset(jb_dsp *d) {
  d->plc.active = 0;
  d->plc.elapsed = 0;
  d->plc.noise_level = 0;
  d->plc.rng = 0x12345678u;
}

float jb_dsp_rms(const int16_t *x, int32_t n) {
  if (n <= 0) return 0.0f;
  double e = 0;
  for (int32_t i = 0; i < n; i++) e += (double)x[i] * x[i];
  return (float)sqrt(e / n);
}

/* Normalised cross-correlation of a[0..len) and b[0..len) taking every
 * stride-th sample.  Two silent segments count as similar. */
static float ncc(const int16_t *a, const int16_t *b, int32_t len, int32_t stride) {
  double ab = 0, aa = 0, bb = 0;
  for (int32_t i = 0; i < len; i += stride) {
    ab += (double)a[i] * b[i];
    aa += (double)a[i] * a[i];
    bb += (double)b[i] * b[i];
  }
  if (aa < 1.0 && bb < 1.0) return 1.0f;
  if (aa < 1.0 || bb < 1.0) return 0.0f;
  return (float)(ab / sqrt(aa * bb));
}

int32_t jb_dsp_best_lag(const int16_t *x, int32_t n, int32_t lmin, int32_t lmax, int32_t step, float *corr) {
  if (lmax > n / 2) lmax = n / 2;
  if (lmax < lmin) {
    if (corr) *corr = 0;
    return 0;
  }
  int32_t best = lmin;
  float bc = -2.0f;
  for (int32_t L = lmin; L <= lmax; L += step) {
    float c = ncc(x, x + L, L, step);
    if (c > bc) {
      bc = c;
      best = L;
    }
  }
  if (step > 1) {
    int32_t lo = best - step + 1, hi = best + step - 1;
    if (lo < lmin) lo = lmin;
    if (hi > lmax) hi = lmax;
    bc = -2.0f;
    for (int32_t L = lo; L <= hi; L++) {
      float c = ncc(x, x + L, L, 1);
      if (c > bc) {
        bc = c;
        best = L;
      }
    }
  }
  if (corr) *corr = bc;
  return best;
}

/* Pitch period of the end of h: the lag whose earlier segment best matches
 * the last window. */
static int32_t history_pitch(const jb_dsp *d, const int16_t *h, int32_t hn) {
  int32_t lmax = d->max_lag, lmin = d->min_lag;
  int32_t w = d->rate / 100; /* 10 ms window */
  if (hn < w + lmin) {
    w = hn / 2;
    lmax = hn - w;
  }
  if (lmax > hn - w) lmax = hn - w;
  if (lmax < lmin || w <= 0) return lmin;
  const int16_t *end = h + hn - w;
  int32_t best = lmin;
  float bc = -2.0f;
  for (int32_t L = lmin; L <= lmax; L += d->step) {
    float c = ncc(end, end - L, w, d->step);
    if (c > bc) {
      bc = c;
      best = L;
    }
  }
  if (d->step > 1) {
    int32_t lo = best - d->step + 1, hi = best + d->step - 1;
    if (lo < lmin) lo = lmin;
    if (hi > lmax) hi = lmax;
    bc = -2.0f;
    for (int32_t L = lo; L <= hi; L++) {
      float c = ncc(end, end - L, w, 1);
      if (c > bc) {
        bc = c;
        best = L;
      }
    }
  }
  return best;
}

static float lcg_noise(jb_plc *p) {
  p->rng = p->rng * 1664525u + 1013904223u;
  return ((float)(p->rng >> 8) / 8388608.0f) - 1.0f; /* [-1, 1) */
}

void jb_dsp_plc_begin(jb_dsp *d, int16_t *h, int32_t hn, int32_t editable) {
  jb_plc *p = &d->plc;
  p->active = 1;
  p->elapsed = 0;
  p->k = 1;
  p->pos = 0;
  /* background level: the quietest 5 ms block of the history */
  int32_t blk = d->rate / 200;
  float lvl = JB_NOISE_MAX;
  for (int32_t i = 0; i + blk <= hn; i += blk) {
    float r = jb_dsp_rms(h + i, blk);
    if (r < lvl) lvl = r;
  }
  p->noise_level = lvl;
  if (hn < 2 * d->min_lag) {
    p->period = 0; /* not enough history: comfort noise only */
    p->tail_len = 0;
    return;
  }
  int32_t P = history_pitch(d, h, hn);
  int32_t ovl = P / 4 > 0 ? P / 4 : 1;
  if (P + ovl > hn) P = hn - ovl;
  p->period = P;
  p->ovl = ovl;
  if (editable >= ovl && hn >= P + ovl) {
    for (int32_t j = 0; j < ovl; j++) {
      int32_t i = hn - ovl + j;
      float w = (float)(j + 1) / (float)(ovl + 1);
      h[i] = (int16_t)lrintf((1.0f - w) * h[i] + w * h[i - P]);
    }
  }
  int32_t tl = 3 * P + ovl;
  if (tl > hn) tl = hn;
  memcpy(p->tail, h + hn - tl, sizeof(int16_t) * (size_t)tl);
  p->tail_len = tl;
}

int jb_dsp_plc_generate(jb_dsp *d, int16_t *out, int32_t n) {
  jb_plc *p = &d->plc;
  int32_t ms10 = d->rate / 100;
  float g = 1.0f;
  for (int32_t i = 0; i < n; i++) {
    int32_t e = p->elapsed;
    g = 1.0f;
    if (e >= JB_PLC_ATT_START_MS * ms10 / 10) {
      g = 1.0f - JB_PLC_ATT_PER_10MS * (float)(e - ms10) / (float)ms10;
      if (g < 0) g = 0;
    }
    float v = 0;
    if (p->period > 0 && g > 0) {
      /* cycle of k periods, grown at 10 and 20 ms when the tail allows */
      int32_t want_k = 1 + e / ms10;
      if (want_k > 3) want_k = 3;
      while (p->k < want_k && (p->k + 1) * p->period + p->ovl <= p->tail_len) {
        p->k++;
        p->pos += p->period;
      }
      int32_t C = p->k * p->period;
      int32_t S = p->tail_len - C;
      int32_t pos = p->pos;
      v = p->tail[S + pos];
      if (pos >= C - p->ovl && S + pos - C >= 0) {
        float w = (float)(pos - (C - p->ovl) + 1) / (float)(p->ovl + 1);
        v = (1.0f - w) * v + w * p->tail[S + pos - C];
      }
      p->pos = pos + 1 >= C ? 0 : pos + 1;
    }
    float noise = lcg_noise(p) * p->noise_level * 1.7320508f;
    float s = g * v + (1.0f - g) * noise;
    if (s > 32767.0f) s = 32767.0f;
    if (s < -32768.0f) s = -32768.0f;
    out[i] = (int16_t)lrintf(s);
    p->elapsed++;
  }
  return g > 0.0f && p->period > 0;
}

void jb_dsp_merge(jb_dsp *d, int16_t *y, int32_t n) {
  jb_plc *p = &d->plc;
  if (!p->active) return;
  int32_t ms = d->rate / 1000;
  int32_t erased_ms = p->elapsed / (ms > 0 ? ms : 1);
  int32_t ov_ms = 4 + (erased_ms > 10 ? (erased_ms - 10) / 10 : 0);
  if (ov_ms > 10) ov_ms = 10;
  int32_t L = ov_ms * ms;
  if (L > n) L = n;
  int16_t c[480];
  if (L > 480) L = 480;
  jb_dsp_plc_generate(d, c, L);
  for (int32_t i = 0; i < L; i++) {
    float w = (float)(i + 1) / (float)(L + 1);
    y[i] = (int16_t)lrintf((1.0f - w) * c[i] + w * y[i]);
  }
  p->active = 0;
  p->elapsed = 0;
}

void jb_dsp_cng(jb_dsp *d, int16_t *out, int32_t n) {
  jb_plc *p = &d->plc;
  for (int32_t i = 0; i < n; i++) out[i] = (int16_t)lrintf(lcg_noise(p) * p->noise_level * 1.7320508f);
}

int32_t jb_dsp_stretch(jb_dsp *d, int16_t *x, int32_t n, int32_t max_len, int sign, int32_t *at) {
  *at = 0;
  if (max_len < d->min_lag || n < 2 * d->min_lag) return 0;
  float rms = jb_dsp_rms(x, n);
  int silent = rms < JB_SILENCE_RMS;
  if (silent && sign < 0) {
    int32_t xf = d->rate / 1000; /* 1 ms fade */
    int32_t R = max_len;
    if (R > n - xf) R = n - xf;
    if (R < d->min_lag) return 0;
    for (int32_t j = 0; j < xf; j++) {
      float w = (float)(j + 1) / (float)(xf + 1);
      x[j] = (int16_t)lrintf((1.0f - w) * x[j] + w * x[R + j]);
    }
    memmove(x + xf, x + R + xf, sizeof(int16_t) * (size_t)(n - R - xf));
    *at = 0;
    return -R;
  }
  int32_t lmax = d->max_lag < max_len ? d->max_lag : max_len;
  float c = 0;
  int32_t L = jb_dsp_best_lag(x, n, d->min_lag, lmax, d->step, &c);
  if (L <= 0 || (!silent && c < JB_MIN_CORR)) return 0;
  if (sign < 0) {
    for (int32_t j = 0; j < L; j++) {
      float w = (float)(j + 1) / (float)(L + 1);
      x[j] = (int16_t)lrintf((1.0f - w) * x[j] + w * x[L + j]);
    }
    memmove(x + L, x + 2 * L, sizeof(int16_t) * (size_t)(n - 2 * L));
    *at = 0;
    return -L;
  }
  /* insert: x[0..L), fade x[L..2L) -> x[0..L), then x[L..n) */
  memmove(x + 2 * L, x + L, sizeof(int16_t) * (size_t)(n - L));
  for (int32_t j = 0; j < L; j++) {
    float w = (float)(j + 1) / (float)(L + 1);
    x[L + j] = (int16_t)lrintf((1.0f - w) * x[2 * L + j] + w * x[j]);
  }
  *at = L;
  return L;
}
