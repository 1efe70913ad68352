/*
 * Stockham autosort FFT, decimation in frequency, radices 4, 2, 3, 5.
 * Each stage of current length L = r * m reads x with stride s and writes y:
 *   y[q + s (r p + j)] = w_L^{j p} * sum_k x[q + s (p + k m)] W_r^{j k}
 * then continues on length m with stride r s; the output comes out in
 * natural order.  Twiddles are computed once, in double precision.
 */
#include "ns_fft.h"
#include <math.h>
#include <string.h>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#define VK_PI 3.14159265358979323846

static int factorize(int32_t n, int32_t *radix) {
  int k = 0;
  while (n > 1) {
    int r;
    if (n % 4 == 0) r = 4;
    else if (n % 2 == 0) r = 2;
    else if (n % 3 == 0) r = 3;
    else if (n % 5 == 0) r = 5;
    else return -1;
    if (k == VK_FFT_MAX_STAGES) return -1;
    radix[k++] = r;
    n /= r;
  }
  return k;
}

static size_t twiddle_count(int32_t n, const int32_t *radix, int ns) {
  size_t c = 0;
  int32_t L = n;
  for (int i = 0; i < ns; i++) {
    int32_t m = L / radix[i];
    c += (size_t)(radix[i] - 1) * (size_t)m;
    L = m;
  }
  return c;
}

size_t vk_fft_mem(int32_t n) {
  int32_t radix[VK_FFT_MAX_STAGES];
  if (n < 1) return 0;
  int ns = factorize(n, radix);
  if (ns < 0) return 0;
  return (twiddle_count(n, radix, ns) + (size_t)(n + 1) + (size_t)n) * sizeof(vk_cpx);
}

int vk_fft_init(vk_fft *f, int32_t n, void *mem) {
  int ns = factorize(n, f->radix);
  if (ns < 0 || n < 1) return -1;
  f->n = n;
  f->nstages = ns;
  size_t tc = twiddle_count(n, f->radix, ns);
  f->tw = (vk_cpx *)mem;
  f->rtw = f->tw + tc;
  f->work = f->rtw + (n + 1);
  vk_cpx *t = f->tw;
  int32_t L = n;
  for (int i = 0; i < ns; i++) {
    int32_t r = f->radix[i], m = L / r;
    for (int32_t p = 0; p < m; p++) {
      for (int32_t j = 1; j < r; j++) {
        double a = -2.0 * VK_PI * (double)j * (double)p / (double)L;
        t->re = (float)cos(a);
        t->im = (float)sin(a);
        t++;
      }
    }
    L = m;
  }
  for (int32_t k = 0; k <= n; k++) {
    double a = -VK_PI * (double)k / (double)n;
    f->rtw[k].re = (float)cos(a);
    f->rtw[k].im = (float)sin(a);
  }
  memset(f->work, 0, sizeof(vk_cpx) * (size_t)n);
  return 0;
}

static inline vk_cpx cmul(vk_cpx a, vk_cpx b) {
  vk_cpx r = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
  return r;
}

static void stage2(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  for (int32_t p = 0; p < m; p++) {
    vk_cpx w = tw[p];
    for (int32_t q = 0; q < s; q++) {
      vk_cpx a = x[q + s * p], b = x[q + s * (p + m)];
      vk_cpx d = {a.re - b.re, a.im - b.im};
      y[q + s * (2 * p)] = (vk_cpx){a.re + b.re, a.im + b.im};
      y[q + s * (2 * p + 1)] = cmul(d, w);
    }
  }
}

static void stage4(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  for (int32_t p = 0; p < m; p++) {
    vk_cpx w1 = tw[3 * p], w2 = tw[3 * p + 1], w3 = tw[3 * p + 2];
    for (int32_t q = 0; q < s; q++) {
      vk_cpx a0 = x[q + s * p], a1 = x[q + s * (p + m)];
      vk_cpx a2 = x[q + s * (p + 2 * m)], a3 = x[q + s * (p + 3 * m)];
      float s02r = a0.re + a2.re, s02i = a0.im + a2.im;
      float d02r = a0.re - a2.re, d02i = a0.im - a2.im;
      float s13r = a1.re + a3.re, s13i = a1.im + a3.im;
      float d13r = a1.re - a3.re, d13i = a1.im - a3.im;
      vk_cpx *o = y + q + s * (4 * p);
      o[0] = (vk_cpx){s02r + s13r, s02i + s13i};
      /* b1 = a0 - j a1 - a2 + j a3 = d02 - j d13 */
      o[s] = cmul((vk_cpx){d02r + d13i, d02i - d13r}, w1);
      o[2 * s] = cmul((vk_cpx){s02r - s13r, s02i - s13i}, w2);
      o[3 * s] = cmul((vk_cpx){d02r - d13i, d02i + d13r}, w3);
    }
  }
}

