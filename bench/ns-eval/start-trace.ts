/**
 * Diagnosis (not the table): the suppressor's first seconds, for a call that
 * starts with speech.  Session 11, docs/ns.md "Session 11: a call that starts
 * with speech".  8 kHz only.
 *
 * Mixtures (the trace of probe.ts --dump with the harness's bin dump):
 *   npx tsx bench/ns-eval/probe.ts --rate 8000 --set train --snrs 20,0 --noises white,pink,brown,babble \
 *       --lead 0 --dump --cflags '-DNS_BIN_DUMP=1' --work build/ns-probe-X
 *   npx tsx bench/ns-eval/start-trace.ts build/ns-probe-X [suffix]
 * (suffix: the files' name ending before .raw, e.g. -lead0 or -lead0.1; without
 * it the corpus's 0.3 s lead-in, files ending in -8000).  Per noise, SNR and
 * time slot since the first sample: the noise estimate over the noise's PSD
 * (its periodogram averaged over +-25 frames, in the core's STFT), the
 * tracked minimum (replayed from the trace: P = gamma lambda, the core's
 * smoothing and sub-windows) over the same, both as log means over the bins
 * of 100 Hz..3.95 kHz, in frames with speech (clean frame energy within
 * 40 dB of the loudest) and without; the share of speech frames the
 * core's decision (with hangover) calls speech; the speech lost in speech
 * frames (10 log10 sum S / sum g^2 S, g the final gain) and the noise
 * removed in frames without speech (the same over the noise).
 *
 * Noise alone (seeds 9000 + 10 i + kind, which no corpus set uses; at the
 * corpus's level, speech -28 dBFS, 0 dB SNR):
 *   npx tsx bench/ns-eval/start-trace.ts --noise-alone [--cflags '-DX=1'] [--work dir] [--files 8] [--seconds 3]
 * Per noise and time slot: quantiles over bins (100 Hz..3.95 kHz) and frames
 * of the noise estimate over the tracked minimum (dB), and the estimate
 * over the noise's PSD (log mean, dB).
 * --seedless (either mode): in frames 12..106 the minimum START_CEIL's ceiling
 * uses (ns.c start_ceiling: the sub-windows after the one holding frame 0's
 * seed, and the running one) in place of the tracked minimum.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BABBLE, loadTalker, type NoiseKind } from './corpus.js';
import { MIN_TRACK, MinReplay, binRecord, lowPeriodograms, noisePsd, readF32, runNoiseAlone } from './trace.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const argv = process.argv.slice(2);
const opt = (k: string, d: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
const rate = 8000, n = rate / 100, nb = n + 1, rec = binRecord(nb), K0 = 2, K1 = 79;
const SCALE = 2 ** -30; // the core's periodogram over the int16-scale one (lam-trace.ts / noise-alone.ts)
// the core's minimum tracking (ns.c: MIN_SUBWIN, MIN_NSUB)
const MIN_SUBWIN = MIN_TRACK.subwin, MIN_NSUB = MIN_TRACK.nsub;
const SEEDLESS = argv.includes('--seedless'); // the minimum start_ceiling uses (START_CEIL) in place of Smin
const SLOTS = [0, 0.1, 0.3, 0.6, 1.0, 1.5, 2.0, 3.0, 5.0];
const slotOf = (t: number) => { const s = t / 100; let i = 0; while (i + 1 < SLOTS.length - 1 && s >= SLOTS[i + 1]) i++; return i; };
const slotName = (i: number) => `${SLOTS[i].toFixed(1)}-${SLOTS[i + 1].toFixed(1)}s`;

/** periodogram of frame t (samples (t-1)n .. (t+1)n), the core's scale (trace.ts) */
const spec = (x: Float32Array, T: number) => lowPeriodograms(x, T, n, nb, SCALE);
/** the core's tracked minimum, replayed (trace.ts MinReplay) from its periodogram P_t = gamma_t lambda_t */
function replayMin(B: Float32Array, T: number, seedless = false): Float64Array[] {
  const r = new MinReplay(nb, MIN_NSUB);
  const out: Float64Array[] = [];
  const P = new Float64Array(nb);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < nb; k++) P[k] = B[t * rec + 3 * nb + k] * B[t * rec + k];
    r.push(P);
    // with --seedless, in frames MIN_SUBWIN .. MIN_SUBWIN (MIN_NSUB + 1) - 2 the
    // minimum START_CEIL's ceiling uses (ns.c start_ceiling): the sub-windows
    // written since the start but the first (frame 0's seed) and the running one
    const early = seedless && t >= MIN_SUBWIN && t < MIN_SUBWIN * (MIN_NSUB + 1) - 1;
    const b = early ? r.written - 1 : MIN_NSUB;
    out.push(Float64Array.from({ length: nb }, (_, k) => Math.min(r.minNewest(k, 0, b), r.Stmp[k])));
  }
  return out;
}
const pad = (s: string | number, w: number) => String(s).padStart(w);

