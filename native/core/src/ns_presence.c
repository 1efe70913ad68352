/*
 * The learned frame speech-presence estimate (session 8): features of one
 * frame and a logistic regression over them, fitted offline on the
 * training talkers by bench/ns-eval/train-presence.ts (weights in
 * ns_presence_weights.h, per sample rate).  Used by ns.c (NS_LEARNED,
 * default 3: a frame the count rule calls a pause and this estimate calls
 * speech gets the speech floor below 1 kHz; docs/ns.md "Session 8").
 * About 160 additions, 90 fast logarithms and 25 multiply-adds per frame,
 * at any rate.
 */
#include "ns_internal.h"
#include "ns_presence_weights.h"
#include <string.h>

#ifdef NS_PRES_THR
#error "NS_PRES_THR was removed in session 11; build it from b1667e7 (docs/ns.md, \"Session 11: switches removed\")"
#endif

/* Band edges in 50 Hz bins: 100 Hz .. 4.05 kHz, about log-spaced (the
 * lowest bands 2 bins wide, so that each holds more than one periodogram
 * value). */
static const int32_t pres_edge[VK_NS_PRES_NB + 1] = {2, 4, 6, 9, 14, 21, 32, 52, 81};

static float clampf(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }

/*
 * Features (the order is the weights' order):
 *  0..7   ln of the mean posterior SNR in each band (clamped to -4..8: up
 *         to 35 dB over the noise estimate),
 *  8..15  the same of the last frame,
 *  16     the share of hot bins (the count rule's input), 17 the last
 *         frame's,
 *  18     ln of the whitened spectrum's flatness (mean ln gamma - ln mean
 *         gamma over 100 Hz..4 kHz; 0 for a flat spectrum),
 *  19     the voicing test's best normalised autocorrelation (pitch
 *         80..400 Hz, 0..1),
 *  20     ln of the mean posterior SNR over 100 Hz..4 kHz,
 *  21     the largest band feature,
 *  22     the talker's level over the noise estimate (dB / 10, the babble
 *         test's high quantile, the last frame's),
 *  23     frames since the last pause of the babble test, / 150 (1 when
 *         the background is speech-like).
 */
void vk_ns_presence_features(vk_ns_presence *st, const float *gamma, float hot, float voicing, float bg_r, int32_t since_pause) {
  float *f = st->f;
  float lsum = 0.f, asum = 0.f, mx = -4.f;
  for (int b = 0; b < VK_NS_PRES_NB; b++) {
    float s = 0.f;
    for (int32_t k = pres_edge[b]; k < pres_edge[b + 1]; k++) {
      s += gamma[k];
      lsum += vk_fast_log(gamma[k]);
    }
    asum += s;
    float v = clampf(vk_fast_log(s / (float)(pres_edge[b + 1] - pres_edge[b])), -4.f, 8.f);
    f[b] = v;
    f[VK_NS_PRES_NB + b] = st->prev[b];
    st->prev[b] = v;
    mx = v > mx ? v : mx;
  }
  const float nbin = (float)(pres_edge[VK_NS_PRES_NB] - pres_edge[0]);
  float lmean = vk_fast_log(asum / nbin);
  f[16] = hot;
  f[17] = st->prev_hot;
  st->prev_hot = hot;
  f[18] = clampf(lsum / nbin - lmean, -8.f, 0.f);
  f[19] = clampf(voicing, 0.f, 1.f);
  f[20] = clampf(lmean, -4.f, 8.f);
  f[21] = mx;
  f[22] = clampf(bg_r * 0.1f, -2.f, 6.f);
  f[23] = (float)(since_pause < 150 ? since_pause : 150) / 150.f;
}

/* Speech when the logit w . f + b is over the threshold chosen on
 * training (ns_presence_weights.h). */
int vk_ns_presence_speech(const vk_ns_presence *st, int32_t rate) {
  const int r = rate == 8000 ? 0 : (rate == 16000 ? 1 : 2);
  const float *w = vk_ns_pres_w[r];
  float z = w[VK_NS_PRES_NF];
  for (int i = 0; i < VK_NS_PRES_NF; i++) z += w[i] * st->f[i];
  const float *thr = vk_ns_pres_thr;
  return z > thr[r];
}
