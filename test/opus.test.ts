import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { voiced, compare, concat16 } from './helpers/audio.js';
import { inspectOpusPacket, type VoipKit, type OpusSampleRate, type OpusFrameMs } from '../src/index.js';

const RATES: OpusSampleRate[] = [8000, 12000, 16000, 24000, 48000];
const FRAMES: OpusFrameMs[] = [2.5, 5, 10, 20, 40, 60];

// Round-trip measure (test/helpers/audio.ts): the decoded signal aligned to
// the source at the lag of best cross-correlation; thresholds below.
const MIN_CORR = 0.9;

function roundTrip(kit: VoipKit, rate: OpusSampleRate, frameMs: OpusFrameMs, channels: 1 | 2, float = false) {
  const enc = kit.createOpusEncoder({ sampleRate: rate, channels, application: 'audio', bitrate: 64000 * channels, frameMs });
  const dec = kit.createOpusDecoder({ sampleRate: rate, channels });
  const src = voiced(rate, 0.5, channels);
  const step = enc.frameSize * channels;
  const out: Int16Array[] = [];
  let bytes = 0;
  for (let at = 0; at + step <= src.length; at += step) {
    const frame = src.subarray(at, at + step);
    const pkt = float ? enc.encode(Float32Array.from(frame, (v) => v / 32768)) : enc.encode(frame);
    bytes += pkt.length;
    const info = inspectOpusPacket(pkt);
    expect(info.durationMs).toBe(frameMs);
    expect(info.stereo || channels === 1).toBe(true);
    out.push(dec.decode(pkt) as Int16Array);
  }
  const lookahead = enc.lookahead;
  enc.close();
  dec.close();
  // search +-2 ms around the encoder's reported delay
  const m = compare(src, concat16(out), lookahead + rate / 500, rate / 10, channels, lookahead - rate / 500);
  return { ...m, lookahead, bytes };
}

