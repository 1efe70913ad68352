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
 *  - HMAC-SHA1: the inner and outer SHA-1 states after the padded key are
 *    computed once; a tag costs two state copies and SHA-1 over the data
 *    (SHA-NI when the CPU has it).  The low-level SHA-1 calls are deprecated
 *    in OpenSSL 3 but remain the allocation-free path.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "crypto.h"
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

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
  return VK_OK;
}

#define CTR_CHUNK 512 /* bytes of keystream per ECB call */

int32_t vk_aes_ctr_xor(vk_aes_ctr *c, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
  if (!c->keyed) return VK_ERR_STATE;
  uint8_t blocks[CTR_CHUNK], ks[CTR_CHUNK];
  uint32_t n = ((uint32_t)ctr[12] << 24) | ((uint32_t)ctr[13] << 16) | ((uint32_t)ctr[14] << 8) | ctr[15];
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
  free(c);
}

/* ---- AES-GCM ---------------------------------------------------------- */

struct vk_gcm {
  EVP_CIPHER_CTX *enc, *dec;
  int keyed;
};

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
  return VK_OK;
}

int32_t vk_gcm_seal(vk_gcm *g, const uint8_t iv[12], const uint8_t *aad, size_t aad_len,
                    const uint8_t *aad2, size_t aad2_len, const uint8_t *in, uint8_t *out, size_t len, uint8_t *tag, size_t tag_len) {
  if (!g->keyed) return VK_ERR_STATE;
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
  free(g);
}

/* ---- HMAC-SHA1 -------------------------------------------------------- */

struct vk_hmac {
  SHA_CTX inner, outer; /* states after absorbing key^ipad / key^opad */
};

int32_t vk_hmac_new(vk_hmac **out) {
  vk_hmac *h = (vk_hmac *)calloc(1, sizeof *h);
  if (!h) return VK_ERR_NOMEM;
  *out = h;
  return VK_OK;
}

int32_t vk_hmac_setkey(vk_hmac *h, const uint8_t *key, size_t key_len) {
  uint8_t k[64], pad[64];
  memset(k, 0, sizeof k);
  if (key_len > 64) {
    SHA1(key, key_len, k);
  } else {
    memcpy(k, key, key_len);
  }
  for (int i = 0; i < 64; i++) pad[i] = (uint8_t)(k[i] ^ 0x36);
  SHA1_Init(&h->inner);
  SHA1_Update(&h->inner, pad, 64);
  for (int i = 0; i < 64; i++) pad[i] = (uint8_t)(k[i] ^ 0x5c);
  SHA1_Init(&h->outer);
  SHA1_Update(&h->outer, pad, 64);
  vk_wipe(k, sizeof k);
  vk_wipe(pad, sizeof pad);
  return VK_OK;
}

void vk_hmac_sha1(vk_hmac *h, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len, uint8_t out[20]) {
  SHA_CTX c = h->inner;
  uint8_t d[20];
  SHA1_Update(&c, a, a_len);
  if (b_len) SHA1_Update(&c, b, b_len);
  SHA1_Final(d, &c);
  c = h->outer;
  SHA1_Update(&c, d, 20);
  SHA1_Final(out, &c);
}

void vk_hmac_free(vk_hmac *h) {
  if (!h) return;
  vk_wipe(h, sizeof *h);
  free(h);
}
