/*
 * Regression tests for inputs the fuzz targets (fuzz/) found.  Each case
 * replays the finding through the public C API; under scripts/sanitize.sh
 * (ASan + UBSan, -fno-sanitize-recover=all) the original defect aborts the
 * test.  The raw inputs are kept in fuzz/regressions/<target>/.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "vk_cng.h"
#include "vk_resample.h"
#include "vk_test.h"

/* fuzz/regressions/resample/nan-float-then-int16-flush: float input holding
 * NaN, then flush to int16.  The NaN stayed in the filter history and
 * to_i16() converted it to int: undefined behaviour (UBSan:
 * float-cast-overflow), in practice INT_MIN truncated.  Now NaN plays as 0. */
static void resample_nan_to_int16(void) {
  vk_resample *r = NULL;
  CHECK_EQ_INT(vk_resample_create(8000, 16000, 1, 0, &r), VK_OK);
  if (!r) return;
  float in[10];
  for (int i = 0; i < 10; i++) in[i] = (i % 2) ? NAN : INFINITY;
  float outf[64];
  int32_t want = vk_resample_output_frames(r, 10);
  CHECK_EQ_INT(vk_resample_process_f32(r, in, 10, outf, 64), want);
  int16_t out[256];
  int32_t fl = vk_resample_flush_frames(r);
  CHECK(fl > 0 && fl <= 256);
  CHECK_EQ_INT(vk_resample_flush_i16(r, out, 256), fl);
  /* the same through process_i16 after NaN float history */
  float nan1 = NAN;
  int16_t zeros[40] = {0};
  vk_resample_process_f32(r, &nan1, 1, outf, 64);
  CHECK(vk_resample_process_i16(r, zeros, 40, out, 256) >= 0);
  vk_resample_destroy(r);
}

/* fuzz/regressions/cng/order16-extreme-reflection-nan: a CN payload of
 * order 15 with every reflection coefficient at +0.992.  The generator ran
 * 1/A(z) in direct form, which diverged in double precision to +-Inf and
 * NaN; the NaN's conversion to int16 is undefined behaviour (UBSan), and the
 * generator played garbage until reset.  Now a lattice filter: the output
 * stays finite and sounds at about the payload's level. */
static void cng_extreme_reflection(void) {
  vk_cng *g = NULL;
  CHECK_EQ_INT(vk_cng_create(2, &g), VK_OK);
  if (!g) return;
  uint8_t payload[16];
  payload[0] = 0xf9; /* level 121 -dBov: very quiet */
  memset(payload + 1, 0xff, 15);
  CHECK_EQ_INT(vk_cng_update(g, payload, 16), VK_OK);
  static int16_t out[8000];
  for (int round = 0; round < 5; round++) CHECK_EQ_INT(vk_cng_generate(g, out, 8000), 8000);
  /* then an ordinary payload: the generator plays a sane level again */
  uint8_t normal[3] = {60, 127, 127};
  CHECK_EQ_INT(vk_cng_update(g, normal, 3), VK_OK);
  for (int round = 0; round < 2; round++) CHECK_EQ_INT(vk_cng_generate(g, out, 8000), 8000);
  double e = 0;
  for (int i = 0; i < 8000; i++) e += (double)out[i] * out[i];
  double rms = sqrt(e / 8000);
  double want = 32768.0 * pow(10.0, -60 / 20.0);
  CHECK(rms > want / 2 && rms < want * 2);
  vk_cng_destroy(g);
}

int main(void) {
  resample_nan_to_int16();
  cng_extreme_reflection();
  return vk_test_result("regress_test");
}
