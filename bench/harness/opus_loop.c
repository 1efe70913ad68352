/*
 * The plain C peer of bench/opus.bench.ts: libopus encode and decode in a
 * loop, nothing else.  Same settings as the TypeScript rows: mono, 20 ms
 * frames, OPUS_APPLICATION_VOIP, 32 kbit/s, the given complexity.
 *
 *   opus_loop <pcm.s16le at rate> <rate> <complexity> <frames> [reps]
 *
 * Encodes `frames` frames cycling over the input, then decodes the packets
 * it made (cycling too); prints {"encodeNs":..,"decodeNs":..} per frame,
 * CPU time of this process (CLOCK_PROCESS_CPUTIME_ID) over each whole loop:
 * the machine is shared, and CPU time is what the other rows measure too.
 * With reps > 1 each loop runs reps times over the same frames (from the
 * first, the codec's state going on) and the fastest is printed, as the
 * TypeScript rows do.
 */
#define _POSIX_C_SOURCE 199309L
#include <opus.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: %s pcm.s16le rate complexity frames [reps]\n", argv[0]);
    return 2;
  }
  int rate = atoi(argv[2]), complexity = atoi(argv[3]), frames = atoi(argv[4]);
  int reps = argc == 6 ? atoi(argv[5]) : 1;
  if (frames < 1 || reps < 1) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 1;
  static opus_int16 pcm[48000 * 10];
  size_t n = fread(pcm, 2, sizeof pcm / 2, f);
  fclose(f);
  int fs = rate / 50;
  int nframes = (int)(n / (size_t)fs);
  if (nframes < 1) return 1;
  int err;
  OpusEncoder *enc = opus_encoder_create(rate, 1, OPUS_APPLICATION_VOIP, &err);
  OpusDecoder *dec = opus_decoder_create(rate, 1, &err);
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(32000));
  opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(complexity));
  static unsigned char pkts[500][1500];
  static int lens[500];
  int keep = nframes < 500 ? nframes : 500;
  opus_int16 out[960 * 6];
  double enc_best = 1e300, dec_best = 1e300;
  for (int rep = 0; rep < reps; rep++) {
    double t0 = now_ns();
    for (int i = 0; i < frames; i++) {
      int k = i % keep;
      lens[k] = opus_encode(enc, pcm + (size_t)k * fs, fs, pkts[k], 1500);
      if (lens[k] < 0) return 1;
    }
    double t1 = now_ns();
    if (t1 - t0 < enc_best) enc_best = t1 - t0;
  }
  long check = 0;
  for (int rep = 0; rep < reps; rep++) {
    double t1 = now_ns();
    for (int i = 0; i < frames; i++) {
      int k = i % keep;
      int r = opus_decode(dec, pkts[k], lens[k], out, 960 * 6, 0);
      if (r < 0) return 1;
      check += out[r / 2];
    }
    double t2 = now_ns();
    if (t2 - t1 < dec_best) dec_best = t2 - t1;
  }
  printf("{\"encodeNs\":%.1f,\"decodeNs\":%.1f,\"check\":%ld}\n", enc_best / frames, dec_best / frames, check);
  opus_encoder_destroy(enc);
  opus_decoder_destroy(dec);
  return 0;
}
