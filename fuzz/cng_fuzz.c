/*
 * libFuzzer target: comfort noise (vk_cng.h, RFC 3389).  Received CN
 * payloads of any length and content go to vk_cng_update, noise is
 * generated between them; arbitrary PCM goes to vk_cn_analyze, whose payload
 * is checked and fed back to a generator.
 * Input: byte 0 = seed; ops (byte & 3):
 *   0 a payload: length byte, then its bytes (update)
 *   1 generate n samples (byte * 4, or an invalid count)
 *   2 analyse: order byte, then up to 320 samples (2 bytes each)
 *   3 generate a whole second
 * Oracles: update refuses only empty payloads; generate returns n; analyse
 * returns 1 + order with the level in 0..127 and coefficients in 0..254,
 * and refuses bad orders and short capacities.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vk_cng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  vk_cng *g = NULL;
  if (vk_cng_create(data[0], &g) != VK_OK) abort();
  int16_t out[8000], pcm[320];
  uint8_t payload[64];
  size_t i = 1;
  while (i < size) {
    uint8_t op = data[i++];
    switch (op & 3) {
      case 0: {
        if (i >= size) goto done;
        int32_t len = data[i++];
        if ((size_t)len > size - i) len = (int32_t)(size - i);
        int32_t r = vk_cng_update(g, data + i, len);
        i += (size_t)len;
        if (len >= 1 ? r != VK_OK : r != VK_ERR_ARG) abort();
        break;
      }
      case 1: {
        int32_t n = (op & 0x80) ? -(int32_t)(op >> 2) : (int32_t)(op >> 2) * 4;
        int32_t r = vk_cng_generate(g, out, n);
        if (n >= 0 ? r != n : r != VK_ERR_ARG) abort();
        break;
      }
      case 2: {
        if (i >= size) goto done;
        int32_t order = (int8_t)data[i++];
        int32_t n = 0;
        while (n < 320 && i + 1 < size && data[i] != 0xAA) {
          pcm[n++] = (int16_t)(uint16_t)(data[i] | data[i + 1] << 8);
          i += 2;
        }
        if (i < size && data[i] == 0xAA) i++;
        int32_t cap = (op & 4) ? 1 + (op >> 3) % 8 : (int32_t)sizeof payload;
        int32_t r = vk_cn_analyze(pcm, n, order, payload, cap);
        int valid = n >= 1 && order >= 0 && order <= VK_CN_MAX_ORDER;
        if (!valid) {
          if (r != VK_ERR_ARG) abort();
        } else if (1 + order > cap) {
          if (r != VK_ERR_BUFFER_SMALL) abort();
        } else {
          if (r != 1 + order || payload[0] > 127) abort();
          for (int32_t k = 1; k < r; k++)
            if (payload[k] > 254) abort();
          if (vk_cng_update(g, payload, r) != VK_OK) abort();
        }
        break;
      }
      case 3:
        if (vk_cng_generate(g, out, 8000) != 8000) abort();
        break;
    }
  }
done:
  vk_cng_destroy(g);
  return 0;
}
