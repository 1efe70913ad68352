/*
 * C tests of the jitter buffer's ABI: the decoder hook table (external
 * codec at 48 kHz, 10 ms frames) including the next packet handed to the
 * concealment hook for FEC, argument checks, and a seeded fuzz loop that
 * must neither crash nor grow (run under ASan/UBSan by test/jitter-c.test.ts).
 */
#include "vk_jb.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c)                                                     \
  do {                                                               \
    if (!(c)) {                                                      \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
      failures++;                                                    \
    }                                                                \
  } while (0)

/* A fake codec: payload = 2-byte frame id; decodes to 10 ms at 48 kHz of a
 * 200 Hz sine continuing across frames. */
typedef struct fake {
  int decodes, conceals, conceals_with_next, last_next_id, fail;
} fake;

static int32_t fk_decode(void *u, const uint8_t *p, size_t len, int16_t *pcm, size_t cap) {
  fake *f = (fake *)u;
  if (f->fail) return VK_ERR_CORRUPT;
  if (len < 2 || cap < 480) return VK_ERR_CODEC;
  int id = (p[0] << 8) | p[1];
  for (int i = 0; i < 480; i++) pcm[i] = (int16_t)lrint(8000 * sin(2 * 3.14159265358979 * 200 * (id * 480 + i) / 48000.0));
  f->decodes++;
  return 480;
}

static int32_t fk_conceal(void *u, const uint8_t *next, size_t next_len, int16_t *pcm, size_t n) {
  fake *f = (fake *)u;
  f->conceals++;
  if (next && next_len >= 2) {
    f->conceals_with_next++;
    f->last_next_id = (next[0] << 8) | next[1];
  }
  memset(pcm, 0, n * sizeof *pcm);
  return (int32_t)n;
}

static int32_t fk_duration(void *u, const uint8_t *p, size_t len) { return 480; }

static size_t packet(uint8_t *b, uint16_t seq, uint32_t ts, int id) {
  b[0] = 0x80;
  b[1] = 111;
  b[2] = seq >> 8;
  b[3] = seq & 0xff;
  b[4] = ts >> 24;
  b[5] = ts >> 16;
  b[6] = ts >> 8;
  b[7] = ts;
  b[8] = b[9] = b[10] = b[11] = 7;
  b[12] = id >> 8;
  b[13] = id & 0xff;
  return 14;
}

static void test_external(void) {
  vk_jb_config c;
  vk_jb_config_default(&c);
  c.clock_rate = 48000;
  c.frame_ms = 10;
  c.codec = VK_JB_CODEC_EXTERNAL;
  vk_jb *jb = NULL;
  CHECK(vk_jb_create(&c, &jb) == VK_OK);
  int16_t pcm[480];
  int32_t info[VK_JB_INFO_LEN];
  CHECK(vk_jb_poll(jb, 0, pcm, 480, info, VK_JB_INFO_LEN) == VK_ERR_STATE); /* no decoder yet */
  fake f;
  memset(&f, 0, sizeof f);
  vk_jb_decoder d = {fk_decode, fk_conceal, fk_duration};
  CHECK(vk_jb_set_decoder(jb, &d, &f) == VK_OK);
  CHECK(vk_jb_frame_samples(jb) == 480);
  uint8_t b[64];
  int fec_flag = 0, missing = -1, played = 0;
  for (int i = 0; i < 60; i++) {
    double t = i * 10.0;
    /* packet 20 is lost; 21 arrives early, with 19 */
    if (i != 20 && i != 21) CHECK(vk_jb_push(jb, b, packet(b, (uint16_t)(500 + i), 1000u + 480u * i, i), t) >= 0);
    if (i == 19) CHECK(vk_jb_push(jb, b, packet(b, 521, 1000u + 480u * 21, 21), t) >= 0);
    CHECK(vk_jb_poll(jb, t, pcm, 480, info, VK_JB_INFO_LEN) == 480);
    if (info[2] & VK_JB_FLAG_NEXT_PRESENT) fec_flag = 1;
    if (info[3] >= 0) missing = info[3];
    played += info[5];
  }
  CHECK(fec_flag);
  CHECK(missing == 520);
  CHECK(f.conceals_with_next >= 1);
  CHECK(f.last_next_id == 21);
  CHECK(played == 59);
  double st[VK_JB_STAT_COUNT];
  CHECK(vk_jb_stats(jb, st, VK_JB_STAT_COUNT) == VK_JB_STAT_COUNT);
  CHECK(st[VK_JB_STAT_LOST] == 1);
  CHECK(st[VK_JB_STAT_LATE] == 0);
  /* a decoder error reaches the caller */
  f.fail = 1;
  CHECK(vk_jb_push(jb, b, packet(b, 560, 1000u + 480u * 60, 60), 600) >= 0);
  CHECK(vk_jb_poll(jb, 600, pcm, 480, info, VK_JB_INFO_LEN) == VK_ERR_CORRUPT);
  vk_jb_destroy(jb);
}

