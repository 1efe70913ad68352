/**
 * Diagnosis (not the table): where the noise estimate's excess in the low
 * bins during speech comes from.  Session 11, docs/ns.md "Session 11: the
 * noise estimate under speech in the low band".
 *
 *   npx tsx bench/ns-eval/probe.ts --rate 8000 --set train --snrs -5,0 --dump \
 *       --cflags '-DNS_BIN_DUMP=1' --work build/ns-probe-X
 *   npx tsx bench/ns-eval/lam-trace.ts build/ns-probe-X
 *
 * 8 kHz only, bins 50..650 Hz.  From the core's trace (vk_ns_bin_dump) the
 * noise estimate lambda_t and the posterior SNR give the periodogram
 * P_t = gamma_t lambda_t (frames without a cut click), and with them the
 * weight w_t = (lambda_t - lambda_t-1) / (P_t - lambda_t-1) with which the
 * recursive average took this frame in (0: held out).  The same weights
 * applied to the noise's own periodogram (the mixture's noise alone, in the
 * core's STFT, scaled to the core's by the median of P over the mixture's
 * periodogram) give lambda_n: what the estimate would be had the averaged
 * frames held no speech.  So
 *   lambda / N = (lambda / lambda_n) x (lambda_n / N):
 * the speech let into the average ("leak") times the bias of the frames'
 * selection on the noise ("select").  N is the noise periodogram averaged
 * over +-25 frames (as in bin-trace.ts).  The leak is split exactly by the
 * class of the frame-bin that let it in: its true local SNR (clean
 * periodogram over N), and the frame's type in the trace (no speech
 * decision / speech, not voiced by the guard / voiced).  An optional
 * second argument keeps one noise.  Keyboard mixtures are skipped (a cut
 * click's frame is not P = gamma lambda).
 */
