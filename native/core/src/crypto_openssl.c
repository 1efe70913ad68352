/*
 * Native crypto backend: Node's own OpenSSL.  The addon is compiled against
 * the OpenSSL headers installed with Node's (CMAKE_JS_INC) and resolves the
 * symbols from the node binary at load time, so it links no library of its
 * own; C tests outside Node link the system libcrypto of the same version.
 *
 *  - AES-CTR: the counter blocks are built here and encrypted with one ECB
 *    call per chunk (AES-NI pipelines independent blocks), then XORed; the
 *    EVP context is keyed once and never re-initialised per packet.
 *  - AES-GCM: one EVP context per direction, re-initialised with the IV only.
 *  - On x86-64 CPUs with AES-NI and PCLMULQDQ (checked at run time), AES-CTR
 *    and AES-GCM with 128- and 256-bit keys bypass EVP: the round keys are
 *    expanded once with AESKEYGENASSIST, CTR encrypts four blocks per step,
 *    and GHASH multiplies with PCLMULQDQ (the carry-less multiplication and
 *    reduction of Gueron & Kounavis, "Intel Carry-Less Multiplication
 *    Instruction and its Usage for Computing the GCM Mode").  EVP's
 *    per-call overhead is most of the cost of a small packet otherwise.
 *  - SHA-1: the compression function for hmac.c (which keeps the inner and
 *    outer states of the padded key), through OpenSSL's block function
 *    (SHA-NI when the CPU has it).  The low-level SHA-1 calls are deprecated
 *    in OpenSSL 3 but remain the allocation-free path.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "crypto.h"
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(VK_NO_AESNI)
#define VK_AESNI 1
#include <immintrin.h>
#include <cpuid.h>

/* GCC's __builtin_cpu_supports knows VAES, VPCLMULQDQ and SHA (read from
 * the runtime's CPU model, filled once per process); clang 14's does not, so
 * it asks CPUID, which in a virtual machine exits to the hypervisor (28 us
 * per call measured on the benchmark VM) at every context key setup. */
#if defined(__GNUC__) && !defined(__clang__)
#define VK_CPU_MODEL_KNOWS_LEAF7 1
#endif
#define AESNI_FN __attribute__((target("aes,pclmul,sse4.1,ssse3")))

static int cpu_has_aesni(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("aes") && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("ssse3");
}

typedef struct aesni_key {
  __m128i rk[15];
  int rounds;
} aesni_key;

AESNI_FN static inline __m128i expand_step(__m128i k, __m128i t) {
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
  return _mm_xor_si128(k, t);
}

/* FIPS-197 key expansion for 16- and 32-byte keys; 0 on success. */
AESNI_FN static int aesni_setkey(aesni_key *k, const uint8_t *key, size_t key_len) {
  __m128i *rk = k->rk;
  if (key_len == 16) {
    rk[0] = _mm_loadu_si128((const __m128i *)key);
#define STEP128(i, rcon) rk[i] = expand_step(rk[i - 1], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[i - 1], rcon), 0xff))
    STEP128(1, 0x01); STEP128(2, 0x02); STEP128(3, 0x04); STEP128(4, 0x08); STEP128(5, 0x10);
    STEP128(6, 0x20); STEP128(7, 0x40); STEP128(8, 0x80); STEP128(9, 0x1b); STEP128(10, 0x36);
#undef STEP128
    k->rounds = 10;
    return 0;
  }
  if (key_len == 32) {
    rk[0] = _mm_loadu_si128((const __m128i *)key);
    rk[1] = _mm_loadu_si128((const __m128i *)(key + 16));
#define STEP256(i, rcon)                                                                          \
  rk[i] = expand_step(rk[i - 2], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[i - 1], rcon), 0xff)); \
  if (i + 1 < 15) rk[i + 1] = expand_step(rk[i - 1], _mm_shuffle_epi32(_mm_aeskeygenassist_si128(rk[i], 0), 0xaa))
    STEP256(2, 0x01); STEP256(4, 0x02); STEP256(6, 0x04); STEP256(8, 0x08);
    STEP256(10, 0x10); STEP256(12, 0x20); STEP256(14, 0x40);
#undef STEP256
    k->rounds = 14;
    return 0;
  }
  return -1;
}

AESNI_FN static inline __m128i aesni_enc1(const aesni_key *k, __m128i b) {
  b = _mm_xor_si128(b, k->rk[0]);
  for (int r = 1; r < k->rounds; r++) b = _mm_aesenc_si128(b, k->rk[r]);
  return _mm_aesenclast_si128(b, k->rk[k->rounds]);
}

