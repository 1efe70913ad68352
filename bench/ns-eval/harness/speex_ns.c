/* speexdsp preprocessor (denoise only) as an anchor: mode = suppression in dB
 * (e.g. -25, -15).  AGC, VAD and dereverb off, as speexdsp's defaults. */
#include "common.h"
#include <speex/speex_preprocess.h>

static SpeexPreprocessState *make(int rate, int supp) {
  SpeexPreprocessState *st = speex_preprocess_state_init(rate / 100, rate);
  int on = 1, off = 0;
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on);
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &supp);
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC, &off);
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_VAD, &off);
  speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DEREVERB, &off);
  return st;
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: speex_ns supp_db rate list|time ...\n"); return 2; }
  int supp = atoi(argv[1]), rate = atoi(argv[2]), fs = rate / 100;
  if (!strcmp(argv[3], "list")) {
    FILE *l = fopen(argv[4], "r");
    char in[4096], out[4096];
    while (l && fscanf(l, "%4095s %4095s", in, out) == 2) {
      long n;
      int16_t *d = read_raw(in, &n);
      SpeexPreprocessState *st = make(rate, supp);
      for (long o = 0; o + fs <= n; o += fs) speex_preprocess_run(st, d + o);
      speex_preprocess_state_destroy(st);
      write_raw(out, d, n - n % fs);
      free(d);
    }
    if (l) fclose(l);
    return 0;
  }
  long n;
  int16_t *d = read_raw(argv[4], &n);
  int reps = argc > 5 ? atoi(argv[5]) : 3;
  int16_t *w = (int16_t *)malloc(n * 2);
  SpeexPreprocessState *st = make(rate, supp);
  /* Minimum over chunks of 20 frames of the mean time per frame: robust
   * against preemption on a shared machine. */
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    memcpy(w, d, n * 2);
    for (long c = 0; c + 20 * fs <= n; c += 20 * fs) {
      double t0 = now_ns();
      for (long o = c; o < c + 20 * fs; o += fs) speex_preprocess_run(st, w + o);
      double t = (now_ns() - t0) / 20;
      if (t < best) best = t;
    }
  }
  printf("%.1f\n", best);
  return 0;
}
