// The JavaScript side of bench/opus-callgrind.ts: encode or decode N frames,
// between two markers where callgrind cuts the run (--dump-before=uv_getrusage:
// process.cpuUsage() is the only caller here), after a warm-up that lets V8
// optimize the loop and tier the WASM code up.  Settings as in
// bench/harness/opus_loop.c: mono, 20 ms, VoIP, 32 kbit/s, the given
// complexity, the same input file; decode rows decode what the same
// implementation's encoder made of it.
//
//   node bench/harness/opus_calls.mjs <native|wasm|opusscript|discord> <encode|decode> <pcm.s16le> <rate> <complexity> <frames>
//
// native / wasm: voipkit's public API (dist/, built by `npm run build`),
// with caller buffers; opusscript: its own class, used directly; discord:
// @discordjs/opus (when installed, see bench/opus.bench.ts), its own class.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [impl, op, file, rateS, cxS, framesS] = process.argv.slice(2);
const rate = Number(rateS);
const complexity = Number(cxS);
const N = Number(framesS);
const raw = readFileSync(file);
const all = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength >> 1);
const fs = rate / 50;
const input = [];
for (let at = 0; at + fs <= all.length && input.length < 500; at += fs) input.push(all.slice(at, at + fs));

let encode1;
let decode1;
let packets;
if (impl === 'opusscript') {
  const OpusScript = createRequire(import.meta.url)('opusscript');
  const mk = () => {
    const o = new OpusScript(rate, 1, 2048);
    o.setBitrate(32000);
    o.encoderCTL(4010, complexity);
    return o;
  };
  const enc = mk();
  const dec = mk();
  const bufs = input.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  const e = mk();
  packets = bufs.map((b) => Buffer.from(e.encode(b, fs)));
  encode1 = (i) => enc.encode(bufs[i % bufs.length], fs).length;
  decode1 = (i) => dec.decode(packets[i % packets.length]).length;
} else if (impl === 'discord') {
  const { OpusEncoder } = createRequire(import.meta.url)('@discordjs/opus');
  const mk = () => {
    const o = new OpusEncoder(rate, 1);
    o.applyEncoderCTL(4000, 2048); // OPUS_SET_APPLICATION(VOIP), before the first frame
    o.setBitrate(32000);
    o.applyEncoderCTL(4010, complexity);
    return o;
  };
  const enc = mk();
  const dec = mk();
  const bufs = input.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  const e = mk();
  packets = bufs.map((b) => Buffer.from(e.encode(b)));
  encode1 = (i) => enc.encode(bufs[i % bufs.length]).length;
  decode1 = (i) => dec.decode(packets[i % packets.length]).length;
} else {
  const { load } = await import('../../dist/index.js');
  const kit = await load({ backend: impl });
  const opts = { sampleRate: rate, application: 'voip', bitrate: 32000, complexity };
  const enc = kit.createOpusEncoder(opts);
  const dec = kit.createOpusDecoder({ sampleRate: rate });
  const e = kit.createOpusEncoder(opts);
  packets = input.map((f) => e.encode(f));
  e.close();
  const pkt = new Uint8Array(1500);
  const pcm = new Int16Array(fs);
  encode1 = (i) => enc.encode(input[i % input.length], pkt).length;
  decode1 = (i) => dec.decode(packets[i % packets.length], pcm).length;
}
let check = 0;
const one = op === 'encode' ? encode1 : decode1;
const run = (n) => { for (let i = 0; i < n; i++) check += one(i); };
run(op === 'encode' ? 300 : 3000); // warm-up
process.cpuUsage(); // callgrind dump: everything before
run(N);
process.cpuUsage(); // callgrind dump: the N calls
process.stdout.write(`${JSON.stringify({ check })}\n`);
