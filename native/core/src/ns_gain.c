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
 * tracker's speech presence, the floor Gmin from the core, per bin
 * (vk_ns_gain_input.floor).
 */
#include "vk_ns.h"
#include "ns_internal.h"
#include <math.h>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#ifndef Q_MIN
#define Q_MIN 0.05f /* never assume speech is certainly present */
#endif
#ifndef Q_MAX
#define Q_MAX 0.95f /* nor certainly absent */
#endif

#if defined(__wasm_simd128__)
/*
 * The WASM build: four bins per pass with the 128-bit SIMD proposal.  Each
 * lane performs the scalar loop's float operations in the same order (WASM
 * has no fused multiply-add, so nothing is contracted), branches become
 * selects, and the table lookup is four scalar loads: the output is
 * bit-identical to the scalar loop below, which finishes the last bins and
 * is what every other target runs.
 */
static inline v128_t v_sel(v128_t mask, v128_t a, v128_t b) { return wasm_v128_bitselect(a, b, mask); }

static inline v128_t v_log2(v128_t x) {
  v128_t e = wasm_i32x4_sub(wasm_v128_and(wasm_u32x4_shr(x, 23), wasm_i32x4_splat(255)), wasm_i32x4_splat(127));
  v128_t m = wasm_v128_or(wasm_v128_and(x, wasm_i32x4_splat(0x7fffff)), wasm_i32x4_splat(0x3f800000));
  v128_t one = wasm_f32x4_splat(1.f);
  v128_t t = wasm_f32x4_div(wasm_f32x4_sub(m, one), wasm_f32x4_add(m, one));
  v128_t t2 = wasm_f32x4_mul(t, t);
  v128_t poly = wasm_f32x4_add(wasm_f32x4_splat(0.2f), wasm_f32x4_mul(t2, wasm_f32x4_splat(0.14285714f)));
  poly = wasm_f32x4_add(wasm_f32x4_splat(0.33333333f), wasm_f32x4_mul(t2, poly));
  poly = wasm_f32x4_add(one, wasm_f32x4_mul(t2, poly));
  v128_t ln = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_splat(2.f), t), poly);
  return wasm_f32x4_add(wasm_f32x4_convert_i32x4(e), wasm_f32x4_mul(ln, wasm_f32x4_splat(1.44269504f)));
}

