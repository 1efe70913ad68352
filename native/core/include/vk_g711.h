/*
 * G.711 mu-law (PCMU) and A-law (PCMA), bit-exact with ITU-T G.711 as the
 * ITU-T G.191 reference software implements it (one's complement of negative
 * samples, truncation to 14 / 12 bits, no rounding).
 *
 * Stateless: no handle.  Samples are 16-bit linear PCM; codes one byte each.
 */
#ifndef VK_G711_H
#define VK_G711_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vk_g711_law {
  VK_G711_ULAW = 0, /* PCMU, RTP payload type 0 */
  VK_G711_ALAW = 1  /* PCMA, RTP payload type 8 */
} vk_g711_law;

/*
 * Encode n samples of pcm into n codes in out.  out must hold n bytes.
 * pcm and out must not overlap.  Returns n, or VK_ERR_ARG for an unknown
 * law, NULL buffers with n > 0, or n > INT32_MAX.
 */
VK_API int32_t vk_g711_encode(int32_t law, const int16_t *pcm, size_t n, uint8_t *out);

/*
 * Decode n codes into n samples in out.  out must hold n samples and must
 * not overlap codes.  Returns n or VK_ERR_ARG (as above).
 */
VK_API int32_t vk_g711_decode(int32_t law, const uint8_t *codes, size_t n, int16_t *out);

#ifdef __cplusplus
}
#endif

#endif
