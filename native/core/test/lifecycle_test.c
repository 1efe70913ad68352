/*
 * Create / use / destroy of every core object, many times over, for the leak
 * check: under scripts/sanitize.sh this runs with LeakSanitizer on, so any
 * allocation a destroy misses fails the test at exit.  Also checks that
 * destroy(NULL) is a no-op and that create refuses a NULL out-pointer
 * without allocating.
 *
 * scripts/sanitize.sh fails when a header in native/core/include declares a
 * vk_<obj>_create that this file does not call: add a row for every new
 * object.
 */
#include <stdint.h>
#include <string.h>

#include "vk_cng.h"
#include "vk_jb.h"
#include "vk_ns.h"
#include "vk_resample.h"
#include "vk_seq.h"
#include "vk_srtp.h"
#ifdef VK_HAVE_OPUS
#include "vk_opus.h"
#endif
#include "vk_test.h"

#define ROUNDS 200

static void seq_cycle(void) {
  CHECK_EQ_INT(vk_seq_create(2, NULL), VK_ERR_ARG);
  vk_seq_destroy(NULL);
  for (int r = 0; r < ROUNDS; r++) {
    vk_seq_state *s = NULL;
    CHECK_EQ_INT(vk_seq_create((uint32_t)(r % 5), &s), VK_OK);
    if (!s) continue;
    int64_t ext;
    for (int i = 0; i < 50; i++) vk_seq_update(s, (uint16_t)(r * 977 + i * (i % 7 ? 1 : 4000)), &ext);
    int32_t lost;
    uint8_t frac;
    vk_seq_report(s, &lost, &frac);
    (void)vk_seq_expected(s);
    vk_seq_destroy(s);
  }
}

/* An RTP packet: version 2, PT 0, seq, 160 bytes of payload. */
static size_t make_rtp(uint8_t *p, uint16_t seq, uint32_t ssrc) {
  memset(p, 0xd5, 172);
  p[0] = 0x80;
  p[1] = 0;
  p[2] = (uint8_t)(seq >> 8);
  p[3] = (uint8_t)seq;
  uint32_t ts = (uint32_t)seq * 160u;
  p[4] = (uint8_t)(ts >> 24); p[5] = (uint8_t)(ts >> 16); p[6] = (uint8_t)(ts >> 8); p[7] = (uint8_t)ts;
  p[8] = (uint8_t)(ssrc >> 24); p[9] = (uint8_t)(ssrc >> 16); p[10] = (uint8_t)(ssrc >> 8); p[11] = (uint8_t)ssrc;
  return 172;
}

static void srtp_cycle(void) {
  static const uint32_t profiles[] = {1, 2, 5, 7, 8};
  uint8_t key[32], salt[14], mki[4] = {1, 2, 3, 4};
  memset(key, 0x11, sizeof key);
  memset(salt, 0x22, sizeof salt);
  CHECK_EQ_INT(vk_srtp_create(NULL, key, 16, salt, 14, NULL, NULL), VK_ERR_ARG);
  vk_srtp_destroy(NULL);
  for (int r = 0; r < ROUNDS / 4; r++) {
    uint32_t prof = profiles[r % 5];
    uint32_t klen = 0, slen = 0, o1 = 0, o2 = 0;
    CHECK_EQ_INT(vk_srtp_profile_info((int32_t)prof, &klen, &slen, &o1, &o2), VK_OK);
    vk_srtp_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.profile = prof;
    cfg.max_streams = 4;
    cfg.mki_len = (r & 1) ? 4 : 0;
    vk_srtp *tx = NULL, *rx = NULL;
    CHECK_EQ_INT(vk_srtp_create(&cfg, key, klen, salt, slen, cfg.mki_len ? mki : NULL, &tx), VK_OK);
    CHECK_EQ_INT(vk_srtp_create(&cfg, key, klen, salt, slen, cfg.mki_len ? mki : NULL, &rx), VK_OK);
    if (!tx || !rx) { vk_srtp_destroy(tx); vk_srtp_destroy(rx); continue; }
    uint8_t pkt[256], out[256];
    /* more SSRCs than max_streams: the extra ones fail, nothing leaks */
    for (int i = 0; i < 8; i++) {
      size_t n = make_rtp(pkt, (uint16_t)(r * 10 + i), 0x1000u + (uint32_t)(i % 6));
      int32_t p = vk_srtp_protect_rtp(tx, pkt, n, out, sizeof out);
      if (p > 0) vk_srtp_unprotect_rtp(rx, out, (size_t)p, out, sizeof out);
    }
    uint8_t rr[8] = {0x80, 201, 0, 1, 0, 0, 0x10, 0};
    int32_t p = vk_srtp_protect_rtcp(tx, rr, sizeof rr, out, sizeof out);
    if (p > 0) CHECK_EQ_INT(vk_srtp_unprotect_rtcp(rx, out, (size_t)p, out, sizeof out), 8);
    double st[VK_SRTP_STAT_COUNT];
    CHECK_EQ_INT(vk_srtp_stats(rx, st, VK_SRTP_STAT_COUNT), VK_SRTP_STAT_COUNT);
    CHECK(st[VK_SRTP_STAT_STREAMS] <= 4);
    vk_srtp_destroy(tx);
    vk_srtp_destroy(rx);
  }
}

