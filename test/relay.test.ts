import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { AudioReceiver, AudioSender, RtpRelay, RtpView, levelDbov, parseRtcp, type VoipKit } from '../src/index.js';

const K1 = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const S1 = Uint8Array.from({ length: 14 }, (_, i) => 100 + i);
const K2 = Uint8Array.from({ length: 16 }, (_, i) => 200 - i);
const S2 = Uint8Array.from({ length: 14 }, (_, i) => 50 + i);

describe.each(BACKENDS)('RtpRelay on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });
  const srtp = (k: Uint8Array, s: Uint8Array) => kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: k, masterSalt: s });

  it('forward, SRTP (key 1) -> SRTP (key 2): SSRC / seq / timestamp rewritten, gaps kept, RTCP translated, RTT across the relay', () => {
    const aTx = srtp(K1, S1), relayInA = srtp(K1, S1), relayOutB = srtp(K2, S2), bRx = srtp(K2, S2);
    const relayInB = srtp(K2, S2), bTx = srtp(K2, S2), relayOutA = srtp(K1, S1), aRx = srtp(K1, S1);
    const relay = new RtpRelay(kit, { a: { srtpIn: relayInA, srtpOut: relayOutA }, b: { srtpIn: relayInB, srtpOut: relayOutB, ssrc: 0xb0b0 } });
    const sender = new AudioSender(kit, 0, { srtp: aTx, ssrc: 0xa0a0, rtcp: { wallClockMs: (t) => 1.7e12 + t } });
    const receiver = new AudioReceiver(kit, 0, { srtp: bRx, localSsrc: 0xbeef, rtcp: { wallClockMs: (t) => 1.7e12 + t } });
    const tone = Int16Array.from({ length: 160 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 500 * i) / 8000)));
    const seqs: number[] = [];
    const tap = srtp(K2, S2);
    let levels = 0;
    for (let f = 0; f < 100; f++) {
      const t = f * 20;
      for (const d of sender.send(tone, t)) {
        if (f === 40) continue; // lost between A and the relay
        const outs = relay.relay('a', d, t + 5);
        expect(outs.length).toBe(1);
        const out = outs[0];
        // one context for the whole stream, as B's receiver: the relay's output
        // sequence starts at random, and a fresh context per packet would read
        // the packets after a 16-bit wrap with the wrong ROC
        const plain = tap.unprotectRtp(out!);
        const v = RtpView.wrap(plain);
        expect(v.ssrc).toBe(0xb0b0);
        seqs.push(v.sequenceNumber);
        receiver.receive(out!, t + 10);
      }
      if (f > 10) levels += levelDbov(receiver.poll(t).pcm) > -20 ? 1 : 0;
    }
    expect(levels).toBeGreaterThan(80);
    const gaps = seqs.slice(1).map((s, i) => (s - seqs[i]) & 0xffff);
    expect(gaps.filter((g) => g !== 1)).toEqual([2]); // the one loss stays a gap
    expect(receiver.stats().reception!.cumulativeLost).toBe(1);
    // RTCP: A's SR crosses to B; B's RR crosses back to A with its block mapped to A's SSRC
    const sr = sender.rtcp.buildReport(2000);
    const [srOut] = relay.relay('a', aTx.protectRtcp(serializeAll(sr)), 2005);
    receiver.receive(srOut, 2010);
    const rr = receiver.rtcp.buildReport(2300);
    const [rrOut] = relay.relay('b', bTx.protectRtcp(serializeAll(rr)), 2305);
    const back = parseRtcp(aRx.unprotectRtcp(rrOut));
    const blk = (back[0] as { reports: Array<{ ssrc: number; cumulativeLost: number }> }).reports[0];
    expect(blk.ssrc).toBe(0xa0a0);
    expect(blk.cumulativeLost).toBe(1);
    expect(sender.receiveRtcp(srtp(K1, S1).protectRtcp(serializeAll(back)), 2310)).toBe(true);
    expect(sender.stats().roundTripMs).toBeCloseTo(20, 0); // 5 + 5 ms to B, 5 + 5 ms back
    // a tampered packet is dropped and counted
    const bad = sender.send(tone, 3000)[0].slice();
    bad[30] ^= 0xff;
    expect(relay.relay('a', bad, 3000)).toEqual([]);
    expect(relay.stats().a.dropped.srtp).toBe(1);
    expect(relay.relay('a', new Uint8Array(5), 3001)).toEqual([]);
    expect(relay.stats().a.dropped.notRtp).toBe(1);
    for (const x of [aTx, relayInA, relayOutB, bRx, relayInB, bTx, relayOutA, aRx, tap]) x.close();
    sender.close();
    receiver.close();
  });

  it('transcode PCMU -> PCMA: the payload is exactly the G.711 transcoding of the input', () => {
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'pcma' } });
    const s = new AudioSender(kit, 0, { codec: 'pcmu' });
    const x = Int16Array.from({ length: 160 }, (_, i) => Math.round(9000 * Math.sin(i / 3)));
    const d = s.send(x, 0)[0];
    const outs = relay.relay('a', d, 0);
    expect(outs.length).toBe(1);
    const v = RtpView.wrap(outs[0]);
    expect(v.payloadType).toBe(8);
    const mu = RtpView.wrap(d).payload;
    expect(Array.from(v.payload)).toEqual(Array.from(kit.g711.encode('pcma', kit.g711.decode('pcmu', mu))));
    expect(relay.stats().b.transcoded).toBe(1);
    s.close();
  });

  it('the datagrams returned stay as returned (later ones, far more than one 8 KB pool, never overwrite them), and transferring one away does not stop the relay', () => {
    const aTx = srtp(K1, S1), relayIn = srtp(K1, S1), relayOut = srtp(K2, S2);
    const fwd = new RtpRelay(kit, { a: { srtpIn: relayIn }, b: { srtpOut: relayOut } });
    const tc = new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'pcma' } });
    const plainTx = new AudioSender(kit, 0, { codec: 'pcmu' });
    const srtpTx = new AudioSender(kit, 0, { codec: 'pcmu', srtp: aTx });
    const kept: Array<{ d: Uint8Array; copy: Uint8Array }> = [];
    const tap = srtp(K2, S2);
    let lastPlain = new Uint8Array(0);
    for (let f = 0; f < 200; f++) {
      const x = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((f * 160 + i) / 5)));
      const outs = [...tc.relay('a', plainTx.send(x, f * 20)[0], f * 20), ...fwd.relay('a', srtpTx.send(x, f * 20)[0], f * 20)];
      expect(outs.length).toBe(2);
      expect(outs[0].length).toBe(12 + 160); // RTP header + 20 ms of PCMA
      expect(outs[1].length).toBe(12 + 160 + 10); // + the SRTP tag
      for (const d of outs) kept.push({ d, copy: d.slice() });
      lastPlain = tap.unprotectRtp(outs[1].slice()); // in order, through one context (the sequence may wrap)
      if (f === 100) structuredClone(outs[0].buffer, { transfer: [outs[0].buffer] }); // the caller moves one away: its pool is gone
    }
    // 200 x (172 + 182) bytes: several pools each; every datagram still holds its bytes (bar the pool transferred away)
    const detached = kept.filter((k) => k.d.length === 0).length;
    expect(detached).toBeGreaterThan(0);
    for (const k of kept) if (k.d.length) expect(k.d).toEqual(k.copy);
    // the packets after the transfer are whole and decodable
    const last = kept.slice(-2);
    expect(RtpView.wrap(last[0].d).payloadType).toBe(8);
    expect(last[1].d).toEqual(last[1].copy);
    expect(RtpView.wrap(lastPlain).payloadLength).toBe(160);
    expect(tc.stats().b.sent).toBe(200);
    expect(fwd.stats().b.sent).toBe(200);
    for (const o of [fwd, tc, plainTx, srtpTx, aTx, relayIn, relayOut, tap]) o.close();
  });
});

