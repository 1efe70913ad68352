/*
 * Portable constant-time crypto backend (the WASM build).
 *
 * AES: bitsliced, no lookup tables.  Eight blocks are processed together in
 * eight 128-bit words: word i holds bit i of every state byte of the eight
 * blocks, byte j of the word standing for state byte j (column-major, as in
 * FIPS-197) and bit b of that byte for block b.  Loading is a plain 8 x 8
 * bit transpose inside each byte position; ShiftRows and the row rotations
 * of MixColumns move whole bytes, so each is one byte shuffle per word (one
 * i8x16.shuffle in the WASM build, built with -msimd128; compilers for
 * other targets lower the same vector code to their own SIMD or to plain
 * 64-bit halves).  SubBytes computes the field inverse in the tower field
 * GF((2^4)^2) with bitsliced GF(16) arithmetic, then the affine map of
 * FIPS-197 5.1.1: every step is a fixed sequence of AND / XOR on whole
 * words and fixed shuffles, so timing depends on neither data nor key.
 *
 * GHASH: carry-less products from 64-bit integer multiplications of
 * masked operands (no tables), four blocks per reduction; see the GCM part.
 *
 * SHA-1: FIPS 180-4's compression function, unrolled, branch-free by nature
 * (padding and HMAC are in hmac.c, shared with the native build).
 */
#include "crypto.h"
#include "aes_sbox_tower.h"
#include <stdlib.h>
#include <string.h>

/* ---- bitsliced AES ------------------------------------------------------ */

/* A 128-bit word, seen as two 64-bit lanes for the bitwise steps and as 16
 * bytes for the shuffles; alignment 8 so that heap structures from any
 * malloc do. */
typedef uint64_t bsw __attribute__((vector_size(16), aligned(8)));
typedef uint8_t bsb __attribute__((vector_size(16), aligned(8)));
#define BS_BLOCKS 8 /* blocks per pass */

#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)
#define BYTE_SHUFFLE(x, ...) ((bsw)__builtin_shufflevector((bsb)(x), (bsb)(x), __VA_ARGS__))
#else
#define BYTE_SHUFFLE(x, ...) ((bsw)__builtin_shuffle((bsb)(x), (bsb){__VA_ARGS__}))
#endif

#define SWAPMOVE(a, b, m, n)              \
  do {                                    \
    bsw t_ = (((a) >> (n)) ^ (b)) & (m);  \
    (b) ^= t_;                            \
    (a) ^= t_ << (n);                     \
  } while (0)

/* 8x8 bit transpose inside each byte position: after it, bit b of byte k of
 * x[i] is bit i of byte k of the former x[b].  Its own inverse. */
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

/* Block b is word b as loaded; the transpose makes word i the bit plane i. */
static void bs_load(bsw q[8], const uint8_t in[16 * BS_BLOCKS]) {
  for (int b = 0; b < 8; b++) memcpy(&q[b], in + 16 * b, 16);
  ortho(q);
}

