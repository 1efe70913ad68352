/* C tests of the noise suppressor's FFT (against a direct DFT in double
 * precision) and of its contract (argument checks, delay, sanitising). */
#include "vk_ns.h"
#include "ns_fft.h"
#include "ns_internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;
#define CHECK(c) do { if (!(c)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static unsigned rng = 12345u;
static float frand(void) { rng = rng * 1664525u + 1013904223u; return (float)((rng >> 8) & 0xffff) / 32768.f - 1.f; }

static void test_fft(int32_t n) {
  void *mem = malloc(vk_fft_mem(n));
  vk_fft f;
  CHECK(vk_fft_init(&f, n, mem) == 0);
  int32_t m = 2 * n;
  float *x = malloc(sizeof(float) * m), *y = malloc(sizeof(float) * m);
  vk_cpx *X = malloc(sizeof(vk_cpx) * (n + 1));
  for (int32_t i = 0; i < m; i++) x[i] = frand();
  vk_fft_real_forward(&f, x, X);
  double maxerr = 0, maxmag = 0;
  for (int32_t k = 0; k <= n; k++) {
    double re = 0, im = 0;
    for (int32_t i = 0; i < m; i++) {
      double a = -2 * M_PI * (double)k * i / m;
      re += x[i] * cos(a);
      im += x[i] * sin(a);
    }
    double e = hypot(re - X[k].re, im - X[k].im);
    if (e > maxerr) maxerr = e;
    if (hypot(re, im) > maxmag) maxmag = hypot(re, im);
  }
  CHECK(maxerr < 1e-4 * maxmag);
  vk_fft_real_inverse(&f, X, y);
  double ierr = 0;
  for (int32_t i = 0; i < m; i++) ierr = fmax(ierr, fabs(y[i] / n - x[i]));
  CHECK(ierr < 1e-5);
  printf("fft n=%d: forward err %.2e (rel), round trip %.2e\n", n, maxerr / maxmag, ierr);
  free(x); free(y); free(X); free(mem);
}

static void test_ns(int32_t rate) {
  vk_ns *ns = NULL;
  CHECK(vk_ns_create(rate, 0.5f, &ns) == VK_OK && ns);
  int32_t n = vk_ns_frame_size(ns);
  CHECK(n == rate / 100);
  CHECK(vk_ns_delay(ns) == n);
  float *in = calloc(4 * n, sizeof(float)), *out = calloc(4 * n, sizeof(float));
  CHECK(vk_ns_process_f32(ns, in, out, n - 1) == VK_ERR_ARG);
  CHECK(vk_ns_process_f32(ns, in, out, 0) == VK_ERR_ARG);
  CHECK(vk_ns_process_f32(NULL, in, out, n) == VK_ERR_ARG);
  /* strength 0: the input comes out delayed by exactly one frame */
  CHECK(vk_ns_set_strength(ns, 0.f) == VK_OK);
  for (int32_t i = 0; i < 4 * n; i++) in[i] = 0.3f * sinf(0.05f * i) + 0.1f * frand();
  CHECK(vk_ns_process_f32(ns, in, out, 4 * n) == 4 * n);
  double err = 0;
  for (int32_t i = n; i < 4 * n; i++) err = fmax(err, fabs(out[i] - in[i - n]));
  CHECK(err < 1e-5);
  /* NaN / Inf do not poison later frames */
  vk_ns_reset(ns);
  CHECK(vk_ns_set_strength(ns, 0.5f) == VK_OK);
  for (int32_t i = 0; i < n; i++) in[i] = (i & 1) ? NAN : INFINITY;
  vk_ns_process_f32(ns, in, out, n);
  for (int f = 0; f < 20; f++) {
    for (int32_t i = 0; i < n; i++) in[i] = 0.01f * frand();
    vk_ns_process_f32(ns, in, out, n);
  }
  int finite = 1;
  for (int32_t i = 0; i < n; i++) finite &= isfinite(out[i]);
  CHECK(finite);
  float st[VK_NS_STATS];
  CHECK(vk_ns_stats(ns, st, VK_NS_STATS) == VK_NS_STATS);
  CHECK(st[3] == (float)n);
  CHECK(isfinite(st[0]));
  vk_ns_destroy(ns);
  free(in); free(out);
}