/* CTR: counter block = ctr with its last 32 bits = n (big-endian), n++. */
AESNI_FN static void aesni_ctr(const aesni_key *k, const uint8_t *ctr /* 12 bytes used */, uint32_t n, const uint8_t *in, uint8_t *out, size_t len) {
  const __m128i bswap32 = _mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  uint8_t tmp[16];
  memcpy(tmp, ctr, 12);
  memset(tmp + 12, 0, 4);
  /* counter kept with its last word in host order so that it adds */
  __m128i base = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)tmp), bswap32);
  __m128i c = _mm_add_epi32(base, _mm_set_epi32((int)n, 0, 0, 0));
  const __m128i one = _mm_set_epi32(1, 0, 0, 0);
  /* eight independent blocks per step keep the AES units busy */
  while (len >= 128) {
    __m128i b[8];
    for (int i = 0; i < 8; i++) {
      b[i] = _mm_xor_si128(_mm_shuffle_epi8(c, bswap32), k->rk[0]);
      c = _mm_add_epi32(c, one);
    }
    for (int r = 1; r < k->rounds; r++) {
      const __m128i rk = k->rk[r];
      for (int i = 0; i < 8; i++) b[i] = _mm_aesenc_si128(b[i], rk);
    }
    for (int i = 0; i < 8; i++) {
      b[i] = _mm_aesenclast_si128(b[i], k->rk[k->rounds]);
      _mm_storeu_si128((__m128i *)(out + 16 * i), _mm_xor_si128(b[i], _mm_loadu_si128((const __m128i *)(in + 16 * i))));
    }
    in += 128; out += 128; len -= 128;
  }
  while (len >= 64) {
    __m128i b[4];
    for (int i = 0; i < 4; i++) {
      b[i] = _mm_xor_si128(_mm_shuffle_epi8(c, bswap32), k->rk[0]);
      c = _mm_add_epi32(c, one);
    }
    for (int r = 1; r < k->rounds; r++) {
      const __m128i rk = k->rk[r];
      for (int i = 0; i < 4; i++) b[i] = _mm_aesenc_si128(b[i], rk);
    }
    for (int i = 0; i < 4; i++) {
      b[i] = _mm_aesenclast_si128(b[i], k->rk[k->rounds]);
      _mm_storeu_si128((__m128i *)(out + 16 * i), _mm_xor_si128(b[i], _mm_loadu_si128((const __m128i *)(in + 16 * i))));
    }
    in += 64; out += 64; len -= 64;
  }
  while (len > 0) {
    __m128i ks = aesni_enc1(k, _mm_shuffle_epi8(c, bswap32));
    c = _mm_add_epi32(c, one);
    if (len >= 16) {
      _mm_storeu_si128((__m128i *)out, _mm_xor_si128(ks, _mm_loadu_si128((const __m128i *)in)));
      in += 16; out += 16; len -= 16;
    } else {
      uint8_t kb[16];
      _mm_storeu_si128((__m128i *)kb, ks);
      for (size_t i = 0; i < len; i++) out[i] = (uint8_t)(in[i] ^ kb[i]);
      len = 0;
    }
  }
}

/* GF(2^128) multiplication of byte-reversed operands (Gueron-Kounavis),
 * split in two so that several products can share one reduction:
 * clmul256 accumulates the 256-bit carry-less product a*b into (lo, hi);
 * reduce256 shifts it left by one bit and reduces it modulo
 * x^128 + x^7 + x^2 + x + 1 (both steps are linear, so a sum of products
 * reduces like one product). */
AESNI_FN static inline void clmul256(__m128i a, __m128i b, __m128i *lo, __m128i *hi) {
  __m128i t3 = _mm_clmulepi64_si128(a, b, 0x00);
  __m128i t4 = _mm_clmulepi64_si128(a, b, 0x10);
  __m128i t5 = _mm_clmulepi64_si128(a, b, 0x01);
  __m128i t6 = _mm_clmulepi64_si128(a, b, 0x11);
  t4 = _mm_xor_si128(t4, t5);
  *lo = _mm_xor_si128(*lo, _mm_xor_si128(t3, _mm_slli_si128(t4, 8)));
  *hi = _mm_xor_si128(*hi, _mm_xor_si128(t6, _mm_srli_si128(t4, 8)));
}

AESNI_FN static inline __m128i reduce256(__m128i t3, __m128i t6) {
  /* shift the 256-bit product t6:t3 left by one bit */
  __m128i t7 = _mm_srli_epi32(t3, 31);
  __m128i t8 = _mm_srli_epi32(t6, 31);
  t3 = _mm_slli_epi32(t3, 1);
  t6 = _mm_slli_epi32(t6, 1);
  __m128i t9 = _mm_srli_si128(t7, 12);
  t8 = _mm_slli_si128(t8, 4);
  t7 = _mm_slli_si128(t7, 4);
  t3 = _mm_or_si128(t3, t7);
  t6 = _mm_or_si128(t6, t8);
  t6 = _mm_or_si128(t6, t9);
  /* reduce */
  t7 = _mm_slli_epi32(t3, 31);
  t8 = _mm_slli_epi32(t3, 30);
  t9 = _mm_slli_epi32(t3, 25);
  t7 = _mm_xor_si128(t7, t8);
  t7 = _mm_xor_si128(t7, t9);
  t8 = _mm_srli_si128(t7, 4);
  t7 = _mm_slli_si128(t7, 12);
  t3 = _mm_xor_si128(t3, t7);
  __m128i t2 = _mm_srli_epi32(t3, 1);
  __m128i t4 = _mm_srli_epi32(t3, 2);
  __m128i t5 = _mm_srli_epi32(t3, 7);
  t2 = _mm_xor_si128(t2, t4);
  t2 = _mm_xor_si128(t2, t5);
  t2 = _mm_xor_si128(t2, t8);
  t3 = _mm_xor_si128(t3, t2);
  return _mm_xor_si128(t6, t3);
}

