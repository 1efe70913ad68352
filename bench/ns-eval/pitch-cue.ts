/**
 * Session 8 scratch-to-record tool: the periodicity cue's score per frame
 * (a core built with -DPT_DUMP=1 prints it on stderr), on noise alone and
 * on mixtures.  Not part of the table.
 *
 *   npx tsx bench/ns-eval/pitch-cue.ts noise --rate 8000 --bin build/pt-dbg/vk_ns [--files 20]
 *     Noise alone of the six corpus kinds from seeds 9000.. (no corpus set
 *     uses them: corpus seeds are set base x 10 + kind, bases 1000..4000),
 *     5 s each at -28 dBFS: the share of frames whose score reaches each
 *     threshold (single frame, and tracked).
 *   npx tsx bench/ns-eval/pitch-cue.ts mix --rate 8000 --bin ... --dir build/ns-probe-pitch --set train --snrs -5,0 --r 0.5
 *     Mixtures written by probe.ts --dump: speech frames (window energy of
 *     the clean part within 40 dB of the loudest) the energy decision calls
 *     pauses, and the share of them (and of their clean energy) the cue finds.
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BABBLE, FS, NOISES, loadTalker, makeNoise } from './corpus.js';
import { energy, resample } from './dsp.js';
import { cliArgs } from './args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = cliArgs();
const mode = process.argv[2];
const rate = Number(args.get('rate') ?? 8000);
const bin = args.get('bin')!;
const n = rate / 100;

interface Frame { dec: number; hot: number; s1: number; s2: number; f0: number }
function runDump(files: string[], work: string): Frame[][] {
  const lf = join(work, `pt-list-${rate}.txt`);
  writeFileSync(lf, files.map((f) => `${f} ${f}.out`).join('\n') + '\n');
  const r = spawnSync(bin, ['50', String(rate), 'list', lf], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr);
  const out: Frame[][] = [];
  for (const line of r.stderr.split('\n')) {
    if (line.startsWith('# new')) { out.push([]); continue; }
    const p = line.trim().split(/\s+/).map(Number);
    if (p.length === 5) out[out.length - 1].push({ dec: p[0], hot: p[1], s1: p[2], s2: p[3], f0: p[4] });
  }
  return out;
}
const TH = [0.3, 0.34, 0.36, 0.38, 0.4, 0.45, 0.5];

if (mode === 'noise') {
  const work = args.get('work') ?? join(root, 'build/pt-noise');
  mkdirSync(work, { recursive: true });
  const nf = Number(args.get('files') ?? 20);
  const babbleTalkers = BABBLE.map((t) => loadTalker(t, join(root, 'build/ns-eval/cache'), 'v2'));
  console.log(`noise alone, ${rate} Hz, ${nf} files x 5 s per kind (seeds 9000..${9000 + nf - 1}); % of frames (after the first 10) with score >= threshold`);
  console.log(`| kind | score | ${TH.join(' | ')} | 99th pct |`);
  for (const kind of NOISES) {
    const files: string[] = [];
    for (let i = 0; i < nf; i++) {
      const z = resample(makeNoise(kind, 5 * FS, 9000 + i, babbleTalkers), FS, rate);
      const g = 10 ** (-28 / 20) / Math.sqrt(energy(z) / z.length);
      const q = Int16Array.from(z, (v) => Math.max(-32768, Math.min(32767, Math.round(v * g * 32768))));
      const f = join(work, `${kind}-${i}-${rate}.raw`);
      writeFileSync(f, Buffer.from(q.buffer));
      files.push(f);
    }
    const fr = runDump(files, work).flatMap((x) => x.slice(10));
    for (const key of ['s1', 's2'] as const) {
      const v = fr.map((f) => f[key]).sort((a, b) => a - b);
      const pct = TH.map((t) => ((100 * v.filter((x) => x >= t).length) / v.length).toFixed(2));
      console.log(`| ${kind} | ${key === 's1' ? 'frame' : 'tracked'} | ${pct.join(' | ')} | ${v[Math.floor(0.99 * v.length)].toFixed(3)} |`);
    }
    const dec = fr.filter((f) => f.dec).length / fr.length;
    console.log(`|  ${kind} energy decision: ${(100 * dec).toFixed(1)} % of frames |`);
  }
} else if (mode === 'mix') {
  const dir = args.get('dir')!;
  const set = args.get('set') ?? 'train';
  const snrs = (args.get('snrs') ?? '-5,0').split(',');
  const rs = (args.get('r') ?? '0.5').split(',').map(Number);
  const sk = (args.get('key') ?? 's1') as 's1' | 's2';
  const all = readdirSync(dir).filter((f) => f.startsWith(`${set}-`) && f.endsWith(`-${rate}.raw`));
  const files = all.filter((f) => snrs.includes(f.match(/-(white|pink|brown|babble|keyboard|fan)-(-?\d+)-\d+\.raw$/)![2])).map((f) => join(dir, f));
  const dumps = runDump(files, dir);
  const acc = new Map<string, { sp: number; miss: number; eTot: number; eMiss: number; hit: number[]; eHit: number[]; pauseFa: number[]; pause: number }>();
  files.forEach((f, fi) => {
    const m = f.match(/-(white|pink|brown|babble|keyboard|fan)-(-?\d+)-\d+\.raw$/)!;
    const key = `${m[1]} ${m[2]}`;
    const b = readFileSync(f.replace(/\.raw$/, '.clean.f32'));
    const clean = new Float32Array(b.buffer, b.byteOffset, b.length >> 2);
    const fr = dumps[fi];
    const e = fr.map((_, i) => energy(clean, Math.max(0, (i - 1) * n), Math.min(clean.length, (i + 1) * n)));
    const emax = Math.max(...e);
    const a = acc.get(key) ?? { sp: 0, miss: 0, eTot: 0, eMiss: 0, hit: rs.map(() => 0), eHit: rs.map(() => 0), pauseFa: rs.map(() => 0), pause: 0 };
    fr.forEach((x, i) => {
      const speech = e[i] > emax * 1e-4;
      const silent = e[i] < emax * 1e-6;
      if (silent && !x.dec) { a.pause++; rs.forEach((r, ri) => { if (x[sk] >= r) a.pauseFa[ri]++; }); }
      if (!speech) return;
      a.sp++; a.eTot += e[i];
      if (x.dec) return;
      a.miss++; a.eMiss += e[i];
      rs.forEach((r, ri) => { if (x[sk] >= r) { a.hit[ri]++; a.eHit[ri] += e[i]; } });
    });
    acc.set(key, a);
  });
  console.log(`${set}, ${rate} Hz: speech frames the energy decision misses, % of speech frames (% of energy); hits at r = ${rs.join(' / ')}: % of missed frames (% of missed energy); cue in silent pause frames %`);
  for (const [k, a] of [...acc].sort()) {
    const h = rs.map((_, ri) => `${((100 * a.hit[ri]) / a.miss).toFixed(0)} (${((100 * a.eHit[ri]) / a.eMiss).toFixed(0)})`).join(' / ');
    const fa = rs.map((_, ri) => ((100 * a.pauseFa[ri]) / Math.max(1, a.pause)).toFixed(1)).join(' / ');
    console.log(`| ${k} | ${((100 * a.miss) / a.sp).toFixed(0)} (${((100 * a.eMiss) / a.eTot).toFixed(0)}) | ${h} | ${fa} |`);
  }
}
