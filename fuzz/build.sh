#!/usr/bin/env bash
# Build the libFuzzer targets fuzz/*_fuzz.c with Debian's clang:
#   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# against the core sources listed in native/core/sources.cmake (portable list
# plus the native siblings).  Output: build/fuzz/<name> (name without _fuzz).
# Usage: bash fuzz/build.sh [target...]     (default: all)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=build/fuzz
mkdir -p "$out"

read_list() {
  awk -v name="$1" '
    $0 ~ "^set\\(" name "$" {on=1; next}
    on && /^\)/ {on=0}
    on && NF && $1 !~ /^#/ {print $1}' native/core/sources.cmake
}
native_sources=()
while read -r f; do native_sources+=("native/$f"); done < <(read_list VK_CORE_SOURCES; read_list VK_CORE_NATIVE_SOURCES)
portable_sources=()
while read -r f; do portable_sources+=("native/$f"); done < <(read_list VK_CORE_SOURCES; read_list VK_CORE_WASM_SOURCES)

# A target <name>_portable is built from fuzz/<name>_fuzz.c against the WASM
# siblings (portable crypto) instead of the native ones (OpenSSL's libcrypto).
# Extra flags per target come from fuzz/<name>.flags if present (opus: the
# native-only core/src/opus.c and -lopus).
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/*_fuzz.c; do t=$(basename "$f" _fuzz.c); targets+=("$t"); done
  [ -f fuzz/srtp_fuzz.c ] && targets+=(srtp_portable)
fi
cflags=(-g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer -Inative/core/include -Inative/core/src)
for t in "${targets[@]}"; do
  base=${t%_portable}
  src=fuzz/${base}_fuzz.c
  [ -f "$src" ] || { echo "fuzz/build.sh: no target $t ($src)" >&2; exit 1; }
  extra=()
  [ -f "fuzz/$base.flags" ] && read -r -a extra < "fuzz/$base.flags"
  if [ "$base" != "$t" ]; then
    clang "${cflags[@]}" -DVK_FUZZ_PORTABLE=1 "$src" "${portable_sources[@]}" "${extra[@]}" -lm -o "$out/$t"
  else
    clang "${cflags[@]}" "$src" "${native_sources[@]}" "${extra[@]}" -lcrypto -lm -o "$out/$t"
  fi
  echo "built $out/$t"
done
