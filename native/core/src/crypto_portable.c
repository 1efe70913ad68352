/*
 * Portable constant-time crypto backend (the WASM build).
 *
 * AES: bitsliced, no lookup tables.  Four blocks are processed together in
 * eight 64-bit words, word b holding bit b of all 64 state bytes; bit
 * position 16*row + 4*column + block, so that ShiftRows is a rotation inside
 * each 16-bit row field and the row rotations of MixColumns are 64-bit
 * rotations.  Each word is a vector of two such 64-bit lanes (eight blocks
 * per pass): every operation is lane-wise, so the WASM build's 128-bit SIMD
 * (i64x2 / v128 and, xor, shifts) does two groups of four blocks for the
 * price of one, and compilers without SIMD split it into two 64-bit halves.  SubBytes computes the field inverse in the tower field
 * GF((2^4)^2) with bitsliced GF(16) multiplications, then the affine map of
 * FIPS-197 5.1.1: every step is a fixed sequence of AND / XOR on whole
 * words, so timing does not depend on data or key.
 *
 * GHASH: the bit-serial multiplication of SP 800-38D Algorithm 1 with
 * masks instead of branches.  SHA-1: FIPS 180-4's compression function,
 * branch-free by nature (padding and HMAC are in hmac.c, shared with the
 * native build).
 */
#include "crypto.h"
#include "aes_sbox_tower.h"
#include <stdlib.h>
#include <string.h>

/* ---- bitsliced AES ------------------------------------------------------ */

/* Two 64-bit lanes; alignment 8 so that heap structures from any malloc do. */
typedef uint64_t bsw __attribute__((vector_size(16), aligned(8)));
#define BS_BLOCKS 8 /* blocks per pass: 4 per lane */

#define SWAPMOVE(a, b, m, n)              \
  do {                                    \
    bsw t_ = (((a) >> (n)) ^ (b)) & (m);  \
    (b) ^= t_;                            \
    (a) ^= t_ << (n);                     \
  } while (0)

/* 8x8 bit transpose inside each byte column: after it, x[b] bit (8k + w)
 * is bit b of byte k of the former x[w].  Its own inverse. */
static void ortho(bsw x[8]) {
  SWAPMOVE(x[0], x[1], 0x5555555555555555ull, 1);
  SWAPMOVE(x[2], x[3], 0x5555555555555555ull, 1);
  SWAPMOVE(x[4], x[5], 0x5555555555555555ull, 1);
  SWAPMOVE(x[6], x[7], 0x5555555555555555ull, 1);
  SWAPMOVE(x[0], x[2], 0x3333333333333333ull, 2);
  SWAPMOVE(x[1], x[3], 0x3333333333333333ull, 2);
  SWAPMOVE(x[4], x[6], 0x3333333333333333ull, 2);
  SWAPMOVE(x[5], x[7], 0x3333333333333333ull, 2);
  SWAPMOVE(x[0], x[4], 0x0f0f0f0f0f0f0f0full, 4);
  SWAPMOVE(x[1], x[5], 0x0f0f0f0f0f0f0f0full, 4);
  SWAPMOVE(x[2], x[6], 0x0f0f0f0f0f0f0f0full, 4);
  SWAPMOVE(x[3], x[7], 0x0f0f0f0f0f0f0f0full, 4);
}

static inline uint64_t spread32(uint32_t v) { /* byte i -> byte 2i */
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000ffff0000ffffull;
  x = (x | (x << 8)) & 0x00ff00ff00ff00ffull;
  return x;
}

static inline uint32_t gather32(uint64_t x) { /* byte 2i -> byte i */
  x &= 0x00ff00ff00ff00ffull;
  x = (x | (x >> 8)) & 0x0000ffff0000ffffull;
  x = (x | (x >> 16)) & 0x00000000ffffffffull;
  return (uint32_t)x;
}

static inline uint32_t ld32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void st32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* Word w = 4*p + B gathers block B's columns p and p+2, interleaved byte by
 * byte (byte 2r: row r of column p; byte 2r+1: row r of column p+2), so
 * that after ortho() byte (row r, column c, block B) sits at bit
 * 16r + 4c + B. */
static void bs_load(bsw q[8], const uint8_t in[16 * BS_BLOCKS]) {
  for (int w = 0; w < 8; w++) {
    int p = w >> 2;
    uint64_t lane[2];
    for (int l = 0; l < 2; l++) {
      const uint8_t *blk = in + 64 * l + 16 * (w & 3);
      lane[l] = spread32(ld32(blk + 4 * p)) | (spread32(ld32(blk + 4 * p + 8)) << 8);
    }
    q[w] = (bsw){lane[0], lane[1]};
  }
  ortho(q);
}