static void bs_store(uint8_t out[16 * BS_BLOCKS], bsw q[8]) {
  ortho(q);
  for (int b = 0; b < 8; b++) memcpy(out + 16 * b, &q[b], 16);
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

/* GF(16) inverse (0 -> 0), straight from the algebraic normal form of
 * d -> d^14 (tools/gen_aes_sbox_tower.py checks this formula inside the
 * whole S-box circuit): ten ANDs and the XORs of the monomials, instead of
 * three squarings and two multiplications. */
static inline void g16_inv(bsw e[4], const bsw d[4]) {
  bsw p01 = d[0] & d[1], p02 = d[0] & d[2], p12 = d[1] & d[2];
  bsw p03 = d[0] & d[3], p13 = d[1] & d[3], p23 = d[2] & d[3];
  bsw p012 = p01 & d[2], p123 = p12 & d[3], p013 = p01 & d[3], p023 = p02 & d[3];
  bsw t23 = d[2] ^ d[3], q = p01 ^ p02;
  e[0] = d[0] ^ d[1] ^ t23 ^ p02 ^ p12 ^ p012 ^ p123;
  e[1] = q ^ p12 ^ d[3] ^ p13 ^ p013;
  e[2] = q ^ t23 ^ p03 ^ p023;
  e[3] = d[1] ^ t23 ^ p03 ^ p13 ^ p23 ^ p123;
}

/* SubBytes without its constant 0x63 (which the caller adds, or which the
 * round keys carry: see aes_setkey), on all 128 state bytes, in the tower
 * field GF((2^4)^2) (see tools/gen_aes_sbox_tower.py, which checks this
 * circuit against the S-box for every input): map to the tower basis; for
 * a = a1 z + a0 the inverse is (a1 z + (a0 + a1)) / d with
 * d = L a1^2 + a1 a0 + a0^2; map back merged with the affine matrix.  Three
 * GF(16) multiplications, one GF(16) inversion and fixed XOR networks: no
 * tables, no branches. */
static void bs_sbox_lin(bsw q[8]) {
  bsw t[8], r[8], x[4], y[4], d[4], e[4], sum[4];
  SBOX_IN(t, q);
  const bsw *a0 = t, *a1 = t + 4;
  G16_LSQ(x, a1);
  G16_SQ(y, a0);
  g16_mul(d, a1, a0);
  for (int i = 0; i < 4; i++) d[i] ^= x[i] ^ y[i];
  g16_inv(e, d);
  g16_mul(r + 4, a1, e);
  for (int i = 0; i < 4; i++) sum[i] = a0[i] ^ a1[i];
  g16_mul(r, sum, e);
  SBOX_OUT(q, r);
}

/* The constant 0x63 of the S-box: bits 0, 1, 5, 6. */
static inline void add_63(bsw q[8]) {
  q[0] = ~q[0];
  q[1] = ~q[1];
  q[5] = ~q[5];
  q[6] = ~q[6];
}

/* ShiftRows: state byte (row r, column c), at 4c + r, takes the byte of
 * (r, c + r mod 4). */
static void bs_shift_rows(bsw q[8]) {
  for (int i = 0; i < 8; i++) q[i] = BYTE_SHUFFLE(q[i], 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11);
}

/* Within each column: row r takes row r + 1 (rot1) or r + 2 (rot2). */
static inline bsw rot1(bsw x) { return BYTE_SHUFFLE(x, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12); }
static inline bsw rot2(bsw x) { return BYTE_SHUFFLE(x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13); }

static void bs_mix_columns(bsw a[8]) {
  bsw r1[8], t[8];
  for (int i = 0; i < 8; i++) {
    r1[i] = rot1(a[i]);
    t[i] = a[i] ^ r1[i];
  }
  /* out = xtime(t) ^ rot1(a) ^ rot2(t) = 2a + 3 rot1(a) + rot2(a) + rot3(a) */
  bsw x[8];
  x[0] = t[7];
  x[1] = t[0] ^ t[7];
  x[2] = t[1];
  x[3] = t[2] ^ t[7];
  x[4] = t[3] ^ t[7];
  x[5] = t[4];
  x[6] = t[5];
  x[7] = t[6];
  for (int i = 0; i < 8; i++) a[i] = x[i] ^ r1[i] ^ rot2(t[i]);
}

typedef struct aes_key {
  int rounds;
  bsw rk[15][8]; /* bitsliced round keys, replicated in the 8 slots; from
                  * round 1 on with the S-box constant 0x63 added */
} aes_key;

/* One S-box lookup for the key schedule, through the same circuit. */
static uint8_t sbox_ct(uint8_t v) {
  bsw q[8];
  for (int i = 0; i < 8; i++) q[i] = (bsw){(uint64_t)((v >> i) & 1), 0};
  bs_sbox_lin(q);
  add_63(q);
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
    /* SubBytes' constant goes into the next round key: ShiftRows moves a
     * state of equal bytes nowhere and MixColumns maps it to itself
     * (2 + 3 + 1 + 1 = 1), so S(x) ^ c reaches the key addition as c. */
    if (r > 0) add_63(k->rk[r]);
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
    bs_sbox_lin(q);
    bs_shift_rows(q);
    bs_mix_columns(q);
    for (int i = 0; i < 8; i++) q[i] ^= k->rk[r][i];
  }
  bs_sbox_lin(q);
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

/* GHASH without tables and without branches or addresses that depend on
 * data: carry-less products from ordinary 64-bit integer multiplications.
 *
 * Carry-less 64 x 64 -> low 64 bits (bmul64): split both operands into four
 * "holey" parts, x_i = x & M_i where M_i keeps the bits at positions
 * i mod 4.  The integer product x_i * y_j has its terms only at positions
 * (i + j) mod 4, and at such a position k < 64 at most 16 terms meet (pairs
 * of positions 4 apart below k), and 16 only at k = 60 or above, where the
 * carry leaves the 64-bit word.  Below, each count c_k <= 15 occupies bits
 * k .. k+3 and stops short of the next position k+4 of its class, so bit k
 * of the integer product is c_k mod 2: the carry-less bit.  XOR the four
 * products of each class and keep that class's bits.
 *
 * The high 64 bits come from bit reversal: rev(x) (*) rev(y) holds bit
 * i + j of x (*) y at position 126 - i - j, so rev(bmul64(rev x, rev y)) >> 1
 * is the product's bits 64..126.  Every step is linear, so the reversed
 * products of several blocks are accumulated and reversed once.
 *
 * 128 x 128 by Karatsuba (three 64 x 64 products), and four blocks per
 * reduction with H, H^2, H^3, H^4 precomputed (the operands of H's side are
 * stored split into their four parts, plain and reversed):
 *   Y' = (Y + X1) H^4 + X2 H^3 + X3 H^2 + X4 H.
 *
 * Bit order: a block loaded big-endian as the 128-bit integer A holds the
 * coefficient of x^i at bit 127 - i (SP 800-38D's reflected order).  Then
 * A (*) B holds coefficient k of the product at bit 254 - k, and shifted
 * left by one, the 256-bit D = (d3 d2 d1 d0) holds the low half of the
 * polynomial in (d3 d2) and the high half (x^128 ..) in (d1 d0), both in
 * the same reflected order.  Reduction uses x^128 = 1 + x + x^2 + x^7, where
 * multiplying by x^j is a right shift by j: fold (d1 d0) shifted by 0, 1, 2
 * and 7 into (d3 d2); the bits shifted out below d0 (coefficients 128 .. 133)
 * are folded once more into d3.  Constant time as long as the CPU's 64-bit
 * multiply is (it is on 64-bit x86 and ARM; WASM engines map i64.mul to it). */

#define M0 0x1111111111111111ull
#define M1 0x2222222222222222ull
#define M2 0x4444444444444444ull
#define M3 0x8888888888888888ull

typedef struct clm_op { uint64_t p[4]; } clm_op; /* y & M0 .. y & M3 */

static inline clm_op clm_split(uint64_t y) {
  clm_op o = {{y & M0, y & M1, y & M2, y & M3}};
  return o;
}

/* Low 64 bits of the carry-less product x (*) y. */
static inline uint64_t bmul64(uint64_t x, const clm_op *y) {
  uint64_t x0 = x & M0, x1 = x & M1, x2 = x & M2, x3 = x & M3;
  const uint64_t y0 = y->p[0], y1 = y->p[1], y2 = y->p[2], y3 = y->p[3];
  uint64_t z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
  uint64_t z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
  uint64_t z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
  uint64_t z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
  return (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3);
}

static inline uint64_t bswap64(uint64_t x) {
  x = ((x >> 8) & 0x00ff00ff00ff00ffull) | ((x & 0x00ff00ff00ff00ffull) << 8);
  x = ((x >> 16) & 0x0000ffff0000ffffull) | ((x & 0x0000ffff0000ffffull) << 16);
  return (x >> 32) | (x << 32);
}

static inline uint64_t brev8(uint64_t x) { /* reverse the bits of each byte */
  x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
  x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
  return ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
}

static inline uint64_t rev64(uint64_t x) { return bswap64(brev8(x)); }

/* The byte swaps and bit reversals of GHASH's words, two at a time in one
 * 128-bit word (one byte shuffle and three shift-and-mask steps instead of
 * 2 x 7 scalar steps: WASM has no byte-swap instruction).  The lane layout
 * of a memcpy'd block is the host's, so big-endian hosts take the scalar
 * path (and so does a build with VK_GHASH_SCALAR, for its test). */
#if !defined(VK_GHASH_SCALAR) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GHASH_VEC 1
static inline bsw bswap_lanes(bsw v) { return BYTE_SHUFFLE(v, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8); }
static inline bsw brev8_lanes(bsw x) {
  x = ((x >> 1) & 0x5555555555555555ull) | ((x & 0x5555555555555555ull) << 1);
  x = ((x >> 2) & 0x3333333333333333ull) | ((x & 0x3333333333333333ull) << 2);
  return ((x >> 4) & 0x0f0f0f0f0f0f0f0full) | ((x & 0x0f0f0f0f0f0f0f0full) << 4);
}
#endif

static inline uint64_t ld64le(const uint8_t *p) {
  return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) | ((uint64_t)p[3] << 24) |
         ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}
