#!/usr/bin/env bash
# Compare the suppressor's core at a git revision (default: main) with the
# working tree, built natively (cc -O3, as the addon) and by emcc -O3
# -msimd128 (as wasm/build.sh): outputs must be bit-identical when a change
# only restructures the arithmetic (vectorisation), and the times per frame
# of both builds are printed from the same run.
#
#   bash bench/ns-eval/harness/simd-check.sh [REV]
#
# Needs cc, emcc (Debian's emscripten 3.1.6) and node.  Writes build/ns-simd/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
rev=${1:-main}
out=build/ns-simd
rm -rf "$out"; mkdir -p "$out/old"
for f in ns.c ns_gain.c ns_fft.c ns_internal.h ns_fft.h; do git show "$rev:native/core/src/$f" > "$out/old/$f"; done
# the revision's public header too (the gain-stage contract may differ; -I"$1" comes first)
git show "$rev:native/core/include/vk_ns.h" > "$out/old/vk_ns.h"
# the learned presence estimate (session 8), where the revision has it
for f in ns_presence.c ns_presence_weights.h; do git show "$rev:native/core/src/$f" > "$out/old/$f" 2>/dev/null || rm -f "$out/old/$f"; done
[ -z "${NODE_PATH:-}" ] && [ -d /usr/share/nodejs/acorn ] && export NODE_PATH=/usr/share/nodejs
build() { # srcdir tag
  local s="$1/ns.c $1/ns_gain.c $1/ns_fft.c native/core/src/common.c"
  [ -f "$1/ns_presence.c" ] && s="$s $1/ns_presence.c"
  cc -O3 -std=c11 -I"$1" -Inative/core/include -o "$out/n-$2" bench/ns-eval/harness/vk_ns_harness.c $s -lm
  emcc -O3 -msimd128 -std=c11 -I"$1" -Inative/core/include -DVK_WASM=1 -sNODERAWFS=1 -sENVIRONMENT=node \
    -sALLOW_MEMORY_GROWTH=1 -o "$out/w-$2.cjs" bench/ns-eval/harness/vk_ns_harness.c $s
}
build "$out/old" old
build native/core/src new
# 6 s of low-passed noise, 180 Hz bursts, ringing clicks (2 ms decay) every
# 0.29 s (the click detector fires on most) and a
# +18 dB step at 2..2.5 s, int16, per rate.
node -e '
const fs = require("fs");
for (const rate of [8000, 16000, 48000]) {
  let seed = rate, lp = 0;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  const x = new Int16Array(rate * 6), cp = Math.floor(rate * 0.29);
  for (let i = 0; i < x.length; i++) {
    lp = 0.9 * lp + 0.1 * (rnd() + rnd() + rnd() - 1.5) * 2;
    const burst = Math.floor(i / (rate * 0.37)) % 2;
    let v = 400 * lp + burst * 3000 * Math.sin(2 * Math.PI * 180 * i / rate) * Math.sin(2 * Math.PI * 2.3 * i / rate);
    if (i % cp < rate / 100) v += 20000 * Math.exp(-(i % cp) / (rate * 0.002)) * Math.cos(2 * Math.PI * 2500 * (i % cp) / Math.max(rate, 16000));
    if (i > 2 * rate && i < 2.5 * rate) v *= 8;
    x[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  fs.writeFileSync(process.argv[1] + "/in-" + rate + ".raw", Buffer.from(x.buffer));
}' "$out"
fail=0
for r in 8000 16000 48000; do
  for st in 20 50 100; do
    for b in n w; do
      for t in old new; do
        echo "$out/in-$r.raw $out/o-$b-$t-$r-$st.raw" > "$out/list"
        if [ $b = n ]; then "$out/n-$t" $st $r list "$out/list"; else node --no-experimental-fetch "$out/w-$t.cjs" $st $r list "$out/list"; fi
      done
      if cmp -s "$out/o-$b-old-$r-$st.raw" "$out/o-$b-new-$r-$st.raw"; then echo "identical: $b $r Hz strength $st"; else echo "DIFFERENT: $b $r Hz strength $st"; fail=1; fi
    done
  done
done
# 20 passes: a short WASM run may end before V8 has tiered the code up
echo "us per frame (harness minimum over 20-frame chunks of 20 passes), same run:"
for r in 8000 16000 48000; do
  f="$out/in-$r.raw"
  a=$("$out/n-old" 50 $r time "$f" 20); b=$("$out/n-new" 50 $r time "$f" 20)
  c=$(node --no-experimental-fetch "$out/w-old.cjs" 50 $r time "$f" 20); d=$(node --no-experimental-fetch "$out/w-new.cjs" 50 $r time "$f" 20)
  node -e 'const [r,a,b,c,d]=process.argv.slice(1).map(Number);
    console.log(`${r} Hz: native ${(a/1e3).toFixed(2)} -> ${(b/1e3).toFixed(2)}, WASM ${(c/1e3).toFixed(2)} -> ${(d/1e3).toFixed(2)}, WASM/native ${(c/a).toFixed(2)} -> ${(d/b).toFixed(2)}`)' $r $a $b $c $d
done
exit $fail
