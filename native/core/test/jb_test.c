/*
 * C tests of the jitter buffer's ABI: the decoder hook table (external
 * codec at 48 kHz, 10 ms frames) including the next packet handed to the
 * concealment hook for FEC (also with two packets lost in a row), the
 * caller-decoded codec (VK_JB_CODEC_HOST: request / supply, identical frames
 * to the hooks; an RTP clock above the audio rate across the timestamp
 * wrap), argument checks, and a seeded fuzz loop that must neither crash nor
 * grow (run under ASan/UBSan by test/jitter-c.test.ts).
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
  int next_ids[64]; /* per concealment: the successor's frame id, or -1 (blind) */
  int nids;
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
  int id = -1;
  if (next && next_len >= 2) {
    f->conceals_with_next++;
    f->last_next_id = id = (next[0] << 8) | next[1];
  }
  if (f->nids < 64) f->next_ids[f->nids++] = id;
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
  /* an undecodable packet is dropped (counted invalid) and its slot
   * concealed; playout goes on */
  f.fail = 1;
  CHECK(vk_jb_push(jb, b, packet(b, 560, 1000u + 480u * 60, 60), 600) >= 0);
  CHECK(vk_jb_poll(jb, 600, pcm, 480, info, VK_JB_INFO_LEN) == 480);
  CHECK(info[0] == VK_JB_OP_EXPAND);
  f.fail = 0;
  CHECK(vk_jb_push(jb, b, packet(b, 561, 1000u + 480u * 61, 61), 610) >= 0);
  int got561 = 0;
  for (int k = 0; k < 3; k++) {
    CHECK(vk_jb_poll(jb, 610 + 10 * k, pcm, 480, info, VK_JB_INFO_LEN) == 480);
    if (info[5] == 1 && info[6] == 561) got561 = 1;
  }
  CHECK(got561);
  CHECK(vk_jb_stats(jb, st, VK_JB_STAT_COUNT) == VK_JB_STAT_COUNT);
  CHECK(st[VK_JB_STAT_INVALID] == 1);
  vk_jb_destroy(jb);
}

/* Regression: packets in order at the buffer's minimum delay, one lost.  Its
 * slot is concealed blind while waiting (the successor is not there yet);
 * when the successor arrives the concealment hook must still get it (FEC),
 * instead of the blind concealment silently standing in for the loss. */
static void test_external_fec_after_wait(void) {
  vk_jb_config c;
  vk_jb_config_default(&c);
  c.clock_rate = 48000;
  c.frame_ms = 10;
  c.codec = VK_JB_CODEC_EXTERNAL;
  vk_jb *jb = NULL;
  CHECK(vk_jb_create(&c, &jb) == VK_OK);
  fake f;
  memset(&f, 0, sizeof f);
  vk_jb_decoder d = {fk_decode, fk_conceal, fk_duration};
  CHECK(vk_jb_set_decoder(jb, &d, &f) == VK_OK);
  int16_t pcm[480];
  int32_t info[VK_JB_INFO_LEN];
  uint8_t b[64];
  int blind = 0, flag_polls = 0, flag_with_next = 1;
  for (int i = 0; i < 60; i++) {
    double t = i * 10.0;
    if (i != 30) CHECK(vk_jb_push(jb, b, packet(b, (uint16_t)(700 + i), 5000u + 480u * i, i), t) >= 0);
    int before = f.conceals, before_next = f.conceals_with_next;
    CHECK(vk_jb_poll(jb, t + 5.0, pcm, 480, info, VK_JB_INFO_LEN) == 480);
    if (f.conceals > before && f.conceals_with_next == before_next) blind++;
    if (info[2] & VK_JB_FLAG_NEXT_PRESENT) {
      flag_polls++;
      if (f.conceals_with_next == before_next) flag_with_next = 0;
    }
  }
  CHECK(blind == 1);                 /* the wait before packet 31 arrived */
  CHECK(f.conceals_with_next == 1);  /* then the hook had the successor */
  CHECK(f.last_next_id == 31);
  CHECK(flag_polls == 1 && flag_with_next);
  double st[VK_JB_STAT_COUNT];
  CHECK(vk_jb_stats(jb, st, VK_JB_STAT_COUNT) == VK_JB_STAT_COUNT);
  CHECK(st[VK_JB_STAT_LOST] == 1);
  vk_jb_destroy(jb);
}

/*
 * Poll once; for a HOST-codec buffer answer its requests with the fake
 * decoder (as a JavaScript decoder would) until the frame comes.  Counts the
 * requests in *reqs.
 */