static inline uint64_t ld64be(const uint8_t *p) { return bswap64(ld64le(p)); }
static inline void st64be(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)v; v >>= 8; }
}

/* One power of H: its halves h1 (x^0..x^63), h0 and h1 ^ h0 for Karatsuba,
 * each split, plain and bit-reversed. */
typedef struct hpow {
  clm_op w[3], r[3];
} hpow;

/* Unreduced sums of products: lo and reversed-hi parts of the three
 * Karatsuba products. */
typedef struct clm_acc {
  uint64_t lo[3], rhi[3];
} clm_acc;

/* acc += (xh, xl) * P, unreduced; rh, rl = rev64(xh), rev64(xl). */
static inline void clm_mac(clm_acc *a, uint64_t xh, uint64_t xl, uint64_t rh, uint64_t rl, const hpow *P) {
  uint64_t xm = xh ^ xl, rm = rh ^ rl;
  a->lo[0] ^= bmul64(xh, &P->w[0]);
  a->lo[1] ^= bmul64(xl, &P->w[1]);
  a->lo[2] ^= bmul64(xm, &P->w[2]);
  a->rhi[0] ^= bmul64(rh, &P->r[0]);
  a->rhi[1] ^= bmul64(rl, &P->r[1]);
  a->rhi[2] ^= bmul64(rm, &P->r[2]);
}

