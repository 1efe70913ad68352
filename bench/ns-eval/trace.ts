/**
 * Shared by the diagnosis tools that read the harness's per-bin trace
 * (-DNS_BIN_DUMP=1: bin-trace.ts, lam-trace.ts, noise-alone.ts, start-trace.ts): the
 * trace's record length and the periodograms of the core's own STFT; and the
 * core's minimum tracking replayed (start-trace.ts, min-ratio.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FS, makeNoise, type NoiseKind } from './corpus.js';
import { resample } from './dsp.js';

/** A raw float32 file (the probe's .f32 dumps and the harness's .bins trace). */
export function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

/** Floats per frame in `vk_ns_bin_dump`'s record for `nb` bins (native/core/src/ns.c). */
export const binRecord = (nb: number) => 5 * nb + 4;

/**
 * The periodograms of bins 0..K-1 of frames 0..T-1 in the core's STFT:
 * frame t covers samples (t-1)n .. (t+1)n under the periodic sine window
 * (50 Hz bins at n = rate / 100), samples at int16 scale (x * 32768), each
 * power times `scale` (2^-30 gives the core's own periodogram scale).
 */
export function lowPeriodograms(x: ArrayLike<number>, T: number, n: number, K: number, scale = 1): Float64Array[] {
  const win = Float64Array.from({ length: 2 * n }, (_, i) => Math.sqrt(0.5 - 0.5 * Math.cos((Math.PI * i) / n)));
  const out: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const p = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let re = 0, im = 0;
      for (let i = 0; i < 2 * n; i++) {
        const j = (t - 1) * n + i;
        const v = j >= 0 && j < x.length ? x[j] * 32768 * win[i] : 0;
        re += v * Math.cos((Math.PI * k * i) / n);
        im -= v * Math.sin((Math.PI * k * i) / n);
      }
      p[k] = (re * re + im * im) * scale;
    }
    out.push(p);
  }
  return out;
}

/** ns.c's minimum tracking constants: ALPHA_S, MIN_SUBWIN, MIN_NSUB. */
export const MIN_TRACK = { alphaS: 0.8, subwin: 12, nsub: 8 } as const;

/**
 * ns.c's minimum tracking replayed on the periodograms of successive frames
 * (the core's scale): smoothed over 3 bins and in time (ALPHA_S) into S, the
 * running sub-window's minimum Stmp, and a ring of `slots` sub-window minima
 * of MIN_SUBWIN frames, every slot seeded with frame 0's 3-bin power as the
 * core seeds its own.  `push` returns true at a turnover (the sub-window has
 * just been written and Stmp restarts at S); `minNewest(k, a, b)` is bin
 * k's minimum over the slots a..b-1 counted from the newest (Infinity when
 * that is none).  The usual minimum is min(minNewest(k, 0, MIN_NSUB), Stmp[k]).
 */
export class MinReplay {
  readonly S: Float64Array;
  readonly Stmp: Float64Array;
  /** sub-windows written since the start */
  written = 0;
  private readonly ring: Float64Array[];
  private readonly Sf: Float64Array;
  private idx = 0;
  private pos = 0;
  private t = 0;
  constructor(readonly nb: number, readonly slots: number) {
    this.S = new Float64Array(nb);
    this.Stmp = new Float64Array(nb);
    this.Sf = new Float64Array(nb);
    this.ring = Array.from({ length: slots }, () => new Float64Array(nb));
  }
  push(P: ArrayLike<number>): boolean {
    const { nb, S, Stmp, Sf } = this, a = MIN_TRACK.alphaS;
    Sf[0] = 0.75 * P[0] + 0.25 * P[1];
    for (let k = 1; k < nb - 1; k++) Sf[k] = 0.25 * (P[k - 1] + P[k + 1]) + 0.5 * P[k];
    Sf[nb - 1] = 0.75 * P[nb - 1] + 0.25 * P[nb - 2];
    if (this.t++ === 0) { S.set(Sf); Stmp.set(Sf); for (const r of this.ring) r.set(Sf); }
    for (let k = 0; k < nb; k++) { S[k] = a * S[k] + (1 - a) * Sf[k]; Stmp[k] = Math.min(Stmp[k], S[k]); }
    if (++this.pos < MIN_TRACK.subwin) return false;
    this.pos = 0;
    this.ring[this.idx].set(Stmp);
    this.idx = (this.idx + 1) % this.slots;
    this.written++;
    Stmp.set(S);
    return true;
  }
  minNewest(k: number, a: number, b: number): number {
    let m = Infinity;
    for (let u = a; u < b; u++) m = Math.min(m, this.ring[(this.idx - 1 - u + 2 * this.slots) % this.slots][k]);
    return m;
  }
}

/** The noise's PSD per frame: its periodograms averaged over +-`half` frames (fewer at the ends). */
export function noisePsd(N: Float64Array[], half = 25): Float64Array[] {
  return N.map((_, t) => {
    const p = new Float64Array(N[t].length);
    let c = 0;
    for (let u = Math.max(0, t - half); u < Math.min(N.length, t + half + 1); u++) {
      c++;
      for (let k = 0; k < p.length; k++) p[k] += N[u][k];
    }
    return p.map((v) => v / c);
  });
}

/**
 * The suppressor on noise alone: builds the C harness with the per-bin
 * trace (-DNS_BIN_DUMP=1 plus `cflags`) into `work`, writes `files` noises of
 * each kind, `seconds` long, from seeds 9000 + 10 i + (the kind's index in
 * `kinds`), which no corpus set uses, at the corpus's level (speech -28
 * dBFS, 0 dB SNR), at `rate`, and runs the harness (strength 0.5) on them.
 * Each noise's output and trace land beside it (.ours, .ours.bins).
 */
export function runNoiseAlone(o: {
  root: string; work: string; cflags: string; kinds: readonly NoiseKind[]; files: number; seconds: number; rate: number; babbleTalkers?: Float32Array[][];
}): { kind: NoiseKind; file: string; nz: Float32Array }[] {
  mkdirSync(o.work, { recursive: true });
  const b = spawnSync('bash', [join(o.root, 'bench/ns-eval/harness/build.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, VK_NS_CFLAGS: `-DNS_BIN_DUMP=1 ${o.cflags}`, NS_EVAL_OUT: o.work },
  });
  if (b.status !== 0) throw new Error('harness build failed');
  const made: { kind: NoiseKind; file: string; nz: Float32Array }[] = [];
  for (const kind of o.kinds) {
    for (let i = 0; i < o.files; i++) {
      const nz = resample(makeNoise(kind, o.seconds * FS, 9000 + 10 * i + o.kinds.indexOf(kind), o.babbleTalkers ?? []), FS, o.rate);
      let e = 0;
      for (const v of nz) e += v * v;
      const g = 10 ** (-28 / 20) / Math.sqrt(e / nz.length);
      const x = Float32Array.from(nz, (v) => v * g);
      const file = join(o.work, `noise-${kind}-${i}.raw`);
      writeFileSync(file, Buffer.from(Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768)))).buffer));
      made.push({ kind, file, nz: x });
    }
  }
  const list = join(o.work, 'noise-list.txt');
  writeFileSync(list, made.map((m) => `${m.file} ${m.file}.ours`).join('\n') + '\n');
  const r = spawnSync(join(o.work, 'vk_ns'), ['50', String(o.rate), 'list', list], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
  return made;
}
