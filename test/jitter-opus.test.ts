/**
 * Codecs decoded outside the core go through the same adaptive jitter buffer
 * as G.711: the core decides (decode / conceal / FEC from the next packet /
 * merge / time-stretch) and asks the TypeScript layer for each packet's
 * audio (VK_JB_CODEC_HOST, docs/jitter.md).
 *
 *  - codec 'custom' with a fake decoder whose calls are logged: two packets
 *    lost in a row, the first is concealed blind and the second is rebuilt
 *    from the FEC of the packet after it (the regression of the slot the
 *    buffer thought it was concealing); a decoder that throws; the 48 kHz
 *    RTP clock of Opus divided down to a 16 kHz decoder across the 32-bit
 *    timestamp wrap.
 *  - Opus (libopus natively, opusscript on WASM) through AudioReceiver over a
 *    modelled network (jitter, a +150 ms delay step for 2 s, random and
 *    double losses): the target delay follows the step up and back down,
 *    losses are concealed, and FEC rebuilds them where the decoder can
 *    decode it (opusscript cannot: there the buffer still hands the decoder
 *    the next packet, and the count of FEC recoveries is zero).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { rtpPacket } from './helpers/pcap.js';
import { mulberry32 as rng } from './helpers/random.js';
import { AudioReceiver, AudioSender, type JitterDecoder, type VoipKit } from '../src/index.js';

const rtp = (seq: number, ts: number, payload: number[], ssrc = 0x1234, pt = 111): Uint8Array =>
  rtpPacket({ payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc, payload: Uint8Array.from(payload) });

/** A fake codec: payload = 2-byte frame id; 20 ms at 16 kHz of a 200 Hz sine continuing across frames. */
function fakeCodec(failOn = -1) {
  const log = { decodes: [] as number[], conceals: [] as number[], sizes: [] as number[], concealsBefore: new Map<number, number>() };
  const decoder: JitterDecoder = {
    decode(p, out) {
      const id = (p[0] << 8) | p[1];
      if (id === failOn) throw new Error('corrupt');
      for (let i = 0; i < 320; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 200 * (id * 320 + i)) / 16000));
      log.decodes.push(id);
      log.concealsBefore.set(id, log.conceals.length);
      return 320;
    },
    conceal(out, next) {
      log.conceals.push(next ? (next[0] << 8) | next[1] : -1);
      log.sizes.push(out.length);
      out.fill(0);
      return out.length;
    },
  };
  return { decoder, log };
}