static void bs_store(uint8_t out[16 * BS_BLOCKS], bsw q[8]) {
  ortho(q);
  for (int w = 0; w < 8; w++) {
    int p = w >> 2;
    for (int l = 0; l < 2; l++) {
      uint8_t *blk = out + 64 * l + 16 * (w & 3);
      uint64_t x = q[w][l];
      st32(blk + 4 * p, gather32(x));
      st32(blk + 4 * p + 8, gather32(x >> 8));
    }
  }
}

/* Bitsliced GF(2^8) arithmetic modulo x^8 + x^4 + x^3 + x + 1.  Plane i
 * holds the coefficient of x^i of 64 field elements. */

/* 4x4-bit schoolbook product: p[0..6] = a * b (no reduction). */
static inline void mul4(bsw p[7], const bsw a[4], const bsw b[4]) {
  p[0] = a[0] & b[0];
  p[1] = (a[0] & b[1]) ^ (a[1] & b[0]);
  p[2] = (a[0] & b[2]) ^ (a[1] & b[1]) ^ (a[2] & b[0]);
  p[3] = (a[0] & b[3]) ^ (a[1] & b[2]) ^ (a[2] & b[1]) ^ (a[3] & b[0]);
  p[4] = (a[1] & b[3]) ^ (a[2] & b[2]) ^ (a[3] & b[1]);
  p[5] = (a[2] & b[3]) ^ (a[3] & b[2]);
  p[6] = a[3] & b[3];
}

/* GF(16) = GF(2)[y]/(y^4 + y + 1): r = a * b (y^4 = y + 1, y^5 = y^2 + y,
 * y^6 = y^3 + y^2). */
static inline void g16_mul(bsw r[4], const bsw a[4], const bsw b[4]) {
  bsw p[7];
  mul4(p, a, b);
  r[0] = p[0] ^ p[4];
  r[1] = p[1] ^ p[4] ^ p[5];
  r[2] = p[2] ^ p[5] ^ p[6];
  r[3] = p[3] ^ p[6];
}

/* SubBytes on all 64 bytes, in the tower field GF((2^4)^2) (see
 * tools/gen_aes_sbox_tower.py, which checks this circuit against the S-box
 * for every input): map to the tower basis; for a = a1 z + a0 the inverse is
 * (a1 z + (a0 + a1)) / d with d = L a1^2 + a1 a0 + a0^2 and d^-1 = d^14 in
 * GF(16); map back merged with the affine matrix; add 0x63.  Five GF(16)
 * multiplications and fixed XOR networks: no tables, no branches. */
static void bs_sbox(bsw q[8]) {
  bsw t[8], r[8], o[8], x[4], y[4], d[4], d2[4], d4[4], d8[4], d6[4], e[4], sum[4];
  SBOX_IN(t, q);
  const bsw *a0 = t, *a1 = t + 4;
  G16_LSQ(x, a1);
  G16_SQ(y, a0);
  g16_mul(d, a1, a0);
  for (int i = 0; i < 4; i++) d[i] ^= x[i] ^ y[i];
  G16_SQ(d2, d);
  G16_SQ(d4, d2);
  G16_SQ(d8, d4);
  g16_mul(d6, d2, d4);
  g16_mul(e, d6, d8); /* d^14 = d^-1 (0 -> 0) */
  g16_mul(r + 4, a1, e);
  for (int i = 0; i < 4; i++) sum[i] = a0[i] ^ a1[i];
  g16_mul(r, sum, e);
  SBOX_OUT(o, r);
  /* constant 0x63: bits 0, 1, 5, 6 */
  q[0] = ~o[0];
  q[1] = ~o[1];
  q[2] = o[2];
  q[3] = o[3];
  q[4] = o[4];
  q[5] = ~o[5];
  q[6] = ~o[6];
  q[7] = o[7];
}

static inline bsw shift_rows1(bsw x) {
  return (x & 0x000000000000ffffull) |
         ((x & 0x00000000fff00000ull) >> 4) | ((x & 0x00000000000f0000ull) << 12) |
         ((x & 0x0000ff0000000000ull) >> 8) | ((x & 0x000000ff00000000ull) << 8) |
         ((x & 0xf000000000000000ull) >> 12) | ((x & 0x0fff000000000000ull) << 4);
}

static inline bsw rotr64(bsw x, int n) { return (x >> n) | (x << (64 - n)); }

static void bs_shift_rows(bsw q[8]) {
  for (int i = 0; i < 8; i++) q[i] = shift_rows1(q[i]);
}

