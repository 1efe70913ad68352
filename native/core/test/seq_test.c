/*
 * The sequence tracker against the behaviour RFC 3550 Appendix A.1 (and the
 * loss arithmetic of A.3) prescribes.  Expected values are worked out by hand
 * from the RFC's update_seq() / init_seq() text, case by case, with the
 * reasoning in the comments.
 */
#include <stdint.h>
#include <string.h>

#include "vk_seq.h"
#include "vk_test.h"

static int64_t ext;

static int32_t up(vk_seq_state *s, uint16_t seq) { return vk_seq_update(s, seq, &ext); }

static void test_diff(void) {
  CHECK_EQ_INT(vk_seq_diff(0, 1), 1);
  CHECK_EQ_INT(vk_seq_diff(65535, 0), 1);
  CHECK_EQ_INT(vk_seq_diff(0, 65535), -1);
  CHECK_EQ_INT(vk_seq_diff(0, 32767), 32767);
  CHECK_EQ_INT(vk_seq_diff(0, 32768), -32768);
  CHECK(vk_seq_lt(65535, 0));
  CHECK(!vk_seq_lt(0, 65535));
  CHECK(!vk_seq_lt(7, 7));
}

/* A.1: the first packet sets max_seq = seq - 1 and probation = MIN_SEQUENTIAL;
 * the source becomes valid on the MIN_SEQUENTIAL-th sequential packet, where
 * init_seq() runs on that packet and it is the first one counted. */
static void test_probation(void) {
  vk_seq_state s;
  vk_seq_init(&s, VK_SEQ_MIN_SEQUENTIAL);
  CHECK_EQ_INT(vk_seq_expected(&s), 0);
  CHECK_EQ_INT(up(&s, 100), VK_SEQ_PROBATION);
  CHECK_EQ_INT(vk_seq_expected(&s), 0);
  CHECK_EQ_INT(vk_seq_received(&s), 0);
  CHECK_EQ_INT(up(&s, 101), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 101);
  CHECK_EQ_INT(vk_seq_received(&s), 1);
  CHECK_EQ_INT(vk_seq_expected(&s), 1);
  CHECK_EQ_INT(up(&s, 102), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(vk_seq_expected(&s), 2);

  /* A break in sequence during probation restarts it at MIN_SEQUENTIAL - 1
   * with max_seq = the new seq: one more sequential packet validates. */
  vk_seq_init(&s, VK_SEQ_MIN_SEQUENTIAL);
  CHECK_EQ_INT(up(&s, 100), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 200), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 202), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 203), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(vk_seq_ext_max(&s), 203);
  CHECK_EQ_INT(vk_seq_expected(&s), 1);

  /* Longer probation: 4 sequential packets; the 4th is counted. */
  vk_seq_init(&s, 4);
  CHECK_EQ_INT(up(&s, 10), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 11), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 12), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 13), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(vk_seq_received(&s), 1);

  /* Probation across the wrap: 65535 then 0 is sequential. */
  vk_seq_init(&s, 2);
  CHECK_EQ_INT(up(&s, 65535), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 0); /* init_seq() on 0: no cycles yet */

  /* probation 0 accepts the first packet at once. */
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 5000), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 5000);
  CHECK_EQ_INT(vk_seq_received(&s), 1);
  CHECK_EQ_INT(vk_seq_expected(&s), 1);
}

/* 16-bit wrap: cycles grows by 65536 when seq < max_seq within MAX_DROPOUT. */
static void test_wrap(void) {
  vk_seq_state s;
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 65534), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 65534);
  CHECK_EQ_INT(up(&s, 65535), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 65535);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 65536);
  CHECK_EQ_INT(up(&s, 2), VK_SEQ_IN_ORDER); /* 1 lost */
  CHECK_EQ_INT(ext, 65538);
  CHECK_EQ_INT(vk_seq_ext_max(&s), 65538);
  CHECK_EQ_INT(vk_seq_expected(&s), 5);
  CHECK_EQ_INT(vk_seq_received(&s), 4);
  /* A late packet from before the wrap gets the previous cycle. */
  CHECK_EQ_INT(up(&s, 65535), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, 65535);
  CHECK_EQ_INT(up(&s, 1), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, 65537);
  CHECK_EQ_INT(vk_seq_received(&s), 6);

  /* Many wraps in steps of 1000: ten full cycles. */
  vk_seq_init(&s, 0);
  uint16_t q = 0;
  CHECK_EQ_INT(up(&s, q), VK_SEQ_IN_ORDER);
  int bad = 0;
  for (uint32_t i = 1; i <= 655360 / 1000 + 1; i++) {
    q = (uint16_t)(q + 1000);
    if (up(&s, q) != VK_SEQ_IN_ORDER || ext != (int64_t)i * 1000) bad++;
  }
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(vk_seq_ext_max(&s), 656000);
  CHECK_EQ_INT(vk_seq_expected(&s), 656001);
}

/* A late packet from before the first one.  The first counted packet is in
 * cycle 0 (A.1 init_seq), so one from before it across the wrap is in cycle
 * -1: 65535 after 0 is the packet before it, -1, not 0 (which would collide
 * with the first packet and sort after a late 65534).  A.1 counts it like
 * any reordered packet. */