AESNI_FN static inline __m128i gfmul(__m128i a, __m128i b) {
  __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
  clmul256(a, b, &lo, &hi);
  return reduce256(lo, hi);
}

typedef struct ghash_st {
  __m128i y;
  uint8_t buf[16];
  size_t fill;
} ghash_st;

static const uint8_t BSWAP128[16] = {15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};

AESNI_FN static void ghash_upd(ghash_st *g, const __m128i *hp, const uint8_t *p, size_t len) {
  const __m128i h = hp[0];
  const __m128i bs = _mm_loadu_si128((const __m128i *)BSWAP128);
  if (!len) return;
  if (g->fill) {
    size_t take = 16 - g->fill < len ? 16 - g->fill : len;
    memcpy(g->buf + g->fill, p, take);
    g->fill += take; p += take; len -= take;
    if (g->fill < 16) return;
    g->y = gfmul(_mm_xor_si128(g->y, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)g->buf), bs)), h);
    g->fill = 0;
  }
  /* four blocks per reduction: Y' = (Y+C1)H^4 + C2 H^3 + C3 H^2 + C4 H */
  while (len >= 64) {
    __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
    clmul256(_mm_xor_si128(g->y, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), bs)), hp[3], &lo, &hi);
    clmul256(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bs), hp[2], &lo, &hi);
    clmul256(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bs), hp[1], &lo, &hi);
    clmul256(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bs), hp[0], &lo, &hi);
    g->y = reduce256(lo, hi);
    p += 64; len -= 64;
  }
  while (len >= 16) {
    g->y = gfmul(_mm_xor_si128(g->y, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), bs)), h);
    p += 16; len -= 16;
  }
  if (len) { memcpy(g->buf, p, len); g->fill = len; }
}

AESNI_FN static void ghash_pad(ghash_st *g, const __m128i *hp) {
  const __m128i h = hp[0];
  const __m128i bs = _mm_loadu_si128((const __m128i *)BSWAP128);
  if (!g->fill) return;
  memset(g->buf + g->fill, 0, 16 - g->fill);
  g->y = gfmul(_mm_xor_si128(g->y, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)g->buf), bs)), h);
  g->fill = 0;
}

#if !defined(VK_NO_VAES)
/* ---- 256-bit VAES / VPCLMULQDQ (two blocks per instruction) ----------------
 * On CPUs with AVX2, VAES and VPCLMULQDQ (checked at run time through CPUID
 * leaf 7, which clang's __builtin_cpu_supports does not know), CTR encrypts
 * sixteen blocks per step in eight 256-bit registers, and GHASH multiplies
 * eight blocks per reduction (two per carry-less multiply) by H^8..H^1.
 * Shorter tails go through the 128-bit code above. */
#define VK_VAES 1
#include <cpuid.h>
#define VAES_FN __attribute__((target("aes,pclmul,sse4.1,ssse3,avx,avx2,vaes,vpclmulqdq")))

static int cpu_has_vaes(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2")) return 0; /* also checks that the OS saves YMM state */
#ifdef VK_CPU_MODEL_KNOWS_LEAF7
  return __builtin_cpu_supports("vaes") && __builtin_cpu_supports("vpclmulqdq");
#else
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (c >> 9 & 1) && (c >> 10 & 1); /* ECX bit 9 VAES, bit 10 VPCLMULQDQ */
#endif
}

/* CTR over whole 128-byte groups with 256-bit VAES; returns the bytes done
 * (a multiple of 128), the caller finishes the tail with aesni_ctr. */
VAES_FN static size_t vaes_ctr(const aesni_key *k, const uint8_t *ctr, uint32_t n, const uint8_t *in, uint8_t *out, size_t len) {
  const __m128i bswap32 = _mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m256i bs = _mm256_broadcastsi128_si256(bswap32);
  const int rounds = k->rounds;
  __m256i rk[15];
  for (int r = 0; r <= rounds; r++) rk[r] = _mm256_broadcastsi128_si256(k->rk[r]);
  uint8_t tmp[16];
  memcpy(tmp, ctr, 12);
  memset(tmp + 12, 0, 4);
  __m128i c = _mm_add_epi32(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)tmp), bswap32), _mm_set_epi32((int)n, 0, 0, 0));
  /* lanes hold counters c and c + 1 */
  __m256i cc = _mm256_inserti128_si256(_mm256_castsi128_si256(c), _mm_add_epi32(c, _mm_set_epi32(1, 0, 0, 0)), 1);
  const __m256i two = _mm256_set_epi32(2, 0, 0, 0, 2, 0, 0, 0);
  size_t done = 0;
