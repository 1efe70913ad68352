/**
 * Opus encode / decode frames per second: voipkit (native addon over the
 * system libopus; WASM build over opusscript) against
 *  - a plain C loop over the same system libopus (bench/harness/opus_loop.c),
 *  - @discordjs/opus (a Node addon with its own bundled libopus 1.3.1), when
 *    installed.  It is deliberately not a devDependency: its install script
 *    (node-pre-gyp) downloads a prebuilt binary from GitHub, else compiles
 *    libopus with node-gyp, and CI must not do either.  Offline, point
 *    node-gyp at the headers installed beside node (<prefix>/include/node,
 *    next to <prefix>/bin/node) so that it downloads none:
 *
 *      npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" \
 *        npm install --no-save @discordjs/opus
 *
 *    (about 1 minute of compiling on this machine; `npm install` / `npm ci`
 *    remove it again, as it is in no package.json),
 *  - opusscript used directly (its own class), the peer of the WASM build.
 *
 * Settings for every row: mono, 20 ms frames, VoIP application, 32 kbit/s,
 * complexity 10 and 5, at 48, 16 and 8 kHz; input is the speech of
 * test/vectors/opus (resampled for 16 / 8 kHz); decode rows decode the
 * packets the same settings produce.
 *
 * Method: the machine is shared (2 cores, many users), so each row is the
 * fastest of ROUNDS rounds x REPS timed loops of FRAMES frames (short loops,
 * the same frames each time), CPU time of the process (C:
 * CLOCK_PROCESS_CPUTIME_ID; JS: process.cpuUsage()), with the
 * implementations alternating within each round.  Ratios are between rows
 * of one run; the load average at start and end is in the notes.
 * OPUS_BENCH_ROUNDS=n overrides ROUNDS.
 *
 *   npm run bench -- opus        (writes bench/results/opus.json and .md)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { load, type OpusSampleRate, type VoipKit } from '../src/index.js';
import { speech48k, downsample } from '../test/helpers/audio.js';
import { QUICK, table, writeResults, type Row } from './lib.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const harness = `${root}build/harness/opus_loop`;
const ROUNDS = Number(process.env.OPUS_BENCH_ROUNDS) || (QUICK ? 2 : 9);
/** Frames per timed loop: short, so that some loops run between other jobs' time slices. */
const FRAMES = QUICK ? 25 : 50;
/** Timed loops per implementation per round (the fastest counts). */
const REPS = QUICK ? 2 : 6;
const require = createRequire(import.meta.url);

interface Impl {
  name: string;
  /** Returns CPU ns per frame for FRAMES encodes / decodes. */
  encode(): number;
  decode(): number;
}

/** CPU ns per frame of fn (n frames), the fastest of REPS runs. */
function cpuNs(fn: () => void, n: number): number {
  let best = Infinity;
  for (let r = 0; r < REPS; r++) {
    const t0 = process.cpuUsage();
    fn();
    const t = process.cpuUsage(t0);
    best = Math.min(best, ((t.user + t.system) * 1000) / n);
  }
  return best;
}

function frames(rate: number): Int16Array[] {
  const src = downsample(speech48k(), 48000, rate);
  const fs = rate / 50;
  const out: Int16Array[] = [];
  for (let at = 0; at + fs <= src.length; at += fs) out.push(src.slice(at, at + fs));
  return out;
}

function voipkitImpl(kit: VoipKit, name: string, rate: OpusSampleRate, complexity: number, input: Int16Array[], packets: Uint8Array[]): Impl {
  const enc = kit.createOpusEncoder({ sampleRate: rate, application: 'voip', bitrate: 32000, complexity });
  const dec = kit.createOpusDecoder({ sampleRate: rate });
  const pkt = new Uint8Array(1500);
  const pcm = new Int16Array(rate / 50);
  return {
    name,
    encode: () => cpuNs(() => {
      for (let i = 0; i < FRAMES; i++) enc.encode(input[i % input.length], pkt);
    }, FRAMES),
    decode: () => cpuNs(() => {
      for (let i = 0; i < FRAMES; i++) dec.decode(packets[i % packets.length], pcm);
    }, FRAMES),
  };
}

