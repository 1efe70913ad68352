/*
 * Create / use / destroy of every core object, many times over, for the leak
 * check: under scripts/sanitize.sh this runs with LeakSanitizer on, so any
 * allocation a destroy misses fails the test at exit.  Also checks that
 * destroy(NULL) is a no-op and that create refuses a NULL out-pointer
 * without allocating.
 *
 * scripts/sanitize.sh fails when a header in native/core/include declares a
 * vk_<obj>_create that this file does not call: add a row for every new
 * object.
 */
#include <stdint.h>
#include <string.h>

#include "vk_seq.h"
#include "vk_test.h"

#define ROUNDS 200

static void seq_cycle(void) {
  CHECK_EQ_INT(vk_seq_create(2, NULL), VK_ERR_ARG);
  vk_seq_destroy(NULL);
  for (int r = 0; r < ROUNDS; r++) {
    vk_seq_state *s = NULL;
    CHECK_EQ_INT(vk_seq_create((uint32_t)(r % 5), &s), VK_OK);
    if (!s) continue;
    uint64_t ext;
    for (int i = 0; i < 50; i++) vk_seq_update(s, (uint16_t)(r * 977 + i * (i % 7 ? 1 : 4000)), &ext);
    int32_t lost;
    uint8_t frac;
    vk_seq_report(s, &lost, &frac);
    (void)vk_seq_expected(s);
    vk_seq_destroy(s);
  }
}

int main(void) {
  seq_cycle();
  return vk_test_result("lifecycle_test");
}
