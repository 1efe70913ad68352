#!/usr/bin/env bash
# The core's C tests (native/core/test/*_test.c) under AddressSanitizer,
# UndefinedBehaviorSanitizer and LeakSanitizer, built with clang into
# build/sanitize and run by ctest.  Any report fails the run
# (-fno-sanitize-recover=all, halt_on_error).  Also checks that
#  - LeakSanitizer really is active here (a deliberately leaking probe must
#    fail; some containers forbid the ptrace it needs), and
#  - lifecycle_test.c exercises every vk_<obj>_create the public headers
#    declare, so the leak check covers every core object.
# Usage: bash scripts/sanitize.sh        (about 20 s on 2 cores)
# Needs: clang (Debian clang 14), cmake.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=build/sanitize
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="report_objects=1"

echo "== sanitize: LeakSanitizer self-check"
mkdir -p "$build"
printf '#include <stdlib.h>\nint main(void){volatile char *p = malloc(33); p = 0; (void)p; return 0;}\n' > "$build/lsan_probe.c"
clang $san "$build/lsan_probe.c" -o "$build/lsan_probe"
if "$build/lsan_probe" >/dev/null 2>"$build/lsan_probe.log"; then
  echo "sanitize: LeakSanitizer did not flag a deliberate leak; leak checking is not working here" >&2
  exit 1
fi
grep -q "LeakSanitizer: detected memory leaks" "$build/lsan_probe.log" || {
  echo "sanitize: the leak probe failed without a LeakSanitizer report:" >&2
  cat "$build/lsan_probe.log" >&2
  exit 1
}

echo "== sanitize: every core object has a lifecycle row"
missing=0
for f in $(grep -ohE 'vk_[a-z0-9_]+_create\b' native/core/include/*.h | sort -u); do
  if ! grep -q "\b$f\b" native/core/test/lifecycle_test.c; then
    echo "sanitize: $f is declared in native/core/include but not exercised by native/core/test/lifecycle_test.c" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

echo "== sanitize: build (clang, ASan + UBSan)"
CC=clang CXX=clang++ cmake -S native -B "$build" -DVK_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="$san" -DCMAKE_CXX_FLAGS="$san" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j2 >/dev/null

echo "== sanitize: ctest"
ctest --test-dir "$build" --output-on-failure -j2

# Opus is native-only (core/src/opus.c over the system libopus) and not in
# ctest's core library: the lifecycle test is built again with it.
if pkg-config --exists opus && [ -f native/core/src/opus.c ]; then
  echo "== sanitize: lifecycle_test with Opus (libopus $(pkg-config --modversion opus))"
  mapfile -t core < <(awk '$0 ~ "^set\\(VK_CORE_(NATIVE_)?SOURCES$" {on=1; next} on && /^\)/ {on=0} on && NF {print "native/"$1}' native/core/sources.cmake)
  clang $san -std=c11 -DVK_HAVE_OPUS=1 -Inative/core/include -Inative/core/src \
    native/core/test/lifecycle_test.c native/core/src/opus.c "${core[@]}" \
    $(pkg-config --cflags --libs opus) -lcrypto -lm -o "$build/lifecycle_test_opus"
  "$build/lifecycle_test_opus"
fi
echo "sanitize: ok"
