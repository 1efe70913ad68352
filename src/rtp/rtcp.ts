/**
 * RTCP packets (RFC 3550 section 6, RFC 4585, RFC 5104, RFC 5506): parsing
 * into plain objects and serializing the same objects, so that
 * `serializeRtcp(parseRtcp(bytes))` reproduces `bytes`.
 *
 * Every RTCP packet starts with the same 4 bytes:
 *
 * ```text
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |   length (32-bit words - 1)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * `count` is RC (SR, RR), SC (SDES, BYE), subtype (APP) or FMT (RTPFB, PSFB).
 * Data views in parsed packets (`data`, `fci`, `body`, `extension`) point
 * into the parsed buffer (zero-copy).
 */
import { seqDelta } from './seqnum.js';
import { badArg, checkOut, checkRange, checkU16, checkU32, checkU8, describe, fromUtf8, malformed, readU16, readU32, requireBytes, utf8, writeU16, writeU32 } from './util.js';

/** RTCP packet type numbers (RFC 3550 12.1, RFC 4585 6.1, RFC 3611). */
export const RtcpType = Object.freeze({ SR: 200, RR: 201, SDES: 202, BYE: 203, APP: 204, RTPFB: 205, PSFB: 206, XR: 207 } as const);

/** SDES item types (RFC 3550 6.5). */
export const SdesItemType = Object.freeze({ CNAME: 1, NAME: 2, EMAIL: 3, PHONE: 4, LOC: 5, TOOL: 6, NOTE: 7, PRIV: 8 } as const);

/**
 * One reception report block (RFC 3550 6.4.1), 24 bytes.
 *
 * ```text
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_n (SSRC of source n)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, in 1/256 units (0..255). */
  fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (-8388608..8388607; negative with duplicates). */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | seq), 0..2^32-1. */
  highestSequence: number;
  /** Interarrival jitter in RTP clock ticks. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp, 0 if none. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s. */
  delaySinceLastSr: number;
}

/**
 * Sender report (RFC 3550 6.4.1), PT 200.
 *
 * ```text
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * |                         SSRC of sender                        |
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * |                  report block 1 .. RC (24 bytes each)         |
 * |                  profile-specific extensions                  |
 * ```
 */
export interface SenderReport {
  type: 'sr';
  ssrc: number;
  /** NTP timestamp, seconds since 1900-01-01 (wraps in 2036). */
  ntpSeconds: number;
  /** NTP timestamp, fraction of a second in 1/2^32 units. */
  ntpFraction: number;
  /** The same instant in RTP clock ticks of the sender's stream. */
  rtpTimestamp: number;
  /** Packets sent since the start of transmission (mod 2^32). */
  packetCount: number;
  /** Payload octets sent since the start of transmission (mod 2^32). */
  octetCount: number;
  reports: ReportBlock[];
  /** Profile-specific extension after the report blocks (multiple of 4 bytes), if any. */
  extension?: Uint8Array;
  /** Padding bytes including the count byte (last packet of a compound only). */
  padding?: number;
}

/** Receiver report (RFC 3550 6.4.2), PT 201: header, reporter SSRC, report blocks, extension. */
export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
  extension?: Uint8Array;
  padding?: number;
}

/** One SDES item. Building, `data` wins over `text` when both are given. */
export interface SdesItem {
  /** {@link SdesItemType}: 1 CNAME .. 8 PRIV (other values are carried as is). */
  type: number;
  /** The value as UTF-8 text (RFC 3550 6.5). */
  text?: string;
  /** The raw value bytes (at most 255); parsed items always have it (zero-copy). */
  data?: Uint8Array;
}

export interface SdesChunk {
  /** SSRC or CSRC the items describe. */
  ssrc: number;
  items: SdesItem[];
}

/**
 * Source description (RFC 3550 6.5), PT 202.
 *
 * ```text
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * |                          SSRC/CSRC_1                          |
 * |  type (8)     |  length (8)   |  value ...  (items, then one or
 * |  more null octets up to the next 32-bit boundary)   ... chunk 2
 * ```
 */
export interface SourceDescription {
  type: 'sdes';
  chunks: SdesChunk[];
  padding?: number;
}

/**
 * Goodbye (RFC 3550 6.6), PT 203: SC SSRC/CSRCs, then optionally a reason
 * (length byte and UTF-8 text, zero-padded to 32 bits).
 */
export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
  /** Reason for leaving, UTF-8 text. */
  reason?: string;
  /** The raw reason bytes (at most 255); parsed packets with a reason always have it (zero-copy). Building, it wins over `reason`. */
  reasonData?: Uint8Array;
  padding?: number;
}

