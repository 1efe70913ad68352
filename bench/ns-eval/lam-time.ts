/**
 * Diagnosis (not the table): the core's noise estimate over time against
 * the true noise and the clean speech, in three bands (100-500 Hz,
 * 0.5-1.5 kHz, 1.5-3.9 kHz), 100 ms per line, with the final gain, the
 * speech hangover and the voicing guard's pitch.  8 kHz only.  Session 12,
 * docs/ns.md "Session 12: a talker who speaks phrases".
 *
 *   npx tsx bench/ns-eval/probe.ts --rate 8000 --set train --talkers fl-cs-v --noises brown --snrs 20 \
 *       --dump --cflags '-DNS_BIN_DUMP=1' --work build/ns-probe-X
 *   npx tsx bench/ns-eval/lam-time.ts build/ns-probe-X train-fl-cs-v-brown-20-8000
 *
 * Levels in dB on the core's periodogram scale (trace.ts): lam the
 * estimate, N the noise's PSD (its periodogram averaged over +-25 frames),
 * S the clean speech's periodogram (-300: digital silence), g the mean
 * final gain.
 */
import { binRecord, lowPeriodograms, noisePsd, readF32 } from './trace.js';
const [dir, base] = [process.argv[2], process.argv[3]];
const rate = 8000, n = 80, nb = 81, K = 81, sc = 2 ** -30;
const B = readF32(`${dir}/${base}.ours.bins`), rec = binRecord(nb), T = B.length / rec;
const S = lowPeriodograms(readF32(`${dir}/${base}.clean.f32`), T, n, K, sc);
const N = noisePsd(lowPeriodograms(readF32(`${dir}/${base}.noise.f32`), T, n, K, sc));
const db = (v: number) => (10 * Math.log10(v + 1e-30)).toFixed(1).padStart(6);
const groups: [string, number, number][] = [['lo', 2, 10], ['mid', 10, 30], ['hi', 30, 78]];
console.log('t(s)  ' + groups.map(([g]) => `${g}: lam   N     S   g`).join(' | '));
for (let t0 = 0; t0 < T; t0 += 10) {
  const row = groups.map(([, a, b]) => {
    let l = 0, nn = 0, s = 0, g = 0, c = 0;
    for (let t = t0; t < Math.min(T, t0 + 10); t++) for (let k = a; k < b; k++) { const r = B.subarray(t * rec); l += r[k]; nn += N[t][k]; s += S[t][k]; g += r[2 * nb + k]; c++; }
    return `${db(l / c)} ${db(nn / c)} ${db(s / c)} ${(g / c).toFixed(2)}`;
  });
  const r0 = B.subarray(t0 * rec);
  console.log(`${(t0 / 100).toFixed(1).padStart(4)} ${row.join(' | ')} hang ${r0[5 * nb]} f0 ${r0[5 * nb + 3].toFixed(1)}`);
}
