/**
 * A transcoding RtpRelay terminates the media on each leg, so it makes its
 * own RTCP there (RFC 3550 §6): SR about what it sends on the leg, report
 * blocks about what it receives on the leg, SDES CNAME, BYE, the §6.3
 * intervals. Checked against what the test itself counts on the wire, the
 * simulated network's delays (RTT) and tshark's RTP stream analysis of a
 * capture of the same packets.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { pcap, tsharkPath, type CapturedDatagram } from './helpers/pcap.js';
import { mulberry32 } from './helpers/random.js';
import {
  AudioReceiver, AudioSender, RtpRelay, RtpView, parseRtcp, ntpMiddle32, unixMsToNtp,
  type RtcpPacket, type SenderReport, type ReceiverReport, type VoipKit,
} from '../src/index.js';

const KB = Uint8Array.from({ length: 16 }, (_, i) => 3 * i + 5); // Bob -> relay
const SB = Uint8Array.from({ length: 14 }, (_, i) => 90 + i);
const KR = Uint8Array.from({ length: 16 }, (_, i) => 250 - i); // relay -> Bob
const SR = Uint8Array.from({ length: 14 }, (_, i) => 7 * i);
const WALL = (t: number) => 1.75e12 + t;
/** One-way delays of the simulated legs, ms (RTCP and the earliest RTP). */
const DELAY_A = 15, DELAY_B = 40;

interface Report { at: number; packets: RtcpPacket[] }

