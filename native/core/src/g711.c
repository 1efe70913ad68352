#include "vk_g711.h"
#include "g711_tables.h"

int32_t vk_g711_encode(int32_t law, const int16_t *pcm, size_t n, uint8_t *out) {
  if (n > (size_t)INT32_MAX || (n > 0 && (pcm == NULL || out == NULL))) return VK_ERR_ARG;
  /* Both laws depend only on the top bits of the sample, so one table
   * lookup per sample covers the whole int16 range, G.191 clipping included. */
  if (law == VK_G711_ULAW) {
    for (size_t i = 0; i < n; i++) out[i] = vk_ulaw_enc_table[(uint16_t)pcm[i] >> 2];
  } else if (law == VK_G711_ALAW) {
    for (size_t i = 0; i < n; i++) out[i] = vk_alaw_enc_table[(uint16_t)pcm[i] >> 4];
  } else {
    return VK_ERR_ARG;
  }
  return (int32_t)n;
}

int32_t vk_g711_decode(int32_t law, const uint8_t *codes, size_t n, int16_t *out) {
  if (n > (size_t)INT32_MAX || (n > 0 && (codes == NULL || out == NULL))) return VK_ERR_ARG;
  const int16_t *table;
  if (law == VK_G711_ULAW) table = vk_ulaw_dec_table;
  else if (law == VK_G711_ALAW) table = vk_alaw_dec_table;
  else return VK_ERR_ARG;
  for (size_t i = 0; i < n; i++) out[i] = table[codes[i]];
  return (int32_t)n;
}
