/*
 * C tests of vk_opus (core/src/opus.c), the thin layer over the system
 * libopus, with libopus itself as the reference: every vk_opus call is made
 * side by side with the plain libopus call on a second encoder / decoder at
 * the same settings, and the packets and samples must be identical, bit for
 * bit.  Also: the decoded speech is close to the source, in-band FEC
 * recovers lost frames better than concealment, and bad input (NULL,
 * lengths, frame sizes, parameters, malformed and random packets) gets the
 * documented vk_status without touching the decoder's state.
 *
 * Native only (libopus through pkg-config): native/CMakeLists.txt builds it
 * when pkg-config finds opus, so `npm run sanitize` runs it under ASan and
 * UBSan, and test/opus-c.test.ts compiles and runs it with the sanitizers.
 * Source signal: test/vectors/opus/speech48k.s16le (see its README).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <opus.h>

#include "vk_opus.h"
#include "vk_test.h"

#define SPEECH "test/vectors/opus/speech48k.s16le"
#define MAXF (5760 * 2) /* 120 ms at 48 kHz, stereo */

static int16_t *speech;
static size_t speech_n;

/* The mapping vk_opus.h documents, applied to a plain libopus result. */
static int32_t expect_map(int r) {
  if (r >= 0) return r;
  switch (r) {
    case OPUS_BAD_ARG: return VK_ERR_ARG;
    case OPUS_BUFFER_TOO_SMALL: return VK_ERR_BUFFER_SMALL;
    case OPUS_INVALID_PACKET: return VK_ERR_CORRUPT;
    case OPUS_UNIMPLEMENTED: return VK_ERR_UNSUPPORTED;
    case OPUS_INVALID_STATE: return VK_ERR_STATE;
    case OPUS_ALLOC_FAIL: return VK_ERR_NOMEM;
    default: return VK_ERR_CODEC;
  }
}

/* The source at `rate` (decimated from 48 kHz by averaging: crude but the
 * same input goes to both encoders, and the SNR check allows for it). */
static void source(int32_t rate, int32_t ch, size_t at, int32_t n, int16_t *pcm) {
  int32_t step = 48000 / rate;
  for (int32_t i = 0; i < n; i++) {
    int32_t acc = 0;
    for (int32_t k = 0; k < step; k++) {
      size_t j = (at + (size_t)i) * (size_t)step + (size_t)k;
      acc += j < speech_n ? speech[j] : 0;
    }
    for (int32_t c = 0; c < ch; c++) pcm[i * ch + c] = (int16_t)(acc / step);
  }
}

static uint32_t rng_state = 12345u;
static uint32_t rnd(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}

static void same_settings(vk_opus_encoder *e, OpusEncoder *ref, int32_t bitrate, int32_t complexity) {
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_BITRATE, bitrate), VK_OK);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_COMPLEXITY, complexity), VK_OK);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_INBAND_FEC, 1), VK_OK);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_PACKET_LOSS_PERC, 10), VK_OK);
  opus_encoder_ctl(ref, OPUS_SET_BITRATE(bitrate));
  opus_encoder_ctl(ref, OPUS_SET_COMPLEXITY(complexity));
  opus_encoder_ctl(ref, OPUS_SET_INBAND_FEC(1));
  opus_encoder_ctl(ref, OPUS_SET_PACKET_LOSS_PERC(10));
}

/* SNR in dB of out against the source, channel 0, out delayed by lag. */
static double snr_db(const int16_t *src, const int16_t *out, size_t n, int32_t ch, int32_t lag) {
  double p = 0, e = 0;
  for (size_t i = 0; i + (size_t)lag < n; i++) {
    double s = src[i * (size_t)ch], d = s - out[(i + (size_t)lag) * (size_t)ch];
    p += s * s;
    e += d * d;
  }
  return 10 * log10(p / (e > 0 ? e : 1e-9));
}

/* Round trip at one rate / channel count / frame size: vk_opus and plain
 * libopus produce the same packets and the same samples; the audio is
 * close to the source. */
