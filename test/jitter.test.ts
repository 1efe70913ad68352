import { describe, it, expect, beforeAll } from 'vitest';
import alawmulaw from 'alawmulaw';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { rtpPacket } from './helpers/pcap.js';
import type { VoipKit, JitterBuffer, PollResult } from '../src/index.js';
import { speechLike } from '../src/sim/speech.js';

// RTP packets built by hand (RFC 3550 5.1): V=2, no padding/extension/CSRC.
const rtp = (seq: number, ts: number, payload: Uint8Array, opts: { ssrc?: number; pt?: number; marker?: boolean } = {}): Uint8Array =>
  rtpPacket({ payloadType: opts.pt ?? 0, marker: opts.marker, sequenceNumber: seq, timestamp: ts, ssrc: opts.ssrc ?? 0x11223344, payload });

// 20 ms PCMU frames of a speech-like signal, encoded by an outside
// implementation (alawmulaw), so that expected audio is not produced by the
// code under test.
const SPEECH = speechLike(8000 * 20, 3);
function frameOf(i: number, src = SPEECH): Int16Array {
  return src.subarray((i * 160) % (src.length - 160), ((i * 160) % (src.length - 160)) + 160);
}
function pcmuOf(i: number, src = SPEECH): Uint8Array {
  return alawmulaw.mulaw.encode(frameOf(i, src));
}
function decodedOf(i: number, src = SPEECH): Int16Array {
  return alawmulaw.mulaw.decode(pcmuOf(i, src));
}

interface Run {
  polls: PollResult[];
  audio: Int16Array;
}

/** Push packets at their arrival times, poll every 20 ms from t0 until tEnd. */
function drive(jb: JitterBuffer, arrivals: { t: number; pkt: Uint8Array }[], t0: number, tEnd: number): Run {
  const order = arrivals.slice().sort((a, b) => a.t - b.t);
  const polls: PollResult[] = [];
  const frames: Int16Array[] = [];
  let k = 0;
  for (let t = t0; t <= tEnd; t += 20) {
    while (k < order.length && order[k].t <= t) jb.push(order[k].pkt, order[k].t), k++;
    const r = jb.poll(t);
    polls.push({ ...r, pcm: r.pcm.slice() });
    frames.push(r.pcm.slice());
  }
  const audio = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => audio.set(f, i * 160));
  return { polls, audio };
}

function playedSeqs(run: Run): number[] {
  return run.polls.flatMap((p) => p.packets.map((x) => x.seq));
}

