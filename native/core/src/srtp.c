/*
 * SRTP / SRTCP protocol (RFC 3711; RFC 6188 AES-192/256; RFC 7714 AES-GCM)
 * over the internal crypto interface (crypto.h).  See vk_srtp.h for the
 * contract.  Section numbers below are RFC 3711's unless noted.
 */
#include "vk_srtp.h"
#include "crypto.h"
#include <stdlib.h>
#include <string.h>

/* ---- tuning constants ---------------------------------------------------- */
#define DEFAULT_WINDOW 128u
#define DEFAULT_MAX_STREAMS 64u
#define MIN_WINDOW 64u
#define SRTP_MAX_LIFETIME ((uint64_t)1 << 48)  /* 3.2.1 */
#define SRTCP_MAX_LIFETIME ((uint64_t)1 << 31) /* 3.2.1 */
#define AUTH_KEY_LEN 20                         /* HMAC-SHA1, n_a = 160 */
#define SRTCP_CM_TAG 10                         /* SRTCP tags are 80 bits in every CM suite (RFC 4568 6.2) */
#define GCM_TAG 16

typedef struct profile_info {
  uint8_t key_len, salt_len, rtp_tag, rtcp_tag, aead;
} profile_info;

static const profile_info *profile_of(uint32_t id) {
  static const profile_info table[9] = {
      {0, 0, 0, 0, 0},
      {16, 14, 10, SRTCP_CM_TAG, 0}, /* AES_CM_128_HMAC_SHA1_80 */
      {16, 14, 4, SRTCP_CM_TAG, 0},  /* AES_CM_128_HMAC_SHA1_32 */
      {24, 14, 10, SRTCP_CM_TAG, 0}, /* AES_192_CM_HMAC_SHA1_80 */
      {24, 14, 4, SRTCP_CM_TAG, 0},  /* AES_192_CM_HMAC_SHA1_32 */
      {32, 14, 10, SRTCP_CM_TAG, 0}, /* AES_256_CM_HMAC_SHA1_80 */
      {32, 14, 4, SRTCP_CM_TAG, 0},  /* AES_256_CM_HMAC_SHA1_32 */
      {16, 12, GCM_TAG, GCM_TAG, 1}, /* AEAD_AES_128_GCM */
      {32, 12, GCM_TAG, GCM_TAG, 1}, /* AEAD_AES_256_GCM */
  };
  if (id < 1 || id > 8) return NULL;
  return &table[id];
}

/* Session keys for one of RTP / RTCP. */
typedef struct keyset {
  vk_aes_ctr *ctr; /* CM suites */
  vk_gcm *gcm;     /* AEAD suites */
  vk_hmac *hmac;   /* CM suites */
  uint8_t salt[14];
  uint64_t r;      /* index DIV kdr these keys were derived for */
  int valid;
} keyset;

/* Replay state: a bitmap of `bits` (a power of two) positions, bit for
 * index i at i mod bits; valid for indices in (top - window, top]. */
typedef struct replay {
  uint64_t *map;
  uint64_t top;
  int init;
} replay;

typedef struct stream {
  uint32_t ssrc;
  /* RTP outbound: highest index sent (ROC || seq) */
  int tx_init;
  uint32_t tx_roc;
  uint16_t tx_seq;
  /* RTP inbound */
  uint32_t rx_roc; /* ROC of rx.top (or the preset before the first packet) */
  uint16_t rx_seq;
  replay rx;
  /* RTCP */
  uint32_t rtcp_next; /* next SRTCP index to send */
  replay rtcp_rx;
  keyset own[2]; /* per-stream keys when kdr != 0 */
} stream;

struct vk_srtp {
  const profile_info *p;
  vk_srtp_config cfg;
  uint32_t window, bits; /* configured window, bitmap positions */
  uint8_t master_key[32], master_salt[14];
  uint8_t mki[VK_SRTP_MAX_MKI];
  vk_aes_ctr *prf; /* AES-CM keyed with the master key (4.3.3) */
  keyset keys[2];  /* RTP, RTCP session keys when kdr == 0 */
  uint64_t rtp_limit, rtcp_limit;
  uint64_t rtp_count, rtcp_count;
  /* streams: slots[0 .. nstreams) are live; slots[nstreams] is a
   * provisional stream being authenticated.  hash maps SSRC -> slot. */
  stream **slots;
  uint32_t nstreams, nalloc;
  int32_t *hash;
  uint32_t hash_mask;
  double stat[VK_SRTP_STAT_COUNT];
};

/* ---- helpers ------------------------------------------------------------- */

static inline uint32_t rd32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void wr32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static int32_t keyset_alloc(keyset *k, const profile_info *p) {
  int32_t r;
  if (p->aead) {
    if ((r = vk_gcm_new(&k->gcm)) != VK_OK) return r;
  } else {
    if ((r = vk_aes_ctr_new(&k->ctr)) != VK_OK) return r;
    if ((r = vk_hmac_new(&k->hmac)) != VK_OK) return r;
  }
  return VK_OK;
}

static void keyset_free(keyset *k) {
  vk_aes_ctr_free(k->ctr);
  vk_gcm_free(k->gcm);
  vk_hmac_free(k->hmac);
  vk_wipe(k, sizeof *k);
}

/* 4.3.1 / 4.3.3: key_id = label || r; x = key_id XOR master_salt; the PRF
 * output is AES-CM keystream under the master key with IV = x * 2^16.
 * A 12-byte (GCM) master salt is padded with zeros to 112 bits (RFC 7714
 * 11, as libsrtp does). */
