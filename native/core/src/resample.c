/*
 * Polyphase windowed-sinc resampler (see vk_resample.h for the contract).
 *
 * Design, per object at create time:
 *   ratio out/in = L/M (reduced); lower rate fl = min(in, out).
 *   K taps per phase at the input rate: K0(quality) at the lower rate, scaled
 *   by M/L when downsampling (the filter must be as long in time), rounded
 *   up to a multiple of 8 for the dot product.
 *   Kaiser window for attenuation A(quality): beta = 0.1102 (A - 8.7).
 *   Transition width (Kaiser's estimate) as a fraction of the lower Nyquist:
 *   D = 2 (A - 7.95) / (14.36 (K_low - 1)), with K_low the length in
 *   samples of the lower rate; the cutoff (-6 dB) is placed at 1 - D/2 so
 *   that the stopband starts at the lower Nyquist frequency: nothing above
 *   it aliases (down) or images (up) by more than -A dB.
 *   Every phase is normalised to unit DC gain.
 */
#include "vk_resample.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Per quality: taps at the lower rate, and the stopband attenuation in dB
 * the window is designed for when downsampling and when upsampling. */
static const struct {
  int16_t taps;
  int16_t atten_down, atten_up;
} kQuality[VK_RESAMPLE_QUALITY_MAX + 1] = {
    {8, 30, 30},     {16, 45, 45},     {32, 62, 60},     {48, 86, 80},
    {64, 92, 90},    {80, 102, 100},   {96, 107, 105},   {128, 112, 110},
    {160, 117, 115}, {192, 122, 120},  {256, 130, 130},
};

/* Where the stopband starts, as a fraction of the lower Nyquist frequency.
 * Downsampling: at Nyquist, so that nothing aliases.  Upsampling: a little
 * above, because the input, sampled at the lower rate, has itself been
 * band-limited below its Nyquist frequency (by its ADC or a previous
 * resampler), so images of content that is not there need not be
 * suppressed; the passband gains the difference. */
#define STOP_EDGE_DOWN 1.01
#define STOP_EDGE_UP 1.03

/* The largest L of a reduced ratio between the supported rates (8 -> 48 kHz). */
#define VK_RESAMPLE_MAX_UP 6

struct vk_resample {
  int32_t channels;
  int32_t L, M;      /* out/in = L/M */
  int32_t K, half;   /* taps per phase; half = K/2 */
  float cutoff, atten;
  float *coef;       /* L phases * K taps, phase-major */
  float *buf;        /* channels * cap floats, one history line per channel */
  int32_t cap;       /* K + VK_RESAMPLE_CHUNK */
  int32_t avail;     /* frames held in each line */
  int32_t idx;       /* line index of the first tap of the next output */
  int32_t phase;     /* 0..L-1: the next output is at input time idx' + phase / L */
  /* After an output at phase p: the window moves adv[p] input frames and
   * the next output has phase next[p] ((p + M) = adv[p] L + next[p]). */
  int32_t adv[VK_RESAMPLE_MAX_UP], next[VK_RESAMPLE_MAX_UP];
  const float *phase_coef[VK_RESAMPLE_MAX_UP]; /* coef + p K */
};

static int rate_ok(int32_t r) { return r == 8000 || r == 16000 || r == 24000 || r == 48000; }