describe.each(BACKENDS)('jitter buffer on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.features.jitter).toBe(backend);
  });

  it('plays an in-order stream unchanged: every frame equals an outside G.711 decode of its packet', () => {
    const jb = kit.createJitterBuffer();
    const arr = Array.from({ length: 100 }, (_, i) => ({ t: i * 20 + 5, pkt: rtp(1000 + i, 5000 + i * 160, pcmuOf(i)) }));
    const run = drive(jb, arr, 5, 5 + 99 * 20);
    for (let i = 0; i < 100; i++) {
      expect(run.polls[i].op).toBe('normal');
      expect(run.polls[i].packets).toEqual([{ seq: 1000 + i, offset: 0 }]);
      expect(Array.from(run.polls[i].pcm)).toEqual(Array.from(decodedOf(i)));
    }
    const st = jb.stats();
    expect(st.received).toBe(100);
    expect(st.late + st.lost + st.duplicate + st.overflow).toBe(0);
    jb.close();
  });

  it('reorders within and across the sequence wrap; duplicates are dropped and counted', () => {
    const jb = kit.createJitterBuffer();
    const base = 65530;
    // packets arrive in pairs swapped (1,0,3,2,...) and every one twice
    const arr: { t: number; pkt: Uint8Array }[] = [];
    for (let i = 0; i < 40; i++) {
      const j = i % 2 === 0 ? i + 1 : i - 1;
      const t = 100 + i * 20 + 3;
      const pkt = rtp(base + j, 0xfffff000 + j * 160, pcmuOf(j)); // timestamps wrap too
      arr.push({ t, pkt }, { t: t + 1, pkt });
    }
    // the first poll comes once the first pair is in (the buffer starts
    // playing with the oldest packet it holds)
    const run = drive(jb, arr, 130, 130 + 60 * 20);
    const seqs = playedSeqs(run);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => (base + i) & 0xffff));
    const st = jb.stats();
    expect(st.duplicate).toBe(40);
    expect(st.outOfOrder).toBe(20);
    expect(st.late).toBe(0);
    expect(st.lost).toBe(0);
    jb.close();
  });

  it('waits through a burst (a 300 ms stall, then everything at once) and plays every packet', () => {
    const jb = kit.createJitterBuffer();
    const arr = Array.from({ length: 100 }, (_, i) => {
      let t = i * 20 + 40;
      if (t >= 500 && t < 800) t = 800;
      return { t, pkt: rtp(i, i * 160, pcmuOf(i)) };
    });
    const run = drive(jb, arr, 40, 40 + 99 * 20);
    expect(playedSeqs(run)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const st = jb.stats();
    expect(st.late).toBe(0);
    expect(st.stalls).toBe(1);
    expect(st.accelerateRate).toBeGreaterThan(0); // the grown delay was brought back down
    // the stall is not learnt as jitter: the target stays where it was
    expect(st.targetDelayMs).toBeLessThan(20);
    expect(st.currentDelayMs).toBeLessThan(60);
    jb.close();
  });

  it('resets on an SSRC change and on a timestamp jump, and plays the new stream', () => {
    const jb = kit.createJitterBuffer();
    const arr: { t: number; pkt: Uint8Array }[] = [];
    for (let i = 0; i < 20; i++) arr.push({ t: i * 20, pkt: rtp(100 + i, i * 160, pcmuOf(i)) });
    for (let i = 0; i < 20; i++) arr.push({ t: 400 + i * 20, pkt: rtp(9000 + i, 777777 + i * 160, pcmuOf(i), { ssrc: 0xabcdef }) });
    // same SSRC, sequence continues, timestamp jumps by an hour
    for (let i = 0; i < 20; i++) arr.push({ t: 800 + i * 20, pkt: rtp(9020 + i, 777777 + 8000 * 3600 + i * 160, pcmuOf(i), { ssrc: 0xabcdef }) });
    const results: string[] = [];
    const polls: PollResult[] = [];
    let k = 0;
    for (let t = 0; t <= 1400; t += 20) {
      while (k < arr.length && arr[k].t <= t) results.push(jb.push(arr[k].pkt, arr[k].t)), k++;
      polls.push(jb.poll(t));
    }
    expect(results[20]).toBe('reset');
    expect(results[40]).toBe('reset');
    expect(results.filter((r) => r === 'reset').length).toBe(2);
    expect(jb.stats().resets).toBe(2);
    const seqs = polls.flatMap((p) => p.packets.map((x) => x.seq));
    for (let i = 0; i < 20; i++) {
      expect(seqs).toContain(9000 + i);
      expect(seqs).toContain(9020 + i);
    }
    expect(polls.some((p) => p.reset)).toBe(true);
    jb.close();
  });

  it('a sequence jump is ignored once and confirmed as a restart by the next packet (RFC 3550 A.1)', () => {
    const jb = kit.createJitterBuffer();
    for (let i = 0; i < 5; i++) expect(jb.push(rtp(10 + i, i * 160, pcmuOf(i)), i * 20)).toBe('ok');
    expect(jb.push(rtp(30000, 800, pcmuOf(5)), 100)).toBe('ignored');
    expect(jb.push(rtp(30001, 960, pcmuOf(6)), 120)).toBe('reset');
    jb.close();
  });

  for (const ppm of [-5000, 5000]) {
    it(`follows a sender clock drift of ${ppm > 0 ? '+' : ''}${ppm} ppm by time-stretching, without late loss`, () => {
      const jb = kit.createJitterBuffer();
      const n = 1500; // 30 s
      const arr = Array.from({ length: n }, (_, i) => ({ t: 30 + i * 20 * (1 - ppm / 1e6), pkt: rtp(i, i * 160, pcmuOf(i)) }));
      const run = drive(jb, arr, 30, 30 + (n - 5) * 20 * (1 - ppm / 1e6));
      const st = jb.stats();
      expect(st.late).toBe(0);
      expect(playedSeqs(run).length).toBeGreaterThan(n - 10);
      // 150 ms of drift over 30 s: made up by stretching, not by whole frames
      if (ppm > 0) expect(st.accelerateRate).toBeGreaterThan(0.002);
      else expect(st.preemptiveRate + st.expandRate).toBeGreaterThan(0.002);
      expect(st.droppedWhole).toBe(0);
      expect(Math.abs(st.currentDelayMs)).toBeLessThan(60);
      jb.close();
    });
  }

  it('stats().jitterMs is the RFC 3550 A.8 interarrival jitter of the arrivals', () => {
    const jb = kit.createJitterBuffer();
    // seeded arrival jitter; the estimator J += (|D| - J) / 16 written from
    // RFC 3550 section 6.4.1 / A.8, in timestamp units
    let s = 99;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
    let j = 0;
    let prevTransit: number | null = null;
    let t = 0;
    for (let i = 0; i < 300; i++) {
      t = Math.max(t, i * 20 + 30 + rnd() * 25);
      const ts = 7000 + i * 160;
      jb.push(rtp(i, ts, pcmuOf(i)), t);
      const transit = t * 8 - ts;
      if (prevTransit !== null) j += (Math.abs(transit - prevTransit) - j) / 16;
      prevTransit = transit;
    }
    expect(jb.stats().jitterMs).toBeCloseTo(j / 8, 6);
    expect(j / 8).toBeGreaterThan(2);
    jb.close();
  });

  it('an empty buffer plays comfort noise (silence before any packet), and never fails', () => {
    const jb = kit.createJitterBuffer();
    for (let t = 0; t < 200; t += 20) {
      const r = jb.poll(t);
      expect(r.op).toBe('cng');
      expect(r.started).toBe(false);
      expect(r.pcm.length).toBe(160);
      expect(r.pcm.every((v) => v === 0)).toBe(true);
    }
    jb.close();
  });

  it('overflow: a full buffer drops its oldest packet, counts it, and memory stays bounded', () => {
    const jb = kit.createJitterBuffer({ maxPackets: 10 });
    const res: string[] = [];
    for (let i = 0; i < 50; i++) res.push(jb.push(rtp(i, i * 160, pcmuOf(i)), 0));
    expect(res.filter((r) => r === 'overflow').length).toBe(40);
    const st = jb.stats();
    expect(st.overflow).toBe(40);
    expect(st.bufferedPackets).toBe(10);
    // the newest ten are what plays
    const seqs: number[] = [];
    for (let t = 0; t < 400; t += 20) seqs.push(...jb.poll(t).packets.map((p) => p.seq));
    expect(seqs.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => 40 + i));
    jb.close();
  });

  it('maxDelayMs bounds the delay: packets beyond it are skipped', () => {
    const jb = kit.createJitterBuffer({ maxDelayMs: 200 });
    // a stream arriving on time, then 1 s of packets all at once
    for (let i = 0; i < 10; i++) jb.push(rtp(i, i * 160, pcmuOf(i)), i * 20), jb.poll(i * 20);
    for (let i = 10; i < 60; i++) jb.push(rtp(i, i * 160, pcmuOf(i)), 200);
    let skipped = false;
    for (let t = 200; t < 600; t += 20) skipped = jb.poll(t).skipped || skipped;
    expect(skipped).toBe(true);
    expect(jb.stats().bufferedMs).toBeLessThanOrEqual(200 + 40);
    jb.close();
  });

  for (const [f0, lostN] of [[150, 1], [97.3, 1], [97.3, 3], [210, 3]] as const) {
    it(`concealment then merge (${f0} Hz voice, ${lostN} lost): continuous audio across both seams, no delay added`, () => {
      // A voiced, periodic signal: fundamental f0 and two harmonics (97.3 Hz
      // has a period of 82.2 samples, not a whole number).
      const n = 8000;
      const src = new Int16Array(n);
      for (let i = 0; i < n; i++) {
        const t = i / 8000;
        src[i] = Math.round(6000 * Math.sin(2 * Math.PI * f0 * t) + 3000 * Math.sin(2 * Math.PI * 2 * f0 * t + 1) + 1500 * Math.sin(2 * Math.PI * 3 * f0 * t + 2));
      }
      const jb = kit.createJitterBuffer();
      const arr: { t: number; pkt: Uint8Array }[] = [];
      for (let i = 0; i < 40; i++) {
        if (i >= 20 && i < 20 + lostN) continue; // lost
        arr.push({ t: i * 20, pkt: rtp(i, i * 160, pcmuOf(i, src)) });
      }
      const run = drive(jb, arr, 0, 39 * 20);
      const ops = run.polls.map((p) => p.op);
      const firstExpand = ops.indexOf('expand');
      const lastMerge = ops.lastIndexOf('merge');
      // one concealment frame per lost packet, then the merge: the frames
      // concealed while waiting became the lost packets' replacements
      expect(ops.slice(firstExpand, lastMerge + 1)).toEqual([...Array(lostN).fill('expand'), 'merge']);
      expect(run.polls[lastMerge].packets).toEqual([{ seq: 20 + lostN, offset: 0 }]);
      // Threshold: no sample-to-sample step anywhere from 10 samples before
      // the concealment to 10 after the merge frame exceeds 1.3x the largest
      // step of the clean signal (G.711 quantisation included).
      let clean = 0;
      for (let i = 1; i < 39 * 160; i++) clean = Math.max(clean, Math.abs(src[i] - src[i - 1]));
      const out = run.audio;
      let worst = 0;
      for (let i = firstExpand * 160 - 10; i < (lastMerge + 1) * 160 + 10; i++) worst = Math.max(worst, Math.abs(out[i] - out[i - 1]));
      expect(worst).toBeLessThanOrEqual(1.3 * clean);
      const st = jb.stats();
      expect(st.lost).toBe(lostN);
      expect(st.merges).toBe(1);
      expect(st.insertedWhole).toBe(0);
      jb.close();
    });
  }

  it('time going backwards is a typed error and changes nothing', () => {
    const jb = kit.createJitterBuffer();
    jb.push(rtp(1, 160, pcmuOf(1)), 100);
    expect(() => jb.push(rtp(2, 320, pcmuOf(2)), 50)).toThrow(expect.objectContaining({ code: 'time' }));
    expect(jb.poll(100).packets).toEqual([{ seq: 1, offset: 0 }]);
    expect(() => jb.poll(99.5)).toThrow(expect.objectContaining({ code: 'time' }));
    expect(jb.poll(120).op).toBe('expand');
    expect(jb.stats().received).toBe(1);
    jb.close();
  });

  it('non-RTP bytes get typed errors; random bytes never crash or grow the buffer', () => {
    const jb = kit.createJitterBuffer({ maxPackets: 20 });
    expect(() => jb.push(new Uint8Array(5), 0)).toThrow(expect.objectContaining({ code: 'bad_length' }));
    expect(() => jb.push(Uint8Array.of(0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1), 0)).toThrow(expect.objectContaining({ code: 'bad_version' }));
    const noPayload = rtp(1, 0, new Uint8Array(0));
    expect(() => jb.push(noPayload, 0)).toThrow(expect.objectContaining({ code: 'bad_packet' }));
    const csrcShort = rtp(1, 0, new Uint8Array(4));
    csrcShort[0] = 0x8f; // 15 CSRCs announced, 4 bytes present
    expect(() => jb.push(csrcShort, 0)).toThrow(expect.objectContaining({ code: 'bad_length' }));
    const badPad = rtp(1, 0, Uint8Array.of(1, 2, 200));
    badPad[0] |= 0x20; // padding count 200 > payload
    expect(() => jb.push(badPad, 0)).toThrow(expect.objectContaining({ code: 'bad_packet' }));
    const big = kit.createJitterBuffer({ maxPayloadBytes: 100 });
    expect(() => big.push(rtp(1, 0, new Uint8Array(101)), 0)).toThrow(expect.objectContaining({ code: 'limit' }));
    big.close();
    // seeded random bytes, some made to look like RTP
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
    let t = 0;
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(rnd() * 200);
      const b = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
      if (len > 0 && rnd() < 0.7) b[0] = (b[0] & 0x3f) | 0x80;
      t += rnd() * 5;
      try {
        jb.push(b, t);
      } catch (e) {
        expect(['bad_length', 'bad_version', 'bad_packet', 'limit']).toContain((e as { code: string }).code);
      }
      if (i % 4 === 0) expect(jb.poll(t).pcm.length).toBe(160);
      expect(jb.stats().bufferedPackets).toBeLessThanOrEqual(20);
    }
    jb.close();
  });

  it('rejects out-of-range options with invalid_argument', () => {
    const bad = [
      { clockRate: 44100 }, { clockRate: 16000 }, { ptimeMs: 30 }, { codec: 'g722' }, { minDelayMs: -1 },
      { codec: 'custom' }, { codec: 'custom', decoder: {} }, { codec: 'pcmu', decoder: { decode: () => 0, conceal: () => 0 } },
      { codec: 'pcmu', sampleRate: 16000 }, { codec: 'custom', clockRate: 48000, sampleRate: 44100, decoder: { decode: () => 0, conceal: () => 0 } },
      { codec: 'custom', clockRate: 16000, sampleRate: 48000, decoder: { decode: () => 0, conceal: () => 0 } },
      { maxDelayMs: 10 }, { maxDelayMs: 20000 }, { minDelayMs: 500, maxDelayMs: 100 }, { maxPackets: 1 },
      { maxPackets: 1e6 }, { maxPayloadBytes: 0 }, { payloadType: 128 }, { maxPackets: 2.5 },
    ];
    for (const o of bad) {
      expect(() => kit.createJitterBuffer(o as never), JSON.stringify(o)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });

  it('payloadType filters packets; close() is idempotent and later use is a closed error', () => {
    const jb = kit.createJitterBuffer({ payloadType: 8, codec: 'pcma' });
    expect(jb.push(rtp(1, 0, new Uint8Array(160), { pt: 0 }), 0)).toBe('ignored');
    expect(jb.push(rtp(1, 0, new Uint8Array(160), { pt: 8 }), 0)).toBe('ok');
    jb.close();
    jb.close();
    expect(() => jb.poll(0)).toThrow(expect.objectContaining({ code: 'closed' }));
  });

  it('reset() forgets packets and statistics', () => {
    const jb = kit.createJitterBuffer();
    for (let i = 0; i < 5; i++) jb.push(rtp(i, i * 160, pcmuOf(i)), i);
    jb.reset();
    const st = jb.stats();
    expect(st.received).toBe(0);
    expect(st.bufferedPackets).toBe(0);
    expect(jb.poll(0).started).toBe(false);
    jb.close();
  });
});
