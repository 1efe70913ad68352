/**
 * Read an RTP stream out of a packet capture, for `voipkit sim --pcap`.
 *
 * Format: classic libpcap files (magic 0xa1b2c3d4 with microsecond or
 * 0xa1b23c4d with nanosecond timestamps, either byte order).  pcapng is
 * refused with the command that converts it.  Link types: Ethernet (1, with
 * 802.1Q / QinQ tags), raw IP (101, and 12 as some systems number it),
 * Linux cooked capture v1 (113) and v2 (276), BSD loopback (0).  Network:
 * IPv4 (unfragmented, or the first fragment) and IPv6 (skipping hop-by-hop,
 * routing, destination-options and fragment headers); transport UDP; payload
 * RTP version 2 (RTCP packet types 192–223 in the second byte are skipped).
 *
 * Bounded: a packet's captured length is checked against the file and the
 * snap length; nothing is allocated per packet beyond the kept payloads.
 */
import { VoipKitError } from '../errors.js';

/** One RTP packet of a capture. */
export interface CapturedRtp {
  /** Capture time, ms since the epoch (fractional). */
  timeMs: number;
  ssrc: number;
  payloadType: number;
  seq: number;
  timestamp: number;
  marker: boolean;
  /** The whole RTP packet (header and payload), a copy. */
  rtp: Uint8Array;
  /** UDP ports and address family, for messages. */
  srcPort: number;
  dstPort: number;
  ipVersion: 4 | 6;
}

function bad(msg: string): never {
  throw new VoipKitError('invalid_argument', `pcap: ${msg}`);
}