/**
 * Application-defined (RFC 3550 6.7), PT 204.
 *
 * ```text
 * |V=2|P| subtype |   PT=APP=204  |             length            |
 * |                           SSRC/CSRC                           |
 * |                          name (ASCII)                         |
 * |                   application-dependent data                ...
 * ```
 */
export interface AppPacket {
  type: 'app';
  /** 0..31. */
  subtype: number;
  ssrc: number;
  /** Exactly 4 characters, ASCII by RFC 3550; each byte maps to one character U+0000..U+00FF. */
  name: string;
  /** Multiple of 4 bytes. */
  data: Uint8Array;
  padding?: number;
}

/** One generic NACK FCI entry (RFC 4585 6.2.1). */
export interface NackItem {
  /** Packet ID: the first lost sequence number. */
  pid: number;
  /** Bitmask of following lost packets: bit i set means pid + i + 1 is lost. */
  blp: number;
}

/**
 * Generic NACK (RFC 4585 6.2.1): RTPFB (205) with FMT 1.
 *
 * ```text
 * |V=2|P|  FMT=1  |  PT=RTPFB=205 |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * |            PID                |             BLP               |  (repeated)
 * ```
 */
export interface GenericNack {
  type: 'nack';
  senderSsrc: number;
  mediaSsrc: number;
  items: NackItem[];
  padding?: number;
}

/** Picture loss indication (RFC 4585 6.3.1): PSFB (206), FMT 1, no FCI. */
export interface PictureLossIndication {
  type: 'pli';
  senderSsrc: number;
  mediaSsrc: number;
  padding?: number;
}

/** One FIR FCI entry (RFC 5104 4.3.1.1). */
export interface FirEntry {
  /** SSRC of the media sender asked for a decoder refresh. */
  ssrc: number;
  /** Command sequence number, 0..255. */
  sequenceNumber: number;
}

/**
 * Full intra request (RFC 5104 4.3.1): PSFB (206) with FMT 4.
 *
 * ```text
 * |V=2|P|  FMT=4  |  PT=PSFB=206  |          length               |
 * |                  SSRC of packet sender                        |
 * |             SSRC of media source (unused, 0)                  |
 * |                              SSRC                             |  (FCI,
 * | Seq nr.       |    Reserved                                   |  repeated)
 * ```
 */
export interface FullIntraRequest {
  type: 'fir';
  senderSsrc: number;
  /** RFC 5104 says 0; carried as received. Default 0 when building. */
  mediaSsrc?: number;
  entries: FirEntry[];
  padding?: number;
}

/** Any other RTPFB (205) or PSFB (206) message, by FMT. */
export interface FeedbackPacket {
  type: 'rtpfb' | 'psfb';
  /** 0..31. */
  fmt: number;
  senderSsrc: number;
  mediaSsrc: number;
  /** Feedback control information, multiple of 4 bytes. */
  fci: Uint8Array;
  padding?: number;
}

/** A packet type voipkit does not decode (XR, ...), kept as bytes so it round-trips. */
export interface UnknownRtcpPacket {
  type: 'unknown';
  /** 0..255. */
  packetType: number;
  /** The header's 5-bit count field, 0..31. */
  count: number;
  /** Everything after the 4-byte header, padding excluded; multiple of 4 bytes. */
  body: Uint8Array;
  padding?: number;
}

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | AppPacket
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | FeedbackPacket
  | UnknownRtcpPacket;

export interface ParseRtcpOptions {
  /**
   * Accept reduced-size RTCP (RFC 5506): the first packet may be of any type
   * (a lone NACK or PLI, say).  Default false: RFC 3550 A.2 validity, the
   * first packet must be an SR or RR.
   */
  reducedSize?: boolean;
}

// ---------------------------------------------------------------------------
// Parsing

/**
 * Check the framing of a compound RTCP packet (RFC 3550 A.2): every header
 * has version 2, lengths add up to exactly the buffer, only the last packet
 * has the padding bit, and (unless reduced-size) the first is an SR or RR.
 * Returns the offsets of the packets' starts (and the end).
 */