interface DiscordOpus {
  OpusEncoder: new (rate: number, channels: number) => {
    encode(b: Buffer): Buffer;
    decode(b: Buffer): Buffer;
    setBitrate(b: number): void;
    applyEncoderCTL(ctl: number, v: number): void;
  };
}

function discordImpl(rate: number, complexity: number, input: Int16Array[], packets: Uint8Array[]): Impl | null {
  let mod: DiscordOpus;
  try {
    mod = require('@discordjs/opus') as DiscordOpus;
  } catch {
    return null;
  }
  const enc = new mod.OpusEncoder(rate, 1);
  enc.applyEncoderCTL(4000, 2048); // OPUS_SET_APPLICATION(VOIP)
  enc.setBitrate(32000);
  enc.applyEncoderCTL(4010, complexity);
  const dec = new mod.OpusEncoder(rate, 1);
  const bufs = input.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  const pk = packets.map((p) => Buffer.from(p));
  return {
    name: '@discordjs/opus',
    encode: () => cpuNs(() => {
      for (let i = 0; i < FRAMES; i++) enc.encode(bufs[i % bufs.length]);
    }, FRAMES),
    decode: () => cpuNs(() => {
      for (let i = 0; i < FRAMES; i++) dec.decode(pk[i % pk.length]);
    }, FRAMES),
  };
}

interface OpusScriptClass {
  new (rate: number, channels: number, app: number): {
    encode(b: Buffer, frameSize: number): Buffer;
    decode(b: Buffer): Buffer;
    setBitrate(b: number): void;
    encoderCTL(ctl: number, v: number): void;
    delete(): void;
  };
}

function opusscriptImpl(rate: number, complexity: number, input: Int16Array[], packets: Uint8Array[]): Impl {
  const OpusScript = require('opusscript') as OpusScriptClass;
  const enc = new OpusScript(rate, 1, 2048);
  enc.setBitrate(32000);
  enc.encoderCTL(4010, complexity);
  const dec = new OpusScript(rate, 1, 2048);
  const bufs = input.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  const pk = packets.map((p) => Buffer.from(p));
  const fs = rate / 50;
  return {
    name: 'opusscript (its own class)',
    encode: () => cpuNs(() => {
      for (let i = 0; i < FRAMES; i++) enc.encode(bufs[i % bufs.length], fs);
    }, FRAMES),
    decode: () => cpuNs(() => {
      for (let i = 0; i < FRAMES; i++) dec.decode(pk[i % pk.length]);
    }, FRAMES),
  };
}

