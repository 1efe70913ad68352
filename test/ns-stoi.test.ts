// The evaluation's STOI (bench/ns-eval/stoi.ts, implemented from Taal et al.
// 2011) on sanity cases.  Not a core capability, so no backend loop.
import { describe, it, expect } from 'vitest';
import { stoi } from '../bench/ns-eval/stoi.js';
import { gaussian, rng } from '../bench/ns-eval/dsp.js';

/** A speech-like test signal: voiced syllables (harmonics of a gliding F0, two formant-like peaks) at ~4 Hz with pauses. */
function speechLike(fs: number, seconds: number, seed: number): Float32Array {
  const r = rng(seed);
  const n = fs * seconds;
  const x = new Float32Array(n);
  let t = 0;
  while (t < n) {
    const len = Math.floor((0.12 + 0.2 * r()) * fs);
    const f0 = 100 + 120 * r();
    const f1 = 300 + 600 * r(), f2 = 900 + 1800 * r();
    let ph = 0;
    for (let i = 0; i < len && t + i < n; i++) {
      const env = Math.sin((Math.PI * i) / len);
      const f = f0 * (1 + 0.1 * (i / len));
      ph += (2 * Math.PI * f) / fs;
      let v = 0;
      for (let h = 1; h * f < Math.min(4000, fs / 2 - 200); h++) {
        const fh = h * f;
        const a = Math.exp(-(((fh - f1) / 200) ** 2)) + 0.5 * Math.exp(-(((fh - f2) / 300) ** 2)) + 0.05;
        v += a * Math.sin(h * ph);
      }
      x[t + i] = 0.05 * env * v;
    }
    t += len + Math.floor((0.05 + 0.25 * r()) * fs);
  }
  return x;
}

describe('STOI (bench/ns-eval)', () => {
  for (const fs of [8000, 16000, 48000]) {
    it(`${fs} Hz: clean against itself is 1`, () => {
      const x = speechLike(fs, 3, 1);
      expect(stoi(x, x, fs)).toBeCloseTo(1, 6);
    });
  }

  it('speech against unrelated noise is well below 0.5', () => {
    const fs = 16000;
    const x = speechLike(fs, 3, 2);
    const g = gaussian(rng(3));
    const noise = Float32Array.from({ length: x.length }, () => 0.05 * g());
    const other = speechLike(fs, 3, 99);
    // Clipping at -15 dB lets a noise follow the clean envelope a little: about 0.3 here.
    expect(stoi(x, noise, fs)).toBeLessThan(0.4);
    expect(stoi(x, other, fs)).toBeLessThan(0.5);
  });

  it('falls monotonically as white noise is added, and ignores a global gain', () => {
    const fs = 16000;
    const x = speechLike(fs, 3, 4);
    const g = gaussian(rng(5));
    const w = Float32Array.from({ length: x.length }, () => g());
    const px = x.reduce((a, v) => a + v * v, 0) / x.length;
    const scores = [20, 5, 0, -5, -15].map((snr) => {
      const k = Math.sqrt(px / 10 ** (snr / 10));
      return stoi(x, Float32Array.from(x, (v, i) => v + k * w[i]), fs);
    });
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1]);
    expect(scores[0]).toBeGreaterThan(0.9);
    expect(scores[4]).toBeLessThan(0.6);
    expect(stoi(x, Float32Array.from(x, (v) => 0.1 * v), fs)).toBeCloseTo(1, 6);
  });
});
