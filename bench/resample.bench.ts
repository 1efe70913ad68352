/**
 * Resampler: quality and cost per 20 ms block, voipkit against speexdsp's
 * resampler (Debian libspeexdsp-dev) at qualities 3 and 5.
 *
 *   npm run bench resample   (or npx tsx bench/resample.bench.ts; writes bench/results/resample.{json,md})
 *
 * Quality: the tone method of test/helpers/tones.ts applied to both
 * (speexdsp through bench/harness/resample_harness.c, float samples).
 * Cost, two views:
 *  - C: both libraries called from one C process, alternating rounds,
 *    best-of thread CPU time per 20 ms mono int16 block (the harness).
 *  - API: voipkit's Resampler.process() per 20 ms int16 block through the
 *    native addon and the WASM module, so the boundary cost is included
 *    (same method: best of alternating rounds of process CPU time); quoted
 *    against the speexdsp C figure of the same run.
 *  - Instructions: when valgrind is installed, instructions executed per
 *    block inside each library's process call (callgrind, 100 blocks of the
 *    same signal, harness `count` mode): independent of the machine's load,
 *    so the ratio to speexdsp does not move from run to run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { load, type ResampleRate } from '../src/index.js';
import { measureFilter, type FilterFigures } from '../test/helpers/tones.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const harness = `${root}build/harness/resample_harness`;
const RATES: ResampleRate[] = [8000, 16000, 24000, 48000];
const PAIRS: Array<[ResampleRate, ResampleRate]> = [];
for (const i of RATES) for (const o of RATES) if (i !== o) PAIRS.push([i, o]);
const QUALITIES = [3, 5];

function buildHarness(): void {
  mkdirSync(`${root}build/harness`, { recursive: true });
  const r = spawnSync('cc', ['-O3', '-std=c11', `-I${root}native/core/include`, `${root}bench/harness/resample_harness.c`,
    `${root}native/core/src/resample.c`, '-lspeexdsp', '-lm', '-o', harness], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the harness failed: apt-get install -y libspeexdsp-dev');
}

const hasValgrind = spawnSync('valgrind', ['--version']).status === 0;

/** Instructions per 20 ms block inside the process call (callgrind), or NaN without valgrind. */
function instructionsPerBlock(impl: 'speex' | 'vk', i: number, o: number, q: number): number {
  if (!hasValgrind) return NaN;
  const blocks = 100;
  const dir = mkdtempSync(`${os.tmpdir()}/vk-cg-`);
  try {
    const fn = impl === 'speex' ? 'speex_resampler_process_int' : 'vk_resample_process_i16';
    const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${dir}/cg.out`, `--toggle-collect=${fn}`,
      harness, 'count', impl, String(i), String(o), String(q), String(blocks)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`callgrind failed: ${r.stderr}`);
    const m = /^summary: (\d+)/m.exec(readFileSync(`${dir}/cg.out`, 'utf8'));
    return m ? Number(m[1]) / blocks : NaN;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function speexConvert(q: number, i: number, o: number) {
  return (x: Float32Array): Float32Array => {
    const r = spawnSync(harness, ['filter', 'speex', String(i), String(o), String(q)], { input: Buffer.from(x.buffer, x.byteOffset, x.byteLength), maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
    const b = r.stdout;
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  };
}

async function measure() {
  buildHarness();
  const native = await load({ backend: 'native' });
  const wasm = await load({ backend: 'wasm' });
  const vkConvert = (q: number, i: ResampleRate, o: ResampleRate) => (x: Float32Array): Float32Array => {
    const r = native.createResampler({ inputRate: i, outputRate: o, quality: q });
    const a = r.process(x);
    const b = r.flush(new Float32Array(8192));
    r.close();
    const y = new Float32Array(a.length + b.length);
    y.set(a);
    y.set(b, a.length);
    return y;
  };

  const rows: Array<{
    quality: number; inputRate: number; outputRate: number;
    speex: FilterFigures; voipkit: FilterFigures;
    cNs: { speex: number; voipkit: number };
    apiNs: { native: number; wasm: number };
    instructions: { speex: number; voipkit: number };
  }> = [];

  for (const q of QUALITIES) {
    for (const [i, o] of PAIRS) {
      const speex = measureFilter(speexConvert(q, i, o), i, o);
      const voipkit = measureFilter(vkConvert(q, i, o), i, o);
      const c = spawnSync(harness, ['bench', '-', String(i), String(o), String(q), '300'], { encoding: 'utf8' });
      const cj = JSON.parse(c.stdout) as { speexNsPerBlock: number; vkNsPerBlock: number };
      // Same method as the C harness: best of alternating rounds, CPU time
      // of this (single-threaded) process.
      const block = Int16Array.from({ length: i / 50 }, (_, n) => Math.round(8000 * Math.sin(n * 0.37) + 3000 * Math.sin(n * 1.9)));
      const out = new Int16Array(o / 50 + 64);
      const rs = [native, wasm].map((kit) => kit.createResampler({ inputRate: i, outputRate: o, quality: q }));
      const best = [Infinity, Infinity];
      for (let round = 0; round < 10; round++) {
        const k = round & 1;
        const r = rs[k];
        const t0 = process.cpuUsage();
        for (let b = 0; b < 500; b++) r.process(block, out);
        const t = process.cpuUsage(t0);
        best[k] = Math.min(best[k], ((t.user + t.system) * 1000) / 500);
      }
      for (const r of rs) r.close();
      const ns = (name: string) => best[name === 'native' ? 0 : 1];
      const instructions = { speex: instructionsPerBlock('speex', i, o, q), voipkit: instructionsPerBlock('vk', i, o, q) };
      rows.push({ quality: q, inputRate: i, outputRate: o, speex, voipkit, cNs: { speex: cj.speexNsPerBlock, voipkit: cj.vkNsPerBlock }, apiNs: { native: ns('native'), wasm: ns('wasm') }, instructions });
      process.stderr.write(`q${q} ${i}->${o} done\n`);
    }
  }
  return rows;
}

function fmt(n: number, d = 1): string {
  return n.toFixed(d);
}

/** Entry point for bench/run.ts (npm run bench resample) and for direct runs. */
export async function run(): Promise<void> {
  const rows = await measure();
  const machine = `${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}, ${os.platform()} ${os.arch()}, Node ${process.version}`;
  const date = new Date().toISOString();
  const uptime = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/resample.json`, JSON.stringify({ machine, date, uptime, rows }, null, 2) + '\n');
  const lines = [
    '# Resampler: voipkit vs speexdsp',
    '',
    `Machine: ${machine}. Date: ${date}. Command: \`npm run bench -- resample\`. Load at the end of the run (\`uptime\`): ${uptime}.`,
    '',
    'Quality (tone method, test/helpers/tones.ts): ripple = max - min gain over 0.02..0.75 of the lower Nyquist frequency fN;',
    'bw = -3 dB point / fN; stop = worst alias/image power (relative to the tone) for aliases/images at >= 1.05 fN.',
    'Cost per 20 ms mono int16 block: "C" = both libraries in one C process, 60 alternating rounds of 300 blocks, best thread-CPU time;',
    '"API" = voipkit Resampler.process() through the addon / the WASM module (same best-of-rounds CPU time), boundary cost included.',
    '"instr" = instructions executed per block inside speex_resampler_process_int / vk_resample_process_i16 (valgrind callgrind, 100 blocks; load-independent).',
    '',
    '| q | ratio | speex ripple dB | vk ripple dB | speex bw | vk bw | speex stop dB | vk stop dB | speex C µs | vk C µs | vk/speex (C) | vk native API µs | vk WASM API µs | speex instr | vk instr | vk/speex (instr) |',
    '| - | - | - | - | - | - | - | - | - | - | - | - | - | - | - | - |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.quality} | ${r.inputRate / 1000}k→${r.outputRate / 1000}k | ${r.speex.rippleDb.toExponential(1)} | ${r.voipkit.rippleDb.toExponential(1)} | ${fmt(r.speex.bandwidth3dB, 3)} | ${fmt(r.voipkit.bandwidth3dB, 3)} | ${fmt(r.speex.stopbandDb)} | ${fmt(r.voipkit.stopbandDb)} | ${fmt(r.cNs.speex / 1000, 2)} | ${fmt(r.cNs.voipkit / 1000, 2)} | ${fmt(r.cNs.voipkit / r.cNs.speex, 2)} | ${fmt(r.apiNs.native / 1000, 2)} | ${fmt(r.apiNs.wasm / 1000, 2)} | ${fmt(r.instructions.speex, 0)} | ${fmt(r.instructions.voipkit, 0)} | ${fmt(r.instructions.voipkit / r.instructions.speex, 2)} |`);
  }
  writeFileSync(`${root}bench/results/resample.md`, lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
