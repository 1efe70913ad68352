/*
 * CPU time of HMAC-SHA1 over 1,212-byte and 172-byte RTP packets (+ the
 * 4-byte ROC): one packet at a time (vk_hmac_sha1) and 2..4 at once
 * (vk_hmac_sha1_lanes, the batch API's path), on the OpenSSL crypto sibling.
 * Bench only, not shipped.  Build and run (needs libssl-dev):
 *   cc -O2 -Inative/core/include -Inative/core/src bench/srtp-c/hmac_lanes.c \
 *      native/core/src/hmac.c native/core/src/crypto_openssl.c native/core/src/common.c \
 *      -lcrypto -o build/hmac_lanes && build/hmac_lanes
 * Prints the best of 15 rounds (the machine is shared) in ns per packet.
 */
#include "crypto.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static double cpu_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void) {
  static uint8_t pkt[4][1300];
  uint8_t key[20], roc[4] = {0, 0, 0, 1}, out[4][20];
  for (int l = 0; l < 4; l++)
    for (int i = 0; i < 1300; i++) pkt[l][i] = (uint8_t)(i * 7 + l);
  for (int i = 0; i < 20; i++) key[i] = (uint8_t)(i + 1);
  vk_hmac *h[4];
  for (int l = 0; l < 4; l++) {
    vk_hmac_new(&h[l]);
    vk_hmac_setkey(h[l], key, sizeof key);
  }
  printf("SHA-1 lanes on this CPU: %zu\n", vk_hmac_lanes(h[0]));
  const size_t sizes[] = {1212, 172};
  for (int si = 0; si < 2; si++) {
    const uint8_t *a[4] = {pkt[0], pkt[1], pkt[2], pkt[3]}, *b[4] = {roc, roc, roc, roc};
    size_t al[4], bl[4] = {4, 4, 4, 4};
    for (int l = 0; l < 4; l++) al[l] = sizes[si];
    const int n = 20000;
    double best[5] = {1e18, 1e18, 1e18, 1e18, 1e18};
    for (int round = 0; round < 15; round++) {
      double t0 = cpu_ns();
      for (int i = 0; i < n; i++) vk_hmac_sha1(h[0], a[0], al[0], roc, 4, out[0]);
      double t = (cpu_ns() - t0) / n;
      if (t < best[0]) best[0] = t;
      for (size_t lanes = 2; lanes <= 4; lanes++) {
        t0 = cpu_ns();
        for (int i = 0; i < n; i++) vk_hmac_sha1_lanes(h, a, al, b, bl, out, lanes);
        t = (cpu_ns() - t0) / n / (double)lanes;
        if (t < best[lanes]) best[lanes] = t;
      }
    }
    printf("%zu B: one at a time %.0f ns, 2 lanes %.0f, 3 lanes %.0f, 4 lanes %.0f ns per packet\n", sizes[si], best[0], best[2],
           best[3], best[4]);
  }
  for (int l = 0; l < 4; l++) vk_hmac_free(h[l]);
  return 0;
}
