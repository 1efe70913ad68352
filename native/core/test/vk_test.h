/*
 * A minimal test harness for the core's C tests (ctest runs each *_test.c as
 * its own executable, also under ASan/UBSan: scripts/sanitize.sh).  No
 * framework: CHECK() records a failure with file:line and carries on, the
 * test's main() returns vk_test_result().
 */
#ifndef VK_TEST_H
#define VK_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int vk_test_failures = 0;
static int vk_test_checks = 0;

#define CHECK(cond)                                                       \
  do {                                                                    \
    vk_test_checks++;                                                     \
    if (!(cond)) {                                                        \
      vk_test_failures++;                                                 \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                     \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                          \
  do {                                                                              \
    long long va_ = (long long)(a), vb_ = (long long)(b);                           \
    vk_test_checks++;                                                               \
    if (va_ != vb_) {                                                               \
      vk_test_failures++;                                                           \
      fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %lld, %s == %lld\n", __FILE__, \
              __LINE__, #a, va_, #b, vb_);                                          \
    }                                                                               \
  } while (0)

static inline int vk_test_result(const char *name) {
  if (vk_test_failures) {
    fprintf(stderr, "%s: %d of %d checks failed\n", name, vk_test_failures, vk_test_checks);
    return 1;
  }
  printf("%s: %d checks passed\n", name, vk_test_checks);
  return 0;
}

/*
 * Read a whole file of 16-bit little-endian samples (the G.191 vectors).
 * Paths are relative to the repository root: ctest runs the tests there.
 * Returns a malloc'd array and its length in *n, or NULL.
 */
static inline int16_t *vk_test_read_s16le(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s (run from the repository root)\n", path);
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  int16_t *buf = (int16_t *)malloc(cap * sizeof *buf);
  unsigned char b[2];
  while (buf && fread(b, 1, 2, f) == 2) {
    if (len == cap) {
      int16_t *nb = (int16_t *)realloc(buf, 2 * cap * sizeof *buf);
      if (!nb) { free(buf); buf = NULL; break; }
      buf = nb;
      cap *= 2;
    }
    buf[len++] = (int16_t)(uint16_t)(b[0] | (b[1] << 8));
  }
  fclose(f);
  *n = len;
  return buf;
}

#endif
