/*
 * Jitter-buffer decision logic, apart from the buffer and the DSP it drives
 * (as NetEq separates DecisionLogic from its PacketBuffer and DSP).  Pure
 * functions of a snapshot of the state.
 *
 * The rules:
 *  - the packet at the playout point is here: decode it (merging after
 *    concealment), then time-stretch towards the target offset;
 *  - nothing later is here either: conceal and wait (the delay grows by
 *    what is concealed) -- on a delay spike or a stall every held packet
 *    will still be played, nothing is lost to lateness; the growth is
 *    bounded by the maximum delay;
 *  - later packets are here but this one is not: when nothing is missing in
 *    sequence (DTX, a timestamp gap) fill and advance; otherwise wait while
 *    the hole is younger than the learnt reorder tolerance (zero when the
 *    network has not reordered lately), and in any case until the
 *    concealment played while waiting covers the hole (free: if the packet
 *    proves lost that concealment becomes its replacement), then conceal in
 *    the missing packet's place.
 */
#include "jb_internal.h"

#ifndef JB_ACCEL_MIN_EXCESS_MS
#define JB_ACCEL_MIN_EXCESS_MS 2.5   /* no accelerate below one minimum pitch lag of excess */
#endif
#ifndef JB_ACCEL_VOICED_EXCESS_MS
#define JB_ACCEL_VOICED_EXCESS_MS 10.0 /* on speech, accelerate only above this excess */
#endif
#ifndef JB_PREEMPT_MIN_DEFICIT_MS
#define JB_PREEMPT_MIN_DEFICIT_MS 1.0
#endif

jb_action jb_decide(const jb_decision_in *in) {
  if (in->have_next) return JB_ACT_DECODE;
  if (!in->have_later) return in->offset_ms >= in->max_offset_ms ? JB_ACT_EXPAND_LOST : JB_ACT_EXPAND_WAIT;
  if (in->seq_contiguous) return JB_ACT_CNG_GAP;
  if (in->offset_ms >= in->max_offset_ms) return JB_ACT_EXPAND_LOST;
  /* Waiting until the concealment covers the hole costs nothing: if the
   * packet proves lost, what was concealed replaces it; if it comes, it is
   * played rather than dropped as late. */
  if (in->hole_wait_ms >= in->reorder_tol_ms && (int64_t)in->waited + in->need > in->gap) return JB_ACT_EXPAND_LOST;
  return JB_ACT_EXPAND_WAIT;
}

int32_t jb_decide_stretch(double offset_ms, double target_ms, int32_t rate, int32_t spare, int32_t min_lag, int voiced,
                          int *sign) {
  double excess = offset_ms - target_ms;
  *sign = 0;
  if (excess >= (voiced ? JB_ACCEL_VOICED_EXCESS_MS : JB_ACCEL_MIN_EXCESS_MS)) {
    int32_t n = (int32_t)(excess * rate / 1000.0);
    if (n > spare) n = spare;
    if (n < min_lag) return 0;
    *sign = -1;
    return n;
  }
  if (-excess >= JB_PREEMPT_MIN_DEFICIT_MS) {
    int32_t n = (int32_t)(-excess * rate / 1000.0 + 0.999);
    if (n < min_lag) n = min_lag;
    *sign = 1;
    return n;
  }
  return 0;
}