/** Parse every UDP datagram that looks like RTP. @throws VoipKitError `invalid_argument` for a file that is not a readable capture. */
export function parsePcapRtp(bytes: Uint8Array): CapturedRtp[] {
  if (bytes.length < 24) bad(`file too short for a pcap header (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBE = dv.getUint32(0, false);
  if (magicBE === 0x0a0d0d0a) bad('this is a pcapng file; convert it first: tshark -F pcap -r in.pcapng -w out.pcap');
  let le: boolean;
  let nano: boolean;
  if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
    le = false;
    nano = magicBE === 0xa1b23c4d;
  } else if (dv.getUint32(0, true) === 0xa1b2c3d4 || dv.getUint32(0, true) === 0xa1b23c4d) {
    le = true;
    nano = dv.getUint32(0, true) === 0xa1b23c4d;
  } else bad('not a pcap file (unknown magic number)');
  const major = dv.getUint16(4, le);
  if (major !== 2) bad(`unsupported pcap version ${major}`);
  const snaplen = dv.getUint32(16, le);
  const linktype = dv.getUint32(20, le) & 0x0fffffff;
  if (![0, 1, 12, 101, 113, 276].includes(linktype)) bad(`unsupported link type ${linktype} (Ethernet, raw IP, Linux cooked and BSD loopback are supported)`);
  const out: CapturedRtp[] = [];
  let off = 24;
  let index = 0;
  while (off < bytes.length) {
    index++;
    if (off + 16 > bytes.length) bad(`packet ${index}: record header truncated at byte ${off}`);
    const sec = dv.getUint32(off, le);
    const frac = dv.getUint32(off + 4, le);
    const incl = dv.getUint32(off + 8, le);
    if (incl > Math.max(snaplen, 262144) || off + 16 + incl > bytes.length) bad(`packet ${index}: captured length ${incl} runs past the end of the file`);
    const timeMs = sec * 1000 + (nano ? frac / 1e6 : frac / 1000);
    const rtp = udpPayload(bytes.subarray(off + 16, off + 16 + incl), linktype);
    if (rtp) {
      const r = asRtp(rtp.payload);
      if (r) out.push({ timeMs, ...r, rtp: rtp.payload.slice(), srcPort: rtp.srcPort, dstPort: rtp.dstPort, ipVersion: rtp.ipVersion });
    }
    off += 16 + incl;
  }
  return out;
}

interface Udp {
  payload: Uint8Array;
  srcPort: number;
  dstPort: number;
  ipVersion: 4 | 6;
}

function udpPayload(frame: Uint8Array, linktype: number): Udp | null {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let p = 0;
  let ethertype: number;
  switch (linktype) {
    case 1: {
      if (frame.length < 14) return null;
      ethertype = dv.getUint16(12);
      p = 14;
      while ((ethertype === 0x8100 || ethertype === 0x88a8) && p + 4 <= frame.length) {
        ethertype = dv.getUint16(p + 2);
        p += 4;
      }
      break;
    }
    case 113:
      if (frame.length < 16) return null;
      ethertype = dv.getUint16(14);
      p = 16;
      break;
    case 276:
      if (frame.length < 20) return null;
      ethertype = dv.getUint16(0);
      p = 20;
      break;
    case 0: {
      if (frame.length < 4) return null;
      const fam = dv.getUint32(0, true) <= 0xffff ? dv.getUint32(0, true) : dv.getUint32(0, false);
      ethertype = fam === 2 ? 0x0800 : fam === 24 || fam === 28 || fam === 30 ? 0x86dd : 0;
      p = 4;
      break;
    }
    default: {
      if (frame.length < 1) return null;
      const v = frame[0] >> 4;
      ethertype = v === 4 ? 0x0800 : v === 6 ? 0x86dd : 0;
    }
  }
  if (ethertype === 0x0800) {
    if (p + 20 > frame.length || frame[p] >> 4 !== 4) return null;
    const ihl = (frame[p] & 0x0f) * 4;
    const total = dv.getUint16(p + 2);
    const fragOffset = dv.getUint16(p + 6) & 0x1fff;
    const moreFragments = (dv.getUint16(p + 6) & 0x2000) !== 0;
    if (ihl < 20 || frame[p + 9] !== 17 || fragOffset !== 0 || moreFragments) return null;
    const end = Math.min(frame.length, p + total);
    return udp(frame, p + ihl, end, 4);
  }
  if (ethertype === 0x86dd) {
    if (p + 40 > frame.length || frame[p] >> 4 !== 6) return null;
    const end = Math.min(frame.length, p + 40 + dv.getUint16(p + 4));
    let next = frame[p + 6];
    let q = p + 40;
    for (let guard = 0; guard < 8; guard++) {
      if (next === 17) return udp(frame, q, end, 6);
      if (next === 0 || next === 43 || next === 60) {
        if (q + 2 > end) return null;
        next = frame[q];
        q += (frame[q + 1] + 1) * 8;
      } else if (next === 44) {
        if (q + 8 > end) return null;
        const offs = dv.getUint16(q + 2) >> 3;
        const more = (dv.getUint16(q + 2) & 1) !== 0;
        if (offs !== 0 || more) return null;
        next = frame[q];
        q += 8;
      } else return null;
    }
  }
  return null;
}

function udp(frame: Uint8Array, p: number, end: number, ipVersion: 4 | 6): Udp | null {
  if (p + 8 > end) return null;
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const len = dv.getUint16(p + 4);
  if (len < 8) return null;
  const stop = Math.min(end, p + len);
  return { payload: frame.subarray(p + 8, stop), srcPort: dv.getUint16(p), dstPort: dv.getUint16(p + 2), ipVersion };
}

function asRtp(b: Uint8Array): Omit<CapturedRtp, 'timeMs' | 'rtp' | 'srcPort' | 'dstPort' | 'ipVersion'> | null {
  if (b.length < 12 || b[0] >> 6 !== 2) return null;
  if (b[1] >= 192 && b[1] <= 223) return null; // RTCP (RFC 5761 demultiplexing)
  const cc = b[0] & 0x0f;
  let hdr = 12 + 4 * cc;
  if (b.length < hdr) return null;
  if (b[0] & 0x10) {
    if (b.length < hdr + 4) return null;
    hdr += 4 + 4 * ((b[hdr + 2] << 8) | b[hdr + 3]);
    if (b.length < hdr) return null;
  }
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { ssrc: dv.getUint32(8), payloadType: b[1] & 0x7f, seq: dv.getUint16(2), timestamp: dv.getUint32(4), marker: (b[1] & 0x80) !== 0 };
}

/** The stream with this SSRC, or the one with the most packets. @throws VoipKitError when there is no RTP or the SSRC is absent. */
export function pickStream(pkts: CapturedRtp[], ssrc?: number): CapturedRtp[] {
  if (pkts.length === 0) bad('no RTP packets found (UDP datagrams with an RTP version 2 header)');
  const by = new Map<number, CapturedRtp[]>();
  for (const p of pkts) {
    const l = by.get(p.ssrc);
    if (l) l.push(p);
    else by.set(p.ssrc, [p]);
  }
  if (ssrc !== undefined) {
    const l = by.get(ssrc >>> 0);
    if (!l) bad(`no RTP stream with SSRC 0x${(ssrc >>> 0).toString(16)} (found ${[...by.keys()].map((s) => '0x' + s.toString(16)).join(', ')})`);
    return l;
  }
  return [...by.values()].sort((a, b) => b.length - a.length)[0];
}
