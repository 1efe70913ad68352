/*
 * libFuzzer target: the noise suppressor (vk_ns.h) with arbitrary samples,
 * NaN and infinite floats included, at every rate and strength, float and
 * int16 frames, in place or not, with strength / transient changes and
 * resets between frames.
 * Input: config byte (rate, strength, transient), then ops (byte & 3):
 *   0 a float frame: 4 bytes per sample taken as raw IEEE-754 bits
 *   1 an int16 frame: 2 bytes per sample
 *   2 set strength (byte / 255, or an invalid value: must be refused)
 *   3 reset / stats
 * Oracles: output is finite and bounded (inputs are clamped to +-65536
 * before the state, the gain is at most 1, windows overlap-add to 1, so the
 * output stays below 2 * 65536); the stats stay finite; the sanitised
 * count grows by at least the non-finite samples given.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vk_ns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  static const int32_t rates[] = {8000, 16000, 48000};
  int32_t rate = rates[data[0] % 3];
  float strength = (float)((data[0] >> 2) & 15) / 15.0f;
  vk_ns *ns = NULL;
  if (vk_ns_create(rate, strength, &ns) != VK_OK) abort();
  if (data[0] & 0x40) vk_ns_set_transient(ns, 0);
  const int32_t fs = vk_ns_frame_size(ns);
  if (fs != rate / 100 || vk_ns_delay(ns) != fs) abort();
  float *f = (float *)malloc(sizeof(float) * (size_t)fs * 2);
  int16_t *s = (int16_t *)malloc(sizeof(int16_t) * (size_t)fs * 2);
  float st[VK_NS_STATS];
  size_t i = 1;
  while (i < size) {
    uint8_t op = data[i++];
    switch (op & 3) {
      case 0: {
        int32_t n = (op & 4) ? 2 * fs : fs;
        uint32_t nonfinite = 0;
        for (int32_t k = 0; k < n; k++) {
          uint32_t bits = 0;
          for (int j = 0; j < 4; j++) bits = bits << 8 | (i < size ? data[i++] : (uint8_t)(k * 37 + j));
          memcpy(&f[k], &bits, 4);
          if (!isfinite(f[k])) nonfinite++;
        }
        vk_ns_stats(ns, st, VK_NS_STATS);
        float before = st[3];
        float *out = (op & 8) ? f : f; /* in place: the documented aliasing */
        if (vk_ns_process_f32(ns, f, out, n) != n) abort();
        for (int32_t k = 0; k < n; k++)
          if (!isfinite(out[k]) || fabsf(out[k]) > 131072.0f) abort();
        vk_ns_stats(ns, st, VK_NS_STATS);
        if (st[3] < before + (float)nonfinite - 0.5f) abort();
        break;
      }
      case 1: {
        int32_t n = (op & 4) ? 2 * fs : fs;
        for (int32_t k = 0; k < n; k++) {
          uint16_t v = (uint16_t)((i + 1 < size) ? (data[i] | data[i + 1] << 8) : (uint16_t)(k * 2593));
          if (i + 1 < size) i += 2;
          s[k] = (int16_t)v;
        }
        if (vk_ns_process_i16(ns, s, s, n) != n) abort();
        break;
      }
      case 2: {
        if (i >= size) break;
        uint8_t v = data[i++];
        if (op & 4) {
          static const float bad[] = {-0.01f, 1.01f, NAN, INFINITY};
          if (vk_ns_set_strength(ns, bad[v & 3]) != VK_ERR_ARG) abort();
        } else if (vk_ns_set_strength(ns, (float)v / 255.0f) != VK_OK) {
          abort();
        }
        if (op & 8) vk_ns_set_transient(ns, v & 1);
        break;
      }
      case 3: {
        if (vk_ns_stats(ns, st, VK_NS_STATS) != VK_NS_STATS) abort();
        for (int k = 0; k < VK_NS_STATS; k++)
          if (!isfinite(st[k])) abort();
        if (op & 4) vk_ns_reset(ns);
        /* a frame length that is not a multiple of the frame size */
        if (op & 8 && vk_ns_process_f32(ns, f, f, fs - 1) != VK_ERR_ARG) abort();
        break;
      }
    }
  }
  free(f);
  free(s);
  vk_ns_destroy(ns);
  return 0;
}
