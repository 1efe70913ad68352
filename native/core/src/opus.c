/*
 * Opus over the system libopus: a thin layer that validates arguments,
 * whitelists the CTLs the TypeScript API uses and maps libopus errors to
 * vk_status.  Each object is one allocation: our header followed by the
 * libopus state (opus_*_get_size / opus_*_init), so create is the only
 * place memory is taken.
 */
#include "vk_opus.h"

#include <stdlib.h>
#include <opus.h>

struct vk_opus_encoder {
  int32_t rate;
  int32_t channels;
  OpusEncoder *st; /* points just past this header, same allocation */
};

struct vk_opus_decoder {
  int32_t rate;
  int32_t channels;
  OpusDecoder *st;
};

static int32_t map_err(int e) {
  if (e >= 0) return e;
  switch (e) {
    case OPUS_BAD_ARG: return VK_ERR_ARG;
    case OPUS_BUFFER_TOO_SMALL: return VK_ERR_BUFFER_SMALL;
    case OPUS_INVALID_PACKET: return VK_ERR_CORRUPT;
    case OPUS_UNIMPLEMENTED: return VK_ERR_UNSUPPORTED;
    case OPUS_INVALID_STATE: return VK_ERR_STATE;
    case OPUS_ALLOC_FAIL: return VK_ERR_NOMEM;
    default: return VK_ERR_CODEC;
  }
}

static int valid_rate(int32_t r) {
  return r == 8000 || r == 12000 || r == 16000 || r == 24000 || r == 48000;
}

/* Opus frame sizes: 2.5, 5, 10, 20, 40, 60 ms. */
static int valid_frame(int32_t rate, int32_t n) {
  int32_t q = rate / 400; /* 2.5 ms */
  return n == q || n == 2 * q || n == 4 * q || n == 8 * q || n == 16 * q || n == 24 * q;
}

/* Concealment / FEC sizes: any multiple of 2.5 ms up to 120 ms. */
static int valid_plc(int32_t rate, int32_t n) {
  int32_t q = rate / 400;
  return n > 0 && n % q == 0 && n <= rate / 1000 * 120;
}

/* Header rounded up so the libopus state that follows is suitably aligned. */
#define HDR(T) ((sizeof(T) + 15) & ~(size_t)15)

int32_t vk_opus_available(void) { return 1; }

const char *vk_opus_version(void) { return opus_get_version_string(); }

int32_t vk_opus_encoder_create(int32_t sample_rate, int32_t channels, int32_t application,
                               vk_opus_encoder **out) {
  if (!out) return VK_ERR_ARG;
  *out = NULL;
  if (!valid_rate(sample_rate) || (channels != 1 && channels != 2)) return VK_ERR_ARG;
  if (application != VK_OPUS_APP_VOIP && application != VK_OPUS_APP_AUDIO &&
      application != VK_OPUS_APP_LOWDELAY)
    return VK_ERR_ARG;
  int size = opus_encoder_get_size(channels);
  if (size <= 0) return VK_ERR_ARG;
  unsigned char *mem = malloc(HDR(vk_opus_encoder) + (size_t)size);
  if (!mem) return VK_ERR_NOMEM;
  vk_opus_encoder *e = (vk_opus_encoder *)mem;
  e->rate = sample_rate;
  e->channels = channels;
  e->st = (OpusEncoder *)(mem + HDR(vk_opus_encoder));
  int r = opus_encoder_init(e->st, sample_rate, channels, application);
  if (r != OPUS_OK) {
    free(mem);
    return map_err(r);
  }
  *out = e;
  return VK_OK;
}

void vk_opus_encoder_destroy(vk_opus_encoder *enc) { free(enc); }

int32_t vk_opus_encoder_set(vk_opus_encoder *enc, int32_t param, int32_t value) {
  if (!enc) return VK_ERR_ARG;
  switch (param) {
    case VK_OPUS_BITRATE:
    case VK_OPUS_MAX_BANDWIDTH:
    case VK_OPUS_VBR:
    case VK_OPUS_BANDWIDTH:
    case VK_OPUS_COMPLEXITY:
    case VK_OPUS_INBAND_FEC:
    case VK_OPUS_PACKET_LOSS_PERC:
    case VK_OPUS_DTX:
    case VK_OPUS_VBR_CONSTRAINT:
    case VK_OPUS_FORCE_CHANNELS:
    case VK_OPUS_SIGNAL:
      /* The request codes are the setters; libopus checks the ranges. */
      return map_err(opus_encoder_ctl(enc->st, param, (opus_int32)value));
    default:
      return VK_ERR_ARG;
  }
}

