/*
 * Noise suppressor: analysis / noise tracking / gain / synthesis.  See
 * include/vk_ns.h for the contract.  The gain estimator is in ns_gain.c.
 *
 * Per 10 ms frame of n samples (hop) and nbins = n + 1 bins, 50 Hz apart:
 *  1. sanitise the new hop, append it to the 2n analysis buffer;
 *  2. transient detector on the pre-emphasised hop (sub-block energies);
 *  3. sqrt-Hann window, real FFT, periodogram P;
 *  4. MCRA noise tracking: P smoothed across frequency and time (S), its
 *     minimum over a sliding window of MIN_NSUB sub-windows (Martin's
 *     minimum statistics), speech presence from S / Smin, and the noise
 *     power averaged recursively with a presence-controlled factor;
 *  5. during a detected transient, the power jump above the frame before it
 *     counts as noise (so clicks are cut, speech under them is kept);
 *  6. posterior SNR, decision-directed a priori SNR;
 *  7. a frame speech decision and a test for a speech-like background
 *     (babble: no pause for over a second) set the gain floor; the gain
 *     stage (OM-LSA by default) gives gains and speech presence;
 *  8. gain smoothing across frequency (3 taps) and time (limited release),
 *     floored at the strength's gain floor;
 *  9. inverse FFT, sqrt-Hann synthesis window, overlap-add.
 */
#include "vk_ns.h"
#include "ns_internal.h"
#include "ns_fft.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Switches removed in session 11: their code is gone, so a build that passes one would silently give
 * the default output.  Their figures are reproducible from the commit docs/ns.md names ("Session 11: switches removed"). */
#if defined(NS_START) || defined(SA_LOBE) || defined(SA_LOBE_HZ) || defined(LOW_GATE) || defined(LOW_GATE_HZ) || \
    defined(HRNR) || defined(HRNR_RHO) || defined(HRNR_ALL) || defined(BG_MOD_XDB) || defined(TR_DECAY_ON) || \
    defined(LOW_HOLD) || defined(LOW_HOLD_HZ)
#error "this switch was removed in session 11; build it from the commit docs/ns.md names (\"Session 11: switches removed\")"
#endif

/* ---- tuning constants (per 10 ms frame, 50 Hz bins, any rate) ---------- */
#ifndef ALPHA_S
#define ALPHA_S 0.8f        /* time smoothing of the periodogram for minimum tracking */
#endif
#ifndef MIN_SUBWIN
#define MIN_SUBWIN 12       /* frames per minimum sub-window */
#endif
#ifndef MIN_NSUB
#define MIN_NSUB 8          /* sub-windows: the minimum covers 0.96..1.08 s */
#endif
#ifndef LONG_MIN
#define LONG_MIN 1          /* session 12 (long_min_turn): the minimum that decides presence may stand at most LONG_MIN_X over
                               the minimum of the last LONG_NSUB sub-windows, so a phrase longer than the window is not
                               taken for noise (the default); 0 off (session 11's output) */
#endif
#ifndef LONG_NSUB
#define LONG_NSUB 16        /* ... sub-windows of that longer minimum: 1.92..2.04 s */
#endif
#ifndef LONG_MIN_X
#define LONG_MIN_X 6.31f    /* ... 8 dB: over noise alone the 1 s minimum stands at most 6.9 dB over the 2 s one (fan; white,
                               pink, brown 3.9; seeds 9000+, 8 s each), the margin START_CEIL_X keeps too */
#endif
#if LONG_MIN
#define SUBS_N LONG_NSUB    /* the sub-window ring holds the longer window */
#else
#define SUBS_N MIN_NSUB
#endif
#ifndef MCRA_DELTA
#define MCRA_DELTA 3.0f     /* S / Smin above this: speech present in the bin */
#endif
#ifndef ALPHA_P
#define ALPHA_P 0.2f        /* smoothing of the presence indicator */
#endif
#ifndef ALPHA_D
#define ALPHA_D 0.95f       /* noise averaging when speech is absent (~200 ms) */
#endif
#ifndef GATE_GAMMA
#define GATE_GAMMA 6.f      /* posterior SNR above which a speech-present bin is not averaged */
#endif
#ifndef GATE_PM
#define GATE_PM 0.1f
#endif
#ifndef FREQ_SMOOTH
#define FREQ_SMOOTH 2       /* 0 none, 1 3-tap average, 2 3-tap average that never lowers a bin */
#endif
#ifndef INIT_FRAMES
#define INIT_FRAMES 10      /* frames averaged plainly at start-up */
#endif
#ifndef PAUSE_PM
#define PAUSE_PM 0.3f       /* scale of the presence given to the gain stage in pause frames */
#endif
#ifndef LF_BINS
#define LF_BINS 1           /* bins (50 Hz each) held at the floor: DC (below 25 Hz) */
#endif
#ifndef NOISE_OVER
#define NOISE_OVER 1.0f     /* noise overestimation factor used by the gain */
#endif
#ifndef DD_ALPHA
#define DD_ALPHA 0.9f       /* decision-directed weight of the previous frame */
#endif
#ifndef XI_MIN
#define XI_MIN 0.003162f    /* a priori SNR floor, -25 dB */
#endif
#ifndef GAIN_RELEASE
#define GAIN_RELEASE 0.5f   /* the gain may fall at most to this fraction per frame */
#endif
#ifndef TR_DECAY
#define TR_DECAY 32.f       /* a click's sub-block energy falls by this (15 dB) 5..7.5 ms after the jump */
#endif
#ifndef TR_FOLLOW
#define TR_FOLLOW 4         /* the decay is judged on the sub-blocks this many after the jump and the next */
#endif
#ifndef TR_BACK
#define TR_BACK 4.f         /* ... or it returns to within 6 dB of the background before the jump */
#endif
#ifndef TR_SUSTAIN
#define TR_SUSTAIN 10.f     /* ... and the sub-block after the jump is still 10 dB over the background */
#endif
#define TR_SUB 8            /* transient detector: sub-blocks per hop (1.25 ms) */
#ifndef TR_CONFIRM
#define TR_CONFIRM 1        /* 1: a click is confirmed on the next hop before its second half is cut (below) */
#endif
#ifndef VAD_GAMMA
#define VAD_GAMMA 3.f       /* posterior SNR of a bin counted as 'hot' (4.8 dB) */
#endif
#ifndef VAD_HOT
#define VAD_HOT 0.1f        /* share of hot bins (100 Hz..4 kHz) marking a speech frame (noise alone: 5 % +- 2.5 %) */
#endif
#ifndef VAD_HANG
#define VAD_HANG 2          /* frames a speech decision is held after the last speech frame ... */
#endif
#ifndef HANG_RUN
#define HANG_RUN 2          /* ... once this many frames in a row were speech (session 10, count_hang; 1: after any, session 9's) */
#endif
#ifndef SPEECH_FLOOR
#define SPEECH_FLOOR 0.5f   /* in speech frames the floor is floor^SPEECH_FLOOR (half as deep in dB) */
#endif
#ifndef BG_FLAT
#define BG_FLAT 0.45f       /* whitened-spectrum flatness above which a frame is noise-like (noise alone: 0.58, 5th pct 0.49) */
#endif
#ifndef BG_BELOW
#define BG_BELOW 1.f        /* ... or mean posterior SNR below this (no more power than the noise estimate) */
#endif
#ifndef BG_PAUSE_RUN
#define BG_PAUSE_RUN 10     /* noise-like frames in a row that make a pause (100 ms) */
#endif
#ifndef BG_T0
#define BG_T0 100           /* frames without a pause before the background counts as speech-like (1 s) ... */
#endif
#ifndef BG_T1
#define BG_T1 150           /* ... and fully so after this many (1.5 s) */
#endif
#ifndef BG_R_UP
#define BG_R_UP 0.5f        /* the talker's level: a quantile of the frames' mean posterior SNR (dB), up this much per frame above it ... */
#endif
#ifndef BG_R_DOWN
#define BG_R_DOWN 0.05f     /* ... down this much below it: 1 frame in 11 lies above (91st percentile); 5 dB/s when he is silent */
#endif
#ifndef BG_R0
#define BG_R0 15.f          /* talker level (dB) up to which a speech-like background gets the shallow floor in full ... */
#endif
#ifndef BG_R1
#define BG_R1 25.f          /* ... and from which it gets the usual floors (a talker far above the babble; chosen on training talkers) */
#endif
#ifndef BABBLE_FLOOR
#define BABBLE_FLOOR 0.2f   /* over a speech-like background the floor is floor^BABBLE_FLOOR in every frame (-4.5 dB at 0.5) */
#endif
#ifndef BG_LEVEL
#define BG_LEVEL 2          /* session 9 (babble_level_floor): over a speech-like background a speech frame BG_GAP under the talker's
                               level is a pause: 2 its floor and presence (the default since session 10, with BG_MOD), 1 its floor only; 0 off */
#endif
#ifndef BG_GAP
#define BG_GAP 18.f         /* ... dB under bg_r: P.56's activity threshold (15.9 dB under the active level) + bg_r over the active level (2.2 dB, training talkers) */
#endif
#ifndef BG_MOD
#define BG_MOD 1            /* session 10 (bg_moving): the babble test also asks that the background itself move (bg_mod_push):
                               1 for BG_LEVEL's rule only (the default), 2 for the whole speech-like state; 0 off */
#endif
#if BG_MOD < 0 || BG_MOD > 2
#error "BG_MOD is 0, 1 or 2; BG_MOD 3 was removed in session 11 (docs/ns.md, \"Session 11: switches removed\")"
#endif
#ifndef BG_MOD_K
#define BG_MOD_K 24         /* ... over the last this many noise-like frames (a ring) ... */
#endif
#ifndef BG_MOD_NB
#define BG_MOD_NB 8         /* ... in this many bands of 100 Hz..4 kHz ... */
#endif
#ifndef BG_MOD_DB
#define BG_MOD_DB 3.5f      /* ... the band level's median over its 10th percentile, dB, above which it moves */
#endif
#ifndef BG_EARLY
#define BG_EARLY 1          /* session 11 (bg_early): over a background that moves (bg_moving) the babble test starts sooner, */
#endif                      /* (needs BG_MOD) 0: session 10's start only (docs/ns.md "Session 11: the babble test's start") */
#ifndef BG_E0
#define BG_E0 50            /* ... after this many frames without a pause (0.5 s; keep it well above BG_MOD_K) ... */
#endif
#ifndef BG_E1
#define BG_E1 75            /* ... and in full after this many (0.75 s) */
#endif
#ifndef BG_BAND
#define BG_BAND 2           /* bg_band_gain: in the babble state over a background that moves, a bin's gain is drawn towards its */
#endif                      /* third-octave band's mean gain, in bands centred at 1 kHz and up both ways, below only raised (session */
                            /* 14); 1: only raised everywhere (session 13); 0: neither */