static void stage3(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  const float h = 0.86602540378443864676f; /* sin(2 pi / 3) */
  for (int32_t p = 0; p < m; p++) {
    vk_cpx w1 = tw[2 * p], w2 = tw[2 * p + 1];
    for (int32_t q = 0; q < s; q++) {
      vk_cpx a0 = x[q + s * p], a1 = x[q + s * (p + m)], a2 = x[q + s * (p + 2 * m)];
      float tr = a1.re + a2.re, ti = a1.im + a2.im;
      float ur = a0.re - 0.5f * tr, ui = a0.im - 0.5f * ti;
      float vr = h * (a1.re - a2.re), vi = h * (a1.im - a2.im);
      vk_cpx *o = y + q + s * (3 * p);
      o[0] = (vk_cpx){a0.re + tr, a0.im + ti};
      /* b1 = u - j v, b2 = u + j v */
      o[s] = cmul((vk_cpx){ur + vi, ui - vr}, w1);
      o[2 * s] = cmul((vk_cpx){ur - vi, ui + vr}, w2);
    }
  }
}

static void stage5(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  const float c1 = 0.30901699437494742410f, c2 = -0.80901699437494742410f;
  const float s1 = 0.95105651629515357212f, s2 = 0.58778525229247312917f;
  for (int32_t p = 0; p < m; p++) {
    const vk_cpx *w = tw + 4 * p;
    for (int32_t q = 0; q < s; q++) {
      vk_cpx a0 = x[q + s * p], a1 = x[q + s * (p + m)], a2 = x[q + s * (p + 2 * m)];
      vk_cpx a3 = x[q + s * (p + 3 * m)], a4 = x[q + s * (p + 4 * m)];
      float t1r = a1.re + a4.re, t1i = a1.im + a4.im;
      float t2r = a2.re + a3.re, t2i = a2.im + a3.im;
      float t3r = a1.re - a4.re, t3i = a1.im - a4.im;
      float t4r = a2.re - a3.re, t4i = a2.im - a3.im;
      float p1r = a0.re + c1 * t1r + c2 * t2r, p1i = a0.im + c1 * t1i + c2 * t2i;
      float p2r = a0.re + c2 * t1r + c1 * t2r, p2i = a0.im + c2 * t1i + c1 * t2i;
      float q1r = s1 * t3r + s2 * t4r, q1i = s1 * t3i + s2 * t4i;
      float q2r = s2 * t3r - s1 * t4r, q2i = s2 * t3i - s1 * t4i;
      vk_cpx *o = y + q + s * (5 * p);
      o[0] = (vk_cpx){a0.re + t1r + t2r, a0.im + t1i + t2i};
      /* b1 = p1 - j q1, b4 = p1 + j q1, b2 = p2 - j q2, b3 = p2 + j q2 */
      o[s] = cmul((vk_cpx){p1r + q1i, p1i - q1r}, w[0]);
      o[2 * s] = cmul((vk_cpx){p2r + q2i, p2i - q2r}, w[1]);
      o[3 * s] = cmul((vk_cpx){p2r - q2i, p2i + q2r}, w[2]);
      o[4 * s] = cmul((vk_cpx){p1r - q1i, p1i + q1r}, w[3]);
    }
  }
}

#if defined(__wasm_simd128__)
/*
 * The WASM build: the butterflies on two complex values per 128-bit vector
 * ([re0 im0 re1 im1]), along q when the stride s is even and along p in the
 * first radix-4 stage (s == 1).  Every lane performs the scalar code's float
 * operations in the same order (WASM has no fused multiply-add), so the
 * output is bit-identical to the scalar stages below, which every other
 * target runs.
 */
