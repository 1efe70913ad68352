/*
 * SRTP and SRTCP (RFC 3711), with the AES-256 suites of RFC 6188 and the
 * AES-GCM AEAD suites of RFC 7714.
 *
 * One session holds one master key + salt (and optional MKI) and serves
 * any number of SSRCs up to a configured bound, in both directions.  A
 * stream (per SSRC) is created by the first protected packet, or by the
 * first packet that authenticates on unprotect.  Session keys are derived
 * once (key derivation rate 0) or every 2^n packets (kdr, per stream).
 *
 * Buffers are the caller's.  Every packet function takes the input packet,
 * an output buffer with its capacity, and returns the output length (>= 0)
 * or a negative vk_status; in == out (in place) is allowed, partial overlap
 * is not.  On failure the session state is unchanged and the output buffer
 * holds unspecified bytes.  Not thread-safe: one thread per session.
 *
 * Memory is bounded by the configuration: max_streams streams, each with
 * two replay bitmaps of replay_window bits (rounded up to a power of two).
 * Nothing is allocated per packet; streams are allocated when created.
 */
#ifndef VK_SRTP_H
#define VK_SRTP_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Protection profiles.  1, 2, 7 and 8 equal the DTLS-SRTP profile numbers
 * (RFC 5764, 7714); the others are voipkit's own. */
typedef enum vk_srtp_profile {
  VK_SRTP_AES_CM_128_HMAC_SHA1_80 = 1,
  VK_SRTP_AES_CM_128_HMAC_SHA1_32 = 2,
  VK_SRTP_AES_192_CM_HMAC_SHA1_80 = 3,
  VK_SRTP_AES_192_CM_HMAC_SHA1_32 = 4,
  VK_SRTP_AES_256_CM_HMAC_SHA1_80 = 5,
  VK_SRTP_AES_256_CM_HMAC_SHA1_32 = 6,
  VK_SRTP_AEAD_AES_128_GCM = 7,
  VK_SRTP_AEAD_AES_256_GCM = 8
} vk_srtp_profile;

/* Flags of vk_srtp_config.flags. */
#define VK_SRTP_F_RTP_UNENCRYPTED 1u   /* RFC 4568 UNENCRYPTED_SRTP: authenticate only */
#define VK_SRTP_F_RTCP_UNENCRYPTED 2u  /* RFC 4568 UNENCRYPTED_SRTCP: E flag 0 */
#define VK_SRTP_F_SESSION_KEYS 4u      /* master key/salt ARE the session keys (no KDF);
                                          for known-answer tests such as RFC 7714's */

#define VK_SRTP_MAX_WINDOW 65536u
#define VK_SRTP_MAX_MKI 32u
#define VK_SRTP_MAX_STREAMS 65536u

/*
 * Session configuration: a flat struct of uint32_t fields only, so that a
 * binding may fill it as a uint32 array in this order.  Zero means default.
 */
typedef struct vk_srtp_config {
  uint32_t profile;        /* vk_srtp_profile */
  uint32_t replay_window;  /* packets; default 128; 64..65536 */
  uint32_t max_streams;    /* SSRCs per session; default 64; 1..65536 */
  uint32_t kdr_log2;       /* 0: key derivation rate 0 (derive once); n in 1..25: kdr = 2^(n-1) */
  uint32_t mki_len;        /* bytes of MKI carried in each packet, 0..32 */
  uint32_t flags;          /* VK_SRTP_F_* */
  uint32_t lifetime_lo;    /* master key lifetime in packets, low/high 32 bits; */
  uint32_t lifetime_hi;    /*   0 = the RFC 3711 maxima 2^48 (SRTP), 2^31 (SRTCP) */
} vk_srtp_config;

typedef struct vk_srtp vk_srtp;

/* Key and salt lengths of a profile; VK_ERR_ARG for an unknown profile. */
VK_API int32_t vk_srtp_profile_info(int32_t profile, uint32_t *key_len, uint32_t *salt_len,
                                    uint32_t *rtp_overhead, uint32_t *rtcp_overhead);

/*
 * Create a session.  key_len / salt_len must match the profile (16/24/32 and
 * 14, or 12 for GCM); mki points to cfg->mki_len bytes (may be NULL when 0).
 * Returns VK_OK, VK_ERR_ARG (bad profile, lengths, ranges), VK_ERR_NOMEM.
 */
