import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { pcap, rtpPacket, tsharkPath, type CapturedDatagram } from './helpers/pcap.js';
import { parseRtcp, serializeRtcp, type VoipKit } from '../src/index.js';
import { ReceptionTracker, RtcpScheduler, RtcpSession } from '../src/pipeline/rtcp-session.js';

/** Seeded uniform [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe.each(BACKENDS)('RTCP statistics on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('interarrival jitter follows RFC 3550 A.8: |D| = 80 ticks each packet gives J_n = 80 (1 - (15/16)^n)', () => {
    const t = new ReceptionTracker(kit, 0x1111, 8000);
    for (let i = 0; i <= 40; i++) {
      t.onRtp((65520 + i) & 0xffff, 1000 + i * 160, 160, 20 * i + (i % 2 ? 10 : 0));
      const expected = 80 * (1 - (15 / 16) ** i);
      expect(t.stats().jitter).toBeCloseTo(expected, 9);
    }
    const block = t.reportBlock(1000);
    expect(block.jitter).toBe(Math.floor(80 * (1 - (15 / 16) ** 40)));
    expect(block.highestSequence).toBe(65536 + ((65520 + 40) & 0xffff)); // wrapped once: cycles in the high bits
    t.close();
  });

  it('report blocks: fraction and cumulative loss per interval from the core (vk_seq_report)', () => {
    const t = new ReceptionTracker(kit, 0x2222, 8000);
    const lost = new Set([3, 10, 11, 12, 40, 41, 77, 80, 81, 99]);
    for (let s = 0; s < 100; s++) if (!lost.has(s)) t.onRtp(1000 + s, s * 160, 160, s * 20);
    // 99 was lost, so the highest received is 98: 99 expected, 9 lost
    let b = t.reportBlock(2000);
    expect(b.cumulativeLost).toBe(9);
    expect(b.fractionLost).toBe(Math.floor((9 * 256) / 99));
    expect(b.highestSequence).toBe(1098);
    for (let s = 100; s < 150; s++) t.onRtp(1000 + s, s * 160, 160, s * 20);
    b = t.reportBlock(3000);
    expect(b.cumulativeLost).toBe(10); // 99 is now known lost; the interval expected 51 and got 50
    expect(b.fractionLost).toBe(Math.floor((1 * 256) / 51));
    t.close();
  });

  it('round-trip time from LSR / DLSR: 25 ms each way and 475 ms held gives 50 ms', () => {
    const a = new RtcpSession(kit, 0, { ssrc: 0xaaaa, cname: 'a@voipkit', wallClockMs: (t) => 1.7e12 + t });
    const b = new RtcpSession(kit, 0, { ssrc: 0xbbbb, cname: 'b@voipkit', wallClockMs: (t) => 1.7e12 + t });
    for (let i = 0; i < 50; i++) {
      a.onRtpSent(160, i * 160, i * 20);
      b.onRtpReceived(0xaaaa, 500 + i, i * 160, 160, i * 20 + 25);
    }
    const sr = serializeRtcp(a.buildReport(1000)); // A's SR at t = 1000
    b.onRtcpReceived(parseRtcp(sr), sr.length, 1025);
    const rr = serializeRtcp(b.buildReport(1500)); // B has not sent: RR, DLSR = 475 ms
    const parsed = parseRtcp(rr);
    expect(parsed[0].type).toBe('rr');
    const blk = (parsed[0] as { reports: Array<{ delaySinceLastSr: number }> }).reports[0];
    expect(blk.delaySinceLastSr).toBe(Math.round(0.475 * 65536));
    a.onRtcpReceived(parsed, rr.length, 1525);
    expect(a.senderStats().roundTripMs).toBeCloseTo(50, 1);
    expect(a.senderStats().packets).toBe(50);
    a.close();
    b.close();
  });

  it('onRtcpReceived returns every BYE of the compound in order, lastBye only the last; none: an empty array', () => {
    const s = new RtcpSession(kit, 0, { ssrc: 0xaaaa, cname: 'a@voipkit' });
    for (const src of [0x1234, 0x99, 0x77]) for (let i = 0; i < 5; i++) s.onRtpReceived(src, 100 + i, i * 160, 160, i * 20);
    expect(s.receptionStats().map((r) => r.ssrc).sort((x, y) => x - y)).toEqual([0x77, 0x99, 0x1234]);
    // RFC 3550 packets built by hand: an empty RR (§6.4.2, length 1) and BYEs (§6.6)
    const rr = [0x80, 201, 0, 1, 0, 0, 0x12, 0x34];
    const none = s.onRtcpReceived(parseRtcp(Uint8Array.of(...rr)), 8 + 28, 100);
    expect(none).toEqual([]);
    expect(s.lastBye).toBeUndefined();
    // BYE 0x1234 with the reason "hangup" (1 + 6 octets, padded to 8: length 3), then BYE 0x99 without one
    const byeHangup = [0x81, 203, 0, 3, 0, 0, 0x12, 0x34, 6, 0x68, 0x61, 0x6e, 0x67, 0x75, 0x70, 0];
    const bye99 = [0x81, 203, 0, 1, 0, 0, 0, 0x99];
    const compound = Uint8Array.of(...rr, ...byeHangup, ...bye99);
    const byes = s.onRtcpReceived(parseRtcp(compound), compound.length + 28, 200);
    expect(byes).toEqual([{ ssrcs: [0x1234], reason: 'hangup', atMs: 200 }, { ssrcs: [0x99], atMs: 200 }]);
    expect(s.lastBye).toEqual({ ssrcs: [0x99], atMs: 200 });
    expect(s.receptionStats().map((r) => r.ssrc)).toEqual([0x77]); // both sources forgotten
    // the returned objects are the caller's: changing them leaves lastBye alone
    (byes[1] as { ssrcs: number[] }).ssrcs.push(1);
    expect(s.lastBye).toEqual({ ssrcs: [0x99], atMs: 200 });
    s.close();
  });

  it('tshark agrees: -z rtp,streams loss and jitter of a lossy, jittery capture; rtcp fields of our SR', () => {
    const tshark = tsharkPath();
    if (!tshark) {
      console.warn('tshark is not installed (apt-get install -y tshark): RTCP-vs-tshark comparison skipped');
      return;
    }
    const rand = rng(1234);
    const session = new RtcpSession(kit, 0, { ssrc: 0x5151, cname: 'rx@voipkit', wallClockMs: (t) => 1.7e12 + t });
    const dgrams: CapturedDatagram[] = [];
    const jitters: number[] = [];
    let last = 0;
    let lostCount = 0;
    for (let i = 0; i < 500; i++) {
      if (rand() < 0.03) { lostCount++; continue; }
      const arrival = Math.max(last + 0.5, 20 * i + 40 * rand() * rand());
      last = arrival;
      const seq = (65500 + i) & 0xffff; // wraps
      const ts = (4294960000 + i * 160) >>> 0; // wraps
      dgrams.push({ timeMs: arrival, srcPort: 30000, dstPort: 30002, payload: rtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc: 0xc0ffee, payload: new Uint8Array(160).fill(0xff) }) });
      session.onRtpReceived(0xc0ffee, seq, ts, 160, arrival);
      jitters.push(session.receptionStats()[0].jitterMs);
    }
    const report = serializeRtcp(session.buildReport(10_050));
    dgrams.push({ timeMs: 10_050, srcPort: 30003, dstPort: 30001, payload: report });
    const dir = mkdtempSync(join(tmpdir(), 'voipkit-rtcp-'));
    try {
      writeFileSync(join(dir, 's.pcap'), pcap(dgrams));
      const r = spawnSync('tshark', ['-r', join(dir, 's.pcap'), '-q', '-d', 'udp.port==30002,rtp', '-z', 'rtp,streams'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // columns: ... Payload  Pkts  Lost (pct)  Min Delta  Mean Delta  Max Delta  Min Jitter  Mean Jitter  Max Jitter  Problem?
      const line = r.stdout.split('\n').find((l) => /0x00c0ffee/i.test(l));
      expect(line, r.stdout).toBeDefined();
      const nums = line!.replace(/\(.*?\)/g, ' ').trim().split(/\s+/);
      const idx = nums.findIndex((x) => /g711U|PCMU/i.test(x));
      const after = nums.slice(idx + 1).map(Number);
      const [pkts, lost] = after;
      const st = session.receptionStats()[0];
      expect(pkts).toBe(500 - lostCount);
      expect(lost).toBe(st.cumulativeLost);
      expect(st.cumulativeLost).toBe(lostCount); // the first and last packets were not dropped
      const [meanJ, maxJ] = [after[after.length - 3], after[after.length - 2]].map(Number);
      const myMax = Math.max(...jitters);
      // tshark's mean leaves out the first packet (whose jitter is 0 by definition)
      const myMean = jitters.slice(1).reduce((a, v) => a + v, 0) / (jitters.length - 1);
      expect(Math.abs(maxJ - myMax), `tshark max jitter ${maxJ} vs ${myMax}`).toBeLessThan(0.01);
      expect(Math.abs(meanJ - myMean), `tshark mean jitter ${meanJ} vs ${myMean}`).toBeLessThan(0.01);
      // tshark decodes our RTCP: RR block fields and the CNAME
      const f = spawnSync('tshark', ['-r', join(dir, 's.pcap'), '-d', 'udp.port==30001,rtcp', '-Y', 'rtcp', '-T', 'fields',
        '-e', 'rtcp.ssrc.identifier', '-e', 'rtcp.ssrc.cum_nr', '-e', 'rtcp.ssrc.ext_high', '-e', 'rtcp.ssrc.jitter', '-e', 'rtcp.sdes.text'], { encoding: 'utf8' });
      expect(f.status, f.stderr).toBe(0);
      const [ident, cum, high, jit, cname] = f.stdout.trim().split('\t');
      expect(Number(ident.split(',')[0])).toBe(0xc0ffee); // then the SDES chunk's identifier
      expect(Number(cum)).toBe(st.cumulativeLost);
      expect(Number(high)).toBe(st.extendedHighestSequence);
      expect(Number(jit)).toBe(Math.floor(st.jitter));
      expect(cname).toBe('rx@voipkit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    session.close();
  });
});

describe('RTCP transmission interval (RFC 3550 6.3, A.7)', () => {
  const E15 = Math.E - 1.5;

  it('two parties at 64 kbit/s: the minimum applies, halved for the first report, randomised over [0.5, 1.5] T', () => {
    const s = new RtcpScheduler(0, { random: () => 0.5 });
    expect(s.nextMs).toBeCloseTo(2500 / E15, 6); // 128 B * 2 / 400 B/s = 0.64 s < 2.5 s
    expect(s.poll(2000)).toBe(false);
    expect(s.poll(Math.ceil(2500 / E15))).toBe(true);
    s.sent(128, 2100);
    expect(s.nextMs).toBeCloseTo(2100 + 5000 / E15, 6);
    const lo = new RtcpScheduler(0, { random: () => 0 });
    const hi = new RtcpScheduler(0, { random: () => 0.999999 });
    expect(lo.nextMs).toBeCloseTo((0.5 * 2500) / E15, 6);
    expect(hi.nextMs).toBeCloseTo((1.5 * 2500) / E15, 2);
  });

  it('large groups share 5 %: receivers 75 %, senders 25 % when senders are at most a quarter', () => {
    const s = new RtcpScheduler(0, { random: () => 0.5 });
    s.sent(128, 0);
    s.avgRtcpSize = 128;
    s.members = 1000;
    s.senders = 1;
    s.weSent = false;
    expect(s.interval()).toBeCloseTo(((128 * 999) / 300 / E15) * 1000, 6);
    s.weSent = true;
    expect(s.interval()).toBeCloseTo(((128 * 1) / 100 < 5 ? 5 / E15 : 0) * 1000, 6);
    s.senders = 600; // more than a quarter: everyone shares the whole 400 B/s
    expect(s.interval()).toBeCloseTo(((128 * 1000) / 400 / E15) * 1000, 6);
  });

  it('timer reconsideration: when the group grows before expiry, the report is deferred', () => {
    const s = new RtcpScheduler(0, { random: () => 0.5 });
    const due = s.nextMs;
    s.members = 500;
    expect(s.poll(due)).toBe(false);
    expect(s.nextMs).toBeGreaterThan(due * 10);
    expect(s.poll(s.nextMs)).toBe(true);
  });
});

describe('RTCP timer and BYE reconsideration (RFC 3550 6.3.4, 6.3.6, 6.3.7)', () => {
  // Constants from RFC 3550 6.3.1 / A.7, written out here rather than taken from the code.
  const COMP = 2.71828 - 1.5; // "divided by e-3/2=1.21828"
  const RTCP_BW = (64000 * 0.05) / 8; // 400 octets/s: 5 % of a 64 kbit/s session
  const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(0.5); // ms (e rounded to 2.71828)

  it('T is uniform in [0.5, 1.5] x Td / 1.21828 (6.3.1 steps 4-5), Td = max(Tmin, n C)', () => {
    const s = new RtcpScheduler(0);
    s.sent(128, 0); // initial is over: Tmin = 5 s
    s.members = 300;
    s.senders = 2;
    s.avgRtcpSize = 120;
    const td = Math.max(5, (120 * (300 - 2)) / (0.75 * RTCP_BW)) * 1000; // receivers: 75 %, n = members - senders
    expect(s.deterministicInterval()).toBeCloseTo(td, 6);
    const draws = Array.from({ length: 4000 }, () => s.interval());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual((0.5 * td) / COMP - 1);
    expect(Math.max(...draws)).toBeLessThanOrEqual((1.5 * td) / COMP + 1);
    const mean = draws.reduce((a, v) => a + v, 0) / draws.length;
    expect(Math.abs(mean / (td / COMP) - 1)).toBeLessThan(0.03);
    // both ends of the range are reached (uniform, not a fixed factor)
    expect(Math.min(...draws)).toBeLessThan((0.55 * td) / COMP);
    expect(Math.max(...draws)).toBeGreaterThan((1.45 * td) / COMP);
  });

  it('6.3.6: at expiry T is drawn again with the grown group; sent only if tp + T <= tc, else tn = tp + T; pmembers = members', () => {
    const s = new RtcpScheduler(0, { random: () => 0.5 });
    s.sent(128, 1000); // tp = 1000, initial over
    s.avgRtcpSize = 128;
    const tn = s.nextMs;
    near(tn, 1000 + 5000 / COMP);
    s.members = 200; // 199 receivers: 128 * 199 / 300 = 84.9 s
    expect(s.poll(tn)).toBe(false);
    near(s.nextMs, 1000 + ((128 * 199) / 300 / COMP) * 1000);
    expect(s.previousMembers).toBe(200);
    expect(s.poll(s.nextMs - 1)).toBe(false);
    expect(s.poll(s.nextMs)).toBe(true);
  });

  it('6.3.4: a BYE that shrinks the group moves tn and tp towards now by members / pmembers', () => {
    const s = new RtcpScheduler(0, { random: () => 0.5 });
    s.sent(128, 0);
    s.members = 100;
    expect(s.poll(s.nextMs)).toBe(false); // reconsidered with 100 members: pmembers = 100
    const tn = s.nextMs, tp = s.lastMs, now = tn / 2;
    s.membersLeft(25, now);
    near(s.nextMs, now + 0.25 * (tn - now));
    near(s.lastMs, now - 0.25 * (now - tp));
    expect(s.previousMembers).toBe(25);
    expect(s.members).toBe(25);
  });

  it('6.3.7: under 50 members the BYE may go at once', () => {
    const s = new RtcpScheduler(0, { random: () => 0.5 });
    s.members = 49;
    expect(s.leave(1234, 100)).toBe(1234);
    expect(s.leaving).toBe(true);
    expect(s.poll(1234)).toBe(true);
    s.sent(100, 1234);
    expect(s.poll(1e9)).toBe(false); // one BYE, then nothing
    expect(s.nextMs).toBe(Infinity);
  });

  it('6.3.7: a member of a large session delays its BYE by the algorithm: members = 1, initial, avg = the BYE size', () => {
    for (const r of [0, 0.5, 0.999999]) {
      const s = new RtcpScheduler(0, { random: () => r });
      s.sent(128, 0);
      s.members = 500;
      s.senders = 3;
      s.weSent = true;
      const due = s.leave(60_000, 100);
      // members 1, senders 0, we_sent false -> receivers' 75 %: 100 / 300 s < Tmin 2.5 s (initial again)
      near(due, 60_000 + ((r + 0.5) * 2500) / COMP);
      expect(s.members).toBe(1);
      expect(s.senders).toBe(0);
      expect(s.weSent).toBe(false);
      expect(s.avgRtcpSize).toBe(100);
      expect(s.poll(60_000)).toBe(false);
      expect(s.poll(due - 1)).toBe(false);
      expect(s.poll(due)).toBe(true);
    }
    // exactly 50 members is not "less than 50": the algorithm runs
    const f = new RtcpScheduler(0, { random: () => 0.5 });
    f.members = 50;
    expect(f.leave(0, 100)).toBeGreaterThan(0);
    // backoff on request with a small group
    const g = new RtcpScheduler(0, { random: () => 0.5 });
    near(g.leave(0, 100, { backoff: true }), 2500 / COMP);
  });

  it('6.3.7: while leaving only BYEs count (members + 1 each, avg_rtcp_size); the BYE is reconsidered and pushed back', () => {
    const s = new RtcpScheduler(0, { random: () => 0.5 });
    s.sent(128, 0);
    s.members = 1000;
    const due = s.leave(0, 100);
    near(due, 2500 / COMP);
    s.received(1500, false); // a report: ignored while leaving
    expect(s.members).toBe(1);
    expect(s.avgRtcpSize).toBe(100);
    for (let i = 0; i < 40; i++) s.received(100, true); // 40 other members leave at the same time
    expect(s.members).toBe(41);
    s.membersLeft(3, 100); // the member table no longer drives the count
    expect(s.members).toBe(41);
    // at expiry: T = 41 * 100 / 300 s = 13.67 s / COMP from tp = 0: not yet
    expect(s.poll(due)).toBe(false);
    near(s.nextMs, ((41 * 100) / 300 / COMP) * 1000);
    expect(s.poll(s.nextMs)).toBe(true);
  });
});

describe.each(BACKENDS)('RtcpSession.leave on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('two parties: the compound BYE (report, SDES, BYE with reason) is due at once, then nothing; never sent: no BYE', () => {
    const silent = new RtcpSession(kit, 0, { ssrc: 1, cname: 'q@voipkit' });
    expect(silent.leave(100)).toBe(false); // 6.3.7: never sent RTP or RTCP
    expect(silent.poll(1e7)).toBeUndefined();
    silent.close();
    const a = new RtcpSession(kit, 0, { ssrc: 0xaaaa, cname: 'a@voipkit', random: () => 0.5 });
    a.onRtpSent(160, 0, 0);
    a.onRtpReceived(0xbbbb, 1, 0, 160, 10);
    expect(a.leave(500, { reason: 'hung up' })).toBe(true);
    const bye = a.poll(500);
    expect(bye).toBeDefined();
    const p = parseRtcp(bye!);
    expect(p.map((x) => x.type)).toEqual(['sr', 'sdes', 'bye']);
    expect(p[2]).toMatchObject({ ssrcs: [0xaaaa], reason: 'hung up' });
    expect(a.poll(600)).toBeUndefined();
    expect(a.poll(1e7)).toBeUndefined();
    a.close();
  });

  it('a large session: the BYE waits for the backoff; BYEs received meanwhile push it back', () => {
    const s = new RtcpSession(kit, 0, { ssrc: 0xcccc, cname: 'c@voipkit', random: () => 0.5 });
    s.onRtpSent(160, 0, 0);
    s.scheduler.members = 120;
    expect(s.leave(10_000)).toBe(true);
    const due = s.scheduler.nextMs;
    expect(due).toBeGreaterThan(10_000 + 2000); // 2.5 s / 1.21828 at the earliest draw 0.5 -> 2052 ms
    expect(s.poll(10_000)).toBeUndefined();
    for (let i = 0; i < 30; i++) {
      const other = serializeRtcp([{ type: 'rr', ssrc: 100 + i, reports: [] }, { type: 'bye', ssrcs: [100 + i] }]);
      s.onRtcpReceived(parseRtcp(other), other.length + 28, 10_100);
    }
    expect(s.scheduler.members).toBe(31);
    expect(s.poll(due)).toBeUndefined(); // reconsidered: 31 members now
    const later = s.scheduler.nextMs;
    expect(later).toBeGreaterThan(due);
    const bye = s.poll(later);
    expect(parseRtcp(bye!).map((x) => x.type)).toEqual(['sr', 'sdes', 'bye']);
    s.close();
  });
});
