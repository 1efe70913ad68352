/* C-level checks of the crypto siblings and the SRTP core, run by ctest for
 * both crypto backends (srtp_test: OpenSSL, srtp_test_portable: portable).
 * Known answers: FIPS-197 C.1-C.3, RFC 2202 test 1, the GCM spec's test
 * case 2 (McGrew & Viega), libsrtp srtp_driver's AES_CM_128_HMAC_SHA1_80
 * packet.  Every multi-block path (CTR and GHASH, any register width) is
 * checked against single-block calls and a bit-serial GHASH for inputs of
 * 0..150 bytes and longer ones around the step sizes.  The full RFC vector set runs in
 * test/srtp.test.ts. */
#include "crypto.h"
#include "vk_srtp.h"
#include <stdio.h>
#include <string.h>

static int failures;

static void unhex(const char *h, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) sscanf(h + 2 * i, "%2hhx", &out[i]);
}

static void expect_hex(const char *what, const uint8_t *got, const char *want) {
  size_t n = strlen(want) / 2;
  uint8_t w[256];
  unhex(want, w, n);
  if (memcmp(got, w, n) != 0) {
    printf("FAIL %s\n", what);
    failures++;
  }
}

/* ---- long-input references: every multi-block path of a sibling (4/8/16
 * blocks per step, 128/256-bit registers) against single-block calls ------ */

/* GF(2^128) multiplication of SP 800-38D Algorithm 1, bit by bit. */
static void ref_gfmul(uint8_t x[16], const uint8_t h[16]) {
  uint8_t z[16] = {0}, v[16];
  memcpy(v, h, 16);
  for (int i = 0; i < 128; i++) {
    if ((x[i / 8] >> (7 - i % 8)) & 1)
      for (int j = 0; j < 16; j++) z[j] ^= v[j];
    int lsb = v[15] & 1;
    for (int j = 15; j > 0; j--) v[j] = (uint8_t)((v[j] >> 1) | (v[j - 1] << 7));
    v[0] >>= 1;
    if (lsb) v[0] ^= 0xe1;
  }
  memcpy(x, z, 16);
}

static void ref_ghash(uint8_t y[16], const uint8_t h[16], const uint8_t *p, size_t len) {
  for (size_t i = 0; i < len; i += 16) {
    size_t n = len - i < 16 ? len - i : 16;
    for (size_t j = 0; j < n; j++) y[j] ^= p[i + j];
    ref_gfmul(y, h);
  }
}

/* E_K(block) through the CTR interface on one block. */
static void ref_block(vk_aes_ctr *c, const uint8_t in[16], uint8_t out[16]) {
  uint8_t z[16] = {0};
  vk_aes_ctr_xor(c, in, z, out, 16);
}

