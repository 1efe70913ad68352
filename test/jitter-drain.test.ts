/**
 * Once the last packet has played, the jitter buffer reads empty
 * (`bufferedMs` 0, `bufferedPackets` 0) and stays so.
 *
 * The regression: a decoder outside the core (Opus, 'custom') conceals
 * whole packets, so after time-stretching has shifted the playout frames
 * against the packets, its concealment runs a remainder ahead of the frame
 * being filled -- 1 sample (0.125 ms) at 8 kHz in the simulator, any
 * count up to a packet at other rates and packet durations -- and the
 * buffer counted that made-up audio as buffered forever (with 40 ms packets
 * and 20 ms polls it read 20, 0, 20, 0 ... ms).
 *
 * Each stream here is long enough, and its network jittery enough (with a
 * delay step up and back down), that the buffer time-stretches (asserted);
 * the packets are real Opus packets from the kit's encoder, at every Opus
 * rate and every packet duration the buffer accepts (2.5 to 120 ms; 80, 100
 * and 120 ms as code-3 packets of 20 ms frames, RFC 6716 3.2.5). G.711,
 * whose concealment the core sizes to the frame, is checked alike.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { rtpPacket } from './helpers/pcap.js';
import { mulberry32 } from './helpers/random.js';
import { inspectOpusPacket, type OpusSampleRate, type VoipKit, type JitterBuffer } from '../src/index.js';

const rtp = (seq: number, ts: number, payload: Uint8Array, pt: number): Uint8Array =>
  rtpPacket({ payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc: 0x5eed, payload });

/** Code-0 packets of one configuration joined into one code-3 VBR packet (RFC 6716 3.2.5). */
function joinCode3(frames: Uint8Array[]): Uint8Array {
  const toc = frames[0][0];
  for (const f of frames) {
    if ((f[0] & 3) !== 0 || f[0] >> 2 !== toc >> 2) throw new Error(`cannot join: TOC ${f[0]} after ${toc}`);
  }
  const head = [(toc & 0xfc) | 3, 0x80 | frames.length];
  for (const f of frames.slice(0, -1)) {
    const n = f.length - 1;
    if (n < 252) head.push(n);
    else head.push(252 + (n & 3), (n - 252 - (n & 3)) >> 2);
  }
  const out = new Uint8Array(head.length + frames.reduce((s, f) => s + f.length - 1, 0));
  out.set(head);
  let at = head.length;
  for (const f of frames) {
    out.set(f.subarray(1), at);
    at += f.length - 1;
  }
  return out;
}

/** Talkspurts of a voiced 150 Hz tone with harmonics, 400 ms on, 400 ms off. */
function signal(rate: number, n: number): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    if (Math.floor((i / rate) * 2.5) % 2) continue;
    const ph = (2 * Math.PI * 150 * i) / rate;
    x[i] = Math.round(5000 * Math.sin(ph) + 2500 * Math.sin(2 * ph + 1) + 1200 * Math.sin(3 * ph + 2));
  }
  return x;
}

/**
 * Push the packets (send time i x ms) over a jittery network -- 20 ms +
 * up to 50 ms of jitter, +120 ms for 400 ms in the middle -- polling every
 * 20 ms; after the last arrival, keep polling.  Returns the bufferedMs read
 * after each poll from the last arrival on, and the stats at the end.
 */
function play(jb: JitterBuffer, payloads: Uint8Array[], ms: number, tsPerPacket: number, pt: number, seed: number) {
  const rand = mulberry32(seed);
  const total = payloads.length * ms;
  const arrivals = payloads.map((p, i) => {
    const t = i * ms;
    const step = t > total * 0.45 && t < total * 0.45 + 400 ? 120 : 0;
    return { at: t + 20 + 50 * rand() ** 2 + step, d: rtp(1000 + i, 12345 + i * tsPerPacket, p, pt) };
  });
  arrivals.sort((a, b) => a.at - b.at);
  const last = arrivals[arrivals.length - 1].at;
  const tail: number[] = [];
  let k = 0;
  for (let t = 0; t < last + 1500; t += 20) {
    while (k < arrivals.length && arrivals[k].at <= t) {
      jb.push(arrivals[k].d, arrivals[k].at);
      k++;
    }
    jb.poll(t);
    if (k === arrivals.length) tail.push(jb.stats().bufferedMs);
  }
  return { tail, stats: jb.stats() };
}

/**
 * The buffer read empty within a second of the last arrival (the delay it
 * can hold here, with margin) and stayed so for the rest (at least 480 ms,
 * four times the longest packet).
 */
