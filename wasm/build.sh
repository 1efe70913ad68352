#!/usr/bin/env bash
# Build the WASM backend: native/core compiled by emscripten into one
# standalone module, wasm/dist/voipkit.wasm, committed so that installs need
# no toolchain.  CI rebuilds it and fails if the committed file differs.
#
# Needs Debian's emscripten (3.1.6) and node-acorn (the optimizer's acorn is
# found through NODE_PATH; see DEVELOPERS.md).  The module is instantiated by
# src/backend/wasm.ts itself, so no JS glue is emitted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

if ! command -v emcc >/dev/null; then
  echo "emcc not found: apt-get install -y emscripten node-acorn" >&2
  exit 1
fi
if [ -z "${NODE_PATH:-}" ] && [ -d /usr/share/nodejs/acorn ]; then
  export NODE_PATH=/usr/share/nodejs
fi

# Sources: the portable list plus the WASM siblings, read from the one list
# the native build uses too.
read_list() {
  awk -v name="$1" '
    $0 ~ "^set\\(" name "$" {on=1; next}
    on && /^\)/ {on=0}
    on && NF {print $1}' native/core/sources.cmake
}
sources=()
while read -r f; do sources+=("native/$f"); done < <(read_list VK_CORE_SOURCES; read_list VK_CORE_WASM_SOURCES)

mkdir -p wasm/dist
# -ffile-prefix-map keeps absolute paths out of the output so the build is
# reproducible from any checkout location.  -msimd128: the 128-bit SIMD
# proposal, final and enabled in every V8 since 9.1 (Node 16.4; Node 20 is the
# floor here) and in current browsers; the bitsliced AES (crypto_portable.c)
# runs two groups of four blocks per pass on it.
emcc -O3 -msimd128 -std=c11 -Wall -Wno-unused-parameter \
  -ffile-prefix-map="$root"=. \
  -Inative/core/include -Inative/core/src \
  -DVK_WASM=1 \
  "${sources[@]}" \
  --no-entry \
  -sSTANDALONE_WASM=1 \
  -sALLOW_MEMORY_GROWTH=1 \
  -sINITIAL_MEMORY=1MB \
  -sMAXIMUM_MEMORY=2GB \
  -sTOTAL_STACK=131072 \
  -sERROR_ON_UNDEFINED_SYMBOLS=1 \
  -sEXPORTED_FUNCTIONS=_malloc,_free \
  -o wasm/dist/voipkit.wasm
echo "wrote wasm/dist/voipkit.wasm ($(stat -c %s wasm/dist/voipkit.wasm) bytes)"
