/**
 * Packets captured from ffmpeg's RTP muxer over loopback (see
 * test/vectors/rtp/README.md): every datagram is parsed, compared field by
 * field with tshark's independent decoding stored beside it, checked against
 * what the ffmpeg command implies, and round-tripped byte for byte.
 * Needs neither ffmpeg nor tshark at run time.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { RtpView, RtpBuilder, parseRtcp, serializeRtcp, ntpToUnixMs, isRtp, isRtcp, type RtcpPacket, type SenderReport } from '../src/rtp/public.js';
import { hex, toHex } from './helpers/random.js';

interface Datagram {
  socket: 'rtp' | 'rtcp';
  /** arrival, ms after captureWallClockMs */
  t: number;
  hex: string;
  tshark: Record<string, string>;
}
interface Capture {
  name: string;
  command: string;
  captureWallClockMs: number;
  packets: Datagram[];
}
const load = (n: string) => JSON.parse(readFileSync(new URL(`./vectors/rtp/${n}.json`, import.meta.url), 'utf8')) as Capture;

/** What the capture commands set: -ssrc 305419896 -seq 65500 -cname voipkit-fixture@127.0.0.1. */
const SSRC = 305419896;
const CNAME = 'voipkit-fixture@127.0.0.1';

const CASES = [
  { file: 'ffmpeg-pcmu', pt: 0, clock: 8000, ticksPerPacket: 160, payloadBytes: 160 },
  // RFC 7587: Opus uses a 48 kHz RTP clock; ffmpeg's dynamic PT for it is 97; 20 ms frames (-frame_duration 20)
  { file: 'ffmpeg-opus', pt: 97, clock: 48000, ticksPerPacket: 960, payloadBytes: undefined },
];