#define VAES_STEP(NB)                                                                                     \
  do {                                                                                                    \
    __m256i b[NB];                                                                                        \
    for (int i = 0; i < NB; i++) {                                                                        \
      b[i] = _mm256_xor_si256(_mm256_shuffle_epi8(cc, bs), rk[0]);                                        \
      cc = _mm256_add_epi32(cc, two);                                                                     \
    }                                                                                                     \
    for (int r = 1; r < rounds; r++)                                                                      \
      for (int i = 0; i < NB; i++) b[i] = _mm256_aesenc_epi128(b[i], rk[r]);                               \
    for (int i = 0; i < NB; i++) {                                                                        \
      b[i] = _mm256_aesenclast_epi128(b[i], rk[rounds]);                                                  \
      _mm256_storeu_si256((__m256i *)(out + done + 32 * i),                                                \
                          _mm256_xor_si256(b[i], _mm256_loadu_si256((const __m256i *)(in + done + 32 * i)))); \
    }                                                                                                     \
    done += 32 * NB;                                                                                      \
  } while (0)
  while (len - done >= 256) VAES_STEP(8);
  while (len - done >= 128) VAES_STEP(4);
#undef VAES_STEP
  return done;
}

VAES_FN static inline void clmul256y(__m256i a, __m256i b, __m256i *lo, __m256i *hi) {
  __m256i t3 = _mm256_clmulepi64_epi128(a, b, 0x00);
  __m256i t4 = _mm256_clmulepi64_epi128(a, b, 0x10);
  __m256i t5 = _mm256_clmulepi64_epi128(a, b, 0x01);
  __m256i t6 = _mm256_clmulepi64_epi128(a, b, 0x11);
  t4 = _mm256_xor_si256(t4, t5);
  *lo = _mm256_xor_si256(*lo, _mm256_xor_si256(t3, _mm256_slli_si256(t4, 8)));
  *hi = _mm256_xor_si256(*hi, _mm256_xor_si256(t6, _mm256_srli_si256(t4, 8)));
}

/* GHASH with eight blocks per reduction: Y' = (Y+C1)H^8 + C2 H^7 + ... + C8 H.
 * hrev holds H^8, H^7, ..., H^1 (byte-reversed), so that pairs load as lanes. */
VAES_FN static void ghash_upd_wide(ghash_st *g, const __m128i *hp, const __m128i *hrev, const uint8_t *p, size_t len) {
  if (!len) return;
  if (g->fill) {
    size_t take = 16 - g->fill < len ? 16 - g->fill : len;
    ghash_upd(g, hp, p, take);
    p += take; len -= take;
  }
  if (len >= 128) {
    const __m256i bs = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)BSWAP128));
    const __m256i h87 = _mm256_loadu_si256((const __m256i *)&hrev[0]), h65 = _mm256_loadu_si256((const __m256i *)&hrev[2]);
    const __m256i h43 = _mm256_loadu_si256((const __m256i *)&hrev[4]), h21 = _mm256_loadu_si256((const __m256i *)&hrev[6]);
    __m128i y = g->y;
    while (len >= 128) {
      __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
      __m256i x0 = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)p), bs);
      x0 = _mm256_xor_si256(x0, _mm256_inserti128_si256(_mm256_setzero_si256(), y, 0));
      clmul256y(x0, h87, &lo, &hi);
      clmul256y(_mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(p + 32)), bs), h65, &lo, &hi);
      clmul256y(_mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(p + 64)), bs), h43, &lo, &hi);
      clmul256y(_mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(p + 96)), bs), h21, &lo, &hi);
      /* the two lanes' 256-bit products add before the (linear) reduction */
      __m128i l = _mm_xor_si128(_mm256_castsi256_si128(lo), _mm256_extracti128_si256(lo, 1));
      __m128i h = _mm_xor_si128(_mm256_castsi256_si128(hi), _mm256_extracti128_si256(hi, 1));
      y = reduce256(l, h);
      p += 128; len -= 128;
    }
    g->y = y;
  }
  ghash_upd(g, hp, p, len);
}
#endif /* !VK_NO_VAES */

/* GHASH update through the wide code when hrev (H^8..H^1) is given. */
AESNI_FN static inline void ghash_any(ghash_st *g, const __m128i *h, const __m128i *hrev, const uint8_t *p, size_t len) {
#ifdef VK_VAES
  if (hrev) {
    ghash_upd_wide(g, h, hrev, p, len);
    return;
  }
#endif
  (void)hrev;
  ghash_upd(g, h, p, len);
}