/* (zh, zl) = the accumulated products reduced modulo the GCM polynomial. */
static inline void clm_reduce(const clm_acc *a, uint64_t *zh, uint64_t *zl) {
#ifdef GHASH_VEC
  bsw r01 = brev8_lanes(bswap_lanes((bsw){a->rhi[0], a->rhi[1]}));
  bsw r2 = brev8_lanes(bswap_lanes((bsw){a->rhi[2], 0}));
  uint64_t hi1 = r01[0] >> 1, hi0 = r01[1] >> 1, hi2 = r2[0] >> 1;
#else
  uint64_t hi1 = rev64(a->rhi[0]) >> 1, hi0 = rev64(a->rhi[1]) >> 1, hi2 = rev64(a->rhi[2]) >> 1;
#endif
  uint64_t lo1 = a->lo[0], lo0 = a->lo[1], lo2 = a->lo[2];
  uint64_t mh = hi2 ^ hi1 ^ hi0, ml = lo2 ^ lo1 ^ lo0;
  /* the 255-bit product (c3 c2 c1 c0), then D = that << 1 */
  uint64_t c3 = hi1, c2 = lo1 ^ mh, c1 = hi0 ^ ml, c0 = lo0;
  uint64_t d3 = (c3 << 1) | (c2 >> 63), d2 = (c2 << 1) | (c1 >> 63);
  uint64_t d1 = (c1 << 1) | (c0 >> 63), d0 = c0 << 1;
  uint64_t t1 = d1 ^ (d1 >> 1) ^ (d1 >> 2) ^ (d1 >> 7);
  uint64_t t0 = d0 ^ (d0 >> 1) ^ (d1 << 63) ^ (d0 >> 2) ^ (d1 << 62) ^ (d0 >> 7) ^ (d1 << 57);
  uint64_t s = (d0 << 63) ^ (d0 << 62) ^ (d0 << 57);
  t1 ^= s ^ (s >> 1) ^ (s >> 2) ^ (s >> 7);
  *zh = d3 ^ t1;
  *zl = d2 ^ t0;
}

