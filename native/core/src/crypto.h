/*
 * The one internal crypto interface of the core.  Exactly one backend file is
 * linked into each build:
 *   crypto_openssl.c   native addon: Node's own OpenSSL (AES-NI, SHA-NI,
 *                      PCLMUL through EVP / low-level SHA-1), no extra library
 *   crypto_portable.c  WASM: portable constant-time C (bitsliced AES without
 *                      lookup tables, SHA-1, constant-time GHASH)
 * and hmac.c, shared by both, builds HMAC-SHA1 on the backend's SHA-1
 * compression function.
 *
 * Contexts are allocated once (session / stream creation) and re-keyed in
 * place; nothing here allocates per packet.  Keys are 16, 24 or 32 bytes.
 * All functions return VK_OK or a negative vk_status.  Not thread-safe per
 * context.  Output may alias input exactly (in == out) but not partially.
 */
#ifndef VK_CRYPTO_H
#define VK_CRYPTO_H

#include "vk_common.h"

/* AES in counter mode (SRTP AES-CM, RFC 3711 4.1.1, and the KDF's PRF). */
typedef struct vk_aes_ctr vk_aes_ctr;
int32_t vk_aes_ctr_new(vk_aes_ctr **out);
int32_t vk_aes_ctr_setkey(vk_aes_ctr *c, const uint8_t *key, size_t key_len);
/* XOR len bytes with the keystream E(ctr), E(ctr+1), ...; the counter is
 * the 16-byte block ctr with its last 32 bits incremented big-endian (SRTP
 * starts them at 0 and packets stay far below 2^32 blocks). */
int32_t vk_aes_ctr_xor(vk_aes_ctr *c, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void vk_aes_ctr_free(vk_aes_ctr *c);

/* AES-GCM (RFC 7714) with a 12-byte IV and a tag of 8..16 bytes. */
typedef struct vk_gcm vk_gcm;
int32_t vk_gcm_new(vk_gcm **out);
int32_t vk_gcm_setkey(vk_gcm *g, const uint8_t *key, size_t key_len);
/* The additional data is aad || aad2 (two parts, so that SRTCP's
 * packet || index word needs no copy); either may be empty. */
int32_t vk_gcm_seal(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len,
                    const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len);
/* Decrypts into out and checks the tag in constant time; VK_ERR_AUTH_FAIL
 * when it does not match (out then holds unspecified bytes). */
int32_t vk_gcm_open(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len,
                    const uint8_t *in, uint8_t *out, size_t len, const uint8_t *tag, size_t tag_len);
void vk_gcm_free(vk_gcm *g);

/* The SHA-1 compression function (FIPS 180-4 6.1.2): absorb n whole 64-byte
 * blocks into the state h.  The one SHA-1 primitive each backend provides;
 * padding, HMAC and key setup are written once, in hmac.c. */
void vk_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t n);

/* Several independent SHA-1 states at once (the batch API's packets).
 * vk_sha1_lanes(): how many states vk_sha1_compress_lanes advances for about
 * the cost of one on this CPU (1: no multi-lane code, it compresses lane by
 * lane).  It asks the CPU, so call it once (at context creation) and keep the
 * answer.  vk_sha1_compress_lanes: absorb n whole blocks p[l] into h[l] for
 * each of `lanes` lanes; `hint` is what vk_sha1_lanes() returned. */
size_t vk_sha1_lanes(void);
void vk_sha1_compress_lanes(uint32_t *const h[], const uint8_t *const p[], size_t n, size_t lanes, size_t hint);

/* HMAC-SHA1 (RFC 2104) over the concatenation a || b (hmac.c). */
typedef struct vk_hmac vk_hmac;
int32_t vk_hmac_new(vk_hmac **out);
int32_t vk_hmac_setkey(vk_hmac *h, const uint8_t *key, size_t key_len);
void vk_hmac_sha1(vk_hmac *h, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len, uint8_t out[20]);
/* The same for up to VK_HMAC_MAX_LANES independent messages at once
 * (a[l] || b[l] under h[l], b_len[l] <= 64 for the lanes to run together),
 * digests to out[l]; faster than one by one where vk_hmac_lanes(h) > 1. */
#define VK_HMAC_MAX_LANES 4
size_t vk_hmac_lanes(const vk_hmac *h);
void vk_hmac_sha1_lanes(vk_hmac *const h[], const uint8_t *const a[], const size_t a_len[], const uint8_t *const b[],
                        const size_t b_len[], uint8_t (*out)[20], size_t lanes);
void vk_hmac_free(vk_hmac *h);

/* Constant-time comparison: 0 when equal. */
static inline int vk_ct_differ(const uint8_t *a, const uint8_t *b, size_t n) {
  uint8_t d = 0;
  for (size_t i = 0; i < n; i++) d |= (uint8_t)(a[i] ^ b[i]);
  return d != 0;
}

/* Wipe secrets in a way the optimiser keeps. */
static inline void vk_wipe(void *p, size_t n) {
  volatile uint8_t *v = (volatile uint8_t *)p;
  while (n--) *v++ = 0;
}

#endif
