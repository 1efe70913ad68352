/**
 * Diagnosis (not the table): the suppressor on noise alone, from seeds no
 * corpus set uses (9000 + i), 8 kHz.  Session 11, docs/ns.md "Session 11:
 * the noise estimate under speech in the low band".
 *
 *   npx tsx bench/ns-eval/noise-alone.ts [--cflags '-DX=1'] [--work build/ns-probe-X] [--files 10] [--seconds 10]
 *
 * Per noise (white, pink, brown, fan): the share of frames the count calls
 * speech (the trace's speech hangover) and the learned estimate calls
 * speech (its pres_low, NS_LEARNED 3), the frames the voicing guard finds
 * voiced (it looks only in speech frames), the noise removed after the first
 * second (input over output energy, dB), and the noise estimate over the
 * noise's PSD (its periodogram averaged over +-25 frames, in the core's
 * STFT) per 50 Hz bin up to 300 Hz: log mean and linear mean, dB.  The
 * harness is built with -DNS_BIN_DUMP=1 plus --cflags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { binRecord, lowPeriodograms, noisePsd, readF32, runNoiseAlone } from './trace.js';

const argv = process.argv.slice(2);
const opt = (k: string, d: string) => { const i = argv.indexOf(`--${k}`); return i >= 0 ? argv[i + 1] : d; };
const root = join(import.meta.dirname, '../..');
const work = join(root, opt('work', 'build/ns-probe-noise'));
const files = Number(opt('files', '10')), seconds = Number(opt('seconds', '10'));
const rate = 8000, n = rate / 100, nb = n + 1, K = 7, rec = binRecord(nb);
const NOISES = ['white', 'pink', 'brown', 'fan'] as const;
const made = runNoiseAlone({ root, work, cflags: opt('cflags', ''), kinds: NOISES, files, seconds, rate });
console.log(`noise alone, ${files} x ${seconds} s per noise, 8 kHz, cflags '${opt('cflags', '')}'`);
console.log('noise | speech frames % (count, with hangover) | the learned estimate\'s speech frames % | voiced by the guard % | removed dB | lambda/N per bin 0..300 Hz, log mean dB (linear mean dB)');
for (const kind of NOISES) {
  let sp = 0, pr = 0, vo = 0, fr = 0, ein = 0, eout = 0;
  const lg = new Float64Array(K), ln = new Float64Array(K);
  let cnt = 0;
  for (const m of made.filter((m) => m.kind === kind)) {
    const B = readF32(`${m.file}.ours.bins`), T = B.length / rec;
    const out = new Int16Array(readFileSync(`${m.file}.ours`).buffer.slice(0));
    const inp = new Int16Array(readFileSync(m.file).buffer.slice(0));
    // the output is delayed by one hop (vk_ns_delay)
    for (let i = rate; i + n < out.length; i++) { ein += inp[i] * inp[i]; eout += out[i + n] * out[i + n]; }
    const Nm = noisePsd(lowPeriodograms(m.nz, T, n, K, 2 ** -30));
    for (let t = 100; t < T; t++) {
      fr++; if (B[t * rec + 5 * nb] > 0) sp++; if (B[t * rec + 5 * nb + 2] > 0) pr++; if (B[t * rec + 5 * nb + 3] > 0) vo++;
      for (let k = 1; k < K; k++) { const q = B[t * rec + k] / Nm[t][k]; lg[k] += Math.log10(q); ln[k] += q; }
      cnt++;
    }
  }
  const bins = [...Array(K - 1).keys()].map((j) => j + 1).map((k) => `${k * 50}:${((10 * lg[k]) / cnt).toFixed(2)} (${(10 * Math.log10(ln[k] / cnt)).toFixed(2)})`);
  console.log(`${kind.padEnd(6)} | ${((100 * sp) / fr).toFixed(1).padStart(5)} | ${((100 * pr) / fr).toFixed(1).padStart(5)} | ${((100 * vo) / fr).toFixed(1).padStart(5)} | ${(10 * Math.log10(ein / eout)).toFixed(2)} | ${bins.join('  ')}`);
}