static void hpow_set(hpow *P, uint64_t hh, uint64_t hl) {
  uint64_t v[3] = {hh, hl, hh ^ hl};
  for (int i = 0; i < 3; i++) {
    P->w[i] = clm_split(v[i]);
    P->r[i] = clm_split(rev64(v[i]));
  }
}

struct vk_gcm {
  aes_key key;
  hpow hp[4]; /* H^1 .. H^4 */
  int keyed;
};

/* Streaming GHASH: several calls hash their concatenation; ghash_pad()
 * zero-pads to a block boundary.  Blocks are absorbed four at a time, across
 * the calls' boundaries (up to four blocks wait in buf), so that a packet's
 * header, payload and length block share reductions; ghash_final() absorbs
 * what is left. */
typedef struct ghash {
  uint64_t yh, yl;
  uint8_t buf[64];
  size_t fill;
} ghash;

/* Absorb n whole blocks, up to four per reduction. */
static void ghash_blocks(const vk_gcm *g, ghash *st, const uint8_t *p, size_t n) {
  while (n) {
    size_t k = n < 4 ? n : 4;
    clm_acc a = {{0, 0, 0}, {0, 0, 0}};
    for (size_t i = 0; i < k; i++, p += 16) {
      /* a block's big-endian words x and their bit reversals r, from the
       * little-endian loads v: x = bswap64(v), r = rev64(x) = brev8(v) */
#ifdef GHASH_VEC
      bsw v, x, r;
      memcpy(&v, p, 16);
      x = bswap_lanes(v);
      if (i == 0) {
        x ^= (bsw){st->yh, st->yl};
        r = brev8_lanes(bswap_lanes(x));
      } else {
        r = brev8_lanes(v);
      }
      clm_mac(&a, x[0], x[1], r[0], r[1], &g->hp[k - 1 - i]);
#else
      uint64_t vh = ld64le(p), vl = ld64le(p + 8);
      uint64_t xh = bswap64(vh), xl = bswap64(vl), rh = brev8(vh), rl = brev8(vl);
      if (i == 0) { xh ^= st->yh; xl ^= st->yl; rh ^= rev64(st->yh); rl ^= rev64(st->yl); }
      clm_mac(&a, xh, xl, rh, rl, &g->hp[k - 1 - i]);
#endif
    }
    clm_reduce(&a, &st->yh, &st->yl);
    n -= k;
  }
}

static void ghash_update(const vk_gcm *g, ghash *st, const uint8_t *p, size_t len) {
  if (!len) return;
  if (st->fill) {
    size_t take = sizeof st->buf - st->fill < len ? sizeof st->buf - st->fill : len;
    memcpy(st->buf + st->fill, p, take);
    st->fill += take; p += take; len -= take;
    if (st->fill < sizeof st->buf) return;
    ghash_blocks(g, st, st->buf, 4);
    st->fill = 0;
  }
  if (len >= 64) { ghash_blocks(g, st, p, len / 64 * 4); p += len & ~(size_t)63; len &= 63; }
  if (len) { memcpy(st->buf, p, len); st->fill = len; }
}

static void ghash_pad(const vk_gcm *g, ghash *st) {
  size_t r = st->fill & 15;
  if (!r) return;
  memset(st->buf + st->fill, 0, 16 - r);
  st->fill += 16 - r;
  if (st->fill == sizeof st->buf) {
    ghash_blocks(g, st, st->buf, 4);
    st->fill = 0;
  }
}

static void ghash_final(const vk_gcm *g, ghash *st) {
  ghash_pad(g, st);
  if (st->fill) ghash_blocks(g, st, st->buf, st->fill / 16);
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
  uint64_t hh = ld64be(h), hl = ld64be(h + 8), ph = hh, pl = hl;
  hpow_set(&g->hp[0], hh, hl);
  for (int i = 1; i < 4; i++) { /* H^(i+1) = H^i * H */
    clm_acc a = {{0, 0, 0}, {0, 0, 0}};
    clm_mac(&a, ph, pl, rev64(ph), rev64(pl), &g->hp[0]);
    clm_reduce(&a, &ph, &pl);
    hpow_set(&g->hp[i], ph, pl);
  }
  vk_wipe(h, sizeof h);
  g->keyed = 1;
  return VK_OK;
}