int32_t vk_opus_encoder_get(vk_opus_encoder *enc, int32_t param, int32_t *value) {
  if (!enc || !value) return VK_ERR_ARG;
  opus_int32 v = 0;
  int r;
  switch (param) {
    case VK_OPUS_BITRATE:
    case VK_OPUS_MAX_BANDWIDTH:
    case VK_OPUS_VBR:
    case VK_OPUS_BANDWIDTH:
    case VK_OPUS_COMPLEXITY:
    case VK_OPUS_INBAND_FEC:
    case VK_OPUS_PACKET_LOSS_PERC:
    case VK_OPUS_DTX:
    case VK_OPUS_VBR_CONSTRAINT:
    case VK_OPUS_FORCE_CHANNELS:
    case VK_OPUS_SIGNAL:
      /* getter = setter + 1 for all of these */
      r = opus_encoder_ctl(enc->st, param + 1, &v);
      break;
    case VK_OPUS_LOOKAHEAD:
    case VK_OPUS_SAMPLE_RATE:
    case VK_OPUS_IN_DTX:
      r = opus_encoder_ctl(enc->st, param, &v);
      break;
    case VK_OPUS_FINAL_RANGE: {
      opus_uint32 u = 0;
      r = opus_encoder_ctl(enc->st, OPUS_GET_FINAL_RANGE_REQUEST, &u);
      v = (opus_int32)u;
      break;
    }
    default:
      return VK_ERR_ARG;
  }
  if (r != OPUS_OK) return map_err(r);
  *value = (int32_t)v;
  return VK_OK;
}

int32_t vk_opus_encoder_reset(vk_opus_encoder *enc) {
  if (!enc) return VK_ERR_ARG;
  return map_err(opus_encoder_ctl(enc->st, OPUS_RESET_STATE));
}

int32_t vk_opus_encode(vk_opus_encoder *enc, const int16_t *pcm, int32_t frame_size, uint8_t *out,
                       size_t cap) {
  if (!enc || !pcm || !out || !valid_frame(enc->rate, frame_size)) return VK_ERR_ARG;
  if (cap > VK_OPUS_MAX_PACKET) cap = VK_OPUS_MAX_PACKET;
  return map_err(opus_encode(enc->st, pcm, frame_size, out, (opus_int32)cap));
}

int32_t vk_opus_encode_float(vk_opus_encoder *enc, const float *pcm, int32_t frame_size, uint8_t *out,
                             size_t cap) {
  if (!enc || !pcm || !out || !valid_frame(enc->rate, frame_size)) return VK_ERR_ARG;
  if (cap > VK_OPUS_MAX_PACKET) cap = VK_OPUS_MAX_PACKET;
  return map_err(opus_encode_float(enc->st, pcm, frame_size, out, (opus_int32)cap));
}

int32_t vk_opus_decoder_create(int32_t sample_rate, int32_t channels, vk_opus_decoder **out) {
  if (!out) return VK_ERR_ARG;
  *out = NULL;
  if (!valid_rate(sample_rate) || (channels != 1 && channels != 2)) return VK_ERR_ARG;
  int size = opus_decoder_get_size(channels);
  if (size <= 0) return VK_ERR_ARG;
  unsigned char *mem = malloc(HDR(vk_opus_decoder) + (size_t)size);
  if (!mem) return VK_ERR_NOMEM;
  vk_opus_decoder *d = (vk_opus_decoder *)mem;
  d->rate = sample_rate;
  d->channels = channels;
  d->st = (OpusDecoder *)(mem + HDR(vk_opus_decoder));
  int r = opus_decoder_init(d->st, sample_rate, channels);
  if (r != OPUS_OK) {
    free(mem);
    return map_err(r);
  }
  *out = d;
  return VK_OK;
}

void vk_opus_decoder_destroy(vk_opus_decoder *dec) { free(dec); }