static int32_t kdf(vk_srtp *s, uint8_t label, uint64_t r, uint8_t *out, size_t n) {
  uint8_t iv[16];
  memset(iv, 0, sizeof iv);
  memcpy(iv, s->master_salt, 14);
  iv[7] ^= label;
  for (int i = 0; i < 6; i++) iv[8 + i] ^= (uint8_t)(r >> (40 - 8 * i));
  memset(out, 0, n);
  return vk_aes_ctr_xor(s->prf, iv, out, out, n);
}

static int32_t derive(vk_srtp *s, keyset *k, int rtcp, uint64_t r) {
  const profile_info *p = s->p;
  uint8_t label = rtcp ? 3 : 0;
  uint8_t ek[32], ak[AUTH_KEY_LEN], salt[14];
  int32_t st;
  if (s->cfg.flags & VK_SRTP_F_SESSION_KEYS) {
    memcpy(ek, s->master_key, p->key_len);
    memset(ak, 0, sizeof ak);
    memcpy(salt, s->master_salt, 14);
  } else {
    if ((st = kdf(s, label, r, ek, p->key_len)) != VK_OK) return st;
    if ((st = kdf(s, (uint8_t)(label + 1), r, ak, sizeof ak)) != VK_OK) return st;
    if ((st = kdf(s, (uint8_t)(label + 2), r, salt, p->salt_len)) != VK_OK) return st;
  }
  memset(k->salt, 0, sizeof k->salt);
  memcpy(k->salt, salt, p->salt_len);
  if (p->aead) {
    st = vk_gcm_setkey(k->gcm, ek, p->key_len);
  } else {
    st = vk_aes_ctr_setkey(k->ctr, ek, p->key_len);
    if (st == VK_OK) st = vk_hmac_setkey(k->hmac, ak, sizeof ak);
  }
  vk_wipe(ek, sizeof ek);
  vk_wipe(ak, sizeof ak);
  vk_wipe(salt, sizeof salt);
  if (st != VK_OK) return st;
  k->r = r;
  k->valid = 1;
  return VK_OK;
}

/* The keys for a packet with this index (RTP: 48-bit index, RTCP: SRTCP
 * index); re-derived per stream when kdr != 0 and index DIV kdr moved. */
static int32_t keys_for(vk_srtp *s, stream *st, int rtcp, uint64_t index, keyset **out) {
  if (s->cfg.kdr_log2 == 0) {
    *out = &s->keys[rtcp];
    return VK_OK;
  }
  keyset *k = &st->own[rtcp];
  uint64_t r = index >> (s->cfg.kdr_log2 - 1);
  if (!k->valid || k->r != r) {
    int32_t e = derive(s, k, rtcp, r);
    if (e != VK_OK) return e;
  }
  *out = k;
  return VK_OK;
}

/* ---- replay window (3.3.2) ----------------------------------------------- */

static int32_t replay_check(const vk_srtp *s, const replay *rp, uint64_t idx) {
  if (!rp->init || idx > rp->top) return VK_OK;
  uint64_t age = rp->top - idx;
  if (age >= s->window) return VK_ERR_REPLAY_OLD;
  uint64_t pos = idx & (s->bits - 1);
  if ((rp->map[pos >> 6] >> (pos & 63)) & 1) return VK_ERR_REPLAY_DUPLICATE;
  return VK_OK;
}

static void replay_add(const vk_srtp *s, replay *rp, uint64_t idx) {
  uint32_t words = s->bits / 64;
  if (!rp->init || idx >= rp->top + s->bits) {
    memset(rp->map, 0, words * sizeof(uint64_t));
    rp->init = 1;
    rp->top = idx;
  } else if (idx > rp->top) {
    for (uint64_t j = rp->top + 1; j < idx; j++) {
      uint64_t pos = j & (s->bits - 1);
      rp->map[pos >> 6] &= ~((uint64_t)1 << (pos & 63));
    }
    rp->top = idx;
  }
  uint64_t pos = idx & (s->bits - 1);
  rp->map[pos >> 6] |= (uint64_t)1 << (pos & 63);
}

/* ---- streams -------------------------------------------------------------- */

static stream *find_stream(const vk_srtp *s, uint32_t ssrc) {
  uint32_t h = (ssrc * 2654435761u) & s->hash_mask;
  for (;;) {
    int32_t i = s->hash[h];
    if (i < 0) return NULL;
    if (s->slots[i]->ssrc == ssrc) return s->slots[i];
    h = (h + 1) & s->hash_mask;
  }
}

static void stream_reset(vk_srtp *s, stream *st, uint32_t ssrc) {
  st->ssrc = ssrc;
  st->tx_init = 0;
  st->tx_roc = 0;
  st->tx_seq = 0;
  st->rx_roc = 0;
  st->rx_seq = 0;
  st->rx.init = 0;
  st->rx.top = 0;
  st->rtcp_next = 0;
  st->rtcp_rx.init = 0;
  st->rtcp_rx.top = 0;
  st->own[0].valid = 0;
  st->own[1].valid = 0;
}