function frame(b: Uint8Array, reducedSize: boolean): number[] {
  const len = b.length;
  if (len < 4) malformed('bad_length', `RTCP packet of ${len} bytes is shorter than the 4-byte header`);
  const starts: number[] = [];
  let i = 0;
  while (i < len) {
    if (len - i < 4) malformed('bad_length', `${len - i} trailing bytes after the RTCP packet at byte ${starts[starts.length - 1]}`);
    const b0 = b[i];
    if ((b0 & 0xc0) !== 0x80) malformed('bad_version', `RTCP version is ${b0 >> 6} at byte ${i}, expected 2`);
    const n = (readU16(b, i + 2) + 1) * 4;
    if (i + n > len) malformed('bad_length', `RTCP packet at byte ${i} declares ${n} bytes, ${len - i} remain`);
    starts.push(i);
    i += n;
  }
  starts.push(len);
  for (let k = 0; k + 2 < starts.length; k++) {
    if ((b[starts[k]] & 0x20) !== 0) malformed('bad_packet', `RTCP padding bit set on packet ${k + 1} of ${starts.length - 1}; only the last may be padded`);
  }
  if (!reducedSize && b[1] !== 200 && b[1] !== 201) {
    malformed('bad_packet', `compound RTCP must start with SR or RR (RFC 3550 6.1), got packet type ${b[1]}; pass { reducedSize: true } for RFC 5506 reduced-size RTCP`);
  }
  return starts;
}

function reducedSizeOf(options: unknown, what: string): boolean {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object') badArg(`${what}: options must be an object, got ${describe(options)}`);
  return (options as ParseRtcpOptions).reducedSize === true;
}

/**
 * Parse a compound (or, with `reducedSize`, reduced-size) RTCP packet.
 * @param bytes the UDP payload (after SRTCP unprotect); borrowed: data views
 *   in the result point into it.
 * @throws PacketError `bad_length` (truncated header, a length past the end or
 *   too short for its content), `bad_version`, `bad_packet` (first packet not
 *   SR/RR without reducedSize, padding bit on a packet other than the last,
 *   zero padding count or one not a multiple of 4, an SDES chunk without its
 *   null terminator, a FIR FCI not a multiple of 8 bytes).
 * @throws VoipKitError `invalid_argument` when bytes is not a Uint8Array or
 *   options is neither undefined nor an object.
 */
export function parseRtcp(bytes: Uint8Array, options?: ParseRtcpOptions): RtcpPacket[] {
  requireBytes(bytes, 'parseRtcp: bytes');
  const starts = frame(bytes, reducedSizeOf(options, 'parseRtcp'));
  const out: RtcpPacket[] = new Array(starts.length - 1);
  for (let k = 0; k + 1 < starts.length; k++) out[k] = decodePacket(bytes, starts[k], starts[k + 1]);
  return out;
}

/**
 * Iterate over the packets of a compound RTCP packet.  The framing (versions,
 * lengths, first packet type, padding placement) is checked before the first
 * packet is yielded; each packet's content is decoded when reached, so a
 * malformed later packet throws after earlier ones were yielded.
 * @throws as {@link parseRtcp}.
 */
export function* iterateRtcp(bytes: Uint8Array, options?: ParseRtcpOptions): Generator<RtcpPacket, void, undefined> {
  requireBytes(bytes, 'iterateRtcp: bytes');
  const starts = frame(bytes, reducedSizeOf(options, 'iterateRtcp'));
  for (let k = 0; k + 1 < starts.length; k++) yield decodePacket(bytes, starts[k], starts[k + 1]);
}

function decodePacket(b: Uint8Array, s: number, e: number): RtcpPacket {
  const b0 = b[s];
  const count = b0 & 0x1f;
  const pt = b[s + 1];
  let padding: number | undefined;
  if ((b0 & 0x20) !== 0) {
    const p = b[e - 1];
    if (p === 0) malformed('bad_packet', `RTCP padding bit set but the padding count is 0 (packet type ${pt})`);
    if (p > e - s - 4) malformed('bad_length', `RTCP padding of ${p} bytes is longer than the ${e - s - 4}-byte body (packet type ${pt})`);
    if ((p & 3) !== 0) malformed('bad_packet', `RTCP padding of ${p} bytes is not a multiple of 4 (packet type ${pt})`);
    padding = p;
    e -= p;
  }
  const p = decodeBody(b, s, e, pt, count);
  if (padding !== undefined) p.padding = padding;
  return p;
}

function need(b: Uint8Array, s: number, e: number, n: number, what: string): void {
  if (e - s < n) malformed('bad_length', `RTCP ${what} of ${e - s} bytes is shorter than the ${n} bytes it needs`);
}

function decodeReports(b: Uint8Array, i: number, rc: number): ReportBlock[] {
  const reports: ReportBlock[] = new Array(rc);
  for (let r = 0; r < rc; r++, i += 24) {
    reports[r] = {
      ssrc: readU32(b, i),
      fractionLost: b[i + 4],
      cumulativeLost: ((b[i + 5] << 24) | (b[i + 6] << 16) | (b[i + 7] << 8)) >> 8,
      highestSequence: readU32(b, i + 8),
      jitter: readU32(b, i + 12),
      lastSr: readU32(b, i + 16),
      delaySinceLastSr: readU32(b, i + 20),
    };
  }
  return reports;
}

