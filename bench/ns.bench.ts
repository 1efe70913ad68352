/**
 * Cost of noise suppression per 10 ms frame at 8, 16 and 48 kHz, in one run:
 *  - voipkit through the public API on the native addon and on WASM
 *    (tinybench, Int16Array frames processed in place);
 *  - speexdsp's preprocessor (-25 dB) and WebRTC NS 0.3 (high), and voipkit's
 *    core compiled into the same C harness shape, timed by the harnesses
 *    (bench/ns-eval/harness: minimum over 20-frame chunks of the mean).
 *
 *   npm run bench -- ns   (or npx tsx bench/ns.bench.ts)   writes bench/results/ns-cost.{md,json}
 *   npx tsx bench/ns.bench.ts --no-write   prints the table only (an exploratory
 *                                          run leaves the committed results alone)
 *
 * NS_BENCH_BASELINE_WASM=<file.wasm> adds a column: the same API on another
 * build of the module (e.g. an older commit's wasm/dist/voipkit.wasm, from
 * `git show REV:wasm/dist/voipkit.wasm > /tmp/base.wasm`), so that a change
 * is judged against its baseline in the same run.
 */
import { Bench } from 'tinybench';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { load, type VoipKit } from '../src/index.js';
import { gaussian, rng } from './ns-eval/dsp.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const work = join(root, 'build/ns-eval');
const RATES = [8000, 16000, 48000] as const;

export interface CostRow {
  rate: number;
  /** microseconds per 10 ms frame */
  nativeApi: number;
  wasmApi: number;
  /** the baseline module (NS_BENCH_BASELINE_WASM), when given */
  wasmBaselineApi?: number;
  /** medians of the API rows' chunk means (the rows above are minima, as the harnesses') */
  nativeApiMedian: number;
  wasmApiMedian: number;
  cHarness: number;
  speex: number;
  webrtc: number;
}

