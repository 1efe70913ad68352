/*
 * Private structures of the jitter buffer, shared by jb*.c.  Units: "samples"
 * are at the stream's clock rate; timestamps are extended (64-bit, unwrapped)
 * RTP timestamps; times are host milliseconds.
 */
#ifndef VK_JB_INTERNAL_H
#define VK_JB_INTERNAL_H

#include "vk_jb.h"
#include "vk_seq.h"

/* ---- packet store (jb_buffer.c) ------------------------------------------ */

typedef struct jb_pkt {
  int64_t ext_seq;   /* extended sequence number */
  int64_t ts;        /* extended RTP timestamp */
  double arrival_ms;
  int32_t len;       /* payload bytes */
  int32_t dur;       /* samples it decodes to (0: unknown yet) */
  int32_t pool_idx;  /* payload slot in the pool */
  uint16_t seq;
  uint8_t used;
} jb_pkt;

typedef struct jb_buffer {
  jb_pkt *slots;       /* dense: slots[0..count) are the packets held */
  uint8_t *pool;       /* max_packets * max_payload bytes */
  int32_t *free_list;  /* free pool indexes */
  int32_t nfree;
  int32_t cap;         /* slots */
  int32_t max_payload;
  int32_t count;
} jb_buffer;

int32_t jb_buffer_init(jb_buffer *b, int32_t cap, int32_t max_payload);
void jb_buffer_free(jb_buffer *b);
void jb_buffer_clear(jb_buffer *b);
/* Index of the packet with this extended seq, or -1. */
int32_t jb_buffer_find_seq(const jb_buffer *b, int64_t ext_seq);
/* Index of the packet with the smallest timestamp (ties: smallest seq), or -1. */
int32_t jb_buffer_oldest(const jb_buffer *b);
/* Store a packet; the caller made room.  Returns its index or -1 when full.
 * Indexes are valid until the next insert or remove. */
int32_t jb_buffer_insert(jb_buffer *b, const jb_pkt *meta, const uint8_t *payload);
static inline const uint8_t *jb_buffer_payload(const jb_buffer *b, int32_t i) {
  return b->pool + (size_t)b->slots[i].pool_idx * (size_t)b->max_payload;
}
/* Remove packet i; the last packet moves into its index. */
void jb_buffer_remove(jb_buffer *b, int32_t i);
/* Newest timestamp end (ts + dur) among stored packets, or INT64_MIN. */
int64_t jb_buffer_newest_end(const jb_buffer *b, int32_t default_dur);

/* ---- delay estimation (jb_delay.c) --------------------------------------- */

#define JB_HIST_BINS 1024      /* 1 ms bins */
#define JB_RHIST_BINS 256      /* reorder lateness, 1 ms bins */
#define JB_BASE_BUCKETS 8      /* per-second minima of the offset requirement */
#define JB_ORDER_RING 64       /* recent in-order arrivals (seq, time) */

typedef struct jb_delay {
  float hist[JB_HIST_BINS];
  double hmax[JB_HIST_BINS];   /* largest r seen in each bin */
  double lo;                   /* offset requirement (ms) of bin 0 */
  int32_t top;                 /* highest bin holding mass (quantile scans start there) */
  double inc, total;           /* forgetting by a growing increment */
  int have;
  float rhist[JB_RHIST_BINS];
  double rinc, rtotal;
  double reorder_weight;       /* forgetting share of out-of-order packets */
  int64_t order_seq[JB_ORDER_RING];
  double order_ms[JB_ORDER_RING];
  int32_t order_n, order_head;
  double base_min[JB_BASE_BUCKETS];
  int64_t base_sec[JB_BASE_BUCKETS];
  double jitter;               /* RFC 3550 J, in clock ticks */
  double last_transit;
  int have_transit;
} jb_delay;

void jb_delay_init(jb_delay *d);
/* A packet became visible at now_ms with timestamp position ts_ms: its
 * playout offset requirement is r = now_ms - ts_ms. */
void jb_delay_add(jb_delay *d, double now_ms, double r);
/* Quantile q (0..1) of the requirement distribution (ms), or `dflt`. */
double jb_delay_quantile(const jb_delay *d, double q, double dflt);
/* Smallest requirement over the last few seconds (ms), or dflt. */
double jb_delay_base(const jb_delay *d, double now_ms, double dflt);
/* Arrival bookkeeping for the reorder estimate and RFC 3550 jitter. */
void jb_delay_arrival(jb_delay *d, int64_t ext_seq, int64_t max_ext_seq_before, double arrival_ms,
                      int64_t ts, int32_t clock_rate);
/* How long to wait for a hole once later packets are present (ms). */
double jb_delay_reorder_tolerance(const jb_delay *d);
double jb_delay_jitter_ms(const jb_delay *d, int32_t clock_rate);

