/**
 * STOI, short-time objective intelligibility, implemented from the paper:
 * C. H. Taal, R. C. Hendriks, R. Heusdens, J. Jensen, "An algorithm for
 * intelligibility prediction of time-frequency weighted noisy speech",
 * IEEE Trans. Audio, Speech, Lang. Process. 19(7), 2011.
 *
 *  - both signals resampled to 10 kHz;
 *  - silent frames removed: 256-sample Hann frames, 50 % overlap; frames
 *    whose clean energy is more than 40 dB below the loudest clean frame
 *    are dropped from both signals, which are rebuilt by overlap-add;
 *  - STFT: 256-sample Hann frames, 50 % overlap, 512-point DFT;
 *  - 15 one-third-octave bands, the lowest centred at 150 Hz; band
 *    amplitude = sqrt of the summed DFT powers of its bins;
 *  - segments of N = 30 frames (384 ms); the processed segment is
 *    normalised to the clean one's energy and clipped to (1 + 10^(-beta/20))
 *    times the clean amplitudes, beta = -15 dB;
 *  - correlation coefficient per band and segment, averaged.
 */
import { Fft, resample } from './dsp.js';

const FS = 10000;
const N_FRAME = 256;
const NFFT = 512;
const N_BANDS = 15;
const MIN_CF = 150;
const SEG = 30;
const BETA = -15;
const DYN_RANGE = 40;

const hann = (() => {
  // the symmetric Hann of length N+2 without its end zeros, as in the paper's reference code
  const w = new Float64Array(N_FRAME);
  for (let i = 0; i < N_FRAME; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1)) / (N_FRAME + 1));
  return w;
})();

/** Band edges as DFT bin ranges [lo, hi) for the 15 third-octave bands. */
const bands = (() => {
  const f = (k: number) => (k * FS) / NFFT;
  const out: [number, number][] = [];
  for (let b = 0; b < N_BANDS; b++) {
    const cf = MIN_CF * Math.pow(2, b / 3);
    const lo = cf * Math.pow(2, -1 / 6), hi = cf * Math.pow(2, 1 / 6);
    // nearest bins to the edges
    let klo = 0, khi = 0, dlo = Infinity, dhi = Infinity;
    for (let k = 0; k <= NFFT / 2; k++) {
      if (Math.abs(f(k) - lo) < dlo) { dlo = Math.abs(f(k) - lo); klo = k; }
      if (Math.abs(f(k) - hi) < dhi) { dhi = Math.abs(f(k) - hi); khi = k; }
    }
    out.push([klo, khi]);
  }
  return out;
})();

function bandEnvelopes(x: Float64Array, fft: Fft): Float64Array[] {
  const hop = N_FRAME / 2;
  const frames: Float64Array[] = [];
  const re = new Float64Array(NFFT), im = new Float64Array(NFFT);
  for (let s = 0; s + N_FRAME <= x.length; s += hop) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < N_FRAME; i++) re[i] = x[s + i] * hann[i];
    fft.transform(re, im);
    const b = new Float64Array(N_BANDS);
    for (let j = 0; j < N_BANDS; j++) {
      let e = 0;
      for (let k = bands[j][0]; k < bands[j][1]; k++) e += re[k] * re[k] + im[k] * im[k];
      b[j] = Math.sqrt(e);
    }
    frames.push(b);
  }
  return frames;
}

/**
 * The clean side of STOI, prepared once: its 10 kHz version, the frames kept
 * after silence removal, and its band envelopes.
 */