/* Full 16-byte GCM tag over aad || aad2 and the ciphertext c (hrev: H^8..H^1
 * for the wide GHASH, or NULL). */
AESNI_FN static void aesni_gcm_tag(const aesni_key *k, const __m128i *h, const __m128i *hrev, const uint8_t iv[12], const uint8_t *aad,
                                   size_t aad_len, const uint8_t *aad2, size_t aad2_len, const uint8_t *c, size_t len, uint8_t tag[16]) {
  const __m128i bs = _mm_loadu_si128((const __m128i *)BSWAP128);
  ghash_st g;
  g.y = _mm_setzero_si128();
  g.fill = 0;
  ghash_any(&g, h, hrev, aad, aad_len);
  ghash_any(&g, h, hrev, aad2, aad2_len);
  ghash_pad(&g, h);
  ghash_any(&g, h, hrev, c, len);
  ghash_pad(&g, h);
  /* length block: [len(A)]64 || [len(C)]64 in bits, big-endian, then byte-reversed */
  __m128i lens = _mm_set_epi64x((long long)((uint64_t)(aad_len + aad2_len) * 8), (long long)((uint64_t)len * 8));
  g.y = gfmul(_mm_xor_si128(g.y, lens), h[0]);
  uint8_t j0[16];
  memcpy(j0, iv, 12);
  j0[12] = 0; j0[13] = 0; j0[14] = 0; j0[15] = 1;
  __m128i s = aesni_enc1(k, _mm_loadu_si128((const __m128i *)j0));
  _mm_storeu_si128((__m128i *)tag, _mm_xor_si128(_mm_shuffle_epi8(g.y, bs), s));
}


/* CTR through the wide code for whole 128-byte groups when `wide`. */
AESNI_FN static void ctr_any(const aesni_key *k, int wide, const uint8_t *ctr, uint32_t n, const uint8_t *in, uint8_t *out, size_t len) {
#ifdef VK_VAES
  if (wide && len >= 128) {
    size_t done = vaes_ctr(k, ctr, n, in, out, len);
    n += (uint32_t)(done / 16);
    in += done; out += done; len -= done;
  }
#endif
  (void)wide;
  aesni_ctr(k, ctr, n, in, out, len);
}

static int cpu_wide(void) {
#ifdef VK_VAES
  return cpu_has_vaes();
#else
  return 0;
#endif
}
#endif /* VK_AESNI */

static const EVP_CIPHER *ecb_for(size_t key_len) {
  switch (key_len) {
    case 16: return EVP_aes_128_ecb();
    case 24: return EVP_aes_192_ecb();
    case 32: return EVP_aes_256_ecb();
    default: return NULL;
  }
}

static const EVP_CIPHER *gcm_for(size_t key_len) {
  switch (key_len) {
    case 16: return EVP_aes_128_gcm();
    case 24: return EVP_aes_192_gcm();
    case 32: return EVP_aes_256_gcm();
    default: return NULL;
  }
}

/* ---- AES-CTR ---------------------------------------------------------- */

struct vk_aes_ctr {
  EVP_CIPHER_CTX *ecb;
  int keyed;
#ifdef VK_AESNI
  int fast; /* AES-NI path keyed */
  int wide; /* 256-bit VAES for long inputs */
  aesni_key ak;
#endif
};

int32_t vk_aes_ctr_new(vk_aes_ctr **out) {
  vk_aes_ctr *c = (vk_aes_ctr *)calloc(1, sizeof *c);
  if (!c) return VK_ERR_NOMEM;
  c->ecb = EVP_CIPHER_CTX_new();
  if (!c->ecb) { free(c); return VK_ERR_NOMEM; }
  *out = c;
  return VK_OK;
}

int32_t vk_aes_ctr_setkey(vk_aes_ctr *c, const uint8_t *key, size_t key_len) {
  const EVP_CIPHER *e = ecb_for(key_len);
  if (!e) return VK_ERR_ARG;
  if (EVP_EncryptInit_ex(c->ecb, e, NULL, key, NULL) != 1) return VK_ERR_CIPHER;
  EVP_CIPHER_CTX_set_padding(c->ecb, 0);
  c->keyed = 1;
#ifdef VK_AESNI
  c->fast = cpu_has_aesni() && aesni_setkey(&c->ak, key, key_len) == 0;
  c->wide = c->fast && cpu_wide();
#endif
  return VK_OK;
}

#define CTR_CHUNK 512 /* bytes of keystream per ECB call */

