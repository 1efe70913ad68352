/*
 * Adaptive jitter buffer (NetEq-class), sans-IO.
 *
 * The host pushes RTP packets with the time they arrived and polls on its
 * playout clock (every 10 or 20 ms) with the current time; the buffer never
 * reads a clock.  Times are milliseconds on any monotonic host clock, as
 * doubles.  Decisions use only arrival times and the RTP header.
 *
 * What happens inside (see docs/jitter.md):
 *  - jb_buffer.c   packet store keyed by extended sequence number (vk_seq.h),
 *                  duplicate window, late-packet policy, bounded memory.
 *  - jb_delay.c    delay estimation: a forgetting histogram of each packet's
 *                  playout offset requirement and a quantile target; a
 *                  reorder-lateness estimate; RFC 3550 interarrival jitter.
 *  - jb_decision.c one decision per needed chunk of audio: normal, expand
 *                  (conceal), merge, accelerate, preemptive expand, CNG.
 *  - jb_dsp.c      pitch estimation, WSOLA time-scale modification, G.711
 *                  Appendix I-style concealment, merge cross-fades.
 *  - jb.c          the object, RTP header parse, push / poll / stats.
 *
 * Memory is fixed at create time: max_packets payload slots of max_payload
 * bytes plus an audio buffer of a few hundred milliseconds.  Not
 * thread-safe; one buffer per stream.
 */
#ifndef VK_JB_H
#define VK_JB_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vk_jb vk_jb;

/* Codec of the stream's payload. */
typedef enum vk_jb_codec {
  VK_JB_CODEC_PCMU = 0,     /* G.711 mu-law, decoded inside (vk_g711.h) */
  VK_JB_CODEC_PCMA = 1,     /* G.711 A-law */
  VK_JB_CODEC_EXTERNAL = 2, /* decoded through vk_jb_set_decoder() */
  VK_JB_CODEC_HOST = 3      /* decoded by the caller between poll steps: see vk_jb_request() */
} vk_jb_codec;

/* What was done to make a chunk of audio (the primary one of a poll). */
typedef enum vk_jb_op {
  VK_JB_OP_NORMAL = 0,     /* decoded packets played as they are */
  VK_JB_OP_EXPAND = 1,     /* concealment of missing audio */
  VK_JB_OP_MERGE = 2,      /* real audio joined to the concealment before it */
  VK_JB_OP_ACCELERATE = 3, /* time-compressed to shrink the delay */
  VK_JB_OP_PREEMPTIVE = 4, /* time-stretched to grow the delay */
  VK_JB_OP_CNG = 5         /* comfort noise: long gap, DTX, or nothing yet */
} vk_jb_op;

/*
 * Configuration.  Every field is an int32 so that the bindings can pass the
 * struct as an Int32Array.  vk_jb_config_default() fills the defaults noted.
 */
typedef struct vk_jb_config {
  int32_t clock_rate;   /* Hz: 8000 (G.711), 12000, 16000, 24000, 32000, 48000. Default 8000 */
  int32_t frame_ms;     /* samples per poll: 10 or 20 ms. Default 20 */
  int32_t codec;        /* vk_jb_codec. Default PCMU */
  int32_t min_delay_ms; /* lower bound of the target delay above the fastest packet, 0..max_delay_ms. Default 0 */
  int32_t max_delay_ms; /* upper bound of the playout delay, 20..10000. Default 2000 */
  int32_t max_packets;  /* packet slots, 2..2000. Default 250 */
  int32_t max_payload;  /* bytes per payload, 1..1500. Default 1500 */
  int32_t payload_type; /* accept only this RTP payload type, or -1 for any. Default -1 */
  int32_t rtp_clock_rate; /* RTP timestamp clock, Hz, when it differs from clock_rate (Opus, RFC 7587:
                           * 48000 whatever the decoding rate): a whole multiple of clock_rate, up to
                           * 48000; timestamps are divided down.  0: the same as clock_rate. Default 0 */
} vk_jb_config;
#define VK_JB_CONFIG_FIELDS 9
#define VK_JB_CONFIG_FIELDS_V1 8 /* bindings accept the first 8 fields alone (rtp_clock_rate 0) */

/*
 * Decoder hooks for VK_JB_CODEC_EXTERNAL (for example Opus).  user is passed
 * back untouched.
 *  decode:   decode one payload into at most cap samples; return the count
 *            or a negative vk_status.  Required.
 *  conceal:  produce n samples for a missing packet; when the packet after
 *            the missing one is in the buffer, next/next_len give it (in-band
 *            FEC), else next is NULL.  Return n or a negative status.  NULL:
 *            the buffer's own concealment is used.
 *  duration: samples a payload will decode to, or <= 0 if unknown (the
 *            timestamps decide then).  May be NULL.
 */
typedef struct vk_jb_decoder {
  int32_t (*decode)(void *user, const uint8_t *payload, size_t len, int16_t *pcm, size_t cap);
  int32_t (*conceal)(void *user, const uint8_t *next, size_t next_len, int16_t *pcm, size_t n);
  int32_t (*duration)(void *user, const uint8_t *payload, size_t len);
} vk_jb_decoder;

