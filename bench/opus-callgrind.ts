/**
 * Where the time of an Opus call goes, in instructions (callgrind), which
 * do not depend on the machine's load: voipkit native against the plain C
 * loop over the same libopus (bench/harness/opus_loop.c) and @discordjs/opus
 * (when installed: see bench/opus.bench.ts; its own libopus 1.3.1 build), and
 * voipkit WASM against opusscript used directly.  The frames/s of bench/opus.bench.ts are
 * CPU time on a shared machine; this says how much of a gap is real.
 *
 * For each row (operation, rate, complexity; mono, 20 ms, VoIP, 32 kbit/s):
 *  - C loop: callgrind over opus_loop; libopus' inclusive cost of
 *    opus_encode / opus_decode per frame (the loop adds a few instructions).
 *  - voipkit native, voipkit WASM, opusscript: node running
 *    bench/harness/opus_calls.mjs under callgrind, cut at two markers
 *    (--dump-before=uv_getrusage) around N calls after a warm-up; the main
 *    thread's instructions per frame (V8's background compiler threads are
 *    left out).  For native also libopus' part and the N-API binding's.
 *
 *   npx tsx bench/opus-callgrind.ts [op:rate:complexity ...]   (default: decode:8000:5 decode:48000:10 encode:16000:5)
 *
 * Needs valgrind; builds dist/ (tsc) and the C loop.  Slow (node under
 * callgrind): minutes per row.  Writes bench/results/opus-callgrind.{md,json}.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { speech48k, downsample } from '../test/helpers/audio.js';
import { machine } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const N = { encode: 200, decode: 1000 } as const;
const work = mkdtempSync(join(tmpdir(), 'vk-opus-cg-'));

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Inclusive instructions of each function in a callgrind output file. */
function inclusive(file: string): { total: number; fn: (re: RegExp) => number } {
  const out = sh('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file]);
  const total = Number(/^([\d,]+) \([^)]*\)\s+PROGRAM TOTALS/m.exec(out)?.[1].replace(/,/g, '') ?? NaN);
  const lines = out.split('\n');
  return {
    total,
    fn: (re) => {
      const l = lines.find((x) => /^\s*[\d,]+ /.test(x) && re.test(x));
      return l ? Number(/^\s*([\d,]+)/.exec(l)![1].replace(/,/g, '')) : 0;
    },
  };
}

