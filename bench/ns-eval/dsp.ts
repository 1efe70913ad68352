/** Small signal-processing helpers for the noise-suppression evaluation. */

/** Seeded PRNG (mulberry32): every corpus and noise is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const u = r() || 1e-12, v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    spare = m * Math.sin(2 * Math.PI * v);
    return m * Math.cos(2 * Math.PI * v);
  };
}

export function energy(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return s;
}
export const db = (x: number): number => 10 * Math.log10(x);

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}
function bessel0(x: number): number {
  let s = 1, t = 1;
  for (let k = 1; k < 30; k++) {
    t *= (x / (2 * k)) ** 2;
    s += t;
  }
  return s;
}

/**
 * Band-limited rational resampler (polyphase windowed sinc, Kaiser beta 8,
 * zc (default 16) zero crossings of the narrower band's sinc on each side, cutoff at
 * 0.95 x the lower Nyquist).  Output length floor(n * out / in).
 */
export function resample(x: Float32Array, fin: number, fout: number, zc = 16): Float32Array {
  if (fin === fout) return x.slice();
  const g = gcd(fin, fout);
  const L = fout / g, M = fin / g;
  const ratio = Math.min(1, fout / fin);
  const fc = 0.95 * ratio; // cutoff relative to input Nyquist
  const half = Math.ceil(zc / fc); // taps each side, in input samples
  const beta = 8;
  const i0b = bessel0(beta);
  // phase p: output time t = (i M) / L = base + p / L
  const taps = 2 * half + 1;
  const bank = new Float32Array(L * taps);
  for (let p = 0; p < L; p++) {
    const frac = p / L;
    for (let k = -half; k <= half; k++) {
      const t = k - frac; // input offset from the output instant
      const a = Math.PI * fc * t;
      const sinc = t === 0 ? 1 : Math.sin(a) / a;
      const w2 = 1 - (t / (half + 1)) ** 2;
      const w = w2 > 0 ? bessel0(beta * Math.sqrt(w2)) / i0b : 0;
      bank[p * taps + k + half] = fc * sinc * w;
    }
  }
  const n = Math.floor((x.length * fout) / fin);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const num = i * M;
    const base = Math.floor(num / L);
    const p = num - base * L;
    const h = p * taps;
    let s = 0;
    const j0 = base - half;
    if (j0 >= 0 && base + half < x.length) {
      for (let k = 0; k < taps; k++) s += x[j0 + k] * bank[h + k];
    } else {
      for (let k = 0; k < taps; k++) {
        const j = j0 + k;
        if (j >= 0 && j < x.length) s += x[j] * bank[h + k];
      }
    }
    y[i] = s;
  }
  return y;
}

/** In-place radix-2 complex FFT (n a power of two). */
export class Fft {
  readonly n: number;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #rev: Uint32Array;
  constructor(n: number) {
    this.n = n;
    this.#cos = new Float64Array(n / 2);
    this.#sin = new Float64Array(n / 2);
    for (let i = 0; i < n / 2; i++) {
      this.#cos[i] = Math.cos((2 * Math.PI * i) / n);
      this.#sin[i] = -Math.sin((2 * Math.PI * i) / n);
    }
    this.#rev = new Uint32Array(n);
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.#rev[i] = r;
    }
  }
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.n, rev = this.#rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (j > i) {
        let t = re[i]; re[i] = re[j]; re[j] = t;
        t = im[i]; im[i] = im[j]; im[j] = t;
      }
    }
    for (let size = 2; size <= n; size <<= 1) {
      const halfSize = size >> 1, step = n / size;
      for (let i = 0; i < n; i += size) {
        for (let j = 0, k = 0; j < halfSize; j++, k += step) {
          const c = this.#cos[k], s = this.#sin[k];
          const a = i + j, b = a + halfSize;
          const tr = re[b] * c - im[b] * s, ti = re[b] * s + im[b] * c;
          re[b] = re[a] - tr; im[b] = im[a] - ti;
          re[a] += tr; im[a] += ti;
        }
      }
    }
  }
}

/**
 * Power spectrogram: frames of `frame` samples with a Hann window, hop
 * `hop`, zero-padded to nfft; returns per frame the nfft/2+1 powers.
 */
const ffts = new Map<number, Fft>();
const wins = new Map<number, Float64Array>();
export function powerSpectrogram(x: ArrayLike<number>, frame: number, hop: number, nfft: number, len = x.length): Float64Array[] {
  let fft = ffts.get(nfft);
  if (!fft) ffts.set(nfft, (fft = new Fft(nfft)));
  let win = wins.get(frame);
  if (!win) {
    win = new Float64Array(frame);
    for (let i = 0; i < frame; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / frame);
    wins.set(frame, win);
  }
  const out: Float64Array[] = [];
  const re = new Float64Array(nfft), im = new Float64Array(nfft);
  for (let s = 0; s + frame <= len; s += hop) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < frame; i++) re[i] = x[s + i] * win[i];
    fft.transform(re, im);
    const p = new Float64Array(nfft / 2 + 1);
    for (let k = 0; k <= nfft / 2; k++) p[k] = re[k] * re[k] + im[k] * im[k];
    out.push(p);
  }
  return out;
}