function decodeBody(b: Uint8Array, s: number, e: number, pt: number, count: number): RtcpPacket {
  switch (pt) {
    case 200: {
      need(b, s, e, 28 + 24 * count, `SR with ${count} report blocks`);
      const p: SenderReport = {
        type: 'sr',
        ssrc: readU32(b, s + 4),
        ntpSeconds: readU32(b, s + 8),
        ntpFraction: readU32(b, s + 12),
        rtpTimestamp: readU32(b, s + 16),
        packetCount: readU32(b, s + 20),
        octetCount: readU32(b, s + 24),
        reports: decodeReports(b, s + 28, count),
      };
      const x = s + 28 + 24 * count;
      if (x < e) p.extension = b.subarray(x, e);
      return p;
    }
    case 201: {
      need(b, s, e, 8 + 24 * count, `RR with ${count} report blocks`);
      const p: ReceiverReport = { type: 'rr', ssrc: readU32(b, s + 4), reports: decodeReports(b, s + 8, count) };
      const x = s + 8 + 24 * count;
      if (x < e) p.extension = b.subarray(x, e);
      return p;
    }
    case 202:
      return decodeSdes(b, s, e, count);
    case 203: {
      need(b, s, e, 4 + 4 * count, `BYE with ${count} sources`);
      const ssrcs: number[] = new Array(count);
      for (let k = 0; k < count; k++) ssrcs[k] = readU32(b, s + 4 + 4 * k);
      const p: Goodbye = { type: 'bye', ssrcs };
      const r = s + 4 + 4 * count;
      if (r < e) {
        const n = b[r];
        if (r + 1 + n > e) malformed('bad_length', `RTCP BYE reason of ${n} bytes runs past the end of the packet`);
        p.reasonData = b.subarray(r + 1, r + 1 + n);
        p.reason = fromUtf8(p.reasonData);
      }
      return p;
    }
    case 204: {
      need(b, s, e, 12, 'APP');
      return { type: 'app', subtype: count, ssrc: readU32(b, s + 4), name: String.fromCharCode(b[s + 8], b[s + 9], b[s + 10], b[s + 11]), data: b.subarray(s + 12, e) };
    }
    case 205:
    case 206: {
      need(b, s, e, 12, pt === 205 ? 'RTPFB' : 'PSFB');
      const senderSsrc = readU32(b, s + 4);
      const mediaSsrc = readU32(b, s + 8);
      const f = s + 12;
      if (pt === 205 && count === 1) {
        const items: NackItem[] = [];
        for (let i = f; i + 4 <= e; i += 4) items.push({ pid: readU16(b, i), blp: readU16(b, i + 2) });
        return { type: 'nack', senderSsrc, mediaSsrc, items };
      }
      if (pt === 206 && count === 1 && f === e) return { type: 'pli', senderSsrc, mediaSsrc };
      if (pt === 206 && count === 4) {
        if (((e - f) & 7) !== 0) malformed('bad_packet', `RTCP FIR FCI of ${e - f} bytes is not a multiple of 8`);
        const entries: FirEntry[] = [];
        for (let i = f; i < e; i += 8) entries.push({ ssrc: readU32(b, i), sequenceNumber: b[i + 4] });
        return { type: 'fir', senderSsrc, mediaSsrc, entries };
      }
      return { type: pt === 205 ? 'rtpfb' : 'psfb', fmt: count, senderSsrc, mediaSsrc, fci: b.subarray(f, e) };
    }
    default:
      return { type: 'unknown', packetType: pt, count, body: b.subarray(s + 4, e) };
  }
}

function decodeSdes(b: Uint8Array, s: number, e: number, sc: number): SourceDescription {
  const chunks: SdesChunk[] = new Array(sc);
  let i = s + 4;
  for (let c = 0; c < sc; c++) {
    if (i + 4 > e) malformed('bad_length', `RTCP SDES chunk ${c + 1} of ${sc} starts past the end of the packet`);
    const ssrc = readU32(b, i);
    i += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (i >= e) malformed('bad_packet', `RTCP SDES chunk ${c + 1} has no terminating null item`);
      const t = b[i];
      if (t === 0) break;
      if (i + 2 > e) malformed('bad_length', `RTCP SDES item at byte ${i - s} has no length byte`);
      const n = b[i + 1];
      if (i + 2 + n > e) malformed('bad_length', `RTCP SDES item of ${n} bytes runs past the end of the packet`);
      const data = b.subarray(i + 2, i + 2 + n);
      items.push({ type: t, text: fromUtf8(data), data });
      i += 2 + n;
    }
    // The null octet(s), up to the next 32-bit boundary (relative to the packet start, itself 32-bit aligned).
    i = s + (((i - s) >> 2) + 1) * 4;
    if (i > e) malformed('bad_length', `RTCP SDES chunk ${c + 1} padding runs past the end of the packet`);
    chunks[c] = { ssrc, items };
  }
  return { type: 'sdes', chunks };
}

