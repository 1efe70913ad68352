import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DtmfDecoder, DtmfEncoder, buildTelephoneEvent, parseTelephoneEvents, type DtmfReport, type TelephoneEventPacket,
} from '../src/pipeline/dtmf.js';
import { pcap, rtpPacket, tsharkPath } from './helpers/pcap.js';

// DTMF is TypeScript only (no core code): one run, no backend matrix.

describe('RFC 4733 telephone-event payload', () => {
  it('lays out event, E, R, volume and duration as in RFC 4733 §2.3', () => {
    // event 9, E=1, R=0, volume 10 (0b001010), duration 1600 = 0x0640
    expect(Array.from(buildTelephoneEvent({ event: 9, end: true, volume: 10, duration: 1600 }))).toEqual([0x09, 0x8a, 0x06, 0x40]);
    // '#' (11), E=0, volume 63, duration 65535
    expect(Array.from(buildTelephoneEvent({ event: 11, end: false, volume: 63, duration: 65535 }))).toEqual([0x0b, 0x3f, 0xff, 0xff]);
    // The R bit (0x40) is ignored on receive.
    expect(parseTelephoneEvents(Uint8Array.of(0x01, 0xca, 0x00, 0xa0))).toEqual([{ event: 1, end: true, volume: 10, duration: 160 }]);
    expect(parseTelephoneEvents(Uint8Array.of(1, 10, 0, 1, 2, 0x80 | 7, 1, 0))).toHaveLength(2);
  });

  it('rejects malformed payloads and out-of-range fields', () => {
    expect(() => parseTelephoneEvents(new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'bad_length' }));
    expect(() => parseTelephoneEvents(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'bad_length' }));
    expect(() => buildTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => buildTelephoneEvent({ event: 1, end: false, volume: 0, duration: 65536 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => new DtmfEncoder().start('X', 0, 100)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    const e = new DtmfEncoder();
    e.start('1', 0, 100);
    expect(() => e.start('2', 0, 100)).toThrow(expect.objectContaining({ code: 'invalid_state' }));
  });
});

const summary = (ps: TelephoneEventPacket[]) => ps.map((p) => [p.timestamp, p.marker, p.block.duration, p.block.end]);

describe('DtmfEncoder', () => {
  it('a 200 ms digit at 8 kHz: updates every 50 ms (400 ticks), marker on the first, the final packet three times (§2.5.1)', () => {
    const ps = new DtmfEncoder().packets('5', 12345, 200);
    expect(summary(ps)).toEqual([
      [12345, true, 400, false],
      [12345, false, 800, false],
      [12345, false, 1200, false],
      [12345, false, 1600, true],
      [12345, false, 1600, true],
      [12345, false, 1600, true],
    ]);
    expect(ps.map((p) => p.atMs)).toEqual([50, 100, 150, 200, 200, 200]);
    expect(ps.every((p) => p.block.event === 5 && p.block.volume === 10)).toBe(true);
  });

  it('a duration that is not a multiple of the interval ends at the exact duration; 16 kHz clock and other options', () => {
    expect(summary(new DtmfEncoder().packets('#', 0, 130))).toEqual([
      [0, true, 400, false], [0, false, 800, false], [0, false, 1040, true], [0, false, 1040, true], [0, false, 1040, true],
    ]);
    const e = new DtmfEncoder({ clockRate: 16000, intervalMs: 20, endPackets: 2, volume: 7 });
    const ps = e.packets('D', 0xfffffff0, 60);
    expect(summary(ps)).toEqual([
      [0xfffffff0, true, 320, false], [0xfffffff0, false, 640, false], [0xfffffff0, false, 960, true], [0xfffffff0, false, 960, true],
    ]);
    expect(ps[0].block.event).toBe(15);
    expect(ps[0].block.volume).toBe(7);
  });

  it('paced by the caller: poll() on a 20 ms audio clock, stop() ends at the duration reached', () => {
    const e = new DtmfEncoder();
    e.start('7', 1000, undefined);
    const got: TelephoneEventPacket[] = [];
    for (let t = 0; t <= 200; t += 20) {
      if (t === 140) e.stop();
      got.push(...e.poll(1000 + t * 8));
    }
    expect(summary(got)).toEqual([
      [1000, true, 400, false], [1000, false, 800, false], [1000, false, 1120, true], [1000, false, 1120, true], [1000, false, 1120, true],
    ]);
    expect(e.active).toBe(false);
    expect(e.poll(5000)).toEqual([]);
  });

  it('an event longer than 65535 ticks is sent in segments (§2.5.1.3) and received as one event', () => {
    const ps = new DtmfEncoder().packets('0', 100, 10_000); // 80,000 ticks
    const ts = [...new Set(ps.map((p) => p.timestamp))];
    expect(ts).toEqual([100, 100 + 65535]);
    const first = ps.filter((p) => p.timestamp === 100);
    expect(first.at(-1)!.block.duration).toBe(65535);
    expect(first.at(-1)!.block.end).toBe(false);
    expect(ps.filter((p) => p.marker)).toHaveLength(1);
    const last = ps.at(-1)!;
    expect(last.block).toMatchObject({ end: true, duration: 80000 - 65535 });
    const d = new DtmfDecoder();
    const reports = ps.flatMap((p) => d.push(p.timestamp, p.payload));
    expect(reports.map((r) => [r.type, r.digit, r.duration])).toEqual([['start', '0', 400], ['end', '0', 80000]]);
  });
});

describe('DtmfDecoder', () => {
  const enc = new DtmfEncoder();
  const brief = (rs: DtmfReport[]) => rs.map((r) => [r.type, r.digit, r.timestamp, r.duration, r.endSeen]);

  it('reports start and end once: the redundant end packets are dropped', () => {
    const d = new DtmfDecoder();
    const rs = enc.packets('1', 8000, 100).flatMap((p) => d.push(p.timestamp, p.payload));
    expect(brief(rs)).toEqual([['start', '1', 8000, 400, undefined], ['end', '1', 8000, 800, true]]);
    expect(rs[1].durationMs).toBe(100);
    expect(rs[1].volume).toBe(10);
  });

  it('starts an event whose first (marker) packet was lost; a late update after the end is ignored', () => {
    const d = new DtmfDecoder();
    const ps = enc.packets('9', 0, 200);
    const rs = [ps[1], ps[2], ps[3], ps[1], ps[4], ps[5]].flatMap((p) => d.push(p.timestamp, p.payload));
    expect(brief(rs)).toEqual([['start', '9', 0, 800, undefined], ['end', '9', 0, 1600, true]]);
  });

  it('a lost end: the next event (new timestamp) ends the previous one; flush() ends a pending one', () => {
    const d = new DtmfDecoder();
    const a = enc.packets('4', 0, 150).filter((p) => !p.block.end);
    const b = enc.packets('4', 4000, 100);
    const rs = [...a, ...b.slice(0, 1)].flatMap((p) => d.push(p.timestamp, p.payload));
    expect(brief(rs)).toEqual([['start', '4', 0, 400, undefined], ['end', '4', 0, 800, false], ['start', '4', 4000, 400, undefined]]);
    expect(brief(d.flush())).toEqual([['end', '4', 4000, 400, false]]);
    expect(d.flush()).toEqual([]);
  });

  it('a digit sequence with packets duplicated and reordered gives each digit once', () => {
    const d = new DtmfDecoder();
    const ps = [...enc.packets('1', 0, 100), ...enc.packets('2', 2000, 100), ...enc.packets('3', 4000, 100)];
    expect(ps).toHaveLength(12); // per digit: 400, then 800 with E three times
    const shuffled = [ps[0], ps[0], ps[2], ps[1], ps[3], ps[4], ps[6], ps[5], ps[7], ps[9], ps[8], ps[10], ps[11], ps[3]];
    const digits = shuffled.flatMap((p) => d.push(p.timestamp, p.payload)).filter((r) => r.type === 'end').map((r) => r.digit);
    expect(digits.join('')).toBe('123');
  });
});

describe('interop: tshark decodes voipkit telephone-events', () => {
  const tshark = tsharkPath();
  it.skipIf(!tshark)(`tshark (${tshark ?? 'not installed: apt-get install -y tshark'}) reads the right digits, end flags, durations, volumes and markers`, () => {
    const enc = new DtmfEncoder();
    const digits = '1#9A0*';
    const packets: Array<{ timeMs: number; p: TelephoneEventPacket }> = [];
    digits.split('').forEach((digit, i) => {
      for (const p of enc.packets(digit, (90000 + i * 4000) >>> 0, 100 + 20 * i)) packets.push({ timeMs: i * 500 + p.atMs, p });
    });
    const file = pcap(packets.map(({ timeMs, p }, n) => ({
      timeMs, srcPort: 40000, dstPort: 40002,
      payload: rtpPacket({ payloadType: 101, sequenceNumber: 30000 + n, timestamp: p.timestamp, ssrc: 0xdeadbeef, marker: p.marker, payload: p.payload }),
    })));
    const dir = mkdtempSync(join(tmpdir(), 'voipkit-dtmf-'));
    try {
      writeFileSync(join(dir, 'dtmf.pcap'), file);
      const r = spawnSync('tshark', ['-r', join(dir, 'dtmf.pcap'), '-d', 'udp.port==40002,rtp', '-d', 'rtp.pt==101,rtpevent', '-T', 'fields',
        '-e', 'rtp.marker', '-e', 'rtp.timestamp', '-e', 'rtpevent.event_id', '-e', 'rtpevent.end_of_event', '-e', 'rtpevent.volume', '-e', 'rtpevent.duration'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const rows = r.stdout.trim().split('\n').map((l) => l.split('\t').map(Number));
      expect(rows).toHaveLength(packets.length);
      // Digits at the end packets, with the durations we asked for (ms * 8 ticks).
      const ends = rows.filter((x) => x[3] === 1);
      const byTs = new Map<number, number[]>();
      for (const e of ends) byTs.set(e[1], e);
      expect([...byTs.values()].map((e) => '0123456789*#ABCD'[e[2]]).join('')).toBe(digits);
      expect([...byTs.values()].map((e) => e[5])).toEqual(digits.split('').map((_, i) => (100 + 20 * i) * 8));
      expect(ends).toHaveLength(digits.length * 3);
      expect(rows.filter((x) => x[0] === 1)).toHaveLength(digits.length);
      expect(rows.every((x) => x[4] === 10)).toBe(true);
      // and voipkit's own decoder agrees with tshark on every digit
      const d = new DtmfDecoder();
      const mine = packets.flatMap(({ p }) => d.push(p.timestamp, p.payload)).filter((x) => x.type === 'end');
      expect(mine.map((x) => [x.digit, x.duration])).toEqual([...byTs.values()].map((e) => ['0123456789*#ABCD'[e[2]], e[5]]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
