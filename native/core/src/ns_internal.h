/* Private parts of the noise suppressor shared by ns.c and ns_gain.c. */
#ifndef VK_NS_INTERNAL_H
#define VK_NS_INTERNAL_H

#include "vk_ns.h"
#include <math.h>

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

static inline float vk_ns_half_e1(const vk_ns_e1_table *t, float v) {
  float u = (log2f(v) - (float)VK_NS_E1_LO) * (float)VK_NS_E1_STEPS;
  if (u <= 0.f) return 0.5f * (-0.57721566f - logf(v)); /* small-v asymptote */
  if (u >= (float)(VK_NS_E1_N - 1)) return 0.f;
  int i = (int)u;
  float f = u - (float)i;
  return t->v[i] + f * (t->v[i + 1] - t->v[i]);
}

void vk_ns_omlsa_gain(void *ctx, const vk_ns_gain_input *in, float *gain, float *spp);

#endif