static void bs_mix_columns(bsw a[8]) {
  bsw r1[8], t[8];
  for (int i = 0; i < 8; i++) {
    r1[i] = rotr64(a[i], 16);
    t[i] = a[i] ^ r1[i];
  }
  /* out = xtime(t) ^ rot1(a) ^ rot2(t) */
  bsw x[8];
  x[0] = t[7];
  x[1] = t[0] ^ t[7];
  x[2] = t[1];
  x[3] = t[2] ^ t[7];
  x[4] = t[3] ^ t[7];
  x[5] = t[4];
  x[6] = t[5];
  x[7] = t[6];
  for (int i = 0; i < 8; i++) a[i] = x[i] ^ r1[i] ^ rotr64(t[i], 32);
}

typedef struct aes_key {
  int rounds;
  bsw rk[15][8]; /* bitsliced round keys, replicated in the 8 slots */
} aes_key;

/* One S-box lookup for the key schedule, through the same circuit. */
static uint8_t sbox_ct(uint8_t v) {
  bsw q[8];
  for (int i = 0; i < 8; i++) q[i] = (bsw){(uint64_t)((v >> i) & 1), 0};
  bs_sbox(q);
  uint8_t r = 0;
  for (int i = 0; i < 8; i++) r |= (uint8_t)((q[i][0] & 1) << i);
  return r;
}

static int aes_setkey(aes_key *k, const uint8_t *key, size_t key_len) {
  int nk;
  if (key_len == 16) nk = 4;
  else if (key_len == 24) nk = 6;
  else if (key_len == 32) nk = 8;
  else return VK_ERR_ARG;
  int nr = nk + 6;
  uint8_t w[60][4];
  uint8_t rcon = 1;
  for (int i = 0; i < nk; i++) memcpy(w[i], key + 4 * i, 4);
  for (int i = nk; i < 4 * (nr + 1); i++) {
    uint8_t t[4];
    memcpy(t, w[i - 1], 4);
    if (i % nk == 0) {
      uint8_t t0 = t[0];
      t[0] = (uint8_t)(sbox_ct(t[1]) ^ rcon);
      t[1] = sbox_ct(t[2]);
      t[2] = sbox_ct(t[3]);
      t[3] = sbox_ct(t0);
      rcon = (uint8_t)((rcon << 1) ^ (0x1b & -(rcon >> 7)));
    } else if (nk > 6 && i % nk == 4) {
      for (int j = 0; j < 4; j++) t[j] = sbox_ct(t[j]);
    }
    for (int j = 0; j < 4; j++) w[i][j] = (uint8_t)(w[i - nk][j] ^ t[j]);
  }
  k->rounds = nr;
  uint8_t rep[16 * BS_BLOCKS];
  for (int r = 0; r <= nr; r++) {
    for (int b = 0; b < BS_BLOCKS; b++) memcpy(rep + 16 * b, w[4 * r], 16);
    bs_load(k->rk[r], rep);
  }
  vk_wipe(w, sizeof w);
  vk_wipe(rep, sizeof rep);
  return VK_OK;
}

/* Encrypt eight blocks in[0..127] -> out (may alias). */
static void aes_encrypt8(const aes_key *k, const uint8_t in[16 * BS_BLOCKS], uint8_t out[16 * BS_BLOCKS]) {
  bsw q[8];
  bs_load(q, in);
  for (int i = 0; i < 8; i++) q[i] ^= k->rk[0][i];
  for (int r = 1; r < k->rounds; r++) {
    bs_sbox(q);
    bs_shift_rows(q);
    bs_mix_columns(q);
    for (int i = 0; i < 8; i++) q[i] ^= k->rk[r][i];
  }
  bs_sbox(q);
  bs_shift_rows(q);
  for (int i = 0; i < 8; i++) q[i] ^= k->rk[k->rounds][i];
  bs_store(out, q);
}

static void aes_encrypt1(const aes_key *k, const uint8_t in[16], uint8_t out[16]) {
  uint8_t b[16 * BS_BLOCKS];
  memset(b, 0, sizeof b);
  memcpy(b, in, 16);
  aes_encrypt8(k, b, b);
  memcpy(out, b, 16);
}