static int32_t gcd32(int32_t a, int32_t b) {
  while (b) {
    int32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Modified Bessel function of the first kind, order 0 (power series). */
static double bessel_i0(double x) {
  double sum = 1.0, term = 1.0, q = x * x / 4.0;
  for (int k = 1; k < 200; k++) {
    term *= q / ((double)k * (double)k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

static int design(vk_resample *r, int32_t quality) {
  int32_t L = r->L, M = r->M;
  double atten = M > L ? kQuality[quality].atten_down : kQuality[quality].atten_up;
  int32_t k0 = kQuality[quality].taps;
  /* Taps at the input rate: longer by M/L when downsampling. */
  int32_t K = M > L ? (int32_t)((k0 * (int64_t)M + L - 1) / L) : k0;
  K = (K + 7) & ~7;
  double k_low = M > L ? (double)K * L / M : (double)K; /* length in lower-rate samples */
  double width = 2.0 * (atten - 7.95) / (14.36 * (k_low - 1.0));
  double cutoff = (M > L ? STOP_EDGE_DOWN : STOP_EDGE_UP) - width / 2.0;
  if (cutoff < 0.5) cutoff = 0.5;
  double beta = atten > 50.0 ? 0.1102 * (atten - 8.7) : 0.5842 * pow(atten - 21.0, 0.4) + 0.07886 * (atten - 21.0);
  if (atten <= 21.0) beta = 0.0;
  /* Sinc cutoff as a fraction of the input Nyquist. */
  double fc = M > L ? cutoff * L / M : cutoff;
  int32_t half = K / 2;
  double i0b = bessel_i0(beta);

  r->coef = (float *)malloc(sizeof(float) * (size_t)L * (size_t)K);
  if (!r->coef) return VK_ERR_NOMEM;
  for (int32_t p = 0; p < L; p++) {
    float *h = r->coef + (size_t)p * K;
    double sum = 0.0;
    for (int32_t k = 0; k < K; k++) {
      /* distance from the output's time to input sample k of the window */
      double d = (double)p / L + (double)(half - 1 - k);
      double x = d / half;
      double w = (x >= -1.0 && x <= 1.0) ? bessel_i0(beta * sqrt(1.0 - x * x)) / i0b : 0.0;
      double a = M_PI * fc * d;
      double s = d == 0.0 ? fc : fc * sin(a) / a;
      h[k] = (float)(s * w);
      sum += s * w;
    }
    for (int32_t k = 0; k < K; k++) h[k] = (float)(h[k] / sum);
  }
  for (int32_t p = 0; p < L; p++) r->phase_coef[p] = r->coef + (size_t)p * K;
  r->K = K;
  r->half = half;
  r->cutoff = (float)cutoff;
  r->atten = (float)atten;
  return VK_OK;
}

void vk_resample_reset(vk_resample *r) {
  if (!r) return;
  if (r->K) memset(r->buf, 0, sizeof(float) * (size_t)r->cap * (size_t)r->channels);
  /* half - 1 leading zeros put input frame 0 where output 0's window needs it */
  r->avail = r->K ? r->half - 1 : 0;
  r->idx = 0;
  r->phase = 0;
}

int32_t vk_resample_create(int32_t in_rate, int32_t out_rate, int32_t channels, int32_t quality,
                           vk_resample **out) {
  if (!out || !rate_ok(in_rate) || !rate_ok(out_rate) || channels < 1 || channels > VK_RESAMPLE_MAX_CHANNELS ||
      quality < 0 || quality > VK_RESAMPLE_QUALITY_MAX)
    return VK_ERR_ARG;
  vk_resample *r = (vk_resample *)calloc(1, sizeof *r);
  if (!r) return VK_ERR_NOMEM;
  int32_t g = gcd32(in_rate, out_rate);
  r->L = out_rate / g;
  r->M = in_rate / g;
  r->channels = channels;
  if (r->L > VK_RESAMPLE_MAX_UP) {
    free(r);
    return VK_ERR_ARG;
  }
  for (int32_t p = 0; p < r->L; p++) {
    r->adv[p] = (p + r->M) / r->L;
    r->next[p] = (p + r->M) % r->L;
  }
  if (r->L != r->M) {
    int32_t st = design(r, quality);
    if (st != VK_OK) {
      free(r);
      return st;
    }
    r->cap = r->K + VK_RESAMPLE_CHUNK;
    r->buf = (float *)malloc(sizeof(float) * (size_t)r->cap * (size_t)channels);
    if (!r->buf) {
      free(r->coef);
      free(r);
      return VK_ERR_NOMEM;
    }
  } else {
    r->cutoff = 1.0f;
  }
  vk_resample_reset(r);
  *out = r;
  return VK_OK;
}

void vk_resample_destroy(vk_resample *r) {
  if (!r) return;
  free(r->coef);
  free(r->buf);
  free(r);
}

int32_t vk_resample_get_info(const vk_resample *r, vk_resample_info *info) {
  if (!r || !info) return VK_ERR_ARG;
  info->up = r->L;
  info->down = r->M;
  info->taps = r->K;
  info->latency = r->half;
  info->channels = r->channels;
  info->cutoff = r->cutoff;
  info->attenuation_db = r->atten;
  return VK_OK;
}

static int64_t frames_for(const vk_resample *r, int64_t in_frames) {
  if (!r->K) return in_frames;
  int64_t d = (int64_t)r->avail + in_frames - r->K - r->idx;
  if (d < 0) return 0;
  return ((d + 1) * r->L - 1 - r->phase) / r->M + 1;
}

int32_t vk_resample_output_frames(const vk_resample *r, int32_t in_frames) {
  if (!r || in_frames < 0) return VK_ERR_ARG;
  int64_t n = frames_for(r, in_frames);
  return n > INT32_MAX ? VK_ERR_ARG : (int32_t)n;
}

int32_t vk_resample_flush_frames(const vk_resample *r) {
  if (!r) return VK_ERR_ARG;
  return r->K ? (int32_t)frames_for(r, r->half) : 0;
}

/*
 * Dot products of K taps (K a multiple of 8), each with two 4-lane partial
 * sums (taps k..k+3 and k+4..k+7 of every 8) reduced in a fixed
 * association: y = (s0 + s2) + (s1 + s3), s = a + b.  dot4 computes four
 * outputs at once (consecutive outputs: their own phase and window start),
 * so the loop overhead is shared and the four horizontal reductions become
 * one 4x4 transpose; dot1 computes one output with exactly the same
 * arithmetic per lane, so how a stream is cut into calls does not change a
 * single bit.  GCC and clang (emscripten included) lower the vector type to
 * SIMD where they can and to scalar code otherwise; the portable fallback
 * sums in the same order, so every build computes the same value.
 */
#if defined(__GNUC__) || defined(__clang__)
typedef float v4f __attribute__((vector_size(16)));
#if defined(__clang__)
#define SHUF4(a, b, i0, i1, i2, i3) __builtin_shufflevector((a), (b), i0, i1, i2, i3)
#else
typedef int32_t v4i __attribute__((vector_size(16)));
#define SHUF4(a, b, i0, i1, i2, i3) __builtin_shuffle((a), (b), (v4i){i0, i1, i2, i3})
#endif
static inline v4f load4(const float *p) {
  v4f v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline float dot1(const float *restrict h, const float *restrict x, int32_t K) {
  v4f a = {0, 0, 0, 0}, b = a;
  for (int32_t k = 0; k < K; k += 8) {
    a += load4(h + k) * load4(x + k);
    b += load4(h + k + 4) * load4(x + k + 4);
  }
  v4f s = a + b;
  return (s[0] + s[2]) + (s[1] + s[3]);
}
/* y[j] = the horizontal sum of sj, each as (sj[0] + sj[2]) + (sj[1] + sj[3])
 * (the order dot1 uses, so every kernel gives the same bits). */
static inline void hsum4(v4f s0, v4f s1, v4f s2, v4f s3, float y[4]) {
  /* t01 = (s0[0] + s0[2], s0[1] + s0[3], s1[0] + s1[2], s1[1] + s1[3]) */
  v4f t01 = SHUF4(s0, s1, 0, 1, 4, 5) + SHUF4(s0, s1, 2, 3, 6, 7);
  v4f t23 = SHUF4(s2, s3, 0, 1, 4, 5) + SHUF4(s2, s3, 2, 3, 6, 7);
  v4f r = SHUF4(t01, t23, 0, 2, 4, 6) + SHUF4(t01, t23, 1, 3, 5, 7);
  memcpy(y, &r, sizeof r);
}
static inline void dot4(const float *const h[4], const float *const x[4], int32_t K, float y[4]) {
  v4f a0 = {0, 0, 0, 0}, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
  const float *h0 = h[0], *h1 = h[1], *h2 = h[2], *h3 = h[3];
  const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
  for (int32_t k = 0; k < K; k += 8) {
    a0 += load4(h0 + k) * load4(x0 + k);
    b0 += load4(h0 + k + 4) * load4(x0 + k + 4);
    a1 += load4(h1 + k) * load4(x1 + k);
    b1 += load4(h1 + k + 4) * load4(x1 + k + 4);
    a2 += load4(h2 + k) * load4(x2 + k);
    b2 += load4(h2 + k + 4) * load4(x2 + k + 4);
    a3 += load4(h3 + k) * load4(x3 + k);
    b3 += load4(h3 + k + 4) * load4(x3 + k + 4);
  }
  hsum4(a0 + b0, a1 + b1, a2 + b2, a3 + b3, y);
}
/* Four outputs with one phase shared by outputs 0 and 2 (hA) and one by 1
 * and 3 (hB) -- hA == hB when downsampling by an integer: the taps are
 * loaded once for the outputs that use them. */
static inline void dot4h2(const float *hA, const float *hB, const float *const x[4], int32_t K, float y[4]) {
  v4f a0 = {0, 0, 0, 0}, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
  const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3];
  for (int32_t k = 0; k < K; k += 8) {
    v4f ha = load4(hA + k), hb = load4(hA + k + 4);
    a0 += ha * load4(x0 + k);
    b0 += hb * load4(x0 + k + 4);
    a2 += ha * load4(x2 + k);
    b2 += hb * load4(x2 + k + 4);
    v4f ga = load4(hB + k), gb = load4(hB + k + 4);
    a1 += ga * load4(x1 + k);
    b1 += gb * load4(x1 + k + 4);
    a3 += ga * load4(x3 + k);
    b3 += gb * load4(x3 + k + 4);
  }
  hsum4(a0 + b0, a1 + b1, a2 + b2, a3 + b3, y);
}
/* Three outputs, the first two over window xA, the third over xB (3/2
 * upsampling, 16 -> 24 kHz: the phases 0, 2, 1 of one cycle). */
static inline void dot3x(const float *h0, const float *h1, const float *h2, const float *xA, const float *xB, int32_t K, float y[4]) {
  v4f a0 = {0, 0, 0, 0}, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0;
  for (int32_t k = 0; k < K; k += 8) {
    v4f xa = load4(xA + k), xb = load4(xA + k + 4);
    a0 += load4(h0 + k) * xa;
    b0 += load4(h0 + k + 4) * xb;
    a1 += load4(h1 + k) * xa;
    b1 += load4(h1 + k + 4) * xb;
    a2 += load4(h2 + k) * load4(xB + k);
    b2 += load4(h2 + k + 4) * load4(xB + k + 4);
  }
  hsum4(a0 + b0, a1 + b1, a2 + b2, (v4f){0, 0, 0, 0}, y);
}
/* Three outputs over one input window (integer upsampling: the phases of
 * one input position): the window is loaded once for the three. y[3] is
 * written too (0). */
static inline void dot3s(const float *h0, const float *h1, const float *h2, const float *x, int32_t K, float y[4]) {
  dot3x(h0, h1, h2, x, x, K, y);
}
/* Two outputs over one input window; y[2], y[3] are written too (0). */
static inline void dot2s(const float *h0, const float *h1, const float *x, int32_t K, float y[4]) {
  v4f a0 = {0, 0, 0, 0}, b0 = a0, a1 = a0, b1 = a0;
  for (int32_t k = 0; k < K; k += 8) {
    v4f xa = load4(x + k), xb = load4(x + k + 4);
    a0 += load4(h0 + k) * xa;
    b0 += load4(h0 + k + 4) * xb;
    a1 += load4(h1 + k) * xa;
    b1 += load4(h1 + k + 4) * xb;
  }
  v4f z = {0, 0, 0, 0};
  hsum4(a0 + b0, a1 + b1, z, z, y);
}
#else
static inline float dot1(const float *h, const float *x, int32_t K) {
  float a[4] = {0}, b[4] = {0}, s[4];
  for (int32_t k = 0; k < K; k += 8)
    for (int j = 0; j < 4; j++) {
      a[j] += h[k + j] * x[k + j];
      b[j] += h[k + 4 + j] * x[k + 4 + j];
    }
  for (int j = 0; j < 4; j++) s[j] = a[j] + b[j];
  return (s[0] + s[2]) + (s[1] + s[3]);
}
static inline void dot4(const float *const h[4], const float *const x[4], int32_t K, float y[4]) {
  for (int j = 0; j < 4; j++) y[j] = dot1(h[j], x[j], K);
}
static inline void dot3x(const float *h0, const float *h1, const float *h2, const float *xA, const float *xB, int32_t K, float y[4]) {
  y[0] = dot1(h0, xA, K);
  y[1] = dot1(h1, xA, K);
  y[2] = dot1(h2, xB, K);
  y[3] = 0.0f;
}
static inline void dot4h2(const float *hA, const float *hB, const float *const x[4], int32_t K, float y[4]) {
  y[0] = dot1(hA, x[0], K);
  y[1] = dot1(hB, x[1], K);
  y[2] = dot1(hA, x[2], K);
  y[3] = dot1(hB, x[3], K);
}
static inline void dot3s(const float *h0, const float *h1, const float *h2, const float *x, int32_t K, float y[4]) {
  dot3x(h0, h1, h2, x, x, K, y);
}
static inline void dot2s(const float *h0, const float *h1, const float *x, int32_t K, float y[4]) {
  y[0] = dot1(h0, x, K);
  y[1] = dot1(h1, x, K);
  y[2] = y[3] = 0.0f;
}
#endif

/* Four outputs per pass pay off where the vector type is SIMD; in the WASM
 * build (no SIMD) the 32 scalar accumulators spill, and one output at a
 * time is faster.  Both compute the same bits. */
#if defined(__EMSCRIPTEN__) && !defined(__wasm_simd128__)
#define VK_RS_DOT4 0
#else
#define VK_RS_DOT4 1
#endif

/* Saturate and round to nearest (ties to even) without branches: the sign
 * of the signal is unpredictable, and a branch per sample costs more than
 * the arithmetic.  Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to
 * an integer in the current (default: nearest) rounding mode. */
static inline int16_t to_i16(float y) {
  /* NaN (from NaN float input still in the history) would make the
   * conversion below undefined behaviour: it plays as silence. */
  y = y == y ? y : 0.0f;
  y = y > 32767.0f ? 32767.0f : y;
  y = y < -32768.0f ? -32768.0f : y;
  y = (y + 12582912.0f) - 12582912.0f;
  return (int16_t)(int32_t)y;
}

#if defined(__GNUC__) || defined(__clang__)
/* to_i16 on four outputs at once, the same operations lane by lane. */
typedef int32_t v4s __attribute__((vector_size(16)));
static inline void to_i16x4(const float y4[4], int16_t *o, size_t stride) {
  const v4f hi = {32767.0f, 32767.0f, 32767.0f, 32767.0f}, lo = {-32768.0f, -32768.0f, -32768.0f, -32768.0f};
  const v4f mg = {12582912.0f, 12582912.0f, 12582912.0f, 12582912.0f};
  v4f y;
  memcpy(&y, y4, sizeof y);
  v4s ok = y == y;
  y = (v4f)((v4s)y & ok);
  v4s gt = y > hi;
  y = (v4f)(((v4s)y & ~gt) | ((v4s)hi & gt));
  v4s lt = y < lo;
  y = (v4f)(((v4s)y & ~lt) | ((v4s)lo & lt));
  y = (y + mg) - mg;
  v4s i = __builtin_convertvector(y, v4s);
  o[0] = (int16_t)i[0];
  o[stride] = (int16_t)i[1];
  o[2 * stride] = (int16_t)i[2];
  o[3 * stride] = (int16_t)i[3];
}
#else
static inline void to_i16x4(const float y4[4], int16_t *o, size_t stride) {
  for (int j = 0; j < 4; j++) o[(size_t)j * stride] = to_i16(y4[j]);
}
#endif

/* in: int16 or float interleaved (or NULL for zeros), chosen by is_i16; out likewise. */
static int32_t run(vk_resample *r, const void *in, int32_t in_frames, void *out, int32_t out_capacity, int is_i16) {
  if (!r || in_frames < 0 || out_capacity < 0) return VK_ERR_ARG;
  int64_t need = frames_for(r, in_frames);
  if (need > out_capacity) return VK_ERR_BUFFER_SMALL;
  if (need > 0 && !out) return VK_ERR_ARG;
  const int32_t C = r->channels;
  const int16_t *in16 = (const int16_t *)in;
  const float *inf = (const float *)in;
  int16_t *out16 = (int16_t *)out;
  float *outf = (float *)out;

  if (!r->K) { /* identity ratio */
    size_t n = (size_t)in_frames * C;
    if (!in || !n) return in_frames;
    if (is_i16) memcpy(out16, in16, n * sizeof *out16);
    else memcpy(outf, inf, n * sizeof *outf);
    return in_frames;
  }

  const int32_t K = r->K, cap = r->cap;
  int32_t produced = 0;
  int32_t consumed = 0;
  do {
    int32_t n = in_frames - consumed;
    if (n > cap - r->avail) n = cap - r->avail;
    for (int32_t c = 0; c < C; c++) {
      float *line = r->buf + (size_t)c * cap + r->avail;
      if (!in) {
        memset(line, 0, sizeof(float) * (size_t)n);
      } else if (is_i16) {
        const int16_t *s = in16 + (size_t)consumed * C + c;
        for (int32_t i = 0; i < n; i++) line[i] = (float)s[(size_t)i * C];
      } else {
        const float *s = inf + (size_t)consumed * C + c;
        for (int32_t i = 0; i < n; i++) line[i] = s[(size_t)i * C];
      }
    }
    r->avail += n;
    consumed += n;
    int32_t idx = r->idx, phase = r->phase;
    const int32_t avail = r->avail;
    const int32_t L = r->L;
    if (r->M == 1 && phase == 0 && (L == 2 || L == 3 || L == 6)) {
      /* Integer upsampling: the L outputs of one input position share its
       * window (same arithmetic per output as dot1 / dot4). */
      const float *const *ph = r->phase_coef;
      for (; idx + K <= avail; idx++) {
        for (int32_t c = 0; c < C; c++) {
          const float *x = r->buf + (size_t)c * cap + idx;
          float y[8];
          if (L == 2) dot2s(ph[0], ph[1], x, K, y);
          else dot3s(ph[0], ph[1], ph[2], x, K, y);
          if (L == 6) dot3s(ph[3], ph[4], ph[5], x, K, y + 3);
          size_t o = (size_t)produced * C + c;
          if (is_i16)
            for (int32_t j = 0; j < L; j++) out16[o + (size_t)j * C] = to_i16(y[j]);
          else
            for (int32_t j = 0; j < L; j++) outf[o + (size_t)j * C] = y[j];
        }
        produced += L;
      }
    } else if (L == 3 && r->M == 2 && phase == 0 && VK_RS_DOT4) {
      /* 3/2: each cycle is phases 0 and 2 at idx, phase 1 at idx + 1. */
      const float *const *ph = r->phase_coef;
      for (; idx + 1 + K <= avail; idx += 2) {
        for (int32_t c = 0; c < C; c++) {
          const float *x = r->buf + (size_t)c * cap + idx;
          float y[4];
          dot3x(ph[0], ph[2], ph[1], x, x + 1, K, y);
          size_t o = (size_t)produced * C + c;
          if (is_i16)
            for (int32_t j = 0; j < 3; j++) out16[o + (size_t)j * C] = to_i16(y[j]);
          else
            for (int32_t j = 0; j < 3; j++) outf[o + (size_t)j * C] = y[j];
        }
        produced += 3;
      }
    }
    for (;;) {
      /* Up to four consecutive outputs whose windows are all in the line. */
      const float *h[4] = {0, 0, 0, 0};
      int32_t at[4] = {0, 0, 0, 0};
      int32_t g = 0;
      while (g < 4 && idx + K <= avail) {
        h[g] = r->phase_coef[phase];
        at[g] = idx;
        g++;
        idx += r->adv[phase];
        phase = r->next[phase];
      }
      if (g == 0) break;
      for (int32_t c = 0; c < C; c++) {
        const float *line = r->buf + (size_t)c * cap;
        float y[4];
        if (g == 4 && VK_RS_DOT4) {
          const float *x[4] = {line + at[0], line + at[1], line + at[2], line + at[3]};
          if (h[0] == h[2] && h[1] == h[3]) dot4h2(h[0], h[1], x, K, y); /* L = 1 or 2 */
          else dot4(h, x, K, y);
        } else {
          for (int32_t j = 0; j < g; j++) y[j] = dot1(h[j], line + at[j], K);
        }
        size_t o = (size_t)produced * C + c;
        if (is_i16 && g == 4)
          to_i16x4(y, out16 + o, (size_t)C);
        else if (is_i16)
          for (int32_t j = 0; j < g; j++) out16[o + (size_t)j * C] = to_i16(y[j]);
        else
          for (int32_t j = 0; j < g; j++) outf[o + (size_t)j * C] = y[j];
      }
      produced += g;
      if (g < 4) break;
    }
    /* Keep only the history the next output needs (fewer than K frames). */
    if (idx > 0) {
      int32_t keep = r->avail - idx;
      for (int32_t c = 0; c < C; c++) {
        float *line = r->buf + (size_t)c * cap;
        memmove(line, line + idx, sizeof(float) * (size_t)keep);
      }
      r->avail = keep;
      idx = 0;
    }
    r->idx = idx;
    r->phase = phase;
  } while (consumed < in_frames);
  return produced;
}

int32_t vk_resample_process_i16(vk_resample *r, const int16_t *in, int32_t in_frames, int16_t *out,
                                int32_t out_capacity) {
  if (in_frames > 0 && !in) return VK_ERR_ARG;
  return run(r, in, in_frames, out, out_capacity, 1);
}

int32_t vk_resample_process_f32(vk_resample *r, const float *in, int32_t in_frames, float *out,
                                int32_t out_capacity) {
  if (in_frames > 0 && !in) return VK_ERR_ARG;
  return run(r, in, in_frames, out, out_capacity, 0);
}

static int32_t flush(vk_resample *r, void *out, int32_t out_capacity, int is_i16) {
  if (!r || out_capacity < 0) return VK_ERR_ARG;
  if (!r->K) return 0;
  int32_t n = run(r, NULL, r->half, out, out_capacity, is_i16);
  if (n >= 0) vk_resample_reset(r);
  return n;
}

int32_t vk_resample_flush_i16(vk_resample *r, int16_t *out, int32_t out_capacity) {
  return flush(r, out, out_capacity, 1);
}

int32_t vk_resample_flush_f32(vk_resample *r, float *out, int32_t out_capacity) {
  return flush(r, out, out_capacity, 0);
}
