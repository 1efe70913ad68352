#include "vk_seq.h"
#include <stdlib.h>
#include <string.h>

static void seq_restart(vk_seq_state *s, uint16_t seq) {
  /* RFC 3550 A.1 init_seq() */
  s->base_seq = seq;
  s->max_seq = seq;
  s->bad_seq = VK_SEQ_MOD + 1;
  s->cycles = 0;
  s->received = 0;
  s->received_prior = 0;
  s->expected_prior = 0;
}

void vk_seq_init(vk_seq_state *s, uint32_t probation) {
  memset(s, 0, sizeof *s);
  s->bad_seq = VK_SEQ_MOD + 1;
  s->probation = probation;
}

/* Nearest extension relative to the newest; negative for cycle -1 (see vk_seq.h). */
static int64_t ext_of(const vk_seq_state *s, uint16_t seq) {
  return (int64_t)s->cycles + s->max_seq + vk_seq_diff(s->max_seq, seq);
}

int32_t vk_seq_update(vk_seq_state *s, uint16_t seq, int64_t *ext) {
  if (!s) return VK_ERR_ARG;
  if (!s->initialised) {
    /* First packet: A.1 sets max_seq = seq - 1 and probation, then runs
     * update_seq on this packet. */
    uint32_t prob = s->probation;
    seq_restart(s, seq);
    s->max_seq = (uint16_t)(seq - 1);
    s->probation = prob;
    s->initialised = 1;
    if (prob == 0) {
      seq_restart(s, seq);
      s->received = 1;
      if (ext) *ext = ext_of(s, seq);
      return VK_SEQ_IN_ORDER;
    }
  }
  uint16_t udelta = (uint16_t)(seq - s->max_seq);
  if (s->probation) {
    if (seq == (uint16_t)(s->max_seq + 1)) {
      s->probation--;
      s->max_seq = seq;
      if (s->probation == 0) {
        seq_restart(s, seq);
        s->received++;
        if (ext) *ext = ext_of(s, seq);
        return VK_SEQ_IN_ORDER;
      }
    } else {
      s->probation = VK_SEQ_MIN_SEQUENTIAL - 1;
      s->max_seq = seq;
    }
    if (ext) *ext = ext_of(s, seq);
    return VK_SEQ_PROBATION;
  }
  int32_t result;
  if (udelta < VK_SEQ_MAX_DROPOUT) {
    if (udelta == 0) {
      result = VK_SEQ_OLD; /* exact duplicate of the newest */
    } else {
      if (seq < s->max_seq) s->cycles += VK_SEQ_MOD; /* wrapped */
      s->max_seq = seq;
      result = VK_SEQ_IN_ORDER;
    }
  } else if (udelta <= VK_SEQ_MOD - VK_SEQ_MAX_MISORDER) {
    /* A very large jump.  Two sequential packets confirm it as a restart. */
    if (seq == s->bad_seq) {
      seq_restart(s, seq);
      s->received = 1;
      if (ext) *ext = ext_of(s, seq);
      return VK_SEQ_RESTART;
    }
    s->bad_seq = (uint32_t)((seq + 1) & (VK_SEQ_MOD - 1));
    if (ext) *ext = ext_of(s, seq);
    return VK_SEQ_JUMP;
  } else {
    result = VK_SEQ_OLD; /* duplicate or reordered */
  }
  s->received++;
  if (ext) *ext = ext_of(s, seq);
  return result;
}

uint64_t vk_seq_ext_max(const vk_seq_state *s) { return (uint64_t)s->cycles + s->max_seq; }

uint64_t vk_seq_received(const vk_seq_state *s) { return s->received; }

uint64_t vk_seq_expected(const vk_seq_state *s) {
  if (!s->initialised || s->probation) return 0;
  return vk_seq_ext_max(s) - s->base_seq + 1;
}

void vk_seq_report(vk_seq_state *s, int32_t *cumulative_lost, uint8_t *fraction_lost) {
  uint64_t expected = vk_seq_expected(s);
  int64_t lost = (int64_t)expected - (int64_t)s->received;
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  uint64_t expected_interval = expected - s->expected_prior;
  uint64_t received_interval = s->received - s->received_prior;
  s->expected_prior = expected;
  s->received_prior = s->received;
  int64_t lost_interval = (int64_t)expected_interval - (int64_t)received_interval;
  uint8_t fraction = 0;
  if (expected_interval != 0 && lost_interval > 0)
  {
    uint64_t f = ((uint64_t)lost_interval << 8) / expected_interval;
    fraction = (uint8_t)(f > 255 ? 255 : f);
  }
  if (cumulative_lost) *cumulative_lost = (int32_t)lost;
  if (fraction_lost) *fraction_lost = fraction;
}

int32_t vk_seq_create(uint32_t probation, vk_seq_state **out) {
  if (!out) return VK_ERR_ARG;
  vk_seq_state *s = (vk_seq_state *)malloc(sizeof *s);
  if (!s) return VK_ERR_NOMEM;
  vk_seq_init(s, probation);
  *out = s;
  return VK_OK;
}

void vk_seq_destroy(vk_seq_state *s) { free(s); }