/* CTR over the counter block ctr (last 32 bits increment). */
static void ctr_xor(const aes_key *k, const uint8_t ctr[16], uint32_t n, const uint8_t *in, uint8_t *out, size_t len) {
  uint8_t blk[16 * BS_BLOCKS];
  while (len > 0) {
    /* only the blocks this chunk needs get counters; the rest stay zero */
    size_t chunk = len < sizeof blk ? len : sizeof blk;
    int nb = (int)((chunk + 15) / 16);
    memset(blk + 16 * nb, 0, sizeof blk - 16 * (size_t)nb);
    for (int b = 0; b < nb; b++, n++) {
      uint8_t *p = blk + 16 * b;
      memcpy(p, ctr, 12);
      p[12] = (uint8_t)(n >> 24); p[13] = (uint8_t)(n >> 16); p[14] = (uint8_t)(n >> 8); p[15] = (uint8_t)n;
    }
    aes_encrypt8(k, blk, blk);
    for (size_t i = 0; i < chunk; i++) out[i] = (uint8_t)(in[i] ^ blk[i]);
    in += chunk;
    out += chunk;
    len -= chunk;
  }
}

struct vk_aes_ctr {
  aes_key key;
  int keyed;
};

int32_t vk_aes_ctr_new(vk_aes_ctr **out) {
  vk_aes_ctr *c = (vk_aes_ctr *)calloc(1, sizeof *c);
  if (!c) return VK_ERR_NOMEM;
  *out = c;
  return VK_OK;
}

int32_t vk_aes_ctr_setkey(vk_aes_ctr *c, const uint8_t *key, size_t key_len) {
  int32_t r = aes_setkey(&c->key, key, key_len);
  c->keyed = r == VK_OK;
  return r;
}

int32_t vk_aes_ctr_xor(vk_aes_ctr *c, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
  if (!c->keyed) return VK_ERR_STATE;
  uint32_t n = ((uint32_t)ctr[12] << 24) | ((uint32_t)ctr[13] << 16) | ((uint32_t)ctr[14] << 8) | ctr[15];
  ctr_xor(&c->key, ctr, n, in, out, len);
  return VK_OK;
}

void vk_aes_ctr_free(vk_aes_ctr *c) {
  if (!c) return;
  vk_wipe(c, sizeof *c);
  free(c);
}

/* ---- GCM ----------------------------------------------------------------- */

struct vk_gcm {
  aes_key key;
  uint64_t hh, hl; /* H as two big-endian halves */
  int keyed;
};

static inline uint64_t ld64be(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  return v;
}
static inline void st64be(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)v; v >>= 8; }
}

/* (zh,zl) = (xh,xl) * H in GF(2^128), GCM bit order, constant time. */
static void gf128_mul(uint64_t *xh, uint64_t *xl, uint64_t hh, uint64_t hl) {
  uint64_t zh = 0, zl = 0, vh = hh, vl = hl;
  uint64_t a = *xh, b = *xl;
  for (int i = 0; i < 128; i++) {
    uint64_t bit = i < 64 ? (a >> (63 - i)) & 1 : (b >> (127 - i)) & 1;
    uint64_t m = (uint64_t)0 - bit;
    zh ^= vh & m;
    zl ^= vl & m;
    uint64_t lsb = (uint64_t)0 - (vl & 1);
    vl = (vl >> 1) | (vh << 63);
    vh = (vh >> 1) ^ (0xe100000000000000ull & lsb);
  }
  *xh = zh;
  *xl = zl;
}

/* Streaming GHASH: blocks are absorbed as they fill, so that several
 * calls hash their concatenation; ghash_pad() zero-pads the last block. */
typedef struct ghash {
  uint64_t yh, yl;
  uint8_t buf[16];
  size_t fill;
} ghash;

static void ghash_block(const vk_gcm *g, ghash *st, const uint8_t *b) {
  st->yh ^= ld64be(b);
  st->yl ^= ld64be(b + 8);
  gf128_mul(&st->yh, &st->yl, g->hh, g->hl);
}

static void ghash_update(const vk_gcm *g, ghash *st, const uint8_t *p, size_t len) {
  if (!len) return;
  if (st->fill) {
    size_t take = 16 - st->fill < len ? 16 - st->fill : len;
    memcpy(st->buf + st->fill, p, take);
    st->fill += take; p += take; len -= take;
    if (st->fill < 16) return;
    ghash_block(g, st, st->buf);
    st->fill = 0;
  }
  while (len >= 16) { ghash_block(g, st, p); p += 16; len -= 16; }
  if (len) { memcpy(st->buf, p, len); st->fill = len; }
}

static void ghash_pad(const vk_gcm *g, ghash *st) {
  if (!st->fill) return;
  memset(st->buf + st->fill, 0, 16 - st->fill);
  ghash_block(g, st, st->buf);
  st->fill = 0;
}