static void test_fast_math(void) {
  double e1 = 0, e2 = 0;
  for (float x = 1e-30f; x < 1e30f; x *= 1.37f) e1 = fmax(e1, fabs(vk_fast_log2(x) - log2(x)));
  for (float x = -100.f; x < 100.f; x += 0.0173f) e2 = fmax(e2, fabs(vk_fast_exp2(x) / exp2(x) - 1));
  CHECK(e1 < 3e-5);
  CHECK(e2 < 3e-5);
  CHECK(vk_fast_exp2(-200.f) == 0.f);
  printf("fast log2 abs err %.1e, exp2 rel err %.1e\n", e1, e2);
}

/* A foreign gain stage sees the core's floor per bin: within [the
 * strength's floor, 1] everywhere; at 8 kHz raised (by the learned
 * estimate's extra frames) only below 1 kHz, so equal from 1050 Hz up; at
 * 48 kHz, over hisses whose energy lies mostly above 3 kHz (white noise
 * differenced twice, 100 ms every 400 ms, over white noise), the high
 * band's own decision gives bins from 3 kHz up a floor above the one at
 * 1.5 kHz in some frame.  The stage wraps OM-LSA, so the output is the
 * default's. */
typedef struct floor_probe { vk_ns_gain_stage dflt; int32_t bad, raised_hi, frames; float lo; } floor_probe;

static void probe_compute(void *ctx, const vk_ns_gain_input *in, float *gain, float *spp) {
  floor_probe *pr = (floor_probe *)ctx;
  const float *fl = in->floor;
  pr->frames++;
  for (int32_t k = 0; k < in->nbins; k++)
    if (!(fl[k] >= pr->lo * 0.999f && fl[k] <= 1.f)) pr->bad++;
  if (in->sample_rate == 8000)
    for (int32_t k = 21; k < in->nbins; k++) pr->bad += fl[k] != fl[in->nbins - 1];
  if (fl[in->nbins - 1] > fl[30] * 1.01f) pr->raised_hi++;
  vk_ns_omlsa_gain(pr->dflt.ctx, in, gain, spp);
}

static void test_floor_per_bin(int32_t rate) {
  vk_ns *ns = NULL;
  CHECK(vk_ns_create(rate, 0.5f, &ns) == VK_OK);
  /* the default stage's context, for the wrapper: a table of its own */
  static vk_ns_e1_table e1;
  vk_ns_e1_init(&e1);
  floor_probe pr = {{&e1, vk_ns_omlsa_gain}, 0, 0, 0, powf(10.f, -22.5f / 20.f)};
  vk_ns_gain_stage st = {&pr, probe_compute};
  CHECK(vk_ns_set_gain_stage(ns, &st) == VK_OK);
  const int32_t n = rate / 100, len = 3 * rate;
  float *x = (float *)malloc((size_t)len * sizeof(float));
  float h1 = 0.f, h2 = 0.f;
  rng = 777u;
  for (int32_t i = 0; i < len; i++) {
    float w = frand(), d1 = w - h1, d2 = d1 - h2;
    h1 = w;
    h2 = d1;
    const int hiss = i >= rate / 2 && (i % (rate * 4 / 10)) < rate / 10;
    x[i] = 0.003f * frand() + (hiss ? 0.02f * d2 : 0.f);
  }
  for (int32_t o = 0; o + n <= len; o += n) vk_ns_process_f32(ns, x + o, x + o, n);
  CHECK(pr.frames >= len / n);
  CHECK(pr.bad == 0);
  if (rate == 48000) CHECK(pr.raised_hi > 0);
  else if (rate == 8000) CHECK(pr.raised_hi == 0);
  printf("floor per bin, %d Hz: %d frames, high band raised in %d\n", rate, pr.frames, pr.raised_hi);
  free(x);
  vk_ns_destroy(ns);
}

int main(void) {
  test_fast_math();
  test_fft(80);
  test_fft(160);
  test_fft(480);
  test_fft(60);
  vk_ns *ns = NULL;
  CHECK(vk_ns_create(44100, 0.5f, &ns) == VK_ERR_ARG && ns == NULL);
  CHECK(vk_ns_create(16000, 1.5f, &ns) == VK_ERR_ARG);
  CHECK(vk_ns_create(16000, NAN, &ns) == VK_ERR_ARG);
  test_ns(8000);
  test_ns(16000);
  test_ns(48000);
  test_floor_per_bin(8000);
  test_floor_per_bin(48000);
  vk_ns_destroy(NULL);
  if (failures) printf("%d failures\n", failures);
  else printf("ns_test: all passed\n");
  return failures != 0;
}