describe.each(BACKENDS)('RtpRelay transcode mode, its own RTCP per leg, on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });
  const srtp = (k: Uint8Array, s: Uint8Array) => kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: k, masterSalt: s });

  it('PCMU leg a ⇄ Opus leg b (SRTP): SR counts and timestamps of the transcoded stream, report blocks about the received one (loss, extended seq across the wrap, jitter = tshark, LSR/DLSR), RTT per leg, CNAME, intervals, BYE', () => {
    expect(kit.features.opus).not.toBe('none');
    const rand = mulberry32(11);
    const rtcp = { minIntervalMs: 1000, wallClockMs: WALL, random: mulberry32(3) };
    const alice = new AudioSender(kit, 0, { codec: 'pcmu', ssrc: 0xa11ce, sequenceNumber: 65400, cname: 'alice@127.0.0.1', rtcp });
    const aliceRx = new AudioReceiver(kit, 0, { rtcpSession: alice.rtcp });
    const bob = new AudioSender(kit, 0, { codec: 'opus', ssrc: 0xb0b, cname: 'bob@127.0.0.1', srtp: srtp(KB, SB), rtcp: { ...rtcp, random: mulberry32(4) } });
    const bobRxSrtp = srtp(KR, SR);
    const bobRx = new AudioReceiver(kit, 0, { srtp: bobRxSrtp, rtcpSession: bob.rtcp, sampleRate: 48000 });
    // a session bandwidth at which n x avg_rtcp_size / (5 % of it) stays below Tmin: Td = Tmin (1 s, 0.5 s at first)
    const relayRtcp = { ...rtcp, sessionBandwidth: 1_000_000 };
    const relay = new RtpRelay(kit, {
      mode: 'transcode',
      a: { codec: 'pcmu', ssrc: 0x4e1a, cname: 'relay-a@127.0.0.1', rtcp: { ...relayRtcp, random: mulberry32(5) } },
      b: { codec: 'opus', ssrc: 0x4e1b, cname: 'relay-b@127.0.0.1', srtpIn: srtp(KB, SB), srtpOut: srtp(KR, SR), rtcp: { ...relayRtcp, random: mulberry32(6) } },
    });

    // the network: events in arrival order
    const queue: Array<{ at: number; run: () => void }> = [];
    const at = (t: number, run: () => void) => queue.push({ at: t, run });
    const capA: CapturedDatagram[] = []; // alice -> relay RTP as it arrives
    const capB: CapturedDatagram[] = []; // relay -> bob RTP
    const relayReports: Record<'a' | 'b', Report[]> = { a: [], b: [] };
    const sentOn: Record<'a' | 'b', Array<{ at: number; ts: number; payload: number }>> = { a: [], b: [] };
    const aliceArrived: number[] = []; // extended sequence numbers of Alice's packets that reached the relay
    const relayJitterMs: number[] = [];
    let lastAliceRtpArrival = 0;
    // SRTCP carries its index, so a fresh context reads any RTCP packet of the
    // relay -> Bob direction; RTP goes through one context in send order, since
    // the relay's sequence starts at random and may wrap (ROC 0 -> 1) in the run
    const bobPlain = () => srtp(KR, SR);
    const bobTap = srtp(KR, SR);

    const fromRelay = (leg: 'a' | 'b', d: Uint8Array, t: number) => {
      const plain = leg === 'b' ? (d[1] >= 192 && d[1] <= 223 ? bobPlain().unprotectRtcp(d) : bobTap.unprotectRtp(d)) : d;
      if (d[1] >= 192 && d[1] <= 223) {
        relayReports[leg].push({ at: t, packets: parseRtcp(plain) });
      } else {
        const v = RtpView.wrap(plain);
        sentOn[leg].push({ at: t, ts: v.timestamp, payload: v.payloadLength });
        if (leg === 'b') capB.push({ timeMs: t, srcPort: 42002, dstPort: 42004, payload: d });
      }
      const rx = leg === 'a' ? aliceRx : bobRx;
      at(t + (leg === 'a' ? DELAY_A : DELAY_B), () => rx.receive(d, t + (leg === 'a' ? DELAY_A : DELAY_B)));
    };
    let firstRelayCall = NaN; // the relay's RTCP starts with its first datagram
    const toRelay = (leg: 'a' | 'b', d: Uint8Array, arrival: number) => at(arrival, () => {
      if (Number.isNaN(firstRelayCall)) firstRelayCall = arrival;
      if (leg === 'a' && !(d[1] >= 192 && d[1] <= 223)) {
        capA.push({ timeMs: arrival, srcPort: 42000, dstPort: 42002, payload: d });
        const seq = RtpView.wrap(d).sequenceNumber;
        aliceArrived.push(seq < 32768 ? seq + 65536 : seq); // Alice starts at 65400: wraps after 136 packets
      }
      for (const o of relay.relay(leg, d, arrival)) fromRelay(leg === 'a' ? 'b' : 'a', o, arrival);
      if (leg === 'a' && !(d[1] >= 192 && d[1] <= 223)) relayJitterMs.push(relay.stats().a.rtcp!.reception!.jitterMs);
    });

    let lostA = 0, lostB = 0;
    const END = 8000;
    for (let t = 0; t <= END + 200; t += 5) {
      if (t % 20 === 0 && t < END) {
        const f = t / 20;
        const pcm8 = Int16Array.from({ length: 160 }, (_, i) => Math.round(5000 * Math.sin((2 * Math.PI * 440 * (f * 160 + i)) / 8000)));
        for (const d of alice.send(pcm8, t)) {
          if (f > 3 && f < 390 && rand() < 0.05) { lostA++; continue; }
          // jitter on the RTP only: up to 30 ms more than the leg's delay, never reordered
          const arrival = Math.max(lastAliceRtpArrival + 0.05, t + DELAY_A + 30 * rand() * rand());
          lastAliceRtpArrival = arrival;
          toRelay('a', d, arrival);
        }
        const pcm48 = Int16Array.from({ length: 960 }, (_, i) => Math.round(5000 * Math.sin((2 * Math.PI * 660 * (f * 960 + i)) / 48000)));
        for (const d of bob.send(pcm48, t)) {
          if (f > 3 && f < 390 && rand() < 0.03) { lostB++; continue; }
          toRelay('b', d, t + DELAY_B);
        }
        aliceRx.poll(t);
        bobRx.poll(t);
      }
      queue.sort((x, y) => x.at - y.at);
      while (queue.length && queue[0].at <= t) queue.shift()!.run();
      const ra = alice.pollRtcp(t);
      if (ra) toRelay('a', ra, t + DELAY_A);
      const rb = bob.pollRtcp(t);
      if (rb) toRelay('b', rb, t + DELAY_B);
      for (const leg of ['a', 'b'] as const) {
        const r = relay.pollRtcp(leg, t);
        if (r) fromRelay(leg, r, t);
      }
    }
    while (queue.length) queue.shift()!.run();

    const st = relay.stats();
    for (const leg of ['a', 'b'] as const) {
      const reps = relayReports[leg];
      expect(reps.length).toBeGreaterThan(4);
      const me = relay.ssrcOn(leg);
      const peer = leg === 'a' ? alice.ssrc : bob.ssrc;
      for (const { at: t, packets } of reps) {
        // SR of the relay's own stream on this leg, a block about this leg's source only, its CNAME: nothing passed through
        const [first, sdes] = packets;
        expect(first.type).toBe('sr');
        const sr = first as SenderReport;
        expect(sr.ssrc).toBe(me);
        expect(sr.reports.map((b) => b.ssrc)).toEqual([peer]);
        expect(sdes.type).toBe('sdes');
        const chunks = (sdes as { chunks: Array<{ ssrc: number; items: Array<{ type: number; text?: string }> }> }).chunks;
        expect(chunks.map((c) => [c.ssrc, c.items.map((i) => [i.type, i.text])])).toEqual([[me, [[1, `relay-${leg}@127.0.0.1`]]]]);
        // counts: the RTP datagrams the relay emitted on this leg up to then, as the test saw them
        const sent = sentOn[leg].filter((p) => p.at <= t);
        expect(sr.packetCount).toBe(sent.length);
        expect(sr.octetCount).toBe(sent.reduce((n, p) => n + p.payload, 0));
        // NTP: the report's wall-clock time; RTP: the last packet's timestamp + the time since, on the leg's clock
        const ntp = unixMsToNtp(WALL(t));
        expect([sr.ntpSeconds, sr.ntpFraction]).toEqual([ntp.ntpSeconds, ntp.ntpFraction]);
        const last = sent[sent.length - 1];
        const clock = leg === 'a' ? 8000 : 48000;
        expect(sr.rtpTimestamp).toBe((last.ts + Math.round(((t - last.at) * clock) / 1000)) >>> 0);
      }
      // intervals (RFC 3550 §6.3.1 with Tmin 1 s here, halved for the first): [0.5, 1.5] x Td / (e - 3/2)
      const times = [firstRelayCall, ...reps.map((r) => r.at)];
      const gaps = times.slice(1).map((x, i) => x - times[i]);
      const C = Math.E - 1.5;
      expect(gaps[0]).toBeGreaterThanOrEqual((0.5 * 500) / C - 5);
      expect(gaps[0]).toBeLessThanOrEqual((1.5 * 500) / C + 5);
      for (const g of gaps.slice(1)) {
        expect(g).toBeGreaterThanOrEqual((0.5 * 1000) / C - 5);
        expect(g).toBeLessThanOrEqual((1.5 * 1000) / C + 5);
      }
    }

    // leg a's report blocks about Alice's stream, against what reached the relay before each report
    const C0 = 65400;
    for (const { at: t, packets } of relayReports.a) {
      const blk = (packets[0] as SenderReport).reports[0];
      const arrived = aliceArrived.slice(0, capA.filter((c) => c.timeMs <= t).length);
      const highest = Math.max(...arrived);
      expect(blk.highestSequence).toBe(highest); // extended: 65536 + seq after the wrap
      expect(blk.cumulativeLost).toBe(highest - C0 + 1 - arrived.length);
    }
    expect(relayReports.a.some((r) => (r.packets[0] as SenderReport).reports[0].highestSequence > 65536)).toBe(true);
    const recA = st.a.rtcp!.reception!;
    expect(recA.cumulativeLost).toBe(lostA - (0)); // the last packets all arrived
    expect(recA.ssrc).toBe(alice.ssrc);
    // leg b: Bob's Opus stream, 48 kHz clock
    const recB = st.b.rtcp!.reception!;
    expect(recB.ssrc).toBe(bob.ssrc);
    expect(recB.cumulativeLost).toBe(lostB);
    expect(recB.jitter).toBeLessThan(1); // constant delay on leg b: no jitter

    // LSR / DLSR and the RTT they give, on each leg and both ways: twice the leg's one-way delay
    expect(alice.stats().roundTripMs).toBeCloseTo(2 * DELAY_A, 1);
    expect(st.a.rtcp!.roundTripMs).toBeCloseTo(2 * DELAY_A, 1);
    expect(bob.stats().roundTripMs).toBeCloseTo(2 * DELAY_B, 1);
    expect(st.b.rtcp!.roundTripMs).toBeCloseTo(2 * DELAY_B, 1);
    const lastA = relayReports.a[relayReports.a.length - 1];
    const blkA = (lastA.packets[0] as SenderReport).reports[0];
    expect(blkA.lastSr).not.toBe(0);
    // LSR: the middle 32 bits of an SR Alice sent; DLSR: 1/65536 s since it reached the relay
    const srAt = (((blkA.lastSr - ntpMiddle32(unixMsToNtp(WALL(0)).ntpSeconds, unixMsToNtp(WALL(0)).ntpFraction)) >>> 0) * 1000) / 65536;
    expect(((srAt + DELAY_A + (blkA.delaySinceLastSr * 1000) / 65536) - lastA.at)).toBeCloseTo(0, 0);

    // the peers take the relay's SRTCP and RTCP without drops
    expect(aliceRx.stats().dropped.badRtcp).toBe(0);
    expect(bobRx.stats().dropped.srtcp).toBe(0);
    expect(bobRx.stats().rtcp).toBe(relayReports.b.length);
    expect(st.b.dropped.badRtcp + st.a.dropped.badRtcp).toBe(0);
    expect(st.a.rtcpIn).toBeGreaterThan(4);
    expect(st.a.rtcpOut).toBe(relayReports.a.length);
    expect(st.b.rtcp!.packetsSent).toBe(sentOn.b.length);

    // tshark's RTP stream analysis of the same packets agrees with the relay's leg-a reception and leg-b counts
    if (tsharkPath()) {
      const dir = mkdtempSync(join(tmpdir(), 'voipkit-relay-rtcp-'));
      try {
        writeFileSync(join(dir, 'a.pcap'), pcap(capA));
        writeFileSync(join(dir, 'b.pcap'), pcap(capB));
        const ts = (file: string, port: number) => {
          const r = spawnSync('tshark', ['-r', join(dir, file), '-q', '-d', `udp.port==${port},rtp`, '-z', 'rtp,streams'], { encoding: 'utf8' });
          expect(r.status, r.stderr).toBe(0);
          return r.stdout;
        };
        const row = (out: string, ssrc: number) => {
          const line = out.split('\n').find((l) => l.toLowerCase().includes(`0x${ssrc.toString(16).padStart(8, '0')}`))!;
          const f = line.replace(/\(.*?\)/g, ' ').trim().split(/\s+/);
          const k = f.findIndex((x) => /g711U|PCMU|opus|^111$|RTPType-111|unknown/i.test(x));
          return f.slice(k + 1).map(Number); // packets, lost, min/mean/max delta, min/mean/max jitter, (problem flag)
        };
        const a = row(ts('a.pcap', 42002), alice.ssrc);
        expect(a[0]).toBe(recA.received);
        expect(a[1]).toBe(recA.cumulativeLost);
        const nums = a.filter((x) => !Number.isNaN(x));
        expect(Math.abs(nums[nums.length - 1] - Math.max(...relayJitterMs))).toBeLessThan(0.01); // max jitter, ms
        const mean = relayJitterMs.slice(1).reduce((s, v) => s + v, 0) / (relayJitterMs.length - 1);
        expect(Math.abs(nums[nums.length - 2] - mean)).toBeLessThan(0.01); // mean jitter, ms
        const b = row(ts('b.pcap', 42004), relay.ssrcOn('b'));
        expect(b[0]).toBe(st.b.rtcp!.packetsSent);
        expect(b[1]).toBe(0); // the relay conceals what was lost on leg a (test/relay-conceal.test.ts): no gap on leg b
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      expect.fail('tshark is not installed (apt-get install -y tshark)');
    }

    // BYE: leave() makes each leg's next poll the compound BYE (fewer than 50 members: at once)
    expect(relay.leave(END + 300, { reason: 'call ended' })).toBe(true);
    const byeA = parseRtcp(relay.pollRtcp('a', END + 300)!);
    expect(byeA.map((p) => p.type)).toEqual(['sr', 'sdes', 'bye']);
    expect(byeA[2]).toMatchObject({ type: 'bye', ssrcs: [relay.ssrcOn('a')], reason: 'call ended' });
    const byeB = parseRtcp(bobPlain().unprotectRtcp(relay.pollRtcp('b', END + 300)!));
    expect(byeB[2]).toMatchObject({ type: 'bye', ssrcs: [relay.ssrcOn('b')], reason: 'call ended' });
    expect(relay.pollRtcp('a', END + 5000)).toBeUndefined();
    // bye(): one at once, for a caller that closes now
    const now = parseRtcp(bobPlain().unprotectRtcp(relay.bye('b', END + 400)!));
    expect((now[now.length - 1] as { ssrcs: number[] }).ssrcs).toEqual([relay.ssrcOn('b')]);

    for (const o of [alice, aliceRx, bob, bobRx, relay]) o.close();
  });

  it('an endpoint\'s BYE, terminated by the relay, is reported in the leg\'s stats (transcode mode)', () => {
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'pcma' } });
    const s = new AudioSender(kit, 0, { ssrc: 77 });
    for (let f = 0; f < 10; f++) relay.relay('a', s.send(new Int16Array(160).fill(1000), f * 20)[0], f * 20);
    expect(relay.stats().a.rtcp!.reception?.ssrc).toBe(77);
    expect(relay.stats().a.rtcp!.byeReceived).toBeUndefined();
    // RFC 3550 built by hand: an empty RR (§6.4.2), then BYE (§6.6) for SSRC 77 with the reason "done" (padded to 32 bits)
    const bye = Uint8Array.of(0x80, 201, 0, 1, 0, 0, 0, 77, 0x81, 203, 0, 3, 0, 0, 0, 77, 4, 0x64, 0x6f, 0x6e, 0x65, 0, 0, 0);
    expect(relay.relay('a', bye, 500)).toEqual([]); // terminated, not forwarded
    const st = relay.stats().a.rtcp!;
    expect(st.byeReceived).toEqual({ ssrcs: [77], reason: 'done', atMs: 500 });
    expect(st.reception).toBeUndefined(); // its statistics end with the BYE
    expect(relay.stats().b.rtcp?.byeReceived).toBeUndefined();
    relay.close();
    s.close();
  });

  it('receiver reports when the relay has sent nothing on a leg; forward mode makes no RTCP of its own', () => {
    const relay = new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu', rtcp: { minIntervalMs: 1000, random: () => 0.5 } }, b: { codec: 'pcma', rtcp: { minIntervalMs: 1000, random: () => 0.5 } } });
    const s = new AudioSender(kit, 0, { ssrc: 77, sequenceNumber: 10 });
    // audio from a goes out on b only: the relay sends nothing on a
    for (let f = 0; f < 50; f++) relay.relay('a', s.send(new Int16Array(160).fill(1000), f * 20)[0], f * 20);
    let rrA: RtcpPacket[] | undefined, rrB: RtcpPacket[] | undefined;
    for (let t = 0; t < 10000 && !(rrA && rrB); t += 10) {
      const a = relay.pollRtcp('a', t);
      const b = relay.pollRtcp('b', t);
      if (a) rrA = parseRtcp(a);
      if (b) rrB = parseRtcp(b);
    }
    // leg a: the relay receives Alice there and sent nothing there: RR with a block about her
    expect(rrA![0].type).toBe('rr');
    expect((rrA![0] as ReceiverReport).reports.map((r) => [r.ssrc, r.highestSequence, r.cumulativeLost])).toEqual([[77, 59, 0]]);
    // leg b: the relay sent the transcoded stream (SR, its counts) and received nothing (no blocks)
    expect(rrB![0].type).toBe('sr');
    expect((rrB![0] as SenderReport).reports).toEqual([]);
    expect((rrB![0] as SenderReport).packetCount).toBe(relay.stats().b.sent);
    relay.close();
    expect(relay.pollRtcp('a', 10000)).toBeUndefined();

    const fwd = new RtpRelay(kit, {});
    fwd.relay('a', s.send(new Int16Array(160), 2000)[0], 2000);
    for (let t = 0; t < 20000; t += 100) expect(fwd.pollRtcp('a', t)).toBeUndefined();
    expect(fwd.bye('a', 0)).toBeUndefined();
    expect(fwd.leave(0)).toBe(false);
    expect(fwd.stats().a.rtcp).toBeUndefined();
    fwd.close();
    s.close();
  });
});