function cImpl(rate: number, complexity: number, input: Int16Array[]): { run(): { encodeNs: number; decodeNs: number } } {
  const file = `${root}build/harness/speech${rate}.s16le`;
  const all = new Int16Array(input.reduce((s, f) => s + f.length, 0));
  let at = 0;
  for (const f of input) {
    all.set(f, at);
    at += f.length;
  }
  writeFileSync(file, Buffer.from(all.buffer));
  return {
    run() {
      const r = spawnSync(harness, [file, String(rate), String(complexity), String(FRAMES), String(REPS)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`opus_loop failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as { encodeNs: number; decodeNs: number };
    },
  };
}

function buildHarness(): void {
  mkdirSync(`${root}build/harness`, { recursive: true });
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'opus'], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean);
  const r = spawnSync('cc', ['-O2', `${root}bench/harness/opus_loop.c`, ...flags, '-o', harness], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building bench/harness/opus_loop.c failed: apt-get install -y libopus-dev pkg-config');
}

export async function run(): Promise<void> {
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(', ');
  buildHarness();
  const native = await load({ backend: 'native' });
  const wasm = await load({ backend: 'wasm' });
  if (native.features.opus !== 'native') throw new Error('the native addon was built without libopus');
  const rows: Row[] = [];
  const notes: string[] = [];
  let haveDiscord = true;
  for (const rate of [48000, 16000, 8000] as const) {
    const input = frames(rate);
    for (const complexity of [10, 5]) {
      // the packets every decoder decodes: libopus at the group's settings, as the C loop makes them
      const enc = native.createOpusEncoder({ sampleRate: rate, application: 'voip', bitrate: 32000, complexity });
      const packets = input.map((f) => enc.encode(f));
      enc.close();
      const c = cImpl(rate, complexity, input);
      const impls: Impl[] = [voipkitImpl(native, 'voipkit native', rate, complexity, input, packets)];
      const d = discordImpl(rate, complexity, input, packets);
      if (d) impls.push(d);
      else haveDiscord = false;
      impls.push(voipkitImpl(wasm, 'voipkit WASM (opusscript)', rate, complexity, input, packets));
      impls.push(opusscriptImpl(rate, complexity, input, packets));
      const best = new Map<string, { enc: number; dec: number }>();
      const keep = (name: string, e: number, dd: number) => {
        const b = best.get(name) ?? { enc: Infinity, dec: Infinity };
        best.set(name, { enc: Math.min(b.enc, e), dec: Math.min(b.dec, dd) });
      };
      for (let round = 0; round < ROUNDS; round++) {
        const cr = c.run();
        keep('C loop (system libopus)', cr.encodeNs, cr.decodeNs);
        // alternate the order so that no row always runs right after another
        const order = round % 2 ? [...impls].reverse() : impls;
        for (const im of order) keep(im.name, im.encode(), im.decode());
      }
      for (const [name, b] of best) {
        for (const [op, ns] of [['encode', b.enc], ['decode', b.dec]] as const) {
          rows.push({ name, group: `${op} ${rate / 1000} kHz c${complexity}`, hz: 1e9 / ns, meanNs: ns, rme: 0, samples: ROUNDS, perOp: 1, unit: 'frames' });
        }
      }
      process.stderr.write(`opus bench: ${rate} Hz complexity ${complexity} done\n`);
    }
  }
  const groups = [...new Set(rows.map((r) => r.group))];
  const ratio = (g: string, a: string, b: string) => {
    const ra = rows.find((r) => r.group === g && r.name === a);
    const rb = rows.find((r) => r.group === g && r.name === b);
    return ra && rb ? (ra.hz / rb.hz).toFixed(3) : '-';
  };
  // the targets: native within 5 % of the C loop and not slower than
  // @discordjs/opus; WASM within 10 % of opusscript used directly
  const mark = (r: string, min: number) => (r === '-' ? r : `${r} ${Number(r) >= min ? 'yes' : '**no**'}`);
  const summary = [
    '| group | native / C loop (≥ 0.95?) | native / @discordjs/opus (≥ 1.00?) | WASM / opusscript direct (≥ 0.90?) |',
    '|---|---|---|---|',
    ...groups.map((g) => `| ${g} | ${mark(ratio(g, 'voipkit native', 'C loop (system libopus)'), 0.95)} | ${mark(ratio(g, 'voipkit native', '@discordjs/opus'), 1)} | ${mark(ratio(g, 'voipkit WASM (opusscript)', 'opusscript (its own class)'), 0.9)} |`),
  ].join('\n');
  notes.push(`Load average (1, 5, 15 min) when the run started: ${loadBefore}; when it ended: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (2 cores, shared).`);
  notes.push(`Each row: the fastest of ${ROUNDS} rounds × ${REPS} timed loops of ${FRAMES} frames (the same frames each loop, the codec's state going on), CPU time of the process; the implementations alternate within each round and the C loop runs in its own process once a round. "vs baseline" is against the C loop over the same system libopus. Taking the fastest loop keeps out other jobs' interference, and also the garbage collection the peers' per-call Buffers cause (in their favour).`);
  notes.push('voipkit rows pass caller buffers (encode(pcm, out), decode(packet, out)); the peers allocate a Buffer per call, as their APIs do.');
  notes.push('@discordjs/opus bundles and compiles its own libopus 1.3.1 (node-gyp, its own flags); the system libopus is Debian\'s 1.3.1; opusscript is libopus 1.4 compiled by emscripten.');
  if (!haveDiscord) notes.push('@discordjs/opus is not installed here: `npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm install --no-save @discordjs/opus` (its install script downloads a prebuilt binary from GitHub or, failing that, compiles its libopus with node-gyp against the headers beside node), then rerun.');
  else notes.push('@discordjs/opus was installed with `npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm install --no-save @discordjs/opus` (compiled here by node-gyp; not a dependency of voipkit).');
  writeResults('opus', 'Opus encode / decode: voipkit vs a C loop, @discordjs/opus and opusscript', rows,
    `## Ratios (frames/s, higher is faster for the first named)\n\n${summary}\n\n## Rows\n\n${table(rows, (r) => r.name === 'C loop (system libopus)')}`, notes);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
