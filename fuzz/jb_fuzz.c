/*
 * libFuzzer target: the jitter buffer (vk_jb.h) driven by arbitrary push /
 * poll sequences: its RTP header parse on raw bytes, and well-formed packets
 * with arbitrary sequence numbers, timestamps, SSRCs, payload types, sizes,
 * CSRCs, extensions and padding, at arbitrary (mostly non-decreasing)
 * arrival and playout times.
 * Input: 6 config bytes, then ops (first byte & 7 selects):
 *   0   raw packet: len byte, then that many bytes pushed as they are
 *   1-3 built packet: seq delta (int8), ts delta (int16), flags byte
 *       (ssrc switch, marker, csrc, extension, padding, pt), payload len byte
 *   4-5 poll after dt (byte, ms)
 *   6   time step (uint16 ms), or a step backwards when the top bit is set
 *   7   reset / stats
 * Invariants (abort() = finding): push returns a vk_jb_push_result or one of
 * its documented errors; every successful poll writes exactly one frame and
 * describes it consistently; statistics stay finite; time never accepted
 * backwards.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vk_jb.h"

typedef struct {
  const uint8_t *p;
  size_t n;
} rd;
static int take(rd *r, uint8_t *b) {
  if (!r->n) return 0;
  *b = *r->p++;
  r->n--;
  return 1;
}

static size_t build(uint8_t *pkt, uint16_t seq, uint32_t ts, uint32_t ssrc, uint8_t flags, uint8_t plen) {
  size_t o = 0;
  int cc = (flags & 0x04) ? 2 : 0;
  int ext = (flags & 0x08) != 0;
  int pad = (flags & 0x10) != 0;
  pkt[o++] = (uint8_t)(0x80 | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | cc);
  pkt[o++] = (uint8_t)(((flags & 0x02) ? 0x80 : 0) | ((flags & 0x20) ? 8 : 0));
  pkt[o++] = (uint8_t)(seq >> 8);
  pkt[o++] = (uint8_t)seq;
  for (int i = 3; i >= 0; i--) pkt[o++] = (uint8_t)(ts >> (8 * i));
  for (int i = 3; i >= 0; i--) pkt[o++] = (uint8_t)(ssrc >> (8 * i));
  for (int c = 0; c < cc; c++)
    for (int i = 0; i < 4; i++) pkt[o++] = (uint8_t)(0x10 + c);
  if (ext) {
    pkt[o++] = 0xBE; pkt[o++] = 0xDE; pkt[o++] = 0; pkt[o++] = 1;
    pkt[o++] = 0x10; pkt[o++] = 0xAA; pkt[o++] = 0; pkt[o++] = 0;
  }
  for (int i = 0; i < plen; i++) pkt[o++] = (uint8_t)(0xD5 ^ (i * 13));
  if (pad) {
    pkt[o++] = 0; pkt[o++] = 0; pkt[o++] = 3;
  }
  return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 6) return 0;
  static const int32_t rates[] = {8000, 16000, 24000, 32000, 48000};
  vk_jb_config cfg;
  vk_jb_config_default(&cfg);
  cfg.codec = data[0] & 1;               /* PCMU / PCMA at 8 kHz */
  cfg.frame_ms = (data[0] & 2) ? 10 : 20;
  cfg.max_packets = 2 + data[1] % 64;
  cfg.max_delay_ms = 20 + (data[2] % 100) * 20;
  cfg.min_delay_ms = (data[3] % 8) * 20;
  if (cfg.min_delay_ms > cfg.max_delay_ms) cfg.min_delay_ms = cfg.max_delay_ms;
  cfg.max_payload = 1 + data[4] % 255;
  cfg.payload_type = (data[5] & 0x80) ? -1 : (data[5] & 8);
  (void)rates;
  vk_jb *jb = NULL;
  if (vk_jb_create(&cfg, &jb) != VK_OK) abort();
  const int32_t frame = vk_jb_frame_samples(jb);
  if (frame != cfg.frame_ms * 8) abort();

  rd r = {data + 6, size - 6};
  uint8_t op, a, b, c, d;
  uint8_t pkt[512];
  int16_t pcm[1024];
  int32_t info[VK_JB_INFO_LEN];
  double now = 1000.0, last_push = -INFINITY, last_poll = -INFINITY;
  uint16_t seq = 1000;
  uint32_t ts = 5000, ssrc = 0x11111111;
  while (take(&r, &op)) {
    int32_t res;
    switch (op & 7) {
      case 0: {
        if (!take(&r, &a)) break;
        size_t n = a < r.n ? a : r.n;
        memcpy(pkt, r.p, n);
        r.p += n;
        r.n -= n;
        res = vk_jb_push(jb, pkt, n, now);
        goto check_push;
      }
      case 1: case 2: case 3: {
        if (!take(&r, &a) || !take(&r, &b) || !take(&r, &c) || !take(&r, &d)) break;
        seq = (uint16_t)(seq + (int8_t)a);
        ts += (uint32_t)(int32_t)(int16_t)(uint16_t)(b << 8 | c);
        if (d & 0x01) ssrc ^= 0x01010101;
        size_t n = build(pkt, seq, ts, ssrc, d, (uint8_t)(d & 0x40 ? 160 : (d & 0x80 ? 80 : 0)));
        res = vk_jb_push(jb, pkt, n, now);
      check_push:
        if (res == VK_ERR_TIME) {
          if (!(now < last_push)) abort();
        } else if (res < 0) {
          if (res != VK_ERR_BAD_LENGTH && res != VK_ERR_BAD_VERSION && res != VK_ERR_BAD_PACKET &&
              res != VK_ERR_LIMIT)
            abort();
        } else {
          if (res > VK_JB_PUSH_IGNORED || now < last_push) abort();
          last_push = now;
        }
        break;
      }
      case 4: case 5: {
        if (!take(&r, &a)) break;
        now += a;
        memset(info, 0x7f, sizeof info);
        res = vk_jb_poll(jb, now, pcm, (op & 8) ? (size_t)frame - 1 : 1024, info, VK_JB_INFO_LEN);
        if (op & 8) {
          if (res != VK_ERR_BUFFER_SMALL && !(res == VK_ERR_TIME && now < last_poll)) abort();
          break;
        }
        if (res == VK_ERR_TIME) {
          if (!(now < last_poll)) abort();
          break;
        }
        if (res != frame) abort();
        if (info[1] != frame || info[0] < 0 || info[0] > VK_JB_OP_CNG) abort();
        if (info[5] < 0 || info[5] > frame) abort();
        for (int32_t i = 0; i < info[5] && i < VK_JB_INFO_MAX_STARTS; i++) {
          int32_t off = info[VK_JB_INFO_HEADER + 2 * i + 1];
          if (off < 0 || off >= frame) abort();
        }
        last_poll = now;
        break;
      }
      case 6: {
        if (!take(&r, &a) || !take(&r, &b)) break;
        uint16_t step = (uint16_t)(a << 8 | b);
        if (step & 0x8000) now -= (step & 0x7fff) / 16.0;
        else now += step;
        break;
      }
      case 7: {
        double st[VK_JB_STAT_COUNT];
        if (vk_jb_stats(jb, st, VK_JB_STAT_COUNT) != VK_JB_STAT_COUNT) abort();
        for (int i = 0; i < VK_JB_STAT_COUNT; i++)
          if (!isfinite(st[i])) abort();
        if (st[VK_JB_STAT_BUFFERED_PACKETS] > cfg.max_packets) abort();
        if (op & 0x80) {
          vk_jb_reset(jb);
          last_push = last_poll = -INFINITY;
        }
        break;
      }
    }
  }
  vk_jb_destroy(jb);
  return 0;
}