function cLoop(op: 'encode' | 'decode', file: string, rate: number, cx: number): number {
  const out = join(work, `c-${op}-${rate}-${cx}.cg`);
  sh('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, join(root, 'build/harness/opus_loop'), file, String(rate), String(cx), String(N[op])]);
  return inclusive(out).fn(new RegExp(`:opus_${op} \\[`)) / N[op];
}

interface NodeRow {
  perFrame: number;
  libopus: number;
  binding: number;
}

let haveDiscord = true;
try {
  createRequire(import.meta.url).resolve('@discordjs/opus');
} catch {
  haveDiscord = false;
}

function nodeRun(impl: string, op: 'encode' | 'decode', file: string, rate: number, cx: number): NodeRow {
  const prefix = join(work, `n-${impl}-${op}-${rate}-${cx}`);
  sh('valgrind', ['--tool=callgrind', '--dump-before=uv_getrusage', `--callgrind-out-file=${prefix}.%p`, process.execPath,
    join(root, 'bench/harness/opus_calls.mjs'), impl, op, file, String(rate), String(cx), String(N[op])]);
  // parts: .1 = up to the first marker, .2 = the N calls, then the rest at
  // exit.  Something may call uv_getrusage before the harness does (loading
  // @discordjs/opus does, once): the N calls are always the last numbered part.
  const parts = readdirSync(work).map((f) => join(work, f)).filter((f) => f.startsWith(`${prefix}.`) && /\.\d+\.\d+$/.test(f));
  const last = Math.max(...parts.map((f) => Number(/\.(\d+)$/.exec(f)![1])));
  if (!(last >= 2)) throw new Error(`no callgrind part 2 for ${prefix}`);
  const part = parts.find((f) => f.endsWith(`.${last}`))!;
  const r = inclusive(part);
  const workers = r.fn(/PlatformWorkerThread/);
  return {
    perFrame: (r.total - workers) / N[op],
    libopus: r.fn(new RegExp(`\\?\\?\\?:opus_${op} \\[`)) / N[op],
    binding: r.fn(new RegExp(`${impl === 'discord' ? 'OpusEncoder::' : 'vk::'}${op === 'encode' ? 'Encode' : 'Decode'}\\(`)) / N[op],
  };
}

const rows = (process.argv.slice(2).length ? process.argv.slice(2) : ['decode:8000:5', 'decode:48000:10', 'encode:16000:5']).map((a) => {
  const [op, rate, cx] = a.split(':');
  if ((op !== 'encode' && op !== 'decode') || !Number(rate) || !(Number(cx) >= 0)) throw new Error(`row ${a}: op:rate:complexity, e.g. decode:8000:5`);
  return { op: op as 'encode' | 'decode', rate: Number(rate), cx: Number(cx) };
});

const uptime = sh('uptime', []).trim();
sh('npx', ['tsc', '-p', 'tsconfig.build.json']);
mkdirSync(join(root, 'build/harness'), { recursive: true });
const flags = sh('pkg-config', ['--cflags', '--libs', 'opus']).trim().split(/\s+/).filter(Boolean);
sh('cc', ['-O2', join(root, 'bench/harness/opus_loop.c'), ...flags, '-o', join(root, 'build/harness/opus_loop')]);

const results: Array<Record<string, number | string>> = [];
for (const { op, rate, cx } of rows) {
  const file = join(root, `build/harness/speech${rate}.s16le`);
  const pcm = downsample(speech48k(), 48000, rate);
  writeFileSync(file, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  const c = cLoop(op, file, rate, cx);
  const nat = nodeRun('native', op, file, rate, cx);
  const wasm = nodeRun('wasm', op, file, rate, cx);
  const os = nodeRun('opusscript', op, file, rate, cx);
  const dj = haveDiscord ? nodeRun('discord', op, file, rate, cx) : null;
  const r = {
    row: `${op} ${rate / 1000} kHz c${cx}`,
    cLoop: Math.round(c),
    native: Math.round(nat.perFrame),
    nativeLibopus: Math.round(nat.libopus),
    nativeBinding: Math.round(nat.binding - nat.libopus),
    nativeJs: Math.round(nat.perFrame - nat.binding),
    wasm: Math.round(wasm.perFrame),
    opusscript: Math.round(os.perFrame),
    ...(dj ? { discord: Math.round(dj.perFrame), discordLibopus: Math.round(dj.libopus), discordBinding: Math.round(dj.binding - dj.libopus), discordJs: Math.round(dj.perFrame - dj.binding) } : {}),
  };
  results.push(r);
  process.stderr.write(`${JSON.stringify(r)}\n`);
}

const m = machine();
const md = [
  '# Opus per-frame instructions (callgrind): voipkit vs a C loop and opusscript',
  '',
  `Machine: ${m.cpu}, ${m.cores} cores, ${m.os}, Node ${m.node}, valgrind ${sh('valgrind', ['--version']).trim()}. Date: ${m.date}. Load when started: \`${uptime}\` (instruction counts do not depend on it).`,
  '',
  `Produced by \`npx tsx bench/opus-callgrind.ts ${process.argv.slice(2).join(' ')}\`. Mono, 20 ms, VoIP, 32 kbit/s; ${N.decode} decodes / ${N.encode} encodes after a warm-up. Instructions per frame, main thread.`,
  '',
  '| row | C loop (libopus) | voipkit native | of which libopus | N-API binding | JS + V8 call | C loop / native | voipkit WASM | opusscript direct | opusscript / WASM |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.row} | ${r.cLoop} | ${r.native} | ${r.nativeLibopus} | ${r.nativeBinding} | ${r.nativeJs} | ${(Number(r.cLoop) / Number(r.native)).toFixed(3)} | ${r.wasm} | ${r.opusscript} | ${(Number(r.opusscript) / Number(r.wasm)).toFixed(3)} |`),
  '',
  ...(haveDiscord ? [
    '@discordjs/opus (its own copy of libopus 1.3.1, compiled by node-gyp at -O3 with no run-time CPU detection and no SSE4.1 kernels; Debian\'s libopus.so has both, at Debian\'s flags. So the libopus parts are two builds of one source, and their difference is the compiler\'s, not the bindings\'):',
    '',
    '| row | voipkit native | @discordjs/opus | of which libopus | binding | JS + V8 call (and the Buffer it returns, GC) | @discordjs/opus / native | binding + JS: voipkit | binding + JS: @discordjs/opus |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.row} | ${r.native} | ${r.discord} | ${r.discordLibopus} | ${r.discordBinding} | ${r.discordJs} | ${(Number(r.discord) / Number(r.native)).toFixed(3)} | ${Number(r.nativeBinding) + Number(r.nativeJs)} | ${Number(r.discordBinding) + Number(r.discordJs)} |`),
    '',
  ] : ['@discordjs/opus is not installed: no rows for it (see bench/opus.bench.ts for the offline install).', '']),
  '- "C loop / native" and "opusscript / WASM" are instruction ratios: above 1 means voipkit executes fewer instructions per frame (so, at equal instructions per cycle, is faster).',
  '- N-API binding: the addon function minus libopus inside it (argument unwrapping: napi_get_cb_info, the handle\'s type tag, two napi_get_typedarray_info, int32 arguments, the result). JS + V8 call: the rest of the main thread per frame (the JavaScript wrapper, the loop, V8\'s API-call trampoline, GC).',
  '- WASM rows run JIT-compiled code (V8 TurboFan after the warm-up), counted like any other; both decode their own encoder\'s packets (libopus 1.4 in opusscript).',
  '',
].join('\n');
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/opus-callgrind.md'), md);
writeFileSync(join(root, 'bench/results/opus-callgrind.json'), JSON.stringify({ machine: m, uptime, rows: results }, null, 2) + '\n');
console.log(md);
