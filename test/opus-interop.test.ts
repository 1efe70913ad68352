/**
 * Opus interop with outside implementations:
 *  - packets of ffmpeg's libopus encoder and of opusenc (opus-tools), taken
 *    out of their Ogg files by test/helpers/ogg.ts, decode in voipkit;
 *  - voipkit's packets, written as an Ogg Opus file, decode in ffmpeg's own
 *    Opus decoder (an independent implementation, not libopus);
 *  - the native encoder's packets decode in the WASM decoder and back.
 * Measure: correlation and SNR of the decoded audio against the source
 * after alignment (test/helpers/audio.ts); the lag found must equal the
 * pre-skip / lookahead the files and encoders declare.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { speech48k, compare, concat16 } from './helpers/audio.js';
import { readOggOpus, writeOggOpus } from './helpers/ogg.js';
import { opusPacketSamples48k, type VoipKit } from '../src/index.js';

const SPEECH = fileURLToPath(new URL('./vectors/opus/speech48k.s16le', import.meta.url));
// Thresholds: measured values are printed; these leave a margin below them.
const MIN_CORR = 0.85;
const MIN_SNR_DB = 5;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'voipkit-opus-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[]): Buffer {
  const r = spawnSync(cmd, args, { maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd} is needed (apt-get install -y ffmpeg opus-tools): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString().slice(-500)}`);
  return r.stdout;
}

function decodeAll(kit: VoipKit, packets: Uint8Array[], rate: 48000 | 16000 = 48000): Int16Array {
  const dec = kit.createOpusDecoder({ sampleRate: rate });
  const out = concat16(packets.map((p) => dec.decode(p) as Int16Array));
  dec.close();
  return out;
}

function encodeAll(kit: VoipKit, src: Int16Array, bitrate = 32000) {
  const enc = kit.createOpusEncoder({ sampleRate: 48000, application: 'voip', bitrate, complexity: 10 });
  const packets: Uint8Array[] = [];
  for (let at = 0; at + 960 <= src.length; at += 960) packets.push(enc.encode(src.subarray(at, at + 960)));
  const lookahead = enc.lookahead;
  enc.close();
  return { packets, lookahead };
}

/** Alignment searched +-1 ms around the declared delay. */
function measure(src: Int16Array, out: Int16Array, delay: number) {
  return compare(src, out, delay + 48, 4800, 1, delay - 48);
}

