/**
 * RtpRelay across RTP clock rates and packet durations: RFC 4733
 * telephone-events rescaled between PCMU (8 kHz) and Opus (48 kHz), and
 * audio re-packetised to the outgoing leg's ptime.
 *
 * References: RFC 4733 §2.5 (every packet of an event carries the event's
 * start timestamp; cumulative durations in the payload type's clock; the
 * end packet with the E bit, sent three times; §2.5.1.3 segments of at most
 * 65535 ticks), RFC 7587 §4.1 (Opus RTP clock 48 kHz), and G.711 (ITU-T
 * G.191 checked, test/g711.test.ts) for the exact re-packetisation check.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import {
  AudioReceiver, AudioSender, DtmfDecoder, RtpBuilder, RtpRelay, RtpView, levelDbov, opusPacketSamples48k, parseTelephoneEvents,
  VoipKitError, type DtmfReport, type VoipKit,
} from '../src/index.js';

interface Pkt { seq: number; ts: number; pt: number; marker: boolean; payload: Uint8Array }
const view = (d: Uint8Array): Pkt => {
  const v = RtpView.wrap(d);
  return { seq: v.sequenceNumber, ts: v.timestamp, pt: v.payloadType, marker: v.marker, payload: v.payload.slice() };
};
function rtp(pt: number, seq: number, ts: number, payload: Uint8Array, marker = false, ssrc = 0x1234): Uint8Array {
  const b = new RtpBuilder();
  b.payloadType = pt;
  b.sequenceNumber = seq & 0xffff;
  b.timestamp = ts >>> 0;
  b.ssrc = ssrc;
  b.marker = marker;
  b.payload = payload;
  return b.serialize();
}
const tone = (n0: number, n: number, rate: number, hz = 700, amp = 6000) =>
  Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * (n0 + i)) / rate)));
const REF_DB = 20 * Math.log10(6000 / Math.SQRT2 / 32768);

describe.each(BACKENDS)('RtpRelay transcoding across clocks and ptimes on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  /**
   * A call on `inCodec` with two digits (a short one, and one long enough to
   * need two RFC 4733 segments at 48 kHz), through the relay to `outCodec`.
   */
  function dtmfThrough(inCodec: 'pcmu' | 'opus', outCodec: 'pcmu' | 'opus') {
    const inClock = inCodec === 'opus' ? 48000 : 8000, outClock = outCodec === 'opus' ? 48000 : 8000;
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: inCodec }, b: { codec: outCodec, dtmfPayloadType: 96 } });
    const tx = new AudioSender(kit, 0, { codec: inCodec, ssrc: 7 });
    const ins: Pkt[] = [], outs: Pkt[] = [];
    const n = inClock / 50;
    tx.sendDtmf('5', 160);
    for (let f = 0; f < 150; f++) {
      if (f === 40) tx.sendDtmf('#', 1800);
      for (const d of tx.send(tone(f * n, n, inClock), f * 20)) {
        ins.push(view(d));
        for (const o of relay.relay('a', d, f * 20)) outs.push(view(o));
      }
    }
    tx.close();
    relay.close();
    return { ins, outs, ratio: outClock / inClock, inClock, outClock };
  }

  function checkEvents(r: ReturnType<typeof dtmfThrough>) {
    const { ins, outs, ratio, outClock } = r;
    const inEv = ins.filter((p) => p.pt === 101), outEv = outs.filter((p) => p.pt === 96);
    expect(outs.some((p) => p.pt === 101)).toBe(false); // the outgoing leg's payload type
    // the audio timeline: the first audio packet in and out are the same instant
    const inA0 = ins.find((p) => p.pt !== 101)!.ts, outA0 = outs.find((p) => p.pt !== 96)!.ts;
    const mapTs = (ts: number) => (outA0 + Math.round(((ts - inA0) | 0) * ratio)) >>> 0; // the first digit precedes the first audio
    // each event's start timestamp (its first segment's)
    const starts = [5, 11].map((e) => inEv.find((p) => parseTelephoneEvents(p.payload)[0].event === e)!.ts);
    // short digit: one output packet per input packet, same flags, duration x ratio, timestamp constant
    const shortIn = inEv.filter((p) => p.ts === starts[0]);
    const shortOut = outEv.filter((p) => p.ts === mapTs(starts[0]));
    expect(shortOut.length).toBe(shortIn.length);
    expect(new Set(shortOut.map((p) => p.ts)).size).toBe(1);
    for (let i = 0; i < shortIn.length; i++) {
      const a = parseTelephoneEvents(shortIn[i].payload)[0], b = parseTelephoneEvents(shortOut[i].payload)[0];
      expect(b.event).toBe(5);
      expect(b.end).toBe(a.end);
      expect(b.volume).toBe(a.volume);
      expect(b.duration).toBe(Math.round(a.duration * ratio));
      expect(shortOut[i].marker).toBe(shortIn[i].marker);
    }
    expect(shortOut[0].marker).toBe(true);
    const ends = shortOut.filter((p) => parseTelephoneEvents(p.payload)[0].end);
    expect(ends.length).toBe(3); // the end packet and its two redundant copies
    expect(new Set(ends.map((p) => parseTelephoneEvents(p.payload)[0].duration))).toEqual(new Set([160 * outClock / 1000]));
    // the long digit: 1.8 s; at 48 kHz that is 86400 ticks: segments at T and T + 65535
    const longOut = outEv.filter((p) => parseTelephoneEvents(p.payload)[0].event === 11);
    const segTs = [...new Set(longOut.map((p) => p.ts))];
    const T = mapTs(starts[1]);
    const total = 1.8 * outClock;
    expect(segTs).toEqual(total > 0xffff ? [T, (T + 0xffff) >>> 0] : [T]);
    for (const p of longOut) {
      const b = parseTelephoneEvents(p.payload)[0];
      if (p.ts === T && total > 0xffff && !b.end) expect(b.duration).toBeLessThanOrEqual(0xffff);
      if (b.end) expect(b.duration).toBe(total > 0xffff ? total - 0xffff : total);
    }
    if (total > 0xffff) {
      // the first segment is closed by a packet with the largest duration, without E
      expect(longOut.some((p) => p.ts === T && parseTelephoneEvents(p.payload)[0].duration === 0xffff && !parseTelephoneEvents(p.payload)[0].end)).toBe(true);
    }
    expect(longOut.filter((p) => parseTelephoneEvents(p.payload)[0].end).length).toBe(3);
    // a receiver on the outgoing clock hears two digits of the sent lengths
    const dec = new DtmfDecoder({ clockRate: outClock });
    const reports: DtmfReport[] = [];
    for (const p of outEv) reports.push(...dec.push(p.ts, p.payload));
    const endsR = reports.filter((x) => x.type === 'end');
    expect(endsR.map((x) => [x.digit, x.durationMs, x.endSeen])).toEqual([['5', 160, true], ['#', 1800, true]]);
    // sequence numbers: every packet sent has the next one
    for (let i = 1; i < outs.length; i++) expect((outs[i].seq - outs[i - 1].seq) & 0xffff).toBe(1);
  }

  it('RFC 4733 events PCMU (8 kHz) -> Opus (48 kHz): durations x 6, timestamp mapped like the audio and constant per event, 3 end packets, segmented past 65535', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    checkEvents(dtmfThrough('pcmu', 'opus'));
  });

  it('RFC 4733 events Opus (48 kHz) -> PCMU (8 kHz): durations / 6, segments of the input joined', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const r = dtmfThrough('opus', 'pcmu');
    // the sender segmented the 1.8 s digit at 48 kHz; on the 8 kHz leg it is one segment
    expect(new Set(r.ins.filter((p) => p.pt === 101 && parseTelephoneEvents(p.payload)[0].event === 11).map((p) => p.ts)).size).toBe(2);
    checkEvents(r);
  });

  it('an Opus AudioReceiver behind the relay hears a PCMU caller\'s digit at its length (telephone-event on the 48 kHz clock)', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'opus' } });
    const tx = new AudioSender(kit, 0, { codec: 'pcmu' });
    const rx = new AudioReceiver(kit, 0, { sampleRate: 48000 });
    for (let f = 0; f < 40; f++) {
      if (f === 10) tx.sendDtmf('7', 160);
      for (const d of tx.send(tone(f * 160, 160, 8000), f * 20)) for (const o of relay.relay('a', d, f * 20)) rx.receive(o, f * 20 + 5);
      rx.poll(f * 20);
    }
    expect(rx.events().filter((e) => e.type === 'end').map((e) => [e.digit, e.durationMs])).toEqual([['7', 160]]);
    for (const x of [tx, rx, relay]) x.close();
  });

  it('PCMU 30 ms in -> PCMA 20 ms out: exactly the G.711 transcoding of the stream cut at 20 ms; a loss is concealed (no gap), a timestamp jump without loss leaves none either', () => {
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'pcma', ptimeMs: 20 } });
    const N = 240;
    const x = Int16Array.from({ length: 20 * N }, (_, i) => Math.round(9000 * Math.sin(i / 5) + 3000 * Math.sin(i / 1.7)));
    const mu = kit.g711.encode('pcmu', x);
    const y = kit.g711.decode('pcmu', mu); // what the relay hears
    const LOST = 7;
    const outs: Pkt[] = [];
    for (let k = 0; k < 20; k++) {
      if (k === LOST) continue;
      for (const o of relay.relay('a', rtp(0, 100 + k, 1000 + k * N, mu.subarray(k * N, (k + 1) * N)), k * 30)) outs.push(view(o));
    }
    const ts0 = outs[0].ts, seq0 = outs[0].seq;
    const frames = outs.map((p) => ((p.ts - ts0) >>> 0) / 160);
    // 30 frames of 20 ms, every one sent: the lost 30 ms (samples 1680..1919) are concealed (test/relay-conceal.test.ts)
    expect(frames).toEqual(Array.from({ length: 30 }, (_, f) => f));
    expect(relay.stats().a.concealedMs).toBe(30);
    for (const [i, p] of outs.entries()) {
      const f = frames[i];
      expect(p.pt).toBe(8);
      expect((p.seq - seq0) & 0xffff).toBe(f);
      // frames 10..12 hold the concealment and its 10 ms merge into the next packet; the rest is the exact transcoding
      if (f >= 10 && f <= 12) continue;
      expect(Array.from(p.payload)).toEqual(Array.from(kit.g711.encode('pcma', y.subarray(f * 160, (f + 1) * 160))));
    }
    // DTX-style pause: the next packet's sequence number follows on, its timestamp jumps 10 packets
    const after = relay.relay('a', rtp(0, 120, 1000 + 30 * N, mu.subarray(0, N), true), 900).map(view);
    expect(after.length).toBe(1); // 240 samples: one packet, 80 queued
    expect((after[0].seq - outs[outs.length - 1].seq) & 0xffff).toBe(1);
    expect((after[0].ts - ts0) >>> 0).toBe(30 * N);
    expect(after[0].marker).toBe(true);
    // a packet older than what was sent is dropped as late
    expect(relay.relay('a', rtp(0, 105, 1000 + 5 * N, mu.subarray(0, N)), 950)).toEqual([]);
    expect(relay.stats().a.dropped.late).toBe(1);
    // the source restarts its timestamps (same SSRC, far in the past): the relay continues its own timeline
    const restart = relay.relay('a', rtp(0, 121, 77, mu.subarray(0, 2 * N)), 1000).map(view);
    expect(restart.map((p) => (p.seq - after[0].seq) & 0xffff)).toEqual([1, 2, 3]); // 80 queued + 480 new = 3.5 packets
    expect(restart.map((p) => ((p.ts - ts0) >>> 0) - 30 * N)).toEqual([160, 320, 480]);
    relay.close();
  });

  it('G.711 <-> Opus with other ptimes: PCMU 10/30/60 ms -> Opus 20/40/60 ms and Opus 10/40 ms -> PCMU 30/60 ms, packets of the outgoing ptime, the tone at its level', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const cases: Array<[inCodec: 'pcmu' | 'opus', inPtime: 10 | 20 | 30 | 40, outPtime: number]> = [
      ['pcmu', 10, 60], ['pcmu', 30, 20], ['pcmu', 40, 40], ['opus', 10, 30], ['opus', 40, 60], ['opus', 20, 30],
    ];
    for (const [inCodec, inPtime, outPtime] of cases) {
      const outCodec = inCodec === 'opus' ? 'pcmu' : 'opus';
      const inRate = inCodec === 'opus' ? 48000 : 8000, outClock = outCodec === 'opus' ? 48000 : 8000;
      const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: inCodec }, b: { codec: outCodec, ptimeMs: outPtime } });
      const tx = new AudioSender(kit, 0, { codec: inCodec, ptimeMs: inPtime });
      const outs: Pkt[] = [];
      const n = (inRate * inPtime) / 1000;
      const frames = Math.round(1200 / inPtime); // 1.2 s
      for (let f = 0; f < frames; f++) for (const d of tx.send(tone(f * n, n, inRate), f * inPtime)) for (const o of relay.relay('a', d, f * inPtime)) outs.push(view(o));
      tx.close();
      const label = `${inCodec} ${inPtime} ms -> ${outCodec} ${outPtime} ms`;
      expect(outs.length, label).toBe(Math.floor(1200 / outPtime));
      for (let i = 1; i < outs.length; i++) {
        expect((outs[i].seq - outs[i - 1].seq) & 0xffff, label).toBe(1);
        expect((outs[i].ts - outs[i - 1].ts) >>> 0, label).toBe((outPtime * outClock) / 1000);
      }
      let pcm: Int16Array;
      if (outCodec === 'opus') {
        for (const p of outs) expect(opusPacketSamples48k(p.payload), label).toBe(outPtime * 48);
        const dec = kit.createOpusDecoder({ sampleRate: 48000, channels: 1 });
        pcm = Int16Array.from(outs.flatMap((p) => Array.from(dec.decode(p.payload) as Int16Array)));
        dec.close();
      } else {
        for (const p of outs) expect(p.payload.length, label).toBe(outPtime * 8);
        pcm = Int16Array.from(outs.flatMap((p) => Array.from(kit.g711.decode('pcmu', p.payload))));
      }
      const steady = pcm.subarray(Math.floor(pcm.length / 3));
      expect(Math.abs(levelDbov(steady) - REF_DB), label).toBeLessThan(1.5);
      expect(relay.stats().b.transcoded, label).toBe(outs.length);
      relay.close();
    }
  });

  it('forward mode with 30 ms packets: a new source continues one 30 ms packet after the last', () => {
    const relay = new RtpRelay(kit, {});
    const outs: Pkt[] = [];
    const pl = new Uint8Array(240).fill(0xff);
    for (let k = 0; k < 5; k++) outs.push(...relay.relay('a', rtp(0, 10 + k, 5000 + 240 * k, pl, false, 1), k * 30).map(view));
    outs.push(...relay.relay('a', rtp(0, 40000, 123456, pl, true, 2), 150).map(view));
    for (let i = 1; i < outs.length; i++) {
      expect((outs[i].seq - outs[i - 1].seq) & 0xffff).toBe(1);
      expect((outs[i].ts - outs[i - 1].ts) >>> 0).toBe(240);
    }
    relay.close();
  });

  it('options: a ptime the leg codec cannot carry, an unknown leg', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(VoipKitError);
        expect((e as VoipKitError).code).toBe('invalid_argument');
        return;
      }
      throw new Error('expected invalid_argument');
    };
    bad(() => new RtpRelay(kit, { mode: 'transcode', b: { codec: 'opus', ptimeMs: 30 } }));
    bad(() => new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu', ptimeMs: 25 } }));
    bad(() => new RtpRelay(kit, { a: { dtmfPayloadType: 200 } }));
    const r = new RtpRelay(kit);
    bad(() => r.relay('c' as 'a', new Uint8Array(12), 0));
    r.close();
  });
});
