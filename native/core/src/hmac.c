/*
 * HMAC-SHA1 (RFC 2104) for SRTP / SRTCP authentication (RFC 3711 4.2.1),
 * written once over the SHA-1 compression function of crypto.h, which each
 * crypto backend provides (crypto_openssl.c: OpenSSL's, SHA-NI where the CPU
 * has it; crypto_portable.c: portable C).
 *
 * The key is absorbed once: vk_hmac_setkey keeps the SHA-1 states after the
 * blocks key ^ ipad and key ^ opad, so a tag costs the data's blocks plus the
 * final inner block(s) and one outer block; nothing is re-initialised or
 * allocated per packet.  The whole 64-byte blocks of the data are compressed
 * straight from the caller's buffer; only the tail, the second part b and
 * the padding are assembled in a local buffer.
 */
#include "crypto.h"
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define SHA1_BLOCK 64
#define SHA1_LEN 20

struct vk_hmac {
  uint32_t inner[5], outer[5]; /* states after absorbing key^ipad / key^opad */
  size_t lanes;                /* vk_sha1_lanes(), asked once at creation */
};

static const uint32_t SHA1_IV[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};

static inline void put32be(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* The last blocks of a hash that has absorbed `done` bytes in whole blocks:
 * tail (tail_len < 64 bytes) || b (b_len <= 64 bytes), the padding and the
 * total length, written to buf (3 blocks); returns how many blocks. */
static size_t last_blocks(uint8_t buf[3 * SHA1_BLOCK], uint64_t done, const uint8_t *tail, size_t tail_len, const uint8_t *b,
                          size_t b_len) {
  size_t n = 0;
  if (tail_len) memcpy(buf, tail, tail_len);
  n = tail_len;
  if (b_len) {
    memcpy(buf + n, b, b_len);
    n += b_len;
  }
  uint64_t bits = (done + n) * 8;
  buf[n++] = 0x80;
  size_t total = (n + 8 + SHA1_BLOCK - 1) / SHA1_BLOCK * SHA1_BLOCK;
  memset(buf + n, 0, total - 8 - n);
  put32be(buf + total - 8, (uint32_t)(bits >> 32));
  put32be(buf + total - 4, (uint32_t)bits);
  return total / SHA1_BLOCK;
}

static void digest(const uint32_t h[5], uint8_t out[SHA1_LEN]) {
  for (int i = 0; i < 5; i++) put32be(out + 4 * i, h[i]);
}

/* Finish a hash whose state h has absorbed `done` bytes in whole blocks:
 * absorb tail (tail_len < 64 bytes) || b (b_len <= 64 bytes), pad with the
 * total length, and write the digest. */
static void finish(uint32_t h[5], uint64_t done, const uint8_t *tail, size_t tail_len, const uint8_t *b, size_t b_len,
                   uint8_t out[SHA1_LEN]) {
  uint8_t buf[3 * SHA1_BLOCK];
  vk_sha1_compress(h, buf, last_blocks(buf, done, tail, tail_len, b, b_len));
  digest(h, out);
}

/* Plain SHA-1 of a message (for keys longer than a block). */
static void sha1(const uint8_t *p, size_t len, uint8_t out[SHA1_LEN]) {
  uint32_t h[5];
  memcpy(h, SHA1_IV, sizeof h);
  size_t whole = len / SHA1_BLOCK;
  if (whole) vk_sha1_compress(h, p, whole);
  finish(h, (uint64_t)whole * SHA1_BLOCK, p + whole * SHA1_BLOCK, len - whole * SHA1_BLOCK, NULL, 0, out);
}

int32_t vk_hmac_new(vk_hmac **out) {
  vk_hmac *h = (vk_hmac *)calloc(1, sizeof *h);
  if (!h) return VK_ERR_NOMEM;
  h->lanes = vk_sha1_lanes(); /* asks the CPU (CPUID): once, not per re-key */
  *out = h;
  return VK_OK;
}

int32_t vk_hmac_setkey(vk_hmac *h, const uint8_t *key, size_t key_len) {
  uint8_t k[SHA1_BLOCK], pad[SHA1_BLOCK];
  memset(k, 0, sizeof k);
  if (key_len > SHA1_BLOCK) sha1(key, key_len, k);
  else memcpy(k, key, key_len);
  for (int i = 0; i < SHA1_BLOCK; i++) pad[i] = (uint8_t)(k[i] ^ 0x36);
  memcpy(h->inner, SHA1_IV, sizeof h->inner);
  vk_sha1_compress(h->inner, pad, 1);
  for (int i = 0; i < SHA1_BLOCK; i++) pad[i] = (uint8_t)(k[i] ^ 0x5c);
  memcpy(h->outer, SHA1_IV, sizeof h->outer);
  vk_sha1_compress(h->outer, pad, 1);
  vk_wipe(k, sizeof k);
  vk_wipe(pad, sizeof pad);
  return VK_OK;
}

void vk_hmac_sha1(vk_hmac *h, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len, uint8_t out[SHA1_LEN]) {
  uint32_t s[5];
  uint8_t d[SHA1_LEN];
  memcpy(s, h->inner, sizeof s);
  size_t whole = a_len / SHA1_BLOCK;
  if (whole) vk_sha1_compress(s, a, whole);
  /* b is at most one block here (SRTP's 4-byte ROC); a longer one is
   * absorbed in whole blocks first through a second pass */
  if (b_len > SHA1_BLOCK) {
    uint8_t blk[SHA1_BLOCK];
    size_t tail = a_len - whole * SHA1_BLOCK;
    uint64_t done = SHA1_BLOCK + (uint64_t)whole * SHA1_BLOCK; /* key block included */
    if (tail) memcpy(blk, a + whole * SHA1_BLOCK, tail);
    while (tail + b_len >= SHA1_BLOCK && b_len > SHA1_BLOCK) {
      size_t take = SHA1_BLOCK - tail;
      memcpy(blk + tail, b, take);
      vk_sha1_compress(s, blk, 1);
      b += take; b_len -= take; done += SHA1_BLOCK; tail = 0;
    }
    finish(s, done, blk, tail, b, b_len, d);
  } else {
    finish(s, SHA1_BLOCK + (uint64_t)whole * SHA1_BLOCK, a + whole * SHA1_BLOCK, a_len - whole * SHA1_BLOCK, b, b_len, d);
  }
  memcpy(s, h->outer, sizeof s);
  finish(s, SHA1_BLOCK, d, SHA1_LEN, NULL, 0, out);
}

size_t vk_hmac_lanes(const vk_hmac *h) { return h->lanes; }

/* The lanes in lock-step: the whole blocks they all have, then each lane's
 * own remaining whole blocks, the last inner blocks (one or two for every
 * lane when b is 4 bytes, so again together where the counts agree) and the
 * outer block. */
void vk_hmac_sha1_lanes(vk_hmac *const h[], const uint8_t *const a[], const size_t a_len[], const uint8_t *const b[],
                        const size_t b_len[], uint8_t (*out)[SHA1_LEN], size_t lanes) {
  uint32_t s[VK_HMAC_MAX_LANES][5];
  uint32_t *sp[VK_HMAC_MAX_LANES];
  const uint8_t *pp[VK_HMAC_MAX_LANES];
  uint8_t buf[VK_HMAC_MAX_LANES][3 * SHA1_BLOCK];
  size_t nb[VK_HMAC_MAX_LANES];
  if (lanes > VK_HMAC_MAX_LANES || lanes < 2) {
    for (size_t l = 0; l < lanes; l++) vk_hmac_sha1(h[l], a[l], a_len[l], b[l], b_len[l], out[l]);
    return;
  }
  size_t hint = h[0]->lanes, common = SIZE_MAX;
  for (size_t l = 0; l < lanes; l++) {
    if (b_len[l] > SHA1_BLOCK || h[l]->lanes != hint) {
      for (size_t m = 0; m < lanes; m++) vk_hmac_sha1(h[m], a[m], a_len[m], b[m], b_len[m], out[m]);
      return;
    }
    memcpy(s[l], h[l]->inner, sizeof s[l]);
    sp[l] = s[l];
    pp[l] = a[l];
    size_t whole = a_len[l] / SHA1_BLOCK;
    if (whole < common) common = whole;
  }
  if (common) vk_sha1_compress_lanes(sp, pp, common, lanes, hint);
  size_t last = SIZE_MAX;
  for (size_t l = 0; l < lanes; l++) {
    size_t whole = a_len[l] / SHA1_BLOCK;
    if (whole > common) vk_sha1_compress(s[l], a[l] + common * SHA1_BLOCK, whole - common);
    nb[l] = last_blocks(buf[l], SHA1_BLOCK + (uint64_t)whole * SHA1_BLOCK, a[l] + whole * SHA1_BLOCK,
                        a_len[l] - whole * SHA1_BLOCK, b[l], b_len[l]);
    pp[l] = buf[l];
    if (nb[l] < last) last = nb[l];
  }
  vk_sha1_compress_lanes(sp, pp, last, lanes, hint);
  for (size_t l = 0; l < lanes; l++) {
    if (nb[l] > last) vk_sha1_compress(s[l], buf[l] + last * SHA1_BLOCK, nb[l] - last);
    uint8_t d[SHA1_LEN];
    digest(s[l], d);
    memcpy(s[l], h[l]->outer, sizeof s[l]);
    last_blocks(buf[l], SHA1_BLOCK, d, SHA1_LEN, NULL, 0);
  }
  vk_sha1_compress_lanes(sp, pp, 1, lanes, hint);
  for (size_t l = 0; l < lanes; l++) digest(s[l], out[l]);
}

void vk_hmac_free(vk_hmac *h) {
  if (!h) return;
  vk_wipe(h, sizeof *h);
  free(h);
}
