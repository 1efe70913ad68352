/*
 * Harness comparing voipkit's core resampler with speexdsp's (Debian
 * libspeexdsp-dev), used by bench/resample.bench.ts.  Never shipped.
 *
 *   resample_harness filter <speex|vk> <in_rate> <out_rate> <quality>
 *       float32 mono samples on stdin -> float32 on stdout, 20 ms blocks,
 *       then the tail (vk: flush; speex: latency worth of zeros).
 *   resample_harness bench - <in_rate> <out_rate> <quality> <blocks>
 *       int16 mono, 20 ms blocks of a fixed noise signal, both
 *       implementations in alternating rounds; prints JSON with the best
 *       thread-CPU nanoseconds per block of each.
 *   resample_harness count <speex|vk> <in_rate> <out_rate> <quality> <blocks>
 *       int16 mono, 20 ms blocks of the same signal through one
 *       implementation only, no timing: for load-independent instruction
 *       counts under valgrind --tool=callgrind --toggle-collect=<process fn>.
 */
#define _POSIX_C_SOURCE 199309L
#include <speex/speex_resampler.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vk_resample.h"

typedef struct {
  int speex;
  SpeexResamplerState *sp;
  vk_resample *vk;
} R;

static R make(const char *impl, int in, int out, int q) {
  R r = {0};
  if (!strcmp(impl, "speex")) {
    int err = 0;
    r.speex = 1;
    r.sp = speex_resampler_init(1, in, out, q, &err);
    if (!r.sp) { fprintf(stderr, "speex init failed %d\n", err); exit(2); }
  } else {
    if (vk_resample_create(in, out, 1, q, &r.vk) != 0) { fprintf(stderr, "vk create failed\n"); exit(2); }
  }
  return r;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: see source\n"); return 2; }
  const char *mode = argv[1], *impl = argv[2];
  int in = atoi(argv[3]), out = atoi(argv[4]), q = atoi(argv[5]);
  int nin = in / 50, cap = out / 50 + 64;
  if (!strcmp(mode, "filter")) {
    R r = make(impl, in, out, q);
    float *bin = malloc(sizeof(float) * nin), *bout = malloc(sizeof(float) * (cap + 4096));
    size_t got;
    int last = 0;
    while (!last) {
      got = fread(bin, sizeof(float), nin, stdin);
      if (got < (size_t)nin) last = 1;
      int n;
      if (r.speex) {
        spx_uint32_t il = got, ol = cap;
        speex_resampler_process_float(r.sp, 0, bin, &il, bout, &ol);
        n = ol;
      } else {
        n = vk_resample_process_f32(r.vk, bin, got, bout, cap);
      }
      fwrite(bout, sizeof(float), n, stdout);
    }
    int n;
    if (r.speex) {
      int lat = speex_resampler_get_input_latency(r.sp);
      float *z = calloc(lat, sizeof(float));
      spx_uint32_t il = lat, ol = cap + 4096;
      speex_resampler_process_float(r.sp, 0, z, &il, bout, &ol);
      n = ol;
    } else {
      n = vk_resample_flush_f32(r.vk, bout, cap + 4096);
    }
    fwrite(bout, sizeof(float), n, stdout);
    return 0;
  }
  int blocks = argc > 6 ? atoi(argv[6]) : 2000;
  if (!strcmp(mode, "count")) {
    R x = make(impl, in, out, q);
    int16_t *sig = malloc(sizeof(int16_t) * nin * 50), *o = malloc(sizeof(int16_t) * cap);
    uint32_t seed = 12345;
    for (int i = 0; i < nin * 50; i++) { seed = seed * 1664525u + 1013904223u; sig[i] = (int16_t)((int32_t)(seed >> 18) - 8192); }
    long total = 0;
    for (int b = 0; b < blocks; b++) {
      const int16_t *blk = sig + (b % 50) * nin;
      if (x.speex) {
        spx_uint32_t il = nin, ol = cap;
        speex_resampler_process_int(x.sp, 0, blk, &il, o, &ol);
        total += ol;
      } else {
        total += vk_resample_process_i16(x.vk, blk, nin, o, cap);
      }
    }
    printf("%ld\n", total);
    return 0;
  }
  /* Both implementations, alternating rounds in one process, thread CPU
   * time (less disturbed by other processes than wall time); best round. */
  R both[2] = {make("speex", in, out, q), make("vk", in, out, q)};
  int16_t *sig = malloc(sizeof(int16_t) * nin * 50), *o = malloc(sizeof(int16_t) * cap);
  uint32_t seed = 12345;
  for (int i = 0; i < nin * 50; i++) { seed = seed * 1664525u + 1013904223u; sig[i] = (int16_t)((int32_t)(seed >> 18) - 8192); }
  double best[2] = {1e30, 1e30};
  volatile int sink = 0;
  for (int run = 0; run < 60; run++) {
    R *x = &both[run & 1];
    double t0 = now_ns();
    for (int b = 0; b < blocks; b++) {
      const int16_t *blk = sig + (b % 50) * nin;
      if (x->speex) {
        spx_uint32_t il = nin, ol = cap;
        speex_resampler_process_int(x->sp, 0, blk, &il, o, &ol);
        sink += ol;
      } else {
        sink += vk_resample_process_i16(x->vk, blk, nin, o, cap);
      }
    }
    double dt = (now_ns() - t0) / blocks;
    if (dt < best[run & 1]) best[run & 1] = dt;
  }

  printf("{\"speexNsPerBlock\":%.1f,\"vkNsPerBlock\":%.1f}\n", best[0], best[1]);
  return sink == -1;
}