/* push() outcomes (non-negative; errors are negative vk_status). */
typedef enum vk_jb_push_result {
  VK_JB_PUSH_OK = 0,        /* stored */
  VK_JB_PUSH_DUPLICATE = 1, /* already received; dropped */
  VK_JB_PUSH_LATE = 2,      /* its playout time has passed; dropped */
  VK_JB_PUSH_OVERFLOW = 3,  /* stored, but the buffer was full and dropped its oldest packet */
  VK_JB_PUSH_RESET = 4,     /* new SSRC, confirmed sequence restart or timestamp jump: buffer flushed, packet stored */
  VK_JB_PUSH_IGNORED = 5    /* not stored: wrong payload type, or a sequence jump held as a candidate restart */
} vk_jb_push_result;

/*
 * Poll information, written as int32 values:
 *   [0] op (vk_jb_op, the most significant of this poll: expand/cng >
 *       merge > accelerate/preemptive > normal)
 *   [1] samples written
 *   [2] flags: VK_JB_FLAG_*
 *   [3] sequence number whose slot was concealed in this poll, or -1
 *   [4] samples concealed while waiting for a packet that had not arrived
 *       (inserted: the delay grew by that much)
 *   [5] n: packets whose first sample is in this poll's audio
 *   [6 + 2i], [7 + 2i]: sequence number and sample offset of each, i < n
 *       (at most VK_JB_INFO_MAX_STARTS; more are not reported)
 */
#define VK_JB_INFO_HEADER 6
#define VK_JB_INFO_MAX_STARTS 16
#define VK_JB_INFO_LEN (VK_JB_INFO_HEADER + 2 * VK_JB_INFO_MAX_STARTS)
#define VK_JB_FLAG_NEXT_PRESENT 1 /* a concealed slot's successor is in the buffer (FEC possible) */
#define VK_JB_FLAG_RESET 2        /* the timeline was reset since the last poll */
#define VK_JB_FLAG_STARTED 4      /* a packet has been played since create/reset */
#define VK_JB_FLAG_SKIPPED 8      /* packets were dropped to respect max_delay_ms */

/* Statistics, written as doubles by vk_jb_stats(), in this order. */
enum {
  VK_JB_STAT_CURRENT_DELAY_MS = 0, /* playout delay above the fastest recent packet */
  VK_JB_STAT_TARGET_DELAY_MS,      /* the target of the same */
  VK_JB_STAT_JITTER_MS,            /* RFC 3550 A.8 interarrival jitter */
  VK_JB_STAT_RECEIVED,             /* packets accepted by push (incl. later dropped) */
  VK_JB_STAT_LATE,                 /* arrived after their playout time */
  VK_JB_STAT_DUPLICATE,
  VK_JB_STAT_OUT_OF_ORDER,         /* arrived after a higher sequence number */
  VK_JB_STAT_OVERFLOW,             /* dropped because the buffer was full or too long */
  VK_JB_STAT_LOST,                 /* sequence numbers never received, concealed */
  VK_JB_STAT_EXPAND_RATE,          /* share of output samples made by concealment */
  VK_JB_STAT_ACCELERATE_RATE,      /* samples removed by time compression / output */
  VK_JB_STAT_PREEMPTIVE_RATE,      /* samples added by time stretching / output */
  VK_JB_STAT_CNG_RATE,             /* share of output samples of comfort noise */
  VK_JB_STAT_MERGES,
  VK_JB_STAT_RESETS,
  VK_JB_STAT_POLLS,
  VK_JB_STAT_OUTPUT_SAMPLES,
  VK_JB_STAT_BUFFERED_PACKETS,
  VK_JB_STAT_BUFFERED_MS,          /* audio to play up to the end of the newest packet held;
                                    * none held: decoded stream audio not yet played */
  VK_JB_STAT_INVALID,              /* non-RTP or malformed packets rejected */
  VK_JB_STAT_IGNORED,              /* wrong payload type or unconfirmed sequence jump */
  VK_JB_STAT_INSERTED_WHOLE,       /* concealment frames played while waiting (delay grown by insertion) */
  VK_JB_STAT_INSERTED_WHOLE_VOICED,/* ... of which not silent */
  VK_JB_STAT_DROPPED_WHOLE,        /* packets dropped unplayed by the buffer itself (overflow, max delay) */
  VK_JB_STAT_DROPPED_WHOLE_VOICED, /* ... of which not silent */
  VK_JB_STAT_REORDER_TOLERANCE_MS, /* how long a hole is waited for once later packets are in */
  VK_JB_STAT_STALLS,               /* outages detected (arrivals stopped, then a burst) */
  VK_JB_STAT_COUNT
};

