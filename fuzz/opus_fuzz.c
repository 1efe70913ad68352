/*
 * libFuzzer target: the Opus decoder wrapper (vk_opus.h, over the system
 * libopus) on arbitrary packets: decode (int16 / float, with output
 * capacities that are sometimes too small), concealment, in-band FEC
 * recovery from the next packet, decoder reset and parameter reads.
 * Input: byte 0 picks rate / channels; then ops (byte & 7):
 *   0-3 a packet: length byte (0 = 1 byte), then its bytes; decoded
 *   4   conceal a random duration (valid or not)
 *   5   FEC from the next packet, then decode it
 *   6   reset, 7 get parameters
 * Oracles: a decode returns, per channel, exactly the sample count libopus'
 * own parser (opus_packet_get_nb_samples) assigns to the packet, or a
 * documented status (VK_ERR_CORRUPT for what libopus calls invalid,
 * VK_ERR_BUFFER_SMALL when the capacity is short); float output is finite;
 * conceal returns its frame size for multiples of 2.5 ms up to 120 ms and
 * VK_ERR_ARG otherwise.
 */
#include <math.h>
#include <opus/opus.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vk_opus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const int32_t rates[] = {8000, 12000, 16000, 24000, 48000};
  const int32_t rate = rates[data[0] % 5];
  const int32_t ch = 1 + ((data[0] >> 3) & 1);
  vk_opus_decoder *dec = NULL;
  if (vk_opus_decoder_create(rate, ch, &dec) != VK_OK) abort();
  const int32_t maxf = rate / 1000 * 120; /* 120 ms per channel */
  int16_t *pcm = (int16_t *)malloc(sizeof(int16_t) * (size_t)maxf * (size_t)ch);
  float *pcmf = (float *)malloc(sizeof(float) * (size_t)maxf * (size_t)ch);
  size_t i = 1;
  while (i < size) {
    uint8_t op = data[i++];
    if ((op & 7) <= 3 || (op & 7) == 5) {
      if (i >= size) break;
      size_t len = data[i++];
      if (len == 0) len = 1;
      if (len > size - i) len = size - i;
      if (len == 0) break;
      const uint8_t *pkt = data + i;
      i += len;
      int nb = opus_packet_get_nb_samples(pkt, (opus_int32)len, rate);
      if ((op & 7) == 5) {
        int32_t fs = rate / 400 * (1 + (op >> 3) % 48); /* 2.5 ms multiples up to 120 ms */
        int32_t r = vk_opus_decode_fec(dec, pkt, len, pcm, fs);
        if (r != fs && r != VK_ERR_CORRUPT && r != VK_ERR_ARG) abort();
      }
      int32_t cap = (op & 0x40) ? (int32_t)((op >> 3) & 7) * rate / 400 : maxf;
      int32_t r = (op & 0x80) ? vk_opus_decode_float(dec, pkt, len, pcmf, cap) : vk_opus_decode(dec, pkt, len, pcm, cap);
      if (r >= 0) {
        if (nb <= 0 || r != nb || r > cap) abort();
        if (op & 0x80)
          for (int32_t k = 0; k < r * ch; k++)
            if (!isfinite(pcmf[k])) abort();
      } else if (r == VK_ERR_BUFFER_SMALL) {
        if (nb > 0 && nb <= cap) abort();
      } else if (r != VK_ERR_CORRUPT && r != VK_ERR_ARG) {
        abort();
      }
    } else if ((op & 7) == 4) {
      int32_t fs = (int32_t)(op >> 3) * rate / 800; /* 1.25 ms steps: half of them invalid */
      int32_t r = (op & 0x80) ? vk_opus_conceal_float(dec, pcmf, fs) : vk_opus_conceal(dec, pcm, fs);
      int valid = fs > 0 && fs % (rate / 400) == 0 && fs <= maxf;
      if (valid ? r != fs : r != VK_ERR_ARG) abort();
    } else if ((op & 7) == 6) {
      if (vk_opus_decoder_reset(dec) != VK_OK) abort();
    } else {
      int32_t v = 0;
      vk_opus_decoder_get(dec, VK_OPUS_LAST_PACKET_DURATION, &v);
      vk_opus_decoder_get(dec, VK_OPUS_FINAL_RANGE, &v);
      if (vk_opus_decoder_get(dec, 12345, &v) != VK_ERR_ARG) abort();
      vk_opus_decoder_set(dec, VK_OPUS_GAIN, (int32_t)(int8_t)op * 256);
    }
  }
  free(pcm);
  free(pcmf);
  vk_opus_decoder_destroy(dec);
  return 0;
}