int32_t vk_aes_ctr_xor(vk_aes_ctr *c, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
  if (!c->keyed) return VK_ERR_STATE;
  uint32_t n = ((uint32_t)ctr[12] << 24) | ((uint32_t)ctr[13] << 16) | ((uint32_t)ctr[14] << 8) | ctr[15];
#ifdef VK_AESNI
  if (c->fast) {
    ctr_any(&c->ak, c->wide, ctr, n, in, out, len);
    return VK_OK;
  }
#endif
  uint8_t blocks[CTR_CHUNK], ks[CTR_CHUNK];
  while (len > 0) {
    size_t chunk = len < CTR_CHUNK ? len : CTR_CHUNK;
    size_t nb = (chunk + 15) / 16;
    for (size_t b = 0; b < nb; b++, n++) {
      uint8_t *p = blocks + 16 * b;
      memcpy(p, ctr, 12);
      p[12] = (uint8_t)(n >> 24); p[13] = (uint8_t)(n >> 16); p[14] = (uint8_t)(n >> 8); p[15] = (uint8_t)n;
    }
    int outl = 0;
    if (EVP_EncryptUpdate(c->ecb, ks, &outl, blocks, (int)(nb * 16)) != 1) return VK_ERR_CIPHER;
    size_t i = 0;
    for (; i + 8 <= chunk; i += 8) {
      uint64_t a, k;
      memcpy(&a, in + i, 8);
      memcpy(&k, ks + i, 8);
      a ^= k;
      memcpy(out + i, &a, 8);
    }
    for (; i < chunk; i++) out[i] = (uint8_t)(in[i] ^ ks[i]);
    in += chunk;
    out += chunk;
    len -= chunk;
  }
  return VK_OK;
}

void vk_aes_ctr_free(vk_aes_ctr *c) {
  if (!c) return;
  EVP_CIPHER_CTX_free(c->ecb);
  vk_wipe(c, sizeof *c);
  free(c);
}

/* ---- AES-GCM ---------------------------------------------------------- */

struct vk_gcm {
  EVP_CIPHER_CTX *enc, *dec;
  int keyed;
#ifdef VK_AESNI
  int fast;
  int wide;     /* 256-bit VAES / VPCLMULQDQ for long inputs */
  aesni_key ak;
  __m128i h[8]; /* H = E(0) and H^2..H^8, byte-reversed for gfmul */
  __m128i hrev[8]; /* H^8, H^7, ..., H^1: lane pairs for the wide GHASH */
#endif
};

#ifdef VK_AESNI
AESNI_FN static void gcm_fast_h(vk_gcm *g) {
  g->h[0] = _mm_shuffle_epi8(aesni_enc1(&g->ak, _mm_setzero_si128()), _mm_loadu_si128((const __m128i *)BSWAP128));
  for (int i = 1; i < 8; i++) g->h[i] = gfmul(g->h[i - 1], g->h[0]);
  for (int i = 0; i < 8; i++) g->hrev[i] = g->h[7 - i];
}
#endif

int32_t vk_gcm_new(vk_gcm **out) {
  vk_gcm *g = (vk_gcm *)calloc(1, sizeof *g);
  if (!g) return VK_ERR_NOMEM;
  g->enc = EVP_CIPHER_CTX_new();
  g->dec = EVP_CIPHER_CTX_new();
  if (!g->enc || !g->dec) { vk_gcm_free(g); return VK_ERR_NOMEM; }
  *out = g;
  return VK_OK;
}

int32_t vk_gcm_setkey(vk_gcm *g, const uint8_t *key, size_t key_len) {
  const EVP_CIPHER *e = gcm_for(key_len);
  if (!e) return VK_ERR_ARG;
  if (EVP_EncryptInit_ex(g->enc, e, NULL, key, NULL) != 1) return VK_ERR_CIPHER;
  if (EVP_DecryptInit_ex(g->dec, e, NULL, key, NULL) != 1) return VK_ERR_CIPHER;
  g->keyed = 1;
#ifdef VK_AESNI
  g->fast = cpu_has_aesni() && aesni_setkey(&g->ak, key, key_len) == 0;
  g->wide = g->fast && cpu_wide();
  if (g->fast) gcm_fast_h(g);
#endif
  return VK_OK;
}

int32_t vk_gcm_seal(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len) {
  if (!g->keyed) return VK_ERR_STATE;
#ifdef VK_AESNI
  if (g->fast) {
    uint8_t full[16];
    ctr_any(&g->ak, g->wide, iv, 2, in, out, len);
    aesni_gcm_tag(&g->ak, g->h, g->wide ? g->hrev : NULL, iv, aad, aad_len, aad2, aad2_len, out, len, full);
    memcpy(tag, full, tag_len);
    return VK_OK;
  }
#endif
  int outl = 0;
  if (EVP_EncryptInit_ex(g->enc, NULL, NULL, NULL, iv) != 1) return VK_ERR_CIPHER;
  if (aad_len && EVP_EncryptUpdate(g->enc, NULL, &outl, aad, (int)aad_len) != 1) return VK_ERR_CIPHER;
  if (aad2_len && EVP_EncryptUpdate(g->enc, NULL, &outl, aad2, (int)aad2_len) != 1) return VK_ERR_CIPHER;
  if (len && EVP_EncryptUpdate(g->enc, out, &outl, in, (int)len) != 1) return VK_ERR_CIPHER;
  if (EVP_EncryptFinal_ex(g->enc, out + len, &outl) != 1) return VK_ERR_CIPHER;
  uint8_t full[16];
  if (EVP_CIPHER_CTX_ctrl(g->enc, EVP_CTRL_GCM_GET_TAG, 16, full) != 1) return VK_ERR_CIPHER;
  memcpy(tag, full, tag_len);
  return VK_OK;
}

