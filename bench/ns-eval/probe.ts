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
 *       [--tsplit S]  (with --detail: the share of dSTOI by segment start also in bins of S seconds)
 *       [--dump]  (also writes each mixture's clean and noise parts as float32 files)
 *       [--clip P]  (mechanism test: the utterance hard-clipped so P % of its samples sit at the clip level, RMS restored)
 *       [--allow-neverseen]  (with --set neverseen: diagnosis only, after session 10's final evaluation)
 *       [--sa]  (where speech attenuation comes from: the speech energy lost,
 *                split by frequency, local SNR and frame type, summed over the mixes)
 *       [--sabins]  (with --sa: also the bins below 600 Hz one by one, voiced frames at
 *                local SNR >= 10 dB, over all noises and per noise; session 10)
 *       [--phrases [LO,HI]]  (connected speech: the same words, in the same seeded
 *                order, follow each other with gaps of LO..HI ms, default 30,60,
 *                instead of 120-300 ms; the mixture files get a '-phr' suffix)
 *       [--lead S]  (the noise-alone lead-in before the first word, seconds; default
 *                0.3, the corpus's; other values give the files a '-leadS' suffix;
 *                session 11: a talker who speaks from the first frame)
 *
 * --phrases: the training talkers say single words with pauses, so the
 * core's babble test (ns.c: a pause is BG_PAUSE_RUN = 10 noise-like 20 ms
 * frames in a row, 100 ms; BG_T0/BG_T1 = 1/1.5 s without one make the
 * background speech-like) never sees a long phrase on them, while the
 * Asterisk prompt talkers speak 1-2 s phrases without a 100 ms pause.
 * The gap rule: uniform in 30-60 ms (seeded as the default pauses are).
 * At a 10 ms hop at most 5 analysis frames fit wholly inside a 60 ms gap,
 * half a pause, so a gap alone never makes one; the rest of the 10 frames
 * would have to come from the words' own weak edges (prepareV2 cuts them
 * 20-35 dB under the peak).  Over white noise at +20 dB they sometimes
 * do (3-6 pauses in 4.6 s per talker; over brown noise 0-1), and shorter
 * gaps do not change that (0-20 ms: as many), so the gap is kept at
 * natural connected-speech lengths (docs/ns.md, "Session 9: held-out
 * babble at +20 dB").  The 0.3 s lead-in stays.  Everything else (words,
 * cut, levels, noises, seeds, SNRs) is as without the option.
 *
 * It mixes exactly as run.ts does (same seeds, same levels) and runs the
 * core through the C harness (rebuilt with --cflags into --work).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BABBLE, FS, NEVERSEEN_CANDIDATES, NOISES, concatWords, mixGains, setTalkers, loadTalker, makeNoise, type CorpusVersion, type NoiseKind } from './corpus.js';
import { energy, powerSpectrogram, resample } from './dsp.js';
import { MixRef } from './metrics.js';
import { cliArgs } from './args.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = cliArgs();
const work = args.get('work') ?? join(root, 'build/ns-probe');
const rate = Number(args.get('rate') ?? 16000);
const set = (args.get('set') ?? 'train') as 'train' | 'heldout' | 'fresh' | 'neverseen';
// The fresh talkers were first seen in session 6's final run; from session 7
// they are a diagnosis set like the held-out ones.  The unseen talkers
// (corpus.ts) are for the final evaluation only: no probing.  Nor the
// never-seen set of session 10 (corpus.ts NEVERSEEN), or any of its
// candidates: nobody runs anything on them before the final evaluation.
// --allow-neverseen: session 10's final evaluation has processed the
// never-seen set once, so it may now be probed for diagnosis (as the held-out,
// fresh and unseen sets before it); nothing may be chosen on it.  Without the
// flag the refusal stands, so nobody probes it by accident.
const allowNeverseen = args.has('allow-neverseen');
if (set === ('neverseen' as string) && !allowNeverseen) throw new Error('probe.ts refuses the never-seen set without --allow-neverseen (diagnosis only, after session 10\'s final evaluation; corpus.ts NEVERSEEN)');
if (!['train', 'heldout', 'fresh', ...(allowNeverseen ? ['neverseen'] : [])].includes(set)) throw new Error('--set train|heldout|fresh (|neverseen with --allow-neverseen; the unseen talkers are not probed)');
const corpus = (args.get('corpus') ?? 'v2') as CorpusVersion;
const { list, seedBase } = setTalkers(set, corpus);
const talkersWanted = args.get('talkers')?.split(',') ?? list;
if (!allowNeverseen && talkersWanted.some((t) => NEVERSEEN_CANDIDATES.some((c) => c.id === t))) throw new Error('probe.ts refuses the never-seen talkers (corpus.ts NEVERSEEN_CANDIDATES)');
const noises = (args.get('noises')?.split(',') ?? [...NOISES]) as NoiseKind[];
const snrs = (args.get('snrs') ?? '-5,0,5,10,20').split(',').map(Number);
const seconds = Number(args.get('seconds') ?? 5);
const strength = Number(args.get('strength') ?? 0.5);
// --phrases [LO,HI]: gaps between words in ms (default below); undefined: the corpus's pauses
const phraseGap: [number, number] | undefined = !args.has('phrases') ? undefined
  : args.get('phrases') === '1' ? [0.03, 0.06]
  : (args.get('phrases')!.split(',').map((v) => Number(v) / 1000) as [number, number]);