typedef v128_t cv;
#define CSWAP(a) wasm_i32x4_shuffle((a), (a), 1, 0, 3, 2)
/* [a.re - b.re, a.im + b.im] per complex lane */
#define RE_SUB_IM_ADD(a, b) wasm_i32x4_shuffle(wasm_f32x4_sub((a), (b)), wasm_f32x4_add((a), (b)), 0, 5, 2, 7)
/* [a.re + b.re, a.im - b.im] per complex lane */
#define RE_ADD_IM_SUB(a, b) wasm_i32x4_shuffle(wasm_f32x4_add((a), (b)), wasm_f32x4_sub((a), (b)), 0, 5, 2, 7)

/* d * w with wr = [w.re w.re ..], wi = [w.im w.im ..]:
 * re = d.re w.re - d.im w.im, im = d.im w.re + d.re w.im (== scalar cmul) */
static inline cv v_cmul(cv d, cv wr, cv wi) {
  cv t1 = wasm_f32x4_mul(d, wr), t2 = wasm_f32x4_mul(CSWAP(d), wi);
  return RE_SUB_IM_ADD(t1, t2);
}
static inline cv ld(const vk_cpx *p) { return wasm_v128_load(p); }
static inline void st(vk_cpx *p, cv v) { wasm_v128_store(p, v); }
static inline cv wre(vk_cpx w) { return wasm_f32x4_splat(w.re); }
static inline cv wim(vk_cpx w) { return wasm_f32x4_splat(w.im); }

static void stage2_v(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  for (int32_t p = 0; p < m; p++) {
    cv wr = wre(tw[p]), wi = wim(tw[p]);
    for (int32_t q = 0; q < s; q += 2) {
      cv a = ld(x + q + s * p), b = ld(x + q + s * (p + m));
      st(y + q + s * (2 * p), wasm_f32x4_add(a, b));
      st(y + q + s * (2 * p + 1), v_cmul(wasm_f32x4_sub(a, b), wr, wi));
    }
  }
}

static inline void bfly4(cv a0, cv a1, cv a2, cv a3, cv *o0, cv *b1, cv *b2, cv *b3) {
  cv s02 = wasm_f32x4_add(a0, a2), d02 = wasm_f32x4_sub(a0, a2);
  cv s13 = wasm_f32x4_add(a1, a3), d13 = CSWAP(wasm_f32x4_sub(a1, a3));
  *o0 = wasm_f32x4_add(s02, s13);
  *b1 = RE_ADD_IM_SUB(d02, d13);
  *b2 = wasm_f32x4_sub(s02, s13);
  *b3 = RE_SUB_IM_ADD(d02, d13);
}

static void stage4_v(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  for (int32_t p = 0; p < m; p++) {
    cv w1r = wre(tw[3 * p]), w1i = wim(tw[3 * p]);
    cv w2r = wre(tw[3 * p + 1]), w2i = wim(tw[3 * p + 1]);
    cv w3r = wre(tw[3 * p + 2]), w3i = wim(tw[3 * p + 2]);
    for (int32_t q = 0; q < s; q += 2) {
      cv o0, b1, b2, b3;
      bfly4(ld(x + q + s * p), ld(x + q + s * (p + m)), ld(x + q + s * (p + 2 * m)), ld(x + q + s * (p + 3 * m)),
            &o0, &b1, &b2, &b3);
      vk_cpx *o = y + q + s * (4 * p);
      st(o, o0);
      st(o + s, v_cmul(b1, w1r, w1i));
      st(o + 2 * s, v_cmul(b2, w2r, w2i));
      st(o + 3 * s, v_cmul(b3, w3r, w3i));
    }
  }
}

/* The first radix-4 stage (s == 1, m even): butterflies p and p + 1 per pass. */
static void stage4_first_v(int32_t m, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  for (int32_t p = 0; p < m; p += 2) {
    cv o0, b1, b2, b3;
    bfly4(ld(x + p), ld(x + p + m), ld(x + p + 2 * m), ld(x + p + 3 * m), &o0, &b1, &b2, &b3);
    const vk_cpx *w = tw + 3 * p, *w_ = tw + 3 * p + 3;
    cv r1 = v_cmul(b1, wasm_f32x4_make(w[0].re, w[0].re, w_[0].re, w_[0].re), wasm_f32x4_make(w[0].im, w[0].im, w_[0].im, w_[0].im));
    cv r2 = v_cmul(b2, wasm_f32x4_make(w[1].re, w[1].re, w_[1].re, w_[1].re), wasm_f32x4_make(w[1].im, w[1].im, w_[1].im, w_[1].im));
    cv r3 = v_cmul(b3, wasm_f32x4_make(w[2].re, w[2].re, w_[2].re, w_[2].re), wasm_f32x4_make(w[2].im, w[2].im, w_[2].im, w_[2].im));
    vk_cpx *o = y + 4 * p;
    /* outputs of p: o[0..3]; of p + 1: o[4..7] */
    st(o, wasm_i64x2_shuffle(o0, r1, 0, 2));
    st(o + 2, wasm_i64x2_shuffle(r2, r3, 0, 2));
    st(o + 4, wasm_i64x2_shuffle(o0, r1, 1, 3));
    st(o + 6, wasm_i64x2_shuffle(r2, r3, 1, 3));
  }
}

