/*
 * The default gain stage of the noise suppressor: the optimally-modified
 * log-spectral amplitude estimator (OM-LSA; Cohen and Berdugo, "Speech
 * enhancement for non-stationary noise environments", Signal Processing 81,
 * 2001): the LSA gain under speech presence (Ephraim and Malah 1985),
 * G_H1 = xi / (1 + xi) * exp(E1(v) / 2), v = gamma xi / (1 + xi),
 * combined with the gain floor under speech absence through the
 * conditional speech-presence probability
 * p = 1 / (1 + q / (1 - q) (1 + xi) exp(-v)), G = G_H1^p Gmin^(1 - p).
 * The a priori absence probability q comes from the minima-controlled
 * tracker's speech presence.
 */
#include "vk_ns.h"
#include "ns_internal.h"
#include <math.h>

#ifndef Q_MIN
#define Q_MIN 0.05f /* never assume speech is certainly present */
#endif
#ifndef Q_MAX
#define Q_MAX 0.95f /* nor certainly absent */
#endif

void vk_ns_omlsa_gain(void *ctx, const vk_ns_gain_input *in, float *gain, float *spp) {
  const vk_ns_e1_table *t = (const vk_ns_e1_table *)ctx;
  const float lnfloor = logf(in->gain_floor > 1e-6f ? in->gain_floor : 1e-6f);
  for (int32_t k = 0; k < in->nbins; k++) {
    float xi = in->prio_snr[k], gamma = in->post_snr[k];
    float r = xi / (1.f + xi);
    float v = r * gamma;
    if (v < 1e-12f) v = 1e-12f;
    float q = 1.f - in->speech_prob[k];
    q = q < Q_MIN ? Q_MIN : (q > Q_MAX ? Q_MAX : q);
    float ev = v < 80.f ? expf(-v) : 0.f;
    float p = 1.f / (1.f + q / (1.f - q) * (1.f + xi) * ev);
    float lng = logf(r) + vk_ns_half_e1(t, v);
    if (lng > 0.f) lng = 0.f;
    float lnG = p * lng + (1.f - p) * lnfloor;
    gain[k] = expf(lnG);
    spp[k] = p;
  }
}