export class StoiRef {
  readonly #fs: number;
  readonly #n: number;
  readonly #keep: number[];
  readonly #X: Float64Array[];
  readonly #fft = new Fft(NFFT);
  constructor(clean: Float32Array, fs: number) {
    this.#fs = fs;
    this.#n = clean.length;
    const x10 = Float64Array.from(resample(clean, fs, FS, 8));
    this.#keep = keptFrames(x10);
    this.#X = bandEnvelopes(overlapAdd(x10, this.#keep), this.#fft);
    if (this.#X.length < SEG) throw new Error('stoi: signal too short (needs 30 non-silent frames, ~0.4 s)');
  }
  /** STOI of processed (aligned with the clean signal, at least as long). */
  score(processed: Float32Array): number {
    const y10 = Float64Array.from(resample(processed.subarray(0, this.#n), this.#fs, FS, 8));
    const Y = bandEnvelopes(overlapAdd(y10, this.#keep), this.#fft);
    return correlate(this.#X, Y);
  }
  /**
   * For diagnosis: the correlation of every (segment, band), segment m
   * ending at kept frame m + 29 (12.8 ms hops of kept frames); STOI is
   * their mean.
   */
  detail(processed: Float32Array): Float64Array[] {
    const y10 = Float64Array.from(resample(processed.subarray(0, this.#n), this.#fs, FS, 8));
    const Y = bandEnvelopes(overlapAdd(y10, this.#keep), this.#fft);
    const out: Float64Array[] = [];
    correlate(this.#X, Y, out);
    return out;
  }
  /** Start (in samples at the input rate) of every kept 256-sample frame. */
  keptStarts(): number[] {
    return this.#keep.map((s) => Math.round((s * this.#fs) / FS));
  }
}

function keptFrames(x: Float64Array): number[] {
  const hop = N_FRAME / 2;
  const starts: number[] = [];
  const en: number[] = [];
  for (let s = 0; s + N_FRAME <= x.length; s += hop) {
    let e = 0;
    for (let i = 0; i < N_FRAME; i++) e += (x[s + i] * hann[i]) ** 2;
    starts.push(s);
    en.push(20 * Math.log10(Math.sqrt(e) + 1e-20));
  }
  const max = Math.max(...en);
  return starts.filter((_, i) => en[i] > max - DYN_RANGE);
}

function overlapAdd(x: Float64Array, keep: number[]): Float64Array {
  const hop = N_FRAME / 2;
  const len = keep.length ? (keep.length - 1) * hop + N_FRAME : 0;
  const out = new Float64Array(len);
  keep.forEach((s, j) => {
    const o = j * hop;
    for (let i = 0; i < N_FRAME; i++) out[o + i] += (x[s + i] ?? 0) * hann[i];
  });
  return out;
}

function correlate(X: Float64Array[], Y: Float64Array[], detail?: Float64Array[]): number {
  const M = Math.min(X.length, Y.length);
  const clip = 1 + Math.pow(10, -BETA / 20);
  let sum = 0, count = 0;
  const xs = new Float64Array(SEG), ys = new Float64Array(SEG);
  for (let m = SEG; m <= M; m++) {
    const row = detail ? new Float64Array(N_BANDS) : undefined;
    if (row) detail!.push(row);
    for (let j = 0; j < N_BANDS; j++) {
      let ex = 0, ey = 0;
      for (let t = 0; t < SEG; t++) {
        xs[t] = X[m - SEG + t][j];
        ys[t] = Y[m - SEG + t][j];
        ex += xs[t] * xs[t];
        ey += ys[t] * ys[t];
      }
      const alpha = Math.sqrt(ex / (ey + 1e-30));
      let mx = 0, my = 0;
      for (let t = 0; t < SEG; t++) {
        const v = Math.min(alpha * ys[t], clip * xs[t]);
        ys[t] = v;
        mx += xs[t];
        my += v;
      }
      mx /= SEG;
      my /= SEG;
      let sxy = 0, sxx = 0, syy = 0;
      for (let t = 0; t < SEG; t++) {
        const a = xs[t] - mx, b = ys[t] - my;
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
      }
      const c = sxy / (Math.sqrt(sxx * syy) + 1e-30);
      if (row) row[j] = c;
      sum += c;
      count++;
    }
  }
  return sum / count;
}

/** STOI of processed against clean, both at sample rate fs and aligned. */
export function stoi(clean: Float32Array, processed: Float32Array, fs: number): number {
  const n = Math.min(clean.length, processed.length);
  return new StoiRef(clean.subarray(0, n), fs).score(processed.subarray(0, n));
}