static void test_args(void) {
  vk_jb_config c;
  vk_jb *jb = NULL;
  vk_jb_config_default(&c);
  c.clock_rate = 16000; /* G.711 at 16 kHz */
  CHECK(vk_jb_create(&c, &jb) == VK_ERR_ARG);
  vk_jb_config_default(&c);
  c.frame_ms = 15;
  CHECK(vk_jb_create(&c, &jb) == VK_ERR_ARG);
  vk_jb_config_default(&c);
  CHECK(vk_jb_create(NULL, &jb) == VK_ERR_ARG);
  CHECK(vk_jb_create(&c, NULL) == VK_ERR_ARG);
  CHECK(vk_jb_create(&c, &jb) == VK_OK);
  vk_jb_decoder d = {fk_decode, NULL, NULL};
  CHECK(vk_jb_set_decoder(jb, &d, NULL) == VK_ERR_ARG); /* G.711 buffer */
  int16_t pcm[160];
  int32_t info[VK_JB_INFO_LEN];
  CHECK(vk_jb_poll(jb, 0, pcm, 159, info, VK_JB_INFO_LEN) == VK_ERR_BUFFER_SMALL);
  CHECK(vk_jb_poll(jb, 0, pcm, 160, info, 3) == VK_ERR_BUFFER_SMALL);
  CHECK(vk_jb_poll(jb, NAN, pcm, 160, info, VK_JB_INFO_LEN) == VK_ERR_ARG);
  CHECK(vk_jb_push(jb, NULL, 0, 0) < 0);
  CHECK(vk_jb_push(NULL, (const uint8_t *)pcm, 0, 0) == VK_ERR_ARG);
  CHECK(vk_jb_stats(NULL, NULL, 0) == VK_ERR_ARG);
  vk_jb_destroy(jb);
  vk_jb_destroy(NULL);
}

static uint32_t rng = 2463534242u;
static uint32_t xs(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void test_fuzz(void) {
  vk_jb_config c;
  vk_jb_config_default(&c);
  c.max_packets = 16;
  vk_jb *jb = NULL;
  CHECK(vk_jb_create(&c, &jb) == VK_OK);
  uint8_t b[400];
  int16_t pcm[160];
  int32_t info[VK_JB_INFO_LEN];
  double t = 0;
  for (int i = 0; i < 60000; i++) {
    size_t len = xs() % 300;
    for (size_t k = 0; k < len; k++) b[k] = (uint8_t)xs();
    if (len && (xs() & 3)) b[0] = (uint8_t)((b[0] & 0x3f) | 0x80);
    if (len > 4 && (xs() & 1)) { /* near-sequential headers exercise the buffer */
      b[2] = (uint8_t)(i >> 8);
      b[3] = (uint8_t)(i + (int)(xs() % 7) - 3);
      b[8] = b[9] = b[10] = b[11] = (xs() % 50 == 0) ? 1 : 2;
    }
    t += (xs() % 100) / 10.0;
    vk_jb_push(jb, b, len, t);
    if (i % 3 == 0) CHECK(vk_jb_poll(jb, t, pcm, 160, info, VK_JB_INFO_LEN) == 160);
    if (i % 20000 == 0) vk_jb_reset(jb), t = 0;
  }
  double st[VK_JB_STAT_COUNT];
  vk_jb_stats(jb, st, VK_JB_STAT_COUNT);
  CHECK(st[VK_JB_STAT_BUFFERED_PACKETS] <= 16);
  vk_jb_destroy(jb);
}

int main(void) {
  test_external();
  test_args();
  test_fuzz();
  if (failures) {
    fprintf(stderr, "jb_test: %d failure(s)\n", failures);
    return 1;
  }
  printf("jb_test: ok\n");
  return 0;
}