static void round_trip(int32_t rate, int32_t ch, int32_t frame, int use_float) {
  vk_opus_encoder *e = NULL;
  vk_opus_decoder *d = NULL;
  int err = 0;
  CHECK_EQ_INT(vk_opus_encoder_create(rate, ch, VK_OPUS_APP_VOIP, &e), VK_OK);
  CHECK_EQ_INT(vk_opus_decoder_create(rate, ch, &d), VK_OK);
  OpusEncoder *re = opus_encoder_create(rate, ch, OPUS_APPLICATION_VOIP, &err);
  OpusDecoder *rd = opus_decoder_create(rate, ch, &err);
  if (!e || !d || !re || !rd) {
    CHECK(0);
    goto out;
  }
  same_settings(e, re, 32000 * ch, 5);
  int32_t v = 0;
  CHECK_EQ_INT(vk_opus_encoder_get(e, VK_OPUS_BITRATE, &v), VK_OK);
  CHECK_EQ_INT(v, 32000 * ch);
  CHECK_EQ_INT(vk_opus_encoder_get(e, VK_OPUS_SAMPLE_RATE, &v), VK_OK);
  CHECK_EQ_INT(v, rate);
  int32_t lookahead = 0;
  opus_int32 ref_lookahead = 0;
  CHECK_EQ_INT(vk_opus_encoder_get(e, VK_OPUS_LOOKAHEAD, &lookahead), VK_OK);
  opus_encoder_ctl(re, OPUS_GET_LOOKAHEAD(&ref_lookahead));
  CHECK_EQ_INT(lookahead, ref_lookahead);

  size_t total = (size_t)rate * 2; /* 2 s */
  int16_t *src = malloc(total * (size_t)ch * sizeof *src);
  int16_t *dec = malloc(total * (size_t)ch * sizeof *dec);
  float *fin = malloc((size_t)frame * (size_t)ch * sizeof *fin);
  float *fout = malloc((size_t)MAXF * sizeof *fout);
  float *fref = malloc((size_t)MAXF * sizeof *fref);
  int16_t ref[MAXF];
  uint8_t pkt[VK_OPUS_MAX_PACKET], rpkt[VK_OPUS_MAX_PACKET];
  if (!src || !dec || !fin || !fout || !fref) {
    CHECK(0);
    goto out2;
  }
  source(rate, ch, 0, (int32_t)total, src);
  size_t frames = total / (size_t)frame, pkt_diff = 0, pcm_diff = 0;
  for (size_t f = 0; f < frames; f++) {
    const int16_t *in = src + f * (size_t)frame * (size_t)ch;
    int32_t n, rn;
    if (use_float) {
      for (int32_t i = 0; i < frame * ch; i++) fin[i] = in[i] / 32768.0f;
      n = vk_opus_encode_float(e, fin, frame, pkt, sizeof pkt);
      rn = opus_encode_float(re, fin, frame, rpkt, sizeof rpkt);
    } else {
      n = vk_opus_encode(e, in, frame, pkt, sizeof pkt);
      rn = opus_encode(re, in, frame, rpkt, sizeof rpkt);
    }
    CHECK(n > 0);
    if (n != rn || (n > 0 && memcmp(pkt, rpkt, (size_t)n) != 0)) pkt_diff++;
    if (n <= 0) break;
    CHECK_EQ_INT(vk_opus_packet_samples(d, pkt, (size_t)n), frame);
    CHECK_EQ_INT(vk_opus_packet_samples(d, pkt, (size_t)n), opus_packet_get_nb_samples(pkt, n, rate));
    int16_t *o = dec + f * (size_t)frame * (size_t)ch;
    if (use_float) {
      int32_t m = vk_opus_decode_float(d, pkt, (size_t)n, fout, MAXF / ch);
      int32_t rm = opus_decode_float(rd, pkt, n, fref, MAXF / ch, 0);
      CHECK_EQ_INT(m, frame);
      CHECK_EQ_INT(m, rm);
      if (m > 0 && memcmp(fout, fref, (size_t)m * (size_t)ch * sizeof *fout) != 0) pcm_diff++;
      for (int32_t i = 0; i < frame * ch; i++) {
        float s = fout[i] * 32768.0f;
        o[i] = (int16_t)(s > 32767 ? 32767 : s < -32768 ? -32768 : lrintf(s));
      }
    } else {
      int32_t m = vk_opus_decode(d, pkt, (size_t)n, o, MAXF / ch);
      int32_t rm = opus_decode(rd, pkt, n, ref, MAXF / ch, 0);
      CHECK_EQ_INT(m, frame);
      CHECK_EQ_INT(m, rm);
      if (m > 0 && memcmp(o, ref, (size_t)m * (size_t)ch * sizeof *o) != 0) pcm_diff++;
    }
  }
  CHECK_EQ_INT(pkt_diff, 0);
  CHECK_EQ_INT(pcm_diff, 0);
  CHECK_EQ_INT(vk_opus_decoder_get(d, VK_OPUS_LAST_PACKET_DURATION, &v), VK_OK);
  CHECK_EQ_INT(v, frame);
  /* Speech at 32 kbit/s per channel: measured 8-20 dB over these cases
   * (the decimated source has little energy above 4 kHz, and 2.5 / 5 ms
   * frames are CELT at a high per-frame overhead). */
  double s = snr_db(src, dec, frames * (size_t)frame, ch, lookahead);
  if (!(s > 5)) fprintf(stderr, "round trip %d Hz x%d, frame %d%s: SNR %.1f dB\n", rate, ch, frame, use_float ? " float" : "", s);
  CHECK(s > 5);
out2:
  free(src);
  free(dec);
  free(fin);
  free(fout);
  free(fref);
out:
  vk_opus_encoder_destroy(e);
  vk_opus_decoder_destroy(d);
  if (re) opus_encoder_destroy(re);
  if (rd) opus_decoder_destroy(rd);
}