int32_t vk_opus_decoder_get(vk_opus_decoder *dec, int32_t param, int32_t *value) {
  if (!dec || !value) return VK_ERR_ARG;
  opus_int32 v = 0;
  int r;
  switch (param) {
    case VK_OPUS_BANDWIDTH:
      r = opus_decoder_ctl(dec->st, OPUS_GET_BANDWIDTH_REQUEST, &v);
      break;
    case VK_OPUS_SAMPLE_RATE:
    case VK_OPUS_LAST_PACKET_DURATION:
      r = opus_decoder_ctl(dec->st, param, &v);
      break;
    case VK_OPUS_GAIN:
      r = opus_decoder_ctl(dec->st, OPUS_GET_GAIN_REQUEST, &v);
      break;
    case VK_OPUS_FINAL_RANGE: {
      opus_uint32 u = 0;
      r = opus_decoder_ctl(dec->st, OPUS_GET_FINAL_RANGE_REQUEST, &u);
      v = (opus_int32)u;
      break;
    }
    default:
      return VK_ERR_ARG;
  }
  if (r != OPUS_OK) return map_err(r);
  *value = (int32_t)v;
  return VK_OK;
}

int32_t vk_opus_decoder_set(vk_opus_decoder *dec, int32_t param, int32_t value) {
  if (!dec || param != VK_OPUS_GAIN) return VK_ERR_ARG;
  return map_err(opus_decoder_ctl(dec->st, OPUS_SET_GAIN_REQUEST, (opus_int32)value));
}

int32_t vk_opus_decoder_reset(vk_opus_decoder *dec) {
  if (!dec) return VK_ERR_ARG;
  return map_err(opus_decoder_ctl(dec->st, OPUS_RESET_STATE));
}

/* libopus reads a packet's length as opus_int32; a real packet is far
 * shorter (120 ms of 1275-byte frames), so longer input is corrupt. */
#define MAX_INPUT (48 * 1275 + 16)

int32_t vk_opus_decode(vk_opus_decoder *dec, const uint8_t *packet, size_t len, int16_t *pcm,
                       int32_t max_frame) {
  if (!dec || !packet || !pcm || len == 0 || max_frame <= 0) return VK_ERR_ARG;
  if (len > MAX_INPUT) return VK_ERR_CORRUPT;
  return map_err(opus_decode(dec->st, packet, (opus_int32)len, pcm, max_frame, 0));
}

int32_t vk_opus_decode_float(vk_opus_decoder *dec, const uint8_t *packet, size_t len, float *pcm,
                             int32_t max_frame) {
  if (!dec || !packet || !pcm || len == 0 || max_frame <= 0) return VK_ERR_ARG;
  if (len > MAX_INPUT) return VK_ERR_CORRUPT;
  return map_err(opus_decode_float(dec->st, packet, (opus_int32)len, pcm, max_frame, 0));
}

int32_t vk_opus_conceal(vk_opus_decoder *dec, int16_t *pcm, int32_t frame_size) {
  if (!dec || !pcm || !valid_plc(dec->rate, frame_size)) return VK_ERR_ARG;
  return map_err(opus_decode(dec->st, NULL, 0, pcm, frame_size, 0));
}

int32_t vk_opus_conceal_float(vk_opus_decoder *dec, float *pcm, int32_t frame_size) {
  if (!dec || !pcm || !valid_plc(dec->rate, frame_size)) return VK_ERR_ARG;
  return map_err(opus_decode_float(dec->st, NULL, 0, pcm, frame_size, 0));
}

int32_t vk_opus_decode_fec(vk_opus_decoder *dec, const uint8_t *next, size_t len, int16_t *pcm,
                           int32_t frame_size) {
  if (!dec || !next || !pcm || len == 0 || !valid_plc(dec->rate, frame_size)) return VK_ERR_ARG;
  if (len > MAX_INPUT) return VK_ERR_CORRUPT;
  return map_err(opus_decode(dec->st, next, (opus_int32)len, pcm, frame_size, 1));
}

int32_t vk_opus_decode_fec_float(vk_opus_decoder *dec, const uint8_t *next, size_t len, float *pcm,
                                 int32_t frame_size) {
  if (!dec || !next || !pcm || len == 0 || !valid_plc(dec->rate, frame_size)) return VK_ERR_ARG;
  if (len > MAX_INPUT) return VK_ERR_CORRUPT;
  return map_err(opus_decode_float(dec->st, next, (opus_int32)len, pcm, frame_size, 1));
}

int32_t vk_opus_packet_samples(const vk_opus_decoder *dec, const uint8_t *packet, size_t len) {
  if (!dec || !packet || len == 0) return VK_ERR_ARG;
  if (len > MAX_INPUT) return VK_ERR_CORRUPT;
  int r = opus_decoder_get_nb_samples(dec->st, packet, (opus_int32)len);
  /* libopus counts a code-3 packet with M = 0 frames (RFC 6716 3.4, R5) as
   * 0 samples; it is malformed, and opus_decode refuses it. */
  return r == 0 ? VK_ERR_CORRUPT : map_err(r);
}
