/*
 * RTP sequence-number arithmetic, written once for every component:
 * wrap-aware comparison of 16-bit sequence numbers, and the source state of
 * RFC 3550 Appendix A.1 (extended sequence numbers, probation, MAX_DROPOUT,
 * MAX_MISORDER, restart after a large jump) with the loss counts of A.3.
 *
 * vk_seq_state is a public struct so that other core components (jitter
 * buffer, SRTP) embed it by value; the create/destroy pair serves the
 * bindings.  Not thread-safe; one state per SSRC.
 */
#ifndef VK_SEQ_H
#define VK_SEQ_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VK_SEQ_MOD 65536u
#define VK_SEQ_MAX_DROPOUT 3000u   /* RFC 3550 A.1 */
#define VK_SEQ_MAX_MISORDER 100u   /* RFC 3550 A.1 */
#define VK_SEQ_MIN_SEQUENTIAL 2u   /* RFC 3550 A.1 */

/* Signed distance b - a in sequence space, in [-32768, 32767]. */
static inline int32_t vk_seq_diff(uint16_t a, uint16_t b) { return (int16_t)(uint16_t)(b - a); }
/* Nonzero when a comes before b (wrap-aware). */
static inline int vk_seq_lt(uint16_t a, uint16_t b) { return vk_seq_diff(a, b) > 0; }
/* Signed distance b - a between two 32-bit RTP timestamps (wrap-aware), in
 * clock ticks, in [-2^31, 2^31). */
static inline int32_t vk_ts_diff(uint32_t a, uint32_t b) { return (int32_t)(uint32_t)(b - a); }

/* Outcome of vk_seq_update() (non-negative; errors are negative vk_status). */
typedef enum vk_seq_result {
  VK_SEQ_IN_ORDER = 0,   /* newest so far (gap allowed up to MAX_DROPOUT) */
  VK_SEQ_OLD = 1,        /* older than the newest: reordered or duplicate */
  VK_SEQ_PROBATION = 2,  /* source not yet valid (A.1 probation); not counted */
  VK_SEQ_JUMP = 3,       /* large jump, held as a candidate restart; not counted */
  VK_SEQ_RESTART = 4     /* the jump was confirmed: state re-initialised here */
} vk_seq_result;

typedef struct vk_seq_state {
  uint16_t max_seq;        /* highest sequence number seen */
  uint32_t cycles;         /* shifted count of wraps (multiple of 65536) */
  uint32_t base_seq;       /* first sequence number (extended) */
  uint32_t bad_seq;        /* last 'bad' seq + 1, or 65537 */
  uint32_t probation;      /* packets still needed to validate the source */
  uint64_t received;       /* packets counted (duplicates included, as A.1) */
  uint64_t expected_prior; /* for fraction lost over an interval (A.3) */
  uint64_t received_prior;
  int initialised;
} vk_seq_state;

/*
 * Reset to the empty state.  probation: how many sequential packets are
 * needed before the source is valid (RFC 3550 suggests 2; 0 accepts the
 * first packet at once).
 */
VK_API void vk_seq_init(vk_seq_state *s, uint32_t probation);

/*
 * Account for a packet with sequence number seq.  Writes its extended
 * sequence number (cycles * 65536 + seq) to *ext when ext is not NULL.
 * Returns a vk_seq_result.
 *
 * Numbering: cycle 0 is the cycle of the packet that validated the source
 * (A.1 init_seq: cycles = 0, so the first counted packet's extended number
 * is its seq); IN_ORDER packets extend the maximum.  For every other packet
 * the extension is inferred relative to the newest (max_seq), in the
 * nearer direction (vk_seq_diff).  A late packet from before the first one
 * across the wrap -- 65535 arriving after a first packet 0, or 65530 after
 * 3 -- belongs to cycle -1: its extended number is negative (seq - 65536;
 * -1 and -6 here), so it sorts before every packet of the stream and
 * collides with none of them.  (A late packet from before the first one
 * without a wrap, 3 after 5, is simply 3.)  The result is always in
 * [ext_max - 32768, ext_max + 32767], so at least -32768.  For PROBATION
 * packets it is seq (no numbering yet); for JUMP packets it is the nearer
 * extension and means little (the packet is not counted).
 */
VK_API int32_t vk_seq_update(vk_seq_state *s, uint16_t seq, int64_t *ext);

/* Extended highest sequence number received (cycles + max_seq). */
VK_API uint64_t vk_seq_ext_max(const vk_seq_state *s);

/* Packets counted as received (RFC 3550 A.1: duplicates included). */
VK_API uint64_t vk_seq_received(const vk_seq_state *s);

/* Packets expected since the first one: ext_max - base + 1 (0 before any). */
VK_API uint64_t vk_seq_expected(const vk_seq_state *s);

/*
 * Cumulative loss (A.3: expected - received, may be negative with
 * duplicates; clamped to the 24-bit signed range of an RTCP report block)
 * and the fraction lost since the previous call, as the 8-bit fixed-point
 * value of a report block.  Advances the interval.
 */
VK_API void vk_seq_report(vk_seq_state *s, int32_t *cumulative_lost, uint8_t *fraction_lost);

/* Heap-allocated state for the bindings. */
VK_API int32_t vk_seq_create(uint32_t probation, vk_seq_state **out);
VK_API void vk_seq_destroy(vk_seq_state *s);

#ifdef __cplusplus
}
#endif

#endif