/* Concealment and FEC recovery: vk_opus_conceal / vk_opus_decode_fec equal
 * opus_decode(NULL) / opus_decode(next, decode_fec = 1) on a twin decoder;
 * with 10 % loss FEC recovery is closer to the source than concealment. */
static void loss(int32_t rate) {
  const int32_t frame = rate / 50;
  const size_t frames = 200; /* 4 s */
  vk_opus_encoder *e = NULL;
  vk_opus_decoder *fec = NULL, *plc = NULL;
  OpusDecoder *rd = NULL;
  int err = 0;
  int16_t *src = malloc(frames * (size_t)frame * sizeof *src);
  int16_t *out_fec = malloc(frames * (size_t)frame * sizeof *src);
  int16_t *out_plc = malloc(frames * (size_t)frame * sizeof *src);
  uint8_t (*pk)[VK_OPUS_MAX_PACKET] = malloc(frames * sizeof *pk);
  int32_t *len = malloc(frames * sizeof *len);
  unsigned char *lost = calloc(frames, 1);
  int16_t ref[MAXF];
  CHECK_EQ_INT(vk_opus_encoder_create(rate, 1, VK_OPUS_APP_VOIP, &e), VK_OK);
  CHECK_EQ_INT(vk_opus_decoder_create(rate, 1, &fec), VK_OK);
  CHECK_EQ_INT(vk_opus_decoder_create(rate, 1, &plc), VK_OK);
  rd = opus_decoder_create(rate, 1, &err);
  if (!src || !out_fec || !out_plc || !pk || !len || !lost || !e || !fec || !plc || !rd) {
    CHECK(0);
    goto out;
  }
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_BITRATE, 24000), VK_OK);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_INBAND_FEC, 1), VK_OK);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_PACKET_LOSS_PERC, 10), VK_OK);
  source(rate, 1, 0, (int32_t)(frames * (size_t)frame), src);
  int32_t lag = 0;
  vk_opus_encoder_get(e, VK_OPUS_LOOKAHEAD, &lag);
  size_t with_fec = 0;
  for (size_t f = 0; f < frames; f++) {
    len[f] = vk_opus_encode(e, src + f * (size_t)frame, frame, pk[f], VK_OPUS_MAX_PACKET);
    CHECK(len[f] > 0);
    if (len[f] <= 0) goto out;
    /* RFC 6716 4.2.3: the LBRR flag follows the VAD flag of a SILK frame
     * (both coded with probability 1/2, so they are the first two bits). */
    int mode_silk_or_hybrid = (pk[f][0] >> 3) < 16;
    if (mode_silk_or_hybrid && len[f] > 1 && (pk[f][1] & 0x40)) with_fec++;
    lost[f] = f > 0 && f + 1 < frames && rnd() % 10 == 0 && !lost[f - 1];
  }
  CHECK(with_fec > frames / 2);
  size_t recovered = 0, ndiff = 0;
  for (size_t f = 0; f < frames; f++) {
    int16_t *of = out_fec + f * (size_t)frame, *op = out_plc + f * (size_t)frame;
    if (lost[f]) {
      CHECK_EQ_INT(vk_opus_conceal(plc, op, frame), frame);
      CHECK_EQ_INT(vk_opus_decode_fec(fec, pk[f + 1], (size_t)len[f + 1], of, frame), frame);
      CHECK_EQ_INT(opus_decode(rd, pk[f + 1], len[f + 1], ref, frame, 1), frame);
      ndiff += memcmp(of, ref, (size_t)frame * sizeof *of) != 0;
      recovered++;
      continue;
    }
    CHECK_EQ_INT(vk_opus_decode(plc, pk[f], (size_t)len[f], op, frame), frame);
    CHECK_EQ_INT(vk_opus_decode(fec, pk[f], (size_t)len[f], of, frame), frame);
    CHECK_EQ_INT(opus_decode(rd, pk[f], len[f], ref, frame, 0), frame);
    ndiff += memcmp(of, ref, (size_t)frame * sizeof *of) != 0;
  }
  CHECK(recovered >= 8);
  CHECK_EQ_INT(ndiff, 0);
  /* SNR over the lost frames only, where the two decoders differ. */
  double p = 0, ef = 0, ep = 0;
  for (size_t f = 0; f < frames; f++) {
    if (!lost[f]) continue;
    for (size_t i = f * (size_t)frame; i < (f + 1) * (size_t)frame; i++) {
      if (i < (size_t)lag) continue;
      double s = src[i - (size_t)lag];
      p += s * s;
      ef += (s - out_fec[i]) * (s - out_fec[i]);
      ep += (s - out_plc[i]) * (s - out_plc[i]);
    }
  }
  double snr_fec = 10 * log10(p / (ef + 1e-9)), snr_plc = 10 * log10(p / (ep + 1e-9));
  printf("opus_test: %d Hz, %zu of %zu frames lost: SNR of the lost frames %.2f dB concealed, %.2f dB from FEC\n",
         rate, recovered, frames, snr_plc, snr_fec);
  CHECK(snr_fec > snr_plc + 1);

  /* Concealment of every allowed duration equals libopus' own; the
   * refused ones (not a multiple of 2.5 ms, 0, over 120 ms) change nothing. */
  OpusDecoder *r2 = opus_decoder_create(rate, 1, &err);
  vk_opus_decoder *d2 = NULL;
  CHECK_EQ_INT(vk_opus_decoder_create(rate, 1, &d2), VK_OK);
  if (r2 && d2) {
    int16_t a[MAXF], b[MAXF];
    int32_t q = rate / 400;
    size_t cdiff = 0;
    CHECK_EQ_INT(vk_opus_decode(d2, pk[3], (size_t)len[3], a, MAXF), frame);
    CHECK_EQ_INT(opus_decode(r2, pk[3], len[3], b, MAXF, 0), frame);
    for (int32_t n = q; n <= 48 * q; n += q) {
      CHECK_EQ_INT(vk_opus_conceal(d2, a, n), n);
      CHECK_EQ_INT(opus_decode(r2, NULL, 0, b, n, 0), n);
      cdiff += memcmp(a, b, (size_t)n * sizeof *a) != 0;
    }
    CHECK_EQ_INT(cdiff, 0);
    CHECK_EQ_INT(vk_opus_conceal(d2, a, 0), VK_ERR_ARG);
    CHECK_EQ_INT(vk_opus_conceal(d2, a, q + 1), VK_ERR_ARG);
    CHECK_EQ_INT(vk_opus_conceal(d2, a, 49 * q), VK_ERR_ARG);
    CHECK_EQ_INT(vk_opus_conceal(d2, NULL, q), VK_ERR_ARG);
    CHECK_EQ_INT(vk_opus_decode_fec(d2, pk[5], (size_t)len[5], a, q + 1), VK_ERR_ARG);
    CHECK_EQ_INT(vk_opus_decode_fec(d2, pk[5], 0, a, frame), VK_ERR_ARG);
    CHECK_EQ_INT(vk_opus_decode_fec(d2, NULL, 3, a, frame), VK_ERR_ARG);
    /* a 40 ms FEC call: 20 ms concealed then 20 ms from the FEC, as libopus */
    CHECK_EQ_INT(vk_opus_decode_fec(d2, pk[5], (size_t)len[5], a, 2 * frame), 2 * frame);
    CHECK_EQ_INT(opus_decode(r2, pk[5], len[5], b, 2 * frame, 1), 2 * frame);
    CHECK(memcmp(a, b, 2 * (size_t)frame * sizeof *a) == 0);
    /* after the refused calls the two decoders still agree */
    CHECK_EQ_INT(vk_opus_decode(d2, pk[5], (size_t)len[5], a, MAXF), frame);
    CHECK_EQ_INT(opus_decode(r2, pk[5], len[5], b, MAXF, 0), frame);
    CHECK(memcmp(a, b, (size_t)frame * sizeof *a) == 0);
    /* float FEC and concealment */
    float fa[MAXF], fb[MAXF];
    CHECK_EQ_INT(vk_opus_decode_fec_float(d2, pk[7], (size_t)len[7], fa, frame), frame);
    CHECK_EQ_INT(opus_decode_float(r2, pk[7], len[7], fb, frame, 1), frame);
    CHECK(memcmp(fa, fb, (size_t)frame * sizeof *fa) == 0);
    CHECK_EQ_INT(vk_opus_conceal_float(d2, fa, frame), frame);
    CHECK_EQ_INT(opus_decode_float(r2, NULL, 0, fb, frame, 0), frame);
    CHECK(memcmp(fa, fb, (size_t)frame * sizeof *fa) == 0);
  } else {
    CHECK(0);
  }
  vk_opus_decoder_destroy(d2);
  if (r2) opus_decoder_destroy(r2);
