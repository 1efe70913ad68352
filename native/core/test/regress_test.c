/*
 * Regression tests for inputs the fuzz targets (fuzz/) found.  Each case
 * replays the finding through the public C API; under scripts/sanitize.sh
 * (ASan + UBSan, -fno-sanitize-recover=all) the original defect aborts the
 * test.  The raw inputs are kept in fuzz/regressions/<target>/.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

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

int main(void) {
  resample_nan_to_int16();
  return vk_test_result("regress_test");
}