describe.each(BACKENDS)('jitter buffer with the decoder outside the core, on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('two packets lost in a row: N is concealed blind, N + 1 rebuilt from the FEC of N + 2 (48 kHz RTP clock, 16 kHz audio, across the timestamp wrap)', () => {
    for (const minDelayMs of [0, 40]) {
      const { decoder, log } = fakeCodec();
      const jb = kit.createJitterBuffer({ codec: 'custom', clockRate: 48000, sampleRate: 16000, decoder, minDelayMs });
      expect(jb.frameSamples).toBe(320);
      const base = 0xffffffff - 960 * 20 + 1; // the 32-bit timestamp wraps at packet 20
      const concealed: number[] = [];
      for (let i = 0; i < 90; i++) {
        const t = i * 20;
        if (i < 80 && i !== 30 && i !== 31) expect(jb.push(rtp(65520 + i, base + 960 * i, [i >> 8, i & 255]), t)).toBe('ok');
        const r = jb.poll(t + 5);
        expect(r.pcm.length).toBe(320);
        if (r.concealedSeq !== null && i < 80 && concealed.at(-1) !== r.concealedSeq) concealed.push(r.concealedSeq);
      }
      expect(concealed).toEqual([(65520 + 30) & 0xffff, (65520 + 31) & 0xffff]);
      // the concealments made for the loss (those after the last packet wait for more)
      const gap = log.conceals.slice(0, log.concealsBefore.get(32));
      expect(log.concealsBefore.get(29)).toBe(0);
      expect(gap[0]).toBe(-1); // N: no packet carries its FEC
      expect(gap.at(-1)).toBe(32); // N + 1: rebuilt from N + 2
      // held one packet deep, N + 2 is there when N + 1 is due: one blind, one FEC;
      // just in time, N + 1's slot is first concealed blind while waiting, then rebuilt
      expect(gap).toEqual(minDelayMs ? [-1, 32] : [-1, -1, 32]);
      // a decoder conceals whole packets (Opus decode_fec needs the whole frame)
      expect(log.sizes.every((n) => n === 320)).toBe(true);
      expect(log.decodes).toEqual(Array.from({ length: 80 }, (_, i) => i).filter((i) => i !== 30 && i !== 31));
      const st = jb.stats();
      expect(st.lost).toBe(2);
      expect(st.late).toBe(0);
      expect(st.resets).toBe(0);
      expect(st.codec).toEqual({ decoded: 78, concealed: log.conceals.filter((x) => x === -1).length, fec: 1, errors: 0 });
      jb.close();
    }
  });

  it('a payload the decoder cannot decode is dropped and concealed; playout goes on; a decoder that returns junk gets the buffer\'s own concealment', () => {
    const { decoder, log } = fakeCodec(10);
    const jb = kit.createJitterBuffer({ codec: 'custom', clockRate: 16000, decoder, ptimeMs: 10 });
    expect(jb.frameSamples).toBe(160);
    let ts = 5;
    for (let i = 0; i < 30; i++) {
      jb.push(rtp(i, ts, [0, i]), i * 20);
      ts += 320;
      jb.poll(i * 20 + 1);
      jb.poll(i * 20 + 11);
    }
    expect(log.decodes).not.toContain(10);
    expect(log.decodes).toContain(11);
    expect(log.decodes.length).toBeGreaterThanOrEqual(27);
    const st = jb.stats();
    expect(st.codec!.errors).toBe(1);
    expect(st.invalid).toBe(1);
    jb.close();
    // junk from conceal (NaN, a wrong length) is refused: the buffer conceals itself
    const junk = kit.createJitterBuffer({ codec: 'custom', clockRate: 16000, decoder: { decode: fakeCodec().decoder.decode, conceal: () => NaN } });
    for (let i = 0; i < 20; i++) {
      if (i !== 8) junk.push(rtp(i, 320 * i, [0, i]), i * 20);
      const r = junk.poll(i * 20 + 1);
      expect(r.pcm.length).toBe(320);
    }
    expect(junk.stats().codec!.errors).toBeGreaterThanOrEqual(1);
    expect(junk.stats().lost).toBe(1);
    junk.close();
  });

  it('Opus options: 48 kHz RTP clock only, an Opus rate for the audio', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    for (const o of [{ clockRate: 16000 }, { sampleRate: 32000 }, { sampleRate: 44100 }]) {
      expect(() => kit.createJitterBuffer({ codec: 'opus', ...o } as never), JSON.stringify(o)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
    const before = kit.opusStats().decoders;
    const jb = kit.createJitterBuffer({ codec: 'opus', sampleRate: 16000 });
    expect([jb.clockRate, jb.sampleRate, jb.frameSamples]).toEqual([48000, 16000, 320]);
    expect(kit.opusStats().decoders).toBe(before + 1);
    jb.close(); // closes its decoder
    expect(kit.opusStats().decoders).toBe(before);
  });

  it('Opus through AudioReceiver: a new SSRC mid-call gets a fresh buffer and decoder and plays on', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const r = new AudioReceiver(kit, 0, { sampleRate: 16000, ssrcSwitchMs: 100 });
    let played = 0;
    for (const [k, ssrc] of [[0, 1111], [1, 2222]] as const) {
      const s = new AudioSender(kit, 0, { codec: 'opus', sampleRate: 16000, ssrc });
      for (let f = 0; f < 50; f++) {
        const t = k * 2000 + f * 20;
        const x = Int16Array.from({ length: 320 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 300 * (f * 320 + i)) / 16000)));
        for (const d of s.send(x, t)) r.receive(d, t + 5);
        const out = r.poll(t + 5);
        expect(out.pcm.length).toBe(320);
        played += out.jitter?.packets.length ?? 0;
      }
      s.close();
    }
    const st = r.stats();
    expect(st.ssrcChanges).toBe(1);
    expect(st.ssrc).toBe(2222);
    expect(st.dropped.unknownPayloadType + st.dropped.jitter).toBe(0);
    expect(played).toBeGreaterThanOrEqual(96);
    expect(st.opus!.played).toBeGreaterThanOrEqual(48); // the second stream's buffer
    r.close();
  });

  it('Opus through AudioReceiver over a jittery, lossy network with a delay step: adaptive delay, concealment, FEC', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const rate = 16000;
    const s = new AudioSender(kit, 0, { codec: 'opus', sampleRate: rate, opus: { fec: true, packetLossPercent: 15, bitrate: 24000 }, ssrc: 99 });
    const r = new AudioReceiver(kit, 0, { sampleRate: rate });
    const probe = kit.createOpusDecoder({ sampleRate: rate });
    const canFec = probe.canDecodeFec;
    probe.close();
    const rand = rng(7);
    // the network: 30 ms + up to 25 ms of jitter; +150 ms from 3 s to 4 s
    // (the packets after the step down overtake the last ones of the step);
    // 3 % random loss, and two double losses
    const inFlight: { at: number; d: Uint8Array }[] = [];
    const sendMs = new Map<number, number>();
    let lost = 0;
    const target: Record<string, number> = {};
    const e2e: number[] = [];
    const levels: number[] = [];
    const byOp: Record<string, number[]> = {};
    let fecOffered = 0;
    let expandFrames = 0;
    const frames = 600;
    for (let f = 0; f < frames + 25; f++) {
      const t = f * 20;
      if (f < frames) {
        const x = Int16Array.from({ length: 320 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (f * 320 + i)) / rate)));
        for (const d of s.send(x, t)) {
          const seq = (d[2] << 8) | d[3];
          sendMs.set(seq, t);
          if (f > 10 && (rand() < 0.03 || f === 100 || f === 101 || f === 420 || f === 421)) {
            lost++;
            continue;
          }
          const delay = 30 + 25 * rand() ** 2 + (t >= 3000 && t < 4000 ? 150 : 0);
          inFlight.push({ at: t + delay, d });
        }
      }
      inFlight.sort((a, b) => a.at - b.at);
      while (inFlight.length && inFlight[0].at <= t) {
        const p = inFlight.shift()!;
        r.receive(p.d, p.at);
      }
      const out = r.poll(t);
      expect(out.pcm.length).toBe(320);
      if (out.jitter?.fecAvailable) fecOffered++;
      if (out.op === 'expand') expandFrames++;
      for (const p of out.jitter?.packets ?? []) {
        const sent = sendMs.get(p.seq);
        if (sent !== undefined && sent < 2800) e2e.push(t + (p.offset * 1000) / rate - sent);
      }
      if (f > 50 && f < frames) {
        let e = 0;
        for (const v of out.pcm) e += v * v;
        const l = 10 * Math.log10(e / out.pcm.length / 32768 ** 2 + 1e-12);
        levels.push(l);
        (byOp[out.op] ??= []).push(l);
      }
      if (t === 2800) target.before = r.stats().jitter!.targetDelayMs;
      if (t === 3900) target.during = r.stats().jitter!.targetDelayMs;
      if (t === 11900) target.after = r.stats().jitter!.targetDelayMs;
    }
    const st = r.stats();
    const j = st.jitter!;
    const opus = st.opus!;
    const meanE2e = e2e.reduce((a, v) => a + v, 0) / e2e.length;
    console.log(`${backend}: target delay ${target.before.toFixed(1)} -> ${target.during.toFixed(1)} -> ${target.after.toFixed(1)} ms; e2e mean before the step ${meanE2e.toFixed(1)} ms; ` +
      `lost ${lost}, late ${j.late}, concealed ${opus.concealed}, fec ${opus.fec} (offered in ${fecOffered} frames, canDecodeFec ${canFec}), expand frames ${expandFrames}, played ${opus.played}`);
    // adaptive delay: low on the calm network, up with the step, back down after it
    expect(target.before).toBeLessThan(40);
    expect(target.during).toBeGreaterThan(target.before + 120);
    expect(target.after).toBeLessThan(target.during - 120);
    expect(meanE2e).toBeLessThan(90);
    // every packet that arrived was played, bar a few late ones around the step
    expect(j.late).toBeLessThanOrEqual(frames * 0.02);
    expect(opus.played + j.late).toBe(frames - lost);
    // losses concealed (the decoder's PLC, or FEC from the next packet)
    expect(j.lost).toBeGreaterThanOrEqual(lost - 1);
    expect(opus.concealed + opus.fec).toBeGreaterThanOrEqual(j.lost);
    expect(expandFrames).toBeGreaterThan(0);
    if (canFec) {
      expect(opus.fec).toBeGreaterThanOrEqual(lost / 2);
    } else {
      // opusscript cannot decode in-band FEC: the buffer offers the next packet, the decoder conceals
      expect(fecOffered).toBeGreaterThan(0);
      expect(opus.fec).toBe(0);
    }
    const avg = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
    console.log(`${backend}: mean level by op (dBov): ` + Object.entries(byOp).map(([k, v]) => `${k} ${avg(v).toFixed(1)} (${v.length} frames)`).join(', '));
    // the tone comes out at its level where packets play; concealment and the
    // frame after it are quieter (libopus's own PLC / FEC and its recovery)
    const ref = 20 * Math.log10(8000 / Math.SQRT2 / 32768);
    expect(Math.abs(avg(byOp.normal) - ref)).toBeLessThan(1);
    expect(Math.abs(avg(levels) - ref)).toBeLessThan(3);
    s.close();
    r.close();
  });
});