/* A provisional stream in the next free slot (not yet findable). */
static int32_t provisional(vk_srtp *s, uint32_t ssrc, stream **out) {
  if (s->nstreams >= s->cfg.max_streams) return VK_ERR_NO_STREAM;
  uint32_t i = s->nstreams;
  if (i >= s->nalloc) {
    stream *st = (stream *)calloc(1, sizeof *st);
    if (!st) return VK_ERR_NOMEM;
    size_t words = s->bits / 64;
    st->rx.map = (uint64_t *)calloc(words, sizeof(uint64_t));
    st->rtcp_rx.map = (uint64_t *)calloc(words, sizeof(uint64_t));
    int32_t e = VK_OK;
    if (!st->rx.map || !st->rtcp_rx.map) e = VK_ERR_NOMEM;
    if (e == VK_OK && s->cfg.kdr_log2) {
      e = keyset_alloc(&st->own[0], s->p);
      if (e == VK_OK) e = keyset_alloc(&st->own[1], s->p);
    }
    if (e != VK_OK) {
      keyset_free(&st->own[0]);
      keyset_free(&st->own[1]);
      free(st->rx.map);
      free(st->rtcp_rx.map);
      free(st);
      return e;
    }
    s->slots[i] = st;
    s->nalloc++;
  }
  stream_reset(s, s->slots[i], ssrc);
  *out = s->slots[i];
  return VK_OK;
}

static void commit(vk_srtp *s, stream *st) {
  if (s->nstreams < s->nalloc && s->slots[s->nstreams] == st) {
    uint32_t h = (st->ssrc * 2654435761u) & s->hash_mask;
    while (s->hash[h] >= 0) h = (h + 1) & s->hash_mask;
    s->hash[h] = (int32_t)s->nstreams;
    s->nstreams++;
    s->stat[VK_SRTP_STAT_STREAMS] = s->nstreams;
  }
}

static int32_t get_or_create(vk_srtp *s, uint32_t ssrc, stream **out) {
  stream *st = find_stream(s, ssrc);
  if (!st) {
    int32_t e = provisional(s, ssrc, &st);
    if (e != VK_OK) return e;
    commit(s, st);
  }
  *out = st;
  return VK_OK;
}

/* ---- session -------------------------------------------------------------- */

int32_t vk_srtp_profile_info(int32_t profile, uint32_t *key_len, uint32_t *salt_len, uint32_t *rtp_overhead,
                             uint32_t *rtcp_overhead) {
  const profile_info *p = profile_of((uint32_t)profile);
  if (!p) return VK_ERR_ARG;
  if (key_len) *key_len = p->key_len;
  if (salt_len) *salt_len = p->salt_len;
  if (rtp_overhead) *rtp_overhead = p->rtp_tag;
  if (rtcp_overhead) *rtcp_overhead = p->rtcp_tag + 4u;
  return VK_OK;
}

int32_t vk_srtp_create(const vk_srtp_config *cfg, const uint8_t *key, size_t key_len, const uint8_t *salt,
                       size_t salt_len, const uint8_t *mki, vk_srtp **out) {
  if (!cfg || !key || !salt || !out) return VK_ERR_ARG;
  const profile_info *p = profile_of(cfg->profile);
  if (!p || key_len != p->key_len || salt_len != p->salt_len) return VK_ERR_ARG;
  vk_srtp_config c = *cfg;
  if (c.replay_window == 0) c.replay_window = DEFAULT_WINDOW;
  if (c.max_streams == 0) c.max_streams = DEFAULT_MAX_STREAMS;
  if (c.replay_window < MIN_WINDOW || c.replay_window > VK_SRTP_MAX_WINDOW) return VK_ERR_ARG;
  if (c.max_streams > VK_SRTP_MAX_STREAMS) return VK_ERR_ARG;
  if (c.kdr_log2 > 25) return VK_ERR_ARG;
  if (c.mki_len > VK_SRTP_MAX_MKI || (c.mki_len && !mki)) return VK_ERR_ARG;
  if (c.flags & ~(VK_SRTP_F_RTP_UNENCRYPTED | VK_SRTP_F_RTCP_UNENCRYPTED | VK_SRTP_F_SESSION_KEYS)) return VK_ERR_ARG;

  vk_srtp *s = (vk_srtp *)calloc(1, sizeof *s);
  if (!s) return VK_ERR_NOMEM;
  s->p = p;
  s->cfg = c;
  s->window = c.replay_window;
  s->bits = MIN_WINDOW;
  while (s->bits < c.replay_window) s->bits <<= 1;
  memcpy(s->master_key, key, key_len);
  memcpy(s->master_salt, salt, salt_len);
  if (c.mki_len) memcpy(s->mki, mki, c.mki_len);
  uint64_t life = ((uint64_t)c.lifetime_hi << 32) | c.lifetime_lo;
  s->rtp_limit = (life == 0 || life > SRTP_MAX_LIFETIME) ? SRTP_MAX_LIFETIME : life;
  s->rtcp_limit = (life == 0 || life > SRTCP_MAX_LIFETIME) ? SRTCP_MAX_LIFETIME : life;

  uint32_t hsize = 16;
  while (hsize < 2 * c.max_streams) hsize <<= 1;
  s->hash_mask = hsize - 1;
  s->hash = (int32_t *)malloc(hsize * sizeof(int32_t));
  s->slots = (stream **)calloc(c.max_streams, sizeof(stream *));
  int32_t e = (s->hash && s->slots) ? VK_OK : VK_ERR_NOMEM;
  if (e == VK_OK) {
    for (uint32_t i = 0; i < hsize; i++) s->hash[i] = -1;
    e = vk_aes_ctr_new(&s->prf);
  }
  if (e == VK_OK) e = vk_aes_ctr_setkey(s->prf, s->master_key, key_len);
  if (e == VK_OK) e = keyset_alloc(&s->keys[0], p);
  if (e == VK_OK) e = keyset_alloc(&s->keys[1], p);
  if (e == VK_OK && c.kdr_log2 == 0) {
    e = derive(s, &s->keys[0], 0, 0);
    if (e == VK_OK) e = derive(s, &s->keys[1], 1, 0);
  }
  if (e != VK_OK) {
    vk_srtp_destroy(s);
    return e;
  }
  *out = s;
  return VK_OK;
}