static int32_t poll_host(vk_jb *jb, fake *f, double t, int16_t *pcm, int32_t *info, int *reqs) {
  int16_t dec[5760];
  for (int k = 0; k < 16; k++) {
    int32_t r = vk_jb_poll(jb, t + 1000.0 * k, pcm, 480, info, VK_JB_INFO_LEN); /* t ignored while resuming */
    if (r != 0) return r;
    int32_t req[VK_JB_REQ_LEN];
    const uint8_t *pl = vk_jb_request(jb, req, VK_JB_REQ_LEN);
    (*reqs)++;
    int32_t n;
    if (req[0] == VK_JB_REQ_DECODE) {
      CHECK(pl != NULL && req[3] == 2 && req[4] == -1);
      n = fk_decode(f, pl, (size_t)req[3], dec, (size_t)req[1]);
    } else {
      CHECK(req[0] == VK_JB_REQ_CONCEAL);
      CHECK((pl != NULL) == (req[2] >= 0));
      n = fk_conceal(f, pl, pl ? (size_t)req[3] : 0, dec, (size_t)req[1]);
    }
    CHECK(vk_jb_supply(jb, dec, n) == VK_OK);
    CHECK(vk_jb_supply(jb, dec, n) == VK_ERR_STATE); /* answered already */
  }
  return -9999;
}

/*
 * Two packets in a row lost, N = 30 and N + 1 = 31; N + 2 = 32 comes.  The
 * concealment of N is blind (nothing after it carries its FEC); N + 1 must be
 * rebuilt from N + 2's FEC: the buffer has to know that its second
 * concealed slot is N + 1, not N again.  Both when N + 2 is already buffered
 * (min delay 40 ms) and when it arrives just in time, through the decoder
 * hooks (EXTERNAL) and through the caller (HOST), which must give the same
 * frames.
 */
static void test_two_lost_fec(void) {
  for (int early = 0; early < 2; early++) {
    vk_jb *jb[2] = {NULL, NULL};
    fake f[2];
    for (int m = 0; m < 2; m++) {
      vk_jb_config c;
      vk_jb_config_default(&c);
      c.clock_rate = 48000;
      c.frame_ms = 10;
      c.min_delay_ms = early ? 40 : 0;
      c.codec = m ? VK_JB_CODEC_HOST : VK_JB_CODEC_EXTERNAL;
      CHECK(vk_jb_create(&c, &jb[m]) == VK_OK);
      memset(&f[m], 0, sizeof f[m]);
    }
    vk_jb_decoder d = {fk_decode, fk_conceal, fk_duration};
    CHECK(vk_jb_set_decoder(jb[0], &d, &f[0]) == VK_OK);
    CHECK(vk_jb_set_decoder(jb[1], &d, &f[1]) == VK_ERR_ARG); /* HOST takes no hooks */
    int16_t pcm[2][480];
    int32_t info[2][VK_JB_INFO_LEN];
    uint8_t b[64];
    int missing[8], nmissing = 0, reqs = 0, same = 1;
    for (int i = 0; i < 70; i++) {
      double t = i * 10.0;
      for (int m = 0; m < 2; m++)
        if (i != 30 && i != 31) CHECK(vk_jb_push(jb[m], b, packet(b, (uint16_t)(65530 + i), 4000000000u + 480u * i, i), t) >= 0);
      CHECK(vk_jb_poll(jb[0], t + 5.0, pcm[0], 480, info[0], VK_JB_INFO_LEN) == 480);
      CHECK(poll_host(jb[1], &f[1], t + 5.0, pcm[1], info[1], &reqs) == 480);
      if (memcmp(pcm[0], pcm[1], sizeof pcm[0]) || memcmp(info[0], info[1], sizeof(int32_t) * (size_t)(VK_JB_INFO_HEADER + 2 * info[0][5])))
        same = 0;
      if (info[0][3] >= 0 && nmissing < 8 && (nmissing == 0 || missing[nmissing - 1] != info[0][3])) missing[nmissing++] = info[0][3];
    }
    CHECK(same);
    CHECK(reqs > 60);
    for (int m = 0; m < 2; m++) {
      /* N: blind; N + 1: from N + 2's FEC.  Just in time, N + 1's slot is
       * first concealed blind while waiting, then rebuilt once N + 2 is in
       * (the delay grows by the blind frame); never from a wrong packet. */
      CHECK(f[m].nids == (early ? 2 : 3));
      CHECK(f[m].next_ids[0] == -1);
      CHECK(f[m].next_ids[f[m].nids - 1] == 32);
      if (!early) CHECK(f[m].next_ids[1] == -1);
      double st[VK_JB_STAT_COUNT];
      CHECK(vk_jb_stats(jb[m], st, VK_JB_STAT_COUNT) == VK_JB_STAT_COUNT);
      CHECK(st[VK_JB_STAT_LOST] == 2);
      CHECK(st[VK_JB_STAT_LATE] == 0);
    }
    CHECK(nmissing == 2 && missing[0] == (65530 + 30) % 65536 && missing[1] == (65530 + 31) % 65536);
    vk_jb_destroy(jb[0]);
    vk_jb_destroy(jb[1]);
  }
}

