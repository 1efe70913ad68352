/**
 * Diagnosis (not the table): over noise alone, how far the core's ~1 s
 * minimum (MIN_NSUB = 8 sub-windows of MIN_SUBWIN = 12 frames) stands over
 * the long minimum of LONG_MIN (LONG_NSUB = 16 sub-windows), per bin
 * (100 Hz..3.9 kHz) at each sub-window turnover: in the first 3 s and
 * after.  Session 12 chose LONG_MIN_X (ns.c) from it: docs/ns.md
 * "Session 12: a talker who speaks phrases".
 *
 *   npx tsx bench/ns-eval/min-ratio.ts [--rate 8000] [--files 6] [--seconds 8] [--seeded]
 *
 * The replay follows ns.c (trace.ts MinReplay, on the periodograms of the
 * core's STFT, trace.ts lowPeriodograms): every sub-window slot seeded with
 * frame 0's, the usual minimum over the newest 8 slots; the long one
 * (long_min_turn) over the slots written since the start, leaving out the
 * first while it is in the ring (it holds frame 0's raw half-window
 * periodogram).  --seeded: over all 16 slots, seeds
 * included (the first form of the change, which bound over noise alone in
 * the first 2 s).  The noises are trace.ts runNoiseAlone's (seeds 9000 +
 * 10 i + kind, which no corpus set uses, at the corpus's level); the
 * harness run itself is not used.  Keyboard noise is digital silence
 * between its bursts, so its ratios are of near-zero minima and are left
 * out.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BABBLE, NOISES, loadTalker } from './corpus.js';
import { MIN_TRACK, MinReplay, lowPeriodograms, runNoiseAlone } from './trace.js';
import { cliArgs } from './args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = cliArgs();
const rate = Number(args.get('rate') ?? 8000), files = Number(args.get('files') ?? 6), seconds = Number(args.get('seconds') ?? 8);
const seeded = args.has('seeded');
const n = rate / 100, nb = n + 1, NSUB = MIN_TRACK.nsub, LONG = 16, K0 = 2, K1 = Math.min(nb - 1, 78);
const babbleTalkers = BABBLE.map((t) => loadTalker(t, join(root, 'build/ns-eval/cache'), 'v2'));
const made = runNoiseAlone({ root, work: join(root, `build/ns-min-ratio-${rate}`), cflags: '', kinds: NOISES, files, seconds, rate, babbleTalkers });
const early = new Map<string, number[]>(), late = new Map<string, number[]>();
for (const m of made) {
  if (m.kind === 'keyboard') continue;
  const T = Math.floor(m.nz.length / n);
  const P = lowPeriodograms(m.nz, T, n, nb, 2 ** -30);
  const r = new MinReplay(nb, LONG);
  for (let t = 0; t < T; t++) {
    if (!r.push(P[t])) continue;
    const ul = seeded ? LONG : r.written <= LONG ? r.written - 1 : LONG; // slots of the long minimum, newest first
    const out = t < 300 ? early : late;
    const a = out.get(m.kind) ?? []; out.set(m.kind, a);
    for (let k = K0; k <= K1; k++) {
      const s = r.minNewest(k, 0, NSUB), l = r.minNewest(k, 0, ul);
      a.push(l === Infinity ? 0 : Math.max(0, 10 * Math.log10(s / l)));
    }
  }
}
console.log(`${rate} Hz, ${files} files x ${seconds} s per noise${seeded ? ', --seeded (all 16 slots, seeds included)' : ''}: the 1 s minimum over the long one, dB, per bin and turnover`);
console.log('| noise | turnovers | first 3 s: p99 / p99.9 / max / share > 8 dB | after: p99 / p99.9 / max / share > 8 dB |');
console.log('|---|---|---|---|');
for (const kind of early.keys()) {
  const f = (a: number[]) => {
    const b = [...a].sort((x, y) => x - y);
    const q = (p: number) => b[Math.min(b.length - 1, Math.floor(p * b.length))].toFixed(2);
    return `${q(0.99)} / ${q(0.999)} / ${b[b.length - 1].toFixed(2)} / ${((100 * b.filter((v) => v > 8).length) / b.length).toFixed(2)} %`;
  };
  console.log(`| ${kind} | ${early.get(kind)!.length + (late.get(kind)?.length ?? 0)} | ${f(early.get(kind)!)} | ${late.get(kind) ? f(late.get(kind)!) : '-'} |`);
}