out:
  free(src);
  free(out_fec);
  free(out_plc);
  free(pk);
  free(len);
  free(lost);
  vk_opus_encoder_destroy(e);
  vk_opus_decoder_destroy(fec);
  vk_opus_decoder_destroy(plc);
  if (rd) opus_decoder_destroy(rd);
}

/* Arguments and packets the layer must refuse, and random packets: the
 * result is libopus' own (mapped) and never a crash or an out-of-bounds
 * access (the sanitizers watch), and refused calls leave the state alone. */
static void bad_input(void) {
  vk_opus_encoder *e = NULL;
  vk_opus_decoder *d = NULL;
  int16_t pcm[MAXF];
  float fpcm[MAXF];
  uint8_t pkt[VK_OPUS_MAX_PACKET];
  memset(pcm, 0, sizeof pcm);
  memset(fpcm, 0, sizeof fpcm);

  /* create */
  CHECK_EQ_INT(vk_opus_encoder_create(44100, 1, VK_OPUS_APP_VOIP, &e), VK_ERR_ARG);
  CHECK(e == NULL);
  CHECK_EQ_INT(vk_opus_encoder_create(48000, 3, VK_OPUS_APP_VOIP, &e), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_create(48000, 0, VK_OPUS_APP_VOIP, &e), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_create(48000, 1, 0, &e), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_create(48000, 1, VK_OPUS_APP_VOIP, NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_create(11025, 1, &d), VK_ERR_ARG);
  CHECK(d == NULL);
  CHECK_EQ_INT(vk_opus_decoder_create(48000, -1, &d), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_create(48000, 1, NULL), VK_ERR_ARG);

  CHECK_EQ_INT(vk_opus_encoder_create(48000, 1, VK_OPUS_APP_AUDIO, &e), VK_OK);
  CHECK_EQ_INT(vk_opus_decoder_create(48000, 1, &d), VK_OK);
  if (!e || !d) {
    CHECK(0);
    goto out;
  }

  /* NULL objects and buffers */
  int32_t v = 0;
  CHECK_EQ_INT(vk_opus_encoder_set(NULL, VK_OPUS_BITRATE, 32000), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_get(NULL, VK_OPUS_BITRATE, &v), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_get(e, VK_OPUS_BITRATE, NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_reset(NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encode(NULL, pcm, 960, pkt, sizeof pkt), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encode(e, NULL, 960, pkt, sizeof pkt), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encode(e, pcm, 960, NULL, sizeof pkt), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encode_float(e, NULL, 960, pkt, sizeof pkt), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_get(NULL, VK_OPUS_GAIN, &v), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_get(d, VK_OPUS_GAIN, NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_set(NULL, VK_OPUS_GAIN, 0), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_reset(NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decode(NULL, pkt, 3, pcm, 960), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decode(d, NULL, 3, pcm, 960), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decode(d, pkt, 3, NULL, 960), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decode_float(d, pkt, 3, NULL, 960), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_conceal(NULL, pcm, 960), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decode_fec(NULL, pkt, 3, pcm, 960), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_packet_samples(NULL, pkt, 3), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_packet_samples(d, NULL, 3), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_packet_samples(d, pkt, 0), VK_ERR_ARG);

  /* parameters: outside the whitelist, decoder-only, out of range */
  CHECK_EQ_INT(vk_opus_encoder_set(e, 4036 /* OPUS_SET_LSB_DEPTH */, 16), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_LOOKAHEAD, 1), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_GAIN, 1), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_COMPLEXITY, 11), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_COMPLEXITY, -1), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_BITRATE, 0), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_PACKET_LOSS_PERC, 101), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_set(e, VK_OPUS_INBAND_FEC, 3), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_encoder_get(e, VK_OPUS_COMPLEXITY, &v), VK_OK);
  CHECK(v >= 0 && v <= 10); /* unchanged by the refused sets */
  CHECK_EQ_INT(vk_opus_encoder_get(e, 12345, &v), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_set(d, VK_OPUS_BITRATE, 32000), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decoder_set(d, VK_OPUS_GAIN, 256), VK_OK);
  CHECK_EQ_INT(vk_opus_decoder_get(d, VK_OPUS_GAIN, &v), VK_OK);
  CHECK_EQ_INT(v, 256);
  CHECK_EQ_INT(vk_opus_decoder_set(d, VK_OPUS_GAIN, 0), VK_OK);
  CHECK_EQ_INT(vk_opus_decoder_get(d, VK_OPUS_COMPLEXITY, &v), VK_ERR_ARG);

  /* frame sizes: only 2.5 / 5 / 10 / 20 / 40 / 60 ms */
  const int32_t bad_frames[] = {0, -960, 1, 959, 961, 480 * 3, 5760, 2880 + 120};
  for (size_t i = 0; i < sizeof bad_frames / sizeof *bad_frames; i++) {
    CHECK_EQ_INT(vk_opus_encode(e, pcm, bad_frames[i], pkt, sizeof pkt), VK_ERR_ARG);
    CHECK_EQ_INT(vk_opus_encode_float(e, fpcm, bad_frames[i], pkt, sizeof pkt), VK_ERR_ARG);
  }
  /* a capacity of 0: libopus' own answer, mapped */
  {
    int err = 0;
    OpusEncoder *re = opus_encoder_create(48000, 1, OPUS_APPLICATION_AUDIO, &err);
    CHECK(re != NULL);
    if (re) {
      CHECK_EQ_INT(vk_opus_encode(e, pcm, 960, pkt, 0), expect_map(opus_encode(re, pcm, 960, pkt, 0)));
      opus_encoder_destroy(re);
    }
  }

  /* a real packet, then malformed ones (RFC 6716 3.4) */
  int16_t src[960];
  source(48000, 1, 4800, 960, src);
  int32_t n = vk_opus_encode(e, src, 960, pkt, sizeof pkt);
  CHECK(n > 1);
  CHECK_EQ_INT(vk_opus_decode(d, pkt, (size_t)n, pcm, 959), VK_ERR_BUFFER_SMALL); /* R: out too short */
  CHECK_EQ_INT(vk_opus_decode(d, pkt, 0, pcm, 960), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decode(d, pkt, (size_t)n, pcm, 0), VK_ERR_ARG);
  CHECK_EQ_INT(vk_opus_decode(d, pkt, (size_t)1 << 40, pcm, 960), VK_ERR_CORRUPT); /* length beyond any packet */
  const uint8_t code3_m0[] = {(uint8_t)((31 << 3) | 3), 0x00};                /* R5: M = 0 */
  const uint8_t code1_odd[] = {(uint8_t)((31 << 3) | 1), 1, 2, 3};             /* R3: odd 2-frame CBR */
  const uint8_t code2_long[] = {(uint8_t)((31 << 3) | 2), 200, 1, 2};          /* R4: first length too long */
  const uint8_t code3_120[] = {(uint8_t)((31 << 3) | 3), 0x07, 1, 2, 3, 4, 5, 6, 7}; /* R5: 7 x 20 ms > 120 ms */
  CHECK_EQ_INT(vk_opus_decode(d, code3_m0, sizeof code3_m0, pcm, 5760), VK_ERR_CORRUPT);
  CHECK_EQ_INT(vk_opus_decode(d, code1_odd, sizeof code1_odd, pcm, 5760), VK_ERR_CORRUPT);
  CHECK_EQ_INT(vk_opus_decode(d, code2_long, sizeof code2_long, pcm, 5760), VK_ERR_CORRUPT);
  CHECK_EQ_INT(vk_opus_decode(d, code3_120, sizeof code3_120, pcm, 5760), VK_ERR_CORRUPT);
  CHECK_EQ_INT(vk_opus_decode_fec(d, code3_m0, sizeof code3_m0, pcm, 960), VK_ERR_CORRUPT);
  CHECK_EQ_INT(vk_opus_packet_samples(d, code3_m0, sizeof code3_m0), VK_ERR_CORRUPT);
  CHECK_EQ_INT(vk_opus_packet_samples(d, code3_120, sizeof code3_120), VK_ERR_CORRUPT);

  /* random packets: vk_opus returns what libopus returns on a twin decoder
   * fed the same sequence, samples included */
  {
    int err = 0;
    OpusDecoder *rd = opus_decoder_create(48000, 1, &err);
    vk_opus_decoder *d2 = NULL;
    CHECK_EQ_INT(vk_opus_decoder_create(48000, 1, &d2), VK_OK);
    static int16_t a[5760], b[5760];
    size_t mismatch = 0, decoded = 0;
    for (int i = 0; rd && d2 && i < 3000; i++) {
      size_t len = 1 + rnd() % 80;
      uint8_t junk[80];
      for (size_t k = 0; k < len; k++) junk[k] = (uint8_t)rnd();
      int fec = rnd() % 4 == 0;
      int32_t r = fec ? vk_opus_decode_fec(d2, junk, len, a, 960) : vk_opus_decode(d2, junk, len, a, 5760);
      int rr = opus_decode(rd, junk, (opus_int32)len, b, fec ? 960 : 5760, fec);
      if (r != expect_map(rr) || (r > 0 && memcmp(a, b, (size_t)r * sizeof *a) != 0)) mismatch++;
      if (r > 0) decoded++;
    }
    CHECK_EQ_INT(mismatch, 0);
    CHECK(decoded > 100);
    vk_opus_decoder_destroy(d2);
    if (rd) opus_decoder_destroy(rd);
  }
out:
  vk_opus_encoder_destroy(e);
  vk_opus_decoder_destroy(d);
  vk_opus_encoder_destroy(NULL);
  vk_opus_decoder_destroy(NULL);
}

int main(void) {
  speech = vk_test_read_s16le(SPEECH, &speech_n);
  CHECK(speech != NULL && speech_n >= 48000 * 4);
  if (!speech) return vk_test_result("opus_test");
  CHECK_EQ_INT(vk_opus_available(), 1);
  CHECK(strcmp(vk_opus_version(), opus_get_version_string()) == 0);

  const int32_t rates[] = {8000, 12000, 16000, 24000, 48000};
  for (size_t r = 0; r < 5; r++)
    for (int32_t ch = 1; ch <= 2; ch++) round_trip(rates[r], ch, rates[r] / 50, 0);
  /* every frame size at 48 kHz mono, and the float entry points */
  for (int32_t k = 1; k <= 24; k *= 2) round_trip(48000, 1, 120 * k, 0);
  round_trip(48000, 1, 2880, 0);
  round_trip(48000, 2, 960, 1);
  round_trip(16000, 1, 320, 1);

  loss(16000);
  loss(48000);
  bad_input();
  free(speech);
  return vk_test_result("opus_test");
}