/* HOST codec at an RTP clock above the audio rate (Opus: 48 kHz timestamps,
 * 16 kHz audio), across the 32-bit timestamp wrap: no reset, every packet
 * played, and a supply that does not fit the request is refused. */
static void test_host_rtp_clock(void) {
  vk_jb_config c;
  vk_jb_config_default(&c);
  c.clock_rate = 16000;
  c.codec = VK_JB_CODEC_HOST;
  c.rtp_clock_rate = 44100;
  vk_jb *jb = NULL;
  CHECK(vk_jb_create(&c, &jb) == VK_ERR_ARG); /* not a whole multiple */
  c.rtp_clock_rate = 48000;
  CHECK(vk_jb_create(&c, &jb) == VK_OK);
  int16_t pcm[320], dec[1920];
  int32_t info[VK_JB_INFO_LEN], req[VK_JB_REQ_LEN];
  uint8_t b[64];
  CHECK(vk_jb_supply(jb, dec, 10) == VK_ERR_STATE);
  CHECK(vk_jb_request(jb, req, VK_JB_REQ_LEN) == NULL && req[0] == VK_JB_REQ_NONE);
  int played = 0;
  for (int i = 0; i < 40; i++) {
    uint32_t ts = 0xFFFFFFFFu - 960u * 10u + 960u * (uint32_t)i;
    CHECK(vk_jb_push(jb, b, packet(b, (uint16_t)(100 + i), ts, i), i * 20.0) == VK_JB_PUSH_OK);
    int32_t r;
    while ((r = vk_jb_poll(jb, i * 20.0 + 1, pcm, 320, info, VK_JB_INFO_LEN)) == 0) {
      const uint8_t *pl = vk_jb_request(jb, req, VK_JB_REQ_LEN);
      if (req[0] == VK_JB_REQ_DECODE) {
        CHECK(pl && req[1] >= 320);
        CHECK(vk_jb_supply(jb, dec, req[1] + 1) == VK_ERR_ARG);
        for (int k = 0; k < 320; k++) dec[k] = (int16_t)(1000 + (pl[1] & 0xff));
        CHECK(vk_jb_supply(jb, dec, 320) == VK_OK);
      } else {
        CHECK(vk_jb_supply(jb, dec, req[1] - 1) == VK_ERR_ARG); /* a concealment is exact */
        CHECK(vk_jb_supply(jb, dec, -1) == VK_OK);               /* or the buffer's own */
      }
    }
    CHECK(r == 320);
    played += info[5];
  }
  double st[VK_JB_STAT_COUNT];
  CHECK(vk_jb_stats(jb, st, VK_JB_STAT_COUNT) == VK_JB_STAT_COUNT);
  CHECK(st[VK_JB_STAT_RESETS] == 0);
  CHECK(st[VK_JB_STAT_LOST] == 0);
  CHECK(played >= 39);
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

/* The HOST codec under random input: random answers (decoded lengths,
 * failures, wrong sizes), pushes between a request and its answer, resets
 * and stream changes; the poll must always come to a frame, never crash,
 * never grow.  Then the stream stops: once its audio has played the buffer
 * reads empty (bufferedMs 0), although the random decoded lengths leave the
 * decoder's whole-packet concealment running ahead of the playout frames. */
static void test_fuzz_host(void) {
  static const int32_t rates[] = {8000, 16000, 12000};
  for (int rate_i = 0; rate_i < 3; rate_i++) {
    vk_jb_config c;
    vk_jb_config_default(&c);
    c.codec = VK_JB_CODEC_HOST;
    c.clock_rate = rates[rate_i];
    c.rtp_clock_rate = 48000;
    c.frame_ms = rate_i == 1 ? 10 : 20;
    c.max_packets = 24;
    vk_jb *jb = NULL;
    CHECK(vk_jb_create(&c, &jb) == VK_OK);
    int32_t fs = vk_jb_frame_samples(jb);
    uint8_t b[64];
    int16_t pcm[320], dec[2000];
    int32_t info[VK_JB_INFO_LEN], req[VK_JB_REQ_LEN];
    for (int k = 0; k < 2000; k++) dec[k] = (int16_t)((k * 97) % 4000 - 2000);
    double t = 0;
    uint32_t ts = xs();
    uint16_t seq = (uint16_t)xs();
    int frames = 0;
    for (int i = 0; i < 12000; i++) {
      uint32_t r = xs();
      /* mostly a stream of 20 ms packets with loss, reordering, jumps */
      if (r % 10 < 7) {
        uint16_t s = (uint16_t)(seq + (xs() % 5 == 0 ? (int)(xs() % 7) - 3 : 0));
        uint32_t tsv = ts + (uint32_t)(s - seq) * 960u + (xs() % 200 == 0 ? xs() : 0);
        size_t len = packet(b, s, tsv, (int)(i & 0x7fff));
        if (xs() % 100 == 0) b[8] ^= 1; /* another SSRC now and then */
        if (xs() % 10) vk_jb_push(jb, b, len, t);
        seq++;
        ts += 960;
      }
      t += (xs() % 50) / 2.0;
      if (i % 2 == 0) {
        int32_t n;
        int guard = 0;
        while ((n = vk_jb_poll(jb, t, pcm, 320, info, VK_JB_INFO_LEN)) == 0 && guard++ < 64) {
          const uint8_t *pl = vk_jb_request(jb, req, VK_JB_REQ_LEN);
          CHECK(req[0] == VK_JB_REQ_DECODE || req[0] == VK_JB_REQ_CONCEAL);
          CHECK((pl != NULL) == (req[3] > 0));
          if (pl) { /* the whole payload is readable (ASan) */
            volatile uint8_t last = pl[req[3] - 1];
            (void)last;
          }
          if (xs() % 8 == 0) { /* a push before the answer */
            vk_jb_push(jb, b, packet(b, seq, ts, 1), t);
            seq++;
            ts += 960;
          }
          uint32_t a = xs() % 20;
          int32_t ans = req[0] == VK_JB_REQ_CONCEAL ? req[1] : (int32_t)(fs / 2 + xs() % (uint32_t)(fs * 3));
          if (ans > req[1]) ans = req[1];
          if (a == 0) ans = -1;
          if (a == 1) CHECK(vk_jb_supply(jb, dec, req[1] + 1) == VK_ERR_ARG);
          if (a == 2) continue; /* no answer: the next poll asks again */
          if (ans > 2000) ans = 2000;
          CHECK(vk_jb_supply(jb, dec, ans) == VK_OK);
        }
        CHECK(n == fs);
        if (n == fs) frames++;
      }
      if (i % 5000 == 4999) vk_jb_reset(jb);
    }
    CHECK(frames == 6000);
    double st[VK_JB_STAT_COUNT];
    vk_jb_stats(jb, st, VK_JB_STAT_COUNT);
    CHECK(st[VK_JB_STAT_BUFFERED_PACKETS] <= 24);
    /* drain: no more packets; decodes give 1.5 frames (so whole-packet
     * concealments overrun the frames), concealments what is asked */
    double left = -1;
    for (int k = 0; k < 400; k++) {
      t += 10;
      int32_t n;
      int guard = 0;
      while ((n = vk_jb_poll(jb, t, pcm, 320, info, VK_JB_INFO_LEN)) == 0 && guard++ < 64) {
        vk_jb_request(jb, req, VK_JB_REQ_LEN);
        int32_t ans = req[0] == VK_JB_REQ_CONCEAL ? req[1] : (req[1] < fs * 3 / 2 ? req[1] : fs * 3 / 2);
        CHECK(vk_jb_supply(jb, dec, ans) == VK_OK);
      }
      CHECK(n == fs);
      vk_jb_stats(jb, st, VK_JB_STAT_COUNT);
      CHECK(st[VK_JB_STAT_BUFFERED_MS] >= 0);
      if (k >= 300 && st[VK_JB_STAT_BUFFERED_MS] > left) left = st[VK_JB_STAT_BUFFERED_MS];
    }
    CHECK(st[VK_JB_STAT_BUFFERED_PACKETS] == 0);
    CHECK(left == 0); /* the last 100 polls (1 s and more after the last packet) read empty */
    vk_jb_destroy(jb);
  }
}

int main(void) {
  test_external();
  test_external_fec_after_wait();
  test_two_lost_fec();
  test_host_rtp_clock();
  test_args();
  test_fuzz();
  test_fuzz_host();
  if (failures) {
    fprintf(stderr, "jb_test: %d failure(s)\n", failures);
    return 1;
  }
  printf("jb_test: ok\n");
  return 0;
}