static void test_before_start(void) {
  vk_seq_state s;
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 0);
  CHECK_EQ_INT(up(&s, 1), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 65535), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, -1);
  CHECK_EQ_INT(up(&s, 65534), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, -2);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_OLD); /* a duplicate of the first: 0 again */
  CHECK_EQ_INT(ext, 0);
  CHECK_EQ_INT(vk_seq_ext_max(&s), 1); /* the maximum did not move */
  CHECK_EQ_INT(vk_seq_received(&s), 5);
  /* 99 behind the newest is the furthest OLD (test_misorder): 65438 after 1. */
  CHECK_EQ_INT(up(&s, (uint16_t)(1 - (VK_SEQ_MAX_MISORDER - 1))), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, 1 - (int64_t)(VK_SEQ_MAX_MISORDER - 1));
  /* Reached going forward, the same 16-bit number is cycle 0's 65535. */
  for (uint32_t q = 1001; q < 65535; q += 1000) CHECK_EQ_INT(up(&s, (uint16_t)q), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 65535), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 65535);

  /* Without a wrap nothing changes: 3 after a first 5 is 3. */
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 5), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 3), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, 3);
  /* 65530 after a first 3: -6. */
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 3), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 65530), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, -6);

  /* The same after probation: the validating packet 1 is cycle 0. */
  vk_seq_init(&s, VK_SEQ_MIN_SEQUENTIAL);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_PROBATION);
  CHECK_EQ_INT(up(&s, 1), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 1);
  CHECK_EQ_INT(up(&s, 65535), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, -1);
}

/* Misorder: a packet up to MAX_MISORDER behind the newest is OLD and counted
 * (A.1 counts duplicates too); further behind it is treated as a jump. */
static void test_misorder(void) {
  vk_seq_state s;
  vk_seq_init(&s, 0);
  for (uint16_t q = 1000; q <= 1010; q++) CHECK_EQ_INT(up(&s, q), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 1010), VK_SEQ_OLD); /* exact duplicate of the newest */
  CHECK_EQ_INT(ext, 1010);
  CHECK_EQ_INT(up(&s, 1005), VK_SEQ_OLD); /* duplicate of an older one */
  CHECK_EQ_INT(ext, 1005);
  CHECK_EQ_INT(vk_seq_received(&s), 13);
  CHECK_EQ_INT(vk_seq_expected(&s), 11);
  int32_t lost = 0;
  uint8_t frac = 0;
  vk_seq_report(&s, &lost, &frac);
  CHECK_EQ_INT(lost, -2); /* negative with duplicates, as A.3 says */
  CHECK_EQ_INT(frac, 0);  /* and the fraction is then 0, not negative */

  /* Reorder without loss: 1012 before 1011. */
  CHECK_EQ_INT(up(&s, 1012), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 1011), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, 1011);
  CHECK_EQ_INT(vk_seq_ext_max(&s), 1012);

  /* A.1 tests "udelta <= RTP_SEQ_MOD - MAX_MISORDER" for a jump, so 99
   * behind (udelta = 65536 - 99) is the furthest that is still OLD. */
  CHECK_EQ_INT(up(&s, (uint16_t)(1012 - (VK_SEQ_MAX_MISORDER - 1))), VK_SEQ_OLD);
  CHECK_EQ_INT(ext, 1012 - (VK_SEQ_MAX_MISORDER - 1));
  uint64_t rec = vk_seq_received(&s);
  /* Exactly MAX_MISORDER behind: udelta = 65536 - 100, a jump: not counted,
   * newest unchanged. */
  CHECK_EQ_INT(up(&s, (uint16_t)(1012 - VK_SEQ_MAX_MISORDER)), VK_SEQ_JUMP);
  CHECK_EQ_INT(vk_seq_received(&s), rec);
  CHECK_EQ_INT(vk_seq_ext_max(&s), 1012);
}

/* MAX_DROPOUT: a gap below 3000 is in order (the missing ones are lost); a
 * jump of 3000 or more is held as bad_seq, and the packet that follows it
 * sequentially confirms a restart (init_seq on it, counted as received). */
