/*
 * Mixed-radix (2, 3, 4, 5) complex FFT and the real FFT built on it, for the
 * noise suppressor.  Private to the core.  No global state: the plan (factors
 * and twiddles) lives in a caller-provided struct sized at init.
 */
#ifndef VK_NS_FFT_H
#define VK_NS_FFT_H

#include <stddef.h>
#include <stdint.h>

typedef struct vk_cpx { float re, im; } vk_cpx;

#define VK_FFT_MAX_STAGES 16

typedef struct vk_fft {
  int32_t n;                         /* complex length */
  int32_t nstages;
  int32_t radix[VK_FFT_MAX_STAGES];
  vk_cpx *tw;                        /* per stage (r-1)*m twiddles, concatenated */
  vk_cpx *rtw;                       /* real-FFT post-twiddles e^{-j 2 pi k / 2n}, k = 0..n */
  vk_cpx *work;                      /* n scratch */
} vk_fft;

/*
 * Bytes of memory vk_fft_init needs for a real FFT of length 2n (complex n).
 * Returns 0 when n has a prime factor other than 2, 3, 5.
 */
size_t vk_fft_mem(int32_t n);
/* Lay the plan out in mem (vk_fft_mem(n) bytes, float aligned). Returns 0 or -1. */
int vk_fft_init(vk_fft *f, int32_t n, void *mem);

/* In-place forward complex FFT of length f->n (e^{-j}, unscaled). */
void vk_fft_forward(const vk_fft *f, vk_cpx *x);

/*
 * Real forward FFT of 2n samples x into n + 1 bins X[0..n] (unscaled).
 * Real inverse: n + 1 bins into 2n samples, unscaled (inverse(forward(x))
 * == n * x; the caller folds 1/n into its synthesis window).  X is
 * clobbered by the inverse.
 */
void vk_fft_real_forward(const vk_fft *f, const float *x, vk_cpx *X);
void vk_fft_real_inverse(const vk_fft *f, vk_cpx *X, float *x);

#endif