describe.each(BACKENDS)('Opus interop on %s', (backend) => {
  let kit: VoipKit;
  const src = speech48k();
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  for (const [name, make] of [
    ['ffmpeg (libopus encoder)', (f: string) => run('ffmpeg', ['-v', 'error', '-y', '-f', 's16le', '-ar', '48000', '-ac', '1', '-i', SPEECH, '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip', '-frame_duration', '20', '-f', 'ogg', f])],
    ['opusenc (opus-tools)', (f: string) => run('opusenc', ['--quiet', '--raw', '--raw-rate', '48000', '--raw-chan', '1', '--bitrate', '32', '--framesize', '20', SPEECH, f])],
  ] as const) {
    it(`decodes the packets of ${name}`, () => {
      const file = join(dir, `${backend}-${name.split(' ')[0]}.opus`);
      make(file);
      const ogg = readOggOpus(readFileSync(file));
      expect(ogg.channels).toBe(1);
      expect(ogg.packets.length).toBeGreaterThan(190);
      const total = ogg.packets.reduce((s, p) => s + opusPacketSamples48k(p), 0);
      // the packets' durations (RFC 6716 3) cover the stream's last granule position (RFC 7845 4)
      expect(total).toBeGreaterThanOrEqual(ogg.lastGranule);
      expect(total - ogg.lastGranule).toBeLessThan(960 + ogg.preSkip);
      const out = decodeAll(kit, ogg.packets);
      const m = measure(src, out, ogg.preSkip);
      console.log(`[${backend}] ${name}: ${ogg.packets.length} packets, pre-skip ${ogg.preSkip}, lag ${m.lag}, corr ${m.corr.toFixed(3)}, SNR ${m.snr.toFixed(1)} dB`);
      // within 0.1 ms: SILK's resampler makes the best waveform lag differ by a few samples
      expect(Math.abs(m.lag - ogg.preSkip)).toBeLessThanOrEqual(5);
      expect(m.corr).toBeGreaterThan(MIN_CORR);
      expect(m.snr).toBeGreaterThan(MIN_SNR_DB);
    });
  }

  it("voipkit's packets decode in ffmpeg's own Opus decoder", () => {
    const { packets, lookahead } = encodeAll(kit, src);
    const file = join(dir, `${backend}-voipkit.opus`);
    writeFileSync(file, writeOggOpus(packets, opusPacketSamples48k, { channels: 1, preSkip: lookahead, inputRate: 48000 }));
    const pcm = run('ffmpeg', ['-v', 'error', '-c:a', 'opus', '-i', file, '-f', 's16le', '-ar', '48000', '-ac', '1', '-']);
    const out = new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + (pcm.length & ~1)));
    // ffmpeg drops the pre-skip we declared (the encoder's lookahead), so its output lines up with the source
    const m = measure(src, out, 0);
    console.log(`[${backend}] ffmpeg decoding voipkit: ${packets.length} packets, ${out.length} samples, lag ${m.lag}, corr ${m.corr.toFixed(3)}, SNR ${m.snr.toFixed(1)} dB`);
    expect(Math.abs(m.lag)).toBeLessThanOrEqual(5);
    expect(out.length).toBeGreaterThanOrEqual(packets.length * 960 - lookahead - 960);
    expect(m.corr).toBeGreaterThan(MIN_CORR);
    expect(m.snr).toBeGreaterThan(MIN_SNR_DB);
  });
});

const both = BACKENDS.length === 2;
describe.runIf(both)('Opus across backends (native libopus <-> opusscript)', () => {
  const src = speech48k();
  for (const [from, to] of [['native', 'wasm'], ['wasm', 'native']] as const) {
    it(`${from} encoder -> ${to} decoder`, async () => {
      const a = await kitFor(from);
      const b = await kitFor(to);
      for (const bitrate of [16000, 32000, 96000]) {
        const { packets, lookahead } = encodeAll(a, src, bitrate);
        const there = decodeAll(b, packets);
        const here = decodeAll(a, packets);
        const m = measure(src, there, lookahead);
        // the two libopus builds (system 1.3.1, opusscript's 1.4) decode the same packets near-identically
        const same = compare(here, there, 0, 0);
        console.log(`${from} -> ${to} at ${bitrate} bit/s: corr ${m.corr.toFixed(3)}, SNR ${m.snr.toFixed(1)} dB vs source; ${same.snr.toFixed(1)} dB between the two decoders`);
        expect(Math.abs(m.lag - lookahead)).toBeLessThanOrEqual(5);
        expect(m.corr).toBeGreaterThan(MIN_CORR);
        expect(same.snr).toBeGreaterThan(40);
      }
    });
  }

  it('stereo 60 ms packets (several CELT frames) cross both ways', async () => {
    const n = await kitFor('native');
    const w = await kitFor('wasm');
    const st = new Int16Array(src.length * 2);
    for (let i = 0; i < src.length; i++) {
      st[2 * i] = src[i];
      st[2 * i + 1] = src[Math.max(0, i - 40)] >> 1;
    }
    for (const [a, b] of [[n, w], [w, n]]) {
      const enc = a.createOpusEncoder({ sampleRate: 48000, channels: 2, application: 'audio', bitrate: 160000, frameMs: 60 });
      const dec = b.createOpusDecoder({ sampleRate: 48000, channels: 2 });
      const out: Int16Array[] = [];
      for (let at = 0; at + 5760 <= st.length; at += 5760) out.push(dec.decode(enc.encode(st.subarray(at, at + 5760))) as Int16Array);
      const m = compare(st, concat16(out), enc.lookahead, 4800, 2, enc.lookahead);
      expect(m.corr).toBeGreaterThan(0.95);
      enc.close();
      dec.close();
    }
  });
});