int32_t vk_gcm_open(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out, size_t len, const uint8_t *tag, size_t tag_len) {
  if (!g->keyed) return VK_ERR_STATE;
#ifdef VK_AESNI
  if (g->fast) {
    /* verify (constant time) before decrypting */
    uint8_t full[16];
    aesni_gcm_tag(&g->ak, g->h, g->wide ? g->hrev : NULL, iv, aad, aad_len, aad2, aad2_len, in, len, full);
    if (CRYPTO_memcmp(full, tag, tag_len) != 0) return VK_ERR_AUTH_FAIL;
    ctr_any(&g->ak, g->wide, iv, 2, in, out, len);
    return VK_OK;
  }
#endif
  int outl = 0;
  if (EVP_DecryptInit_ex(g->dec, NULL, NULL, NULL, iv) != 1) return VK_ERR_CIPHER;
  if (aad_len && EVP_DecryptUpdate(g->dec, NULL, &outl, aad, (int)aad_len) != 1) return VK_ERR_CIPHER;
  if (aad2_len && EVP_DecryptUpdate(g->dec, NULL, &outl, aad2, (int)aad2_len) != 1) return VK_ERR_CIPHER;
  if (len && EVP_DecryptUpdate(g->dec, out, &outl, in, (int)len) != 1) return VK_ERR_CIPHER;
  if (EVP_CIPHER_CTX_ctrl(g->dec, EVP_CTRL_GCM_SET_TAG, (int)tag_len, (void *)tag) != 1) return VK_ERR_CIPHER;
  /* OpenSSL compares the tag with CRYPTO_memcmp (constant time). */
  if (EVP_DecryptFinal_ex(g->dec, out + len, &outl) != 1) return VK_ERR_AUTH_FAIL;
  return VK_OK;
}

void vk_gcm_free(vk_gcm *g) {
  if (!g) return;
  EVP_CIPHER_CTX_free(g->enc);
  EVP_CIPHER_CTX_free(g->dec);
  vk_wipe(g, sizeof *g);
  free(g);
}

/* ---- SHA-1 ------------------------------------------------------------ */

#if defined(VK_AESNI) && !defined(VK_NO_SHANI)
/* SHA-1 on the SHA extensions (SHA-NI; CPUID leaf 7 EBX bit 29, checked at
 * run time), written for several independent states at once.  One state is
 * bound by the latency of SHA1RNDS4 (each group of four rounds waits for the
 * previous one, about six cycles on current cores), while the unit accepts a
 * new one every cycle or two: so L lanes in lock-step cost little more than
 * one.  The rounds follow FIPS 180-4 6.1.2 in the instructions' form:
 * W[k] (four words) = msg2(msg1(W[k-4], W[k-3]) ^ W[k-2], W[k-1]) for
 * k >= 4; group k's E is E0 + W[0] for k = 0 and nexte(S[k-1], W[k]) after,
 * S[k] being the ABCD state entering group k (E after four rounds is
 * rol30 of the A four rounds earlier); the block ends with
 * ABCD += S[0] and E += rol30(S[19].A). */
#define VK_SHANI 1
#define SHANI_FN __attribute__((target("sha,sse4.1,ssse3")))

static int cpu_has_shani(void) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("ssse3") || !__builtin_cpu_supports("sse4.1")) return 0;
#ifdef VK_CPU_MODEL_KNOWS_LEAF7
  return __builtin_cpu_supports("sha") != 0;
#else
  unsigned a, b, c, d;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  return (int)(b >> 29 & 1);
#endif
}

/* The lane loops unrolled at any optimisation level: the lanes' states must
 * live in registers for the lock-step to pay. */
#define UNROLL4 _Pragma("GCC unroll 4")

/* Four message words for group k of lane l, in place of W[k-4]. */
#define SHANI_SCHED(k)                                                                                     \
  UNROLL4 for (int l = 0; l < L; l++)                                                                              \
    w[l][(k) & 3] = _mm_sha1msg2_epu32(                                                                    \
        _mm_xor_si128(_mm_sha1msg1_epu32(w[l][(k) & 3], w[l][((k) + 1) & 3]), w[l][((k) + 2) & 3]), w[l][((k) + 3) & 3])