import { readdirSync } from 'node:fs';
import { binRecord, lowPeriodograms, noisePsd, readF32 } from './trace.js';
const dir = process.argv[2], rate = 8000, n = rate / 100, nb = n + 1, K = 14;
const onlyNoise = process.argv[3]; // optional: one noise
const CLS = ['<-5', '-5..0', '0..5', '5..10', '>=10'];
const cls = (xdb: number) => (xdb < -5 ? 0 : xdb < 0 ? 1 : xdb < 5 ? 2 : xdb < 10 ? 3 : 4);
type Row = { w: number; lam: number; lamn: number; cnt: number; leak: Float64Array; upd: Float64Array; wsum: Float64Array };
const rows = new Map<string, Row>();
const row = (key: string) => { let a = rows.get(key); if (!a) rows.set(key, (a = { w: 0, lam: 0, lamn: 0, cnt: 0, leak: new Float64Array(15), upd: new Float64Array(15), wsum: new Float64Array(15) })); return a; };
const calib: number[] = [];
for (const f of readdirSync(dir).filter((f) => f.endsWith('.ours.bins'))) {
  const base = f.replace('.ours.bins', ''), noise = /-(white|pink|brown|babble|keyboard|fan)-/.exec(base)?.[1] ?? '?'; // talkers may hold a '-' (ast-it)
  if (noise === 'keyboard') continue; // cut clicks change lambda_eff; their frames are not P = gamma lambda
  if (onlyNoise && noise !== onlyNoise) continue;
  const B = readF32(`${dir}/${f}`), rec = binRecord(nb), T = B.length / rec;
  const cl = readF32(`${dir}/${base}.clean.f32`), no = readF32(`${dir}/${base}.noise.f32`);
  const S = lowPeriodograms(cl, T, n, K), N = lowPeriodograms(no, T, n, K);
  const mix = Float64Array.from(cl, (v, i) => v + no[i]);
  const M = lowPeriodograms(mix, T, n, K);
  const Nm = noisePsd(N);
  const lam = (t: number, k: number) => B[t * rec + k], P = (t: number, k: number) => B[t * rec + 3 * nb + k] * B[t * rec + k];
  // scale of the core's periodogram to the trace's: median of P / M
  const rs: number[] = [];
  for (let t = 20; t < T; t++) for (let k = 2; k < K; k++) rs.push(P(t, k) / M[t][k]);
  rs.sort((a, b) => a - b);
  const c = rs[rs.length >> 1];
  calib.push(c);
  const smax = Math.max(...S.map((p) => p.reduce((a, b) => a + b, 0)));
  for (let k = 1; k < K; k++) {
    let ln = lam(0, k); // the replay starts where the core did
    const D = new Float64Array(15); // the leak by class of the frame that let it in (lambda - lambda_n split exactly)
    for (let t = 1; t < T; t++) {
      const l0 = lam(t - 1, k), l1 = lam(t, k), p = P(t, k);
      let w = Math.abs(p - l0) > 1e-6 * l0 ? (l1 - l0) / (p - l0) : 0;
      w = w < 0 ? 0 : w > 1 ? 1 : w;
      const pn = c * N[t][k];
      ln = (1 - w) * ln + w * pn;
      const xT = 10 * Math.log10(S[t][k] / (Nm[t][k] + 1e-9));
      const fr = B[t * rec + 5 * nb + 3] > 0 ? 2 : B[t * rec + 5 * nb] > 0 ? 1 : 0; // voiced (guard's pitch) / speech decision / neither
      const ci = cls(xT) + 5 * fr;
      for (let j = 0; j < 15; j++) D[j] *= 1 - w;
      D[ci] += w * (p - pn);
      if (t < 50) continue;
      const speechFrame = S[t].reduce((a, b) => a + b, 0) > smax * 1e-4;
      const xiT = S[t][k] / (Nm[t][k] + 1e-9);
      const keys: string[] = [];
      if (!speechFrame) keys.push(`pause ${noise}`, 'pause all');
      else if (xiT >= 10) keys.push(`sp>=10 ${noise}`, 'sp>=10 all');
      const wt = speechFrame ? S[t][k] : 1;
      for (const kk of keys.map((s) => `${String(k * 50).padStart(3)} Hz ${s}`)) {
        const a = row(kk);
        a.w += wt; a.cnt++;
        a.lam += wt * 10 * Math.log10(l1 / (c * Nm[t][k]));
        a.lamn += wt * 10 * Math.log10(ln / (c * Nm[t][k]));
        for (let j = 0; j < 15; j++) a.leak[j] += wt * D[j] / l1; // share of lambda from each class
      }
      // the update weights by class, all frames
      const a = row(`${String(k * 50).padStart(3)} Hz upd ${noise}`), b = row(`${String(k * 50).padStart(3)} Hz upd all`);
      for (const r of [a, b]) { r.upd[ci] += 1; r.wsum[ci] += w; }
    }
  }
}
calib.sort((a, b) => a - b);
console.log(`scale core/trace periodogram: median ${calib[calib.length >> 1].toExponential(3)} (min ${calib[0].toExponential(3)} max ${calib[calib.length - 1].toExponential(3)})`);
console.log('lambda/N dB = leak dB + select dB; leak split: share of lambda (%) let in by frame-bins of true local SNR class (no speech decision | speech, not voiced | voiced)');
console.log(`${''.padEnd(24)} ${'lam/N'.padStart(6)} ${'lamn/N'.padStart(6)} ${'leak'.padStart(6)} | ${CLS.map((s) => s.padStart(6)).join('')} | ${CLS.map((s) => s.padStart(6)).join('')} | ${CLS.map((s) => s.padStart(6)).join('')}`);
for (const k of [...rows.keys()].filter((k) => !k.includes('upd')).sort((a, b) => (a.split(' ').slice(2).join(' ') + a).localeCompare(b.split(' ').slice(2).join(' ') + b))) {
  if (onlyNoise === undefined && !k.endsWith('all') && +k.split(' ')[0] > 300) continue;
  const a = rows.get(k)!;
  const L = a.lam / a.w, Ln = a.lamn / a.w;
  console.log(`${k.padEnd(24)} ${L.toFixed(2).padStart(6)} ${Ln.toFixed(2).padStart(6)} ${(L - Ln).toFixed(2).padStart(6)} | ${[...a.leak].map((v, j) => (j % 5 === 0 && j ? ' |' : '') + ((100 * v) / a.w).toFixed(1).padStart(6)).join('')}  n=${a.cnt}`);
}
console.log('update weight: mean w (x100) by class of the frame-bin (no speech decision | speech, not voiced | voiced), all frames');
for (const k of [...rows.keys()].filter((k) => k.includes('upd all'))) {
  const a = rows.get(k)!;
  console.log(`${k.padEnd(24)} ${[...a.wsum].map((v, j) => (j % 5 === 0 && j ? ' |' : '') + (a.upd[j] ? ((100 * v) / a.upd[j]).toFixed(2) : '-').padStart(6)).join('')} | frames ${[...a.upd].map((v) => v.toFixed(0)).join(' ')}`);
}
