/*
 * Noise suppression for 8, 16 and 48 kHz mono speech, 10 ms frames.
 *
 * Short-time spectral gain on a 20 ms sqrt-Hann analysis / synthesis window
 * with 50 % overlap (hop = one 10 ms frame): the output is the input delayed
 * by exactly one frame (VK_NS_DELAY_MS = 10 ms algorithmic delay) with the
 * noise removed.  The bin spacing is 50 Hz at every rate, so every tuning
 * constant is rate-independent.
 *
 * Stages (ns.c): a minima-controlled recursive-averaging noise tracker
 * (MCRA with sub-window minimum statistics, tracks non-stationary noise),
 * decision-directed a priori SNR, a per-bin speech-presence probability, a
 * replaceable gain estimator (default: OM-LSA, ns_gain.c), gain smoothing
 * across frequency and time, and a transient (click) detector that limits
 * sudden broadband jumps such as keyboard clicks.
 *
 * Samples: float frames are full scale at +-1.0; int16 frames at +-32768.
 * NaN and infinite samples are replaced by 0 and floats are clamped to
 * +-65536 before they reach the state, so they never poison later frames
 * (the count is in the stats).  Float32 arithmetic throughout.
 *
 * Memory: one allocation at create, bounded by the sample rate (22 / 41 /
 * 117 KiB at 8 / 16 / 48 kHz).  Not thread-safe; one object per stream.
 */
#ifndef VK_NS_H
#define VK_NS_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VK_NS_DELAY_MS 10
/* Default strength: the gain floor is -45 dB * strength (-22.5 dB). */
#define VK_NS_DEFAULT_STRENGTH 0.5f

typedef struct vk_ns vk_ns;

/* What the gain stage sees for one frame: nbins = frame_size + 1 bins, 50 Hz apart. */
typedef struct vk_ns_gain_input {
  int32_t nbins;
  int32_t sample_rate;
  const float *power;        /* |X|^2 of the noisy frame */
  const float *noise;        /* noise power estimate */
  const float *post_snr;     /* gamma = power / noise */
  const float *prio_snr;     /* decision-directed a priori SNR xi */
  const float *speech_prob;  /* minima-controlled speech presence (0..1) */
  const float *floor;        /* the gain floor of each bin (linear, 0 < floor <= 1; below) */
} vk_ns_gain_input;

/*
 * The replaceable gain estimator: compute(ctx, in, gain, spp) writes nbins
 * gains in [0, 1] to gain and the per-bin speech-presence probability it
 * used (0..1) to spp (reported in the stats).  It is called once per frame,
 * after noise tracking and before smoothing, and a second time in a frame
 * whose click the next hop decides (that frame is processed with and
 * without the cut): its output must depend on in alone, not on earlier
 * calls.  It must not keep pointers into in.  A learned estimator plugs in
 * here.
 * The floor is the core's, per bin: the strength's floor made shallower in
 * speech frames and over a speech-like background (the frame's floor), and
 * raised to the speech frame's floor in two places the frame's decision
 * misses: in a frame it calls a pause but the learned presence estimate
 * (ns_presence.c) calls speech, in the bins below 1 kHz within a bin of a
 * harmonic of the frame's pitch (none when its autocorrelation has no pitch
 * peak); and at 16 and 48 kHz, in a frame it calls a pause but whose 3-8 kHz
 * band holds speech by the same count, from 3 kHz up.  The default stage
 * (OM-LSA) applies it as G_H1^p floor^(1 - p), p its conditional presence;
 * a stage may apply it its own way.  After the stage the core smooths every
 * gain and clamps it to [band floor, 1]: the frame's floor, and at 16 and
 * 48 kHz the high band's from 3 kHz up (the learned estimate's raise acts
 * only through the stage).
 */
typedef struct vk_ns_gain_stage {
  void *ctx;
  void (*compute)(void *ctx, const vk_ns_gain_input *in, float *gain, float *spp);
} vk_ns_gain_stage;

/*
 * Create a suppressor.  sample_rate: 8000, 16000 or 48000.  strength: 0..1
 * (0 passes the input through, delayed; 1 is the deepest suppression).
 * Returns VK_OK, VK_ERR_ARG, VK_ERR_NOMEM.
 */
VK_API int32_t vk_ns_create(int32_t sample_rate, float strength, vk_ns **out);
VK_API void vk_ns_destroy(vk_ns *ns);

/* Samples per 10 ms frame (80, 160, 480). */
VK_API int32_t vk_ns_frame_size(const vk_ns *ns);
/* Algorithmic delay in samples (one frame). */
VK_API int32_t vk_ns_delay(const vk_ns *ns);

/* Change the strength (0..1) between frames.  VK_OK or VK_ERR_ARG. */
VK_API int32_t vk_ns_set_strength(vk_ns *ns, float strength);
/* Enable (1, default) or disable (0) the transient suppressor. */
VK_API int32_t vk_ns_set_transient(vk_ns *ns, int32_t enable);
/* Replace the gain stage (NULL restores OM-LSA).  The stage must outlive ns. */
VK_API int32_t vk_ns_set_gain_stage(vk_ns *ns, const vk_ns_gain_stage *stage);

/*
 * Process n samples, a positive multiple of the frame size.  out may equal
 * in (in place); partial overlap is not allowed.  Returns n or VK_ERR_ARG
 * (NULL, or n not a positive multiple of the frame size).
 */
VK_API int32_t vk_ns_process_f32(vk_ns *ns, const float *in, float *out, int32_t n);
VK_API int32_t vk_ns_process_i16(vk_ns *ns, const int16_t *in, int16_t *out, int32_t n);

/* Forget everything (as after create, same settings). */
VK_API void vk_ns_reset(vk_ns *ns);

/*
 * Stats snapshot into out[0..cap-1]; returns the count written (at most
 * VK_NS_STATS):
 *   0 noise level estimate, dBFS (0 dBFS = RMS of a full-scale square wave)
 *   1 speech probability of the last frame (0..1, mean over 100 Hz..4 kHz)
 *   2 frames processed
 *   3 samples sanitised (NaN / Inf / out of range)
 *   4 transient frames detected
 *   5 gain floor in dB
 */
#define VK_NS_STATS 6
VK_API int32_t vk_ns_stats(const vk_ns *ns, float *out, int32_t cap);

#ifdef __cplusplus
}
#endif

#endif