static void stage3_v(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  const cv h = wasm_f32x4_splat(0.86602540378443864676f), half = wasm_f32x4_splat(0.5f);
  for (int32_t p = 0; p < m; p++) {
    cv w1r = wre(tw[2 * p]), w1i = wim(tw[2 * p]);
    cv w2r = wre(tw[2 * p + 1]), w2i = wim(tw[2 * p + 1]);
    for (int32_t q = 0; q < s; q += 2) {
      cv a0 = ld(x + q + s * p), a1 = ld(x + q + s * (p + m)), a2 = ld(x + q + s * (p + 2 * m));
      cv t = wasm_f32x4_add(a1, a2);
      cv u = wasm_f32x4_sub(a0, wasm_f32x4_mul(half, t));
      cv v = CSWAP(wasm_f32x4_mul(h, wasm_f32x4_sub(a1, a2)));
      vk_cpx *o = y + q + s * (3 * p);
      st(o, wasm_f32x4_add(a0, t));
      st(o + s, v_cmul(RE_ADD_IM_SUB(u, v), w1r, w1i));
      st(o + 2 * s, v_cmul(RE_SUB_IM_ADD(u, v), w2r, w2i));
    }
  }
}

static void stage5_v(int32_t m, int32_t s, const vk_cpx *tw, const vk_cpx *x, vk_cpx *y) {
  const cv c1 = wasm_f32x4_splat(0.30901699437494742410f), c2 = wasm_f32x4_splat(-0.80901699437494742410f);
  const cv s1 = wasm_f32x4_splat(0.95105651629515357212f), s2 = wasm_f32x4_splat(0.58778525229247312917f);
  for (int32_t p = 0; p < m; p++) {
    const vk_cpx *w = tw + 4 * p;
    cv w0r = wre(w[0]), w0i = wim(w[0]), w1r = wre(w[1]), w1i = wim(w[1]);
    cv w2r = wre(w[2]), w2i = wim(w[2]), w3r = wre(w[3]), w3i = wim(w[3]);
    for (int32_t q = 0; q < s; q += 2) {
      cv a0 = ld(x + q + s * p), a1 = ld(x + q + s * (p + m)), a2 = ld(x + q + s * (p + 2 * m));
      cv a3 = ld(x + q + s * (p + 3 * m)), a4 = ld(x + q + s * (p + 4 * m));
      cv t1 = wasm_f32x4_add(a1, a4), t2 = wasm_f32x4_add(a2, a3);
      cv t3 = wasm_f32x4_sub(a1, a4), t4 = wasm_f32x4_sub(a2, a3);
      cv p1 = wasm_f32x4_add(wasm_f32x4_add(a0, wasm_f32x4_mul(c1, t1)), wasm_f32x4_mul(c2, t2));
      cv p2 = wasm_f32x4_add(wasm_f32x4_add(a0, wasm_f32x4_mul(c2, t1)), wasm_f32x4_mul(c1, t2));
      cv q1 = CSWAP(wasm_f32x4_add(wasm_f32x4_mul(s1, t3), wasm_f32x4_mul(s2, t4)));
      cv q2 = CSWAP(wasm_f32x4_sub(wasm_f32x4_mul(s2, t3), wasm_f32x4_mul(s1, t4)));
      vk_cpx *o = y + q + s * (5 * p);
      st(o, wasm_f32x4_add(wasm_f32x4_add(a0, t1), t2));
      st(o + s, v_cmul(RE_ADD_IM_SUB(p1, q1), w0r, w0i));
      st(o + 2 * s, v_cmul(RE_ADD_IM_SUB(p2, q2), w1r, w1i));
      st(o + 3 * s, v_cmul(RE_SUB_IM_ADD(p2, q2), w2r, w2i));
      st(o + 4 * s, v_cmul(RE_SUB_IM_ADD(p1, q1), w3r, w3i));
    }
  }
}
#endif