static void jb_cycle(void) {
  vk_jb_config cfg;
  vk_jb_config_default(&cfg);
  CHECK_EQ_INT(vk_jb_create(NULL, NULL), VK_ERR_ARG);
  vk_jb_destroy(NULL);
  for (int r = 0; r < ROUNDS / 4; r++) {
    cfg.max_packets = 2 + r * 7;
    cfg.frame_ms = (r & 1) ? 10 : 20;
    vk_jb *jb = NULL;
    CHECK_EQ_INT(vk_jb_create(&cfg, &jb), VK_OK);
    if (!jb) continue;
    uint8_t pkt[200];
    int16_t pcm[480];
    int32_t info[VK_JB_INFO_LEN];
    double t = 0;
    for (int i = 0; i < 60; i++) {
      size_t n = make_rtp(pkt, (uint16_t)(i * 3 % 50), 7);
      vk_jb_push(jb, pkt, n, t);
      vk_jb_poll(jb, t, pcm, 480, info, VK_JB_INFO_LEN);
      t += 20;
      if (i == 30) vk_jb_reset(jb);
    }
    double st[VK_JB_STAT_COUNT];
    CHECK_EQ_INT(vk_jb_stats(jb, st, VK_JB_STAT_COUNT), VK_JB_STAT_COUNT);
    vk_jb_destroy(jb);
  }
}

static void ns_cycle(void) {
  static const int32_t rates[] = {8000, 16000, 48000};
  CHECK_EQ_INT(vk_ns_create(8000, 0.5f, NULL), VK_ERR_ARG);
  vk_ns_destroy(NULL);
  for (int r = 0; r < ROUNDS / 4; r++) {
    vk_ns *ns = NULL;
    CHECK_EQ_INT(vk_ns_create(rates[r % 3], 0.5f, &ns), VK_OK);
    if (!ns) continue;
    int32_t fs = vk_ns_frame_size(ns);
    float f[960];
    int16_t s[960];
    for (int i = 0; i < 960; i++) { f[i] = (float)((i * 7919) % 2001 - 1000) / 1000.0f; s[i] = (int16_t)(i * 37); }
    CHECK_EQ_INT(vk_ns_process_f32(ns, f, f, 2 * fs), 2 * fs);
    CHECK_EQ_INT(vk_ns_process_i16(ns, s, s, fs), fs);
    vk_ns_set_strength(ns, 1.0f);
    vk_ns_set_transient(ns, r & 1);
    vk_ns_reset(ns);
    float st[VK_NS_STATS];
    CHECK_EQ_INT(vk_ns_stats(ns, st, VK_NS_STATS), VK_NS_STATS);
    vk_ns_destroy(ns);
  }
}