/* ---- DSP (jb_dsp.c) -------------------------------------------------------- */

typedef struct jb_plc {
  int active;
  int32_t period;      /* pitch period, samples */
  int32_t k;           /* periods in the cycle (1..3) */
  int32_t pos;         /* position in the cycle */
  int32_t elapsed;     /* samples concealed so far */
  int32_t ovl;         /* overlap length at the cycle wrap */
  int16_t *tail;       /* 3 * max_lag + max_ovl samples of history */
  int32_t tail_len;    /* samples in tail (3 * period + ovl) */
  float noise_level;   /* comfort noise RMS */
  uint32_t rng;
} jb_plc;

typedef struct jb_dsp {
  int32_t rate;
  int32_t min_lag, max_lag, step; /* pitch lags (2.5 .. 15 ms) and search decimation */
  jb_plc plc;
} jb_dsp;

int32_t jb_dsp_init(jb_dsp *d, int32_t rate);
void jb_dsp_free(jb_dsp *d);
void jb_dsp_reset(jb_dsp *d);
/* Best lag in [lmin, lmax] for x[0..2*lag) self-similarity; *corr gets the
 * normalised correlation (-1..1). */
int32_t jb_dsp_best_lag(const int16_t *x, int32_t n, int32_t lmin, int32_t lmax, int32_t step, float *corr);
/* RMS of x[0..n). */
float jb_dsp_rms(const int16_t *x, int32_t n);
/*
 * Begin concealment after history h[0..hn) (played + pending audio).  May
 * smooth the last `editable` samples of h (not yet played) into the cycle.
 */
void jb_dsp_plc_begin(jb_dsp *d, int16_t *h, int32_t hn, int32_t editable);
/* Generate n concealment samples. Returns nonzero while audible (gain > 0). */
int jb_dsp_plc_generate(jb_dsp *d, int16_t *out, int32_t n);
/* Cross-fade the concealment's continuation into y[0..n) (merge). */
void jb_dsp_merge(jb_dsp *d, int16_t *y, int32_t n);
/* Comfort noise at the level learnt from the history. */
void jb_dsp_cng(jb_dsp *d, int16_t *out, int32_t n);
/*
 * WSOLA on x[0..n): remove (accelerate, sign < 0) or insert (sign > 0) one
 * overlap-added segment of a length in [d->min_lag, max_len] chosen by
 * correlation.  Silence (RMS below JB_SILENCE_RMS) may lose up to max_len
 * samples at once.  x must have room for n + max_len samples.  Returns the
 * signed change of length (0: nothing done), and the position after which
 * sample positions shift in *at.
 */
int32_t jb_dsp_stretch(jb_dsp *d, int16_t *x, int32_t n, int32_t max_len, int sign, int32_t *at);

#define JB_SILENCE_RMS 300.0f  /* about -40 dBov: below it audio counts as silence */

#endif

/* ---- decisions (jb_decision.c) -------------------------------------------- */

typedef enum jb_action {
  JB_ACT_DECODE = 0,      /* the packet at the playout point is here: decode it */
  JB_ACT_EXPAND_WAIT = 1, /* conceal without advancing: the packet may still come (delay grows) */
  JB_ACT_EXPAND_LOST = 2, /* conceal in the missing packet's place (timeline advances) */
  JB_ACT_CNG_GAP = 3      /* nothing is missing but the timestamps jump (DTX): fill and advance */
} jb_action;

typedef struct jb_decision_in {
  int have_next;          /* the packet at the playout point is in the buffer */
  int have_later;         /* some later packet is in the buffer */
  int seq_contiguous;     /* ... and it follows the last played sequence number directly */
  double hole_wait_ms;    /* how long later packets have been waiting behind the hole */
  double reorder_tol_ms;  /* how long a hole is worth waiting for */
  double offset_ms;       /* playout offset of the playout point */
  double max_offset_ms;   /* the offset not to grow beyond (max delay) */
  int64_t gap;            /* samples missing before the next packet present */
  int32_t waited;         /* samples concealed while waiting at this playout point */
  int32_t need;           /* samples this step must produce */
} jb_decision_in;

jb_action jb_decide(const jb_decision_in *in);

/*
 * After a packet is decoded: how to move the offset towards the target.
 * Returns the most samples to remove (sign -1) or insert (sign +1), or 0.
 * spare: samples that may be removed without running dry before the next
 * packet.
 */
int32_t jb_decide_stretch(double offset_ms, double target_ms, int32_t rate, int32_t spare, int32_t min_lag, int voiced,
                          int *sign);

/* ---- the object (jb.c) ----------------------------------------------------- */

#define JB_MAX_MARKERS 64
#define JB_MAX_FRESH 64

typedef struct jb_marker {
  int32_t pos;  /* index in audio[] of the packet's first sample */
  int32_t seq;  /* its 16-bit sequence number */
} jb_marker;
