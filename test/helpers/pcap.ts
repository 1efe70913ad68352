/**
 * Minimal libpcap writer for handing voipkit's packets to tshark: raw IPv4
 * (LINKTYPE_RAW, 101) + UDP datagrams between two loopback addresses, with
 * per-packet capture times. Also a minimal RTP header builder for tests
 * (the RTP packet classes of src/rtp are the real thing).
 */
import { spawnSync } from 'node:child_process';

export interface CapturedDatagram {
  /** Capture time, ms (any origin). */
  timeMs: number;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

function ipChecksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

export function pcap(datagrams: CapturedDatagram[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const gh = new DataView(new ArrayBuffer(24));
  gh.setUint32(0, 0xa1b2c3d4, true);
  gh.setUint16(4, 2, true);
  gh.setUint16(6, 4, true);
  gh.setUint32(16, 65535, true);
  gh.setUint32(20, 101, true); // LINKTYPE_RAW: packets begin with the IP header
  parts.push(new Uint8Array(gh.buffer));
  for (const d of datagrams) {
    const len = 20 + 8 + d.payload.length;
    const pkt = new Uint8Array(len);
    const v = new DataView(pkt.buffer);
    pkt[0] = 0x45;
    v.setUint16(2, len);
    pkt[8] = 64; // TTL
    pkt[9] = 17; // UDP
    pkt.set([127, 0, 0, 1], 12);
    pkt.set([127, 0, 0, 1], 16);
    v.setUint16(10, ipChecksum(pkt.subarray(0, 20)));
    v.setUint16(20, d.srcPort);
    v.setUint16(22, d.dstPort);
    v.setUint16(24, 8 + d.payload.length);
    pkt.set(d.payload, 28); // UDP checksum 0: none (IPv4)
    const rh = new DataView(new ArrayBuffer(16));
    const us = Math.round(d.timeMs * 1000);
    rh.setUint32(0, Math.floor(us / 1e6), true);
    rh.setUint32(4, us % 1e6, true);
    rh.setUint32(8, len, true);
    rh.setUint32(12, len, true);
    parts.push(new Uint8Array(rh.buffer), pkt);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface RtpFields {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  payload: Uint8Array;
}

export function rtpPacket(f: RtpFields): Uint8Array {
  const b = new Uint8Array(12 + f.payload.length);
  const v = new DataView(b.buffer);
  b[0] = 0x80;
  b[1] = (f.marker ? 0x80 : 0) | f.payloadType;
  v.setUint16(2, f.sequenceNumber & 0xffff);
  v.setUint32(4, f.timestamp >>> 0);
  v.setUint32(8, f.ssrc >>> 0);
  b.set(f.payload, 12);
  return b;
}

/** tshark's path, or null when it is not installed. */
export function tsharkPath(): string | null {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'tshark' : null;
}