// ---------------------------------------------------------------------------
// Serializing

function itemBytes(it: SdesItem): Uint8Array {
  if (it === null || typeof it !== 'object') badArg('SDES item must be { type, text } or { type, data }');
  checkRange(it.type, 1, 255, 'SDES item type');
  let d: Uint8Array;
  if (it.data !== undefined) {
    requireBytes(it.data, 'SDES item data');
    d = it.data;
  } else if (typeof it.text === 'string') d = utf8(it.text);
  else return badArg('SDES item needs text or data');
  if (d.length > 255) badArg(`SDES item value of ${d.length} bytes exceeds 255`);
  return d;
}

function reasonBytes(p: Goodbye): Uint8Array | undefined {
  if (p.reasonData !== undefined) {
    requireBytes(p.reasonData, 'BYE reasonData');
    return p.reasonData;
  }
  if (p.reason === undefined) return undefined;
  if (typeof p.reason !== 'string') badArg('BYE reason must be a string');
  return utf8(p.reason);
}

function checkPacket(p: RtcpPacket): void {
  if (p === null || typeof p !== 'object') badArg(`RTCP packet must be an object, got ${describe(p)}`);
}

function checkReports(r: readonly ReportBlock[], what: string): void {
  if (!Array.isArray(r) || r.length > 31) badArg(`${what}.reports must be an array of at most 31 report blocks`);
  for (const x of r) {
    if (x === null || typeof x !== 'object') badArg(`${what}: report block must be an object`);
    checkU32(x.ssrc, 'report block ssrc');
    checkU8(x.fractionLost, 'report block fractionLost');
    checkRange(x.cumulativeLost, -0x800000, 0x7fffff, 'report block cumulativeLost');
    checkU32(x.highestSequence, 'report block highestSequence');
    checkU32(x.jitter, 'report block jitter');
    checkU32(x.lastSr, 'report block lastSr');
    checkU32(x.delaySinceLastSr, 'report block delaySinceLastSr');
  }
}

function checkWords(d: unknown, what: string): number {
  requireBytes(d, what);
  if ((d.length & 3) !== 0) badArg(`${what} must be a multiple of 4 bytes, got ${d.length}`);
  return d.length;
}

