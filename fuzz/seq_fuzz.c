/*
 * libFuzzer target: the RFC 3550 A.1 sequence tracker fed an arbitrary
 * sequence of 16-bit sequence numbers.
 * Input: byte 0 = probation (0..7); then little-endian uint16 sequence
 * numbers.  Every third packet also asks for a report (interval
 * arithmetic).
 * Invariants checked (abort() = finding):
 *  - the result is a vk_seq_result;
 *  - PROBATION / JUMP count nothing; IN_ORDER / OLD count one; RESTART
 *    leaves exactly one counted and one expected;
 *  - IN_ORDER returns the new extended maximum, which only grows, by less
 *    than MAX_DROPOUT; OLD leaves the maximum alone and lies behind it;
 *  - expected never falls below zero (as uint64 it would be huge), the
 *    report's fraction is 0 when the interval lost nothing and the
 *    cumulative loss stays in the signed 24-bit range.
 */
#include <stdint.h>
#include <stdlib.h>

#include "vk_seq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  vk_seq_state *s = NULL;
  if (vk_seq_create(data[0] & 7, &s) != VK_OK) abort();
  uint64_t prev_rec = 0, prev_expected = 0, prev_rec_report = 0;
  int valid = 0;
  for (size_t i = 1, k = 0; i + 1 < size; i += 2, k++) {
    uint16_t seq = (uint16_t)(data[i] | (data[i + 1] << 8));
    uint64_t max_before = vk_seq_ext_max(s);
    uint64_t rec_before = vk_seq_received(s);
    int64_t ext = 0;
    int32_t r = vk_seq_update(s, seq, &ext);
    uint64_t rec = vk_seq_received(s);
    uint64_t max = vk_seq_ext_max(s);
    uint64_t exp = vk_seq_expected(s);
    /* The extension is inferred relative to the newest, in the nearer
     * direction; a late packet from before the first one across the wrap is
     * in cycle -1, negative (vk_seq.h).  Either way its low 16 bits are seq. */
    if (((uint64_t)ext & 0xFFFF) != seq) abort();
    if (r != VK_SEQ_PROBATION && (ext < (int64_t)max - 32768 || ext > (int64_t)max + 32767)) abort();
    switch (r) {
      case VK_SEQ_PROBATION:
        if (valid || rec != 0) abort();
        break;
      case VK_SEQ_JUMP:
        if (!valid || rec != rec_before || max != max_before) abort();
        break;
      case VK_SEQ_IN_ORDER:
        if (ext != (int64_t)max) abort();
        if (valid) {
          if (rec != rec_before + 1) abort();
          if (max <= max_before || max - max_before >= VK_SEQ_MAX_DROPOUT) abort();
        } else if (rec != 1 || exp != 1) {
          abort(); /* the packet that ends probation is the first counted */
        }
        valid = 1;
        break;
      case VK_SEQ_OLD:
        if (!valid || rec != rec_before + 1 || max != max_before || ext > (int64_t)max) abort();
        if ((int64_t)max - ext >= VK_SEQ_MAX_MISORDER) abort();
        break;
      case VK_SEQ_RESTART:
        if (!valid || rec != 1 || exp != 1 || ext != (int64_t)max || max != seq) abort();
        prev_expected = 0;
        prev_rec_report = 0;
        break;
      default:
        abort();
    }
    if (valid && (exp == 0 || exp > ((uint64_t)1 << 40))) abort(); /* underflow */
    if (k % 3 == 2) {
      int32_t lost;
      uint8_t frac;
      vk_seq_report(s, &lost, &frac);
      if (lost > 0x7FFFFF || lost < -0x800000) abort();
      int64_t lost_interval = (int64_t)(exp - prev_expected) - (int64_t)(rec - prev_rec_report);
      if (lost_interval <= 0 && frac != 0) abort();
      if (lost_interval > 0 && frac == 0 && (uint64_t)lost_interval * 256 >= exp - prev_expected) abort();
      prev_expected = exp;
      prev_rec_report = rec;
    }
    prev_rec = rec;
  }
  (void)prev_rec;
  vk_seq_destroy(s);
  return 0;
}