if (phraseGap && !(phraseGap.length === 2 && phraseGap[0] >= 0 && phraseGap[1] >= phraseGap[0])) throw new Error('--phrases [LO,HI] (gap between words, ms)');
// --lead S: the noise-alone lead-in (concatWords' default 0.3 s, the corpus's)
const lead = args.has('lead') ? Number(args.get('lead')) : undefined;
if (lead !== undefined && !(lead >= 0 && lead < seconds)) throw new Error('--lead S (seconds of noise alone before the first word, >= 0)');
const leadTag = lead === undefined ? '' : `-lead${lead}`;

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
  const clean48 = concatWords(talkers.get(talker)!, seed, seconds, phraseGap ?? [0.12, 0.3], lead);
  if (args.has('recnoise')) {
    // Mechanism test: a recording's own noise inside the words (pink, at
    // this many dB against the utterance's RMS), part of the 'clean' reference.
    const rn = makeNoise('pink', clean48.length, 77 + ti, []);
    const g = Math.sqrt(energy(clean48) / energy(rn)) * 10 ** (Number(args.get('recnoise')) / 20);
    for (let i = 0; i < clean48.length; i++) if (clean48[i] !== 0) clean48[i] += g * rn[i];
  }
  if (args.has('clip')) {
    // Mechanism test (session 10, after the final run; kl-ml's recordings
    // are clipped): hard-clip the utterance so that this many % of its
    // non-zero samples sit at the clip level, then restore its RMS, so the
    // clean reference is clipped speech at the corpus's level.
    const pct = Number(args.get('clip'));
    const mags = Float32Array.from(clean48.filter((v) => v !== 0), Math.abs).sort();
    const lim = mags[Math.min(mags.length - 1, Math.floor(mags.length * (1 - pct / 100)))];
    const e0 = energy(clean48);
    for (let i = 0; i < clean48.length; i++) clean48[i] = Math.max(-lim, Math.min(lim, clean48[i]));
    const k = Math.sqrt(e0 / energy(clean48));
    for (let i = 0; i < clean48.length; i++) clean48[i] *= k;
  }
  const c = resample(clean48, FS, rate);
  NOISES.forEach((kind, ki) => {
    if (!noises.includes(kind)) return;
    const nz = resample(makeNoise(kind, clean48.length, seed * 10 + ki, babbleTalkers), FS, rate);
    for (const snr of snrs) {
      const { g, gn } = mixGains(c, nz, snr);
      const clean = Float32Array.from(c, (v) => v * g);
      const noiseSig = Float32Array.from(nz, (v) => v * gn);
      const q = Int16Array.from(clean, (v, i) => Math.max(-32768, Math.min(32767, Math.round((v + noiseSig[i]) * 32768))));
      const file = join(work, `${set}-${talker}-${kind}-${snr}-${rate}${phraseGap ? '-phr' : ''}${leadTag}.raw`);
      writeFileSync(file, Buffer.from(q.buffer));
      if (args.has('dump')) {
        // the parts of the mixture, for a debugging build of the core (not the table)
        writeFileSync(file.replace(/\.raw$/, '.clean.f32'), Buffer.from(clean.buffer));
        writeFileSync(file.replace(/\.raw$/, '.noise.f32'), Buffer.from(noiseSig.buffer));
      }
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
const saAcc = new Map<string, { lost: number; e: number; kept: number; wk: number; n: number }>(); // --sa
let saFiles = 0;
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
  if (args.has('sa')) saSplit(ref, out, delay, m.noise);
  if (args.has('detail')) {
    const dn = ref.stoiRef.detail(m.noisy.subarray(0, len));
    const nb = dn[0].length, ns = dn.length;
    // dSTOI x100 of a processed signal against the noisy one: its share by
    // band (over all segments) and per segment (over all bands)
    const split = (y: Float32Array) => {
      const d = ref.stoiRef.detail(y.subarray(delay, delay + len));
      const band = new Array(nb).fill(0), seg = new Array(ns).fill(0);
      for (let s = 0; s < ns; s++) for (let j = 0; j < nb; j++) {
        band[j] += (100 * (d[s][j] - dn[s][j])) / (nb * ns);
        seg[s] += (100 * (d[s][j] - dn[s][j])) / nb;
      }
      return { band, seg };
    };
    const { band, seg } = split(out);
    // The same split for speexdsp, to see in which bands and when the two differ.
    const sx = args.has('speex') ? split(readF32(m.file.replace(/\.raw$/, '.speex'))) : undefined;
    console.log(`  bands (150 Hz .. 3.8 kHz, share of dSTOI): ${band.map((v) => v.toFixed(2)).join(' ')}`);
    if (sx) console.log(`  speex bands:                               ${sx.band.map((v) => v.toFixed(2)).join(' ')}`);
    const starts = ref.stoiRef.keptStarts();
    // the share of dSTOI by where the segment starts: the first second
    // (noise estimate and babble test still young) against the rest
    const when = (s: number) => (starts[s] < rate ? 0 : starts[s] < 2 * rate ? 1 : 2);
    const byTime = (sg2: number[]) => [0, 1, 2].map((k) => sg2.reduce((a, v, s) => a + (when(s) === k ? v / ns : 0), 0).toFixed(2)).join(' ');
    console.log(`  by segment start (share of dSTOI; < 1 s, 1-2 s, >= 2 s): ${byTime(seg)}${sx ? ` | speex ${byTime(sx.seg)}` : ''}`);
    if (args.has('tsplit')) {
      // --tsplit S (session 11): the same share in bins of S seconds of segment start
      const st = Number(args.get('tsplit')), nbin = Math.ceil(seconds / st);
      const bins = (sg2: number[]) => Array.from({ length: nbin }, (_, k) => sg2.reduce((a, v, s) => a + (Math.floor(starts[s] / rate / st) === k ? v / ns : 0), 0).toFixed(2)).join(' ');
      console.log(`  by segment start in ${st} s bins: ${bins(seg)}${sx ? ` | speex ${bins(sx.seg)}` : ''}`);
    }
    const worst = seg.map((v, s) => [v, s]).sort((a, b) => a[0] - b[0]).slice(0, 5);
    console.log(`  worst segments (dSTOI x100 of the segment, start s): ${worst.map(([v, s]) => `${v.toFixed(1)}@${(starts[s] / rate).toFixed(2)}`).join(' ')}`);
  }
}
if (args.has('sa')) saReport();
for (const [k, v] of sums) {
  const ds = v.filter((_, i) => i % 2 === 0), sa = v.filter((_, i) => i % 2 === 1);
  console.log(`mean ${k}: dSTOI ${sg(ds.reduce((a, b) => a + b, 0) / ds.length)} SA ${(sa.reduce((a, b) => a + b, 0) / sa.length).toFixed(3)}`);
}

/*
 * --sa: SA = 10 log10(sum |S|^2 / sum g^2 |S|^2) over all bins (metrics.ts).
 * The speech energy lost, sum (1 - g^2) |S|^2 (negative where g > 1), is
 * split by class of bin and frame; per class, its share of the file's
 * speech energy ('lost %', summed over the classes of one split it gives
 * 1 - 10^(-SA/10)), the class's share of the speech energy, and the
 * class's own attenuation.  Frame types come from the clean speech: level
 * against the loudest frame; onsets (the first 3 frames, 30 ms, of a run
 * within 40 dB of the loudest) and ends (its last 3); voiced (normalised
 * autocorrelation of the clean frame at lags of 2.5..12.5 ms, at 8 kHz,
 * above 0.6).  Local SNR: |S|^2 / |N|^2 of the bin.
 */
function saSplit(ref: MixRef, out: Float32Array, delay: number, noise: string) {
  const fs = rate, frame = fs / 50, hop = fs / 100, nfft = 1 << Math.ceil(Math.log2(frame));
  const y = out.subarray(delay, delay + ref.len);
  const Y = powerSpectrogram(y, frame, hop, nfft, ref.len);
  const fe = ref.S.map((p) => p.reduce((a, b) => a + b, 0));
  const max = Math.max(...fe);
  const active = fe.map((e) => e > max * 1e-4);
  // voiced: clean frame at 8 kHz (block means), normalised autocorrelation
  const d = fs / 8000;
  const c8 = new Float64Array(Math.floor(ref.len / d));
  for (let i = 0; i < c8.length; i++) { let a = 0; for (let j = 0; j < d; j++) a += ref.clean[i * d + j]; c8[i] = a / d; }
  const voiced = fe.map((_, t) => {
    const s0 = t * 80, w = 160;
    if (s0 + w > c8.length) return false;
    let best = 0;
    for (let l = 20; l <= 100; l++) {
      let c = 0, e0 = 0, e1 = 0;
      for (let i = s0 + l; i < s0 + w; i++) { c += c8[i] * c8[i - l]; e0 += c8[i] * c8[i]; e1 += c8[i - l] * c8[i - l]; }
      const r = c / Math.sqrt(e0 * e1 + 1e-30);
      if (r > best) best = r;
    }
    return best > 0.6;
  });
  const pos = fe.map(() => '');
  for (let t = 0; t < fe.length; ) {
    if (!active[t]) { t++; continue; }
    let u = t;
    while (u < fe.length && active[u]) u++;
    for (let i = t; i < u; i++) pos[i] = i - t < 3 ? 'onset' : u - i <= 3 ? 'end' : 'inside';
    t = u;
  }
  let s0 = 0;
  for (let t = 0; t < Y.length; t++) for (const v of ref.S[t]) s0 += v;
  const local = new Map<string, { lost: number; e: number; kept: number; wk: number }>();
  let wk = 0; // this bin's speech energy under the oracle Wiener gain (true S / N)
  const add = (key: string, lost: number, e: number, kept: number) => {
    let a = local.get(key);
    if (!a) local.set(key, (a = { lost: 0, e: 0, kept: 0, wk: 0 }));
    a.lost += lost; a.e += e; a.kept += kept; a.wk += wk;
  };
  const bands = [0, 300, 600, 1000, 2000, 3000, 4000, 8000, 24000];
  for (let t = 0; t < Y.length; t++) {
    const lvl = 10 * Math.log10(fe[t] / max + 1e-30);
    const lv = lvl > -10 ? 'level 0..-10' : lvl > -20 ? 'level -10..-20' : lvl > -30 ? 'level -20..-30' : 'level < -30';
    const ft = active[t] ? `${pos[t]} ${voiced[t] ? 'voiced' : 'unvoiced'}` : 'inactive';
    for (let k = 0; k < Y[t].length; k++) {
      let g2 = Y[t][k] / (ref.X[t][k] + 1e-30);
      if (g2 > 4) g2 = 4;
      const sv = ref.S[t][k], lost = (1 - g2) * sv, kept = g2 * sv;
      const f = (k * fs) / nfft;
      let b = 0;
      while (f >= bands[b + 1]) b++;
      const xiT = sv / (ref.N[t][k] + 1e-30);
      wk = (xiT / (1 + xiT)) ** 2 * sv;
      const snr = 10 * Math.log10(xiT);
      const sb = snr < -10 ? '< -10' : snr < -5 ? '-10..-5' : snr < 0 ? '-5..0' : snr < 5 ? '0..5' : snr < 10 ? '5..10' : '>= 10';
      add(`band ${bands[b]}..${bands[b + 1]} Hz`, lost, sv, kept);
      add(`local SNR ${sb} dB`, lost, sv, kept);
      add(`frame ${ft}`, lost, sv, kept);
      add(`frame ${lv}`, lost, sv, kept);
      add(`voiced ${voiced[t] ? 'yes' : 'no'} x SNR ${sb}`, lost, sv, kept);
      add(`voiced ${voiced[t] ? 'yes' : 'no'} x band ${bands[b]}..${bands[b + 1]}`, lost, sv, kept);
      if (b < 3) add(`band ${bands[b]}..${bands[b + 1]} x SNR ${sb}`, lost, sv, kept);
      if (args.has('sabins') && f < 600 && voiced[t] && snr >= 10) {
        // --sabins: the low bins one by one, voiced frames, local SNR >= 10 dB (all noises, and per noise)
        const fk = `vbin ${String(Math.round(f)).padStart(4, '0')} Hz`;
        add(fk, lost, sv, kept);
        add(`${fk} ${noise}`, lost, sv, kept);
      }
    }
  }
  saFiles++;
  for (const [k, a] of local) {
    let g = saAcc.get(k);
    if (!g) saAcc.set(k, (g = { lost: 0, e: 0, kept: 0, wk: 0, n: 0 }));
    g.lost += a.lost / s0; g.e += a.e / s0; g.kept += 10 * Math.log10(a.e / (a.kept + 1e-30)); g.n++;
    g.wk += 10 * Math.log10(a.e / (a.wk + 1e-30));
  }
}
function saReport() {
  console.log(`speech energy lost, mean over ${saFiles} files: class | lost % of the speech | energy % | the class's SA dB (mean over files holding it) | an oracle Wiener gain's`);
  for (const k of [...saAcc.keys()].sort()) {
    const g = saAcc.get(k)!;
    console.log(`  ${k.padEnd(34)} ${((100 * g.lost) / saFiles).toFixed(2).padStart(7)} ${((100 * g.e) / saFiles).toFixed(1).padStart(6)} ${(g.kept / g.n).toFixed(2).padStart(7)} ${(g.wk / g.n).toFixed(2).padStart(7)}`);
  }
}