for (const c of CASES) {
  describe(`${c.file} (ffmpeg RTP muxer capture)`, () => {
    const cap = load(c.file);
    const rtp = cap.packets.filter((p) => p.socket === 'rtp');
    const rtcp = cap.packets.filter((p) => p.socket === 'rtcp');

    it('was captured with the command the checks below rely on', () => {
      expect(cap.command).toContain(`-ssrc ${SSRC} -seq 65500 -cname ${CNAME}`);
      expect(rtp.length).toBeGreaterThanOrEqual(295); // 6 s of 20 ms packets
      expect(rtcp.length).toBeGreaterThanOrEqual(2);
    });

    it('RTP: every field agrees with tshark, and round-trips byte for byte', () => {
      for (const p of rtp) {
        const bytes = hex(p.hex);
        const v = RtpView.wrap(bytes);
        const ts = p.tshark;
        expect(isRtp(bytes)).toBe(true);
        expect({
          version: v.version,
          padding: v.padding ? 1 : 0,
          ext: v.extension ? 1 : 0,
          cc: v.csrcCount,
          marker: v.marker ? 1 : 0,
          pt: v.payloadType,
          seq: v.sequenceNumber,
          ts: v.timestamp,
          ssrc: v.ssrc,
        }).toEqual({
          version: Number(ts['rtp.version']),
          padding: Number(ts['rtp.padding']),
          ext: Number(ts['rtp.ext']),
          cc: Number(ts['rtp.cc']),
          marker: Number(ts['rtp.marker']),
          pt: Number(ts['rtp.p_type']),
          seq: Number(ts['rtp.seq']),
          ts: Number(ts['rtp.timestamp']),
          ssrc: Number(ts['rtp.ssrc']),
        });
        expect(v.headerLength).toBe(12);
        expect(v.payloadLength).toBe(bytes.length - 12);
        expect(toHex(RtpBuilder.from(v).serialize())).toBe(p.hex);
      }
    });

    it(`RTP: PT ${c.pt}, one SSRC, seq +1 from 65500 across the 16-bit wrap, timestamp +${c.ticksPerPacket} per packet`, () => {
      const views = rtp.map((p) => RtpView.wrap(hex(p.hex)));
      expect(views[0].sequenceNumber).toBe(65500);
      for (let i = 0; i < views.length; i++) {
        const v = views[i];
        expect(v.payloadType).toBe(c.pt);
        expect(v.ssrc).toBe(SSRC);
        if (c.payloadBytes !== undefined) expect(v.payloadLength).toBe(c.payloadBytes);
        if (i > 0) {
          expect(v.sequenceNumber).toBe((views[i - 1].sequenceNumber + 1) & 0xffff);
          expect(v.timestamp).toBe((views[i - 1].timestamp + c.ticksPerPacket) >>> 0);
        }
      }
      expect(views.some((v) => v.sequenceNumber === 0)).toBe(true); // the capture spans the wrap
    });

    it('RTCP: SR + SDES CNAME compounds (and BYE last) agree with tshark and round-trip byte for byte', () => {
      for (const p of rtcp) {
        const bytes = hex(p.hex);
        expect(isRtcp(bytes)).toBe(true);
        const pkts = parseRtcp(bytes);
        const ts = p.tshark;
        expect(pkts.map((x) => x.type)).toEqual(ts['rtcp.pt'].split(',').map((n) => ({ 200: 'sr', 202: 'sdes', 203: 'bye' })[Number(n)]));
        const sr = pkts[0] as SenderReport;
        expect(sr).toMatchObject({
          type: 'sr',
          ssrc: Number(ts['rtcp.senderssrc']),
          ntpSeconds: Number(ts['rtcp.timestamp.ntp.msw']),
          ntpFraction: Number(ts['rtcp.timestamp.ntp.lsw']),
          rtpTimestamp: Number(ts['rtcp.timestamp.rtp']),
          packetCount: Number(ts['rtcp.sender.packetcount']),
          octetCount: Number(ts['rtcp.sender.octetcount']),
          reports: [],
        });
        const sdes = pkts[1];
        expect(sdes.type === 'sdes' && sdes.chunks.map((ch) => [ch.ssrc, ch.items.map((i) => [i.type, i.text])])).toEqual([[SSRC, [[1, ts['rtcp.sdes.text']]]]]);
        expect(ts['rtcp.sdes.text']).toBe(CNAME);
        const bye = pkts.find((x): x is Extract<RtcpPacket, { type: 'bye' }> => x.type === 'bye');
        if (bye) expect(bye.ssrcs).toEqual([SSRC]);
        expect(toHex(serializeRtcp(pkts))).toBe(p.hex);
      }
      expect(parseRtcp(hex(rtcp[rtcp.length - 1].hex)).at(-1)?.type).toBe('bye'); // -rtpflags send_bye
    });

    it('RTCP: SR counts, RTP timestamps and NTP times are consistent with the stream', () => {
      const srs = rtcp.map((p) => ({ t: p.t, sr: parseRtcp(hex(p.hex))[0] as SenderReport, at: cap.packets.indexOf(p) }));
      for (const { t, sr, at } of srs) {
        // packets ffmpeg sent before this SR: those that arrived before it (+-1 for the two sockets' ordering)
        const before = cap.packets.slice(0, at).filter((p) => p.socket === 'rtp');
        expect(Math.abs(sr.packetCount - before.length)).toBeLessThanOrEqual(1);
        const octets = (k: number) => before.slice(0, k).reduce((n, p) => n + p.hex.length / 2 - 12, 0);
        if (sr.packetCount <= before.length) expect(sr.octetCount).toBe(octets(sr.packetCount));
        // NTP is ffmpeg's wall clock: within 1 s of our arrival time
        expect(Math.abs(ntpToUnixMs(sr.ntpSeconds, sr.ntpFraction) - (cap.captureWallClockMs + t))).toBeLessThan(1000);
        // its RTP timestamp is the stream's clock at that moment: compare with the RTP packet that arrived closest in time
        const near = rtp.reduce((a, b) => (Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a));
        const v = RtpView.wrap(hex(near.hex));
        const drift = ((sr.rtpTimestamp - v.timestamp) | 0) - ((t - near.t) * c.clock) / 1000;
        expect(Math.abs(drift)).toBeLessThan(0.1 * c.clock); // 100 ms
      }
      // between SRs, RTP clock and NTP advance together
      for (let i = 1; i < srs.length; i++) {
        const a = srs[i - 1].sr;
        const b = srs[i].sr;
        const dNtpMs = ntpToUnixMs(b.ntpSeconds, b.ntpFraction) - ntpToUnixMs(a.ntpSeconds, a.ntpFraction);
        const dRtpMs = (((b.rtpTimestamp - a.rtpTimestamp) >>> 0) * 1000) / c.clock;
        expect(dNtpMs).toBeGreaterThan(500);
        expect(Math.abs(dRtpMs - dNtpMs), `SR ${i}: RTP clock advanced ${dRtpMs} ms, NTP ${dNtpMs} ms`).toBeLessThan(0.02 * dNtpMs + 20);
      }
    });
  });
}