#define BG_BAND_MAX 20      /* room for the third-octave bands from 400 Hz up (11 / 14 / 19 at 8 / 16 / 48 kHz) */
#ifndef BG_MOD_RUN
#define BG_MOD_RUN 1        /* ... a noise-like frame enters the ring only in a run of this many (1, the default: every one; 2 built, off) */
#endif
#ifndef START_CEIL
#define START_CEIL 1        /* session 11 (start_ceiling): until the minimum's window first turns over, the noise estimate */
#endif                      /* is at most START_CEIL_X times the minimum of S since frame MIN_SUBWIN; 0: session 10's start */
#ifndef START_CEIL_X
#define START_CEIL_X 6.31f  /* ... 8 dB: stationary noise alone (seeds 9000+) reaches 7.0 dB at most there */
#endif
#ifndef FLOOR_FALL
#define FLOOR_FALL 0.5f     /* the floor deepens at most by this factor per frame (-6 dB / 10 ms) */
#endif
#ifndef TR_RATIO
#define TR_RATIO 30.f       /* sub-block energy over its 10 ms past: 14.8 dB */
#endif
#ifndef TR_ABS
#define TR_ABS 1e-7f        /* per-sample energy floor (-70 dBFS) of the detector */
#endif
#ifndef TR_HOLD
#define TR_HOLD 2           /* frames a detected click affects (its hop in two windows) */
#endif
#ifndef TR_KAPPA
#define TR_KAPPA 2.f        /* allowed rise over the pre-click spectrum (3 dB) */
#endif
#ifndef TR_TRAIN_K
#define TR_TRAIN_K 2        /* a click is cut only after this many others (0: every click) ... */
#endif
#ifndef TR_TRAIN_W
#define TR_TRAIN_W 100      /* ... within this many frames (1 s): typing is a train of clicks */
#endif
#ifndef TR_EPISODE
#define TR_EPISODE 200      /* once in a train, every click is cut until a pause of this many frames (2 s) */
#endif
#ifndef DD_TSNR
#define DD_TSNR 1           /* in speech frames the a priori SNR is at least its two-step (TSNR) estimate */
#endif
#ifndef TS_GAMMA
#define TS_GAMMA 10.f       /* ... and in pause frames in a bin 10 dB over the noise estimate (noise alone: e^-10 of its bins; 1e30f: off) */
#endif
#ifndef DD_UNBIAS
#define DD_UNBIAS 1         /* session 13 (smooth_step): in a speech frame's bins over VAD_GAMMA the a priori SNR's memory is the MMSE */
#endif                      /* estimate of the speech power (+ xi / (1 + xi)), not its biased square alone; 0: before */
#ifndef DD_ALPHA_UP
#define DD_ALPHA_UP 0.8f    /* DD_TSNR 0 (before session 6): this DD weight in speech frames for rising bins */
#endif
#ifndef VG_ON
#define VG_ON 1             /* voicing guard: harmonics of a voiced speech frame stay out of the noise average */
#endif
#ifndef VG_R
#define VG_R 0.7f           /* normalised autocorrelation at the pitch lag of a voiced frame */
#endif
#ifndef VG_GAMMA
#define VG_GAMMA 2.f        /* ... whose harmonic bins are 3 dB above the noise estimate */
#endif
#ifndef VG_HZ
#define VG_HZ 1000          /* ... up to this frequency */
#endif
#ifndef VG_MAX
#define VG_MAX 300.f        /* ... for at most 3 s on end in a bin (a steady buzz is then learnt as noise) */
#endif
#ifndef VG_WIDE
#define VG_WIDE 1           /* ... and, in a voiced frame, any other bin GATE_GAMMA over the noise estimate (0: session 6's guard) */
#endif
#ifndef NS_LEARNED
#define NS_LEARNED 3        /* session 8, the learned presence estimate (ns_presence.c): 3, its extra speech frames get the
                               speech floor below NS_LOW_HZ; 0 off (session 7's output); 1 it decides the frame; 2 it or the count;
                               4 (exploration) as 3, and over a speech-like background it decides the frame */
#endif
#ifndef NS_FEAT_DUMP
#define NS_FEAT_DUMP 0      /* the presence estimate's features kept for vk_ns_presence_dump (harness only) */
#endif
#define NS_PRESENCE (NS_LEARNED || NS_FEAT_DUMP)
#ifndef BG_RING
#if BG_MOD && NS_LEARNED && BG_MOD_RUN <= 1
#define BG_RING 1           /* session 11 (bg_ring_admits; removed, back in session 12 and the default since): a
                               noise-like frame enters BG_MOD's ring only when it is not the talker's: 1 the learned estimate
                               (ns_presence.c) does not call it speech; 2 it is not in the count's hangover; 0 off.  Off by
                               default without a ring, without the estimate, or with BG_MOD_RUN's rule for the same entry */
#else
#define BG_RING 0
#endif
#endif
#ifndef NS_LOW_HZ
#define NS_LOW_HZ 1000      /* NS_LEARNED 3, 4: the band given the speech floor in the estimate's extra speech frames */
#endif
#ifndef NS_LOWSEL
#define NS_LOWSEL 1         /* NS_LEARNED 3, 4 (session 9, "a1"): in the estimate's extra speech frames only the bins within a
                               bin of a harmonic of the best lag's pitch get the speech floor, and none when that lag is not a
                               peak; 0 every bin below NS_LOW_HZ (session 8's output) */
#endif
#define NS_PEAK_PITCH (NS_LEARNED >= 3 && NS_LOWSEL)
#ifndef HF_FLOOR
#define HF_FLOOR 2          /* session 9: at 16 kHz and up, the bins from HF_HZ get their own floor, from their own speech
                               decision (hf_floor_step); 2 (default): it may only raise their floor; 1: it sets their floor
                               (costs the training talkers at -5..0 dB); 0 the frame's floor everywhere (session 8's output) */
#endif
#ifndef HF_HZ
#define HF_HZ 3000          /* ... where that band begins */
#endif
#define HF_TOP_HZ 8000      /* ... its decision counts the bins up to here (the same band at 16 and 48 kHz) */
#ifndef HF_HOT
#define HF_HOT 0.15f        /* ... and calls speech over this share of bins over VAD_GAMMA: the lowest of 0.10/0.15/0.20/0.25
                               whose false alarms stay within 1 % of the frames of white, pink and brown noise alone (0.0 %;
                               VAD_HOT, 0.1, called 3.5-5.5 % of them speech) */
#endif
#if BG_RING == 1 && !NS_PRESENCE
#error "BG_RING 1 needs the learned presence estimate (NS_LEARNED)"
#endif
#if BG_RING && BG_MOD_RUN > 1
#error "BG_RING and BG_MOD_RUN are two rules for the same ring entry: pick one"
#endif
#if LONG_MIN && LONG_NSUB <= MIN_NSUB
#error "LONG_NSUB must exceed MIN_NSUB"
#endif
#define VG_FS 2000          /* the guard's signal: the input averaged down to 2 kHz */
#define VG_W 40             /* autocorrelation window, 20 ms */
#define VG_LAG0 5           /* lags 2.5 .. */
#define VG_LAG1 25          /* .. 12.5 ms: pitch 80 .. 400 Hz */
#define VG_N (VG_W + VG_LAG1)
#define POW_EPS 1e-12f      /* keeps powers positive (and out of denormals) */
#define SAMPLE_CLAMP 65536.f

#define VK_PI_F 3.14159265358979f

/* A click judged on the next hop: its level 5..7.5 ms after the jump, the
 * background before it, and where in tr_hist (of the next frame) the
 * 7.5 ms after the jump begin. */
typedef struct ns_click { float after, bg; int32_t from; } ns_click;
/* how a frame with an undecided click was also processed (TR_CONFIRM) */
enum { ALT_NONE = 0, ALT_UNCUT = 1, ALT_CUT = 2 };

struct vk_ns {
  int32_t rate, n, nbins;
  float strength, floor_lin;
  int32_t transient_on;
  const vk_ns_gain_stage *stage;
  vk_ns_gain_stage dflt;
  vk_fft fft;
  vk_ns_e1_table e1;
  uint32_t frames, sanitised, transients;
  int32_t subwin_pos, sub_idx, tr_hold, alt, vad_hang;
  int32_t quiet_run, since_pause;
#if BG_BAND
  float bg_nu;       /* the babble state's weight in this frame, 0 over a still background (bg_band_gain) */
  int32_t band_n;    /* third-octave bands of two bins or more (bg_band_gain) ... */
  int32_t band_k[BG_BAND_MAX + 1]; /* ... band b is bins band_k[b] .. band_k[b + 1] - 1 */
#if BG_BAND >= 2
  int32_t band_lo;   /* the first band centred at 1 kHz or above: from it on, gains are lowered too */
#endif
#endif
  int32_t sp_run;    /* speech frames in a row (count_hang), up to HANG_RUN */
  float spp_mean, d_prev, floor_cur;
#if HF_FLOOR
  int32_t hf_hang;   /* the high band's speech decision with its hangover */
  float floor_hi;    /* ... and its floor (floor_cur below HF_HZ) */
#endif
  float bg_r;     /* the talker's level over the noise estimate, dB (a high quantile of the frames' mean posterior SNR) */
#if BG_MOD
  float bgm_lv[BG_MOD_K][BG_MOD_NB]; /* the band levels (dB) of the last BG_MOD_K noise-like frames, a ring */
  int32_t bgm_n, bgm_at;  /* ... frames in it (up to BG_MOD_K), and the next slot */
  int32_t bgm_dirty;      /* ... changed since bgm_moving was computed */
  int32_t bgm_moving;     /* the background moves (bg_moving) */
#endif
  ns_click tr_w;  /* the click awaiting confirmation on the next hop (alt == ALT_UNCUT, or tr_cand) */
  int32_t tr_cand;  /* a click in the last hop, to be confirmed on this one (cut or not) */
  int32_t tr_nev;   /* clicks confirmed so far (counted up to TR_TRAIN_K) ... */
  int32_t tr_typing; /* the last click came in a train (TR_EPISODE) */
  uint32_t tr_ev[TR_TRAIN_K > 0 ? TR_TRAIN_K : 1]; /* ... the frames of the last TR_TRAIN_K, a ring */
  float tr_hist[3 * TR_SUB];
  float vg_x[VG_N];  /* voicing guard: the last 32.5 ms at 2 kHz */
  float vg_f0;       /* ... the pitch of this frame in 50 Hz bins, 0 when not voiced */
  float vg_run;      /* ... voiced frames in a row (VG_WIDE) */
#if NS_PRESENCE
  float vg_best;     /* ... its best normalised autocorrelation, in every frame (NS_LEARNED's feature) */
  vk_ns_presence pres; /* the learned presence estimate's state and this frame's features */
  int32_t pres_low;  /* NS_LEARNED 3, 4: a pause frame the estimate calls speech (the low band gets the speech floor) */
  float floor_sp;    /* ... the floor a speech frame would have had */
#endif
#if NS_PEAK_PITCH
  float pk_f0;       /* NS_LOWSEL: the best lag's pitch in every frame, 50 Hz bins, 0 when that lag is not a peak */
  unsigned char low_sel[NS_LOW_HZ / 50 + 1]; /* ... the bins it selects in an extra speech frame */
#endif
  /* arrays (inside the same allocation) */
  float *win, *swin, *inbuf, *olap, *tbuf, *fbuf, *olap_alt;
  vk_cpx *X;
#if LONG_MIN
  float *Slong;      /* the minimum over LONG_NSUB sub-windows (with the running one, Stmp, where it is used) */
  int32_t sub_written; /* sub-windows written since the start, up to SUBS_N + 1 */
#endif
  float *P, *Sf, *S, *Smin, *Stmp, *subs, *pm, *pq, *lambda, *lam_eff, *gamma, *xi, *a2, *gain, *gsm, *spp, *sref;
  /* a frame with an undecided click processed the other way (TR_CONFIRM):
   * its second half and the state it leaves; lek and xik are contiguous and
   * become its spectrum */
  float *lek, *xik, *gammak, *sppk, *a2_alt, *gsm_alt;
  float *flb; /* the floor of each bin handed to the gain stage (floor_bins) */
  float *vmask, *vrun; /* the voicing guard's bins and thresholds (VG_ON), and how long each has been a harmonic */
};

void vk_ns_e1_init(vk_ns_e1_table *t) {
  for (int i = 0; i < VK_NS_E1_N; i++) {
    double v = pow(2.0, (double)VK_NS_E1_LO + (double)i / VK_NS_E1_STEPS);
    double e1;
    if (v < 1.0) {
      /* E1(v) = -gamma - ln v - sum_{k>=1} (-v)^k / (k k!) */
      double sum = 0, term = 1;
      for (int k = 1; k < 60; k++) {
        term *= -v / k;
        sum += term / k;
      }
      e1 = -0.57721566490153286 - log(v) - sum;
    } else {
      /* continued fraction (modified Lentz) */
      double b = v + 1, c = 1e300, d = 1 / b, h = d;
      for (int k = 1; k < 200; k++) {
        double an = -(double)k * k;
        b += 2;
        d = 1 / (an * d + b);
        c = b + an / c;
        double del = c * d;
        h *= del;
        if (fabs(del - 1) < 1e-15) break;
      }
      e1 = h * exp(-v);
    }
    t->v[i] = (float)(0.5 * e1);
  }
}

static size_t ns_floats(int32_t n) {
  size_t nb = (size_t)n + 1;
  /* win swin inbuf tbuf: 2n each; olap fbuf olap_alt: n; X: 2 nb; 25 per-bin arrays; subs; LONG_MIN's Slong */
  return 8 * (size_t)n + 3 * (size_t)n + 2 * nb + 25 * nb + (size_t)SUBS_N * nb + (LONG_MIN ? nb : 0);
}

static float floor_of(float strength) { return powf(10.f, -45.f * strength / 20.f); }

#if BG_BAND
/* The third-octave bands of bg_band_gain: centres 1000 * 2^(m/3) Hz, edges
 * a sixth of an octave either side, in the 50 Hz bins; bands narrower than
 * two bins (below 400 Hz) are left out, the last ends at the top bin. */
static void bg_band_init(vk_ns *ns) {
  const int32_t nb = ns->nbins;
  int32_t c = 0;
  for (int m = -4; c < BG_BAND_MAX; m++) {
    const int32_t k0 = (int32_t)(1000.0 * pow(2.0, ((double)m - 0.5) / 3.0) / 50.0 + 0.5);
    int32_t k1 = (int32_t)(1000.0 * pow(2.0, ((double)m + 0.5) / 3.0) / 50.0 + 0.5);
    if (k0 >= nb) break;
    if (k1 > nb) k1 = nb;
    if (k1 - k0 < 2) continue;
    if (c == 0) ns->band_k[0] = k0;
#if BG_BAND >= 2
    if (m < 0) ns->band_lo = c + 1;
#endif
    ns->band_k[++c] = k1;
  }
  ns->band_n = c;
}
#endif

int32_t vk_ns_create(int32_t sample_rate, float strength, vk_ns **out) {
  if (!out) return VK_ERR_ARG;
  *out = NULL;
  if (sample_rate != 8000 && sample_rate != 16000 && sample_rate != 48000) return VK_ERR_ARG;
  if (!(strength >= 0.f && strength <= 1.f)) return VK_ERR_ARG;
  int32_t n = sample_rate / 100;
  size_t fftmem = vk_fft_mem(n);
  size_t head = (sizeof(vk_ns) + 15) & ~(size_t)15;
  size_t total = head + fftmem + ns_floats(n) * sizeof(float) + 64;
  unsigned char *mem = (unsigned char *)calloc(1, total);
  if (!mem) return VK_ERR_NOMEM;
  vk_ns *ns = (vk_ns *)mem;
  ns->rate = sample_rate;
  ns->n = n;
  ns->nbins = n + 1;
  if (vk_fft_init(&ns->fft, n, mem + head) != 0) {
    free(mem);
    return VK_ERR_ARG;
  }
  float *f = (float *)(mem + head + fftmem);
  size_t nb = (size_t)ns->nbins;
#define TAKE(p, count) do { p = f; f += (count); } while (0)
  TAKE(ns->win, 2 * n);
  TAKE(ns->swin, 2 * n);
  TAKE(ns->inbuf, 2 * n);
  TAKE(ns->tbuf, 2 * n);
  TAKE(ns->olap, n);
  TAKE(ns->fbuf, n);
  TAKE(ns->olap_alt, n);
  ns->X = (vk_cpx *)f;
  f += 2 * nb;
  TAKE(ns->P, nb); TAKE(ns->Sf, nb); TAKE(ns->S, nb); TAKE(ns->Smin, nb);
  TAKE(ns->Stmp, nb); TAKE(ns->pm, nb); TAKE(ns->lambda, nb); TAKE(ns->lam_eff, nb);
  TAKE(ns->gamma, nb); TAKE(ns->xi, nb); TAKE(ns->a2, nb); TAKE(ns->gain, nb);
  TAKE(ns->gsm, nb); TAKE(ns->spp, nb); TAKE(ns->sref, nb);
  TAKE(ns->pq, nb);
  TAKE(ns->lek, nb); TAKE(ns->xik, nb); TAKE(ns->gammak, nb); TAKE(ns->sppk, nb);
  TAKE(ns->a2_alt, nb); TAKE(ns->gsm_alt, nb);
  TAKE(ns->vmask, nb); TAKE(ns->vrun, nb);
  TAKE(ns->flb, nb);
  TAKE(ns->subs, (size_t)SUBS_N * nb);
#if LONG_MIN
  TAKE(ns->Slong, nb);
#endif
#undef TAKE
  /* Periodic sqrt-Hann: w^2 sums to 1 at 50 % overlap.  The synthesis
   * window also undoes the inverse FFT's scale n. */
  for (int32_t i = 0; i < 2 * n; i++) {
    float w = sqrtf(0.5f - 0.5f * cosf(VK_PI_F * (float)i / (float)n));
    ns->win[i] = w;
    ns->swin[i] = w / (float)n;
  }
#if BG_BAND
  bg_band_init(ns);
#endif
  vk_ns_e1_init(&ns->e1);
  ns->dflt.ctx = &ns->e1;
  ns->dflt.compute = vk_ns_omlsa_gain;
  ns->stage = &ns->dflt;
  ns->transient_on = 1;
  ns->strength = strength;
  ns->floor_lin = floor_of(strength);
  vk_ns_reset(ns);
  *out = ns;
  return VK_OK;
}

void vk_ns_destroy(vk_ns *ns) { free(ns); }

int32_t vk_ns_frame_size(const vk_ns *ns) { return ns ? ns->n : VK_ERR_ARG; }
int32_t vk_ns_delay(const vk_ns *ns) { return ns ? ns->n : VK_ERR_ARG; }

int32_t vk_ns_set_strength(vk_ns *ns, float strength) {
  if (!ns || !(strength >= 0.f && strength <= 1.f)) return VK_ERR_ARG;
  ns->strength = strength;
  ns->floor_lin = floor_of(strength);
  return VK_OK;
}

int32_t vk_ns_set_transient(vk_ns *ns, int32_t enable) {
  if (!ns) return VK_ERR_ARG;
  ns->transient_on = enable ? 1 : 0;
  if (!enable) ns->tr_hold = ns->alt = ns->tr_cand = 0;
  return VK_OK;
}

int32_t vk_ns_set_gain_stage(vk_ns *ns, const vk_ns_gain_stage *stage) {
  if (!ns || (stage && !stage->compute)) return VK_ERR_ARG;
  ns->stage = stage ? stage : &ns->dflt;
  return VK_OK;
}

void vk_ns_reset(vk_ns *ns) {
  if (!ns) return;
  size_t nb = (size_t)ns->nbins, n = (size_t)ns->n;
  memset(ns->inbuf, 0, 2 * n * sizeof(float));
  memset(ns->olap, 0, n * sizeof(float));
  for (size_t k = 0; k < nb; k++) {
    ns->pm[k] = 0.f;
    ns->gsm[k] = 1.f;
    ns->spp[k] = 0.f;
    ns->a2[k] = 1.f;
    ns->vrun[k] = 0.f;
  }
  memset(ns->tr_hist, 0, sizeof ns->tr_hist);
  memset(ns->vg_x, 0, sizeof ns->vg_x);
  ns->vg_f0 = ns->vg_run = 0.f;
#if NS_PRESENCE
  ns->vg_best = 0.f;
  memset(&ns->pres, 0, sizeof ns->pres);
  ns->pres_low = 0;
  ns->floor_sp = 1.f;
#endif
#if NS_PEAK_PITCH
  ns->pk_f0 = 0.f;
  memset(ns->low_sel, 0, sizeof ns->low_sel);
#endif
  ns->frames = ns->sanitised = ns->transients = 0;
  ns->subwin_pos = ns->sub_idx = ns->tr_hold = ns->alt = ns->vad_hang = 0;
#if LONG_MIN
  ns->sub_written = 0;
#endif
  ns->tr_w.after = ns->tr_w.bg = 0.f;
  ns->tr_w.from = 2 * TR_SUB;
  ns->tr_cand = ns->tr_nev = ns->tr_typing = 0;
  memset(ns->tr_ev, 0, sizeof ns->tr_ev);
  ns->quiet_run = 0;
  ns->sp_run = 0;
  ns->since_pause = 0;
#if BG_BAND
  ns->bg_nu = 0.f;
#endif
  ns->bg_r = 0.f;
#if BG_MOD
  memset(ns->bgm_lv, 0, sizeof ns->bgm_lv);
  ns->bgm_n = ns->bgm_at = ns->bgm_dirty = 0;
  ns->bgm_moving = 1;
#endif
  ns->floor_cur = ns->floor_lin;
#if HF_FLOOR
  ns->hf_hang = 0;
  ns->floor_hi = ns->floor_lin;
#endif
  ns->spp_mean = 0.f;
  ns->d_prev = 0.f;
}

#if TR_CONFIRM
/* A click has ended 7.5 ms after its jump: from there on (the mean of the
 * cnt sub-blocks at e) its energy stays below the level the detector saw
 * 5..7.5 ms after the jump (a ringing decays), or is back within TR_BACK of
 * the background before it.  A plosive burst that decays by 15 dB into its
 * vowel does neither: the vowel rises again, well above the silence of the
 * closure before the burst.  Cutting those as clicks cost a training
 * talker, de, 0.4-0.7 STOI points at +20 dB SNR, and a held-out one, da,
 * up to 2.4. */
static int goes_on(const float *e, int cnt, float after, float bg) {
  float m = 0.f;
  for (int b = 0; b < cnt; b++) m += e[b];
  m /= (float)cnt;
  return m >= after && m > TR_BACK * bg;
}

/* A click whose jump was in the last hop, on what follows it up to the end
 * of this one (7.5 ms on from the jump: 8..10 sub-blocks). */
static int click_confirmed(const vk_ns *ns) {
  const ns_click *c = &ns->tr_w;
  return !goes_on(ns->tr_hist + c->from, 3 * TR_SUB - c->from, c->after, c->bg);
}

#endif

/* The click-rate prior.  A click is cut only while clicks come as a
 * train: the TR_TRAIN_K-th last click confirmed before it lies within
 * TR_TRAIN_W frames, or the last one came in a train and lies within
 * TR_EPISODE frames (a typing episode goes on across pauses shorter
 * than 2 s, the pause threshold of writing-process research).  Typing is a
 * train: each keystroke sounds twice (press, and release about 0.1 s
 * later), and typists average about 52 words per minute, a key every
 * ~0.24 s (Dhakal et al., CHI 2018); three sounds in a second is typing at
 * 18 wpm or more when both sounds of a key are heard, 36 when only the
 * press is.  Speech makes transients that end like a click (a word-final
 * plosive released into silence, 20 dB over the background and back
 * within 6 ms) one at a time: on the training talkers at +20 dB SNR the
 * detector confirmed at most one per 5 s utterance.  Those are now let
 * through (not cut, not counted in the stats), and so are the first
 * TR_TRAIN_K clicks of a typing episode. */
static int click_train(const vk_ns *ns) {
#if TR_TRAIN_K > 0
  const uint32_t oldest = ns->frames - ns->tr_ev[0], last = ns->frames - ns->tr_ev[TR_TRAIN_K - 1];
  return ns->tr_nev >= TR_TRAIN_K &&
         (oldest <= (uint32_t)TR_TRAIN_W || (ns->tr_typing && last <= (uint32_t)TR_EPISODE));
#else
  (void)ns;
  return 1;
#endif
}

/* A click confirmed in this frame (cut or not): into the prior's history. */
static void click_event(vk_ns *ns) {
#if TR_TRAIN_K > 0
  ns->tr_typing = click_train(ns);
  memmove(ns->tr_ev, ns->tr_ev + 1, (size_t)(TR_TRAIN_K - 1) * sizeof(uint32_t));
  ns->tr_ev[TR_TRAIN_K - 1] = ns->frames;
  if (ns->tr_nev < TR_TRAIN_K) ns->tr_nev++;
#else
  (void)ns;
#endif
}

/* Time-domain click detector: a 1.25 ms sub-block of the pre-emphasised
 * signal whose energy jumps TR_RATIO above the mean of the 10 ms before
 * it, and 5..7.5 ms later has fallen by TR_DECAY or back to near that
 * background (a click ends; a speech onset or plosive, whose jump over a
 * quiet background can be as large, goes on: treating those as clicks
 * cut word starts, up to 1.6 STOI points at +20 dB SNR).  The
 * decay needs TR_FOLLOW + 1 sub-blocks after the jump, so a jump late in
 * a hop is judged at the next frame (*pending is set meanwhile; the
 * pre-click reference spectrum is then not updated).  *sure_o is set on a
 * click judged now.  With TR_CONFIRM a click must also have ended 7.5 ms
 * after its jump (goes_on): for a jump in the previous hop that is judged
 * here; for one in this hop it is judged on the next hop (*deferred_o set,
 * *w filled). */
static void detect_transient(vk_ns *ns, const float *h, int *pending, int *sure_o, int *deferred_o, ns_click *w) {
  int32_t n = ns->n, bl = n / TR_SUB;
  /* [0, TR_SUB): hop t-2, [TR_SUB, 2 TR_SUB): hop t-1, [2 TR_SUB, 3 TR_SUB): hop t */
  float *hist = ns->tr_hist;
  memmove(hist, hist + TR_SUB, 2 * TR_SUB * sizeof(float));
  float prev = ns->d_prev;
  for (int b = 0; b < TR_SUB; b++) {
    float e = 0.f;
    for (int32_t i = b * bl; i < (b + 1) * bl; i++) {
      float d = h[i] - prev;
      prev = h[i];
      e += d * d;
    }
    hist[2 * TR_SUB + b] = e / (float)bl;
  }
  ns->d_prev = prev;
  int sure = 0, deferred = 0;
  *pending = 0;
  const int p0 = 2 * TR_SUB - TR_FOLLOW - 1, p1 = 3 * TR_SUB; /* judged: p0 .. p1 - TR_FOLLOW - 2; then pending */
  for (int p = p0; p < p1; p++) {
    float bg = 0.f;
    for (int j = p - TR_SUB; j < p; j++) bg += hist[j];
    bg /= (float)TR_SUB;
    float e = hist[p];
    if (!(e > TR_ABS && e > TR_RATIO * (bg + TR_ABS * 0.01f))) continue;
    if (p + TR_FOLLOW + 1 >= p1) { *pending = 1; continue; }
    /* A click lasts: a keystroke rings for milliseconds, so the sub-block
     * after the jump is still well above the background.  Speech has
     * single-sub-block spikes of 15-20 dB over a quiet stretch (a held-out
     * talker, da, has runs of them 14-27 ms apart, as glottal pulses of
     * creaky voice are); cutting those as clicks cost that talker 0.9 STOI
     * points at +20 dB SNR (white noise, 8 kHz). */
    if (!(hist[p + 1] > TR_SUSTAIN * (bg + TR_ABS * 0.01f))) continue;
    float pk = hist[p + 1] > e ? hist[p + 1] : e;
    float a0 = hist[p + TR_FOLLOW], a1 = hist[p + TR_FOLLOW + 1];
    float after = a0 > a1 ? a0 : a1;
    if (after * TR_DECAY > pk && after > TR_BACK * bg) continue;
#if TR_CONFIRM
    const int from = p + TR_FOLLOW + 2; /* 7.5 ms after the jump */
    if (p < 2 * TR_SUB) {
      /* a jump in the previous hop, whose end is output now: what follows
       * it from 7.5 ms on (3..7 sub-blocks) is in view, judge it now */
      if (goes_on(hist + from, p1 - from, after, bg)) continue;
      sure = 1;
    } else {
      /* a jump in this hop: judged on the next hop (click_confirmed) */
      if (!deferred) w->from = from - TR_SUB;
      w->after = (!deferred || after > w->after) ? after : w->after;
      w->bg = (!deferred || bg > w->bg) ? bg : w->bg;
      deferred = 1;
    }
    continue;
#else
    (void)w; /* no click awaits the next hop without TR_CONFIRM */
#endif
    sure = 1;
  }
  *sure_o = sure;
  *deferred_o = deferred;
}

/* Step 8 for one bin: 3-tap smoothing across frequency of gains gl, gk, gr,
 * clamped to 0..1, limited release from the last frame's gain gp (relf 0:
 * none), floored at fl.  Branch-free so that the loop vectorises. */
static inline float smooth_gain(float gl, float gk, float gr, float gp, float relf, float fl) {
  float v = 0.25f * (gl + gr) + 0.5f * gk;
#if FREQ_SMOOTH == 0
  v = gk;
#elif FREQ_SMOOTH == 2
  v = v < gk ? gk : v; /* fill isolated dips, never pull a peak down */
#endif
  v = v >= 0.f ? v : 0.f; /* also catches NaN from a foreign stage */
  v = v > 1.f ? 1.f : v;
  float rel = relf * gp;
  v = v < rel ? rel : v;
  return v < fl ? fl : v;
}

/* Inlined into both callers (the frame and its other way): the loops then
 * see the callers' buffers and vectorise as they did when written out
 * twice (out of line, emcc's build ran 15 % slower per frame). */
#if defined(__GNUC__) || defined(__clang__)
#define NS_INLINE __attribute__((always_inline)) static inline
#else
#define NS_INLINE static inline
#endif

#if HF_FLOOR
/* HF_FLOOR (session 9): the first bin of the high band with its own floor;
 * nbins (none) below 16 kHz, where the band up to Nyquist is too narrow
 * (20 bins) for a share of hot bins to be steady in noise alone. */
static inline int32_t hf_k0(const vk_ns *ns) { return ns->rate >= 16000 ? HF_HZ / 50 : ns->nbins; }

/* The frame's speech decision counts bins from 100 Hz to 4 kHz and follows
 * the voiced frames.  Above ~3 kHz a voice can hold little energy in its
 * vowels and most of it in fricatives, which that count misses: there the
 * frame's floor, shallow in vowels and deep in fricatives and pauses,
 * modulates the band with an envelope opposed to the speech's own (fresh
 * talker nn, white noise at 0 dB, 48 kHz: the 3.4-4.3 kHz third octave
 * lost 2.1 STOI points, 0.4 with speexdsp's fixed floor).  So the band
 * gets its own decision, the same count (bins over VAD_GAMMA, share over
 * VAD_HOT, VAD_HANG frames held) on HF_HZ..HF_TOP_HZ, and the floor of a
 * speech or a pause frame from it: ex_sp and ex_pa are the frame's two
 * floor exponents (with the babble rule's shallower floor). */
static void hf_floor_step(vk_ns *ns, const float *gamma, float ex_sp, float ex_pa) {
  const int32_t k0 = hf_k0(ns), k1 = ns->nbins - 1 < HF_TOP_HZ / 50 ? ns->nbins - 1 : HF_TOP_HZ / 50;
  if (k0 > k1) {
    ns->floor_hi = ns->floor_cur;
    return;
  }
  float hot = 0.f;
  for (int32_t k = k0; k <= k1; k++) hot += gamma[k] > VAD_GAMMA ? 1.f : 0.f;
  if (hot > HF_HOT * (float)(k1 - k0 + 1)) ns->hf_hang = VAD_HANG;
  else if (ns->hf_hang > 0) ns->hf_hang--;
  float target = powf(ns->floor_lin, ns->hf_hang > 0 ? ex_sp : ex_pa);
#if HF_FLOOR == 2
  if (target < ns->floor_cur) target = ns->floor_cur;
#endif
  const float fc = ns->floor_hi * FLOOR_FALL;
  ns->floor_hi = target > fc ? target : fc;
  if (ns->floor_hi < ns->floor_lin) ns->floor_hi = ns->floor_lin;
}
#endif

/* Steps 5-6 for every bin: the effective noise (with the power jump over
 * the pre-click reference counted as noise when cut), the posterior SNR and
 * the decision-directed a priori SNR from the last frame's a2. */
NS_INLINE void snr_step(const vk_ns *ns, int cut, int speech, float *le, float *gamma, float *xi) {
  const int32_t nb = ns->nbins;
  const float *P = ns->P, *lam = ns->lambda, *a2 = ns->a2, *sref = ns->sref;
  for (int32_t k = 0; k < nb; k++) {
    float l = NOISE_OVER * lam[k];
    float ex = P[k] - TR_KAPPA * sref[k];
    l = (cut && ex > 0.f) ? l + ex : l;
    le[k] = l;
    float g = P[k] / l;
    gamma[k] = g;
    float ml = g - 1.f;
    if (ml < 0.f) ml = 0.f;
#if DD_TSNR
    /* The decision-directed estimate is 0.9 times the last frame's
     * output, so it lags speech by a frame: where the speech rises or
     * moves (onsets, formant and pitch movements) the gain is set by the
     * frame before, and the speech is attenuated for it.  The second step
     * of the two-step estimate (TSNR; Plapous, Marro and Scalart 2006),
     * the Wiener gain of the DD estimate applied to this frame's posterior
     * SNR, has no such lag.  In speech frames the larger of the two is
     * used: where this frame holds more than the DD estimate predicts.
     * Not in pauses, where the second step would open the gain on noise
     * peaks (musical noise).  Training talkers, 8 kHz, against the rule
     * it replaces (below): speech attenuation 0.53 -> 0.49 dB, noise
     * removed in pauses 12.9 -> 13.1 dB, dSTOI +2.40 -> +2.43.
     * Since session 7 also in a pause frame's bin whose posterior SNR is
     * over TS_GAMMA (10 dB): noise alone puts e^-10 (4.5e-5) of its bins
     * there, so such a bin is speech in a frame the speech decision
     * missed (a low voice, whose energy below 300 Hz raises too few bins
     * for that decision at -5..0 dB SNR).  There the DD estimate comes
     * from the last frame's floored output and is about a tenth of the
     * bin's SNR: the gain was about -6 dB where it should be near 0. */
    float x2 = DD_ALPHA * a2[k] + (1.f - DD_ALPHA) * ml;
    float gw = x2 / (1.f + x2);
    float x3 = gw * gw * g;
    x2 = ((speech || g > TS_GAMMA) && x3 > x2) ? x3 : x2;
#else
    /* Before: in speech frames a rising bin used a faster DD weight. */
    float al = (ml > a2[k] && speech) ? DD_ALPHA_UP : DD_ALPHA;
    float x2 = al * a2[k] + (1.f - al) * ml;
#endif
    xi[k] = x2 > XI_MIN ? x2 : XI_MIN;
  }
}

#if BG_BAND
/* Sessions 13 and 14 (docs/ns.md "Session 13: band gains over babble",
 * "Session 14: band gains that also fall").  Over babble the per-bin gain
 * is a noisy estimate: the speech and the babble share the bins, their a
 * priori SNRs scatter from bin to bin, and a bin the talker holds can get a
 * low gain beside neighbours that keep his speech, while a peak of the
 * babble keeps a high one beside bins that lose it.  In the babble state
 * (nu, the weight of BABBLE_FLOOR's shallow floor, and only where the
 * background moves) every bin's gain is drawn towards the mean gain of its
 * third-octave band, by nu.
 *
 * Below 1 kHz a gain is only raised (session 13): a band there is at most
 * 185 Hz wide and holds one or two of the talker's harmonics, which carry
 * most of his power, and lowering them to the band's mean costs speech
 * (the whole-band form: SA +0.036 dB on training at 8 kHz).  In the bands
 * centred at 1 kHz and up it is lowered too (session 14): babble's peaks
 * there lose what their band loses.  Training, 8 / 16 kHz: babble dSTOI
 * +0.11 / +0.14 (raise only) -> +0.33 / +0.33, SA +0.008 / +0.010 dB,
 * babble NAabs +0.3 to +0.9 dB; other noises unchanged.  The first part of
 * step 8 (smooth_step). */
static void bg_band_gain(const vk_ns *ns, float *g) {
  const float w = ns->bg_nu;
  if (w <= 0.f) return;
  for (int32_t b = 0; b < ns->band_n; b++) {
    const int32_t k0 = ns->band_k[b], k1 = ns->band_k[b + 1];
    float sum = 0.f;
    for (int32_t k = k0; k < k1; k++) sum += g[k];
    const float m = sum / (float)(k1 - k0);
#if BG_BAND >= 2
    const int both = b >= ns->band_lo; /* lowered too, not only raised */
#else
    const int both = 0;
#endif
    for (int32_t k = k0; k < k1; k++)
      if (both || g[k] < m) g[k] += w * (m - g[k]);
  }
}
#endif

/* Step 8 for every bin: the stage's gains (ns->gain) raised towards their
 * band's over babble (BG_BAND), smoothed across frequency and against the
 * last frame's smoothed gains gp (gs may be gp), floored; the bins below
 * 50 Hz at the strength's floor (they carry no speech but much of pink,
 * brown and fan noise, and their periodogram is the least reliable); then
 * the a2 the next frame's a priori SNR starts from (with DD_UNBIAS's term
 * in a speech frame, given its xi). */
NS_INLINE void smooth_step(const vk_ns *ns, const float *gp, float *gs, float relf, const float *gamma, const float *xi, int speech,
                           float *a2) {
  const int32_t nb = ns->nbins;
#if BG_BAND
  bg_band_gain(ns, ns->gain);
#endif
  const float *g = ns->gain, fl = ns->floor_cur;
  /* from bin kh on, the high band's own floor (hf_floor_step); kh = nb: none */
#if HF_FLOOR
  const int32_t kh = hf_k0(ns) < nb ? hf_k0(ns) : nb;
  const float flh = ns->floor_hi;
#else
  const int32_t kh = nb;
  const float flh = fl;
#endif
  const int32_t km = kh < nb - 1 ? kh : nb - 1;
  gs[0] = smooth_gain(g[0], g[0], g[1], gp[0], relf, fl);
  for (int32_t k = 1; k < km; k++) gs[k] = smooth_gain(g[k - 1], g[k], g[k + 1], gp[k], relf, fl);
  for (int32_t k = km; k < nb - 1; k++) gs[k] = smooth_gain(g[k - 1], g[k], g[k + 1], gp[k], relf, flh);
  gs[nb - 1] = smooth_gain(g[nb - 2], g[nb - 1], g[nb - 1], gp[nb - 1], relf, kh < nb ? flh : fl);
  for (int32_t k = 0; k < LF_BINS; k++) gs[k] = ns->floor_lin;
#if DD_UNBIAS
  /* Session 13 (docs/ns.md "Session 13: the a priori SNR's memory").  The
   * decision-directed estimate remembers the last frame's output power over
   * the noise, a2 = G^2 gamma.  For a bin of steady SNR xi that is, on
   * average, xi^2 / (1 + xi), not xi: at xi = 3 (4.8 dB) the estimate settles
   * near 2 (2.9 dB), and the speech in bins 0-10 dB over the noise, a third
   * of the speech at -5..0 dB SNR, was attenuated for it (docs/ns.md, "Where
   * the SA comes from").  The conditional mean of the speech power given the
   * noisy bin adds the estimate's variance: G_W^2 |Y|^2 + G_W lambda, or in
   * units of the noise G_W^2 gamma + xi / (1 + xi), which averages xi (with
   * G_W = xi / (1 + xi)).  The first term stays the final gain's G^2 gamma
   * (smoothed and floored, as before); the second is added, and only in
   * bins that hold speech (a speech frame, the bin VAD_GAMMA over the
   * noise): in noise-dominated bins it would raise the next frame's xi on
   * noise and keep it (session 9, in every bin of speech frames: noise
   * removed in pauses -0.55 dB, dSTOI -0.45 at -5 dB).  Training, every
   * rate: SA -0.013 to -0.015 dB, dSTOI within 0.02, NAabs -0.08 dB. */
  if (speech) {
    for (int32_t k = 0; k < nb; k++) {
      float v = gs[k] * gs[k] * gamma[k];
      if (gamma[k] > VAD_GAMMA) v += xi[k] / (1.f + xi[k]);
      a2[k] = v;
    }
    return;
  }
#else
  (void)xi;
  (void)speech;
#endif
  for (int32_t k = 0; k < nb; k++) a2[k] = gs[k] * gs[k] * gamma[k];
}

#if TR_CONFIRM
/* Steps 5-9 of a frame with an undecided click done the other way (cut:
 * the jump over the pre-click spectrum counted as noise and a free release,
 * or uncut; the same presence and per-bin floor), up to its second half: kept in olap_alt, with the a priori and
 * smoothing state it leaves, until the next frame decides.  The first half
 * is output now as the frame was processed: it ends where the jump
 * begins. */
static void process_alt(vk_ns *ns, const float *presence, int speech, int cut) {
  const int32_t n = ns->n, nb = ns->nbins;
  float *le = ns->lek, *gamma = ns->gammak, *xi = ns->xik;
  snr_step(ns, cut, speech, le, gamma, xi);
  vk_ns_gain_input gi = {nb, ns->rate, ns->P, le, gamma, xi, presence, ns->flb};
  ns->stage->compute(ns->stage->ctx, &gi, ns->gain, ns->sppk);
  float *gs = ns->gsm_alt;
  smooth_step(ns, ns->gsm, gs, cut ? 0.f : GAIN_RELEASE, gamma, xi, speech, ns->a2_alt);
  vk_cpx *Xa = (vk_cpx *)ns->lek; /* lek and xik: 2 nb floats, no longer needed */
  for (int32_t k = 0; k < nb; k++) {
    Xa[k].re = ns->X[k].re * gs[k];
    Xa[k].im = ns->X[k].im * gs[k];
  }
  vk_fft_real_inverse(&ns->fft, Xa, ns->tbuf);
  for (int32_t i = 0; i < n; i++) ns->olap_alt[i] = ns->tbuf[n + i] * ns->swin[n + i];
}

/* The last frame's second half (in olap, output at the end of this frame)
 * and the state it left become those of the other way. */
static void take_alt(vk_ns *ns) {
  memcpy(ns->olap, ns->olap_alt, (size_t)ns->n * sizeof(float));
  memcpy(ns->a2, ns->a2_alt, (size_t)ns->nbins * sizeof(float));
  memcpy(ns->gsm, ns->gsm_alt, (size_t)ns->nbins * sizeof(float));
}
#endif

#if VG_ON
/* The voicing guard, a stage of its own that feeds the noise average (the
 * mask is made in voicing_guard below).  The input averaged down to 2 kHz,
 * its normalised autocorrelation over the last 20 ms at lags of
 * 2.5..12.5 ms (pitch 80..400 Hz): in a frame the speech decision calls
 * speech, a local peak reaching VG_R marks it voiced, with the pitch of the
 * shortest lag within 10 % of the best (not an octave below).  In a voiced
 * frame the bins within a bin of a harmonic up to VG_HZ that stand
 * VG_GAMMA above the noise estimate are kept out of the noise average even
 * when the minimum statistic says noise: a talker who voices the same low
 * harmonics for longer than the ~1 s minimum window (a phrase without
 * pauses) lifts the minimum to the voice, and the noise average then took
 * the voice in and attenuated it by up to 11 dB. */
/* The pitch of the best lag of r (lags VG_LAG0..VG_LAG1; best, its largest
 * value, > 0), in 50 Hz bins: the shortest lag within 10 % of the best (not
 * an octave below), climbed to its local peak and refined by a parabola
 * through its neighbours; 0 when that peak is the edge of the range (a
 * low-pass noise's autocorrelation falls from lag 0 on and is highest at
 * the shortest lag).  *rp: r at the peak. */
static float best_lag_pitch(const float *r, float best, float *rp) {
  int l = VG_LAG0;
  while (r[l] < 0.9f * best) l++;
  while (l < VG_LAG1 && r[l + 1] > r[l]) l++;
  *rp = r[l];
  if (l == VG_LAG0 || l == VG_LAG1) return 0.f;
  float lag = (float)l;
  float den = r[l - 1] - 2.f * r[l] + r[l + 1];
  if (den < 0.f) lag += 0.5f * (r[l - 1] - r[l + 1]) / den;
  return (float)VG_FS / lag / 50.f;
}

static void voicing_pitch(vk_ns *ns, const float *h) {
  const int32_t d = ns->rate / VG_FS, m = ns->n / d;
  float *v = ns->vg_x;
  memmove(v, v + m, (size_t)(VG_N - m) * sizeof(float));
  for (int32_t i = 0; i < m; i++) {
    float a = 0.f;
    for (int32_t j = 0; j < d; j++) a += h[i * d + j];
    v[VG_N - m + i] = a / (float)d;
  }
  ns->vg_f0 = 0.f;
#if NS_PRESENCE
  ns->vg_best = 0.f; /* the correlation is a feature of every frame */
#else
  if (ns->vad_hang == 0) return; /* the guard acts only in speech frames */
#endif
  float u[VG_N], q[VG_N + 1];
  float mean = 0.f;
  for (int i = 0; i < VG_N; i++) mean += v[i];
  mean /= (float)VG_N;
  /* q: running sums of squares, for the energy of each lagged window */
  q[0] = 0.f;
  for (int i = 0; i < VG_N; i++) {
    u[i] = v[i] - mean;
    q[i + 1] = q[i] + u[i] * u[i];
  }
  const float *x = u + VG_LAG1; /* the last 20 ms */
  const float e0 = q[VG_N] - q[VG_LAG1];
  float r[VG_LAG1 + 1];
  float best = 0.f;
  for (int l = VG_LAG0; l <= VG_LAG1; l++) {
    /* four partial sums: vectorisable, the same order in every build */
    float c0 = 0.f, c1 = 0.f, c2 = 0.f, c3 = 0.f;
    for (int i = 0; i < VG_W; i += 4) {
      c0 += x[i] * x[i - l];
      c1 += x[i + 1] * x[i + 1 - l];
      c2 += x[i + 2] * x[i + 2 - l];
      c3 += x[i + 3] * x[i + 3 - l];
    }
    float e1 = q[VG_N - l] - q[VG_LAG1 - l];
    r[l] = ((c0 + c1) + (c2 + c3)) / sqrtf(e0 * e1 + 1e-20f);
    if (r[l] > best) best = r[l];
  }
  float rp = 0.f, f0 = 0.f;
#if NS_PRESENCE
  ns->vg_best = best;
#if NS_PEAK_PITCH
  /* NS_LOWSEL: the pitch in every frame, with no threshold on r (the
   * learned estimate decides whether the frame holds speech) */
  if (best > 0.f) f0 = best_lag_pitch(r, best, &rp);
  ns->pk_f0 = f0;
#endif
  if (ns->vad_hang == 0) return; /* the guard acts only in speech frames */
#endif
  if (!(best >= VG_R)) return;
#if !NS_PEAK_PITCH
  f0 = best_lag_pitch(r, best, &rp);
#endif
  /* voiced: a peak reaching VG_R */
  if (f0 > 0.f && rp >= VG_R) ns->vg_f0 = f0;
}

/* The guard's bins for this frame (vmask, used by the noise average: the
 * power over the noise estimate above which a bin stays out of it, 0 for
 * none): within a bin of a harmonic of the pitch, up to VG_HZ, VG_GAMMA.
 * Speech moves its pitch and pauses; a bin marked for VG_MAX frames on end
 * holds something steadier (a buzz), which the guard leaves to the tracker.
 * VG_WIDE (session 7): in a voiced frame every other bin GATE_GAMMA over the
 * noise estimate, the level at which the tracker already keeps a bin out
 * when the minimum agrees it holds speech.  Inside a phrase longer than the
 * ~1 s minimum window the minimum rises to the phrase's quiet parts and
 * stops agreeing; above VG_HZ (where the 3 dB harmonic test cost noise
 * removal on the training talkers, session 5) and between the harmonics, the
 * average then took in the voice: 44 dB over the true noise at 1.1-1.7 kHz
 * in a 2 s Asterisk prompt with the noise 60 dB down.  Noise alone is
 * voiced in no speech frame for white, pink, brown and fan noise (babble
 * 4-5 %, keyboard 13-23 %; session 5); a buzz is voiced, and the whole mark
 * lapses after VG_MAX voiced frames in a row.  Noise alone exceeds 7.8 dB
 * over its mean e^-6 = 0.25 % of the time, so leaving those out lowers its
 * average by 0.07 dB, and only in voiced frames. */
static void voicing_guard(vk_ns *ns, const float *h) {
  const int32_t nb = ns->nbins, top = VG_HZ / 50 < nb - 1 ? VG_HZ / 50 : nb - 1;
  float *vm = ns->vmask, *vr = ns->vrun;
  voicing_pitch(ns, h);
  for (int32_t k = 0; k < nb; k++) vm[k] = 0.f;
  if (ns->vg_f0 > 0.f) {
    for (float f = ns->vg_f0; f < (float)top + 1.f; f += ns->vg_f0) {
      int32_t i = (int32_t)(f + 0.5f);
      for (int32_t j = i - 1; j <= i + 1; j++)
        if (j >= 1 && j <= top) vm[j] = VG_GAMMA;
    }
  }
  /* VG_WIDE: the threshold of the bins that are not harmonics (none when
   * not voiced, after VG_MAX voiced frames on end, or with VG_WIDE 0) */
  ns->vg_run = ns->vg_f0 > 0.f ? ns->vg_run + 1.f : 0.f;
  const float wide = VG_WIDE && ns->vg_f0 > 0.f && ns->vg_run <= VG_MAX ? GATE_GAMMA : 0.f;
  for (int32_t k = 0; k < nb; k++) {
    float r = vm[k] > 0.f ? vr[k] + 1.f : 0.f;
    vr[k] = r;
    /* r == 0: not a harmonic in this frame; r > VG_MAX: a harmonic too long (a buzz) */
    vm[k] = r > VG_MAX ? 0.f : (r == 0.f && k > 0 ? wide : vm[k]);
  }
}
#endif

#if NS_PRESENCE
/* The frame speech decision from the learned presence estimate (session 8;
 * ns_presence.c): its features from this frame's posterior SNRs, the hot
 * share, the voicing correlation and the babble test's state of the last
 * frame; without NS_LEARNED (a feature dump) the count decides. */
static int presence_decision(vk_ns *ns, float hot) {
  vk_ns_presence_features(&ns->pres, ns->gamma, hot, ns->vg_best, ns->bg_r, ns->since_pause);
#if NS_LEARNED == 2
  return vk_ns_presence_speech(&ns->pres, ns->rate) || hot > VAD_HOT;
#elif NS_LEARNED == 4
  /* exploration: as 3, and over a speech-like background the estimate
   * decides the frame */
  ns->pres_low = vk_ns_presence_speech(&ns->pres, ns->rate);
  return ns->since_pause > BG_T0 ? ns->pres_low : hot > VAD_HOT;
#elif NS_LEARNED == 3
  /* the count decides the frame; the estimate's extra speech frames get the
   * speech floor below NS_LOW_HZ only (floor_bins) */
  ns->pres_low = vk_ns_presence_speech(&ns->pres, ns->rate);
  return hot > VAD_HOT;
#elif NS_LEARNED
  return vk_ns_presence_speech(&ns->pres, ns->rate);
#else
  return hot > VAD_HOT;
#endif
}

#if NS_LEARNED >= 3
/* The last bin of the band below NS_LOW_HZ. */
static inline int32_t low_top(int32_t nb) { return NS_LOW_HZ / 50 < nb - 1 ? NS_LOW_HZ / 50 : nb - 1; }

/* The bins of that band whose floor an extra speech frame raises
 * (presence_low_bins), NULL for all of them. */
static inline const unsigned char *low_bins_sel(const vk_ns *ns) {
#if NS_PEAK_PITCH
  return ns->low_sel;
#else
  (void)ns;
  return NULL;
#endif
}
#endif

#if NS_PEAK_PITCH
/* NS_LOWSEL (session 9, "a1"): the bins of a pause frame the estimate calls
 * speech that get the speech frame's presence and floor: those within a bin
 * of a harmonic of the best lag's pitch up to top (the voicing guard's
 * rule), and none when the best lag is not a peak.  The estimate's false
 * alarms in a low-pass noise (brown; 16.62 against 17.16 dB of removal on
 * the training talkers at 8 kHz, session 8) have their best lag at the
 * shortest one, while a low voice the count misses mostly still has a
 * peak, too weak for VG_R; between its harmonics there is only noise. */
static void presence_low_bins(vk_ns *ns, int32_t top) {
  unsigned char *s = ns->low_sel;
  const float f0 = ns->pk_f0;
  memset(s, 0, sizeof ns->low_sel);
  if (!(f0 > 0.f)) return;
  for (float f = f0; f < (float)top + 1.f; f += f0) {
    const int32_t i = (int32_t)(f + 0.5f);
    for (int32_t j = i - 1; j <= i + 1; j++)
      if (j >= 0 && j <= top) s[j] = 1;
  }
}
#endif

#if NS_FEAT_DUMP
/* The harness's feature dump (train-presence.ts); not in the product. */
int32_t vk_ns_presence_dump(const vk_ns *ns, float *out, int32_t cap) {
  float v[VK_NS_PRES_DUMP_N];
  for (int32_t i = 0; i < VK_NS_PRES_NF; i++) v[i] = ns->pres.f[i];
  v[VK_NS_PRES_NF] = ns->vad_hang == 0 ? 1.f : 0.f;
#if NS_PEAK_PITCH
  v[VK_NS_PRES_NF + 1] = ns->pk_f0 > 0.f ? 1.f : 0.f;
#else
  v[VK_NS_PRES_NF + 1] = 1.f;
#endif
  int32_t c = cap < VK_NS_PRES_DUMP_N ? cap : VK_NS_PRES_DUMP_N;
  for (int32_t i = 0; i < c; i++) out[i] = v[i];
  return c;
}
#endif
#endif

#ifdef NS_BIN_DUMP
/* Harness-only trace (bench/ns-eval/harness, -DNS_BIN_DUMP=1; not in the
 * product): per bin the noise estimate, the stage's gain and the final
 * smoothed gain, the posterior and a priori SNR the gain came from, then
 * the frame's speech hangover, floor, NS_LEARNED low-band flag and the
 * voicing guard's pitch (50 Hz bins, 0: not voiced). */
int32_t vk_ns_bin_dump(const vk_ns *ns, float *out, int32_t cap) {
  const int32_t nb = ns->nbins;
  if (cap < 5 * nb + 4) return 0;
  for (int32_t k = 0; k < nb; k++) {
    out[k] = ns->lambda[k];
    out[nb + k] = ns->gain[k];
    out[2 * nb + k] = ns->gsm[k];
    out[3 * nb + k] = ns->gamma[k];
    out[4 * nb + k] = ns->xi[k];
  }
  out[5 * nb] = (float)ns->vad_hang;
  out[5 * nb + 1] = ns->floor_cur;
#if NS_PRESENCE
  out[5 * nb + 2] = (float)ns->pres_low;
#else
  out[5 * nb + 2] = 0.f;
#endif
#if VG_ON
  out[5 * nb + 3] = ns->vg_f0;
#else
  out[5 * nb + 3] = 0.f;
#endif
  return 5 * nb + 4;
}
#endif

#if BG_LEVEL
/* Session 9 (off by default).  Over a speech-like background the count's
 * speech frames include the babble's own: in a talker's pauses 80-90 % of
 * the frames have a tenth of their bins 4.8 dB over the noise estimate,
 * which sits at the babble's minima, and keep the shallow babble floor
 * (-4.5 dB) however far the talker stands above the babble.  The talker's
 * level bg_r (the 91st percentile of the frames' mean posterior SNR) tells
 * them apart by level: a frame BG_GAP dB or more under it lies below the
 * talker's active range (ITU-T P.56 counts speech as active down to
 * 15.9 dB under its active level; bg_r lies 2.2 dB over that level on the
 * training talkers) and is the babble's.  Such a frame gets the pause
 * frame's floor, which the talker's level already moves between the
 * babble floor (w = 1) and the full depth (w = 0), weighted by nu (it acts
 * only over a speech-like background), and with BG_LEVEL 2, once the
 * background is fully speech-like, the pause frame's scaled presence
 * (*pause).  Returns the speech frame's floor exponent.  A long phrase
 * over stationary noise also passes for a speech-like background, and
 * its weak frames were then cut (docs/ns.md, session 9): since session 10
 * the rule acts only over a background that itself moves (BG_MOD). */
static float babble_level_floor(const vk_ns *ns, float xdb, float nu, float ex_sp, float ex_pa, int *pause) {
  if (!(xdb < ns->bg_r - BG_GAP)) return ex_sp;
  *pause = nu >= 1.f;
  return ex_sp + nu * (ex_pa - ex_sp);
}
#endif

/* The frame decision's hangover (session 10, HANG_RUN).  The count calls a
 * frame speech when over VAD_HOT of its bins stand VAD_GAMMA over the noise
 * estimate; noise alone puts e^-3 of its bins there, and about 6 % of its
 * frames pass by chance, one at a time.  The hangover (VAD_HANG frames at
 * the speech floor) is there to keep speech's weak ends, and it followed
 * each of those lone frames too: on white noise alone the frames the count
 * called speech and their hangover were 11 % of the frames and held half
 * of what the pauses kept over their floor (docs/ns.md, session 10).
 * Speech lasts longer than a hop (the frames overlap by half; a phoneme
 * spans several), so the hangover now follows only HANG_RUN speech frames
 * in a row; a lone one still has the speech floor itself. */
static void count_hang(vk_ns *ns, int sp_now) {
  if (!sp_now) {
    ns->sp_run = 0;
    if (ns->vad_hang > 0) ns->vad_hang--;
    return;
  }
  if (ns->sp_run < HANG_RUN) ns->sp_run++;
  const int32_t h = ns->sp_run >= HANG_RUN ? VAD_HANG : 1;
  if (ns->vad_hang < h) ns->vad_hang = h;
}

#if BG_MOD
/* Session 10.  The babble test calls the background speech-like when
 * no 100 ms pause has come for a second.  A talker who speaks long
 * phrases over a stationary noise gives no such pause either (the
 * Asterisk prompts: 1-2 s without one), and BG_LEVEL's rule then cut his
 * weak frames.  What sets babble apart is in the background itself: the
 * frames the test does call noise-like (a flat whitened spectrum, or no
 * more power than the noise estimate) keep moving in level from one to
 * the next, because babble is speech, with its syllables and pauses,
 * whereas a stationary noise's band levels only scatter as a periodogram
 * does.  A frame that holds a click is the background's too (typing
 * moves: its clicks are what the frames between them lack; whereas the
 * pause run ignores them).  Speech can only add power to a frame, so the spread is taken on
 * the lower side, where the talker's weak frames that pass for noise-like
 * do not reach: per band, the median of the last BG_MOD_K noise-like
 * frames' levels over their 10th percentile.  For a stationary noise
 * this is set by the band's degrees of freedom (about 2.3 dB for a band
 * of 10 bins at 50 Hz); 12-talker babble moves 4-8 dB.  bg_mod_push
 * adds a noise-like frame's band levels; bg_moving says whether the
 * background moves (the mean over bands of that spread above
 * BG_MOD_DB), and calls it moving until the ring is full, as the test
 * alone did.  The sorting is done only when the answer is needed (over
 * a speech-like background, where noise-like frames are rare). */
/* The first bin of band b of BG_MOD_NB over bins 2..k1 (b = BG_MOD_NB:
 * one past the last). */
static inline int32_t bg_band_bin(int32_t k1, int b) { return 2 + (k1 - 1) * b / BG_MOD_NB; }

static void bg_mod_push(vk_ns *ns, const float *P, int32_t k1) {
  float *lv = ns->bgm_lv[ns->bgm_at];
  for (int b = 0; b < BG_MOD_NB; b++) {
    const int32_t a0 = bg_band_bin(k1, b), a1 = bg_band_bin(k1, b + 1);
    float e = 0.f;
    for (int32_t k = a0; k < a1; k++) e += P[k];
    lv[b] = 3.0103f * vk_fast_log2(e);
  }
  ns->bgm_at = (ns->bgm_at + 1) % BG_MOD_K;
  if (ns->bgm_n < BG_MOD_K) ns->bgm_n++;
  ns->bgm_dirty = 1;
}

#if BG_RING && BG_MOD
/* Session 11 (BG_RING, docs/ns.md "Session 11: keeping the talker out of
 * the babble ring"; judged again in session 12 with a training talker who
 * speaks phrases).  The ring is meant to hold the background, yet a
 * talker who speaks long phrases leaves frames that pass the noise-like
 * test between his louder ones: the ends of his words, weak consonants,
 * onsets.  In held-out ast-fr's misfiring frames (brown noise, +20 dB)
 * they were over half the ring, and the ring's median was then his
 * speech, not the noise.  Level does not tell them from the background
 * (they are noise-like by construction); their context does: speech is
 * continuous over a syllable, so such a frame sits next to frames the
 * frame decision calls speech, and it carries the spectral shape and
 * band-SNR changes of speech that the learned estimate (ns_presence.c,
 * trained on the training talkers to find the speech frames the count
 * misses) hears.  A noise-like frame enters only when it is not the
 * talker's: BG_RING 1, the estimate does not call it speech; 2, it is not
 * in the count's hangover.  A babble frame the estimate calls speech
 * stays out too; the ring then fills later over babble, and until it is
 * full the background counts as moving (the test alone).  Click frames
 * enter as before. */
static int bg_ring_admits(const vk_ns *ns) {
#if BG_RING == 1
  return !ns->pres_low;
#else
  return ns->vad_hang == 0;
#endif
}
#endif

static int bg_moving(vk_ns *ns) {
  if (ns->bgm_n < BG_MOD_K) return 1;
  if (ns->bgm_dirty) {
    float spread = 0.f;
    for (int b = 0; b < BG_MOD_NB; b++) {
      float v[BG_MOD_K];
      for (int i = 0; i < BG_MOD_K; i++) { /* insertion sort */
        float x = ns->bgm_lv[i][b];
        int j = i;
        for (; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
        v[j] = x;
      }
      spread += 0.5f * (v[BG_MOD_K / 2 - 1] + v[BG_MOD_K / 2]) - v[BG_MOD_K / 10];
    }
    ns->bgm_moving = spread > BG_MOD_DB * (float)BG_MOD_NB;
    ns->bgm_dirty = 0;
  }
  return ns->bgm_moving;
}

#if BG_EARLY
/* Session 11 (docs/ns.md "Session 11: the babble test's start").  The
 * test's one-second wait (BG_T0) kept babble's deep floors through the
 * first second of a call: the never-seen talkers of session 10 lost their
 * babble@0 there.  An earlier start with nothing else gave steady noise
 * the shallow floor before the first pause, and the whole state gated by
 * the ring (BG_MOD 2) cut a phrase's weak tails over steady noise and kept
 * the deep floor from babble that joins a steady background (its ring
 * still holds the steady frames).  So the state starts at BG_E0..BG_E1
 * frames only where the background moves (a ring not yet full counts as
 * moving, as for BG_LEVEL's rule); elsewhere the test waits as before.
 * Chosen on training (babble@0 -0.56 -> -0.30 at 8 kHz); babble rose on
 * four of the five talker sets, but not on the never-seen one: a window
 * that opens at a short word's end runs through the babble after it,
 * where the shallow floor keeps babble over speech 12-15 dB under it
 * (kl-fr; docs/ns.md, "The never-seen talkers under BG_EARLY").
 * nu is session 10's weight; returns the frame's. */
static float bg_early(vk_ns *ns, float nu) {
  float e = (float)(ns->since_pause - BG_E0) / (float)(BG_E1 - BG_E0);
  e = e > 1.f ? 1.f : e;
  if (e <= nu || !bg_moving(ns)) return nu;
  return e;
}
#endif
#endif

#if LONG_MIN
/* LONG_MIN's long minimum with the running sub-window's (Stmp): the
 * minimum of the sub-windows long_min_turn counts and of the frames since. */
static inline float long_min_of(const vk_ns *ns, int32_t k) {
  return ns->Slong[k] < ns->Stmp[k] ? ns->Slong[k] : ns->Stmp[k];
}
#endif

#if START_CEIL
/* Session 11 (docs/ns.md "Session 11: a call that starts with speech").  A
 * call that opens on speech seeds the noise estimate with it: the start-up
 * mean (INIT_FRAMES) averages the first word in, and afterwards the
 * estimate comes down only where the minimum calls a bin noise (S under
 * MCRA_DELTA Smin), by ALPHA_D's 0.2 dB per frame; where the words stand
 * far over the noise, S does not fall that low within a pause, and the
 * excess stays for seconds (training, +20 dB: 5-15 dB in the first second,
 * 1-8 dB after 3 s), so the talker's first seconds are taken for noise.
 * The minimum itself drops to the noise in the first weak frames.  So
 * until the minimum's window has turned over once, the estimate is held
 * under START_CEIL_X times the minimum of S since frame MIN_SUBWIN: the
 * sub-windows after the first (which holds frame 0's raw half-window
 * periodogram, whose deep chance dips stationary noise alone would cross)
 * and the running one.  Stationary noise alone stays under it (its largest
 * ratio there 7 dB, seeds 9000+).  From frame MIN_SUBWIN (MIN_NSUB + 1) - 1
 * the first sub-window is overwritten and MCRA's own rule holds. */
static void start_ceiling(vk_ns *ns) {
  const uint32_t f = ns->frames;
  if (f < MIN_SUBWIN || f >= MIN_SUBWIN * (MIN_NSUB + 1) - 1) return;
  const int32_t nb = ns->nbins;
#if !LONG_MIN
  const int32_t w = (int32_t)((f + 1) / MIN_SUBWIN); /* sub-windows written */
#endif
  float *lam = ns->lambda;
  for (int32_t k = 0; k < nb; k++) {
#if LONG_MIN
    /* until the ring first turns over, LONG_MIN's long minimum is this
     * one: the sub-windows written since the start but the first */
    float m = long_min_of(ns, k);
#else
    float m = ns->Stmp[k];
    for (int32_t u = 1; u < w; u++) {
      float v = ns->subs[(size_t)u * nb + k];
      m = v < m ? v : m;
    }
#endif
    m *= START_CEIL_X;
    lam[k] = lam[k] > m ? m : lam[k];
  }
}
#endif

#if LONG_MIN
/* Session 12 (docs/ns.md "Session 12: a talker who speaks phrases").  The
 * minimum decides presence (S over MCRA_DELTA Smin), and it spans about a
 * second.  A talker who speaks longer than that without a pause (training
 * fl-cs-v's lines, held-out and fresh Asterisk prompts) fills the whole
 * window: the minimum rises to his quieter syllables, they pass for noise,
 * and the noise estimate climbs 15-22 dB into his voice within 0.1 s
 * (fl-cs-v over brown noise at +20 dB, 8 kHz: at 1.3 s of a line that began
 * at 0.3 s), then falls back by at most ALPHA_D's 0.2 dB per frame, which
 * his 0.1-0.3 s pauses do not undo.  So the ring keeps LONG_NSUB
 * sub-windows, the minimum over all of them is tracked beside the usual
 * one, and the minimum that decides presence may stand at most LONG_MIN_X
 * over it.  Noise alone never reaches that (the 1 s minimum stands at most
 * 6.9 dB over the 2 s one, over fan noise), so there nothing changes; a
 * step up in the noise is learnt when the longer window has turned over,
 * after about 2 s instead of 1 s.  At a turnover: the short minimum over
 * the MIN_NSUB newest sub-windows, the long one over all of them. */
static void long_min_turn(vk_ns *ns) {
  const int32_t nb = ns->nbins;
  const float *slot[SUBS_N];
  for (int u = 0; u < SUBS_N; u++) slot[u] = ns->subs + (size_t)((ns->sub_idx + SUBS_N - 1 - u) % SUBS_N) * nb;
  if (ns->sub_written <= SUBS_N) ns->sub_written++;
  /* The long minimum takes only sub-windows written since the start, and
   * not the first one while it is in the ring: it holds frame 0's raw
   * half-window periodogram, whose deep chance dips (the other slots'
   * seed) would let the cap bind over noise alone (stationary noise in its
   * first 2 s: 2-3 % of the bins' turnovers, up to 20 dB; without that
   * sub-window, never: 3.4 dB at most, fan 6.1; bench/ns-eval/min-ratio.ts).
   * With no older sub-window than the usual minimum's, it is no lower than
   * that minimum, and the cap cannot bind. */
  const int32_t ul = ns->sub_written <= SUBS_N ? ns->sub_written - 1 : SUBS_N;
  for (int32_t k = 0; k < nb; k++) {
    float m = slot[0][k];
    for (int u = 1; u < MIN_NSUB; u++) m = slot[u][k] < m ? slot[u][k] : m;
    float l = FLT_MAX;
    for (int32_t u = 0; u < ul; u++) l = slot[u][k] < l ? slot[u][k] : l;
    ns->Smin[k] = m;
    ns->Slong[k] = l;
    ns->Stmp[k] = ns->S[k];
  }
}
#endif

/* The floor of each bin, handed to the gain stage (which applies it once,
 * OM-LSA as G_H1^p floor^(1 - p)): the frame's, raised to the speech
 * frame's where the frame's decision misses speech, in a pause frame the
 * learned estimate calls speech below NS_LOW_HZ (with NS_LOWSEL, in the
 * bins presence_low_bins selects), and from HF_HZ up the high band's own
 * (hf_floor_step; with HF_FLOOR 2 never below the frame's). */
static void floor_bins(vk_ns *ns) {
  const int32_t nb = ns->nbins;
  float *fl = ns->flb;
#if HF_FLOOR
  const int32_t kh = hf_k0(ns) < nb ? hf_k0(ns) : nb;
  for (int32_t k = kh; k < nb; k++) fl[k] = ns->floor_hi;
#else
  const int32_t kh = nb;
#endif
  for (int32_t k = 0; k < kh; k++) fl[k] = ns->floor_cur;
#if NS_LEARNED >= 3
  if (ns->vad_hang == 0 && ns->pres_low && ns->floor_sp > ns->floor_cur) {
    const unsigned char *sel = low_bins_sel(ns);
    const int32_t top = low_top(nb);
    for (int32_t k = LF_BINS; k <= top; k++)
      if (!sel || sel[k]) fl[k] = ns->floor_sp;
  }
#endif
}

static void process_frame(vk_ns *ns, const float *x, float *y) {
  const int32_t n = ns->n, nb = ns->nbins;
  float *in = ns->inbuf;
  /* 1. sanitise into the second half of the analysis buffer */
  memmove(in, in + n, (size_t)n * sizeof(float));
  /* The common case, all samples in range, is a plain copy; the check and
   * the copy are separate branch-free loops the compiler vectorises. */
  int32_t bad = 0;
  for (int32_t i = 0; i < n; i++) bad |= !(x[i] >= -SAMPLE_CLAMP && x[i] <= SAMPLE_CLAMP);
  if (!bad) {
    memcpy(in + n, x, (size_t)n * sizeof(float));
  } else {
    for (int32_t i = 0; i < n; i++) {
      float v = x[i];
      if (!(v >= -SAMPLE_CLAMP && v <= SAMPLE_CLAMP)) { /* NaN, Inf, huge */
        ns->sanitised++;
        v = isfinite(v) ? (v > 0.f ? SAMPLE_CLAMP : -SAMPLE_CLAMP) : 0.f;
      }
      in[n + i] = v;
    }
  }
  /* 2. clicks */
  int tr_pending = 0, tr_sure = 0, tr_defer = 0;
  ns_click tr_w = {0.f, 0.f, 2 * TR_SUB};
  if (ns->transient_on) detect_transient(ns, in + n, &tr_pending, &tr_sure, &tr_defer, &tr_w);
#if TR_CONFIRM
  /* a click in the last hop, confirmed by this one (cut or not) */
  const int cand_ok = ns->tr_cand && click_confirmed(ns);
  if (cand_ok) click_event(ns);
#endif
  /* cut only in a train of clicks (click_train), judged on the clicks
   * before this hop's */
  const int train = click_train(ns);
#if TR_CONFIRM
  /* The last frame, processed both ways, had a click in its second half
   * that this hop decides: a jump in its hop judged now (a sure click
   * here), or a click of its own that goes on (not a click). */
  if (ns->alt == ALT_UNCUT && !tr_sure && !cand_ok) {
    take_alt(ns);
    ns->tr_hold = 0;
    ns->transients--;
  } else if (ns->alt == ALT_CUT && tr_sure && train) {
    take_alt(ns);
  }
  ns->alt = ALT_NONE;
  ns->tr_cand = tr_defer;
  if (tr_defer) ns->tr_w = tr_w;
#endif
  if (tr_sure) click_event(ns);
  const int tr_now = (tr_sure || tr_defer) && train;
  if (tr_now) {
#if TR_CONFIRM
    /* (not while an earlier, confirmed click is still being cut) */
    if (!tr_sure && ns->tr_hold == 0) ns->alt = ALT_UNCUT;
#endif
    ns->tr_hold = TR_HOLD;
    ns->transients++;
  }
  const int transient = ns->tr_hold > 0;
  /* a frame that holds a click, cut or not (for the pre-click reference
   * and the babble test's pauses) */
  const int tr_seen = transient || tr_sure || tr_defer;
#if TR_CONFIRM
  if (!transient && tr_pending && train) ns->alt = ALT_CUT; /* a jump late in this hop, judged on the next */
#endif
#if VG_ON
  voicing_guard(ns, in + n);
#endif
  /* 3. analysis */
  for (int32_t i = 0; i < 2 * n; i++) ns->tbuf[i] = in[i] * ns->win[i];
  vk_fft_real_forward(&ns->fft, ns->tbuf, ns->X);
  float *P = ns->P, *Sf = ns->Sf, *S = ns->S, *Smin = ns->Smin, *Stmp = ns->Stmp;
  float *lam = ns->lambda, *pm = ns->pm;
  for (int32_t k = 0; k < nb; k++) P[k] = ns->X[k].re * ns->X[k].re + ns->X[k].im * ns->X[k].im + POW_EPS;
  Sf[0] = 0.75f * P[0] + 0.25f * P[1];
  for (int32_t k = 1; k < nb - 1; k++) Sf[k] = 0.25f * (P[k - 1] + P[k + 1]) + 0.5f * P[k];
  Sf[nb - 1] = 0.75f * P[nb - 1] + 0.25f * P[nb - 2];
  if (ns->frames == 0) {
    for (int32_t k = 0; k < nb; k++) {
      S[k] = Smin[k] = Stmp[k] = Sf[k];
      lam[k] = P[k];
      ns->sref[k] = Sf[k];
      for (int u = 0; u < SUBS_N; u++) ns->subs[(size_t)u * nb + k] = Sf[k];
#if LONG_MIN
      ns->Slong[k] = Sf[k];
#endif
    }
  }
  /* 4. minima-controlled recursive averaging */
  for (int32_t k = 0; k < nb; k++) {
    float s = ALPHA_S * S[k] + (1.f - ALPHA_S) * Sf[k];
    S[k] = s;
    /* selects rather than conditional stores: the loop vectorises */
    float t = Stmp[k], m = Smin[k];
    Stmp[k] = s < t ? s : t;
    Smin[k] = s < m ? s : m;
  }
  if (++ns->subwin_pos == MIN_SUBWIN) {
    ns->subwin_pos = 0;
    float *slot = ns->subs + (size_t)ns->sub_idx * nb;
    memcpy(slot, Stmp, (size_t)nb * sizeof(float));
    ns->sub_idx = (ns->sub_idx + 1) % SUBS_N;
#if LONG_MIN
    long_min_turn(ns);
#else
    for (int32_t k = 0; k < nb; k++) {
      float m = ns->subs[k];
      for (int u = 1; u < MIN_NSUB; u++) {
        float v = ns->subs[(size_t)u * nb + k];
        if (v < m) m = v;
      }
      Smin[k] = m;
      Stmp[k] = S[k];
    }
#endif
  }
  /* start-up: a plain running mean over the first frames instead of the
   * first periodogram alone */
  const int init = ns->frames < INIT_FRAMES;
  const float a0 = init ? (float)ns->frames / (float)(ns->frames + 1) : 0.f;
  for (int32_t k = 0; k < nb; k++) {
#if LONG_MIN
    const float cap = LONG_MIN_X * long_min_of(ns, k), sm = Smin[k] < cap ? Smin[k] : cap;
    float ind = S[k] > MCRA_DELTA * sm ? 1.f : 0.f;
#else
    float ind = S[k] > MCRA_DELTA * Smin[k] ? 1.f : 0.f;
#endif
    float p = ALPHA_P * pm[k] + (1.f - ALPHA_P) * ind;
    pm[k] = p;
    /* A bin far above the current noise while the minimum also says
     * speech is speech: keep it out of the noise average entirely (MCRA
     * alone lets 1 - ad of every speech frame leak in).  When the minimum
     * says noise (p small, e.g. after a noise step has aged through the
     * minimum window), the bin updates whatever its level. */
#if VG_ON
    /* ... and so is a harmonic of voiced speech, or any bin well above the
     * noise in a voiced frame (voicing_guard) */
    p = ((p > GATE_PM && P[k] > GATE_GAMMA * lam[k]) || (ns->vmask[k] > 0.f && P[k] > ns->vmask[k] * lam[k])) ? 1.f : p;
#else
    p = (p > GATE_PM && P[k] > GATE_GAMMA * lam[k]) ? 1.f : p;
#endif
    float ad = ALPHA_D + (1.f - ALPHA_D) * p;
    ad = (init && ad > a0) ? a0 : ad;
    lam[k] = ad * lam[k] + (1.f - ad) * P[k];
  }
#if START_CEIL
  start_ceiling(ns);
#endif
  /* 5-6. effective noise (with the click excess), SNRs */
  float *le = ns->lam_eff, *gamma = ns->gamma, *xi = ns->xi;
  const int speech = ns->vad_hang > 0;
  snr_step(ns, transient, speech, le, gamma, xi);
  /* the pre-click reference: not from a frame that may hold a click */
  if (!tr_seen && !tr_pending) memcpy(ns->sref, Sf, (size_t)nb * sizeof(float));
  int bg_pause = 0; /* BG_LEVEL 2: a speech frame under the talker's range over babble (babble_level_floor) */
  /* 7. frame speech decision (with hangover) sets the floor: deep in
   * pauses, where only noise is lost, shallower under speech, where a deep
   * floor would cut weak speech components; then the gain stage */
  {
    int32_t k1 = nb - 1 < 80 ? nb - 1 : 80;
    float hot = 0.f;
    for (int32_t k = 2; k <= k1; k++) hot += gamma[k] > VAD_GAMMA ? 1.f : 0.f;
    hot /= (float)(k1 - 1);
    /* The share of bins well above the noise (noise alone puts e^-3 = 5 %
     * there); unlike the smoothed minima-controlled presence it does not
     * lag onsets nor linger after offsets. */
#if NS_PRESENCE
    /* session 8: the learned estimate (ns_presence.c) in place of the
     * count, or only its features kept (NS_FEAT_DUMP) */
    const int sp_now = presence_decision(ns, hot);
#else
    const int sp_now = hot > VAD_HOT;
#endif
    count_hang(ns, sp_now);
    /* Is the background speech-like (babble)?  Stationary noise leaves
     * the signal at the noise floor between words, and there the
     * spectrum whitened by the noise estimate is flat (its flatness, the
     * geometric over the arithmetic mean of the posterior SNRs, is 0.58
     * for noise alone).  Babble never rests: its spectrum keeps changing
     * shape against any estimate, so such frames (or frames with no more
     * power than the noise estimate) never last a pause's length.  After
     * BG_T0..BG_T1 frames without such a pause the floor moves, in
     * speech and pause frames alike, to one shallow floor: the speech
     * decision cannot tell the talker from the babble, and a deep floor
     * where babble momentarily dominates cuts the talker (2.4 STOI points
     * at -5 dB SNR on the training talkers).  Clicks neither make nor
     * break a pause.  How far that floor moves also depends on how far the
     * talker stands above the background: bg_r, a high quantile (91st
     * percentile) of the frames' mean posterior SNR, is his loud frames'
     * level over the noise estimate.  A deep floor cuts a talker only
     * where the babble is as loud as his speech; when his level is BG_R1
     * or more above the noise the usual floors come back (in his pauses
     * babble was kept at -4.5 dB: NAabs 3.2-3.3 dB at +20 dB SNR, below
     * speexdsp's), below BG_R0 the shallow floor stays in full.  The deeper
     * floor is given back only in frames the speech decision calls pauses:
     * in its speech frames the floor stays the shallow one, since a talker
     * whose weak frames are at the babble's level (held-out da: median
     * speech frame 10 dB over the babble, loud frames 29 dB) lost his weak
     * consonants to a deep floor there. */
    float lsum = 0.f, asum = 0.f;
    for (int32_t k = 2; k <= k1; k++) {
      lsum += vk_fast_log2(gamma[k]);
      asum += gamma[k];
    }
    float amean = asum / (float)(k1 - 1);
    int quiet = lsum / (float)(k1 - 1) > vk_fast_log2(BG_FLAT * amean) || amean < BG_BELOW;
    if (!tr_seen) ns->quiet_run = quiet ? (ns->quiet_run < BG_PAUSE_RUN ? ns->quiet_run + 1 : BG_PAUSE_RUN) : 0;
    if (ns->quiet_run >= BG_PAUSE_RUN) ns->since_pause = 0;
    else if (ns->since_pause < BG_T1) ns->since_pause++;
    float nu = (float)(ns->since_pause - BG_T0) / (float)(BG_T1 - BG_T0);
    nu = nu < 0.f ? 0.f : nu;
#if BG_MOD
    /* the speech-like state only over a background that moves: for
     * BG_LEVEL's rule (BG_MOD 1) or in full (2) */
#if BG_MOD_RUN > 1
    /* after the final evaluation (off): only noise-like frames in a run
     * (the talker's weak frames that pass for noise-like come alone, between
     * his louder ones; docs/ns.md "the spread against a stationary noise's own") */
    if ((quiet && ns->quiet_run >= BG_MOD_RUN) || tr_seen) bg_mod_push(ns, P, k1);
#elif BG_RING
    if ((quiet && bg_ring_admits(ns)) || tr_seen) bg_mod_push(ns, P, k1);
#else
    if (quiet || tr_seen) bg_mod_push(ns, P, k1);
#endif
#if BG_EARLY
    nu = bg_early(ns, nu);
#endif
    const int bg_still = nu > 0.f && !bg_moving(ns);
#if BG_MOD == 2
    if (bg_still) nu = 0.f;
#endif
#else
    const int bg_still = 0;
#endif
#if BG_BAND
    ns->bg_nu = bg_still ? 0.f : nu;
#elif !BG_LEVEL
    (void)bg_still; /* BG_MOD 1 gates BG_LEVEL's rule only */
#endif
    float xdb = 3.0103f * vk_fast_log2(amean); /* this frame's mean posterior SNR, dB */
    if (!transient) ns->bg_r += xdb > ns->bg_r ? BG_R_UP : -BG_R_DOWN;
    float w = (BG_R1 - ns->bg_r) / (BG_R1 - BG_R0);
    w = w < 0.f ? 0.f : (w > 1.f ? 1.f : w);
    const float ex_sp = SPEECH_FLOOR + nu * (BABBLE_FLOOR - SPEECH_FLOOR); /* a speech frame's */
    const float ex_pa = 1.f + nu * w * (BABBLE_FLOOR - 1.f); /* a pause frame's */
    float ex = ns->vad_hang > 0 ? ex_sp : ex_pa;
#if BG_LEVEL
    if (ns->vad_hang > 0) ex = babble_level_floor(ns, xdb, bg_still ? 0.f : nu, ex_sp, ex_pa, &bg_pause);
#endif
#if NS_LEARNED >= 3
    /* the floor a speech frame would have, for the estimate's extra frames */
    if (ns->vad_hang == 0 && ns->pres_low) ns->floor_sp = powf(ns->floor_lin, ex_sp);
#endif
    float target = powf(ns->floor_lin, ex);
    float fc = ns->floor_cur * FLOOR_FALL;
    ns->floor_cur = target > fc ? target : fc;
    if (ns->floor_cur < ns->floor_lin) ns->floor_cur = ns->floor_lin;
#if HF_FLOOR
    hf_floor_step(ns, gamma, ex_sp, ex_pa);
#endif
  }
  /* In a pause frame the per-bin presence handed to the gain stage is
   * scaled down, so that isolated noise peaks do not open the gain. */
  const float *presence = pm;
  if (ns->vad_hang == 0 || (BG_LEVEL == 2 && bg_pause)) {
    for (int32_t k = 0; k < nb; k++) ns->pq[k] = PAUSE_PM * pm[k];
#if NS_LEARNED >= 3
    if (ns->pres_low) {
      const int32_t top = low_top(nb);
#if NS_PEAK_PITCH
      presence_low_bins(ns, top);
#endif
      const unsigned char *sel = low_bins_sel(ns);
      for (int32_t k = 0; k <= top; k++)
        if (!sel || sel[k]) ns->pq[k] = pm[k];
    }
#endif
    presence = ns->pq;
  }
  floor_bins(ns);
#if TR_CONFIRM
  if (ns->alt != ALT_NONE) process_alt(ns, presence, speech, ns->alt == ALT_CUT);
#endif
  vk_ns_gain_input gi = {nb, ns->rate, P, le, gamma, xi, presence, ns->flb};
  ns->stage->compute(ns->stage->ctx, &gi, ns->gain, ns->spp);
  /* 8. smoothing across frequency, then time; floor (during a click the
   * gain may fall freely: a release floor of 0) */
  float *gs = ns->gsm;
  smooth_step(ns, gs, gs, transient ? 0.f : GAIN_RELEASE, gamma, xi, speech, ns->a2);
  /* 9. synthesis */
  for (int32_t k = 0; k < nb; k++) {
    ns->X[k].re *= gs[k];
    ns->X[k].im *= gs[k];
  }
  vk_fft_real_inverse(&ns->fft, ns->X, ns->tbuf);
  for (int32_t i = 0; i < n; i++) y[i] = ns->olap[i] + ns->tbuf[i] * ns->swin[i];
  for (int32_t i = 0; i < n; i++) ns->olap[i] = ns->tbuf[n + i] * ns->swin[n + i];
  /* stats */
  int32_t k0 = 2, k1 = nb - 1 < 80 ? nb - 1 : 80;
  float sp = 0.f;
  for (int32_t k = k0; k <= k1; k++) sp += ns->spp[k];
  ns->spp_mean = sp / (float)(k1 - k0 + 1);
  if (ns->tr_hold > 0) ns->tr_hold--;
  ns->frames++;
  /* Defence in depth: a non-finite state (which sanitising prevents) must
   * not persist. */
  if (!isfinite(lam[nb / 2] + gs[nb / 2] + xi[nb / 2] + ns->olap[0])) {
    uint32_t fr = ns->frames, sa = ns->sanitised, tr = ns->transients;
    vk_ns_reset(ns);
    ns->frames = fr;
    ns->sanitised = sa;
    ns->transients = tr;
    for (int32_t i = 0; i < n; i++) y[i] = 0.f;
  }
}

int32_t vk_ns_process_f32(vk_ns *ns, const float *in, float *out, int32_t n) {
  if (!ns || !in || !out || n <= 0 || n % ns->n != 0) return VK_ERR_ARG;
  for (int32_t o = 0; o < n; o += ns->n) process_frame(ns, in + o, out + o);
  return n;
}

int32_t vk_ns_process_i16(vk_ns *ns, const int16_t *in, int16_t *out, int32_t n) {
  if (!ns || !in || !out || n <= 0 || n % ns->n != 0) return VK_ERR_ARG;
  const int32_t fs = ns->n;
  float *buf = ns->fbuf;
  for (int32_t o = 0; o < n; o += fs) {
    for (int32_t i = 0; i < fs; i++) buf[i] = (float)in[o + i] * (1.f / 32768.f);
    process_frame(ns, buf, buf);
    for (int32_t i = 0; i < fs; i++) {
      float v = buf[i] * 32768.f;
      v = v >= 0.f ? v + 0.5f : v - 0.5f;
      out[o + i] = v >= 32767.f ? 32767 : (v <= -32768.f ? -32768 : (int16_t)v);
    }
  }
  return n;
}

int32_t vk_ns_stats(const vk_ns *ns, float *out, int32_t cap) {
  if (!ns || !out || cap < 0) return VK_ERR_ARG;
  const int32_t nb = ns->nbins;
  double sum = ns->lambda[0] + ns->lambda[nb - 1];
  for (int32_t k = 1; k < nb - 1; k++) sum += 2.0 * ns->lambda[k];
  double m2 = 2.0 * ns->n;
  double var = sum / (0.5 * m2 * m2);
  float v[VK_NS_STATS] = {
    ns->frames ? (float)(10.0 * log10(var + 1e-20)) : -200.f,
    ns->spp_mean,
    (float)ns->frames,
    (float)ns->sanitised,
    (float)ns->transients,
    (float)(20.0 * log10(ns->floor_lin)),
  };
  int32_t c = cap < VK_NS_STATS ? cap : VK_NS_STATS;
  for (int32_t i = 0; i < c; i++) out[i] = v[i];
  return c;
}