static void check_long_inputs(void) {
  static const size_t key_lens[] = {16, 32};
  static uint8_t key[32], in[2200], got[2200], want[2200], aad[200], back[2200];
  for (size_t i = 0; i < sizeof key; i++) key[i] = (uint8_t)(i * 29 + 3);
  for (size_t i = 0; i < sizeof in; i++) in[i] = (uint8_t)(i * 7 + 1);
  for (size_t i = 0; i < sizeof aad; i++) aad[i] = (uint8_t)(i * 13 + 2);
  size_t lens[200], nl = 0;
  for (size_t n = 0; n <= 150; n++) lens[nl++] = n;
  const size_t big[] = {175, 176, 255, 256, 257, 272, 383, 384, 385, 511, 512, 513, 1023, 1024, 1200, 1500, 2047, 2048, 2049, 2100};
  for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) lens[nl++] = big[i];
  for (size_t kl = 0; kl < 2; kl++) {
    vk_aes_ctr *c;
    vk_gcm *g;
    vk_aes_ctr_new(&c);
    vk_gcm_new(&g);
    vk_aes_ctr_setkey(c, key, key_lens[kl]);
    vk_gcm_setkey(g, key, key_lens[kl]);
    uint8_t zero[16] = {0}, h[16], ctr[16], ks[16];
    ref_block(c, zero, h);
    for (size_t li = 0; li < nl; li++) {
      size_t n = lens[li];
      /* CTR, with the 32-bit counter crossing 2^32 inside long inputs */
      uint32_t c0 = 0xfffffff0u + (uint32_t)li;
      memset(ctr, 0xa5, 12);
      ctr[12] = (uint8_t)(c0 >> 24); ctr[13] = (uint8_t)(c0 >> 16); ctr[14] = (uint8_t)(c0 >> 8); ctr[15] = (uint8_t)c0;
      vk_aes_ctr_xor(c, ctr, in, got, n);
      for (size_t b = 0; b * 16 < n; b++) {
        uint32_t cb = c0 + (uint32_t)b;
        ctr[12] = (uint8_t)(cb >> 24); ctr[13] = (uint8_t)(cb >> 16); ctr[14] = (uint8_t)(cb >> 8); ctr[15] = (uint8_t)cb;
        ref_block(c, ctr, ks);
        for (size_t j = 0; j < 16 && b * 16 + j < n; j++) want[b * 16 + j] = (uint8_t)(in[b * 16 + j] ^ ks[j]);
      }
      if (n && memcmp(got, want, n) != 0) { printf("FAIL long CTR key %zu len %zu\n", key_lens[kl], n); failures++; }
      /* GCM seal with AAD in two parts, against GHASH bit by bit */
      const size_t aad_lens[] = {0, 13, 200};
      for (size_t ai = 0; ai < 3; ai++) {
        size_t al = aad_lens[ai];
        uint8_t iv[12], tag[16], y[16] = {0}, lenblk[16] = {0}, s[16];
        for (int i = 0; i < 12; i++) iv[i] = (uint8_t)(li + i * 17 + ai);
        vk_gcm_seal(g, iv, aad, al / 2, aad + al / 2, al - al / 2, in, got, n, tag, 16);
        memcpy(ctr, iv, 12);
        for (size_t b = 0; b * 16 < n; b++) {
          uint32_t cb = 2 + (uint32_t)b;
          ctr[12] = (uint8_t)(cb >> 24); ctr[13] = (uint8_t)(cb >> 16); ctr[14] = (uint8_t)(cb >> 8); ctr[15] = (uint8_t)cb;
          ref_block(c, ctr, ks);
          for (size_t j = 0; j < 16 && b * 16 + j < n; j++) want[b * 16 + j] = (uint8_t)(in[b * 16 + j] ^ ks[j]);
        }
        ref_ghash(y, h, aad, al);
        ref_ghash(y, h, want, n);
        for (int i = 0; i < 8; i++) {
          lenblk[i] = (uint8_t)(((uint64_t)al * 8) >> (56 - 8 * i));
          lenblk[8 + i] = (uint8_t)(((uint64_t)n * 8) >> (56 - 8 * i));
        }
        ref_ghash(y, h, lenblk, 16);
        ctr[12] = 0; ctr[13] = 0; ctr[14] = 0; ctr[15] = 1;
        ref_block(c, ctr, s);
        for (int i = 0; i < 16; i++) y[i] ^= s[i];
        if ((n && memcmp(got, want, n) != 0) || memcmp(tag, y, 16) != 0) {
          printf("FAIL long GCM key %zu len %zu aad %zu\n", key_lens[kl], n, al);
          failures++;
        }
        if (vk_gcm_open(g, iv, aad, al / 2, aad + al / 2, al - al / 2, got, back, n, tag, 16) != VK_OK || (n && memcmp(back, in, n) != 0)) {
          printf("FAIL long GCM open key %zu len %zu aad %zu\n", key_lens[kl], n, al);
          failures++;
        }
        /* a flipped bit in the tag or in the ciphertext is refused */
        tag[li % 16] ^= 1;
        if (vk_gcm_open(g, iv, aad, al / 2, aad + al / 2, al - al / 2, got, back, n, tag, 16) != VK_ERR_AUTH_FAIL) {
          printf("FAIL long GCM open accepts a bad tag, key %zu len %zu aad %zu\n", key_lens[kl], n, al);
          failures++;
        }
        tag[li % 16] ^= 1;
        if (n) {
          got[n - 1 - li % n] ^= 0x10;
          if (vk_gcm_open(g, iv, aad, al / 2, aad + al / 2, al - al / 2, got, back, n, tag, 16) != VK_ERR_AUTH_FAIL) {
            printf("FAIL long GCM open accepts a bad ciphertext, key %zu len %zu aad %zu\n", key_lens[kl], n, al);
            failures++;
          }
        }
      }
    }
    vk_aes_ctr_free(c);
    vk_gcm_free(g);
  }
}

