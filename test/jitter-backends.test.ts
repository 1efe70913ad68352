// The native and WASM builds of the jitter buffer are the same C code: on a
// seeded hostile scenario (jitter, loss, duplicates, reordering, a stall, an
// SSRC change, a timestamp jump) they must produce the same audio and the
// same decisions, frame by frame.  Needs both backends (it is skipped, and
// says so, when VOIPKIT_BACKEND selects one).
import { describe, it, expect } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { rtpPacket } from './helpers/pcap.js';
import { speechLike } from '../src/sim/speech.js';

const rtp = (seq: number, ts: number, payload: Uint8Array, ssrc: number): Uint8Array =>
  rtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc, payload });

const both = BACKENDS.includes('native') && BACKENDS.includes('wasm');

describe('jitter buffer: native and WASM agree', () => {
  it.skipIf(!both)('same frames, ops and packets on a seeded hostile scenario (seed 4242)', async () => {
    const [nat, wasm] = await Promise.all([kitFor('native'), kitFor('wasm')]);
    const speech = speechLike(8000 * 30, 5);
    let s = 4242;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) / 16777216;
    const arrivals: { t: number; pkt: Uint8Array }[] = [];
    let ssrc = 0x1111;
    let tsBase = 1000;
    for (let i = 0; i < 2500; i++) {
      if (i === 1200) ssrc = 0x2222; // new stream
      if (i === 1800) tsBase += 8000 * 60; // a minute's timestamp jump
      const payload = nat.g711.encode('pcmu', speech.subarray((i * 160) % (speech.length - 160), ((i * 160) % (speech.length - 160)) + 160));
      const pkt = rtp(60000 + i, tsBase + i * 160, payload, ssrc);
      if (rnd() < 0.03) continue; // lost
      let t = i * 20 + 30 + -Math.log(1 - rnd()) * 12;
      if (i >= 700 && i < 730) t = Math.max(t, 730 * 20); // a 600 ms stall
      arrivals.push({ t, pkt });
      if (rnd() < 0.02) arrivals.push({ t: t + rnd() * 40, pkt }); // duplicate
    }
    arrivals.sort((a, b) => a.t - b.t);
    const a = nat.createJitterBuffer();
    const b = wasm.createJitterBuffer();
    let k = 0;
    for (let t = 30; t < 2500 * 20 + 500; t += 20) {
      while (k < arrivals.length && arrivals[k].t <= t) {
        expect(b.push(arrivals[k].pkt, arrivals[k].t)).toBe(a.push(arrivals[k].pkt, arrivals[k].t));
        k++;
      }
      const ra = a.poll(t);
      const rb = b.poll(t);
      expect({ ...rb, pcm: null }).toEqual({ ...ra, pcm: null });
      expect(Buffer.from(rb.pcm.buffer, rb.pcm.byteOffset, rb.pcm.byteLength).equals(Buffer.from(ra.pcm.buffer, ra.pcm.byteOffset, ra.pcm.byteLength))).toBe(true);
    }
    const sa = a.stats();
    expect(b.stats()).toEqual(sa);
    expect(sa.resets).toBe(2);
    expect(sa.duplicate).toBeGreaterThan(10);
    expect(sa.stalls).toBeGreaterThanOrEqual(1);
    a.close();
    b.close();
  });
});
