/*
 * Opus behind the jitter buffer's external-decoder hooks (vk_jb_decoder):
 * decode, concealment with in-band FEC recovery when the next packet is
 * buffered, and packet durations.  `user` is a vk_opus_decoder.
 */
#include "vk_jb.h"
#include "vk_opus.h"

static int32_t jb_decode(void *user, const uint8_t *payload, size_t len, int16_t *pcm, size_t cap) {
  if (cap > (size_t)INT32_MAX) cap = (size_t)INT32_MAX;
  return vk_opus_decode((vk_opus_decoder *)user, payload, len, pcm, (int32_t)cap);
}

static int32_t jb_conceal(void *user, const uint8_t *next, size_t next_len, int16_t *pcm, size_t n) {
  vk_opus_decoder *dec = (vk_opus_decoder *)user;
  if (n > (size_t)INT32_MAX) return VK_ERR_ARG;
  if (next && next_len > 0) {
    int32_t r = vk_opus_decode_fec(dec, next, next_len, pcm, (int32_t)n);
    /* A corrupt successor must not stop playout: conceal instead. */
    if (r != VK_ERR_CORRUPT) return r;
  }
  return vk_opus_conceal(dec, pcm, (int32_t)n);
}

static int32_t jb_duration(void *user, const uint8_t *payload, size_t len) {
  int32_t r = vk_opus_packet_samples((const vk_opus_decoder *)user, payload, len);
  return r < 0 ? 0 : r;
}

static const vk_jb_decoder hooks = {jb_decode, jb_conceal, jb_duration};

const struct vk_jb_decoder *vk_opus_jb_hooks(void) { return &hooks; }
