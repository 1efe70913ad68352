/**
 * Packets captured from ffmpeg's RTP muxer over loopback (see
 * test/vectors/rtp/README.md): every datagram is parsed, compared field by
 * field with tshark's independent decoding stored beside it, checked against
 * what the ffmpeg command implies, and round-tripped byte for byte.
 * Needs neither ffmpeg nor tshark at run time.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { RtpView, RtpBuilder, parseRtcp, serializeRtcp, ntpToUnixMs, nackToSequenceNumbers, isRtp, isRtcp, type RtcpPacket, type SenderReport } from '../src/rtp/public.js';
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

describe('gstreamer-receiver (GStreamer rtpbin receiving the PCMU capture, AVPF with retransmission requests)', () => {
  interface GstCapture {
    command: string;
    dropped: number[];
    sent: { socket: 'rtp' | 'rtcp'; t: number; seq?: number; hex?: string }[];
    packets: Datagram[];
  }
  const cap = JSON.parse(readFileSync(new URL('./vectors/rtp/gstreamer-receiver.json', import.meta.url), 'utf8')) as GstCapture;
  const sentSrs = cap.sent.filter((s) => s.socket === 'rtcp').map((s) => ({ t: s.t, sr: parseRtcp(hex(s.hex!))[0] as SenderReport }));
  /** Extended sequence number of a sequence number of the replayed stream (65500..65535, then 0.. in cycle 1). */
  const ext = (seq: number) => (seq >= 65500 ? seq : 65536 + seq);
  /** NTP middle 32 bits, computed here with BigInt rather than with the library's helper. */
  const middle32 = (sec: number, frac: number) => Number(((BigInt(sec) << 32n) | BigInt(frac)) >> 16n & 0xffffffffn);

  it('every datagram is an RR-first compound that agrees with tshark and round-trips byte for byte', () => {
    expect(cap.packets.length).toBeGreaterThanOrEqual(3);
    for (const p of cap.packets) {
      const bytes = hex(p.hex);
      const pkts = parseRtcp(bytes); // full RFC 3550 compound rules: RR first
      const ts = p.tshark;
      expect(pkts.map((x) => x.type)).toEqual(ts['rtcp.pt'].split(',').map((n) => ({ 201: 'rr', 202: 'sdes', 205: 'nack' })[Number(n)]));
      const rr = pkts[0];
      if (rr.type !== 'rr') throw new Error('not RR first');
      expect(rr.ssrc).toBe(Number(ts['rtcp.senderssrc'].split(',')[0]));
      expect(rr.reports.length).toBe(Number(ts['rtcp.rc']));
      const sdes = pkts.find((x) => x.type === 'sdes');
      expect(sdes?.type === 'sdes' && sdes.chunks[0].items.filter((i) => i.type !== 0).map((i) => i.text).join(',')).toBe(ts['rtcp.sdes.text']);
      const nack = pkts.find((x) => x.type === 'nack');
      if (nack?.type === 'nack') {
        expect(nack.senderSsrc).toBe(rr.ssrc);
        expect(nack.mediaSsrc).toBe(SSRC);
        expect(nack.mediaSsrc).toBe(Number(ts['rtcp.mediassrc']));
        // tshark lists the expanded PID/BLP sequence numbers
        expect(new Set(nackToSequenceNumbers(nack.items))).toEqual(new Set(ts['rtcp.rtpfb.nack_pid'].split(',').map(Number)));
        // and they are packets of this stream (up to one past its end: GStreamer asks for the next one too)
        for (const s of nackToSequenceNumbers(nack.items)) {
          expect(ext(s)).toBeGreaterThanOrEqual(65500);
          expect(ext(s)).toBeLessThanOrEqual(65536 + 264);
        }
      }
      expect(toHex(serializeRtcp(pkts))).toBe(p.hex);
    }
  });

  it('report blocks match what was sent: highest sequence, losses from the dropped packets, LSR/DLSR of the forwarded SR', () => {
    const withBlocks = cap.packets.filter((p) => (hex(p.hex)[0] & 0x1f) > 0);
    expect(withBlocks.length).toBeGreaterThanOrEqual(1);
    for (const p of withBlocks) {
      const rr = parseRtcp(hex(p.hex))[0];
      if (rr.type !== 'rr') throw new Error('not RR');
      const [b] = rr.reports;
      const ts = p.tshark;
      expect([b.ssrc, b.fractionLost, b.cumulativeLost, b.highestSequence, b.jitter, b.lastSr, b.delaySinceLastSr]).toEqual(
        [ts['rtcp.ssrc.identifier'].split(',')[0], ts['rtcp.ssrc.fraction'], ts['rtcp.ssrc.cum_nr'], ts['rtcp.ssrc.ext_high'], ts['rtcp.ssrc.jitter'], ts['rtcp.ssrc.lsr'], ts['rtcp.ssrc.dlsr']].map(Number),
      );
      expect(b.ssrc).toBe(SSRC);
      // the highest sequence received is one we sent shortly before the report
      const sentBefore = cap.sent.filter((s) => s.socket === 'rtp' && s.t <= p.t).map((s) => ext(s.seq!));
      expect(sentBefore).toContain(b.highestSequence);
      expect(Math.max(...sentBefore) - b.highestSequence).toBeLessThanOrEqual(5);
      // cumulative loss: exactly the packets we dropped below the highest sequence
      expect(b.cumulativeLost).toBe(cap.dropped.filter((s) => ext(s) < b.highestSequence).length);
      // LSR is the middle of the last SR we forwarded before it, DLSR the time since (1/65536 s)
      const sr = sentSrs.filter((s) => s.t <= p.t).at(-1)!;
      expect(b.lastSr).toBe(middle32(sr.sr.ntpSeconds, sr.sr.ntpFraction));
      expect(Math.abs(b.delaySinceLastSr / 65536 - (p.t - sr.t) / 1000)).toBeLessThan(0.2);
    }
  });
});