void vk_srtp_destroy(vk_srtp *s) {
  if (!s) return;
  for (uint32_t i = 0; i < s->nalloc; i++) {
    stream *st = s->slots[i];
    keyset_free(&st->own[0]);
    keyset_free(&st->own[1]);
    free(st->rx.map);
    free(st->rtcp_rx.map);
    free(st);
  }
  free(s->slots);
  free(s->hash);
  keyset_free(&s->keys[0]);
  keyset_free(&s->keys[1]);
  vk_aes_ctr_free(s->prf);
  vk_wipe(s, sizeof *s);
  free(s);
}

/* ---- RTP ------------------------------------------------------------------ */

/* Length of the RTP header (fixed part, CSRCs, extension) within len. */
static int32_t rtp_header_len(const uint8_t *p, size_t len) {
  if (len < 12) return VK_ERR_BAD_LENGTH;
  if ((p[0] >> 6) != 2) return VK_ERR_BAD_VERSION;
  size_t h = 12 + 4u * (p[0] & 15u);
  if (p[0] & 0x10) {
    if (len < h + 4) return VK_ERR_BAD_LENGTH;
    h += 4 + 4u * (((size_t)p[h + 2] << 8) | p[h + 3]);
  }
  if (h > len) return VK_ERR_BAD_LENGTH;
  return (int32_t)h;
}

/* Appendix A: the ROC v guessed for seq against the highest (roc, s_l).
 * Returns 0, or -1 when v would be negative. */
static int guess_roc(uint32_t roc, uint16_t s_l, uint16_t seq, uint32_t *v) {
  if (s_l < 32768) {
    if ((int32_t)seq - (int32_t)s_l > 32768) {
      if (roc == 0) return -1;
      *v = roc - 1;
    } else {
      *v = roc;
    }
  } else {
    if ((int32_t)s_l - 32768 > (int32_t)seq) {
      if (roc == 0xffffffffu) return -1;
      *v = roc + 1;
    } else {
      *v = roc;
    }
  }
  return 0;
}

/* CM IV (4.1.1): (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16). */
static void cm_iv(uint8_t iv[16], const uint8_t salt[14], uint32_t ssrc, uint64_t index) {
  memcpy(iv, salt, 14);
  iv[14] = 0;
  iv[15] = 0;
  iv[4] ^= (uint8_t)(ssrc >> 24); iv[5] ^= (uint8_t)(ssrc >> 16); iv[6] ^= (uint8_t)(ssrc >> 8); iv[7] ^= (uint8_t)ssrc;
  for (int i = 0; i < 6; i++) iv[8 + i] ^= (uint8_t)(index >> (40 - 8 * i));
}

/* RFC 7714 8.1 / 9.1: 12-byte IV = salt XOR (00 00 || SSRC || w1 || w2),
 * w1 || w2 the ROC and SEQ (SRTP) or 00 00 and the SRTCP index. */
static void gcm_iv(uint8_t iv[12], const uint8_t salt[14], uint32_t ssrc, uint32_t hi, uint16_t lo_or_0, int rtcp) {
  memcpy(iv, salt, 12);
  iv[2] ^= (uint8_t)(ssrc >> 24); iv[3] ^= (uint8_t)(ssrc >> 16); iv[4] ^= (uint8_t)(ssrc >> 8); iv[5] ^= (uint8_t)ssrc;
  if (rtcp) {
    iv[8] ^= (uint8_t)(hi >> 24); iv[9] ^= (uint8_t)(hi >> 16); iv[10] ^= (uint8_t)(hi >> 8); iv[11] ^= (uint8_t)hi;
  } else {
    iv[6] ^= (uint8_t)(hi >> 24); iv[7] ^= (uint8_t)(hi >> 16); iv[8] ^= (uint8_t)(hi >> 8); iv[9] ^= (uint8_t)hi;
    iv[10] ^= (uint8_t)(lo_or_0 >> 8); iv[11] ^= (uint8_t)lo_or_0;
  }
}

static int32_t fail(vk_srtp *s, int32_t e) {
  switch (e) {
    case VK_ERR_AUTH_FAIL: s->stat[VK_SRTP_STAT_AUTH_FAIL]++; break;
    case VK_ERR_REPLAY_DUPLICATE: s->stat[VK_SRTP_STAT_REPLAY_DUPLICATE]++; break;
    case VK_ERR_REPLAY_OLD: s->stat[VK_SRTP_STAT_REPLAY_OLD]++; break;
    case VK_ERR_KEY_EXPIRED: s->stat[VK_SRTP_STAT_KEY_EXPIRED]++; break;
    case VK_ERR_BAD_LENGTH: case VK_ERR_BAD_VERSION: case VK_ERR_BAD_PACKET: case VK_ERR_BAD_MKI:
      s->stat[VK_SRTP_STAT_BAD_PACKET]++; break;
    default: break;
  }
  return e;
}

/* The batch API (vk_srtp_batch) computes the HMACs of the AES-CM suites for
 * up to VK_HMAC_MAX_LANES packets at once: one packet's SHA-1 waits on
 * instruction latency, several fill the unit (vk_hmac_sha1_lanes).
 * early_tag: a tag computed before unprotecting, for the packet at `in`
 * with `alen` authenticated bytes under ROC `roc` and the session's RTP keys;
 * unprotect uses it only if all of these still hold.
 * late_tag: a tag that protect leaves to the batch, over auth[0 .. len) ||
 * roc, whose first `tag` bytes go to dst. */
