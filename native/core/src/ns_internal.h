/* Private parts of the noise suppressor shared by ns.c and ns_gain.c. */
#ifndef VK_NS_INTERNAL_H
#define VK_NS_INTERNAL_H

#include "vk_ns.h"
#include <math.h>
#include <stdint.h>

/*
 * E1(v) / 2 (exponential integral) tabulated on u = log2 v, for the LSA
 * gain.  Built once per object in double precision (series below v = 1,
 * continued fraction above); linear interpolation in u is accurate to
 * ~1e-3 where it matters.
 */
#define VK_NS_E1_LO (-20)  /* log2 of the smallest tabulated v */
#define VK_NS_E1_HI 6      /* log2 of the largest; beyond it E1 / 2 < 1e-29 */
#define VK_NS_E1_STEPS 8   /* entries per octave */
#define VK_NS_E1_N ((VK_NS_E1_HI - VK_NS_E1_LO) * VK_NS_E1_STEPS + 1)

typedef struct vk_ns_e1_table {
  float v[VK_NS_E1_N];
} vk_ns_e1_table;

void vk_ns_e1_init(vk_ns_e1_table *t);

/*
 * Fast log2 / exp2 for the per-bin gain (libm's are the largest cost per
 * frame, in WASM most): relative error below 2e-5, ample for gains.
 * log2: exponent bits plus 2 atanh((m - 1) / (m + 1)) / ln 2 to t^7 on the
 * mantissa m in [1, 2); exp2: 2^floor(x) from the exponent bits times a
 * degree-6 Taylor polynomial of e^(f ln 2), f in [0, 1).
 */
static inline float vk_fast_log2(float x) {
  union { float f; uint32_t u; } v = {x};
  int32_t e = (int32_t)((v.u >> 23) & 255u) - 127;
  v.u = (v.u & 0x7fffffu) | 0x3f800000u;
  float m = v.f;
  float t = (m - 1.f) / (m + 1.f), t2 = t * t;
  float ln = 2.f * t * (1.f + t2 * (0.33333333f + t2 * (0.2f + t2 * 0.14285714f)));
  return (float)e + ln * 1.44269504f;
}

static inline float vk_fast_exp2(float x) {
  if (x < -126.f) return 0.f;
  if (x > 126.f) x = 126.f;
  float fl = (float)(int32_t)x;
  if (fl > x) fl -= 1.f;
  float f = (x - fl) * 0.69314718f;
  float p = 1.f + f * (1.f + f * (0.5f + f * (0.16666667f + f * (0.041666668f + f * (0.0083333333f + f * 0.0013888889f)))));
  union { float f; uint32_t u; } v;
  v.u = (uint32_t)((int32_t)fl + 127) << 23;
  return p * v.f;
}

static inline float vk_fast_log(float x) { return vk_fast_log2(x) * 0.69314718f; }
static inline float vk_fast_exp(float x) { return vk_fast_exp2(x * 1.44269504f); }

static inline float vk_ns_half_e1(const vk_ns_e1_table *t, float v) {
  float l2 = vk_fast_log2(v);
  float u = (l2 - (float)VK_NS_E1_LO) * (float)VK_NS_E1_STEPS;
  if (u <= 0.f) return 0.5f * (-0.57721566f - l2 * 0.69314718f); /* small-v asymptote */
  if (u >= (float)(VK_NS_E1_N - 1)) return 0.f;
  int i = (int)u;
  float f = u - (float)i;
  return t->v[i] + f * (t->v[i + 1] - t->v[i]);
}

void vk_ns_omlsa_gain(void *ctx, const vk_ns_gain_input *in, float *gain, float *spp);

/*
 * The learned speech-presence estimate (session 8, ns_presence.c; used with
 * NS_LEARNED, features dumped with NS_FEAT_DUMP): per frame, features from
 * the posterior SNRs of 100 Hz..4 kHz and the frame decision's other
 * inputs, a logistic regression fitted offline on the training talkers
 * (bench/ns-eval/train-presence.ts; weights in ns_presence_weights.h).
 */
#define VK_NS_PRES_NB 8    /* log-spaced bands over bins 2..80 */
#define VK_NS_PRES_NF 24   /* features per frame */
/* the harness's dump per frame (NS_FEAT_DUMP): the features, then 1 when
 * the count's frame decision (with hangover) is a pause, then 1 when the
 * frame passes NS_LOWSEL's frame test (the best lag is a peak; always 1
 * without it): an extra speech frame is one with both and the estimate
 * over its threshold (train-presence.ts's false-alarm budget) */
#define VK_NS_PRES_DUMP_N (VK_NS_PRES_NF + 2)
typedef struct vk_ns_presence {
  float prev[VK_NS_PRES_NB]; /* the last frame's band features */
  float prev_hot;            /* ... and its hot share */
  float f[VK_NS_PRES_NF];    /* this frame's features */
} vk_ns_presence;
void vk_ns_presence_features(vk_ns_presence *st, const float *gamma, float hot, float voicing, float bg_r, int32_t since_pause);
int vk_ns_presence_speech(const vk_ns_presence *st, int32_t rate);
int32_t vk_ns_presence_dump(const vk_ns *ns, float *out, int32_t cap);

#endif
