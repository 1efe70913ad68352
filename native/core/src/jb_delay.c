/*
 * Delay estimation for the jitter buffer.
 *
 * The quantity learnt is each packet's playout offset requirement
 *   r = (time the packet became visible to the buffer) - (its timestamp in ms)
 * on the receiver's clock: a packet is on time exactly when the playout
 * offset (play time minus timestamp position) is at least its r.  The values
 * of r go into a histogram of 1 ms bins with exponential forgetting (a
 * growing increment, renormalised now and then), and the decision logic asks
 * for a quantile of it.  Each bin also keeps the largest r it saw, so that a
 * quantile is exact rather than rounded up to a bin edge (with a 20 ms
 * playout clock the requirements sit on a lattice, and a millisecond of
 * rounding is a millisecond of delay for every packet).
 *
 * Because r is absolute (not relative to a moving minimum), a step in the
 * network delay moves the quantile as soon as a few packets show it, and a
 * step down is followed as soon as the old values are forgotten, with no
 * interaction with a base estimate.  Clock drift moves r slowly and the
 * forgetting follows it.
 *
 * The reorder estimate: for each packet that arrives after a higher sequence
 * number, how long after the first such higher packet did it come.  Its
 * quantile is how long a hole is waited for once later packets are in;
 * when no reordering has been seen recently, holes are not waited for.
 */
#include "jb_internal.h"
#include <math.h>
#include <string.h>

#ifndef JB_FORGET
#define JB_FORGET 0.993          /* per packet: effective memory ~140 packets */
#endif
#ifndef JB_RFORGET
#define JB_RFORGET 0.97          /* per out-of-order packet */
#endif
#ifndef JB_REORDER_SHARE_FORGET
#define JB_REORDER_SHARE_FORGET 0.998 /* per packet, for the share of reordering */
#endif
#ifndef JB_REORDER_MIN_SHARE
#define JB_REORDER_MIN_SHARE 0.0005   /* below it, holes are not waited for */
#endif
#ifndef JB_REORDER_Q
#define JB_REORDER_Q 0.99
#endif
#ifndef JB_RESCALE
#define JB_RESCALE 1e6
#endif

void jb_delay_init(jb_delay *d) {
  memset(d, 0, sizeof *d);
  d->inc = 1.0;
  d->rinc = 1.0;
  for (int i = 0; i < JB_BASE_BUCKETS; i++) d->base_sec[i] = INT64_MIN;
}

static void shift_bins(jb_delay *d, int32_t k) {
  /* k > 0: values move to higher bin indexes (lo decreases by k). */
  float *h = d->hist;
  double *mx = d->hmax;
  if (k > 0) {
    float top = 0;
    double topmax = mx[JB_HIST_BINS - 1];
    for (int32_t i = JB_HIST_BINS - k; i < JB_HIST_BINS; i++)
      if (i >= 0) {
        top += h[i];
        if (h[i] > 0 && mx[i] > topmax) topmax = mx[i];
      }
    for (int32_t i = JB_HIST_BINS - 1; i >= 0; i--) {
      h[i] = (i - k >= 0) ? h[i - k] : 0.0f;
      mx[i] = (i - k >= 0) ? mx[i - k] : 0.0;
    }
    h[JB_HIST_BINS - 1] += top;
    if (top > 0) mx[JB_HIST_BINS - 1] = topmax;
    d->lo -= k;
    d->top = d->top + k < JB_HIST_BINS ? d->top + k : JB_HIST_BINS - 1;
  } else if (k < 0) {
    int32_t m = -k;
    float bottom = 0;
    for (int32_t i = 0; i < m && i < JB_HIST_BINS; i++) bottom += h[i];
    for (int32_t i = 0; i < JB_HIST_BINS; i++) {
      h[i] = (i + m < JB_HIST_BINS) ? h[i + m] : 0.0f;
      mx[i] = (i + m < JB_HIST_BINS) ? mx[i + m] : 0.0;
    }
    if (bottom > 0 && !(h[0] > 0)) mx[0] = d->lo + m + 1.0;
    h[0] += bottom;
    d->lo += m;
    d->top = d->top - m > 0 ? d->top - m : 0;
  }
}

