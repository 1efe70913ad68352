import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { levelDbov, AudioSender, AudioReceiver, FramePacer, type VoipKit } from '../src/index.js';
import { pcap, tsharkPath } from './helpers/pcap.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function sine(n: number, f: number, amp: number, phase = 0): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * f * i) / 8000 + phase)));
}

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);
const SALT = Uint8Array.from({ length: 14 }, (_, i) => 200 - i);

describe.each(BACKENDS)('AudioSender -> AudioReceiver on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('3 s over a lossy, jittery network with SRTP: audio, loss and jitter statistics, DTMF events', () => {
    const tx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT });
    const rx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT });
    const sender = new AudioSender(kit, 0, { codec: 'pcmu', srtp: tx, ssrc: 0x1234 });
    const receiver = new AudioReceiver(kit, 0, { srtp: rx, jitter: { minDelayMs: 40 } });
    const rand = rng(42);
    const src = sine(8000 * 3, 400, 8000);
    const inFlight: Array<{ at: number; d: Uint8Array }> = [];
    let dropped = 0;
    const out: Int16Array[] = [];
    const pacer = new FramePacer(0, 20);
    for (let t = 0; t <= 3200; t += 5) {
      for (let k = pacer.due(t); k > 0; k--) {
        const f = Math.round((pacer.nextMs - 20 * k) / 20);
        if (f === 100) sender.sendDtmf('7', 120);
        if (f < 150) {
          for (const d of sender.send(src.subarray(f * 160, f * 160 + 160), t)) {
            if (rand() < 0.02 && f > 5) { dropped++; continue; }
            inFlight.push({ at: t + 10 + 30 * rand(), d });
          }
        }
      }
      inFlight.sort((a, b) => a.at - b.at);
      while (inFlight.length && inFlight[0].at <= t) receiver.receive(inFlight.shift()!.d, t);
      if (t % 20 === 0 && t >= 60) out.push(receiver.poll(t).pcm.slice());
    }
    const st = receiver.stats();
    expect(st.dropped).toEqual({ notRtp: 0, srtp: 0, srtcp: 0, wrongSsrc: 0, unknownPayloadType: 0, badEvent: 0, badRtcp: 0, jitter: 0 });
    expect(st.ssrc).toBe(0x1234);
    expect(st.reception!.cumulativeLost).toBe(dropped);
    expect(st.reception!.jitterMs).toBeGreaterThan(2);
    expect(st.reception!.jitterMs).toBeLessThan(20);
    const ev = receiver.events();
    expect(ev.map((e) => [e.type, e.digit])).toEqual([['start', '7'], ['end', '7']]);
    expect(ev[1].durationMs).toBe(120);
    // the 400 Hz tone comes out at its level (G.711 + concealment of 2 % loss)
    const played = Int16Array.from(out.flatMap((x) => Array.from(x)));
    const body = played.subarray(8000, 8000 + 8000);
    expect(Math.abs(levelDbov(body) - levelDbov(src))).toBeLessThan(1.5);
    expect(sender.stats().dtmfPackets).toBe(5); // 400, 800 and 960 ticks x 3
    sender.close();
    receiver.close();
    tx.close();
    rx.close();
  });

  it('bad datagrams are counted and dropped, never thrown: junk, wrong SSRC, unknown PT, failed auth, replay, bad RTCP', () => {
    const tx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT });
    const rx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT });
    const other = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: KEY, masterSalt: SALT });
    const sender = new AudioSender(kit, 0, { srtp: tx, ssrc: 1 });
    const intruder = new AudioSender(kit, 0, { srtp: other, ssrc: 2 });
    const odd = new AudioSender(kit, 0, { srtp: other, ssrc: 1, payloadType: 96 });
    const receiver = new AudioReceiver(kit, 0, { srtp: rx });
    const frame = sine(160, 300, 3000);
    const good = sender.send(frame, 0)[0];
    receiver.receive(good, 0);
    receiver.receive(good, 1); // replay
    const tampered = sender.send(frame, 20)[0].slice();
    tampered[20] ^= 1;
    receiver.receive(tampered, 20);
    receiver.receive(new Uint8Array([1, 2, 3]), 21);
    receiver.receive(new Uint8Array(0), 21);
    receiver.receive(new TextEncoder().encode('GET / HTTP/1.1\r\n'), 22);
    receiver.receive(intruder.send(frame, 20)[0], 23);
    receiver.receive(sender.send(frame, 40)[0], 40);
    receiver.receive(odd.send(frame, 40)[0].slice(), 41); // PT 96 from SSRC 1 (other keys: replay/auth ok for a new SRTP stream? no: same SSRC, different keystream -> auth ok, it is a valid SRTP packet)
    receiver.receive(Uint8Array.of(0x80, 200, 0, 1, 0, 0, 0, 1), 42); // SRTCP without auth tag
    receiver.receive(null as never, 43);
    const d = receiver.stats().dropped;
    expect(d.notRtp).toBe(4);
    expect(d.wrongSsrc).toBe(1);
    expect(d.srtcp).toBe(1);
    expect(d.srtp + d.unknownPayloadType).toBe(3); // replay, tampered, and the PT 96 packet one way or the other
    expect(receiver.stats().srtpErrors.auth_fail).toBeGreaterThanOrEqual(1);
    expect(receiver.stats().rtp).toBe(2);
    expect(() => receiver.poll(60)).not.toThrow();
    for (const x of [sender, intruder, odd, receiver, tx, rx, other]) x.close();
  });

  it('an RTCP BYE from the source being played is reported in stats().bye; one from another source only in rtcp.lastBye', () => {
    const a = new AudioSender(kit, 0, { codec: 'pcmu', ssrc: 0x1234 });
    const r = new AudioReceiver(kit, 0);
    for (let f = 0; f < 10; f++) for (const d of a.send(new Int16Array(160).fill(500), f * 20)) r.receive(d, f * 20);
    expect(r.stats().reception?.ssrc).toBe(0x1234);
    expect(r.stats().bye).toBeUndefined();
    // RFC 3550 compound packets built by hand: an empty RR (§6.4.2) from the sender, then its BYE (§6.6)
    const rr = (ssrc: number) => [0x80, 201, 0, 1, ssrc >>> 24, (ssrc >>> 16) & 255, (ssrc >>> 8) & 255, ssrc & 255];
    // another source leaves, without a reason: not the one played
    r.receive(Uint8Array.of(...rr(0x99), 0x81, 203, 0, 1, 0, 0, 0, 0x99), 210);
    expect(r.stats().bye).toBeUndefined();
    expect(r.rtcp.lastBye).toEqual({ ssrcs: [0x99], atMs: 210 });
    // the played source leaves with the reason "hangup" (1 + 6 octets, padded to 8)
    r.receive(Uint8Array.of(...rr(0x1234), 0x81, 203, 0, 3, 0, 0, 0x12, 0x34, 6, 0x68, 0x61, 0x6e, 0x67, 0x75, 0x70, 0), 220);
    const st = r.stats();
    expect(st.bye).toEqual({ ssrc: 0x1234, reason: 'hangup', atMs: 220 });
    expect(st.reception).toBeUndefined(); // its reception statistics end with the BYE
    expect(st.rtcp).toBe(2);
    expect(r.rtcp.lastBye).toEqual({ ssrcs: [0x1234], reason: 'hangup', atMs: 220 });
    for (const x of [a, r]) x.close();
  });

  it('a compound with a BYE for the played source followed by a BYE for another source ends the played stream', () => {
    const a = new AudioSender(kit, 0, { codec: 'pcmu', ssrc: 0x1234 });
    const r = new AudioReceiver(kit, 0);
    for (let f = 0; f < 10; f++) for (const d of a.send(new Int16Array(160).fill(500), f * 20)) r.receive(d, f * 20);
    expect(r.stats().reception?.ssrc).toBe(0x1234);
    // RFC 3550 packets built by hand: an empty RR (§6.4.2) from the sender, its BYE with the reason
    // "hangup" (§6.6; 1 + 6 octets padded to 8), then a BYE of another source (0x99) in the same compound
    const rr = [0x80, 201, 0, 1, 0, 0, 0x12, 0x34];
    const byeHangup = [0x81, 203, 0, 3, 0, 0, 0x12, 0x34, 6, 0x68, 0x61, 0x6e, 0x67, 0x75, 0x70, 0];
    const bye99 = [0x81, 203, 0, 1, 0, 0, 0, 0x99];
    r.receive(Uint8Array.of(...rr, ...byeHangup, ...bye99), 210);
    const st = r.stats();
    expect(st.rtcp).toBe(1);
    expect(st.dropped.badRtcp).toBe(0);
    expect(st.bye).toEqual({ ssrc: 0x1234, reason: 'hangup', atMs: 210 });
    expect(st.reception).toBeUndefined(); // its reception statistics end with the BYE
    expect(r.rtcp.lastBye).toEqual({ ssrcs: [0x99], atMs: 210 }); // why the receiver cannot go by lastBye
    for (const x of [a, r]) x.close();
  });

  it('payload-type change PCMU -> PCMA and an SSRC change mid-call keep the audio going', () => {
    const a = new AudioSender(kit, 0, { codec: 'pcmu', ssrc: 10 });
    const b = new AudioSender(kit, 0, { codec: 'pcma', ssrc: 10, sequenceNumber: 5000 });
    const c = new AudioSender(kit, 0, { codec: 'pcmu', ssrc: 11 });
    const r = new AudioReceiver(kit, 0, { ssrcSwitchMs: 200 });
    const src = sine(8000 * 3, 500, 6000);
    const levels: number[] = [];
    for (let f = 0; f < 140; f++) {
      const t = f * 20;
      const x = src.subarray(f * 160, f * 160 + 160);
      const s = f < 50 ? a : f < 90 ? b : c;
      if (f >= 90 && f < 100) { /* SSRC 10 stops; 11 starts after 200 ms */ } else for (const d of s.send(x, t)) r.receive(d, t + 20);
      if (f >= 3) levels.push(levelDbov(r.poll(t).pcm));
    }
    const st = r.stats();
    expect(st.payloadTypeChanges).toBe(2); // to PCMA, then back to PCMU with the new SSRC
    expect(st.ssrcChanges).toBe(1);
    expect(st.ssrc).toBe(11);
    const ref = levelDbov(src);
    // steady audio in each segment
    for (const [from, to] of [[10, 45], [55, 85], [110, 135]]) {
      const seg = levels.slice(from, to);
      expect(Math.min(...seg), `frames ${from}..${to}`).toBeGreaterThan(ref - 3);
    }
    for (const x of [a, b, c, r]) x.close();
  });

  it('DTX: the sender sends CN during silence, the receiver plays comfort noise at the noise level', () => {
    const s = new AudioSender(kit, 0, { dtx: true, ssrc: 5 });
    const r = new AudioReceiver(kit, 0);
    let seed = 3;
    const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 300;
    const out: number[] = [];
    for (let f = 0; f < 150; f++) {
      const t = f * 20;
      const x = Int16Array.from({ length: 160 }, (_, i) => Math.round(noise() + (f < 50 ? 8000 * Math.sin((2 * Math.PI * 440 * (f * 160 + i)) / 8000) : 0)));
      for (const d of s.send(x, t)) r.receive(d, t + 30);
      const p = r.poll(t);
      if (f > 100) out.push(levelDbov(p.pcm));
      if (f > 100) expect(p.op).toBe('comfort-noise');
    }
    const st = s.stats();
    expect(st.cnPackets).toBeGreaterThanOrEqual(5);
    expect(st.suppressedFrames).toBeGreaterThan(60);
    const noiseLevel = 20 * Math.log10(300 / Math.sqrt(12) / 32768);
    const mean = out.reduce((a, v) => a + v, 0) / out.length;
    expect(Math.abs(mean - noiseLevel)).toBeLessThan(2);
    s.close();
    r.close();
  });

  it('Opus (48 kHz, FEC) over a lossy network: the tone comes out at its level, losses recovered by FEC or concealment', () => {
    if (kit.features.opus === 'none') return expect(kit.features.opus).not.toBe('none');
    const s = new AudioSender(kit, 0, { codec: 'opus', opus: { fec: true, packetLossPercent: 10, bitrate: 32000 }, ssrc: 77 });
    const r = new AudioReceiver(kit, 0, { sampleRate: 48000 });
    expect(s.frameSamples).toBe(960);
    const rand = rng(5);
    const levels: number[] = [];
    let lost = 0;
    for (let f = 0; f < 150; f++) {
      const t = f * 20;
      const x = Int16Array.from({ length: 960 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 600 * (f * 960 + i)) / 48000)));
      for (const d of s.send(x, t)) {
        if (f > 10 && f < 140 && rand() < 0.05) { lost++; continue; } // all played before the end
        r.receive(d, t + 15);
      }
      const p = r.poll(t);
      expect(p.pcm.length).toBe(960);
      if (f > 20) levels.push(levelDbov(p.pcm));
    }
    const st = r.stats();
    expect(st.reception!.cumulativeLost).toBe(lost);
    expect(st.opus!.fec + st.opus!.concealed).toBeGreaterThanOrEqual(lost);
    const ref = 20 * Math.log10(8000 / Math.SQRT2 / 32768);
    const mean = levels.reduce((a, v) => a + v, 0) / levels.length;
    expect(Math.abs(mean - ref)).toBeLessThan(1.5);
    s.close();
    r.close();
  });

  it('ptimeMs the codec cannot take: the error names AudioSender\'s ptimeMs and the allowed values, not the encoder it calls', () => {
    const err = (o: object) => { try { new AudioSender(kit, 0, o).close(); } catch (e) { return e as { code: string; message: string }; } return undefined; };
    for (const [o, allowed] of [[{ codec: 'opus', ptimeMs: 30 }, '10, 20, 40 or 60'], [{ codec: 'pcmu', ptimeMs: 25 }, '10, 20, 30, 40 or 60']] as const) {
      const e = err(o);
      expect(e?.code).toBe('invalid_argument');
      expect(e?.message).toContain('AudioSender: ptimeMs');
      expect(e?.message).toContain(allowed);
      expect(e?.message).not.toContain('createOpusEncoder');
      expect(e?.message).not.toContain('frameMs');
    }
    if (kit.features.opus !== 'none') for (const p of [10, 20, 40, 60]) expect(err({ codec: 'opus', ptimeMs: p })).toBeUndefined();
  });

  it('G.711 played at 16 kHz through the resampler; PCM at 48 kHz sent as PCMU', () => {
    const s = new AudioSender(kit, 0, { codec: 'pcmu', sampleRate: 48000 });
    const r = new AudioReceiver(kit, 0, { sampleRate: 16000 });
    const levels: number[] = [];
    for (let f = 0; f < 60; f++) {
      const x = Int16Array.from({ length: 960 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * (f * 960 + i)) / 48000)));
      for (const d of s.send(x, f * 20)) r.receive(d, f * 20 + 10);
      const p = r.poll(f * 20);
      expect(p.pcm.length).toBe(320);
      if (f > 10) levels.push(levelDbov(p.pcm));
    }
    const ref = 20 * Math.log10(8000 / Math.SQRT2 / 32768);
    expect(Math.min(...levels)).toBeGreaterThan(ref - 1);
    expect(Math.max(...levels)).toBeLessThan(ref + 1);
    s.close();
    r.close();
  });

  it('AudioReceiver statistics agree with tshark -z rtp,streams on a capture of the same stream (5 % loss, up to 60 ms jitter)', () => {
    if (!tsharkPath()) {
      console.warn('tshark is not installed (apt-get install -y tshark): pipeline-vs-tshark comparison skipped');
      return;
    }
    const s = new AudioSender(kit, 0, { ssrc: 0xfeed });
    const r = new AudioReceiver(kit, 0);
    const rand = rng(77);
    const cap: Array<{ timeMs: number; srcPort: number; dstPort: number; payload: Uint8Array }> = [];
    let last = 0;
    const jit: number[] = [];
    for (let f = 0; f < 400; f++) {
      const x = Int16Array.from({ length: 160 }, (_, i) => Math.round(3000 * Math.sin((f * 160 + i) / 5)));
      for (const d of s.send(x, f * 20)) {
        if (f > 0 && f < 399 && rand() < 0.05) continue;
        const at = Math.max(last + 0.1, f * 20 + 60 * rand() * rand());
        last = at;
        cap.push({ timeMs: at, srcPort: 41000, dstPort: 41002, payload: d });
        r.receive(d, at);
        jit.push(r.stats().reception!.jitterMs);
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'voipkit-rx-'));
    try {
      writeFileSync(join(dir, 'rx.pcap'), pcap(cap));
      const t = spawnSync('tshark', ['-r', join(dir, 'rx.pcap'), '-q', '-d', 'udp.port==41002,rtp', '-z', 'rtp,streams'], { encoding: 'utf8' });
      expect(t.status, t.stderr).toBe(0);
      const line = t.stdout.split('\n').find((l) => /0x0000feed/i.test(l))!;
      const f = line.replace(/\(.*?\)/g, ' ').trim().split(/\s+/);
      const k = f.findIndex((x) => /g711U|PCMU/i.test(x));
      const nums = f.slice(k + 1).map(Number);
      const rec = r.stats().reception!;
      expect(nums[0]).toBe(rec.received);
      expect(nums[1]).toBe(rec.cumulativeLost);
      expect(Math.abs(nums[nums.length - 2] - Math.max(...jit))).toBeLessThan(0.01); // max jitter, ms
      const mean = jit.slice(1).reduce((a, v) => a + v, 0) / (jit.length - 1);
      expect(Math.abs(nums[nums.length - 3] - mean)).toBeLessThan(0.01); // mean jitter, ms
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    s.close();
    r.close();
  });
});
