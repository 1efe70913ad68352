#!/usr/bin/env bash
# The vitest suite on the native backend through an addon built with
# AddressSanitizer + UndefinedBehaviorSanitizer (clang).  Node itself is not
# instrumented, so the ASan runtime is preloaded (LD_PRELOAD) and leak
# detection is off (V8 holds memory until exit by design; leaks of core
# objects are checked by scripts/sanitize.sh instead).  Any ASan or UBSan
# report aborts the worker process and fails the run.
# Usage: bash scripts/sanitize-addon.sh [vitest args...]   (about 1-2 min)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/asan-native
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"

echo "== sanitize-addon: build $out (clang, ASan + UBSan)"
npx tsc -p tsconfig.build.json
npx cmake-js compile -d native -O "$out" --cc clang --cxx clang++ \
  --CDCMAKE_BUILD_TYPE=RelWithDebInfo \
  "--CDCMAKE_C_FLAGS=$san" "--CDCMAKE_CXX_FLAGS=$san" \
  "--CDCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined -shared-libasan" >/dev/null
addon=$(find "$out" -name voipkit.node | head -1)
[ -n "$addon" ] || { echo "sanitize-addon: no voipkit.node under $out" >&2; exit 1; }
asan=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
[ -f "$asan" ] || { echo "sanitize-addon: ASan runtime not found ($asan); apt-get install -y libclang-rt-14-dev" >&2; exit 1; }

# The addon must really be instrumented, or this run proves nothing.
nm -D "$addon" | grep -q __asan_report || { echo "sanitize-addon: $addon has no ASan instrumentation" >&2; exit 1; }

echo "== sanitize-addon: vitest on the native backend with $addon"
export VOIPKIT_BACKEND=native VOIPKIT_ADDON="$root/$addon"
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:allow_user_segv_handler=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
LD_PRELOAD="$asan" npx vitest run "$@"
echo "sanitize-addon: ok"
