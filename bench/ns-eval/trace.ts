/**
 * Shared by the diagnosis tools that read the harness's per-bin trace
 * (-DNS_BIN_DUMP=1: bin-trace.ts, lam-trace.ts, noise-alone.ts, start-trace.ts): the
 * trace's record length and the periodograms of the core's own STFT.
 */
import { readFileSync } from 'node:fs';

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