/* ---- multi-lane SHA-1 / HMAC and the batch that uses them ---------------- */

static uint32_t lcg(uint32_t *x) { return *x = *x * 1664525u + 1013904223u; }

/* The batch (tags several at a time) against one call per packet: packets
 * of mixed lengths, a duplicate inside a group of four, a forged tag, and
 * two packets sharing bytes (the batch must then see the first one's
 * output, as one call after another would); with the session's flags and
 * MKI length given. */
static void check_batch(uint32_t *seed, uint32_t flags, uint32_t mki_len) {
  static const uint32_t sizes[] = {1212, 172, 64, 59, 56, 12, 13, 75, 76, 77, 131, 132, 1200, 300};
  enum { N = 29, SLOT = 1300 };
  static uint8_t plain[N][SLOT], one[N + 1][SLOT], buf[N * SLOT + SLOT];
  uint8_t key[16], salt[14];
  for (int i = 0; i < 16; i++) key[i] = (uint8_t)(3 * i + 1);
  for (int i = 0; i < 14; i++) salt[i] = (uint8_t)(5 * i + 2);
  const uint8_t mki[4] = {9, 8, 7, 6};
  vk_srtp_config cfg = {0};
  cfg.profile = VK_SRTP_AES_CM_128_HMAC_SHA1_80;
  cfg.flags = flags;
  cfg.mki_len = mki_len;
  vk_srtp *t1, *t2, *r1, *r2;
  if (vk_srtp_create(&cfg, key, 16, salt, 14, mki, &t1) || vk_srtp_create(&cfg, key, 16, salt, 14, mki, &t2) ||
      vk_srtp_create(&cfg, key, 16, salt, 14, mki, &r1) || vk_srtp_create(&cfg, key, 16, salt, 14, mki, &r2)) {
    printf("FAIL batch sessions\n");
    failures++;
    return;
  }
  uint32_t off[N + 1], cap[N + 1];
  int32_t len[N + 1], want[N + 1];
  for (int i = 0; i < N; i++) {
    uint32_t n = sizes[i % 14];
    for (uint32_t j = 0; j < n; j++) plain[i][j] = (uint8_t)(lcg(seed) >> 24);
    plain[i][0] = 0x80;
    plain[i][1] = 96;
    plain[i][2] = (uint8_t)((65530 + i) >> 8 & 0xff); /* the ROC moves to 1 at packet 6 */
    plain[i][3] = (uint8_t)(65530 + i);
    memset(plain[i] + 8, 0x42, 4);
    want[i] = vk_srtp_protect_rtp(t1, plain[i], n, one[i], SLOT);
    off[i] = (uint32_t)i * SLOT;
    cap[i] = SLOT;
    len[i] = (int32_t)n;
    memcpy(buf + off[i], plain[i], n);
  }
  if (vk_srtp_batch(t2, VK_SRTP_OP_PROTECT_RTP, buf, sizeof buf, off, len, cap, N) != N) { printf("FAIL batch protect (flags %u, MKI %u)\n", flags, mki_len); failures++; }
  for (int i = 0; i < N; i++)
    if (len[i] != want[i] || memcmp(buf + off[i], one[i], (size_t)want[i]) != 0) { printf("FAIL batch protect packet %d\n", i); failures++; }
  /* unprotect: packet 5 twice (within one group), packet 9's tag forged */
  int order[N + 1];
  for (int i = 0, j = 0; j <= N; j++) order[j] = j == 6 ? 5 : i++;
  for (int j = 0; j <= N; j++) {
    int i = order[j];
    off[j] = (uint32_t)j * SLOT;
    cap[j] = SLOT;
    len[j] = want[i];
    memcpy(buf + off[j], one[i], (size_t)want[i]);
    if (i == 9 && j > 6) buf[off[j] + want[i] - 1] ^= 1;
  }
  for (int j = 0; j <= N; j++) {
    uint8_t tmp[SLOT];
    memcpy(tmp, buf + off[j], (size_t)len[j]);
    want[j] = vk_srtp_unprotect_rtp(r1, tmp, (size_t)len[j], tmp, SLOT);
    memcpy(one[j], tmp, SLOT);
  }
  if (vk_srtp_batch(r2, VK_SRTP_OP_UNPROTECT_RTP, buf, sizeof buf, off, len, cap, N + 1) != N - 1) { printf("FAIL batch unprotect count (flags %u, MKI %u)\n", flags, mki_len); failures++; }
  for (int j = 0; j <= N; j++)
    if (len[j] != want[j] || (want[j] >= 0 && memcmp(buf + off[j], one[j], (size_t)want[j]) != 0)) { printf("FAIL batch unprotect packet %d: %d, one by one %d\n", j, len[j], want[j]); failures++; }
  if (want[6] != VK_ERR_REPLAY_DUPLICATE || want[10] != VK_ERR_AUTH_FAIL) { printf("FAIL batch unprotect verdicts (flags %u, MKI %u)\n", flags, mki_len); failures++; }
  /* overlapping packets: the first's payload and tag lie under the second's
   * payload, so the second's encryption changes bytes the first's tag covers */
  {
    uint8_t a[3 * SLOT], b[3 * SLOT];
    for (size_t i = 0; i < sizeof a; i++) a[i] = (uint8_t)(lcg(seed) >> 24);
    for (int k = 0; k < 2; k++) { a[k * 600] = 0x80; a[k * 600 + 2] = 0; a[k * 600 + 3] = (uint8_t)(100 + k); }
    memcpy(b, a, sizeof a);
    uint32_t o2[2] = {600, 0}, c2[2] = {1200, 1200};
    int32_t l2[2] = {1000, 1000}, w2[2];
    vk_srtp *p1, *p2;
    vk_srtp_create(&cfg, key, 16, salt, 14, mki, &p1);
    vk_srtp_create(&cfg, key, 16, salt, 14, mki, &p2);
    for (int k = 0; k < 2; k++) w2[k] = vk_srtp_protect_rtp(p1, b + o2[k], 1000, b + o2[k], 1200);
    vk_srtp_batch(p2, VK_SRTP_OP_PROTECT_RTP, a, sizeof a, o2, l2, c2, 2);
    if (l2[0] != w2[0] || l2[1] != w2[1] || memcmp(a, b, sizeof a) != 0) { printf("FAIL batch protect overlapping (flags %u, MKI %u)\n", flags, mki_len); failures++; }
    vk_srtp_destroy(p1);
    vk_srtp_destroy(p2);
  }
  vk_srtp_destroy(t1);
  vk_srtp_destroy(t2);
  vk_srtp_destroy(r1);
  vk_srtp_destroy(r2);
}

