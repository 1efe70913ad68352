/*
 * A periodicity cue measured against the noise estimate (session 8).
 *
 * The core's voicing test (voicing_pitch in ns.c) correlates the raw
 * signal: under a low-frequency noise (a fan) at -5 dB the noise dominates
 * that correlation and a low voice is found in only 1-8 % of the frames the
 * energy decision misses (docs/ns.md, "Session 7: periodicity as a speech
 * cue").  Here the harmonic structure is looked for in the spectrum
 * whitened by the noise estimate, so each band counts by how far it stands
 * above its own noise, whatever the noise's colour:
 *  - the input averaged down to 2 kHz, the last 40 ms (three periods of
 *    an 80 Hz voice), Hann window, zero-padded 128-point FFT: 15.6 Hz bins;
 *  - per bin 62.5 Hz .. 1 kHz, z = the posterior SNR against the core's
 *    noise estimate carried into this domain (through the averaging
 *    filter's response, with the three nearest aliases of the decimation,
 *    scaled by the two windows' energies, at its 50 Hz steps, then
 *    interpolated to these bins).  Not compressed: at -5 dB a low voice
 *    has a few harmonics well over the noise, and weighting by the SNR is
 *    what finds them (ln(1 + SNR) found a quarter as many missed frames
 *    at the same false-alarm rate; docs/ns.md, session 8);
 *  - a harmonic comb for each pitch 80..400 Hz (lag 2.5..12.5 ms in 0.25 ms
 *    steps): sum_j (z_j - mean z) cos(2 pi f_j lag) / sum_j |z_j - mean z|.
 *    It is near 1 for a spectrum whose excess lies on the harmonics and
 *    whose deficit lies between them; a sub-octave (twice the lag) is
 *    penalised by the bins between the harmonics, an octave up (half the
 *    lag) by the odd harmonics.  The cepstrum's idea (Noll 1967) on the
 *    whitened spectrum, evaluated directly at the lags wanted;
 *  - a pitch track: T(lag) = (1 - PT_A) comb(lag) + PT_A max T_prev(lag +-
 *    one step), a pitch that goes on (it moves by less than a step per
 *    frame) adds up, a chance peak of noise does not.  The score is T's
 *    best local peak.
 * Since the whitening takes out the noise's spectral shape, noise alone of
 * any colour gives about the same score distribution, so one threshold has
 * one false-alarm rate (set on noise alone: PT_R in ns.c).
 * Cost per frame: the decimation (n adds), a 128-point real FFT, 21 x 4
 * noise weights, 61 divisions, 41 x 64 multiply-adds.
 */
#include "ns_pitch.h"
#include "ns_internal.h"
#include <math.h>
#include <string.h>

#ifndef PT_A
#define PT_A 0.75f /* weight of the track's past (memory ~4 frames, the window's 40 ms) */
#endif

int vk_ns_pitch_init(vk_ns_pitch *p, int32_t rate) {
  if (rate != 8000 && rate != 16000 && rate != 48000) return -1;
  memset(p, 0, sizeof *p);
  if (vk_fft_mem(PT_NFFT / 2) > sizeof p->fftmem || vk_fft_init(&p->fft, PT_NFFT / 2, p->fftmem) != 0) return -1;
  p->d = rate / PT_FS;
  p->n = rate / 100;
  p->m = p->n / p->d;
  float e2 = 0.f;
  for (int i = 0; i < PT_N; i++) {
    float w = 0.5f - 0.5f * cosf(2.f * 3.14159265f * ((float)i + 0.5f) / (float)PT_N);
    p->win[i] = w;
    e2 += w * w;
  }
  for (int l = 0; l < PT_NL; l++)
    for (int j = 0; j < PT_NB; j++)
      p->cosv[l][j] = (float)cos(2.0 * 3.14159265358979 * (double)((PT_J0 + j) * (PT_L0 + l) % 256) / 256.0);
  /* The expected noise power in a bin of the 40 ms spectrum, from the
   * core's noise estimate lam (50 Hz bins of a 2n-sample sqrt-Hann
   * periodogram: lam = sigma^2 n for white noise of variance sigma^2): a
   * 1/d-averaged white noise has variance sigma^2 / d, so the bin holds
   * sum(w^2) / d * sum over the aliases a of lam(a) / n |H(a)|^2, H the
   * averaging filter's response normalised to 1 at 0 Hz. */
  const double fs = (double)rate, df = (double)PT_FS / PT_NFFT;
  for (int k = 0; k < PT_NM; k++) {
    double f = 50.0 * k;
    double al[PT_NA] = {f, PT_FS - f, PT_FS + f, 2 * PT_FS - f};
    for (int a = 0; a < PT_NA; a++) {
      double fa = al[a], sd = sin(3.14159265358979 * fa / fs);
      double h = sd > 1e-9 ? sin(3.14159265358979 * fa * p->d / fs) / (p->d * sd) : 1.0;
      int32_t kb = (int32_t)(fa / 50.0 + 0.5);
      p->ai[k][a] = kb < p->n ? kb : p->n; /* (all below the Nyquist bin n at each rate) */
      p->aw[k][a] = (float)(e2 / p->d * h * h / p->n);
    }
  }
  for (int j = 0; j < PT_NB; j++) {
    double kb = (PT_J0 + j) * df / 50.0;
    int k0 = (int)kb;
    if (k0 > PT_NM - 2) k0 = PT_NM - 2;
    p->ji[j] = k0;
    p->jf[j] = (float)(kb - k0);
  }
  vk_ns_pitch_reset(p);
  return 0;
}

