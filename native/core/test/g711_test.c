/*
 * G.711 against the ITU-T G.191 (STL) vectors in test/vectors/g711 (see its
 * README): every int16 input encodes to the reference code, every code
 * decodes to the reference value, the round trip matches, plus the argument
 * checks of vk_g711.h.
 */
#include <stdint.h>
#include <string.h>

#include "vk_g711.h"
#include "vk_test.h"

#define VEC "test/vectors/g711/"

static int16_t *load(const char *name, size_t *n) {
  char path[256];
  snprintf(path, sizeof path, VEC "%s", name);
  return vk_test_read_s16le(path, n);
}

static void check_law(int32_t law, const char *codes_f, const char *dec_f, const char *rt_f,
                      const int16_t *src, size_t n) {
  size_t nc = 0, nd = 0, nr = 0;
  int16_t *codes = load(codes_f, &nc);
  int16_t *dec = load(dec_f, &nd);
  int16_t *rt = load(rt_f, &nr);
  CHECK(codes && dec && rt);
  if (!codes || !dec || !rt) goto out;
  CHECK_EQ_INT(nc, n);
  CHECK_EQ_INT(nd, n);
  CHECK_EQ_INT(nr, n);

  uint8_t *enc = (uint8_t *)malloc(n);
  int16_t *pcm = (int16_t *)malloc(n * sizeof *pcm);
  uint8_t *code8 = (uint8_t *)malloc(n);
  CHECK_EQ_INT(vk_g711_encode(law, src, n, enc), (int32_t)n);
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    if (enc[i] != (uint8_t)codes[i]) bad++;
    code8[i] = (uint8_t)codes[i];
  }
  CHECK_EQ_INT(bad, 0);

  /* Decode the reference codes (not ours): the reference decoded values. */
  CHECK_EQ_INT(vk_g711_decode(law, code8, n, pcm), (int32_t)n);
  bad = 0;
  for (size_t i = 0; i < n; i++) bad += pcm[i] != dec[i];
  CHECK_EQ_INT(bad, 0);

  /* Our encode then decode: the reference round trip. */
  CHECK_EQ_INT(vk_g711_decode(law, enc, n, pcm), (int32_t)n);
  bad = 0;
  for (size_t i = 0; i < n; i++) bad += pcm[i] != rt[i];
  CHECK_EQ_INT(bad, 0);

  /* Sub-ranges at odd offsets write exactly n outputs and nothing beyond. */
  uint8_t small[40];
  memset(small, 0xEE, sizeof small);
  CHECK_EQ_INT(vk_g711_encode(law, src + 12345, 33, small), 33);
  CHECK(memcmp(small, code8 + 12345, 33) == 0);
  CHECK(small[33] == 0xEE && small[39] == 0xEE);

  free(enc);
  free(pcm);
  free(code8);
out:
  free(codes);
  free(dec);
  free(rt);
}

static void check_args(void) {
  int16_t pcm[4] = {0, 1, -1, 32767};
  uint8_t codes[4] = {0, 0x7f, 0x80, 0xff};
  int16_t dec[4];
  uint8_t enc[4];
  /* Unknown laws. */
  for (int32_t law = -3; law <= 4; law++) {
    if (law == VK_G711_ULAW || law == VK_G711_ALAW) continue;
    CHECK_EQ_INT(vk_g711_encode(law, pcm, 4, enc), VK_ERR_ARG);
    CHECK_EQ_INT(vk_g711_decode(law, codes, 4, dec), VK_ERR_ARG);
  }
  CHECK_EQ_INT(vk_g711_encode(INT32_MIN, pcm, 4, enc), VK_ERR_ARG);
  CHECK_EQ_INT(vk_g711_decode(INT32_MAX, codes, 4, dec), VK_ERR_ARG);
  /* NULL buffers with n > 0. */
  CHECK_EQ_INT(vk_g711_encode(VK_G711_ULAW, NULL, 4, enc), VK_ERR_ARG);
  CHECK_EQ_INT(vk_g711_encode(VK_G711_ULAW, pcm, 4, NULL), VK_ERR_ARG);
  CHECK_EQ_INT(vk_g711_decode(VK_G711_ALAW, NULL, 4, dec), VK_ERR_ARG);
  CHECK_EQ_INT(vk_g711_decode(VK_G711_ALAW, codes, 4, NULL), VK_ERR_ARG);
  /* n == 0 with NULL buffers is a no-op. */
  CHECK_EQ_INT(vk_g711_encode(VK_G711_ALAW, NULL, 0, NULL), 0);
  CHECK_EQ_INT(vk_g711_decode(VK_G711_ULAW, NULL, 0, NULL), 0);
  /* A length that does not fit the int32 result is refused before any
   * memory is touched (ASan would report a read past pcm[3] otherwise). */
  if (sizeof(size_t) > 4) {
    size_t huge = (size_t)INT32_MAX + 1u;
    CHECK_EQ_INT(vk_g711_encode(VK_G711_ULAW, pcm, huge, enc), VK_ERR_ARG);
    CHECK_EQ_INT(vk_g711_decode(VK_G711_ULAW, codes, huge, dec), VK_ERR_ARG);
    CHECK_EQ_INT(vk_g711_encode(VK_G711_ALAW, pcm, SIZE_MAX, enc), VK_ERR_ARG);
  }
  /* Known anchors from G.711 itself (Table 2a/2b): mu-law 0 -> 0xFF, A-law
   * 0 -> 0xD5; code 0x00 decodes to the extremes. */
  CHECK_EQ_INT(vk_g711_encode(VK_G711_ULAW, pcm, 1, enc), 1);
  CHECK_EQ_INT(enc[0], 0xFF);
  CHECK_EQ_INT(vk_g711_encode(VK_G711_ALAW, pcm, 1, enc), 1);
  CHECK_EQ_INT(enc[0], 0xD5);
}

int main(void) {
  size_t n = 0;
  int16_t *src = load("sweep.src", &n);
  CHECK(src != NULL);
  if (src) {
    CHECK_EQ_INT(n, 65536);
    CHECK_EQ_INT(src[0], -32768);
    CHECK_EQ_INT(src[65535], 32767);
    check_law(VK_G711_ULAW, "sweep-r.u", "sweep-r.u-u", "sweep-r.reu", src, n);
    check_law(VK_G711_ALAW, "sweep-r.a", "sweep-r.a-a", "sweep-r.rea", src, n);
  }
  free(src);
  check_args();
  return vk_test_result("g711_test");
}
