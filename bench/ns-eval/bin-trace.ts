/**
 * Diagnosis (not the table): the core's per-bin trace against the true clean
 * speech and noise, in the core's own STFT (20 ms periodic sine window, 10 ms
 * hop, 50 Hz bins).  Session 10, docs/ns.md "Session 10: the low band's lost speech".
 *
 *   npx tsx bench/ns-eval/probe.ts --rate 8000 --set train --snrs -5,0 --dump \
 *       --cflags '-DNS_BIN_DUMP=1' --work build/ns-probe-X
 *   npx tsx bench/ns-eval/bin-trace.ts build/ns-probe-X
 *
 * 8 kHz only, bins 0..650 Hz.  For the bins whose true local SNR (clean
 * periodogram over the noise periodogram averaged over +-25 frames) is
 * >= 10 dB in frames with speech: speech-energy weighted means of the final
 * and the stage gain, the noise estimate over the true noise PSD (the
 * core's periodogram scale puts it near -90 dB: compare with the same
 * ratio in frames without speech, printed last), the estimated and true a
 * priori SNR, the lower-gain neighbour's gain and true SNR, and the gain a
 * tone half-way between the bin and that neighbour gets through the
 * product (Hann) window's kernel (0.42 each, 0.08 the next ones out).
 */
import { readdirSync } from 'node:fs';
import { binRecord, lowPeriodograms, noisePsd, readF32 } from './trace.js';
const dir = process.argv[2], rate = 8000, n = rate / 100, nb = n + 1, K = 14;
type Acc = { w: number; gs: number; g: number; lam: number; xi: number; hang: number; low: number; fl: number; cnt: number; xiT: number; nbg: number; nbx: number; eff: number };
const acc = new Map<string, Acc>();
const add = (key: string, w: number, v: Omit<Acc, 'w' | 'cnt'>) => {
  let a = acc.get(key); if (!a) acc.set(key, (a = { w: 0, gs: 0, g: 0, lam: 0, xi: 0, hang: 0, low: 0, fl: 0, cnt: 0, xiT: 0, nbg: 0, nbx: 0, eff: 0 }));
  a.w += w; a.cnt++; for (const k of Object.keys(v) as (keyof typeof v)[]) a[k] += w * v[k];
};
const pause = new Map<string, { lam: number; cnt: number }>();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.ours.bins'))) {
  const base = f.replace('.ours.bins', ''), noise = base.split('-')[2];
  const B = readF32(`${dir}/${f}`), rec = binRecord(nb), T = B.length / rec;
  const S = lowPeriodograms(readF32(`${dir}/${base}.clean.f32`), T, n, K), N = lowPeriodograms(readF32(`${dir}/${base}.noise.f32`), T, n, K);
  // the noise's PSD: its periodogram averaged over +-25 frames
  const Nm = noisePsd(N);
  const smax = Math.max(...S.map((p) => p.reduce((a, b) => a + b, 0)));
  for (let t = 50; t < T; t++) {
    const r = B.subarray(t * rec, (t + 1) * rec);
    const speechFrame = S[t].reduce((a, b) => a + b, 0) > smax * 1e-4;
    for (let k = 0; k < K; k++) {
      const lam = r[k], g = r[nb + k], gs = r[2 * nb + k], xi = r[4 * nb + k];
      const xiT = S[t][k] / (Nm[t][k] + 1e-9);
      if (!speechFrame) { const key = `${noise} ${k * 50}`; let a = pause.get(key); if (!a) pause.set(key, (a = { lam: 0, cnt: 0 })); a.lam += Math.log10(lam / Nm[t][k]); a.cnt++; continue; }
      if (xiT < 10) continue;
      const v = { gs: 20 * Math.log10(gs), g: 20 * Math.log10(Math.max(g, 1e-4)), lam: 10 * Math.log10(lam / Nm[t][k]), xi: 10 * Math.log10(xi), hang: r[5 * nb] > 0 ? 1 : 0, low: r[5 * nb + 2], fl: 20 * Math.log10(r[5 * nb + 1]), xiT: 10 * Math.log10(xiT), nbg: 0, nbx: 0, eff: 0 };
      if (k >= 1 && k + 1 < K) { const gl = r[2 * nb + k - 1], gr = r[2 * nb + k + 1]; const lo = Math.min(gl, gr); v.nbg = 20 * Math.log10(lo); const kk = gl < gr ? k - 1 : k + 1; v.nbx = 10 * Math.log10(S[t][kk] / (Nm[t][kk] + 1e-9)); v.eff = 20 * Math.log10(0.42 * (gs + lo) + 0.16 * Math.max(gl, gr)); }
      add(`${String(k * 50).padStart(3)} Hz all`, S[t][k], v);
      add(`${String(k * 50).padStart(3)} Hz ${noise}`, S[t][k], v);
    }
  }
}
console.log('bins with true local SNR >= 10 dB in speech frames (speech-energy weighted means): gs dB | stage gain dB | lambda/trueN dB | xi dB | true xi dB | speech-hang share | pres_low share | floor dB');
for (const k of [...acc.keys()].sort((a, b) => (a.split(' ')[2] + a).localeCompare(b.split(' ')[2] + b))) {
  const a = acc.get(k)!;
  console.log(`${k.padEnd(16)} ${(a.gs / a.w).toFixed(2).padStart(7)} ${(a.g / a.w).toFixed(2).padStart(7)} ${(a.lam / a.w).toFixed(2).padStart(7)} ${(a.xi / a.w).toFixed(1).padStart(6)} ${(a.xiT / a.w).toFixed(1).padStart(6)} ${(a.hang / a.w).toFixed(2)} ${(a.low / a.w).toFixed(2)} ${(a.fl / a.w).toFixed(1)} | lower nb gain ${(a.nbg / a.w).toFixed(1)} its true xi ${(a.nbx / a.w).toFixed(1)} | half-way tone ${(a.eff / a.w).toFixed(2)}  n=${a.cnt}`);
}
console.log('non-speech frames: mean log ratio lambda / true noise PSD, dB');
for (const [k, a] of pause) if (+k.split(' ')[1] <= 400) process.stdout.write(`${k}:${(10 * a.lam / a.cnt).toFixed(1)} `);
console.log();