static inline v128_t v_exp2(v128_t x) {
  v128_t under = wasm_f32x4_lt(x, wasm_f32x4_splat(-126.f));
  v128_t c = wasm_f32x4_splat(126.f);
  x = v_sel(wasm_f32x4_gt(x, c), c, x);
  v128_t fi = wasm_i32x4_trunc_sat_f32x4(x);
  v128_t fl = wasm_f32x4_convert_i32x4(fi);
  v128_t adj = wasm_f32x4_gt(fl, x);
  fl = v_sel(adj, wasm_f32x4_sub(fl, wasm_f32x4_splat(1.f)), fl);
  fi = wasm_i32x4_add(fi, adj); /* adj lanes are -1 */
  v128_t f = wasm_f32x4_mul(wasm_f32x4_sub(x, fl), wasm_f32x4_splat(0.69314718f));
  v128_t p = wasm_f32x4_add(wasm_f32x4_splat(0.0083333333f), wasm_f32x4_mul(f, wasm_f32x4_splat(0.0013888889f)));
  p = wasm_f32x4_add(wasm_f32x4_splat(0.041666668f), wasm_f32x4_mul(f, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(0.16666667f), wasm_f32x4_mul(f, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(0.5f), wasm_f32x4_mul(f, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(1.f), wasm_f32x4_mul(f, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(1.f), wasm_f32x4_mul(f, p));
  v128_t sc = wasm_i32x4_shl(wasm_i32x4_add(fi, wasm_i32x4_splat(127)), 23);
  return v_sel(under, wasm_f32x4_splat(0.f), wasm_f32x4_mul(p, sc));
}

static inline v128_t v_half_e1(const vk_ns_e1_table *t, v128_t v) {
  v128_t l2 = v_log2(v);
  v128_t u = wasm_f32x4_mul(wasm_f32x4_sub(l2, wasm_f32x4_splat((float)VK_NS_E1_LO)), wasm_f32x4_splat((float)VK_NS_E1_STEPS));
  v128_t small = wasm_f32x4_le(u, wasm_f32x4_splat(0.f));
  v128_t big = wasm_f32x4_ge(u, wasm_f32x4_splat((float)(VK_NS_E1_N - 1)));
  v128_t asym = wasm_f32x4_mul(wasm_f32x4_splat(0.5f),
                               wasm_f32x4_sub(wasm_f32x4_splat(-0.57721566f), wasm_f32x4_mul(l2, wasm_f32x4_splat(0.69314718f))));
  v128_t ii = wasm_i32x4_trunc_sat_f32x4(u);
  /* lanes outside the table take another branch; keep their index valid */
  ii = wasm_i32x4_max(wasm_i32x4_min(ii, wasm_i32x4_splat(VK_NS_E1_N - 2)), wasm_i32x4_splat(0));
  v128_t f = wasm_f32x4_sub(u, wasm_f32x4_convert_i32x4(ii));
  int i0 = wasm_i32x4_extract_lane(ii, 0), i1 = wasm_i32x4_extract_lane(ii, 1);
  int i2 = wasm_i32x4_extract_lane(ii, 2), i3 = wasm_i32x4_extract_lane(ii, 3);
  v128_t a = wasm_f32x4_make(t->v[i0], t->v[i1], t->v[i2], t->v[i3]);
  v128_t b = wasm_f32x4_make(t->v[i0 + 1], t->v[i1 + 1], t->v[i2 + 1], t->v[i3 + 1]);
  v128_t r = wasm_f32x4_add(a, wasm_f32x4_mul(f, wasm_f32x4_sub(b, a)));
  r = v_sel(big, wasm_f32x4_splat(0.f), r);
  return v_sel(small, asym, r);
}

static int32_t omlsa_simd(const vk_ns_e1_table *t, const vk_ns_gain_input *in, int32_t k, int32_t k1, float lnfloor,
                          float *gain, float *spp) {
  const v128_t one = wasm_f32x4_splat(1.f), zero = wasm_f32x4_splat(0.f);
  const v128_t vmin = wasm_f32x4_splat(1e-12f), lnf = wasm_f32x4_splat(lnfloor);
  const v128_t qmin = wasm_f32x4_splat(Q_MIN), qmax = wasm_f32x4_splat(Q_MAX);
  const v128_t l2e = wasm_f32x4_splat(1.44269504f), ln2 = wasm_f32x4_splat(0.69314718f);
  for (; k + 4 <= k1; k += 4) {
    v128_t xi = wasm_v128_load(in->prio_snr + k), gamma = wasm_v128_load(in->post_snr + k);
    v128_t r = wasm_f32x4_div(xi, wasm_f32x4_add(one, xi));
    v128_t v = wasm_f32x4_mul(r, gamma);
    v = v_sel(wasm_f32x4_lt(v, vmin), vmin, v);
    v128_t q = wasm_f32x4_sub(one, wasm_v128_load(in->speech_prob + k));
    q = v_sel(wasm_f32x4_lt(q, qmin), qmin, v_sel(wasm_f32x4_gt(q, qmax), qmax, q));
    v128_t ev = v_sel(wasm_f32x4_lt(v, wasm_f32x4_splat(80.f)), v_exp2(wasm_f32x4_mul(wasm_f32x4_neg(v), l2e)), zero);
    v128_t den = wasm_f32x4_mul(wasm_f32x4_mul(wasm_f32x4_div(q, wasm_f32x4_sub(one, q)), wasm_f32x4_add(one, xi)), ev);
    v128_t p = wasm_f32x4_div(one, wasm_f32x4_add(one, den));
    v128_t lng = wasm_f32x4_add(wasm_f32x4_mul(v_log2(r), ln2), v_half_e1(t, v));
    lng = v_sel(wasm_f32x4_gt(lng, zero), zero, lng);
    v128_t lnG = wasm_f32x4_add(wasm_f32x4_mul(p, lng), wasm_f32x4_mul(wasm_f32x4_sub(one, p), lnf));
    wasm_v128_store(gain + k, v_exp2(wasm_f32x4_mul(lnG, l2e)));
    wasm_v128_store(spp + k, p);
  }
  return k;
}
#endif

/* Bins k..k1-1, whose floor has the logarithm lnfloor. */
static void omlsa_run(const vk_ns_e1_table *t, const vk_ns_gain_input *in, int32_t k, int32_t k1, float lnfloor,
                      float *gain, float *spp) {
#if defined(__wasm_simd128__)
  k = omlsa_simd(t, in, k, k1, lnfloor, gain, spp);
#endif
  for (; k < k1; k++) {
    float xi = in->prio_snr[k], gamma = in->post_snr[k];
    float r = xi / (1.f + xi);
    float v = r * gamma;
    if (v < 1e-12f) v = 1e-12f;
    float q = 1.f - in->speech_prob[k];
    q = q < Q_MIN ? Q_MIN : (q > Q_MAX ? Q_MAX : q);
    float ev = v < 80.f ? vk_fast_exp(-v) : 0.f;
    float p = 1.f / (1.f + q / (1.f - q) * (1.f + xi) * ev);
    float lng = vk_fast_log(r) + vk_ns_half_e1(t, v);
    if (lng > 0.f) lng = 0.f;
    float lnG = p * lng + (1.f - p) * lnfloor;
    gain[k] = vk_fast_exp(lnG);
    spp[k] = p;
  }
}

/* The core's floor is the frame's in most bins and changes only at a
 * band's edge: the bins go in runs of one floor, each with its logarithm
 * computed once (a bin with the frame's floor gets the gain it had when
 * the stage was handed one floor per frame). */
void vk_ns_omlsa_gain(void *ctx, const vk_ns_gain_input *in, float *gain, float *spp) {
  const vk_ns_e1_table *t = (const vk_ns_e1_table *)ctx;
  const int32_t nb = in->nbins;
  for (int32_t k = 0; k < nb;) {
    const float fl = in->floor[k];
    int32_t e = k + 1;
    while (e < nb && in->floor[e] == fl) e++;
    omlsa_run(t, in, k, e, logf(fl > 1e-6f ? fl : 1e-6f), gain, spp);
    k = e;
  }
}