/** Body bytes after the 4-byte header, padding excluded; validates the fields. */
function bodyLength(p: RtcpPacket): number {
  checkPacket(p);
  switch (p.type) {
    case 'sr':
      checkU32(p.ssrc, 'SR ssrc');
      checkU32(p.ntpSeconds, 'SR ntpSeconds');
      checkU32(p.ntpFraction, 'SR ntpFraction');
      checkU32(p.rtpTimestamp, 'SR rtpTimestamp');
      checkU32(p.packetCount, 'SR packetCount');
      checkU32(p.octetCount, 'SR octetCount');
      checkReports(p.reports, 'SR');
      return 24 + 24 * p.reports.length + (p.extension === undefined ? 0 : checkWords(p.extension, 'SR extension'));
    case 'rr':
      checkU32(p.ssrc, 'RR ssrc');
      checkReports(p.reports, 'RR');
      return 4 + 24 * p.reports.length + (p.extension === undefined ? 0 : checkWords(p.extension, 'RR extension'));
    case 'sdes': {
      if (!Array.isArray(p.chunks) || p.chunks.length > 31) badArg('SDES chunks must be an array of at most 31 chunks');
      let n = 0;
      for (const c of p.chunks) {
        if (c === null || typeof c !== 'object' || !Array.isArray(c.items)) badArg('SDES chunk must be { ssrc, items: [] }');
        checkU32(c.ssrc, 'SDES chunk ssrc');
        let items = 0;
        for (const it of c.items) items += 2 + itemBytes(it).length;
        n += 4 + ((items >> 2) + 1) * 4;
      }
      return n;
    }
    case 'bye': {
      if (!Array.isArray(p.ssrcs) || p.ssrcs.length > 31) badArg('BYE ssrcs must be an array of at most 31 SSRCs');
      for (const x of p.ssrcs) checkU32(x, 'BYE ssrc');
      let n = 4 * p.ssrcs.length;
      const r = reasonBytes(p);
      if (r !== undefined) {
        if (r.length > 255) badArg(`BYE reason of ${r.length} bytes exceeds 255`);
        n += (1 + r.length + 3) & ~3;
      }
      return n;
    }
    case 'app':
      checkRange(p.subtype, 0, 31, 'APP subtype');
      checkU32(p.ssrc, 'APP ssrc');
      if (typeof p.name !== 'string' || !/^[\x00-\xff]{4}$/.test(p.name)) badArg(`APP name must be 4 characters (ASCII, or any byte as U+0000..U+00FF), got ${describe(p.name)}`);
      return 8 + checkWords(p.data, 'APP data');
    case 'nack':
      checkU32(p.senderSsrc, 'NACK senderSsrc');
      checkU32(p.mediaSsrc, 'NACK mediaSsrc');
      if (!Array.isArray(p.items)) badArg('NACK items must be an array');
      for (const it of p.items) {
        if (it === null || typeof it !== 'object') badArg('NACK item must be { pid, blp }');
        checkU16(it.pid, 'NACK pid');
        checkU16(it.blp, 'NACK blp');
      }
      return 8 + 4 * p.items.length;
    case 'pli':
      checkU32(p.senderSsrc, 'PLI senderSsrc');
      checkU32(p.mediaSsrc, 'PLI mediaSsrc');
      return 8;
    case 'fir':
      checkU32(p.senderSsrc, 'FIR senderSsrc');
      checkU32(p.mediaSsrc ?? 0, 'FIR mediaSsrc');
      if (!Array.isArray(p.entries)) badArg('FIR entries must be an array');
      for (const x of p.entries) {
        if (x === null || typeof x !== 'object') badArg('FIR entry must be { ssrc, sequenceNumber }');
        checkU32(x.ssrc, 'FIR entry ssrc');
        checkU8(x.sequenceNumber, 'FIR entry sequenceNumber');
      }
      return 8 + 8 * p.entries.length;
    case 'rtpfb':
    case 'psfb':
      checkRange(p.fmt, 0, 31, `${p.type.toUpperCase()} fmt`);
      checkU32(p.senderSsrc, 'feedback senderSsrc');
      checkU32(p.mediaSsrc, 'feedback mediaSsrc');
      return 8 + checkWords(p.fci, 'feedback fci');
    case 'unknown':
      checkU8(p.packetType, 'packetType');
      checkRange(p.count, 0, 31, 'count');
      return checkWords(p.body, 'body');
    default:
      return badArg(`unknown RTCP packet type ${describe((p as { type: unknown }).type)}`);
  }
}

function paddingOf(p: RtcpPacket, last: boolean): number {
  if (p.padding === undefined || p.padding === 0) return 0;
  checkRange(p.padding, 1, 255, 'RTCP padding');
  if ((p.padding & 3) !== 0) badArg(`RTCP padding must be a multiple of 4 bytes (the length counts words), got ${p.padding}`);
  if (!last) badArg('RTCP padding is only allowed on the last packet of a compound packet (RFC 3550 6.4.1)');
  return p.padding;
}

function asList(packets: RtcpPacket | readonly RtcpPacket[]): readonly RtcpPacket[] {
  if (Array.isArray(packets)) return packets;
  return [packets as RtcpPacket];
}

/**
 * Serialized size of one packet or a compound packet, in bytes.
 * @throws VoipKitError `invalid_argument` for a field out of range.
 */
export function rtcpByteLength(packets: RtcpPacket | readonly RtcpPacket[]): number {
  const list = asList(packets);
  let n = 0;
  for (let k = 0; k < list.length; k++) {
    const body = bodyLength(list[k]);
    const len = 4 + body + paddingOf(list[k], k === list.length - 1);
    if (len > 0x10000 * 4) badArg(`RTCP packet of ${len} bytes exceeds the 16-bit length field`);
    n += len;
  }
  return n;
}

/**
 * Write one packet, or the packets of a compound packet in order, into `out`
 * at `offset`.  Nothing checks the compound rules here (SR/RR first): a
 * reduced-size packet is written the same way.
 * @returns bytes written.
 * @throws VoipKitError `invalid_argument` for a field out of range or
 *   padding not on the last packet (or not a multiple of 4); `buffer_too_small`.
 */
export function serializeRtcpInto(packets: RtcpPacket | readonly RtcpPacket[], out: Uint8Array, offset = 0): number {
  const list = asList(packets);
  const total = rtcpByteLength(list);
  checkOut(out, offset, total, 'serializeRtcpInto');
  let o = offset;
  for (let k = 0; k < list.length; k++) o = writePacket(list[k], out, o, paddingOf(list[k], k === list.length - 1));
  return total;
}