if (argv.includes('--noise-alone')) {
  const work = join(root, opt('work', 'build/ns-probe-start-noise'));
  const files = Number(opt('files', '8')), seconds = Number(opt('seconds', '3'));
  const KINDS: NoiseKind[] = ['white', 'pink', 'brown', 'fan', 'babble'];
  const babbleTalkers = BABBLE.map((t) => loadTalker(t, join(root, 'build/ns-eval/cache'), 'v2'));
  const made = runNoiseAlone({ root, work, cflags: opt('cflags', ''), kinds: KINDS, files, seconds, rate, babbleTalkers });
  console.log(`noise alone, ${files} x ${seconds} s per noise, 8 kHz, cflags '${opt('cflags', '')}'`);
  console.log('noise slot | lambda/Smin dB quantiles over bins x frames: 50 90 99 99.9 max | lambda/N dB (log mean) | Smin/N dB');
  for (const kind of KINDS) {
    const by = new Map<number, { r: number[]; ln: number; sn: number; c: number }>();
    for (const m of made.filter((m) => m.kind === kind)) {
      const B = readF32(`${m.file}.ours.bins`), T = B.length / rec;
      const Nm = noisePsd(spec(m.nz, T)), Sm = replayMin(B, T, SEEDLESS);
      for (let t = 1; t < T; t++) {
        const s = t < MIN_SUBWIN ? -1 : t < MIN_SUBWIN * (MIN_NSUB + 1) - 1 ? 0 : t < 200 ? 1 : 2;
        if (s < 0) continue;
        let a = by.get(s); if (!a) by.set(s, (a = { r: [], ln: 0, sn: 0, c: 0 }));
        for (let k = K0; k <= K1; k++) {
          const lam = B[t * rec + k];
          a.r.push(10 * Math.log10(lam / Sm[t][k]));
          a.ln += 10 * Math.log10(lam / Nm[t][k]); a.sn += 10 * Math.log10(Sm[t][k] / Nm[t][k]); a.c++;
        }
      }
    }
    for (const [s, a] of [...by].sort((x, y) => x[0] - y[0])) {
      a.r.sort((x, y) => x - y);
      const q = (p: number) => a.r[Math.min(a.r.length - 1, Math.floor(p * a.r.length))].toFixed(2);
      console.log(`${kind.padEnd(6)} ${['12-106', '107-199', '200-'][s].padEnd(7)} | ${[q(0.5), q(0.9), q(0.99), q(0.999), a.r[a.r.length - 1].toFixed(2)].map((v) => pad(v, 6)).join(' ')} | ${pad((a.ln / a.c).toFixed(2), 6)} | ${pad((a.sn / a.c).toFixed(2), 6)}`);
    }
  }
} else {
  const dir = argv[0], suffix = argv[1] ?? '-8000';
  type Acc = { lamS: number; sminS: number; cS: number; lamP: number; sminP: number; cP: number; sp: number; dec: number; es: number; eg: number; en: number; egn: number };
  const acc = new Map<string, Acc>();
  const get = (key: string) => { let a = acc.get(key); if (!a) acc.set(key, (a = { lamS: 0, sminS: 0, cS: 0, lamP: 0, sminP: 0, cP: 0, sp: 0, dec: 0, es: 0, eg: 0, en: 0, egn: 0 })); return a; };
  const bases = readdirSync(dir).filter((f) => f.endsWith(`${suffix}.ours.bins`)).map((f) => f.replace('.ours.bins', ''));
  if (!bases.length) throw new Error(`no ${suffix}.ours.bins files in ${dir}`);
  for (const base of bases) {
    const m = /^[a-z]+-(.+)-(white|pink|brown|babble|keyboard|fan)-(-?\d+)-/.exec(base);
    if (!m) continue;
    const noise = m[2], snr = m[3];
    const B = readF32(`${dir}/${base}.ours.bins`), T = B.length / rec;
    const S = spec(readF32(`${dir}/${base}.clean.f32`), T), N = spec(readF32(`${dir}/${base}.noise.f32`), T);
    const Nm = noisePsd(N), Sm = replayMin(B, T, SEEDLESS);
    const fe = S.map((p) => p.reduce((a, v) => a + v, 0));
    const smax = Math.max(...fe);
    for (let t = 0; t < T; t++) {
      const active = fe[t] > smax * 1e-4;
      for (const key of [`${noise}@${snr} ${slotOf(t)}`, `all@${snr} ${slotOf(t)}`]) {
        const a = get(key);
        let l = 0, sm = 0;
        for (let k = K0; k <= K1; k++) { l += 10 * Math.log10(B[t * rec + k] / Nm[t][k]); sm += 10 * Math.log10(Sm[t][k] / Nm[t][k]); }
        l /= K1 - K0 + 1; sm /= K1 - K0 + 1;
        if (active) { a.lamS += l; a.sminS += sm; a.cS++; a.sp++; if (B[t * rec + 5 * nb] > 0) a.dec++; }
        else { a.lamP += l; a.sminP += sm; a.cP++; }
        for (let k = K0; k <= K1; k++) {
          const g2 = B[t * rec + 2 * nb + k] ** 2;
          if (active) { a.es += S[t][k]; a.eg += g2 * S[t][k]; } else { a.en += N[t][k]; a.egn += g2 * N[t][k]; }
        }
      }
    }
  }
  console.log(`${dir} (${suffix}): ${bases.length} mixtures`);
  console.log('cell slot | speech frames: lambda/N Smin/N dB, called speech %, speech lost dB | other frames: lambda/N Smin/N dB, noise removed dB | frames (speech/other)');
  const keys = [...acc.keys()].sort((x, y) => { const [a, s] = x.split(' '), [b, u] = y.split(' '); return a === b ? +s - +u : a.localeCompare(b); });
  for (const key of keys) {
    const a = acc.get(key)!, [cell, s] = key.split(' ');
    const f = (v: number, c: number) => (c ? (v / c).toFixed(1) : '-').padStart(6);
    console.log(`${cell.padEnd(11)} ${slotName(+s).padEnd(9)} | ${f(a.lamS, a.cS)} ${f(a.sminS, a.cS)} ${pad(a.sp ? ((100 * a.dec) / a.sp).toFixed(0) : '-', 4)} ${pad(a.eg ? (10 * Math.log10(a.es / a.eg)).toFixed(1) : '-', 5)} | ${f(a.lamP, a.cP)} ${f(a.sminP, a.cP)} ${pad(a.egn ? (10 * Math.log10(a.en / a.egn)).toFixed(1) : '-', 5)} | ${a.cS}/${a.cP}`);
  }
}
