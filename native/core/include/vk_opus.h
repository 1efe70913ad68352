/*
 * Opus encoder / decoder over the system libopus (RFC 6716).
 *
 * Native build only: compiled when pkg-config finds libopus
 * (native/core/native-deps.cmake defines VK_HAVE_OPUS).  The WASM build does
 * not contain this component; there the TypeScript layer drives the
 * `opusscript` package instead (see docs/opus.md).
 *
 * Units: sample rates in Hz; "frame_size" is samples PER CHANNEL at the
 * object's sample rate; PCM is interleaved.  Packets are raw Opus packets
 * (an RTP payload, RFC 7587), at most VK_OPUS_MAX_PACKET bytes per frame.
 *
 * Buffers are owned by the caller and never retained.  Objects are not
 * thread-safe; distinct objects may be used from distinct threads.
 * Memory: each object allocates once, in create (libopus state, a few tens
 * of kB); nothing is allocated per call.
 *
 * libopus errors are mapped to vk_status:
 *   OPUS_BAD_ARG -> VK_ERR_ARG, OPUS_BUFFER_TOO_SMALL -> VK_ERR_BUFFER_SMALL,
 *   OPUS_INVALID_PACKET -> VK_ERR_CORRUPT, OPUS_UNIMPLEMENTED ->
 *   VK_ERR_UNSUPPORTED, OPUS_INVALID_STATE -> VK_ERR_STATE, OPUS_ALLOC_FAIL
 *   -> VK_ERR_NOMEM, anything else (OPUS_INTERNAL_ERROR) -> VK_ERR_CODEC.
 */
#ifndef VK_OPUS_H
#define VK_OPUS_H

#include "vk_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest packet one call can produce (RFC 6716 3.4, R2: 1275 bytes a
 * frame, up to 3 frames of 20 ms in 60 ms) plus the code-3 header. */
#define VK_OPUS_MAX_PACKET 3832
/* Longest duration one packet can carry: 120 ms at 48 kHz. */
#define VK_OPUS_MAX_FRAME_48K 5760

/* application (values of libopus' OPUS_APPLICATION_*) */
#define VK_OPUS_APP_VOIP 2048
#define VK_OPUS_APP_AUDIO 2049
#define VK_OPUS_APP_LOWDELAY 2051

/*
 * Parameters for vk_opus_encoder_set / _get and vk_opus_decoder_get.  The
 * numbers are libopus' OPUS_SET_* request codes; a _get takes the matching
 * setter code.  Only these are accepted (anything else: VK_ERR_ARG).
 *   BITRATE          bit/s, 500..512000, or -1000 (auto) / -1 (max)
 *   MAX_BANDWIDTH,
 *   BANDWIDTH        1101 NB (4 kHz) .. 1105 FB (20 kHz); BANDWIDTH also -1000 (auto)
 *   VBR              0 / 1 (default 1)
 *   VBR_CONSTRAINT   0 / 1 (default 1)
 *   COMPLEXITY       0..10 (libopus default 9 for 1.3+)
 *   INBAND_FEC       0 / 1 (default 0; SILK / hybrid modes only carry it)
 *   PACKET_LOSS_PERC 0..100 (default 0; FEC is only spent when > 0)
 *   DTX              0 / 1 (default 0)
 *   SIGNAL           -1000 auto, 3001 voice, 3002 music
 *   FORCE_CHANNELS   -1000 auto, 1, 2
 *   LOOKAHEAD        get only: encoder delay in samples
 *   FINAL_RANGE      get only: range coder state after the last call
 *   LAST_PACKET_DURATION  decoder get only: samples of the last decode
 *   GAIN             decoder: Q8 dB, -32768..32767
 */
#define VK_OPUS_BITRATE 4002
#define VK_OPUS_MAX_BANDWIDTH 4004
#define VK_OPUS_VBR 4006
#define VK_OPUS_BANDWIDTH 4008
#define VK_OPUS_COMPLEXITY 4010
#define VK_OPUS_INBAND_FEC 4012
#define VK_OPUS_PACKET_LOSS_PERC 4014
#define VK_OPUS_DTX 4016
#define VK_OPUS_VBR_CONSTRAINT 4020
#define VK_OPUS_FORCE_CHANNELS 4022
#define VK_OPUS_SIGNAL 4024
#define VK_OPUS_LOOKAHEAD 4027
#define VK_OPUS_SAMPLE_RATE 4029
#define VK_OPUS_FINAL_RANGE 4031
#define VK_OPUS_GAIN 4034
#define VK_OPUS_LAST_PACKET_DURATION 4039
#define VK_OPUS_IN_DTX 4049

typedef struct vk_opus_encoder vk_opus_encoder;
typedef struct vk_opus_decoder vk_opus_decoder;

/* 1 when this build has libopus (always, when this header's functions link). */
VK_API int32_t vk_opus_available(void);
/* libopus' version string, e.g. "libopus 1.3.1"; never NULL. */
VK_API const char *vk_opus_version(void);

/*
 * Create an encoder.  sample_rate 8000 / 12000 / 16000 / 24000 / 48000,
 * channels 1 / 2, application VK_OPUS_APP_*.  Returns VK_OK and writes the
 * handle, or VK_ERR_ARG / VK_ERR_NOMEM.
 */
