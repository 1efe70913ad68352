#define _POSIX_C_SOURCE 200809L
/* Shared I/O for the anchor harnesses: raw int16 little-endian mono files.
 *   <harness> <mode> <rate> list <listfile>   each line "in.raw out.raw"
 *   <harness> <mode> <rate> time <in.raw> <reps>  prints ns per 10 ms frame
 * The process(frames) callback works in place on one 10 ms frame. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

static int16_t *read_raw(const char *path, long *n) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f);
  fseek(f, 0, SEEK_SET);
  int16_t *d = (int16_t *)malloc(bytes + 2);
  if (fread(d, 1, bytes, f) != (size_t)bytes) { perror(path); exit(2); }
  fclose(f);
  *n = bytes / 2;
  return d;
}

static void write_raw(const char *path, const int16_t *d, long n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(d, 2, n, f) != (size_t)n) { perror(path); exit(2); }
  fclose(f);
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}
