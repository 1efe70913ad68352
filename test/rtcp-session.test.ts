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