int32_t vk_gcm_new(vk_gcm **out) {
  vk_gcm *g = (vk_gcm *)calloc(1, sizeof *g);
  if (!g) return VK_ERR_NOMEM;
  *out = g;
  return VK_OK;
}

int32_t vk_gcm_setkey(vk_gcm *g, const uint8_t *key, size_t key_len) {
  int32_t r = aes_setkey(&g->key, key, key_len);
  if (r != VK_OK) { g->keyed = 0; return r; }
  uint8_t h[16] = {0};
  aes_encrypt1(&g->key, h, h);
  g->hh = ld64be(h);
  g->hl = ld64be(h + 8);
  vk_wipe(h, sizeof h);
  g->keyed = 1;
  return VK_OK;
}

/* Tag over aad and the ciphertext c; E(J0) is mixed in. */
static void gcm_tag(const vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *c, size_t len, uint8_t tag[16]) {
  ghash st;
  memset(&st, 0, sizeof st);
  ghash_update(g, &st, aad, aad_len);
  ghash_update(g, &st, aad2, aad2_len);
  ghash_pad(g, &st);
  ghash_update(g, &st, c, len);
  ghash_pad(g, &st);
  uint64_t yh = st.yh ^ ((uint64_t)(aad_len + aad2_len) * 8), yl = st.yl ^ ((uint64_t)len * 8);
  gf128_mul(&yh, &yl, g->hh, g->hl);
  uint8_t j0[16], s[16];
  memcpy(j0, iv, 12);
  j0[12] = 0; j0[13] = 0; j0[14] = 0; j0[15] = 1;
  aes_encrypt1(&g->key, j0, s);
  st64be(tag, yh ^ ld64be(s));
  st64be(tag + 8, yl ^ ld64be(s + 8));
}

int32_t vk_gcm_seal(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len) {
  if (!g->keyed) return VK_ERR_STATE;
  uint8_t ctr[16];
  memcpy(ctr, iv, 12);
  ctr_xor(&g->key, ctr, 2, in, out, len);
  uint8_t full[16];
  gcm_tag(g, iv, aad, aad_len, aad2, aad2_len, out, len, full);
  memcpy(tag, full, tag_len);
  return VK_OK;
}

int32_t vk_gcm_open(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out, size_t len, const uint8_t *tag, size_t tag_len) {
  if (!g->keyed) return VK_ERR_STATE;
  uint8_t full[16];
  gcm_tag(g, iv, aad, aad_len, aad2, aad2_len, in, len, full);
  if (vk_ct_differ(full, tag, tag_len)) return VK_ERR_AUTH_FAIL;
  uint8_t ctr[16];
  memcpy(ctr, iv, 12);
  ctr_xor(&g->key, ctr, 2, in, out, len);
  return VK_OK;
}

void vk_gcm_free(vk_gcm *g) {
  if (!g) return;
  vk_wipe(g, sizeof *g);
  free(g);
}

/* ---- SHA-1 ------------------------------------------------------------ */

static inline uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const uint8_t *p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++)
    w[i] = ((uint32_t)p[4 * i] << 24) | ((uint32_t)p[4 * i + 1] << 16) | ((uint32_t)p[4 * i + 2] << 8) | p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], t;
  /* four loops of 20 rounds: no per-round branch on the round number */
#define SHA1_ROUND(f, k, i) \
  t = rol(a, 5) + (f) + e + (k) + w[i]; e = d; d = c; c = rol(b, 30); b = a; a = t
  for (int i = 0; i < 20; i++) { SHA1_ROUND((b & c) | (~b & d), 0x5a827999u, i); }
  for (int i = 20; i < 40; i++) { SHA1_ROUND(b ^ c ^ d, 0x6ed9eba1u, i); }
  for (int i = 40; i < 60; i++) { SHA1_ROUND((b & c) | (b & d) | (c & d), 0x8f1bbcdcu, i); }
  for (int i = 60; i < 80; i++) { SHA1_ROUND(b ^ c ^ d, 0xca62c1d6u, i); }
#undef SHA1_ROUND
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

/* The compression function for hmac.c (which does padding and HMAC). */
void vk_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t n) {
  for (size_t i = 0; i < n; i++) sha1_block(h, blocks + 64 * i);
}

/* No multi-lane SHA-1 here: lane by lane (crypto.h). */
size_t vk_sha1_lanes(void) { return 1; }

void vk_sha1_compress_lanes(uint32_t *const h[], const uint8_t *const p[], size_t n, size_t lanes, size_t hint) {
  (void)hint;
  for (size_t l = 0; l < lanes; l++) vk_sha1_compress(h[l], p[l], n);
}
