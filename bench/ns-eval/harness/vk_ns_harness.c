/* voipkit's suppressor through the same harness shape as the anchors, so
 * that the per-frame cost is compared like for like (C, int16, in place).
 * mode = strength x 100. */
#include "common.h"
#include "vk_ns.h"
#if NS_FEAT_DUMP
/* Session 8: the learned presence estimate's features of each frame,
 * written next to the output as <out>.feat (float32 rows of
 * VK_NS_PRES_DUMP_N: the features, the count's pause, NS_LOWSEL's frame
 * test), for bench/ns-eval/train-presence.ts. */
#include "ns_internal.h"
#endif
#ifdef NS_BIN_DUMP
int32_t vk_ns_bin_dump(const vk_ns *ns, float *out, int32_t cap);
#endif

int main(int argc, char **argv) {
  if (argc < 5) { fprintf(stderr, "usage: vk_ns strength100 rate list|time ...\n"); return 2; }
  float strength = atoi(argv[1]) / 100.f;
  int rate = atoi(argv[2]), fs = rate / 100;
  if (!strcmp(argv[3], "list")) {
    FILE *l = fopen(argv[4], "r");
    char in[4096], out[4096];
    while (l && fscanf(l, "%4095s %4095s", in, out) == 2) {
      long n;
      int16_t *d = read_raw(in, &n);
      vk_ns *ns;
      if (vk_ns_create(rate, strength, &ns) != VK_OK) return 3;
      long m = n - n % fs;
#if NS_FEAT_DUMP
      char fp[4200];
      snprintf(fp, sizeof fp, "%s.feat", out);
      FILE *ff = fopen(fp, "wb");
      if (!ff) { perror(fp); return 2; }
      for (long o = 0; o < m; o += fs) {
        float fv[VK_NS_PRES_DUMP_N];
        vk_ns_process_i16(ns, d + o, d + o, fs);
        vk_ns_presence_dump(ns, fv, VK_NS_PRES_DUMP_N);
        fwrite(fv, sizeof(float), VK_NS_PRES_DUMP_N, ff);
      }
      fclose(ff);
#elif defined(NS_BIN_DUMP)
      /* per frame the core's bin trace (vk_ns_bin_dump), as <out>.bins */
      char fp[4200];
      snprintf(fp, sizeof fp, "%s.bins", out);
      FILE *ff = fopen(fp, "wb");
      if (!ff) { perror(fp); return 2; }
      float *bv = (float *)malloc(sizeof(float) * (5 * (fs + 1) + 4));
      for (long o = 0; o < m; o += fs) {
        vk_ns_process_i16(ns, d + o, d + o, fs);
        int32_t c = vk_ns_bin_dump(ns, bv, 5 * (fs + 1) + 4);
        fwrite(bv, sizeof(float), (size_t)c, ff);
      }
      free(bv);
      fclose(ff);
#else
      vk_ns_process_i16(ns, d, d, (int32_t)m);
#endif
      vk_ns_destroy(ns);
      write_raw(out, d, m);
      free(d);
    }
    if (l) fclose(l);
    return 0;
  }
  long n;
  int16_t *d = read_raw(argv[4], &n);
  int reps = argc > 5 ? atoi(argv[5]) : 3;
  int16_t *w = (int16_t *)malloc(n * 2);
  vk_ns *ns;
  if (vk_ns_create(rate, strength, &ns) != VK_OK) return 3;
  /* Minimum over chunks of 20 frames of the mean time per frame: robust
   * against preemption on a shared machine. */
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    memcpy(w, d, n * 2);
    for (long c = 0; c + 20 * fs <= n; c += 20 * fs) {
      double t0 = now_ns();
      for (long o = c; o < c + 20 * fs; o += fs) vk_ns_process_i16(ns, w + o, w + o, fs);
      double t = (now_ns() - t0) / 20;
      if (t < best) best = t;
    }
  }
  printf("%.1f\n", best);
  return 0;
}