static void check_lanes(void) {
  static uint8_t data[4][1700];
  uint32_t seed = 12345;
  for (int l = 0; l < 4; l++)
    for (int i = 0; i < 1700; i++) data[l][i] = (uint8_t)(lcg(&seed) >> 24);
  size_t hint = vk_sha1_lanes();
  /* the lanes give what the sibling's one-state SHA-1 gives, 1..4 lanes, 0..26 blocks */
  for (size_t lanes = 1; lanes <= 4; lanes++)
    for (size_t n = 0; n <= 26; n++) {
      uint32_t a[4][5], b[4][5], *ha[4];
      const uint8_t *pa[4];
      for (int l = 0; l < 4; l++) {
        for (int j = 0; j < 5; j++) a[l][j] = b[l][j] = lcg(&seed);
        ha[l] = a[l];
        pa[l] = data[l] + l;
      }
      vk_sha1_compress_lanes(ha, pa, n, lanes, hint);
      for (size_t l = 0; l < lanes; l++) {
        vk_sha1_compress(b[l], data[l] + l, n);
        if (memcmp(a[l], b[l], sizeof a[l]) != 0) { printf("FAIL sha1 lanes %zu blocks %zu lane %zu\n", lanes, n, l); failures++; }
      }
    }
  /* HMAC lanes (own key per lane, lengths giving one, two or three final
   * blocks, b longer than a block on some) against vk_hmac_sha1 */
  vk_hmac *h[4];
  for (int l = 0; l < 4; l++) {
    uint8_t k[20];
    for (int i = 0; i < 20; i++) k[i] = (uint8_t)(lcg(&seed) >> 24);
    vk_hmac_new(&h[l]);
    vk_hmac_setkey(h[l], k, sizeof k);
  }
  for (int it = 0; it < 3000; it++) {
    size_t lanes = 1 + lcg(&seed) % 4, a_len[4], b_len[4];
    const uint8_t *a[4], *b[4];
    uint8_t out[4][20], want[20];
    for (size_t l = 0; l < lanes; l++) {
      a_len[l] = it < 200 ? (size_t)it + l : lcg(&seed) % 1500;
      uint32_t r = lcg(&seed) % 8;
      b_len[l] = r < 5 ? 4 : r == 5 ? 0 : r == 6 ? lcg(&seed) % 64 : 64 + lcg(&seed) % 40;
      a[l] = data[l] + lcg(&seed) % 64;
      b[l] = data[(l + 1) % 4] + lcg(&seed) % 64;
    }
    vk_hmac_sha1_lanes(h, a, a_len, b, b_len, out, lanes);
    for (size_t l = 0; l < lanes; l++) {
      vk_hmac_sha1(h[l], a[l], a_len[l], b[l], b_len[l], want);
      if (memcmp(out[l], want, 20) != 0) {
        printf("FAIL hmac lanes it %d lane %zu a %zu b %zu\n", it, l, a_len[l], b_len[l]);
        failures++;
      }
    }
  }
  for (int l = 0; l < 4; l++) vk_hmac_free(h[l]);

  check_batch(&seed, 0, 0);
  check_batch(&seed, VK_SRTP_F_RTP_UNENCRYPTED, 0);
  check_batch(&seed, 0, 4);
}

