/*
 * A periodicity (voicing) cue for the noise suppressor's pause frames,
 * measured on the spectrum whitened by the noise estimate.  Private to the
 * core; see ns_pitch.c.
 */
#ifndef VK_NS_PITCH_H
#define VK_NS_PITCH_H

#include "ns_fft.h"
#include <stdint.h>

#define PT_FS 2000   /* the cue's signal: the input averaged down to 2 kHz */
#define PT_N 80      /* analysis window, 40 ms (three periods of an 80 Hz voice) */
#define PT_NFFT 128  /* zero-padded FFT: 15.625 Hz bins */
#define PT_J0 4      /* bins 62.5 Hz .. */
#define PT_J1 64     /* .. 1 kHz */
#define PT_NB (PT_J1 - PT_J0 + 1)
#define PT_NBP 64    /* PT_NB padded to a multiple of 4 (the comb's partial sums) */
#define PT_L0 10     /* lags 2.5 ms .. (400 Hz) */
#define PT_L1 50     /* .. 12.5 ms (80 Hz), in 0.25 ms steps */
#define PT_NL (PT_L1 - PT_L0 + 1)
#define PT_NM 21     /* the noise estimate's 50 Hz steps 0 .. 1 kHz */
#define PT_NA 4      /* aliases of the 2 kHz signal counted in its noise: f, 2k - f, 2k + f, 4k - f */

typedef struct vk_ns_pitch {
  vk_fft fft;
  vk_cpx fftmem[256];
  int32_t d, m, n;         /* decimation factor, samples per hop at 2 kHz, hop at the input rate */
  float x[PT_N];           /* the last 40 ms at 2 kHz */
  float win[PT_N];
  float buf[PT_NFFT];
  vk_cpx X[PT_NFFT / 2 + 1];
  float z[PT_NBP];          /* the whitened spectrum less its mean (zero in the padding) */
  float cosv[PT_NL][PT_NBP];
  int32_t ai[PT_NM][PT_NA]; /* per 50 Hz step up to 1 kHz: the noise estimate's bin of each alias ... */
  float aw[PT_NM][PT_NA];   /* ... and its weight (decimation filter, windows, scale) */
  float nm[PT_NM];          /* the expected noise in this domain at those steps (per frame) */
  int32_t ji[PT_NB];        /* per 15.6 Hz bin: the step below it ... */
  float jf[PT_NB];          /* ... and the interpolation fraction */
  float s_prev[PT_NL];      /* the track at each lag, as of the last frame */
  float score;              /* the last frame's score ... */
  float f0;                 /* ... and the pitch of the track's best peak, Hz */
} vk_ns_pitch;

/* 0 or -1 (rate not 8000/16000/48000). */
int vk_ns_pitch_init(vk_ns_pitch *p, int32_t rate);
void vk_ns_pitch_reset(vk_ns_pitch *p);
/* One hop h (n samples at the input rate) and the noise estimate lam (the
 * core's 50 Hz bins, nbins of them): returns the frame's periodicity score
 * (-1..1; also in p->score, the pitch of its lag in p->f0). */
float vk_ns_pitch_frame(vk_ns_pitch *p, const float *h, const float *lam, int32_t nbins);

#endif