import { serializeRtcp, type RtcpPacket } from '../src/index.js';
import { describe as d2 } from 'vitest';
d2.each(BACKENDS)('RtpRelay G.711 <-> Opus on %s', (backend) => {
  it('PCMU -> Opus (through the resampler) -> PCMU: the tone crosses both ways at its level, timestamps rescaled', async () => {
    const kit = await kitFor(backend);
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'opus' } });
    const toOpus = new AudioSender(kit, 0, { codec: 'pcmu', ssrc: 1 });
    const fromOpus = new AudioSender(kit, 0, { codec: 'opus', ssrc: 2 });
    const rxOpus = new AudioReceiver(kit, 0, { sampleRate: 48000 });
    const rxMu = new AudioReceiver(kit, 0);
    const l1: number[] = [], l2: number[] = [];
    const ts: number[] = [];
    for (let f = 0; f < 80; f++) {
      const t = f * 20;
      const x8 = Int16Array.from({ length: 160 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 700 * (f * 160 + i)) / 8000)));
      const x48 = Int16Array.from({ length: 960 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 700 * (f * 960 + i)) / 48000)));
      for (const d of toOpus.send(x8, t)) {
        const [o] = relay.relay('a', d, t);
        const v = RtpView.wrap(o);
        expect(v.payloadType).toBe(111);
        ts.push(v.timestamp);
        rxOpus.receive(o, t + 5);
      }
      for (const d of fromOpus.send(x48, t)) {
        const [o] = relay.relay('b', d, t);
        expect(RtpView.wrap(o).payloadType).toBe(0);
        rxMu.receive(o, t + 5);
      }
      const p1 = rxOpus.poll(t), p2 = rxMu.poll(t);
      if (f > 20) { l1.push(levelDbov(p1.pcm)); l2.push(levelDbov(p2.pcm)); }
    }
    expect(new Set(ts.slice(1).map((v, i) => (v - ts[i]) >>> 0))).toEqual(new Set([960]));
    const ref = 20 * Math.log10(6000 / Math.SQRT2 / 32768);
    for (const l of [l1, l2]) {
      const mean = l.reduce((a, v) => a + v, 0) / l.length;
      expect(Math.abs(mean - ref)).toBeLessThan(1.5);
    }
    expect(relay.stats().b.transcoded).toBe(80);
    expect(relay.stats().a.transcoded).toBe(80);
    for (const x of [toOpus, fromOpus, rxOpus, rxMu, relay]) x.close();
  });
});
function serializeAll(p: RtcpPacket[]): Uint8Array {
  return serializeRtcp(p);
}