/* GHASH of aad || aad2 and the ciphertext c with the lengths, plus s = E(J0). */
static void gcm_tag(const vk_gcm *g, const uint8_t *aad, size_t aad_len, const uint8_t *aad2, size_t aad2_len,
                    const uint8_t *c, size_t len, const uint8_t s[16], uint8_t tag[16]) {
  ghash st;
  memset(&st, 0, sizeof st);
  ghash_update(g, &st, aad, aad_len);
  ghash_update(g, &st, aad2, aad2_len);
  ghash_pad(g, &st);
  ghash_update(g, &st, c, len);
  ghash_pad(g, &st);
  uint8_t lens[16];
  st64be(lens, (uint64_t)(aad_len + aad2_len) * 8);
  st64be(lens + 8, (uint64_t)len * 8);
  ghash_update(g, &st, lens, 16);
  ghash_final(g, &st);
  st64be(tag, st.yh ^ ld64be(s));
  st64be(tag + 8, st.yl ^ ld64be(s + 8));
}

/* The first AES pass of a GCM call: counter blocks J0 = iv || 1 and
 * iv || 2 .. (as many of the eight slots as the data needs), so that E(J0)
 * costs no pass of its own.  ks[0..15] = E(J0); ks[16..] is the keystream
 * of the first min(len, 112) data bytes.  Returns that byte count. */
static size_t gcm_first_pass(const vk_gcm *g, const uint8_t iv[12], size_t len, uint8_t ks[16 * BS_BLOCKS]) {
  size_t first = len < 16 * (BS_BLOCKS - 1) ? len : 16 * (BS_BLOCKS - 1);
  int nb = 1 + (int)((first + 15) / 16);
  memset(ks + 16 * nb, 0, 16 * (size_t)(BS_BLOCKS - nb));
  for (int b = 0; b < nb; b++) {
    uint8_t *p = ks + 16 * b;
    memcpy(p, iv, 12);
    p[12] = 0; p[13] = 0; p[14] = 0; p[15] = (uint8_t)(1 + b);
  }
  aes_encrypt8(&g->key, ks, ks);
  return first;
}

int32_t vk_gcm_seal(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len) {
  if (!g->keyed) return VK_ERR_STATE;
  uint8_t ks[16 * BS_BLOCKS], ctr[16], full[16];
  size_t first = gcm_first_pass(g, iv, len, ks);
  for (size_t i = 0; i < first; i++) out[i] = (uint8_t)(in[i] ^ ks[16 + i]);
  if (len > first) {
    memcpy(ctr, iv, 12);
    ctr_xor(&g->key, ctr, BS_BLOCKS + 1, in + first, out + first, len - first);
  }
  gcm_tag(g, aad, aad_len, aad2, aad2_len, out, len, ks, full);
  memcpy(tag, full, tag_len);
  vk_wipe(ks, 16); /* E(J0) unmasks GHASH */
  return VK_OK;
}

int32_t vk_gcm_open(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out, size_t len, const uint8_t *tag, size_t tag_len) {
  if (!g->keyed) return VK_ERR_STATE;
  uint8_t ks[16 * BS_BLOCKS], ctr[16], full[16];
  size_t first = gcm_first_pass(g, iv, len, ks);
  gcm_tag(g, aad, aad_len, aad2, aad2_len, in, len, ks, full); /* before out is written: in may be out */
  vk_wipe(ks, 16); /* E(J0) unmasks GHASH */
  if (vk_ct_differ(full, tag, tag_len)) return VK_ERR_AUTH_FAIL;
  for (size_t i = 0; i < first; i++) out[i] = (uint8_t)(in[i] ^ ks[16 + i]);
  if (len > first) {
    memcpy(ctr, iv, 12);
    ctr_xor(&g->key, ctr, BS_BLOCKS + 1, in + first, out + first, len - first);
  }
  return VK_OK;
}

