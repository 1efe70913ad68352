/**
 * RFC 4733 telephone-events sent by an outside implementation, GStreamer's
 * rtpdtmfsrc (test/interop/gst_dtmf.py), are received: DtmfDecoder and
 * AudioReceiver report each digit once, with the duration the sender's
 * final (E bit) packets carry. The expected values are read from the
 * packets' bytes here, by their RFC 4733 §2.3 layout, not by voipkit.
 * (ffmpeg sends no telephone-events, so GStreamer stands in for it.)
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { AudioReceiver, type VoipKit } from '../src/index.js';
import { DtmfDecoder, type DtmfReport } from '../src/pipeline/dtmf.js';

const CODES = [5, 11, 1, 10, 15]; // '5', '#', '1', '*', 'D'
const DIGITS = '0123456789*#ABCD';

interface Sent { seq: number; ts: number; marker: boolean; event: number; end: boolean; volume: number; duration: number; bytes: Uint8Array }

/** rtpdtmfsrc's packets, read by their layout: RFC 3550 header, then event, E|R|volume, duration. */
function gstreamerPackets(): Sent[] {
  const dir = mkdtempSync(join(tmpdir(), 'voipkit-gst-dtmf-'));
  try {
    const out = join(dir, 'events.rtp');
    // Debian's python3 (the one with python3-gi); rtpdtmfsrc is in gstreamer1.0-plugins-good
    const r = spawnSync('/usr/bin/python3', [new URL('./interop/gst_dtmf.py', import.meta.url).pathname, out, ...CODES.map(String)], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, `gst_dtmf.py: ${r.stderr} (apt-get install -y python3-gi gir1.2-gstreamer-1.0 gstreamer1.0-plugins-good)`).toBe(0);
    const b = readFileSync(out);
    expect(b.length % 16).toBe(0);
    const sent: Sent[] = [];
    for (let o = 0; o < b.length; o += 16) {
      const v = new DataView(b.buffer, b.byteOffset + o, 16);
      expect(v.getUint8(0)).toBe(0x80);
      expect(v.getUint8(1) & 0x7f).toBe(101);
      sent.push({
        seq: v.getUint16(2), ts: v.getUint32(4), marker: (v.getUint8(1) & 0x80) !== 0,
        event: v.getUint8(12), end: (v.getUint8(13) & 0x80) !== 0, volume: v.getUint8(13) & 0x3f, duration: v.getUint16(14),
        bytes: new Uint8Array(b.subarray(o, o + 16)),
      });
    }
    return sent;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(BACKENDS)('RFC 4733 events from GStreamer\'s rtpdtmfsrc on %s', (backend) => {
  let kit: VoipKit;
  let sent: Sent[];
  /** Per event: the digit and its final duration in ms (8 kHz clock). */
  let expected: Array<[string, number]>;
  beforeAll(async () => {
    kit = await kitFor(backend);
    sent = gstreamerPackets();
    const byTs = new Map<number, Sent[]>();
    for (const p of sent) byTs.set(p.ts, [...(byTs.get(p.ts) ?? []), p]);
    expected = [...byTs.values()].map((ps) => {
      const ends = ps.filter((p) => p.end);
      expect(ends.length).toBeGreaterThan(0);
      return [DIGITS[ps[0].event], ends[0].duration / 8];
    });
  }, 60_000);

  it('the sender made one event per digit, with end packets', () => {
    expect(expected.map(([d]) => d)).toEqual(CODES.map((c) => DIGITS[c]));
    for (const [, ms] of expected) expect(ms).toBeGreaterThan(0);
  });

  it('DtmfDecoder reports each digit once, start and end, with the sent duration', () => {
    const dec = new DtmfDecoder({ clockRate: 8000 });
    const reports: DtmfReport[] = [];
    for (const p of sent) reports.push(...dec.push(p.ts, p.bytes.subarray(12)));
    reports.push(...dec.flush());
    expect(reports.filter((r) => r.type === 'start').map((r) => r.digit)).toEqual(expected.map(([d]) => d));
    expect(reports.filter((r) => r.type === 'end').map((r) => [r.digit, r.durationMs, r.endSeen])).toEqual(expected.map(([d, ms]) => [d, ms, true]));
  });

  it('AudioReceiver takes the datagrams as they come (redundant ends dropped) and reports the same events', () => {
    const rx = new AudioReceiver(kit, 0);
    // one datagram every 10 ms on the caller's clock, in the sender's order
    sent.forEach((p, i) => rx.receive(p.bytes, i * 10));
    const ev = rx.events();
    expect(ev.filter((e) => e.type === 'end').map((e) => [e.digit, e.durationMs])).toEqual(expected);
    const st = rx.stats();
    expect(st.dtmfPackets).toBe(sent.length);
    expect(st.dropped.badEvent + st.dropped.notRtp + st.dropped.unknownPayloadType).toBe(0);
    rx.close();
  });
});
