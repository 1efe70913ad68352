/*
 * libFuzzer target: SRTP / SRTCP unprotect (vk_srtp.h) with valid keys and
 * mutated packets.  Built twice: `srtp` over the OpenSSL crypto sibling (the
 * native addon's) and `srtp_portable` over the portable one (the WASM
 * module's).
 * Input: config byte (profile, MKI, replay window, max streams, flags), then
 * ops (first byte & 7 selects):
 *   0 raw bytes to unprotect_rtp     1 raw bytes to unprotect_rtcp
 *   2 build an RTP packet (seq delta, SSRC index, payload length), protect it
 *     with the sender, optionally flip one byte or truncate, unprotect with
 *     the receiver (in place or not)
 *   3 the same for RTCP
 *   4 set the receiver's ROC for an SSRC (ROC desynchronisation)
 *   5 replay one of the last protected packets
 *   6 a batch unprotect of arbitrary offsets / lengths / capacities
 *   7 stats / stream_info
 * Oracles (abort() = finding): an unmodified packet that unprotects gives
 * back exactly the plaintext; a modified or truncated one never unprotects
 * to anything (no forgery); statuses are documented ones; the stream count
 * never exceeds max_streams.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vk_srtp.h"

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

static int known_status(int32_t s) {
  switch (s) {
    case VK_ERR_ARG: case VK_ERR_BUFFER_SMALL: case VK_ERR_BAD_LENGTH: case VK_ERR_BAD_VERSION:
    case VK_ERR_BAD_PACKET: case VK_ERR_AUTH_FAIL: case VK_ERR_REPLAY_DUPLICATE: case VK_ERR_REPLAY_OLD:
    case VK_ERR_KEY_EXPIRED: case VK_ERR_BAD_MKI: case VK_ERR_NO_STREAM:
      return 1;
    default:
      return 0;
  }
}

#define SLOTS 4
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  static const uint32_t profiles[] = {1, 2, 3, 4, 5, 6, 7, 8};
  uint8_t c0 = data[0], c1 = data[1];
  vk_srtp_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.profile = profiles[c0 & 7];
  cfg.mki_len = (c0 & 8) ? 1 + (c1 & 3) : 0;
  cfg.replay_window = (c0 & 16) ? 64 : 128;
  cfg.max_streams = 1 + (c1 >> 5);
  cfg.flags = (c0 >> 5) & 3; /* unencrypted RTP / RTCP */
  uint32_t klen = 0, slen = 0, ovr = 0, ovc = 0;
  if (vk_srtp_profile_info((int32_t)cfg.profile, &klen, &slen, &ovr, &ovc) != VK_OK) abort();
  uint8_t key[32], salt[14], mki[4] = {0xA1, 0xB2, 0xC3, 0xD4};
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)(i * 7 + 1);
  for (int i = 0; i < 14; i++) salt[i] = (uint8_t)(i * 11 + 3);
  vk_srtp *tx = NULL, *rx = NULL;
  if (vk_srtp_create(&cfg, key, klen, salt, slen, cfg.mki_len ? mki : NULL, &tx) != VK_OK) abort();
  if (vk_srtp_create(&cfg, key, klen, salt, slen, cfg.mki_len ? mki : NULL, &rx) != VK_OK) abort();

  rd r = {data + 2, size - 2};
  uint8_t op, a, b, c;
  uint8_t plain[600], prot[700], out[700];
  uint8_t last[SLOTS][700];
  size_t last_len[SLOTS] = {0};
  int last_rtcp[SLOTS] = {0};
  int last_ok[SLOTS] = {0};     /* the receiver accepted it */
  uint32_t last_gen[SLOTS] = {0};
  uint32_t gen = 0;             /* bumped by set_roc, which may reset replay state */
  int slot = 0;
  uint16_t seq = 100;
  while (take(&r, &op)) {
    int32_t res;
    switch (op & 7) {
      case 0: case 1: {
        if (!take(&r, &a)) break;
        size_t n = a < r.n ? a : r.n;
        memcpy(out, r.p, n);
        r.p += n;
        r.n -= n;
        /* raw bytes almost never authenticate; if they do, it is by chance
         * of a 2^-32 tag at best, so treat success as a finding */
        res = (op & 1) ? vk_srtp_unprotect_rtcp(rx, out, n, out, sizeof out)
                       : vk_srtp_unprotect_rtp(rx, out, n, out, sizeof out);
        if (res >= 0 || !known_status(res)) abort();
        break;
      }
      case 2: case 3: {
        if (!take(&r, &a) || !take(&r, &b) || !take(&r, &c)) break;
        int rtcp = op & 1;
        size_t n;
        uint32_t ssrc = 0x5000u + (b & 7);
        if (!rtcp) {
          seq = (uint16_t)(seq + (int8_t)a);
          n = 12 + (size_t)(c % 200);
          for (size_t i = 0; i < n; i++) plain[i] = (uint8_t)(i * 31 + c);
          plain[0] = 0x80; plain[1] = (uint8_t)(b & 0x80);
          plain[2] = (uint8_t)(seq >> 8); plain[3] = (uint8_t)seq;
        } else {
          n = 8 + 4 * (size_t)(c % 16);
          for (size_t i = 0; i < n; i++) plain[i] = (uint8_t)(i * 17 + c);
          plain[0] = 0x80; plain[1] = 201;
          plain[2] = (uint8_t)(((n / 4) - 1) >> 8); plain[3] = (uint8_t)((n / 4) - 1);
        }
        plain[4] = (uint8_t)(ssrc >> 24); plain[5] = (uint8_t)(ssrc >> 16);
        plain[6] = (uint8_t)(ssrc >> 8); plain[7] = (uint8_t)ssrc;
        if (!rtcp) memcpy(plain + 8, plain + 4, 4); /* RTP: SSRC at 8 (timestamp = SSRC bytes) */
        int32_t pl = rtcp ? vk_srtp_protect_rtcp(tx, plain, n, prot, sizeof prot)
                          : vk_srtp_protect_rtp(tx, plain, n, prot, sizeof prot);
        if (pl < 0) {
          if (!known_status(pl)) abort();
          break;
        }
        int me = slot;
        memcpy(last[me], prot, (size_t)pl);
        last_len[me] = (size_t)pl;
        last_rtcp[me] = rtcp;
        last_ok[me] = 0;
        last_gen[me] = gen;
        slot = (slot + 1) % SLOTS;
        int modified = 0;
        size_t len = (size_t)pl;
        if (b & 0x40) { /* flip one byte */
          uint8_t pos, x;
          if (take(&r, &pos) && take(&r, &x) && x) {
            prot[pos % len] ^= x;
            modified = 1;
          }
        } else if (b & 0x20) { /* truncate */
          uint8_t k;
          if (take(&r, &k) && k % len) {
            len -= 1 + (k % (len - 1 ? len - 1 : 1));
            if (len < (size_t)pl) modified = 1;
          }
        }
        uint8_t *dst = (b & 0x10) ? prot : out; /* in place or not */
        res = rtcp ? vk_srtp_unprotect_rtcp(rx, prot, len, dst, sizeof out)
                   : vk_srtp_unprotect_rtp(rx, prot, len, dst, sizeof out);
        if (res >= 0) {
          if (modified) abort(); /* a forged packet was accepted */
          if ((size_t)res != n || memcmp(dst, plain, n) != 0) abort();
          last_ok[me] = 1;
        } else if (!known_status(res)) {
          abort();
        }
        break;
      }
      case 4: {
        if (!take(&r, &a) || !take(&r, &b)) break;
        res = vk_srtp_set_roc(rx, 0x5000u + (a & 7), (uint32_t)b << (a >> 3));
        gen++;
        if (res != VK_OK && res != VK_ERR_NO_STREAM) abort();
        break;
      }
      case 5: {
        if (!take(&r, &a)) break;
        int s = a % SLOTS;
        if (!last_len[s]) break;
        memcpy(prot, last[s], last_len[s]);
        res = last_rtcp[s] ? vk_srtp_unprotect_rtcp(rx, prot, last_len[s], out, sizeof out)
                           : vk_srtp_unprotect_rtp(rx, prot, last_len[s], out, sizeof out);
        /* a replay of a packet the receiver already took must fail (unless
         * set_roc has rewritten the stream since); one it never took (it
         * was rejected or mutated on the way) may pass */
        if (res >= 0 && last_ok[s] && last_gen[s] == gen) abort();
        if (res < 0 && !known_status(res)) abort();
        if (res >= 0) last_ok[s] = 1;
        break;
      }
      case 6: {
        uint8_t nb;
        if (!take(&r, &nb)) break;
        uint32_t off[4], cap[4];
        int32_t len[4];
        size_t cnt = 1 + (nb & 3);
        for (size_t i = 0; i < cnt; i++) {
          uint8_t x = 0, y = 0, z = 0;
          take(&r, &x); take(&r, &y); take(&r, &z);
          off[i] = (uint32_t)x * 3;
          len[i] = (int32_t)(int8_t)y * 3;
          cap[i] = (uint32_t)z * 3;
        }
        memset(out, 0x80, sizeof out);
        res = vk_srtp_batch(rx, (nb >> 2) & 3, out, 512, off, len, cap, cnt);
        if (res < 0 && res != VK_ERR_ARG) abort();
        if (res > (int32_t)cnt) abort();
        break;
      }
      case 7: {
        double st[VK_SRTP_STAT_COUNT], si[6];
        if (vk_srtp_stats(rx, st, VK_SRTP_STAT_COUNT) != VK_SRTP_STAT_COUNT) abort();
        if (st[VK_SRTP_STAT_STREAMS] > cfg.max_streams) abort();
        vk_srtp_stream_info(rx, 0x5000u + (op >> 5), si, 6);
        break;
      }
    }
  }
  vk_srtp_destroy(tx);
  vk_srtp_destroy(rx);
  return 0;
}