void vk_ns_pitch_reset(vk_ns_pitch *p) {
  memset(p->x, 0, sizeof p->x);
  for (int l = 0; l < PT_NL; l++) p->s_prev[l] = -1.f;
  p->score = -1.f;
  p->f0 = 0.f;
}

float vk_ns_pitch_frame(vk_ns_pitch *p, const float *h, const float *lam, int32_t nbins) {
  (void)nbins; /* the aliases all lie below the Nyquist bin (vk_ns_pitch_init) */
  const int32_t d = p->d, m = p->m;
  float *x = p->x;
  memmove(x, x + m, (size_t)(PT_N - m) * sizeof(float));
  for (int32_t i = 0; i < m; i++) {
    float a = 0.f;
    for (int32_t j = 0; j < d; j++) a += h[i * d + j];
    x[PT_N - m + i] = a / (float)d;
  }
  float mean = 0.f;
  for (int i = 0; i < PT_N; i++) mean += x[i];
  mean /= (float)PT_N;
  for (int i = 0; i < PT_N; i++) p->buf[i] = (x[i] - mean) * p->win[i]; /* (the padding stays zero) */
  vk_fft_real_forward(&p->fft, p->buf, p->X);
  /* the noise estimate carried into this domain at its 50 Hz steps, then
   * interpolated to the 15.6 Hz bins */
  for (int k = 0; k < PT_NM; k++) {
    float v = 1e-20f;
    for (int a = 0; a < PT_NA; a++) v += p->aw[k][a] * lam[p->ai[k][a]];
    p->nm[k] = v;
  }
  float zs = 0.f;
  for (int j = 0; j < PT_NB; j++) {
    const float n0 = p->nm[p->ji[j]], nz = n0 + p->jf[j] * (p->nm[p->ji[j] + 1] - n0);
    const vk_cpx c = p->X[PT_J0 + j];
    float z = (c.re * c.re + c.im * c.im) / nz;
    p->z[j] = z;
    zs += z;
  }
  zs /= (float)PT_NB;
  float den = 1e-20f;
  for (int j = 0; j < PT_NB; j++) {
    float v = p->z[j] - zs;
    p->z[j] = v;
    den += v >= 0.f ? v : -v;
  }
  float s[PT_NL];
  for (int j = PT_NB; j < PT_NBP; j++) p->z[j] = 0.f;
  const float iden = 1.f / den;
  for (int l = 0; l < PT_NL; l++) {
    /* four partial sums: vectorisable, the same order in every build */
    const float *cv = p->cosv[l], *z = p->z;
    float c0 = 0.f, c1 = 0.f, c2 = 0.f, c3 = 0.f;
    for (int j = 0; j < PT_NBP; j += 4) {
      c0 += z[j] * cv[j];
      c1 += z[j + 1] * cv[j + 1];
      c2 += z[j + 2] * cv[j + 2];
      c3 += z[j + 3] * cv[j + 3];
    }
    s[l] = ((c0 + c1) + (c2 + c3)) * iden;
  }
  /* the track: this frame's comb plus the last frame's track within one
   * lag step (a pitch moves), weighted PT_A (recursive: older frames count
   * less); the score is its best local peak (selects: no branches) */
  float t[PT_NL];
  for (int l = 0; l < PT_NL; l++) {
    float q = p->s_prev[l];
    float ql = l > 0 ? p->s_prev[l - 1] : q, qr = l < PT_NL - 1 ? p->s_prev[l + 1] : q;
    q = ql > q ? ql : q;
    q = qr > q ? qr : q;
    t[l] = (1.f - PT_A) * s[l] + PT_A * q;
  }
  float best = -1.f;
  int bl = 0;
  for (int l = 1; l < PT_NL - 1; l++) {
    float v = (t[l] >= t[l - 1] && t[l] >= t[l + 1]) ? t[l] : -1.f;
    bl = v > best ? l : bl;
    best = v > best ? v : best;
  }
  p->f0 = 4000.f / (float)(PT_L0 + bl);
  memcpy(p->s_prev, t, sizeof t);
  p->score = best;
  return best;
}
