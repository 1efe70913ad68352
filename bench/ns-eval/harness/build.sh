#!/usr/bin/env bash
# Build the evaluation's harness programs into build/ns-eval/ (not shipped).
# Needs libspeexdsp-dev and libwebrtc-audio-processing-dev (Debian).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
here="$root/bench/ns-eval/harness"
out="${NS_EVAL_OUT:-$root/build/ns-eval}"
mkdir -p "$out"
cc -O2 -o "$out/speex_ns" "$here/speex_ns.c" $(pkg-config --cflags --libs speexdsp)
c++ -O2 -std=c++11 -o "$out/webrtc_ns" "$here/webrtc_ns.cc" $(pkg-config --cflags --libs webrtc-audio-processing)
# Our core with the flags of the addon's build (native/CMakeLists.txt: -O3).
# Only the suppressor's sources (the rest of the core needs per-backend
# siblings such as the crypto, which the suppressor does not use).
srcs=$(awk '/^set\(VK_CORE_SOURCES$/{on=1;next} on&&/^\)/{on=0} on&&NF{print "'"$root"'/native/"$1}' "$root/native/core/sources.cmake" | grep -E '/(ns[a-z_]*|common)\.c$')
cc -O3 -std=c11 ${VK_NS_CFLAGS:-} -I"$root/native/core/include" -I"$root/native/core/src" -o "$out/vk_ns" "$here/vk_ns_harness.c" $srcs -lm
echo "$out"
