/**
 * Diagnosis of the suppressor on the evaluation corpus (not part of the
 * table): per talker, noise and SNR, dSTOI of voipkit (and optionally
 * speex-25), and with --detail where the loss is: per third-octave band
 * (its share of dSTOI) and the worst 384 ms segments.
 *
 *   npx tsx bench/ns-eval/probe.ts --rate 16000 --set train [--talkers en,de]
 *       [--noises white,babble] [--snrs 20] [--cflags '-DX=1'] [--work dir]
 *       [--speex] [--detail] [--strength 0.5] [--seconds 5] [--corpus v1|v2]
 *       [--recnoise dB]  (mechanism test: pink noise inside the words, in the reference)
 *
 * It mixes exactly as run.ts does (same seeds, same levels) and runs the
 * core through the C harness (rebuilt with --cflags into --work).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BABBLE, FS, NOISES, concatWords, setTalkers, loadTalker, makeNoise, type CorpusVersion, type NoiseKind } from './corpus.js';
import { energy, resample } from './dsp.js';
import { MixRef } from './metrics.js';
import { cliArgs } from './args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = cliArgs();
const work = args.get('work') ?? join(root, 'build/ns-probe');
const rate = Number(args.get('rate') ?? 16000);
const set = (args.get('set') ?? 'train') as 'train' | 'heldout';
// The fresh talkers (corpus.ts) are for the final evaluation only: no probing.
if (!['train', 'heldout'].includes(set)) throw new Error('--set train|heldout (the fresh talkers are not probed)');
const corpus = (args.get('corpus') ?? 'v2') as CorpusVersion;
const { list, seedBase } = setTalkers(set, corpus);
const talkersWanted = args.get('talkers')?.split(',') ?? list;
const noises = (args.get('noises')?.split(',') ?? [...NOISES]) as NoiseKind[];
const snrs = (args.get('snrs') ?? '-5,0,5,10,20').split(',').map(Number);
const seconds = Number(args.get('seconds') ?? 5);
const strength = Number(args.get('strength') ?? 0.5);
const SPEECH_DBFS = -28;

mkdirSync(work, { recursive: true });
if (!args.has('no-build')) {
  const b = spawnSync('bash', [join(root, 'bench/ns-eval/harness/build.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VK_NS_CFLAGS: args.get('cflags') ?? '', NS_EVAL_OUT: work },
  });
  if (b.status !== 0) throw new Error('harness build failed');
}
const cache = join(root, 'build/ns-eval/cache');
const talkers = new Map<string, Float32Array[]>();
for (const t of [...list, ...BABBLE]) talkers.set(t, loadTalker(t, cache, corpus));
const babbleTalkers = BABBLE.map((t) => talkers.get(t)!);

interface Mix { talker: string; noise: NoiseKind; snr: number; file: string; clean: Float32Array; noiseSig: Float32Array; noisy: Float32Array }
const mixes: Mix[] = [];
list.forEach((talker, ti) => {
  if (!talkersWanted.includes(talker)) return;
  const seed = seedBase + ti;
  const clean48 = concatWords(talkers.get(talker)!, seed, seconds, [0.12, 0.3]);
  if (args.has('recnoise')) {
    // Mechanism test: a recording's own noise inside the words (pink, at
    // this many dB against the utterance's RMS), part of the 'clean' reference.
    const rn = makeNoise('pink', clean48.length, 77 + ti, []);
    const g = Math.sqrt(energy(clean48) / energy(rn)) * 10 ** (Number(args.get('recnoise')) / 20);
    for (let i = 0; i < clean48.length; i++) if (clean48[i] !== 0) clean48[i] += g * rn[i];
  }
  const c = resample(clean48, FS, rate);
  const gc = 10 ** (SPEECH_DBFS / 20) / Math.sqrt(energy(c) / c.length);
  NOISES.forEach((kind, ki) => {
    if (!noises.includes(kind)) return;
    const nz = resample(makeNoise(kind, clean48.length, seed * 10 + ki, babbleTalkers), FS, rate);
    for (const snr of snrs) {
      let gn = Math.sqrt((energy(c) * gc * gc) / (energy(nz) * 10 ** (snr / 10)));
      let g = gc;
      let peak = 0;
      for (let i = 0; i < c.length; i++) peak = Math.max(peak, Math.abs(g * c[i] + gn * nz[i]));
      if (peak > 0.99) { g *= 0.99 / peak; gn *= 0.99 / peak; }
      const clean = Float32Array.from(c, (v) => v * g);
      const noiseSig = Float32Array.from(nz, (v) => v * gn);
      const q = Int16Array.from(clean, (v, i) => Math.max(-32768, Math.min(32767, Math.round((v + noiseSig[i]) * 32768))));
      const file = join(work, `${set}-${talker}-${kind}-${snr}-${rate}.raw`);
      writeFileSync(file, Buffer.from(q.buffer));
      mixes.push({ talker, noise: kind, snr, file, clean, noiseSig, noisy: Float32Array.from(q, (v) => v / 32768) });
    }
  });
});

function run(bin: string, mode: string, ext: string) {
  const lf = join(work, `list-${ext}-${rate}.txt`);
  writeFileSync(lf, mixes.map((m) => `${m.file} ${m.file.replace(/\.raw$/, ext)}`).join('\n') + '\n');
  const r = spawnSync(join(work, bin), [mode, String(rate), 'list', lf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin}: ${r.stderr}`);
}
run('vk_ns', String(Math.round(strength * 100)), '.ours');
if (args.has('speex')) run('speex_ns', '-25', '.speex');
const readF32 = (p: string) => {
  const b = readFileSync(p);
  return Float32Array.from(new Int16Array(b.buffer, b.byteOffset, b.length >> 1), (v) => v / 32768);
};

const delay = rate / 100;
const len = mixes[0].clean.length - Math.ceil(0.03 * rate);
const sg = (v: number) => (v >= 0 ? '+' : '') + v.toFixed(2);
const sums = new Map<string, number[]>();
for (const m of mixes) {
  const ref = new MixRef(m.clean, m.noiseSig, m.noisy, rate, len);
  const nm = ref.measure(m.noisy, 0);
  const out = readF32(m.file.replace(/\.raw$/, '.ours'));
  const om = ref.measure(out, delay);
  const d = 100 * (om.stoi - nm.stoi);
  let line = `${m.talker} ${m.noise}@${m.snr}: dSTOI ${sg(d)} SA ${om.sa.toFixed(2)} NAabs ${om.naAbs.toFixed(1)}`;
  for (const k of [`talker ${m.talker}`, `noise ${m.noise}`, `snr ${m.snr}`, 'all']) {
    if (!sums.has(k)) sums.set(k, []);
    sums.get(k)!.push(d, om.sa);
  }
  if (args.has('speex')) {
    const sm = ref.measure(readF32(m.file.replace(/\.raw$/, '.speex')), delay);
    line += ` | speex ${sg(100 * (sm.stoi - nm.stoi))} NAabs ${sm.naAbs.toFixed(1)}`;
  }
  console.log(line);
  if (args.has('detail')) {
    const dn = ref.stoiRef.detail(m.noisy.subarray(0, len));
    const dout = ref.stoiRef.detail(out.subarray(delay, delay + len));
    const nb = dn[0].length, ns = dn.length;
    const band = new Array(nb).fill(0);
    const seg = new Array(ns).fill(0);
    for (let s = 0; s < ns; s++) for (let j = 0; j < nb; j++) {
      const x = (100 * (dout[s][j] - dn[s][j])) / (nb * ns);
      band[j] += x;
      seg[s] += (100 * (dout[s][j] - dn[s][j])) / nb;
    }
    console.log(`  bands (150 Hz .. 3.8 kHz, share of dSTOI): ${band.map((v) => v.toFixed(2)).join(' ')}`);
    const starts = ref.stoiRef.keptStarts();
    const worst = seg.map((v, s) => [v, s]).sort((a, b) => a[0] - b[0]).slice(0, 5);
    console.log(`  worst segments (dSTOI x100 of the segment, start s): ${worst.map(([v, s]) => `${v.toFixed(1)}@${(starts[s] / rate).toFixed(2)}`).join(' ')}`);
  }
}
for (const [k, v] of sums) {
  const ds = v.filter((_, i) => i % 2 === 0), sa = v.filter((_, i) => i % 2 === 1);
  console.log(`mean ${k}: dSTOI ${sg(ds.reduce((a, b) => a + b, 0) / ds.length)} SA ${(sa.reduce((a, b) => a + b, 0) / sa.length).toFixed(3)}`);
}
