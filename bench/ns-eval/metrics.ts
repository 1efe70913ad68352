/**
 * The shared README's metrics for one processed signal against the clean
 * speech and the noise that were mixed (all at the evaluation rate):
 *  - dSNR: global SNR of the delay-compensated output against the clean
 *    reference, minus the input's;
 *  - SA / NA: the effective gain G = |Y| / |X| (20 ms Hann STFT, 10 ms hop,
 *    of output Y and noisy input X, capped at 2) applied to the clean and
 *    noise parts: SA = 10 log10(sum |S|^2 / sum |G S|^2), NA likewise;
 *  - NAabs: NA over pause frames only (clean frame energy 60 dB below the
 *    loudest clean frame).
 */
import { db, energy, powerSpectrogram } from './dsp.js';
import { StoiRef } from './stoi.js';

export interface Metrics {
  stoi: number;
  snrOut: number;
  sa: number;
  na: number;
  naAbs: number;
}

export class MixRef {
  readonly len: number;
  readonly stoiRef: StoiRef;
  readonly S: Float64Array[];
  readonly N: Float64Array[];
  readonly X: Float64Array[];
  readonly pause: boolean[];
  readonly snrIn: number;
  readonly #frame: number;
  readonly #nfft: number;
  constructor(readonly clean: Float32Array, readonly noise: Float32Array, readonly noisy: Float32Array, readonly fs: number, len: number) {
    this.len = len;
    this.stoiRef = new StoiRef(clean.subarray(0, len), fs);
    this.#frame = fs / 50;
    this.#nfft = 1 << Math.ceil(Math.log2(this.#frame));
    const hop = fs / 100;
    this.S = powerSpectrogram(clean, this.#frame, hop, this.#nfft, len);
    this.N = powerSpectrogram(noise, this.#frame, hop, this.#nfft, len);
    this.X = powerSpectrogram(noisy, this.#frame, hop, this.#nfft, len);
    const fe = this.S.map((p) => p.reduce((a, b) => a + b, 0));
    const max = Math.max(...fe);
    this.pause = fe.map((e) => e < max * 1e-6);
    let err = 0;
    for (let i = 0; i < len; i++) err += (noisy[i] - clean[i]) ** 2;
    this.snrIn = db(energy(clean, 0, len) / err);
  }

  measure(out: Float32Array, delay: number): Metrics {
    const len = this.len;
    const y = out.subarray(delay, delay + len);
    let err = 0;
    for (let i = 0; i < len; i++) err += (y[i] - this.clean[i]) ** 2;
    const snrOut = db(energy(this.clean, 0, len) / (err + 1e-30));
    const Y = powerSpectrogram(y, this.#frame, this.fs / 100, this.#nfft, len);
    let s0 = 0, s1 = 0, n0 = 0, n1 = 0, p0 = 0, p1 = 0;
    for (let t = 0; t < Y.length; t++) {
      const yt = Y[t], xt = this.X[t], st = this.S[t], nt = this.N[t];
      const pz = this.pause[t];
      for (let k = 0; k < yt.length; k++) {
        let g2 = yt[k] / (xt[k] + 1e-30);
        if (g2 > 4) g2 = 4;
        s0 += st[k];
        s1 += g2 * st[k];
        n0 += nt[k];
        n1 += g2 * nt[k];
        if (pz) {
          p0 += nt[k];
          p1 += g2 * nt[k];
        }
      }
    }
    return {
      stoi: this.stoiRef.score(y),
      snrOut,
      sa: db(s0 / (s1 + 1e-30)),
      na: db(n0 / (n1 + 1e-30)),
      naAbs: p0 > 0 ? db(p0 / (p1 + 1e-30)) : NaN,
    };
  }
}