function drained(tail: number[]): string | null {
  const first = tail.indexOf(0);
  if (first < 0 || first > 50) return `never 0 within 1 s of the last arrival (last readings ${tail.slice(-6).join(', ')} ms)`;
  const after = tail.slice(first).filter((x) => x !== 0);
  return after.length ? `0, then ${after.slice(0, 6).join(', ')} ms again` : null;
}

describe.each(BACKENDS)('jitter buffer drains to empty after the last packet, on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('Opus at 8, 12, 16, 24 and 48 kHz, packets of 2.5 to 120 ms, through time-stretching: bufferedMs reaches 0 and stays there', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const failures: string[] = [];
    let stretched = 0;
    let cases = 0;
    for (const rate of [8000, 12000, 16000, 24000, 48000] as OpusSampleRate[]) {
      for (const ms of [2.5, 5, 10, 20, 40, 60, 80, 100, 120]) {
        const frameMs = ms > 60 ? 20 : ms;
        const join = ms > 60 ? ms / 20 : 1;
        const enc = kit.createOpusEncoder({ sampleRate: rate, frameMs: frameMs as 20, bitrate: 24000, signal: 'voice', maxBandwidth: 'wideband' });
        const fs = enc.frameSize;
        const frames = Math.round(2400 / frameMs / join) * join; // 2.4 s
        const x = signal(rate, frames * fs);
        const coded: Uint8Array[] = [];
        for (let f = 0; f < frames; f++) coded.push(enc.encode(x.subarray(f * fs, (f + 1) * fs)));
        enc.close();
        const payloads: Uint8Array[] = [];
        for (let f = 0; f < frames; f += join) payloads.push(join > 1 ? joinCode3(coded.slice(f, f + join)) : coded[f]);
        expect(inspectOpusPacket(payloads[0]).durationMs).toBe(ms);
        const jb = kit.createJitterBuffer({ codec: 'opus', clockRate: 48000, sampleRate: rate });
        const { tail, stats } = play(jb, payloads, ms, ms * 48, 111, rate + ms * 10);
        jb.close();
        cases++;
        if (stats.accelerateRate + stats.preemptiveRate > 0) stretched++;
        expect(stats.bufferedPackets).toBe(0);
        const why = drained(tail);
        if (why) failures.push(`${rate} Hz, ${ms} ms packets: ${why}`);
      }
    }
    expect(failures).toEqual([]);
    // the remainder comes from time-stretching: the streams must have been stretched
    expect(stretched).toBeGreaterThanOrEqual(cases * 0.75);
  });

  it('a custom decoder (whole-packet concealment, 40 ms packets of 16 kHz audio on a 48 kHz clock) drains alike', () => {
    const decoder = {
      decode: (p: Uint8Array, out: Int16Array) => {
        for (let i = 0; i < 640; i++) out[i] = p[0] & 1 ? Math.round(6000 * Math.sin((2 * Math.PI * 180 * i) / 16000)) : 0;
        return 640;
      },
      conceal: (out: Int16Array) => out.fill(0).length,
    };
    const jb = kit.createJitterBuffer({ codec: 'custom', clockRate: 48000, sampleRate: 16000, decoder });
    const payloads = Array.from({ length: 75 }, (_, i) => Uint8Array.of(Math.floor(i / 10) % 2, i & 255));
    const { tail, stats } = play(jb, payloads, 40, 1920, 96, 5);
    jb.close();
    expect(stats.accelerateRate + stats.preemptiveRate).toBeGreaterThan(0);
    expect(drained(tail)).toBeNull();
  });

  it('G.711 (concealment sized to the frame in the core) drains alike: no remainder there', () => {
    const rate = 8000;
    const x = signal(rate, 8000 * 3);
    for (const [codec, ptime] of [['pcmu', 20], ['pcma', 10], ['pcmu', 30]] as const) {
      for (const seed of [1, 2, 3]) {
        const payloads: Uint8Array[] = [];
        const n = (ptime * rate) / 1000;
        for (let at = 0; at + n <= x.length; at += n) payloads.push(kit.g711.encode(codec, x.subarray(at, at + n)));
        const jb = kit.createJitterBuffer({ codec, clockRate: 8000 });
        const { tail, stats } = play(jb, payloads, ptime, n, codec === 'pcmu' ? 0 : 8, seed);
        jb.close();
        expect(stats.accelerateRate + stats.preemptiveRate, `${codec} ${ptime} ms seed ${seed}`).toBeGreaterThan(0);
        expect(drained(tail), `${codec} ${ptime} ms seed ${seed}`).toBeNull();
      }
    }
  });
});