typedef struct early_tag {
  const uint8_t *in;
  size_t alen;
  uint32_t roc;
  uint8_t d[20];
} early_tag;

typedef struct late_tag {
  const uint8_t *auth;
  size_t len, tag;
  uint8_t roc[4];
  uint8_t *dst;
} late_tag;

static int32_t protect_rtp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap, late_tag *late) {
  if (!s || !in || !out) return VK_ERR_ARG;
  const profile_info *p = s->p;
  int32_t hl = rtp_header_len(in, len);
  if (hl < 0) return fail(s, hl);
  size_t mki = s->cfg.mki_len, tag = p->rtp_tag, need = len + mki + tag;
  if (cap < need) return VK_ERR_BUFFER_SMALL;
  uint16_t seq = (uint16_t)((in[2] << 8) | in[3]);
  uint32_t ssrc = rd32(in + 8);
  stream *st;
  int32_t e = get_or_create(s, ssrc, &st);
  if (e != VK_OK) return e;
  uint32_t v = st->tx_roc;
  if (st->tx_init && guess_roc(st->tx_roc, st->tx_seq, seq, &v) != 0) return fail(s, VK_ERR_REPLAY_OLD);
  uint64_t index = ((uint64_t)v << 16) | seq;
  if (s->rtp_count >= s->rtp_limit) return fail(s, VK_ERR_KEY_EXPIRED);
  keyset *k;
  if ((e = keys_for(s, st, 0, index, &k)) != VK_OK) return e;
  int enc = !(s->cfg.flags & VK_SRTP_F_RTP_UNENCRYPTED);
  if (out != in) memcpy(out, in, enc ? (size_t)hl : len);
  if (p->aead) {
    uint8_t iv[12];
    gcm_iv(iv, k->salt, ssrc, v, seq, 0);
    if (enc) e = vk_gcm_seal(k->gcm, iv, out, (size_t)hl, NULL, 0, in + hl, out + hl, len - (size_t)hl, out + len, tag);
    else e = vk_gcm_seal(k->gcm, iv, out, len, NULL, 0, NULL, out + len, 0, out + len, tag);
    if (e != VK_OK) return e;
    if (mki) memcpy(out + len + tag, s->mki, mki);
  } else {
    uint8_t iv[16], roc[4], full[20];
    if (enc) {
      cm_iv(iv, k->salt, ssrc, index);
      if ((e = vk_aes_ctr_xor(k->ctr, iv, in + hl, out + hl, len - (size_t)hl)) != VK_OK) return e;
    }
    wr32(roc, v);
    if (mki) memcpy(out + len, s->mki, mki);
    if (late && k == &s->keys[0]) {
      late->auth = out;
      late->len = len;
      late->tag = tag;
      memcpy(late->roc, roc, 4);
      late->dst = out + len + mki;
    } else {
      vk_hmac_sha1(k->hmac, out, len, roc, 4, full);
      memcpy(out + len + mki, full, tag);
    }
  }
  if (!st->tx_init || index > (((uint64_t)st->tx_roc << 16) | st->tx_seq)) {
    st->tx_roc = v;
    st->tx_seq = seq;
    st->tx_init = 1;
  }
  s->rtp_count++;
  s->stat[VK_SRTP_STAT_RTP_PROTECTED]++;
  return (int32_t)need;
}

int32_t vk_srtp_protect_rtp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
  return protect_rtp(s, in, len, out, cap, NULL);
}

static int32_t unprotect_rtp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap, const early_tag *pre) {
  if (!s || !in || !out) return VK_ERR_ARG;
  const profile_info *p = s->p;
  size_t mki = s->cfg.mki_len, tag = p->rtp_tag;
  if (len < 12 + mki + tag) return fail(s, VK_ERR_BAD_LENGTH);
  size_t alen = len - mki - tag; /* header + payload */
  int32_t hl = rtp_header_len(in, alen);
  if (hl < 0) return fail(s, hl);
  const uint8_t *mki_at = p->aead ? in + len - mki : in + alen;
  const uint8_t *tag_at = p->aead ? in + alen : in + alen + mki;
  if (mki && memcmp(mki_at, s->mki, mki) != 0) return fail(s, VK_ERR_BAD_MKI);
  if (cap < alen) return VK_ERR_BUFFER_SMALL;
  uint16_t seq = (uint16_t)((in[2] << 8) | in[3]);
  uint32_t ssrc = rd32(in + 8);
  stream *st = find_stream(s, ssrc);
  int32_t e;
  if (!st && (e = provisional(s, ssrc, &st)) != VK_OK) return fail(s, e);
  uint32_t v = st->rx_roc;
  if (st->rx.init && guess_roc(st->rx_roc, st->rx_seq, seq, &v) != 0) return fail(s, VK_ERR_REPLAY_OLD);
  uint64_t index = ((uint64_t)v << 16) | seq;
  if ((e = replay_check(s, &st->rx, index)) != VK_OK) return fail(s, e);
  if (s->rtp_count >= s->rtp_limit) return fail(s, VK_ERR_KEY_EXPIRED);
  keyset *k;
  if ((e = keys_for(s, st, 0, index, &k)) != VK_OK) return e;
  int enc = !(s->cfg.flags & VK_SRTP_F_RTP_UNENCRYPTED);
  if (p->aead) {
    uint8_t iv[12], t[GCM_TAG];
    gcm_iv(iv, k->salt, ssrc, v, seq, 0);
    memcpy(t, tag_at, tag);
    if (enc) {
      if (out != in) memcpy(out, in, (size_t)hl);
      e = vk_gcm_open(k->gcm, iv, in, (size_t)hl, NULL, 0, in + hl, out + hl, alen - (size_t)hl, t, tag);
    } else {
      e = vk_gcm_open(k->gcm, iv, in, alen, NULL, 0, NULL, out, 0, t, tag);
      if (e == VK_OK && out != in) memcpy(out, in, alen);
    }
    if (e != VK_OK) return fail(s, e);
  } else {
    uint8_t roc[4], full[20];
    wr32(roc, v);
    if (pre && pre->in == in && pre->alen == alen && pre->roc == v && k == &s->keys[0]) memcpy(full, pre->d, sizeof full);
    else vk_hmac_sha1(k->hmac, in, alen, roc, 4, full);
    if (vk_ct_differ(full, tag_at, tag)) return fail(s, VK_ERR_AUTH_FAIL);
    if (out != in) memcpy(out, in, enc ? (size_t)hl : alen);
    if (enc) {
      uint8_t iv[16];
      cm_iv(iv, k->salt, ssrc, index);
      if ((e = vk_aes_ctr_xor(k->ctr, iv, in + hl, out + hl, alen - (size_t)hl)) != VK_OK) return e;
    }
  }
  commit(s, st);
  if (!st->rx.init || index > st->rx.top) {
    st->rx_roc = v;
    st->rx_seq = seq;
  }
  replay_add(s, &st->rx, index);
  s->rtp_count++;
  s->stat[VK_SRTP_STAT_RTP_UNPROTECTED]++;
  return (int32_t)alen;
}