VK_API int32_t vk_opus_encoder_create(int32_t sample_rate, int32_t channels, int32_t application,
                                      vk_opus_encoder **out);
VK_API void vk_opus_encoder_destroy(vk_opus_encoder *enc);
/* Set one parameter (see the list above).  VK_OK or VK_ERR_ARG. */
VK_API int32_t vk_opus_encoder_set(vk_opus_encoder *enc, int32_t param, int32_t value);
/* Read one parameter into *value.  VK_OK or VK_ERR_ARG. */
VK_API int32_t vk_opus_encoder_get(vk_opus_encoder *enc, int32_t param, int32_t *value);
/* Forget the signal history (OPUS_RESET_STATE); settings are kept. */
VK_API int32_t vk_opus_encoder_reset(vk_opus_encoder *enc);

/*
 * Encode one frame: frame_size samples per channel (2.5, 5, 10, 20, 40 or
 * 60 ms at the encoder's rate), interleaved, into out (capacity cap bytes).
 * Returns the packet length (1 byte means "nothing to send" under DTX), or
 * VK_ERR_ARG (bad frame_size / NULL), VK_ERR_BUFFER_SMALL, VK_ERR_CODEC.
 * pcm and out must not overlap.  _float takes samples in [-1, 1].
 */
VK_API int32_t vk_opus_encode(vk_opus_encoder *enc, const int16_t *pcm, int32_t frame_size,
                              uint8_t *out, size_t cap);
VK_API int32_t vk_opus_encode_float(vk_opus_encoder *enc, const float *pcm, int32_t frame_size,
                                    uint8_t *out, size_t cap);

/* Create a decoder (rates and channels as for the encoder). */
VK_API int32_t vk_opus_decoder_create(int32_t sample_rate, int32_t channels, vk_opus_decoder **out);
VK_API void vk_opus_decoder_destroy(vk_opus_decoder *dec);
VK_API int32_t vk_opus_decoder_get(vk_opus_decoder *dec, int32_t param, int32_t *value);
/* Only VK_OPUS_GAIN is settable on a decoder. */
VK_API int32_t vk_opus_decoder_set(vk_opus_decoder *dec, int32_t param, int32_t value);
VK_API int32_t vk_opus_decoder_reset(vk_opus_decoder *dec);

/*
 * Decode one packet (len >= 1) into pcm, which holds max_frame samples per
 * channel.  Returns the samples per channel decoded, or VK_ERR_CORRUPT
 * (malformed / corrupt packet), VK_ERR_BUFFER_SMALL (the packet is longer
 * than max_frame), VK_ERR_ARG.  A packet of 1 byte (the TOC alone, as DTX
 * sends) decodes as concealment / comfort noise of its duration.
 */
VK_API int32_t vk_opus_decode(vk_opus_decoder *dec, const uint8_t *packet, size_t len, int16_t *pcm,
                              int32_t max_frame);
VK_API int32_t vk_opus_decode_float(vk_opus_decoder *dec, const uint8_t *packet, size_t len,
                                    float *pcm, int32_t max_frame);

/*
 * Packet loss concealment: synthesize frame_size samples per channel for a
 * lost packet (frame_size a multiple of 2.5 ms, at most 120 ms).  Returns
 * frame_size or VK_ERR_ARG.
 */
VK_API int32_t vk_opus_conceal(vk_opus_decoder *dec, int16_t *pcm, int32_t frame_size);
VK_API int32_t vk_opus_conceal_float(vk_opus_decoder *dec, float *pcm, int32_t frame_size);

/*
 * Recover the lost packet that preceded `next` from the in-band FEC (LBRR)
 * carried by `next`: writes frame_size samples per channel (the duration of
 * the lost packet, a multiple of 2.5 ms).  When `next` carries no FEC this
 * is concealment, as in libopus.  Afterwards decode `next` itself normally.
 * Returns frame_size, or VK_ERR_CORRUPT / VK_ERR_ARG.
 */
VK_API int32_t vk_opus_decode_fec(vk_opus_decoder *dec, const uint8_t *next, size_t len, int16_t *pcm,
                                  int32_t frame_size);
VK_API int32_t vk_opus_decode_fec_float(vk_opus_decoder *dec, const uint8_t *next, size_t len,
                                        float *pcm, int32_t frame_size);

/*
 * Samples per channel that packet decodes to at this decoder's rate, or
 * VK_ERR_CORRUPT for a malformed packet.
 */
VK_API int32_t vk_opus_packet_samples(const vk_opus_decoder *dec, const uint8_t *packet, size_t len);

/*
 * Hooks that let the jitter buffer (vk_jb.h, VK_JB_CODEC_EXTERNAL) decode
 * Opus natively: vk_jb_set_decoder(jb, vk_opus_jb_hooks(), dec) with a mono
 * vk_opus_decoder at the buffer's clock rate.  Missing packets are
 * recovered from the next packet's in-band FEC when the buffer holds it,
 * and concealed otherwise.  The table is constant.
 */
struct vk_jb_decoder;
VK_API const struct vk_jb_decoder *vk_opus_jb_hooks(void);

#ifdef __cplusplus
}
#endif

#endif /* VK_OPUS_H */