void vk_gcm_free(vk_gcm *g) {
  if (!g) return;
  vk_wipe(g, sizeof *g);
  free(g);
}

/* ---- SHA-1 ------------------------------------------------------------ */

static inline uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

/* Rounds unrolled, the schedule kept in a 16-word ring (w[i & 15]) and the
 * five working variables renamed instead of moved, so that everything can
 * live in registers / WASM locals.  f: Ch for rounds 0-19, Parity, Maj for
 * 40-59, Parity; written branch-free. */
#define SHA1_CH(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define SHA1_PAR(b, c, d) ((b) ^ (c) ^ (d))
#define SHA1_MAJ(b, c, d) (((b) & (c)) | ((d) & ((b) | (c))))
#define SHA1_W(i) w[(i) & 15]
#define SHA1_X(i) (SHA1_W(i) = rol(SHA1_W((i) - 3) ^ SHA1_W((i) - 8) ^ SHA1_W((i) - 14) ^ SHA1_W(i), 1))
#define SHA1_R(a, b, c, d, e, f, k, wi) \
  do { e += rol(a, 5) + f(b, c, d) + (k) + (wi); b = rol(b, 30); } while (0)
#define SHA1_R5(f, k, W, i)                   \
  do {                                         \
    SHA1_R(a, b, c, d, e, f, k, W(i));         \
    SHA1_R(e, a, b, c, d, f, k, W((i) + 1));   \
    SHA1_R(d, e, a, b, c, f, k, W((i) + 2));   \
    SHA1_R(c, d, e, a, b, f, k, W((i) + 3));   \
    SHA1_R(b, c, d, e, a, f, k, W((i) + 4));   \
  } while (0)

static void sha1_block(uint32_t h[5], const uint8_t *p) {
  uint32_t w[16];
  for (int i = 0; i < 16; i++)
    w[i] = ((uint32_t)p[4 * i] << 24) | ((uint32_t)p[4 * i + 1] << 16) | ((uint32_t)p[4 * i + 2] << 8) | p[4 * i + 3];
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  SHA1_R5(SHA1_CH, 0x5a827999u, SHA1_W, 0);
  SHA1_R5(SHA1_CH, 0x5a827999u, SHA1_W, 5);
  SHA1_R5(SHA1_CH, 0x5a827999u, SHA1_W, 10);
  SHA1_R(a, b, c, d, e, SHA1_CH, 0x5a827999u, SHA1_W(15));
  SHA1_R(e, a, b, c, d, SHA1_CH, 0x5a827999u, SHA1_X(16));
  SHA1_R(d, e, a, b, c, SHA1_CH, 0x5a827999u, SHA1_X(17));
  SHA1_R(c, d, e, a, b, SHA1_CH, 0x5a827999u, SHA1_X(18));
  SHA1_R(b, c, d, e, a, SHA1_CH, 0x5a827999u, SHA1_X(19));
  SHA1_R5(SHA1_PAR, 0x6ed9eba1u, SHA1_X, 20);
  SHA1_R5(SHA1_PAR, 0x6ed9eba1u, SHA1_X, 25);
  SHA1_R5(SHA1_PAR, 0x6ed9eba1u, SHA1_X, 30);
  SHA1_R5(SHA1_PAR, 0x6ed9eba1u, SHA1_X, 35);
  SHA1_R5(SHA1_MAJ, 0x8f1bbcdcu, SHA1_X, 40);
  SHA1_R5(SHA1_MAJ, 0x8f1bbcdcu, SHA1_X, 45);
  SHA1_R5(SHA1_MAJ, 0x8f1bbcdcu, SHA1_X, 50);
  SHA1_R5(SHA1_MAJ, 0x8f1bbcdcu, SHA1_X, 55);
  SHA1_R5(SHA1_PAR, 0xca62c1d6u, SHA1_X, 60);
  SHA1_R5(SHA1_PAR, 0xca62c1d6u, SHA1_X, 65);
  SHA1_R5(SHA1_PAR, 0xca62c1d6u, SHA1_X, 70);
  SHA1_R5(SHA1_PAR, 0xca62c1d6u, SHA1_X, 75);
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
