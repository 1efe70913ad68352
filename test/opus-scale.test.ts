/**
 * Scale and memory: 1,000 encoder+decoder pairs alive and working at once,
 * memory flat over many frames and over create/close churn, close() frees.
 * (The million-frame run is bench/opus-memory.ts.)
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { voiced } from './helpers/audio.js';
import type { OpusDecoder, OpusEncoder, VoipKit } from '../src/index.js';

const PAIRS = 1000;

function rssMB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

describe.each(BACKENDS)('Opus scale on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it(`${PAIRS} encoder+decoder pairs alive and working at once`, () => {
    const base = kit.opusStats();
    const src = voiced(48000, 0.5);
    const encs: OpusEncoder[] = [];
    const decs: OpusDecoder[] = [];
    const t0 = performance.now();
    for (let i = 0; i < PAIRS; i++) {
      encs.push(kit.createOpusEncoder({ sampleRate: 48000, application: 'voip', bitrate: 24000, complexity: 0 }));
      decs.push(kit.createOpusDecoder({ sampleRate: 48000 }));
    }
    const peak = kit.opusStats();
    expect(peak.encoders - base.encoders).toBe(PAIRS);
    expect(peak.decoders - base.decoders).toBe(PAIRS);
    // every pair carries its own stream, twice round, so each state is live
    const out = new Int16Array(960);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < PAIRS; i++) {
        const at = ((i * 7 + round) % 20) * 960;
        const pkt = encs[i].encode(src.subarray(at, at + 960));
        const pcm = decs[i].decode(pkt, out);
        expect(pcm.length).toBe(960);
        if (round === 1) expect(pcm.some((v) => v !== 0), `pair ${i}`).toBe(true);
      }
    }
    const ms = performance.now() - t0;
    console.log(
      `[${backend}] ${PAIRS} pairs: ${ms.toFixed(0)} ms to create and run 2 frames each; ` +
        `${peak.modules} opusscript module instance(s), ${(peak.heapBytes / 2 ** 20).toFixed(1)} MiB of WASM heap, RSS ${rssMB().toFixed(0)} MiB`,
    );
    for (const e of encs) e.close();
    for (const d of decs) d.close();
    const after = kit.opusStats();
    expect([after.encoders, after.decoders]).toEqual([base.encoders, base.decoders]);
    if (backend === 'wasm') {
      // the emptied module instances are dropped; one is kept warm
      expect(peak.modules).toBeGreaterThan(1);
      expect(after.modules).toBe(1);
    }
  });

  it('memory stays flat over many frames (20 ms, 16 kHz)', () => {
    const enc = kit.createOpusEncoder({ sampleRate: 16000, bitrate: 20000, complexity: 5, fec: true, packetLossPercent: 5 });
    const dec = kit.createOpusDecoder({ sampleRate: 16000 });
    const src = voiced(16000, 1);
    const pkt = new Uint8Array(1500);
    const pcm = new Int16Array(320);
    const run = (frames: number) => {
      for (let i = 0; i < frames; i++) {
        const at = (i % 50) * 320;
        const p = enc.encode(src.subarray(at, at + 320), pkt);
        if (i % 10 === 3) dec.decode(null, pcm);
        else if (i % 10 === 4) dec.decodeFec(p, pcm);
        else dec.decode(p, pcm);
      }
    };
    run(1000); // warm up
    (globalThis as { gc?: () => void }).gc?.();
    const heap0 = kit.opusStats().heapBytes;
    const rss0 = rssMB();
    const frames = backend === 'native' ? 6000 : 3000;
    run(frames);
    (globalThis as { gc?: () => void }).gc?.();
    const grew = rssMB() - rss0;
    console.log(`[${backend}] ${frames} frames: RSS ${rss0.toFixed(1)} -> ${rssMB().toFixed(1)} MiB, WASM heap ${heap0} -> ${kit.opusStats().heapBytes} bytes`);
    expect(kit.opusStats().heapBytes).toBe(heap0);
    expect(grew).toBeLessThan(8);
    enc.close();
    dec.close();
  });

  it('create/close churn does not grow memory, and close() frees', () => {
    const cycle = (n: number) => {
      for (let i = 0; i < n; i++) {
        const e = kit.createOpusEncoder({ sampleRate: i % 2 ? 16000 : 48000, channels: i % 3 === 0 ? 2 : 1 });
        const d = kit.createOpusDecoder({ sampleRate: i % 2 ? 16000 : 48000, channels: i % 3 === 0 ? 2 : 1 });
        d.decode(e.encode(new Int16Array(e.frameSize * e.channels)));
        e.close();
        d.close();
      }
    };
    cycle(200);
    const heap0 = kit.opusStats().heapBytes;
    const rss0 = rssMB();
    cycle(1000);
    const s = kit.opusStats();
    console.log(`[${backend}] 1000 create/close cycles: RSS ${rss0.toFixed(1)} -> ${rssMB().toFixed(1)} MiB, WASM heap ${heap0} -> ${s.heapBytes} bytes, ${s.modules} module(s)`);
    expect(s.heapBytes).toBe(heap0);
    expect(rssMB() - rss0).toBeLessThan(16);
  });
});