static void test_dropout_and_restart(void) {
  vk_seq_state s;
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 10), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 10 + VK_SEQ_MAX_DROPOUT - 1), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(vk_seq_expected(&s), VK_SEQ_MAX_DROPOUT);
  CHECK_EQ_INT(vk_seq_received(&s), 2);

  uint16_t top = 10 + VK_SEQ_MAX_DROPOUT - 1; /* 3009 */
  uint16_t j = (uint16_t)(top + VK_SEQ_MAX_DROPOUT); /* udelta == MAX_DROPOUT */
  CHECK_EQ_INT(up(&s, j), VK_SEQ_JUMP);
  CHECK_EQ_INT(vk_seq_received(&s), 2);
  CHECK_EQ_INT(vk_seq_ext_max(&s), top);
  /* Not sequential to the jump: another jump, bad_seq moves. */
  CHECK_EQ_INT(up(&s, (uint16_t)(j + 10)), VK_SEQ_JUMP);
  CHECK_EQ_INT(up(&s, (uint16_t)(j + 1)), VK_SEQ_JUMP);
  /* In-order traffic of the old stream still works meanwhile. */
  CHECK_EQ_INT(up(&s, top + 1), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(vk_seq_received(&s), 3);
  /* j+2 follows j+1 (bad_seq): restart there. */
  CHECK_EQ_INT(up(&s, (uint16_t)(j + 2)), VK_SEQ_RESTART);
  CHECK_EQ_INT(ext, (uint16_t)(j + 2));
  CHECK_EQ_INT(vk_seq_received(&s), 1);
  CHECK_EQ_INT(vk_seq_expected(&s), 1);
  CHECK_EQ_INT(vk_seq_ext_max(&s), (uint16_t)(j + 2));
  int32_t lost = 7;
  uint8_t frac = 7;
  vk_seq_report(&s, &lost, &frac);
  CHECK_EQ_INT(lost, 0);
  CHECK_EQ_INT(frac, 0);
  CHECK_EQ_INT(up(&s, (uint16_t)(j + 3)), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(vk_seq_expected(&s), 2);

  /* bad_seq wraps: a jump to 65535 is confirmed by 0. */
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 20000), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 65535), VK_SEQ_JUMP);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_RESTART);
  CHECK_EQ_INT(ext, 0);
  CHECK_EQ_INT(up(&s, 1), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(ext, 1);

  /* Before any jump bad_seq is 65537, which no 16-bit seq equals: a single
   * jumped packet never restarts by itself. */
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 40000), VK_SEQ_JUMP);
  CHECK_EQ_INT(up(&s, 40000), VK_SEQ_JUMP);
}

/* A.3: fraction lost = (lost_interval << 8) / expected_interval, 0 when the
 * interval lost nothing or gained (duplicates); cumulative lost is clamped to
 * the signed 24-bit field of a report block. */
static void test_report(void) {
  vk_seq_state s;
  int32_t lost;
  uint8_t frac;
  vk_seq_init(&s, 0);
  CHECK_EQ_INT(up(&s, 0), VK_SEQ_IN_ORDER);
  CHECK_EQ_INT(up(&s, 100), VK_SEQ_IN_ORDER);
  vk_seq_report(&s, &lost, &frac);
  CHECK_EQ_INT(lost, 99);
  CHECK_EQ_INT(frac, (99 * 256) / 101); /* 250 */
  /* Nothing new: an empty interval reports 0. */
  vk_seq_report(&s, &lost, &frac);
  CHECK_EQ_INT(lost, 99);
  CHECK_EQ_INT(frac, 0);
  /* Almost everything lost in the interval: 1 of 2999 received. */
  CHECK_EQ_INT(up(&s, 100 + 2999), VK_SEQ_IN_ORDER);
  vk_seq_report(&s, &lost, &frac);
  CHECK_EQ_INT(frac, (2998 * 256) / 2999); /* 255, the top of the 8-bit field */
  CHECK_EQ_INT(lost, 99 + 2998);
  /* NULL outputs are allowed. */
  vk_seq_report(&s, NULL, NULL);

  /* Cumulative loss beyond 2^23 - 1 clamps to 0x7FFFFF. */
  vk_seq_init(&s, 0);
  uint16_t q = 0;
  up(&s, q);
  for (int i = 0; i < 3000; i++) {
    q = (uint16_t)(q + VK_SEQ_MAX_DROPOUT - 1);
    up(&s, q);
  }
  CHECK_EQ_INT(vk_seq_expected(&s), 1 + 3000ull * 2999);
  vk_seq_report(&s, &lost, &frac);
  CHECK_EQ_INT(lost, 0x7FFFFF);

  /* And below -2^23 (duplicates) clamps to -0x800000. */
  vk_seq_init(&s, 0);
  up(&s, 7);
  for (int i = 0; i < 0x800001; i++) up(&s, 7);
  CHECK_EQ_INT(vk_seq_received(&s), 0x800002);
  vk_seq_report(&s, &lost, &frac);
  CHECK_EQ_INT(lost, -0x800000);
  CHECK_EQ_INT(frac, 0);
}

static void test_args_and_lifecycle(void) {
  CHECK_EQ_INT(vk_seq_update(NULL, 1, NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_seq_create(2, NULL), VK_ERR_ARG);
  vk_seq_state *s = NULL;
  CHECK_EQ_INT(vk_seq_create(2, &s), VK_OK);
  CHECK(s != NULL);
  CHECK_EQ_INT(vk_seq_update(s, 1, NULL), VK_SEQ_PROBATION); /* ext may be NULL */
  CHECK_EQ_INT(vk_seq_update(s, 2, NULL), VK_SEQ_IN_ORDER);
  vk_seq_destroy(s);
  vk_seq_destroy(NULL);
}

int main(void) {
  test_diff();
  test_probation();
  test_wrap();
  test_misorder();
  test_before_start();
  test_dropout_and_restart();
  test_report();
  test_args_and_lifecycle();
  return vk_test_result("seq_test");
}