/*
 * Deferred decoding (VK_JB_CODEC_HOST), for decoders that live outside the
 * core (opusscript in JavaScript):  vk_jb_poll() returns 0 instead of a frame
 * when it needs audio from the caller's decoder.  The caller reads the
 * request with vk_jb_request(), decodes, hands the PCM back with
 * vk_jb_supply() and calls vk_jb_poll() again (its now_ms is then ignored:
 * the poll in progress keeps its own) until it returns the frame.  A poll
 * makes at most a few requests (one per packet decoded or slot concealed).
 *
 *  VK_JB_REQ_DECODE   decode the payload returned by vk_jb_request() (the
 *                     packet at the playout point) into at most req[1]
 *                     samples; supply the samples decoded, or a negative
 *                     count when it cannot be decoded (the packet is then
 *                     dropped and its slot concealed).
 *  VK_JB_REQ_CONCEAL  produce exactly req[1] samples of concealment for the
 *                     missing packet req[4]; when the payload returned is
 *                     not NULL it is the packet after the missing one (its
 *                     in-band FEC, Opus decode_fec, may rebuild it).  Supply
 *                     req[1] samples, or a negative count to have the
 *                     buffer's own concealment used.
 * Pushes between a request and its supply are allowed: the poll then
 * decides again, and a supply that no longer matches is discarded.
 */
#define VK_JB_REQ_NONE 0
#define VK_JB_REQ_DECODE 1
#define VK_JB_REQ_CONCEAL 2
#define VK_JB_REQ_LEN 5

/* Fill c with the defaults above. */
VK_API void vk_jb_config_default(vk_jb_config *c);

/*
 * Create a buffer.  Returns VK_OK and writes *out, VK_ERR_ARG for a field out
 * of range (or G.711 at a clock rate other than 8000), VK_ERR_NOMEM.
 */
VK_API int32_t vk_jb_create(const vk_jb_config *cfg, vk_jb **out);
VK_API void vk_jb_destroy(vk_jb *jb);

/* Forget every packet, statistic and estimate; keeps the configuration. */
VK_API void vk_jb_reset(vk_jb *jb);

/*
 * Set the decoder hooks (VK_JB_CODEC_EXTERNAL only; the table is copied).
 * Returns VK_OK or VK_ERR_ARG.
 */
VK_API int32_t vk_jb_set_decoder(vk_jb *jb, const vk_jb_decoder *dec, void *user);

/*
 * Push one RTP packet (len bytes at pkt, copied) that arrived at arrival_ms.
 * Returns a vk_jb_push_result, or VK_ERR_BAD_LENGTH / VK_ERR_BAD_VERSION /
 * VK_ERR_BAD_PACKET for bytes that are not a valid RTP packet (counted as
 * invalid, state unchanged), VK_ERR_LIMIT for a payload longer than
 * max_payload, VK_ERR_TIME when arrival_ms is earlier than the previous
 * push's, VK_ERR_ARG for NULL or a non-finite time.
 */
VK_API int32_t vk_jb_push(vk_jb *jb, const uint8_t *pkt, size_t len, double arrival_ms);

/*
 * Produce the next frame (frame_ms of audio at clock_rate) into pcm (cap
 * samples) and describe it in info (info_cap int32s, at least
 * VK_JB_INFO_HEADER; starts beyond the capacity are not reported).
 * Returns the number of samples, 0 when a HOST-codec poll needs the caller's
 * decoder (see VK_JB_REQ_*), or VK_ERR_BUFFER_SMALL, VK_ERR_TIME when
 * now_ms is earlier than the previous poll's, VK_ERR_ARG, VK_ERR_STATE for
 * an external codec without a decoder, or a decoder's error.
 */
VK_API int32_t vk_jb_poll(vk_jb *jb, double now_ms, int16_t *pcm, size_t cap, int32_t *info, size_t info_cap);

/*
 * The pending request of a HOST-codec poll: writes min(req_cap,
 * VK_JB_REQ_LEN) int32s: [0] VK_JB_REQ_* (NONE when nothing is pending),
 * [1] samples (decode: at most; conceal: exactly), [2] sequence number of the
 * payload returned (-1 when none), [3] its length in bytes, [4] the sequence
 * number being concealed (-1 for a decode).  Returns the payload (owned by
 * the buffer, valid until the next push, poll or reset) or NULL.
 */
VK_API const uint8_t *vk_jb_request(const vk_jb *jb, int32_t *req, size_t req_cap);

/*
 * Answer the pending request with n samples of PCM at clock_rate (copied),
 * or n < 0 for "could not".  VK_OK, VK_ERR_STATE when nothing is pending,
 * VK_ERR_ARG when n exceeds the request (or, for a concealment, differs
 * from it) or pcm is NULL with n > 0.
 */
VK_API int32_t vk_jb_supply(vk_jb *jb, const int16_t *pcm, int32_t n);

/* Write min(n, VK_JB_STAT_COUNT) statistics to out; returns the count. */
VK_API int32_t vk_jb_stats(const vk_jb *jb, double *out, size_t n);

/* Samples per poll (frame_ms * clock_rate / 1000). */
VK_API int32_t vk_jb_frame_samples(const vk_jb *jb);

#ifdef __cplusplus
}
#endif

#endif
