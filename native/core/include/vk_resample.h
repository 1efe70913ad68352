/*
 * Sample-rate conversion between 8, 16, 24 and 48 kHz (every ratio among
 * them), streaming, for interleaved multichannel audio.
 *
 * Method: a polyphase FIR.  The rate ratio out/in is reduced to L/M; the
 * prototype low-pass is a Kaiser-windowed sinc designed at create time (in
 * this object, no shared tables) with its stopband starting at the Nyquist
 * frequency of the lower of the two rates, and stored as L phases of K taps.
 * Output sample n is the filter evaluated at input time n * M / L: the output
 * is time-aligned with the input (no delay in sample indices), and the
 * latency is K/2 input frames (an output can be computed once the input K/2
 * frames after its time has arrived).  flush() supplies those frames as
 * zeros.  Over a whole stream (process calls + flush), N input frames give
 * exactly ceil(N * L / M) output frames.
 *
 * Quality 0..10 picks the taps per phase at the lower rate and the stopband
 * attenuation the window is designed for (see docs/resample.md for the
 * measured passband ripple and stopband attenuation per quality).
 *
 * Memory: the filter (L * K floats) and one history buffer per channel of
 * K + VK_RESAMPLE_CHUNK floats, all allocated at create time.  Any amount of
 * input is accepted per call; it is consumed in chunks.
 * Not thread-safe; one object per stream.
 */
#ifndef VK_RESAMPLE_H
#define VK_RESAMPLE_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VK_RESAMPLE_MAX_CHANNELS 8
#define VK_RESAMPLE_QUALITY_MAX 10
/* Input frames per channel converted per internal pass. */
#define VK_RESAMPLE_CHUNK 960

typedef struct vk_resample vk_resample;

/* Describes an object: the reduced ratio L/M, taps per phase K, the
 * latency in input frames, and the design figures. */
typedef struct vk_resample_info {
  int32_t up;            /* L */
  int32_t down;          /* M */
  int32_t taps;          /* K, taps per phase (0 for the identity ratio) */
  int32_t latency;       /* input frames: K / 2 */
  int32_t channels;
  float cutoff;          /* -6 dB point as a fraction of the lower Nyquist */
  float attenuation_db;  /* stopband attenuation the window was designed for */
} vk_resample_info;

/*
 * Create a resampler.  in_rate, out_rate: 8000, 16000, 24000 or 48000.
 * channels: 1..VK_RESAMPLE_MAX_CHANNELS.  quality: 0..10.
 * Returns VK_OK, VK_ERR_ARG or VK_ERR_NOMEM.
 */
VK_API int32_t vk_resample_create(int32_t in_rate, int32_t out_rate, int32_t channels, int32_t quality,
                                  vk_resample **out);
VK_API void vk_resample_destroy(vk_resample *r);

/* Writes the object's description to *info.  Returns VK_OK or VK_ERR_ARG. */
VK_API int32_t vk_resample_get_info(const vk_resample *r, vk_resample_info *info);

/*
 * Output frames (per channel) the next process call with in_frames input
 * frames will produce, exactly.  Negative vk_status on a bad argument.
 */
VK_API int32_t vk_resample_output_frames(const vk_resample *r, int32_t in_frames);

/*
 * Convert in_frames interleaved frames.  out holds out_capacity frames
 * (out_capacity * channels samples); in and out must not overlap.  int16
 * output is rounded and saturated; float output is not clamped (full scale
 * is 1.0 by convention, but the filter is linear in any scale).
 * Returns the frames written, VK_ERR_ARG or VK_ERR_BUFFER_SMALL (checked
 * before anything is consumed, so the state is unchanged on error).
 */
VK_API int32_t vk_resample_process_i16(vk_resample *r, const int16_t *in, int32_t in_frames, int16_t *out,
                                       int32_t out_capacity);
VK_API int32_t vk_resample_process_f32(vk_resample *r, const float *in, int32_t in_frames, float *out,
                                       int32_t out_capacity);

/* Frames the next flush will produce. */
VK_API int32_t vk_resample_flush_frames(const vk_resample *r);

/*
 * End of stream: feed latency frames of zeros, write the remaining output,
 * then reset.  Returns the frames written or VK_ERR_BUFFER_SMALL.
 */
VK_API int32_t vk_resample_flush_i16(vk_resample *r, int16_t *out, int32_t out_capacity);
VK_API int32_t vk_resample_flush_f32(vk_resample *r, float *out, int32_t out_capacity);

/* Forget all history (start of a new stream). */
VK_API void vk_resample_reset(vk_resample *r);

#ifdef __cplusplus
}
#endif

#endif
