/*
 * Comfort noise (RFC 3389): analysis of a silent frame into a CN payload
 * (noise level + reflection coefficients of an all-pole spectral model), and
 * a generator that synthesises noise of that level and spectrum.
 *
 * Payload (RFC 3389 §3): byte 0 = noise level L, 0..127, meaning −L dBov;
 * bytes 1..p = reflection coefficients k1..kp of the model 1 / A(z),
 * each byte N standing for k = (N − 127) / 128 (so 0..254 covers
 * −0.992..0.992; 255 is read as 254).  Conventions (shared with ffmpeg's
 * comfortnoise codec): 0 dBov is the RMS of a full-scale square wave
 * (32768 for 16-bit PCM); A(z) = 1 + Σ a_i z^-i and k_m is the last
 * coefficient of the order-m predictor from the Levinson-Durbin recursion,
 * so noise with more low-frequency energy has k1 < 0.
 */
#ifndef VK_CNG_H
#define VK_CNG_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VK_CN_MAX_ORDER 16

/*
 * Analyse n samples (n >= 1; a 20 ms frame or longer works best) into a CN
 * payload of 1 + order bytes (order 0..VK_CN_MAX_ORDER).  The level is the
 * frame's RMS; the coefficients come from the autocorrelation of the
 * Hann-windowed frame.  Returns the length, VK_ERR_ARG or
 * VK_ERR_BUFFER_SMALL.
 */
VK_API int32_t vk_cn_analyze(const int16_t *pcm, int32_t n, int32_t order, uint8_t *payload, int32_t capacity);

typedef struct vk_cng vk_cng;

/* A generator; seed picks the noise sequence (deterministic). */
VK_API int32_t vk_cng_create(uint32_t seed, vk_cng **out);
VK_API void vk_cng_destroy(vk_cng *g);

/*
 * Take the parameters of a received CN payload (len >= 1; coefficients
 * beyond VK_CN_MAX_ORDER are ignored, as RFC 3389 allows).  The level moves
 * to the new one over the next 10 ms of output (at 8 kHz: 80 samples).
 * Returns VK_OK or VK_ERR_ARG.
 */
VK_API int32_t vk_cng_update(vk_cng *g, const uint8_t *payload, int32_t len);

/* Write n samples of comfort noise.  Before any update: silence. */
VK_API int32_t vk_cng_generate(vk_cng *g, int16_t *out, int32_t n);

#ifdef __cplusplus
}
#endif

#endif
