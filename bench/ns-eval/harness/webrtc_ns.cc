// WebRTC audio processing 0.3 NoiseSuppression as an anchor: mode = 1
// (moderate), 2 (high), 3 (very high).  Only NS is enabled.
#include "common.h"
#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

static webrtc::AudioProcessing *make(int level) {
  webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create();
  apm->high_pass_filter()->Enable(false);
  apm->gain_control()->Enable(false);
  apm->echo_cancellation()->Enable(false);
  apm->voice_detection()->Enable(false);
  webrtc::NoiseSuppression::Level lv = level == 1 ? webrtc::NoiseSuppression::kModerate
                                      : level == 2 ? webrtc::NoiseSuppression::kHigh
                                                   : webrtc::NoiseSuppression::kVeryHigh;
  apm->noise_suppression()->set_level(lv);
  apm->noise_suppression()->Enable(true);
  return apm;
}

static void run(webrtc::AudioProcessing *apm, webrtc::AudioFrame &fr, int16_t *d, int rate, int fs) {
  fr.sample_rate_hz_ = rate;
  fr.samples_per_channel_ = fs;
  fr.num_channels_ = 1;
  memcpy(fr.data_, d, fs * 2);
  if (apm->ProcessStream(&fr) != 0) { fprintf(stderr, "ProcessStream failed\n"); exit(3); }
  memcpy(d, fr.data_, fs * 2);
}

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: webrtc_ns level rate list|time ...\n"); return 2; }
  int level = atoi(argv[1]), rate = atoi(argv[2]), fs = rate / 100;
  webrtc::AudioFrame fr;
  if (!strcmp(argv[3], "list")) {
    FILE *l = fopen(argv[4], "r");
    char in[4096], out[4096];
    while (l && fscanf(l, "%4095s %4095s", in, out) == 2) {
      long n;
      int16_t *d = read_raw(in, &n);
      webrtc::AudioProcessing *apm = make(level);
      for (long o = 0; o + fs <= n; o += fs) run(apm, fr, d + o, rate, fs);
      delete apm;
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
  webrtc::AudioProcessing *apm = make(level);
  /* Minimum over chunks of 20 frames of the mean time per frame: robust
   * against preemption on a shared machine. */
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    memcpy(w, d, n * 2);
    for (long c = 0; c + 20 * fs <= n; c += 20 * fs) {
      double t0 = now_ns();
      for (long o = c; o < c + 20 * fs; o += fs) run(apm, fr, w + o, rate, fs);
      double t = (now_ns() - t0) / 20;
      if (t < best) best = t;
    }
  }
  printf("%.1f\n", best);
  return 0;
}
