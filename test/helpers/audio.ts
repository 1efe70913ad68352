/**
 * Audio helpers for codec tests: test signals and the quality measure.
 *
 * The measure: the decoded signal is aligned to the source by the lag (in a
 * given window) that maximizes their cross-correlation, then
 *   snr  = 10 log10( sum src^2 / sum (src - out)^2 )  in dB,
 *   corr = normalized cross-correlation at that lag (1 = identical shape),
 * both over the aligned overlap, skipping `skip` samples at the start
 * (codec start-up).  Multichannel input is compared per interleaved sample.
 */
import { readFileSync } from 'node:fs';

/** 4 s of speech at 48 kHz mono (test/vectors/opus/README.md). */
export function speech48k(): Int16Array {
  const b = readFileSync(new URL('../vectors/opus/speech48k.s16le', import.meta.url));
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** Resample by linear interpolation after a moving-average low-pass: good enough for test input. */
export function downsample(src: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return src;
  const ratio = from / to;
  const taps = Math.max(1, Math.round(ratio));
  const out = new Int16Array(Math.floor(src.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i * ratio);
    let s = 0;
    let n = 0;
    for (let k = -Math.floor(taps / 2); k <= Math.floor(taps / 2); k++) {
      const j = c + k;
      if (j >= 0 && j < src.length) {
        s += src[j];
        n++;
      }
    }
    out[i] = Math.round(s / n);
  }
  return out;
}

/**
 * A deterministic voiced, speech-like test signal: harmonics of a gliding
 * 120..220 Hz pitch with a spectral tilt, syllable-rate amplitude envelope,
 * up to 3.4 kHz (so every Opus bandwidth carries all of it).
 */
export function voiced(rate: number, seconds: number, channels: 1 | 2 = 1): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n * channels);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const f0 = 170 + 50 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / rate;
    let s = 0;
    for (let h = 1; f0 * h < 3400; h++) s += Math.sin(h * phase + h * h * 0.3) / h;
    const env = 0.55 + 0.45 * Math.sin(2 * Math.PI * 3 * t);
    const v = Math.round(6000 * env * s);
    for (let c = 0; c < channels; c++) out[i * channels + c] = c === 0 ? v : Math.round(v * 0.6);
  }
  return out;
}

export interface Match {
  lag: number;
  snr: number;
  corr: number;
}

/** Best alignment of out against src for lags minLag..maxLag (out delayed by lag). */
export function compare(src: ArrayLike<number>, out: ArrayLike<number>, maxLag: number, skip = 0, channels = 1, minLag = 0): Match {
  let best: Match = { lag: 0, snr: -Infinity, corr: -Infinity };
  const n = Math.min(src.length, out.length);
  for (let lag = Math.max(0, minLag); lag <= maxLag; lag += 1) {
    const d = lag * channels;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    let err = 0;
    for (let i = skip * channels; i + d < n; i++) {
      const x = src[i];
      const y = out[i + d];
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
      err += (x - y) * (x - y);
    }
    const corr = sxy / Math.sqrt(sxx * syy || 1);
    if (corr > best.corr) best = { lag, corr, snr: 10 * Math.log10(sxx / (err || 1e-9)) };
  }
  return best;
}

/** SNR in dB of out against src at a known lag. */
export function snrAt(src: ArrayLike<number>, out: ArrayLike<number>, lag: number, skip = 0, end = Infinity): number {
  let p = 0;
  let e = 0;
  const n = Math.min(src.length, out.length - lag, end);
  for (let i = skip; i < n; i++) {
    const x = src[i];
    const y = out[i + lag];
    p += x * x;
    e += (x - y) * (x - y);
  }
  return 10 * Math.log10(p / (e || 1e-9));
}

/** Concatenate Int16 chunks. */
export function concat16(chunks: ArrayLike<number>[]): Int16Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Int16Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c as Int16Array, at);
    at += c.length;
  }
  return out;
}

/** A small seeded PRNG (mulberry32) so loss patterns reproduce from a seed. */
export { mulberry32 as prng } from './random.js';