describe('gstreamer-pli / gstreamer-fir (GStreamer asking ffmpeg\'s H.264 sender for a key frame after losses)', () => {
  interface KeyframeCapture {
    receiverCommand: string;
    dropped: { t: number; seq: number }[];
    packets: Datagram[];
  }
  for (const kind of ['pli', 'fir'] as const) {
    it(`${kind.toUpperCase()}: agrees with tshark, names the media sender, round-trips`, () => {
      const cap = JSON.parse(readFileSync(new URL(`./vectors/rtp/gstreamer-${kind}.json`, import.meta.url), 'utf8')) as KeyframeCapture;
      expect(cap.receiverCommand).toContain(kind === 'pli' ? 'rtcp-fb-nack-pli=(boolean)true' : 'rtcp-fb-ccm-fir=(boolean)true');
      const requests: { t: number; p: RtcpPacket }[] = [];
      for (const d of cap.packets) {
        const pkts = parseRtcp(hex(d.hex));
        const ts = d.tshark;
        expect(pkts.map((x) => x.type)).toEqual(ts['rtcp.pt'].split(',').map((n) => ({ 201: 'rr', 202: 'sdes', 206: kind })[Number(n)]));
        expect(toHex(serializeRtcp(pkts))).toBe(d.hex);
        const rr = pkts[0];
        for (const p of pkts) {
          if (p.type === 'pli') {
            expect(p.senderSsrc).toBe(rr.type === 'rr' ? rr.ssrc : -1);
            expect(p.mediaSsrc).toBe(SSRC);
            expect(p.mediaSsrc).toBe(Number(ts['rtcp.mediassrc']));
            expect(Number(ts['rtcp.psfb.fmt'])).toBe(1);
            requests.push({ t: d.t, p });
          } else if (p.type === 'fir') {
            expect(p.senderSsrc).toBe(rr.type === 'rr' ? rr.ssrc : -1);
            expect(p.mediaSsrc).toBe(0); // RFC 5104 4.3.1.2: unused, 0
            expect(Number(ts['rtcp.psfb.fmt'])).toBe(4);
            expect(p.entries).toEqual([{ ssrc: Number(ts['rtcp.psfb.fir.fci.ssrc']), sequenceNumber: Number(ts['rtcp.psfb.fir.fci.csn']) }]);
            expect(p.entries[0].ssrc).toBe(SSRC);
            requests.push({ t: d.t, p });
          }
        }
      }
      expect(requests.length).toBeGreaterThanOrEqual(1);
      // (GStreamer's first request precedes our first drop: it asks at stream start as well, so no causality check here)
      expect(cap.dropped.length).toBeGreaterThan(0);
      if (kind === 'fir') {
        // RFC 5104 4.3.1.1: the command sequence number increases by one per new request
        const seqs = requests.map((r) => (r.p.type === 'fir' ? r.p.entries[0].sequenceNumber : -1));
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1] + 1) & 0xff);
      }
    });
  }
});