int32_t vk_srtp_unprotect_rtp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
  return unprotect_rtp(s, in, len, out, cap, NULL);
}

/* Packet j of a batch group lies apart from the group's others (its
 * [off, off + cap) meets none of theirs): processing them cannot change its
 * bytes, so its tag may be computed before or after them. */
static int alone(const uint32_t *off, const uint32_t *cap, size_t n, size_t j) {
  for (size_t m = 0; m < n; m++)
    if (m != j && off[m] < (uint64_t)off[j] + cap[j] && off[j] < (uint64_t)off[m] + cap[m]) return 0;
  return 1;
}

/* Unprotect: the tags of the group's packets that would reach the tag check
 * and lie apart, from the state before the group. */
static void early_tags(vk_srtp *s, uint8_t *buf, size_t buf_len, const uint32_t *off, const int32_t *len,
                       const uint32_t *cap, size_t n, early_tag *pre) {
  vk_hmac *h[VK_HMAC_MAX_LANES];
  const uint8_t *a[VK_HMAC_MAX_LANES], *b[VK_HMAC_MAX_LANES];
  size_t a_len[VK_HMAC_MAX_LANES], b_len[VK_HMAC_MAX_LANES], at[VK_HMAC_MAX_LANES], lanes = 0;
  uint8_t roc[VK_HMAC_MAX_LANES][4], d[VK_HMAC_MAX_LANES][20];
  size_t mki = s->cfg.mki_len, tag = s->p->rtp_tag;
  for (size_t j = 0; j < n; j++) {
    pre[j].in = NULL;
    if (len[j] < 0 || (uint64_t)off[j] + cap[j] > buf_len || (uint32_t)len[j] > cap[j]) continue;
    if ((size_t)len[j] < 12 + mki + tag || s->rtp_count >= s->rtp_limit) continue;
    const uint8_t *in = buf + off[j];
    size_t alen = (size_t)len[j] - mki - tag;
    if (rtp_header_len(in, alen) < 0 || (mki && memcmp(in + alen, s->mki, mki) != 0)) continue;
    if (!alone(off, cap, n, j)) continue;
    uint16_t seq = (uint16_t)((in[2] << 8) | in[3]);
    const stream *st = find_stream(s, rd32(in + 8));
    uint32_t v = st ? st->rx_roc : 0;
    if (st && st->rx.init && guess_roc(st->rx_roc, st->rx_seq, seq, &v) != 0) continue;
    if (st && replay_check(s, &st->rx, ((uint64_t)v << 16) | seq) != VK_OK) continue;
    pre[j].in = in;
    pre[j].alen = alen;
    pre[j].roc = v;
    wr32(roc[lanes], v);
    h[lanes] = s->keys[0].hmac;
    a[lanes] = in;
    a_len[lanes] = alen;
    b[lanes] = roc[lanes];
    b_len[lanes] = 4;
    at[lanes++] = j;
  }
  if (!lanes) return;
  vk_hmac_sha1_lanes(h, a, a_len, b, b_len, d, lanes);
  for (size_t l = 0; l < lanes; l++) memcpy(pre[at[l]].d, d[l], sizeof d[l]);
}

/* Protect: the tags the group's packets left (auth != NULL). */
static void late_tags(vk_srtp *s, const late_tag *late, size_t n) {
  vk_hmac *h[VK_HMAC_MAX_LANES];
  const uint8_t *a[VK_HMAC_MAX_LANES], *b[VK_HMAC_MAX_LANES];
  size_t a_len[VK_HMAC_MAX_LANES], b_len[VK_HMAC_MAX_LANES], at[VK_HMAC_MAX_LANES], lanes = 0;
  uint8_t d[VK_HMAC_MAX_LANES][20];
  for (size_t j = 0; j < n; j++) {
    if (!late[j].auth) continue;
    h[lanes] = s->keys[0].hmac;
    a[lanes] = late[j].auth;
    a_len[lanes] = late[j].len;
    b[lanes] = late[j].roc;
    b_len[lanes] = 4;
    at[lanes++] = j;
  }
  if (!lanes) return;
  vk_hmac_sha1_lanes(h, a, a_len, b, b_len, d, lanes);
  for (size_t l = 0; l < lanes; l++) memcpy(late[at[l]].dst, d[l], late[at[l]].tag);
}