describe.each(BACKENDS)('Opus on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.backend).toBe(backend);
    // The native build of this repository links the system libopus (CI installs libopus-dev).
    expect(kit.features.opus).toBe(backend === 'native' ? 'native' : 'opusscript');
  });

  for (const rate of RATES) {
    it(`round trip at ${rate} Hz, every frame size, mono and stereo`, () => {
      const rows: string[] = [];
      for (const frameMs of FRAMES) {
        for (const ch of [1, 2] as const) {
          const r = roundTrip(kit, rate, frameMs, ch);
          rows.push(`${frameMs}ms/${ch}ch corr=${r.corr.toFixed(3)} snr=${r.snr.toFixed(1)}dB lag=${r.lag}`);
          expect(r.corr, `${rate} Hz ${frameMs} ms ${ch} ch`).toBeGreaterThan(MIN_CORR);
          // the decoded audio lags the input by the encoder's lookahead
          expect(Math.abs(r.lag - r.lookahead), `lag ${r.lag} vs lookahead ${r.lookahead}`).toBeLessThanOrEqual(2);
        }
      }
      console.log(`[${backend}] ${rate} Hz: ${rows.join('; ')}`);
    });
  }

  it('encodes Float32Array input and decodes to Float32Array', () => {
    const r = roundTrip(kit, 48000, 20, 1, true);
    expect(r.corr).toBeGreaterThan(MIN_CORR);
    const enc = kit.createOpusEncoder({ sampleRate: 16000 });
    const dec = kit.createOpusDecoder({ sampleRate: 16000, output: 'float32' });
    const pkt = enc.encode(new Float32Array(320));
    const out = dec.decode(pkt);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(320);
    const into = new Float32Array(1000);
    expect(dec.decode(enc.encode(new Int16Array(320)), into).buffer).toBe(into.buffer);
    enc.close();
    dec.close();
  });

  it('writes into caller buffers and returns views of them', () => {
    const enc = kit.createOpusEncoder({ sampleRate: 48000, bitrate: 32000 });
    const dec = kit.createOpusDecoder({ sampleRate: 48000 });
    const pkts = new Uint8Array(1500);
    const pcm = new Int16Array(2000);
    const src = voiced(48000, 0.02);
    const p = enc.encode(src, pkts);
    expect(p.buffer).toBe(pkts.buffer);
    expect(p.length).toBeGreaterThan(2);
    const o = dec.decode(p, pcm);
    expect(o.buffer).toBe(pcm.buffer);
    expect(o.length).toBe(960);
    enc.close();
    dec.close();
  });

  it('applies the options and the mid-call setters', () => {
    const enc = kit.createOpusEncoder({
      sampleRate: 16000, channels: 1, application: 'voip', bitrate: 24000, complexity: 5,
      fec: true, packetLossPercent: 10, dtx: true, vbr: true, constrainedVbr: false,
      maxBandwidth: 'wideband', signal: 'voice', frameMs: 20,
    });
    expect(enc.bitrate).toBe(24000);
    expect(enc.complexity).toBe(5);
    expect(enc.fec).toBe(true);
    expect(enc.dtx).toBe(true);
    expect(enc.packetLossPercent).toBe(10);
    enc.setBitrate(12000);
    enc.setPacketLossPercent(25);
    enc.setFec(false);
    enc.setDtx(false);
    enc.setComplexity(10);
    expect([enc.bitrate, enc.packetLossPercent, enc.fec, enc.dtx, enc.complexity]).toEqual([12000, 25, false, false, 10]);
    // maxBandwidth 'wideband' caps what the packets say
    const src = voiced(16000, 0.5);
    for (let at = 0; at + 320 <= src.length; at += 320) {
      const info = inspectOpusPacket(enc.encode(src.subarray(at, at + 320)));
      expect(['narrowband', 'mediumband', 'wideband']).toContain(info.bandwidth);
    }
    enc.close();
  });

  it('DTX sends 1-byte packets in silence, and they decode as comfort noise of their duration', () => {
    const enc = kit.createOpusEncoder({ sampleRate: 16000, dtx: true, bitrate: 16000 });
    const dec = kit.createOpusDecoder({ sampleRate: 16000 });
    const silence = new Int16Array(320);
    const sizes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const p = enc.encode(silence);
      sizes.push(p.length);
      expect(dec.decode(p).length).toBe(320);
    }
    expect(sizes.filter((s) => s <= 2).length).toBeGreaterThan(30);
    enc.close();
    dec.close();
  });

  it('conceals lost frames of a given duration', () => {
    const enc = kit.createOpusEncoder({ sampleRate: 48000 });
    const dec = kit.createOpusDecoder({ sampleRate: 48000 });
    const src = voiced(48000, 0.2);
    for (let at = 0; at + 960 <= src.length; at += 960) dec.decode(enc.encode(src.subarray(at, at + 960)));
    expect(dec.decode(null).length).toBe(960); // default: the last packet's duration
    for (const ms of [2.5, 5, 7.5, 10, 20, 40, 60, 120]) {
      const out = dec.decode(null, undefined, { durationMs: ms });
      expect(out.length).toBe(48 * ms);
    }
    // concealment after voice is not silence
    const c = dec.conceal(20) as Int16Array;
    expect(c.some((v) => v !== 0)).toBe(true);
    expect(() => dec.conceal(3)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => dec.conceal(125)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    enc.close();
    dec.close();
  });

  it('typed errors for bad input, never a crash', () => {
    const enc = kit.createOpusEncoder({ sampleRate: 48000, channels: 2 });
    const dec = kit.createOpusDecoder({ sampleRate: 48000, channels: 2 });
    const err = (code: string) => expect.objectContaining({ code });
    expect(() => enc.encode(new Int16Array(960))).toThrow(err('invalid_argument')); // mono-sized frame to a stereo encoder
    expect(() => enc.encode(new Int16Array(1921))).toThrow(err('invalid_argument')); // odd size
    expect(() => enc.encode([1, 2] as unknown as Int16Array)).toThrow(err('invalid_argument'));
    expect(() => enc.encode(voiced(48000, 0.02, 2), new Uint8Array(20))).toThrow(err('buffer_too_small'));
    expect(() => kit.createOpusEncoder({ sampleRate: 44100 as OpusSampleRate })).toThrow(err('invalid_argument'));
    expect(() => kit.createOpusEncoder({ sampleRate: 48000, channels: 3 as 1 })).toThrow(err('invalid_argument'));
    expect(() => kit.createOpusEncoder({ sampleRate: 48000, frameMs: 30 as 20 })).toThrow(err('invalid_argument'));
    expect(() => kit.createOpusEncoder({ sampleRate: 48000, bitrate: 100 })).toThrow(err('invalid_argument'));
    expect(() => kit.createOpusEncoder({ sampleRate: 48000, complexity: 11 })).toThrow(err('invalid_argument'));
    expect(() => enc.setPacketLossPercent(101)).toThrow(err('invalid_argument'));
    expect(() => kit.createOpusDecoder({ sampleRate: 22050 as OpusSampleRate })).toThrow(err('invalid_argument'));
    // malformed packets: RFC 6716 3.4 violations are caught before the decoder
    const bad = [
      new Uint8Array([0x01, 1, 2, 3]), // code 1 with an odd payload (R3)
      new Uint8Array([0x02, 253]), // code 2, length byte needs a second byte (R4)
      new Uint8Array([0x03]), // code 3 without a count byte (R6)
      new Uint8Array([0x03, 0x00]), // code 3, zero frames (R5)
      new Uint8Array([0x03 | (3 << 3), 0x03]), // 3 x 60 ms > 120 ms (R5)
      new Uint8Array([0x03, 0x42, 255]), // padding runs past the end
      new Uint8Array(1300).fill(0), // a code 0 frame over 1275 bytes (R2)
    ];
    for (const p of bad) expect(() => dec.decode(p), `packet ${Array.from(p.subarray(0, 3))}`).toThrow(err('corrupt'));
    expect(() => dec.decode(new Uint8Array(0))).toThrow(err('invalid_argument'));
    expect(() => dec.decode('x' as unknown as Uint8Array)).toThrow(err('invalid_argument'));
    // a well-formed packet whose payload is garbage decodes to something or is
    // reported as corrupt; fuzz both without crashing
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
    for (let i = 0; i < 300; i++) {
      const p = Uint8Array.from({ length: 1 + (rnd() % 120) }, rnd);
      try {
        const out = dec.decode(p);
        expect(out.length % 2).toBe(0);
      } catch (e) {
        expect(['corrupt', 'buffer_too_small']).toContain((e as { code: string }).code);
      }
    }
    // output too small for the packet's duration
    const pkt = kit.createOpusEncoder({ sampleRate: 48000, channels: 2 }).encode(new Int16Array(1920));
    expect(() => dec.decode(pkt, new Int16Array(100))).toThrow(err('buffer_too_small'));
    expect(() => dec.decode(pkt, new Uint8Array(4000) as unknown as Int16Array)).toThrow(err('invalid_argument'));
    enc.close();
    dec.close();
  });

  it('a closed object throws closed; close() is idempotent and frees', () => {
    const before = kit.opusStats();
    const enc = kit.createOpusEncoder({ sampleRate: 8000 });
    const dec = kit.createOpusDecoder({ sampleRate: 8000 });
    expect(kit.opusStats().encoders).toBe(before.encoders + 1);
    expect(kit.opusStats().decoders).toBe(before.decoders + 1);
    const pkt = enc.encode(new Int16Array(160));
    enc.close();
    enc.close();
    dec.close();
    expect(enc.closed).toBe(true);
    expect(() => enc.encode(new Int16Array(160))).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => enc.setBitrate(8000)).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => dec.decode(pkt)).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => dec.decode(null)).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => dec.decodeFec(pkt)).toThrow(expect.objectContaining({ code: 'closed' }));
    const after = kit.opusStats();
    expect([after.encoders, after.decoders]).toEqual([before.encoders, before.decoders]);
  });
});