static void resample_cycle(void) {
  static const int32_t rates[] = {8000, 16000, 24000, 48000};
  CHECK_EQ_INT(vk_resample_create(8000, 16000, 1, 4, NULL), VK_ERR_ARG);
  vk_resample_destroy(NULL);
  for (int r = 0; r < ROUNDS / 4; r++) {
    vk_resample *rs = NULL;
    int32_t ch = 1 + r % 3;
    CHECK_EQ_INT(vk_resample_create(rates[r % 4], rates[(r / 4) % 4], ch, r % 11, &rs), VK_OK);
    if (!rs) continue;
    int16_t in[480 * 3], out[2880 * 3];
    memset(in, 0, sizeof in);
    int32_t want = vk_resample_output_frames(rs, 480);
    CHECK(want >= 0 && want <= 2880);
    CHECK_EQ_INT(vk_resample_process_i16(rs, in, 480, out, 2880), want);
    int32_t fl = vk_resample_flush_frames(rs);
    CHECK(fl >= 0 && fl <= 2880);
    CHECK_EQ_INT(vk_resample_flush_i16(rs, out, 2880), fl);
    vk_resample_reset(rs);
    vk_resample_destroy(rs);
  }
}

static void cng_cycle(void) {
  CHECK_EQ_INT(vk_cng_create(1, NULL), VK_ERR_ARG);
  vk_cng_destroy(NULL);
  for (int r = 0; r < ROUNDS / 4; r++) {
    vk_cng *g = NULL;
    CHECK_EQ_INT(vk_cng_create((uint32_t)r, &g), VK_OK);
    if (!g) continue;
    int16_t pcm[320];
    uint8_t payload[1 + VK_CN_MAX_ORDER];
    for (int i = 0; i < 320; i++) pcm[i] = (int16_t)((i * 7919 + r) % 2001 - 1000);
    int32_t n = vk_cn_analyze(pcm, 320, r % (VK_CN_MAX_ORDER + 1), payload, (int32_t)sizeof payload);
    CHECK_EQ_INT(n, 1 + r % (VK_CN_MAX_ORDER + 1));
    if (n > 0) CHECK_EQ_INT(vk_cng_update(g, payload, n), VK_OK);
    CHECK_EQ_INT(vk_cng_generate(g, pcm, 320), 320);
    vk_cng_destroy(g);
  }
}

/* Opus is a native-only component over the system libopus: ctest's core
 * library does not contain it, so scripts/sanitize.sh builds this file a
 * second time with -DVK_HAVE_OPUS and core/src/opus.c. */
static void opus_cycle(void) {
#ifdef VK_HAVE_OPUS
  CHECK_EQ_INT(vk_opus_encoder_create(48000, 1, VK_OPUS_APP_VOIP, NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_create(48000, 1, NULL), VK_ERR_ARG);
  vk_opus_encoder_destroy(NULL);
  vk_opus_decoder_destroy(NULL);
  static const int32_t rates[] = {8000, 12000, 16000, 24000, 48000};
  for (int r = 0; r < ROUNDS / 8; r++) {
    int32_t rate = rates[r % 5], ch = 1 + (r & 1);
    vk_opus_encoder *e = NULL;
    vk_opus_decoder *d = NULL;
    CHECK_EQ_INT(vk_opus_encoder_create(rate, ch, VK_OPUS_APP_VOIP, &e), VK_OK);
    CHECK_EQ_INT(vk_opus_decoder_create(rate, ch, &d), VK_OK);
    if (e && d) {
      int16_t pcm[960 * 2 * 6];
      uint8_t pkt[VK_OPUS_MAX_PACKET];
      int32_t fs = rate / 50;
      for (int i = 0; i < fs * ch; i++) pcm[i] = (int16_t)((i * 37) % 4000 - 2000);
      vk_opus_encoder_set(e, VK_OPUS_INBAND_FEC, 1);
      int32_t n = vk_opus_encode(e, pcm, fs, pkt, sizeof pkt);
      CHECK(n > 0);
      if (n > 0) {
        CHECK_EQ_INT(vk_opus_decode(d, pkt, (size_t)n, pcm, fs * 6), fs);
        CHECK_EQ_INT(vk_opus_decode_fec(d, pkt, (size_t)n, pcm, fs), fs);
      }
      CHECK_EQ_INT(vk_opus_conceal(d, pcm, fs), fs);
      vk_opus_encoder_reset(e);
      vk_opus_decoder_reset(d);
    }
    vk_opus_encoder_destroy(e);
    vk_opus_decoder_destroy(d);
  }
#endif
}

int main(void) {
  cng_cycle();
  opus_cycle();
  seq_cycle();
  srtp_cycle();
  jb_cycle();
  ns_cycle();
  resample_cycle();
  return vk_test_result("lifecycle_test");
}
