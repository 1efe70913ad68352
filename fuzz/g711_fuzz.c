/*
 * libFuzzer target: G.711 encode and decode over arbitrary bytes.
 * Input: byte 0 picks the law (bit 0) and an out-of-range law now and then
 * (bit 1..7 == 0x7f: law 2 must be refused); the rest is decoded as codes
 * and, taken as little-endian int16 pairs, encoded as samples.  Buffers are
 * malloc'd at exactly the length, so any access beyond n is an ASan report.
 * Oracle: decode(encode(decode(c))) == decode(c) (every decoded value is a
 * reconstruction level, which re-encodes to a code of the same value).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vk_g711.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int32_t law = data[0] & 1;
  if ((data[0] >> 1) == 0x7f) {
    if (vk_g711_decode(2, data + 1, size - 1, NULL) != VK_ERR_ARG && size > 1) abort();
    return 0;
  }
  const uint8_t *codes = data + 1;
  size_t n = size - 1;

  int16_t *pcm = (int16_t *)malloc(n ? n * sizeof *pcm : 1);
  uint8_t *re = (uint8_t *)malloc(n ? n : 1);
  int16_t *pcm2 = (int16_t *)malloc(n ? n * sizeof *pcm2 : 1);
  if (vk_g711_decode(law, codes, n, pcm) != (int32_t)n) abort();
  if (vk_g711_encode(law, pcm, n, re) != (int32_t)n) abort();
  if (vk_g711_decode(law, re, n, pcm2) != (int32_t)n) abort();
  if (n && memcmp(pcm, pcm2, n * sizeof *pcm) != 0) abort();

  /* The same bytes as samples. */
  size_t ns = n / 2;
  int16_t *s = (int16_t *)malloc(ns ? ns * sizeof *s : 1);
  uint8_t *c = (uint8_t *)malloc(ns ? ns : 1);
  for (size_t i = 0; i < ns; i++) s[i] = (int16_t)(uint16_t)(codes[2 * i] | (codes[2 * i + 1] << 8));
  if (vk_g711_encode(law, s, ns, c) != (int32_t)ns) abort();

  free(pcm);
  free(re);
  free(pcm2);
  free(s);
  free(c);
  return 0;
}