/**
 * Serialize one packet or a compound packet into `out` (from its start) or a
 * new buffer.
 * @returns a view of exactly the written bytes.
 * @throws as {@link serializeRtcpInto}.
 */
export function serializeRtcp(packets: RtcpPacket | readonly RtcpPacket[], out?: Uint8Array): Uint8Array {
  if (out === undefined) out = new Uint8Array(rtcpByteLength(packets));
  const n = serializeRtcpInto(packets, out, 0);
  return n === out.length ? out : out.subarray(0, n);
}

function header(out: Uint8Array, o: number, count: number, pt: number, bytes: number, pad: number): void {
  out[o] = 0x80 | (pad > 0 ? 0x20 : 0) | count;
  out[o + 1] = pt;
  writeU16(out, o + 2, bytes / 4 - 1);
}

function writeReports(out: Uint8Array, o: number, reports: readonly ReportBlock[]): number {
  for (const r of reports) {
    writeU32(out, o, r.ssrc);
    writeU32(out, o + 4, ((r.fractionLost << 24) | (r.cumulativeLost & 0xffffff)) >>> 0);
    writeU32(out, o + 8, r.highestSequence);
    writeU32(out, o + 12, r.jitter);
    writeU32(out, o + 16, r.lastSr);
    writeU32(out, o + 20, r.delaySinceLastSr);
    o += 24;
  }
  return o;
}

/** Writes packet p (already validated) at o; returns the offset after it. */
function writePacket(p: RtcpPacket, out: Uint8Array, s: number, pad: number): number {
  const body = bodyLength(p);
  const end = s + 4 + body + pad;
  out.fill(0, s, end); // zero reserved bits, SDES/BYE alignment and padding bytes
  let o = s + 4;
  switch (p.type) {
    case 'sr':
      header(out, s, p.reports.length, 200, end - s, pad);
      writeU32(out, o, p.ssrc);
      writeU32(out, o + 4, p.ntpSeconds);
      writeU32(out, o + 8, p.ntpFraction);
      writeU32(out, o + 12, p.rtpTimestamp);
      writeU32(out, o + 16, p.packetCount);
      writeU32(out, o + 20, p.octetCount);
      o = writeReports(out, o + 24, p.reports);
      if (p.extension !== undefined) out.set(p.extension, o);
      break;
    case 'rr':
      header(out, s, p.reports.length, 201, end - s, pad);
      writeU32(out, o, p.ssrc);
      o = writeReports(out, o + 4, p.reports);
      if (p.extension !== undefined) out.set(p.extension, o);
      break;
    case 'sdes':
      header(out, s, p.chunks.length, 202, end - s, pad);
      for (const c of p.chunks) {
        writeU32(out, o, c.ssrc);
        o += 4;
        const start = o;
        for (const it of c.items) {
          const d = itemBytes(it);
          out[o] = it.type;
          out[o + 1] = d.length;
          out.set(d, o + 2);
          o += 2 + d.length;
        }
        o = start + (((o - start) >> 2) + 1) * 4;
      }
      break;
    case 'bye':
      header(out, s, p.ssrcs.length, 203, end - s, pad);
      for (const x of p.ssrcs) {
        writeU32(out, o, x);
        o += 4;
      }
      const r = reasonBytes(p);
      if (r !== undefined) {
        out[o] = r.length;
        out.set(r, o + 1);
      }
      break;
    case 'app':
      header(out, s, p.subtype, 204, end - s, pad);
      writeU32(out, o, p.ssrc);
      for (let k = 0; k < 4; k++) out[o + 4 + k] = p.name.charCodeAt(k);
      out.set(p.data, o + 8);
      break;
    case 'nack':
      header(out, s, 1, 205, end - s, pad);
      writeU32(out, o, p.senderSsrc);
      writeU32(out, o + 4, p.mediaSsrc);
      o += 8;
      for (const it of p.items) {
        writeU16(out, o, it.pid);
        writeU16(out, o + 2, it.blp);
        o += 4;
      }
      break;
    case 'pli':
      header(out, s, 1, 206, end - s, pad);
      writeU32(out, o, p.senderSsrc);
      writeU32(out, o + 4, p.mediaSsrc);
      break;
    case 'fir':
      header(out, s, 4, 206, end - s, pad);
      writeU32(out, o, p.senderSsrc);
      writeU32(out, o + 4, p.mediaSsrc ?? 0);
      o += 8;
      for (const x of p.entries) {
        writeU32(out, o, x.ssrc);
        out[o + 4] = x.sequenceNumber;
        o += 8;
      }
      break;
    case 'rtpfb':
    case 'psfb':
      header(out, s, p.fmt, p.type === 'rtpfb' ? 205 : 206, end - s, pad);
      writeU32(out, o, p.senderSsrc);
      writeU32(out, o + 4, p.mediaSsrc);
      out.set(p.fci, o + 8);
      break;
    case 'unknown':
      header(out, s, p.count, p.packetType, end - s, pad);
      out.set(p.body, o);
      break;
  }
  if (pad > 0) out[end - 1] = pad;
  return end;
}

