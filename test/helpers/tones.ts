/**
 * Tone measurements for the resampler tests and benchmark: a resampler under
 * test is any function from float input samples to float output samples
 * (time-aligned or not: only steady-state amplitudes are measured).
 *
 * Gain at f: least-squares fit of a cos + b sin at the exact frequency f over
 * the steady-state part of the output (the fit is exact for the tone, and
 * distant components leak into it by O(1/N)).  Residual power: what is left
 * after removing the fitted tone, i.e. every alias, image and rounding
 * product, relative to the input tone's power.
 */
export type Convert = (input: Float32Array) => Float32Array;

export interface ToneResult {
  /** Output amplitude at f over the input amplitude, dB. */
  gainDb: number;
  /** Everything else in the output over the input tone's power, dB. */
  residualDb: number;
}

export function tone(n: number, f: number, rate: number, amp: number): Float32Array {
  const x = new Float32Array(n);
  const w = (2 * Math.PI * f) / rate;
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin(w * i + 0.3);
  return x;
}

/** Fit a tone at f (Hz) in y (sampled at rate) over [from, to). */
export function fit(y: Float32Array, f: number, rate: number, from: number, to: number): { amp: number; residualRms: number } {
  const w = (2 * Math.PI * f) / rate;
  let cc = 0, ss = 0, cs = 0, yc = 0, ys = 0;
  for (let i = from; i < to; i++) {
    const c = Math.cos(w * i), s = Math.sin(w * i);
    cc += c * c; ss += s * s; cs += c * s; yc += y[i] * c; ys += y[i] * s;
  }
  const det = cc * ss - cs * cs;
  const a = det ? (yc * ss - ys * cs) / det : 0;
  const b = det ? (ys * cc - yc * cs) / det : 0;
  let r2 = 0;
  for (let i = from; i < to; i++) {
    const e = y[i] - a * Math.cos(w * i) - b * Math.sin(w * i);
    r2 += e * e;
  }
  return { amp: Math.hypot(a, b), residualRms: Math.sqrt(r2 / (to - from)) };
}

const AMP = 0.5;

/** Pass a tone at f through convert and measure gain and residual. */
export function measureTone(convert: Convert, inRate: number, outRate: number, f: number, seconds = 0.25): ToneResult {
  const nIn = Math.round(inRate * seconds);
  const y = convert(tone(nIn, f, inRate, AMP));
  // Skip the start-up transient and the tail (flush) generously: 20 ms each.
  const skip = Math.round(outRate * 0.02);
  const end = Math.min(y.length, Math.floor((nIn * outRate) / inRate)) - skip;
  const fOut = f < outRate / 2 ? f : NaN;
  const r = Number.isNaN(fOut) ? { amp: 0, residualRms: rms(y, skip, end) } : fit(y, f, outRate, skip, end);
  const db = (v: number) => 20 * Math.log10(Math.max(v, 1e-12));
  return { gainDb: db(r.amp / AMP), residualDb: db(r.residualRms / (AMP / Math.SQRT2)) };
}

function rms(y: Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += y[i] * y[i];
  return Math.sqrt(s / (to - from));
}

export interface FilterFigures {
  /** Max - min gain over the passband tones (0.02 .. 0.75 of the lower Nyquist), dB. */
  rippleDb: number;
  /** Frequency of the -3 dB point, as a fraction of the lower Nyquist (to 0.001). */
  bandwidth3dB: number;
  /**
   * Worst alias / image power relative to the input tone, dB (negated: the
   * stopband attenuation). Tones whose aliases or images fall at or beyond
   * 1.05 of the lower Nyquist frequency.
   */
  stopbandDb: number;
}

/** The stated figures of a converter between two rates. */
export function measureFilter(convert: Convert, inRate: number, outRate: number, opts: { coarse?: boolean } = {}): FilterFigures {
  const fN = Math.min(inRate, outRate) / 2;
  const step = opts.coarse ? 0.0625 : 0.025;
  let gMin = Infinity, gMax = -Infinity;
  for (let x = 0.02; x <= 0.75 + 1e-9; x += step) {
    const g = measureTone(convert, inRate, outRate, x * fN).gainDb;
    gMin = Math.min(gMin, g);
    gMax = Math.max(gMax, g);
  }
  // -3 dB point: coarse scan from 0.8, then bisection to 0.001.
  let lo = 0.8, hi = 1.0;
  for (let x = 0.8; x <= 1.0 + 1e-9; x += 0.02) {
    if (measureTone(convert, inRate, outRate, x * fN).gainDb >= -3) lo = x;
    else { hi = x; break; }
  }
  while (hi - lo > 0.001) {
    const mid = (lo + hi) / 2;
    if (measureTone(convert, inRate, outRate, mid * fN).gainDb >= -3) lo = mid;
    else hi = mid;
  }
  const bw = lo;
  let worst = -Infinity;
  if (outRate < inRate) {
    // Downsampling: input tones above the output Nyquist all alias.
    const top = inRate / 2;
    for (let f = 1.05 * fN; f < 0.99 * top; f += (0.99 * top - 1.05 * fN) / (opts.coarse ? 5 : 12)) {
      worst = Math.max(worst, measureTone(convert, inRate, outRate, f).residualDb);
    }
  } else if (outRate > inRate) {
    // Upsampling: passband tones up to 0.95 fN; their first image is at >= 1.05 fN.
    for (let x = 0.05; x <= 0.95 + 1e-9; x += opts.coarse ? 0.15 : 0.075) {
      worst = Math.max(worst, measureTone(convert, inRate, outRate, x * fN).residualDb);
    }
  }
  return { rippleDb: gMax - gMin, bandwidth3dB: Math.round(bw * 1000) / 1000, stopbandDb: -worst };
}