/* ---- RTCP ----------------------------------------------------------------- */

int32_t vk_srtp_protect_rtcp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
  if (!s || !in || !out) return VK_ERR_ARG;
  const profile_info *p = s->p;
  if (len < 8) return fail(s, VK_ERR_BAD_LENGTH);
  if ((in[0] >> 6) != 2) return fail(s, VK_ERR_BAD_VERSION);
  size_t mki = s->cfg.mki_len, tag = p->rtcp_tag, need = len + 4 + mki + tag;
  if (cap < need) return VK_ERR_BUFFER_SMALL;
  uint32_t ssrc = rd32(in + 4);
  stream *st;
  int32_t e = get_or_create(s, ssrc, &st);
  if (e != VK_OK) return e;
  uint32_t index = st->rtcp_next;
  if (index > 0x7fffffffu || s->rtcp_count >= s->rtcp_limit) return fail(s, VK_ERR_KEY_EXPIRED);
  keyset *k;
  if ((e = keys_for(s, st, 1, index, &k)) != VK_OK) return e;
  int enc = !(s->cfg.flags & VK_SRTP_F_RTCP_UNENCRYPTED);
  uint8_t ei[4];
  wr32(ei, ((uint32_t)enc << 31) | index);
  if (out != in) memcpy(out, in, enc ? 8 : len);
  if (p->aead) {
    /* header || ciphertext || tag || E+index || MKI (RFC 7714 9) */
    uint8_t iv[12], t[GCM_TAG];
    gcm_iv(iv, k->salt, ssrc, index, 0, 1);
    if (enc) e = vk_gcm_seal(k->gcm, iv, out, 8, ei, 4, in + 8, out + 8, len - 8, t, tag);
    else e = vk_gcm_seal(k->gcm, iv, out, len, ei, 4, NULL, out + len, 0, t, tag);
    if (e != VK_OK) return e;
    memcpy(out + len, t, tag);
    memcpy(out + len + tag, ei, 4);
    if (mki) memcpy(out + len + tag + 4, s->mki, mki);
  } else {
    /* header || ciphertext || E+index || MKI || tag (3.4) */
    uint8_t iv[16], full[20];
    if (enc) {
      cm_iv(iv, k->salt, ssrc, index);
      if ((e = vk_aes_ctr_xor(k->ctr, iv, in + 8, out + 8, len - 8)) != VK_OK) return e;
    }
    memcpy(out + len, ei, 4);
    vk_hmac_sha1(k->hmac, out, len + 4, NULL, 0, full);
    if (mki) memcpy(out + len + 4, s->mki, mki);
    memcpy(out + len + 4 + mki, full, tag);
  }
  st->rtcp_next = index + 1;
  s->rtcp_count++;
  s->stat[VK_SRTP_STAT_RTCP_PROTECTED]++;
  return (int32_t)need;
}

int32_t vk_srtp_unprotect_rtcp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
  if (!s || !in || !out) return VK_ERR_ARG;
  const profile_info *p = s->p;
  size_t mki = s->cfg.mki_len, tag = p->rtcp_tag;
  if (len < 8 + 4 + mki + tag) return fail(s, VK_ERR_BAD_LENGTH);
  if ((in[0] >> 6) != 2) return fail(s, VK_ERR_BAD_VERSION);
  size_t plen = len - 4 - mki - tag;
  const uint8_t *ei_at, *tag_at, *mki_at;
  if (p->aead) {
    tag_at = in + plen;
    ei_at = in + plen + tag;
    mki_at = ei_at + 4;
  } else {
    ei_at = in + plen;
    mki_at = ei_at + 4;
    tag_at = mki_at + mki;
  }
  if (mki && memcmp(mki_at, s->mki, mki) != 0) return fail(s, VK_ERR_BAD_MKI);
  if (cap < plen) return VK_ERR_BUFFER_SMALL;
  uint8_t ei[4];
  memcpy(ei, ei_at, 4);
  uint32_t word = rd32(ei), index = word & 0x7fffffffu;
  int enc = (int)(word >> 31);
  uint32_t ssrc = rd32(in + 4);
  stream *st = find_stream(s, ssrc);
  int32_t e;
  if (!st && (e = provisional(s, ssrc, &st)) != VK_OK) return fail(s, e);
  if ((e = replay_check(s, &st->rtcp_rx, index)) != VK_OK) return fail(s, e);
  if (s->rtcp_count >= s->rtcp_limit) return fail(s, VK_ERR_KEY_EXPIRED);
  keyset *k;
  if ((e = keys_for(s, st, 1, index, &k)) != VK_OK) return e;
  if (p->aead) {
    uint8_t iv[12], t[GCM_TAG];
    gcm_iv(iv, k->salt, ssrc, index, 0, 1);
    memcpy(t, tag_at, tag);
    if (enc) {
      if (out != in) memcpy(out, in, 8);
      e = vk_gcm_open(k->gcm, iv, in, 8, ei, 4, in + 8, out + 8, plen - 8, t, tag);
    } else {
      e = vk_gcm_open(k->gcm, iv, in, plen, ei, 4, NULL, out, 0, t, tag);
      if (e == VK_OK && out != in) memcpy(out, in, plen);
    }
    if (e != VK_OK) return fail(s, e);
  } else {
    uint8_t full[20];
    vk_hmac_sha1(k->hmac, in, plen + 4, NULL, 0, full);
    if (vk_ct_differ(full, tag_at, tag)) return fail(s, VK_ERR_AUTH_FAIL);
    if (out != in) memcpy(out, in, enc ? 8 : plen);
    if (enc) {
      uint8_t iv[16];
      cm_iv(iv, k->salt, ssrc, index);
      if ((e = vk_aes_ctr_xor(k->ctr, iv, in + 8, out + 8, plen - 8)) != VK_OK) return e;
    }
  }
  commit(s, st);
  replay_add(s, &st->rtcp_rx, index);
  s->rtcp_count++;
  s->stat[VK_SRTP_STAT_RTCP_UNPROTECTED]++;
  return (int32_t)plen;
}

