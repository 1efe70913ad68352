/*
 * libFuzzer target: the resampler (vk_resample.h) with arbitrary rates,
 * channels, qualities, chunk sizes, output capacities and samples (NaN and
 * infinite floats included), and flush / reset at any point.
 * Input: 3 config bytes, then ops (byte & 3):
 *   0 process int16: frames (byte), capacity slack (signed byte)
 *   1 process float: the same, samples from raw IEEE-754 bits
 *   2 flush with a capacity (short ones must be refused)
 *   3 reset
 * Oracles: process returns exactly output_frames() when the capacity
 * suffices and VK_ERR_BUFFER_SMALL (writing nothing) when it does not;
 * flush likewise with flush_frames(); over a stream the output frame count
 * is ceil(N * L / M); finite float input gives finite output.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vk_resample.h"

#define MAXF 600

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  static const int32_t rates[] = {8000, 16000, 24000, 48000};
  int32_t in_rate = rates[data[0] & 3], out_rate = rates[(data[0] >> 2) & 3];
  int32_t ch = 1 + (data[1] & 7);
  int32_t q = data[2] % 11;
  vk_resample *rs = NULL;
  if (vk_resample_create(in_rate, out_rate, ch, q, &rs) != VK_OK) abort();
  vk_resample_info info;
  if (vk_resample_get_info(rs, &info) != VK_OK || info.channels != ch) abort();
  const size_t outcap_frames = (size_t)MAXF * 6 + 64;
  int16_t *in16 = (int16_t *)malloc(sizeof(int16_t) * MAXF * (size_t)ch);
  float *inf = (float *)malloc(sizeof(float) * MAXF * (size_t)ch);
  int16_t *out16 = (int16_t *)malloc(sizeof(int16_t) * outcap_frames * (size_t)ch);
  float *outf = (float *)malloc(sizeof(float) * outcap_frames * (size_t)ch);
  uint64_t in_total = 0, out_total = 0;
  int all_finite = 1;
  size_t i = 3;
  while (i < size) {
    uint8_t op = data[i++];
    switch (op & 3) {
      case 0: case 1: {
        if (i + 1 >= size) goto done;
        int32_t frames = (int32_t)(data[i++] * 2 % MAXF);
        int32_t slack = (int8_t)data[i++];
        int32_t want = vk_resample_output_frames(rs, frames);
        if (want < 0 || (size_t)want > outcap_frames) abort();
        int32_t cap = want + slack;
        if (cap < 0) cap = 0;
        if ((size_t)cap > outcap_frames) cap = (int32_t)outcap_frames;
        int32_t got;
        if ((op & 3) == 0) {
          for (int32_t k = 0; k < frames * ch; k++) in16[k] = (int16_t)((i < size ? data[i] : 0) << 8 | (k & 0xff)), i += (i < size);
          got = vk_resample_process_i16(rs, in16, frames, out16, cap);
        } else {
          for (int32_t k = 0; k < frames * ch; k++) {
            uint32_t bits = 0;
            for (int j = 0; j < 4; j++) bits = bits << 8 | (i < size ? data[i++] : (uint8_t)(k + j));
            memcpy(&inf[k], &bits, 4);
            if (!isfinite(inf[k]) || fabsf(inf[k]) > 1e30f) all_finite = 0;
          }
          for (size_t k = 0; k < (size_t)cap * (size_t)ch; k++) outf[k] = 12345.0f;
          got = vk_resample_process_f32(rs, inf, frames, outf, cap);
          if (got > 0 && all_finite)
            for (int32_t k = 0; k < got * ch; k++)
              if (!isfinite(outf[k])) abort();
        }
        if (cap >= want) {
          if (got != want) abort();
          in_total += (uint64_t)frames;
          out_total += (uint64_t)got;
        } else if (got != VK_ERR_BUFFER_SMALL) {
          abort();
        }
        break;
      }
      case 2: {
        int32_t fl = vk_resample_flush_frames(rs);
        if (fl < 0 || (size_t)fl > outcap_frames) abort();
        int32_t cap = (op & 4) && fl > 0 ? fl - 1 : fl;
        int32_t got = (op & 8) ? vk_resample_flush_f32(rs, outf, cap) : vk_resample_flush_i16(rs, out16, cap);
        if (cap < fl) {
          if (got != VK_ERR_BUFFER_SMALL) abort();
          break;
        }
        if (got != fl) abort();
        out_total += (uint64_t)got;
        /* a whole stream: N inputs give ceil(N * L / M) outputs */
        uint64_t expect = (in_total * (uint64_t)info.up + (uint64_t)info.down - 1) / (uint64_t)info.down;
        if (out_total != expect) abort();
        in_total = out_total = 0;
        all_finite = 1;
        break;
      }
      case 3:
        vk_resample_reset(rs);
        in_total = out_total = 0;
        all_finite = 1;
        break;
    }
  }
done:
  free(in16);
  free(inf);
  free(out16);
  free(outf);
  vk_resample_destroy(rs);
  return 0;
}