#define SHANI_GROUP(k, f)                                                                                  \
  UNROLL4 for (int l = 0; l < L; l++) {                                                                            \
    __m128i x = _mm_sha1nexte_epu32(prev[l], w[l][(k) & 3]);                                               \
    prev[l] = abcd[l];                                                                                     \
    abcd[l] = _mm_sha1rnds4_epu32(abcd[l], x, f);                                                          \
  }
#define SHANI_SG(k, f) SHANI_SCHED(k); SHANI_GROUP(k, f)

/* n blocks into each of L states h[l] from p[l] (L a constant after inlining). */
__attribute__((always_inline)) SHANI_FN static inline void shani_lanes(const int L, uint32_t *const *h, const uint8_t *const *p, size_t n) {
  const __m128i bswap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
  __m128i abcd[4], e[4], prev[4], w[4][4];
  UNROLL4 for (int l = 0; l < L; l++) {
    abcd[l] = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h[l]), 0x1b);
    e[l] = _mm_set_epi32((int)h[l][4], 0, 0, 0);
  }
  for (size_t i = 0; i < n; i++) {
    __m128i abcd0[4], e0[4];
    UNROLL4 for (int l = 0; l < L; l++) {
      const uint8_t *q = p[l] + 64 * i;
      UNROLL4 for (int j = 0; j < 4; j++) w[l][j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(q + 16 * j)), bswap);
      abcd0[l] = abcd[l];
      e0[l] = e[l];
      prev[l] = abcd[l];
      abcd[l] = _mm_sha1rnds4_epu32(abcd[l], _mm_add_epi32(e[l], w[l][0]), 0);
    }
    SHANI_GROUP(1, 0) SHANI_GROUP(2, 0) SHANI_GROUP(3, 0)
    SHANI_SG(4, 0) SHANI_SG(5, 1) SHANI_SG(6, 1) SHANI_SG(7, 1) SHANI_SG(8, 1) SHANI_SG(9, 1)
    SHANI_SG(10, 2) SHANI_SG(11, 2) SHANI_SG(12, 2) SHANI_SG(13, 2) SHANI_SG(14, 2)
    SHANI_SG(15, 3) SHANI_SG(16, 3) SHANI_SG(17, 3) SHANI_SG(18, 3) SHANI_SG(19, 3)
    UNROLL4 for (int l = 0; l < L; l++) {
      e[l] = _mm_sha1nexte_epu32(prev[l], e0[l]);
      abcd[l] = _mm_add_epi32(abcd[l], abcd0[l]);
    }
  }
  UNROLL4 for (int l = 0; l < L; l++) {
    _mm_storeu_si128((__m128i *)h[l], _mm_shuffle_epi32(abcd[l], 0x1b));
    h[l][4] = (uint32_t)_mm_extract_epi32(e[l], 3);
  }
}
#undef SHANI_SG
#undef SHANI_GROUP
#undef SHANI_SCHED
#undef UNROLL4

SHANI_FN static void shani_x1(uint32_t *const *h, const uint8_t *const *p, size_t n) { shani_lanes(1, h, p, n); }
SHANI_FN static void shani_x2(uint32_t *const *h, const uint8_t *const *p, size_t n) { shani_lanes(2, h, p, n); }
SHANI_FN static void shani_x4(uint32_t *const *h, const uint8_t *const *p, size_t n) { shani_lanes(4, h, p, n); }

#endif

/* OpenSSL's block function through SHA1_Update: with an empty buffer and a
 * whole number of blocks it compresses them all in one call of the assembly
 * (SHA-NI when the CPU has it) and buffers nothing.  HMAC is in hmac.c. */
static void openssl_sha1(uint32_t h[5], const uint8_t *blocks, size_t n) {
  SHA_CTX c;
  c.h0 = h[0]; c.h1 = h[1]; c.h2 = h[2]; c.h3 = h[3]; c.h4 = h[4];
  c.Nl = 0; c.Nh = 0; c.num = 0;
  SHA1_Update(&c, blocks, n * 64);
  h[0] = c.h0; h[1] = c.h1; h[2] = c.h2; h[3] = c.h3; h[4] = c.h4;
}

void vk_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t n) { openssl_sha1(h, blocks, n); }

size_t vk_sha1_lanes(void) {
#ifdef VK_SHANI
  if (cpu_has_shani()) return 4;
#endif
  return 1;
}

void vk_sha1_compress_lanes(uint32_t *const h[], const uint8_t *const p[], size_t n, size_t lanes, size_t hint) {
  size_t l = 0;
#ifdef VK_SHANI
  if (hint > 1) {
    for (; l + 4 <= lanes; l += 4) shani_x4(h + l, p + l, n);
    for (; l + 2 <= lanes; l += 2) shani_x2(h + l, p + l, n);
    for (; l < lanes; l++) shani_x1(h + l, p + l, n);
  }
#endif
  (void)hint;
  for (; l < lanes; l++) openssl_sha1(h[l], p[l], n);
}