// ---------------------------------------------------------------------------
// Helpers

/**
 * Expand generic NACK items into the lost sequence numbers they name, in
 * wire order (each PID, then its BLP bits from least significant).
 */
export function nackToSequenceNumbers(items: readonly NackItem[]): number[] {
  if (!Array.isArray(items)) badArg('nackToSequenceNumbers: items must be an array');
  const out: number[] = [];
  for (const it of items) {
    checkU16(it?.pid, 'NACK pid');
    checkU16(it.blp, 'NACK blp');
    out.push(it.pid);
    for (let bit = 0; bit < 16; bit++) if ((it.blp & (1 << bit)) !== 0) out.push((it.pid + bit + 1) & 0xffff);
  }
  return out;
}

/**
 * Pack lost sequence numbers into the fewest generic NACK items, each a PID
 * and the 16 sequence numbers after it.  Order and duplicates in the input
 * do not matter; sequence numbers are ordered on the 16-bit circle relative
 * to the first one, so all of them must lie within 32767 of it (a NACK list
 * is a few hundred packets at most).
 */
export function sequenceNumbersToNack(seqs: readonly number[]): NackItem[] {
  if (!Array.isArray(seqs)) badArg('sequenceNumbersToNack: seqs must be an array');
  if (seqs.length === 0) return [];
  for (const x of seqs) checkU16(x, 'sequence number');
  const ref = seqs[0];
  const sorted = [...seqs].sort((a, b) => seqDelta(ref, a) - seqDelta(ref, b));
  const items: NackItem[] = [];
  let cur: NackItem | undefined;
  for (const x of sorted) {
    if (cur !== undefined) {
      const d = seqDelta(cur.pid, x);
      if (d === 0) continue;
      if (d <= 16) {
        cur.blp |= 1 << (d - 1);
        continue;
      }
    }
    cur = { pid: x, blp: 0 };
    items.push(cur);
  }
  return items;
}

/** Seconds between the NTP era 0 epoch (1900-01-01) and the Unix epoch. */
export const NTP_UNIX_OFFSET = 2208988800;

/** Convert an SR's NTP timestamp to milliseconds since the Unix epoch (era 0, until 2036). */
export function ntpToUnixMs(ntpSeconds: number, ntpFraction: number): number {
  checkU32(ntpSeconds, 'ntpToUnixMs: ntpSeconds');
  checkU32(ntpFraction, 'ntpToUnixMs: ntpFraction');
  return (ntpSeconds - NTP_UNIX_OFFSET) * 1000 + (ntpFraction / 0x100000000) * 1000;
}

/** Convert milliseconds since the Unix epoch to an NTP timestamp (era 0). */
export function unixMsToNtp(ms: number): { ntpSeconds: number; ntpFraction: number } {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) badArg(`unixMsToNtp: ms must be a finite number, got ${describe(ms)}`);
  const s = Math.floor(ms / 1000);
  const frac = Math.min(0xffffffff, Math.round(((ms - s * 1000) / 1000) * 0x100000000));
  return { ntpSeconds: (s + NTP_UNIX_OFFSET) >>> 0, ntpFraction: frac };
}

/**
 * The middle 32 bits of an NTP timestamp: what a report block's `lastSr`
 * carries for the SR it refers to (RFC 3550 6.4.1).
 */
export function ntpMiddle32(ntpSeconds: number, ntpFraction: number): number {
  checkU32(ntpSeconds, 'ntpMiddle32: ntpSeconds');
  checkU32(ntpFraction, 'ntpMiddle32: ntpFraction');
  return (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
}

/** RFC 5761 section 4: true when the second byte is an RTCP packet type in 192..223. */
export function isRtcp(bytes: Uint8Array): boolean {
  requireBytes(bytes, 'isRtcp: bytes');
  return bytes.length >= 4 && (bytes[0] & 0xc0) === 0x80 && bytes[1] >= 192 && bytes[1] <= 223;
}