int main(void) {
  check_long_inputs();
  check_lanes();
  uint8_t key[32], pt[16], z[16] = {0}, o[64];
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)i;
  for (int i = 0; i < 16; i++) pt[i] = (uint8_t)(i * 0x11);
  vk_aes_ctr *c;
  vk_aes_ctr_new(&c);
  vk_aes_ctr_setkey(c, key, 16);
  vk_aes_ctr_xor(c, pt, z, o, 16);
  expect_hex("FIPS-197 C.1", o, "69c4e0d86a7b0430d8cdb78070b4c55a");
  vk_aes_ctr_setkey(c, key, 24);
  vk_aes_ctr_xor(c, pt, z, o, 16);
  expect_hex("FIPS-197 C.2", o, "dda97ca4864cdfe06eaf70a0ec0d7191");
  vk_aes_ctr_setkey(c, key, 32);
  vk_aes_ctr_xor(c, pt, z, o, 16);
  expect_hex("FIPS-197 C.3", o, "8ea2b7ca516745bfeafc49904b496089");
  if (vk_aes_ctr_setkey(c, key, 17) != VK_ERR_ARG) { printf("FAIL bad key length accepted\n"); failures++; }
  vk_aes_ctr_free(c);

  vk_hmac *h;
  uint8_t k20[20], d[20];
  memset(k20, 0x0b, 20);
  vk_hmac_new(&h);
  vk_hmac_setkey(h, k20, 20);
  vk_hmac_sha1(h, (const uint8_t *)"Hi ", 3, (const uint8_t *)"There", 5, d);
  expect_hex("RFC 2202 HMAC-SHA1 1", d, "b617318655057264e28bc0b6fb378c8ef146be00");
  {
    /* RFC 2202 tests 6 and 7: an 80-byte key (hashed first) and 54- / 73-byte
     * data; test 7's data split as a || b at every point (b longer than a
     * block at the first splits) gives the same tag */
    uint8_t kaa[80];
    memset(kaa, 0xaa, sizeof kaa);
    const char *t6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    const char *t7 = "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
    vk_hmac_setkey(h, kaa, sizeof kaa);
    vk_hmac_sha1(h, (const uint8_t *)t6, strlen(t6), NULL, 0, d);
    expect_hex("RFC 2202 HMAC-SHA1 6", d, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    size_t n7 = strlen(t7);
    for (size_t cut = 0; cut <= n7; cut++) {
      char what[48];
      snprintf(what, sizeof what, "RFC 2202 HMAC-SHA1 7 split %zu", cut);
      memset(d, 0, sizeof d);
      vk_hmac_sha1(h, (const uint8_t *)t7, cut, (const uint8_t *)t7 + cut, n7 - cut, d);
      expect_hex(what, d, "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
    }
  }
  vk_hmac_free(h);

  vk_gcm *g;
  uint8_t k0[16] = {0}, iv[12] = {0}, tag[16], p0[16] = {0}, c0[16];
  vk_gcm_new(&g);
  vk_gcm_setkey(g, k0, 16);
  vk_gcm_seal(g, iv, NULL, 0, NULL, 0, p0, c0, 16, tag, 16);
  expect_hex("GCM test case 2 ciphertext", c0, "0388dace60b6a392f328c2b971b2fe78");
  expect_hex("GCM test case 2 tag", tag, "ab6e47d42cec13bdf53a67b21257bddf");
  if (vk_gcm_open(g, iv, NULL, 0, NULL, 0, c0, o, 16, tag, 16) != VK_OK) { printf("FAIL gcm open\n"); failures++; }
  tag[3] ^= 1;
  if (vk_gcm_open(g, iv, NULL, 0, NULL, 0, c0, o, 16, tag, 16) != VK_ERR_AUTH_FAIL) { printf("FAIL gcm forged\n"); failures++; }
  vk_gcm_free(g);

  /* libsrtp srtp_driver known answer, then round trip and replay. */
  vk_srtp_config cfg = {0};
  cfg.profile = VK_SRTP_AES_CM_128_HMAC_SHA1_80;
  uint8_t mk[16], ms[14], pkt[64], out[64];
  unhex("e1f97a0d3e018be0d64fa32c06de4139", mk, 16);
  unhex("0ec675ad498afeebb6960b3aabe6", ms, 14);
  unhex("800f1234decafbadcafebabeabababababababababababababababab", pkt, 28);
  vk_srtp *tx, *rx;
  if (vk_srtp_create(&cfg, mk, 16, ms, 14, NULL, &tx) != VK_OK || vk_srtp_create(&cfg, mk, 16, ms, 14, NULL, &rx) != VK_OK) {
    printf("FAIL create\n");
    return 1;
  }
  int32_t n = vk_srtp_protect_rtp(tx, pkt, 28, out, sizeof out);
  if (n != 38) { printf("FAIL protect length %d\n", n); failures++; }
  expect_hex("libsrtp KAT", out, "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
  n = vk_srtp_unprotect_rtp(rx, out, 38, out, sizeof out);
  if (n != 28 || memcmp(out, pkt, 28) != 0) { printf("FAIL unprotect in place\n"); failures++; }
  vk_srtp_protect_rtp(tx, pkt, 28, out, sizeof out); /* same seq again: same bytes */
  if (vk_srtp_unprotect_rtp(rx, out, 38, o, sizeof o) != VK_ERR_REPLAY_DUPLICATE) { printf("FAIL replay\n"); failures++; }
  /* RFC 7714 16.1.1 (SRTP) and 17.1 (SRTCP) with session keys: GCM with
   * the two-part AAD, through whichever sibling this binary links. */
  {
    vk_srtp_config g = {0};
    g.profile = VK_SRTP_AEAD_AES_128_GCM;
    g.flags = VK_SRTP_F_SESSION_KEYS;
    uint8_t k[16], sl[12], p1[64], p2[64], o1[128];
    unhex("000102030405060708090a0b0c0d0e0f", k, 16);
    unhex("517569642070726f2071756f", sl, 12);
    vk_srtp *gs;
    if (vk_srtp_create(&g, k, 16, sl, 12, NULL, &gs) != VK_OK) { printf("FAIL gcm create\n"); return 1; }
    unhex("8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573", p1, 50);
    if (vk_srtp_protect_rtp(gs, p1, 50, o1, sizeof o1) != 66) { printf("FAIL gcm protect length\n"); failures++; }
    expect_hex("RFC 7714 16.1.1", o1, "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce");
    unhex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef", p2, 52);
    vk_srtp_set_rtcp_index(gs, 0x4d617273, 1492);
    if (vk_srtp_protect_rtcp(gs, p2, 52, o1, sizeof o1) != 72) { printf("FAIL gcm rtcp length\n"); failures++; }
    expect_hex("RFC 7714 17.1", o1, "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
    vk_srtp_destroy(gs);
  }
  cfg.profile = 99;
  if (vk_srtp_create(&cfg, mk, 16, ms, 14, NULL, &tx) != VK_ERR_ARG) { printf("FAIL bad profile\n"); failures++; }
  vk_srtp_destroy(tx);
  vk_srtp_destroy(rx);
  printf(failures ? "%d failures\n" : "ok\n", failures);
  return failures != 0;
}