/* ---- batch, control, stats ------------------------------------------------ */

int32_t vk_srtp_batch(vk_srtp *s, int32_t op, uint8_t *buf, size_t buf_len, const uint32_t *off, int32_t *len,
                      const uint32_t *cap, size_t n) {
  if (!s || !buf || !off || !len || !cap || op < 0 || op > 3) return VK_ERR_ARG;
  int32_t ok = 0;
  /* AES-CM RTP with fixed session keys: tags several at a time (see early_tag) */
  int lanes = !s->p->aead && s->cfg.kdr_log2 == 0 && vk_hmac_lanes(s->keys[0].hmac) > 1 &&
              (op == VK_SRTP_OP_PROTECT_RTP || op == VK_SRTP_OP_UNPROTECT_RTP);
  for (size_t g = 0; g < n; g += VK_HMAC_MAX_LANES) {
    size_t gn = n - g < VK_HMAC_MAX_LANES ? n - g : VK_HMAC_MAX_LANES;
    early_tag pre[VK_HMAC_MAX_LANES];
    late_tag late[VK_HMAC_MAX_LANES];
    if (lanes && op == VK_SRTP_OP_UNPROTECT_RTP) early_tags(s, buf, buf_len, off + g, len + g, cap + g, gn, pre);
    for (size_t j = 0; j < gn; j++) late[j].auth = NULL;
    for (size_t j = 0; j < gn; j++) {
      size_t i = g + j;
      if (len[i] < 0 || (uint64_t)off[i] + cap[i] > buf_len || (uint32_t)len[i] > cap[i]) {
        len[i] = VK_ERR_ARG;
        continue;
      }
      uint8_t *p = buf + off[i];
      int32_t r;
      switch (op) {
        case VK_SRTP_OP_PROTECT_RTP:
          r = protect_rtp(s, p, (size_t)len[i], p, cap[i], lanes && alone(off + g, cap + g, gn, j) ? &late[j] : NULL);
          break;
        case VK_SRTP_OP_UNPROTECT_RTP: r = unprotect_rtp(s, p, (size_t)len[i], p, cap[i], lanes ? &pre[j] : NULL); break;
        case VK_SRTP_OP_PROTECT_RTCP: r = vk_srtp_protect_rtcp(s, p, (size_t)len[i], p, cap[i]); break;
        default: r = vk_srtp_unprotect_rtcp(s, p, (size_t)len[i], p, cap[i]); break;
      }
      len[i] = r;
      if (r >= 0) ok++;
    }
    if (lanes && op == VK_SRTP_OP_PROTECT_RTP) late_tags(s, late, gn);
  }
  return ok;
}

int32_t vk_srtp_set_roc(vk_srtp *s, uint32_t ssrc, uint32_t roc) {
  if (!s) return VK_ERR_ARG;
  stream *st;
  int32_t e = get_or_create(s, ssrc, &st);
  if (e != VK_OK) return e;
  st->tx_roc = roc;
  st->rx_roc = roc;
  if (st->rx.init) st->rx.top = ((uint64_t)roc << 16) | st->rx_seq;
  return VK_OK;
}

int32_t vk_srtp_set_rtcp_index(vk_srtp *s, uint32_t ssrc, uint32_t index) {
  if (!s || index > 0x7fffffffu) return VK_ERR_ARG;
  stream *st;
  int32_t e = get_or_create(s, ssrc, &st);
  if (e != VK_OK) return e;
  st->rtcp_next = index;
  return VK_OK;
}

int32_t vk_srtp_stats(const vk_srtp *s, double *out, size_t n) {
  if (!s || !out) return VK_ERR_ARG;
  size_t m = n < VK_SRTP_STAT_COUNT ? n : VK_SRTP_STAT_COUNT;
  for (size_t i = 0; i < m; i++) out[i] = s->stat[i];
  return (int32_t)m;
}

int32_t vk_srtp_stream_info(const vk_srtp *s, uint32_t ssrc, double *out, size_t n) {
  if (!s || !out || n < 6) return VK_ERR_ARG;
  const stream *st = find_stream(s, ssrc);
  if (!st) return VK_ERR_NO_STREAM;
  out[0] = st->tx_init ? (double)st->tx_roc : -1;
  out[1] = st->tx_init ? (double)st->tx_seq : -1;
  out[2] = st->rx.init ? (double)st->rx_roc : -1;
  out[3] = st->rx.init ? (double)st->rx_seq : -1;
  out[4] = (double)st->rtcp_next;
  out[5] = st->rtcp_rx.init ? (double)st->rtcp_rx.top : -1;
  return 6;
}