VK_API int32_t vk_srtp_create(const vk_srtp_config *cfg, const uint8_t *key, size_t key_len,
                              const uint8_t *salt, size_t salt_len, const uint8_t *mki, vk_srtp **out);
VK_API void vk_srtp_destroy(vk_srtp *s);

/*
 * Protect one RTP / RTCP packet.  cap must be >= len + the profile's
 * overhead (tag + MKI, + 4 for the SRTCP index).  Returns the protected
 * length or VK_ERR_BAD_LENGTH / VK_ERR_BAD_VERSION (not RTP/RTCP v2 or
 * shorter than its header), VK_ERR_BUFFER_SMALL, VK_ERR_KEY_EXPIRED,
 * VK_ERR_NO_STREAM (stream bound reached), VK_ERR_REPLAY_OLD (RTP index
 * before the stream's first, ROC would be negative).
 */
VK_API int32_t vk_srtp_protect_rtp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap);
VK_API int32_t vk_srtp_protect_rtcp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/*
 * Unprotect one SRTP / SRTCP packet.  Returns the plain length or
 * VK_ERR_BAD_LENGTH / VK_ERR_BAD_VERSION, VK_ERR_BAD_MKI, VK_ERR_AUTH_FAIL,
 * VK_ERR_REPLAY_DUPLICATE, VK_ERR_REPLAY_OLD, VK_ERR_KEY_EXPIRED,
 * VK_ERR_NO_STREAM, VK_ERR_BUFFER_SMALL (cap < len is always enough).
 * Tags are compared in constant time; nothing is decrypted into out and no
 * state changes before the tag verified (CM suites).
 */
VK_API int32_t vk_srtp_unprotect_rtp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap);
VK_API int32_t vk_srtp_unprotect_rtcp(vk_srtp *s, const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/* Batch operations (op values). */
#define VK_SRTP_OP_PROTECT_RTP 0
#define VK_SRTP_OP_UNPROTECT_RTP 1
#define VK_SRTP_OP_PROTECT_RTCP 2
#define VK_SRTP_OP_UNPROTECT_RTCP 3

/*
 * Process n packets in place inside one packed buffer: packet i occupies
 * buf[off[i] .. off[i] + len[i]) and may grow to off[i] + cap[i].  On
 * return len[i] holds the new length or a negative status for that packet
 * (the others are still processed).  Returns the number of packets that
 * succeeded, or VK_ERR_ARG.  Arrays are uint32 so bindings pass them as-is.
 */
VK_API int32_t vk_srtp_batch(vk_srtp *s, int32_t op, uint8_t *buf, size_t buf_len, const uint32_t *off,
                             int32_t *len, const uint32_t *cap, size_t n);

/* Set the rollover counter of an SSRC's outbound and inbound RTP state
 * (RFC 3711 3.3.1: e.g. joining a stream in progress); creates the stream. */
VK_API int32_t vk_srtp_set_roc(vk_srtp *s, uint32_t ssrc, uint32_t roc);
/* Set the next SRTCP index an SSRC sends (0 .. 2^31-1); creates the stream. */
VK_API int32_t vk_srtp_set_rtcp_index(vk_srtp *s, uint32_t ssrc, uint32_t index);

/* Statistics, as doubles (exact below 2^53) in this order. */
enum {
  VK_SRTP_STAT_RTP_PROTECTED, VK_SRTP_STAT_RTP_UNPROTECTED,
  VK_SRTP_STAT_RTCP_PROTECTED, VK_SRTP_STAT_RTCP_UNPROTECTED,
  VK_SRTP_STAT_AUTH_FAIL, VK_SRTP_STAT_REPLAY_DUPLICATE, VK_SRTP_STAT_REPLAY_OLD,
  VK_SRTP_STAT_BAD_PACKET, VK_SRTP_STAT_STREAMS, VK_SRTP_STAT_KEY_EXPIRED,
  VK_SRTP_STAT_COUNT
};
/* Writes min(n, VK_SRTP_STAT_COUNT) values; returns how many. */
VK_API int32_t vk_srtp_stats(const vk_srtp *s, double *out, size_t n);

/* For one SSRC: [outbound ROC, outbound highest seq, inbound ROC, inbound
 * highest seq, next SRTCP index, highest SRTCP index received]; -1 where
 * unknown.  VK_ERR_NO_STREAM if the SSRC has no stream. */
VK_API int32_t vk_srtp_stream_info(const vk_srtp *s, uint32_t ssrc, double *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
