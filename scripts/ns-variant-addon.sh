#!/usr/bin/env bash
# The native addon built with some of the suppressor's compile-time switches
# changed (native/core/src/ns.c), for the checks docs/ns.md describes: a test
# of a default mechanism must fail on an addon built without it.
#
# `npx cmake-js compile -O DIR --CDCMAKE_C_FLAGS=...` keeps DIR's CMake cache
# when DIR was configured before: the new flags are then silently ignored and
# the addon is whatever DIR was built with last (session 13 found an addon
# meant to be -DBG_RING=0 that was still -DLONG_MIN=0).  So this script
# removes DIR first, builds it afresh and checks that the cache holds the
# flags it was given.
#
# Usage: bash scripts/ns-variant-addon.sh build/native-old -DSTART_CEIL=0 [-DX=Y ...]
# then:  VOIPKIT_BACKEND=native VOIPKIT_ADDON=$PWD/build/native-old/Release/voipkit.node \
#          npx vitest run test/ns.test.ts -t "first 1.5 s"
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ $# -ge 2 ] || { echo "usage: bash scripts/ns-variant-addon.sh build/DIR -DSWITCH=VALUE [...]" >&2; exit 2; }
out=$1
shift
case "$out" in
  build/?*) ;;
  *) echo "ns-variant-addon: the folder must be under build/ (it is removed first): $out" >&2; exit 2 ;;
esac
case "$out" in *..*) echo "ns-variant-addon: no '..' in the folder: $out" >&2; exit 2 ;; esac
for f in "$@"; do
  [[ "$f" =~ ^-D[A-Z_][A-Z0-9_]*(=[-+.0-9A-Za-z_]+)?$ ]] || { echo "ns-variant-addon: not a -DSWITCH=VALUE flag: $f" >&2; exit 2; }
done
flags="$*"
rm -rf "$out"
npx cmake-js compile -d native -O "$out" --CDCMAKE_BUILD_TYPE=Release "--CDCMAKE_C_FLAGS=$flags" >/dev/null
got=$(sed -n 's/^CMAKE_C_FLAGS:STRING=//p' "$out/CMakeCache.txt")
[ "$got" = "$flags" ] || { echo "ns-variant-addon: $out/CMakeCache.txt has CMAKE_C_FLAGS='$got', not '$flags'" >&2; exit 1; }
addon="$out/Release/voipkit.node"
[ -f "$addon" ] || { echo "ns-variant-addon: no $addon" >&2; exit 1; }
echo "$root/$addon ($flags)"