/** 5 s of pink-ish noise with speech-like bursts at about -30 dBFS, int16. */
function signal(rate: number): Int16Array {
  const g = gaussian(rng(rate));
  const n = rate * 5;
  const x = new Int16Array(n);
  let lp = 0;
  for (let i = 0; i < n; i++) {
    lp = 0.9 * lp + 0.1 * g();
    const burst = Math.floor(i / (rate * 0.4)) % 2 ? 1 : 0;
    const v = 300 * lp + burst * 1500 * Math.sin((2 * Math.PI * 220 * i) / rate) * Math.sin((2 * Math.PI * 3 * i) / rate);
    x[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return x;
}

function harnessUs(bin: string, mode: string, rate: number, file: string): number {
  const r = spawnSync(join(work, bin), [mode, String(rate), 'time', file, '5'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin}: ${r.stderr}`);
  return Number(r.stdout.trim()) / 1000;
}

/** Frames per timed chunk: the C harnesses' statistic (see harnessUs). */
const CHUNK = 20;

/**
 * The API's cost per frame with the C harnesses' statistic: each tinybench
 * iteration runs one chunk of CHUNK consecutive frames of the signal (the
 * next chunk each time, round and round), and the row is the minimum over
 * iterations of the chunk's mean per frame, as the harnesses report theirs;
 * the median is kept beside it.  (Until session 5 the row was the median of
 * single-frame iterations, against the harnesses' minimum over chunks: a
 * different statistic, and one a shared machine moves by up to 30 %.)
 */
async function apiBench(kit: VoipKit, rate: number, sig: Int16Array): Promise<{ min: number; median: number }> {
  const ns = kit.createNoiseSuppressor({ sampleRate: rate as 8000 });
  const fs = rate / 100;
  const chunks = Math.floor(sig.length / fs / CHUNK);
  const buf = new Int16Array(fs * CHUNK);
  const frames = Array.from({ length: CHUNK }, (_, i) => buf.subarray(i * fs, (i + 1) * fs)); // views made once, outside the timing
  let c = 0;
  const bench = new Bench({ time: process.env.BENCH_QUICK === '1' ? 50 : 400, warmup: true });
  bench.add(`${kit.backend} ${rate}`, () => {
    buf.set(sig.subarray(c * fs * CHUNK, (c + 1) * fs * CHUNK));
    for (const fr of frames) ns.process(fr, fr);
    c = (c + 1) % chunks;
  });
  await bench.run();
  ns.close();
  const r = bench.tasks[0].result as { latency?: { p50?: number; mean: number; min: number } };
  if (!r.latency) throw new Error('tinybench gave no result');
  return { min: (r.latency.min * 1000) / CHUNK, median: ((r.latency.p50 ?? r.latency.mean) * 1000) / CHUNK };
}

export async function nsCost(): Promise<CostRow[]> {
  const b = spawnSync('bash', [join(root, 'bench/ns-eval/harness/build.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) throw new Error('building the harnesses failed');
  const native = await load({ backend: 'native' });
  const wasm = await load({ backend: 'wasm' });
  const basePath = process.env.NS_BENCH_BASELINE_WASM;
  const base = basePath ? await load({ backend: 'wasm', wasm: readFileSync(basePath) }) : undefined;
  const rows: CostRow[] = [];
  for (const rate of RATES) {
    const sig = signal(rate);
    const file = join(work, `cost-${rate}.raw`);
    writeFileSync(file, Buffer.from(sig.buffer));
    const n = await apiBench(native, rate, sig);
    const w = await apiBench(wasm, rate, sig);
    rows.push({
      rate,
      nativeApi: n.min,
      wasmApi: w.min,
      nativeApiMedian: n.median,
      wasmApiMedian: w.median,
      ...(base ? { wasmBaselineApi: (await apiBench(base, rate, sig)).min } : {}),
      cHarness: harnessUs('vk_ns', '50', rate, file),
      speex: harnessUs('speex_ns', '-25', rate, file),
      webrtc: harnessUs('webrtc_ns', '2', rate, file),
    });
  }
  return rows;
}

/** Entry point for `npm run bench -- ns` (bench/run.ts). */
export async function run(): Promise<void> {
  const rows = await nsCost();
  const date = new Date().toISOString();
  const machine = `${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), node ${process.version}`;
  const L = [
    '# Noise suppression: cost per 10 ms frame',
    '',
    `Generated by \`npx tsx bench/ns.bench.ts\` on ${date}, ${machine}. All figures from the same run, one core, microseconds per frame ` +
      '(every row the minimum over chunks of 20 consecutive frames of the chunk\'s mean per frame: the API rows through tinybench, one chunk per iteration, the C rows inside the harnesses; the API rows\' medians are in the last columns). The machine is shared, so read the ratios, not the absolute values.',
    '',
    '| rate | voipkit native (API) | voipkit WASM (API) | voipkit C harness | speexdsp -25 dB | WebRTC NS high | native API / speexdsp | C harness / speexdsp | WASM / native | median native / WASM (API) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      `| ${r.rate} | ${r.nativeApi.toFixed(1)} | ${r.wasmApi.toFixed(1)} | ${r.cHarness.toFixed(1)} | ${r.speex.toFixed(1)} | ${r.webrtc.toFixed(1)} | ` +
      `${(r.nativeApi / r.speex).toFixed(2)}x | ${(r.cHarness / r.speex).toFixed(2)}x | ${(r.wasmApi / r.nativeApi).toFixed(2)}x | ${r.nativeApiMedian.toFixed(1)} / ${r.wasmApiMedian.toFixed(1)} |`),
    '',
    'Goals: native <= 1.5x speexdsp at each rate; WASM <= 1.5x native.',
    '',
  ];
  if (rows.some((r) => r.wasmBaselineApi !== undefined)) {
    L.push(
      `Baseline WASM module (same run): ${process.env.NS_BENCH_BASELINE_WASM}`,
      '',
      '| rate | baseline WASM (API) | baseline WASM / native | WASM / native |',
      '|---|---|---|---|',
      ...rows.map((r) =>
        `| ${r.rate} | ${r.wasmBaselineApi!.toFixed(1)} | ${(r.wasmBaselineApi! / r.nativeApi).toFixed(2)}x | ${(r.wasmApi / r.nativeApi).toFixed(2)}x |`),
      '',
    );
  }
  const md = L.join('\n');
  console.log(md);
  if (process.argv.includes('--no-write')) return;
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/ns-cost.md'), md);
  writeFileSync(join(root, 'bench/results/ns-cost.json'), JSON.stringify({ date, machine, unit: 'us per 10 ms frame', rows }, null, 1) + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