void jb_delay_add(jb_delay *d, double now_ms, double r) {
  if (!isfinite(r)) return;
  if (!d->have) {
    d->lo = floor(r) - JB_HIST_BINS / 4;
    d->have = 1;
  }
  int32_t b = (int32_t)floor(r - d->lo);
  if (b < 0) {
    shift_bins(d, -b + JB_HIST_BINS / 8);
  } else if (b >= JB_HIST_BINS) {
    shift_bins(d, -(b - JB_HIST_BINS + 1 + JB_HIST_BINS / 8));
  }
  b = (int32_t)floor(r - d->lo);
  if (b < 0) b = 0;
  if (b >= JB_HIST_BINS) b = JB_HIST_BINS - 1;
  d->inc /= JB_FORGET;
  if (d->hist[b] < 1e-6 * d->total || r > d->hmax[b]) d->hmax[b] = r;
  d->hist[b] += (float)d->inc;
  d->total += d->inc;
  if (b > d->top) d->top = b;
  if (d->inc > JB_RESCALE) {
    float s = (float)(1.0 / d->inc);
    double tot = 0;
    for (int32_t i = 0; i < JB_HIST_BINS; i++) {
      d->hist[i] *= s;
      if (d->hist[i] < 1e-12f) d->hist[i] = 0;
      tot += d->hist[i];
    }
    d->total = tot;
    d->inc = 1.0;
    while (d->top > 0 && d->hist[d->top] <= 0) d->top--;
  }
  /* per-second minima for the base (fastest recent packet) */
  int64_t sec = (int64_t)floor(now_ms / 1000.0);
  int32_t k = (int32_t)(((sec % JB_BASE_BUCKETS) + JB_BASE_BUCKETS) % JB_BASE_BUCKETS);
  if (d->base_sec[k] != sec) {
    d->base_sec[k] = sec;
    d->base_min[k] = r;
  } else if (r < d->base_min[k]) {
    d->base_min[k] = r;
  }
}

double jb_delay_quantile(const jb_delay *d, double q, double dflt) {
  if (!d->have || d->total <= 0) return dflt;
  double above = (1.0 - q) * d->total;
  double acc = 0;
  for (int32_t i = d->top; i >= 0; i--) {
    acc += d->hist[i];
    if (acc > above) return d->hist[i] > 0 ? d->hmax[i] : d->lo + i + 1.0;
  }
  return d->lo + 1.0;
}

double jb_delay_base(const jb_delay *d, double now_ms, double dflt) {
  int64_t sec = (int64_t)floor(now_ms / 1000.0);
  double m = INFINITY;
  for (int i = 0; i < JB_BASE_BUCKETS; i++) {
    if (d->base_sec[i] == INT64_MIN || d->base_sec[i] < sec - (JB_BASE_BUCKETS - 1)) continue;
    if (d->base_min[i] < m) m = d->base_min[i];
  }
  return isfinite(m) ? m : dflt;
}

void jb_delay_arrival(jb_delay *d, int64_t ext_seq, int64_t max_before, double arrival_ms, int64_t ts,
                      int32_t clock_rate) {
  /* RFC 3550 A.8 */
  double transit = arrival_ms * clock_rate / 1000.0 - (double)ts;
  if (d->have_transit) {
    double dd = fabs(transit - d->last_transit);
    d->jitter += (dd - d->jitter) / 16.0;
  }
  d->last_transit = transit;
  d->have_transit = 1;

  int ooo = ext_seq < max_before;
  d->reorder_weight = d->reorder_weight * JB_REORDER_SHARE_FORGET + (ooo ? 1.0 - JB_REORDER_SHARE_FORGET : 0.0);
  if (!ooo) {
    int32_t i = (d->order_head + d->order_n) % JB_ORDER_RING;
    if (d->order_n == JB_ORDER_RING) {
      d->order_head = (d->order_head + 1) % JB_ORDER_RING;
      i = (d->order_head + d->order_n - 1) % JB_ORDER_RING;
    } else {
      d->order_n++;
    }
    d->order_seq[i] = ext_seq;
    d->order_ms[i] = arrival_ms;
    return;
  }
  /* the first in-order arrival with a higher sequence number */
  double first = -1;
  for (int32_t j = 0; j < d->order_n; j++) {
    int32_t i = (d->order_head + j) % JB_ORDER_RING;
    if (d->order_seq[i] > ext_seq) {
      first = d->order_ms[i];
      break;
    }
  }
  double late = first < 0 ? JB_RHIST_BINS - 1 : arrival_ms - first;
  if (late < 0) late = 0;
  int32_t b = (int32_t)ceil(late);
  if (b >= JB_RHIST_BINS) b = JB_RHIST_BINS - 1;
  d->rinc /= JB_RFORGET;
  d->rhist[b] += (float)d->rinc;
  d->rtotal += d->rinc;
  if (d->rinc > JB_RESCALE) {
    float s = (float)(1.0 / d->rinc);
    double tot = 0;
    for (int32_t i = 0; i < JB_RHIST_BINS; i++) {
      d->rhist[i] *= s;
      tot += d->rhist[i];
    }
    d->rtotal = tot;
    d->rinc = 1.0;
  }
}

double jb_delay_reorder_tolerance(const jb_delay *d) {
  if (d->rtotal <= 0 || d->reorder_weight < JB_REORDER_MIN_SHARE) return 0.0;
  double above = (1.0 - JB_REORDER_Q) * d->rtotal;
  double acc = 0;
  for (int32_t i = JB_RHIST_BINS - 1; i >= 0; i--) {
    acc += d->rhist[i];
    if (acc > above) return (double)i;
  }
  return 0.0;
}

double jb_delay_jitter_ms(const jb_delay *d, int32_t clock_rate) { return d->jitter * 1000.0 / clock_rate; }