void vk_fft_forward(const vk_fft *f, vk_cpx *data) {
  vk_cpx *x = data, *y = f->work;
  const vk_cpx *tw = f->tw;
  int32_t L = f->n, s = 1;
  for (int i = 0; i < f->nstages; i++) {
    int32_t r = f->radix[i], m = L / r;
#if defined(__wasm_simd128__)
    if (s % 2 == 0) {
      switch (r) {
        case 4: stage4_v(m, s, tw, x, y); break;
        case 2: stage2_v(m, s, tw, x, y); break;
        case 3: stage3_v(m, s, tw, x, y); break;
        default: stage5_v(m, s, tw, x, y); break;
      }
    } else if (r == 4 && s == 1 && m % 2 == 0) {
      stage4_first_v(m, tw, x, y);
    } else
#endif
    switch (r) {
      case 4: stage4(m, s, tw, x, y); break;
      case 2: stage2(m, s, tw, x, y); break;
      case 3: stage3(m, s, tw, x, y); break;
      default: stage5(m, s, tw, x, y); break;
    }
    tw += (r - 1) * m;
    L = m;
    s *= r;
    vk_cpx *t = x; x = y; y = t;
  }
  if (x != data) memcpy(data, x, sizeof(vk_cpx) * (size_t)f->n);
}

void vk_fft_real_forward(const vk_fft *f, const float *x, vk_cpx *X) {
  int32_t n = f->n;
  /* Pack even/odd samples as one complex sequence of length n into X[0..n-1]. */
  for (int32_t k = 0; k < n; k++) X[k] = (vk_cpx){x[2 * k], x[2 * k + 1]};
  vk_fft_forward(f, X);
  vk_cpx z0 = X[0];
  X[0] = (vk_cpx){z0.re + z0.im, 0.f};
  X[n] = (vk_cpx){z0.re - z0.im, 0.f};
  for (int32_t k = 1; k <= n / 2; k++) {
    vk_cpx a = X[k], b = X[n - k];
    /* Xe = (a + conj b) / 2, Xo = (a - conj b) / 2j */
    float er = 0.5f * (a.re + b.re), ei = 0.5f * (a.im - b.im);
    float or_ = 0.5f * (a.im + b.im), oi = -0.5f * (a.re - b.re);
    vk_cpx w = f->rtw[k];
    float tr = w.re * or_ - w.im * oi, ti = w.re * oi + w.im * or_;
    X[k] = (vk_cpx){er + tr, ei + ti};
    /* bin n - k: Xe' = conj Xe, Xo' = conj Xo, twiddle w_{n-k} = -conj w_k */
    X[n - k] = (vk_cpx){er - tr, -(ei - ti)};
  }
}

void vk_fft_real_inverse(const vk_fft *f, vk_cpx *X, float *x) {
  int32_t n = f->n;
  vk_cpx *Z = X;
  float x0 = X[0].re, xn = X[n].re;
  for (int32_t k = 1; k <= n / 2; k++) {
    vk_cpx a = X[k], b = X[n - k];
    /* Xe = (a + conj b) / 2, Xo = (a - conj b) conj(w_k) / 2, Z = Xe + j Xo */
    float er = 0.5f * (a.re + b.re), ei = 0.5f * (a.im - b.im);
    float dr = 0.5f * (a.re - b.re), di = 0.5f * (a.im + b.im);
    vk_cpx w = f->rtw[k];
    float or_ = dr * w.re + di * w.im, oi = di * w.re - dr * w.im;
    /* Z[k] = Xe + j Xo; Z[n-k] = conj(Xe) + j conj(Xo) */
    Z[k] = (vk_cpx){er - oi, ei + or_};
    Z[n - k] = (vk_cpx){er + oi, -ei + or_};
  }
  Z[0] = (vk_cpx){0.5f * (x0 + xn), 0.5f * (x0 - xn)};
  /* inverse complex FFT through conjugation: ifft(z) = conj(fft(conj z)) */
  for (int32_t k = 0; k < n; k++) Z[k].im = -Z[k].im;
  vk_fft_forward(f, Z);
  for (int32_t k = 0; k < n; k++) {
    x[2 * k] = Z[k].re;
    x[2 * k + 1] = -Z[k].im;
  }
}
