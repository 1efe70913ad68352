/**
 * RtpRelay: a media relay between two legs, sans-IO. Each datagram received
 * on one leg comes out as the datagrams to send on the other (none, one, or
 * several when re-packetising).
 *
 * Modes:
 *  - 'forward': re-keying only. SRTP ⇄ RTP or SRTP ⇄ SRTP with other keys:
 *    unprotect with the inbound leg's session, rewrite SSRC, sequence number
 *    and timestamp into the outbound leg's numbering (gaps preserved, a new
 *    inbound SSRC continues the outbound numbering seamlessly, one packet
 *    duration after the last), protect with the outbound leg's session.
 *    Packets of any duration pass as they are. RTCP is translated: SR sender
 *    SSRC and RTP timestamp, report-block SSRCs and extended sequence
 *    numbers, SDES and BYE SSRCs mapped across.
 *  - 'transcode': audio is decoded to 8 kHz PCM (G.711, or Opus decoded at
 *    8 kHz), queued on the timeline of the outgoing leg and re-encoded in
 *    packets of that leg's `ptimeMs` (G.711 → Opus through the 8 → 48 kHz
 *    resampler). Incoming packets may have any duration (10, 20, 30, 40,
 *    60 ms...). Timestamps are rescaled between the legs' RTP clocks;
 *    sequence numbers are the relay's own per leg. Audio lost on the
 *    incoming leg (a sequence gap of up to 120 ms) is concealed, not
 *    silenced: G.711 by the jitter buffer's concealment and merge (a jitter
 *    buffer given the last packets and the one after the gap, on the relay's
 *    own timeline), Opus by the decoder's PLC or
 *    the next packet's in-band FEC (the jitter buffer's Opus path), and the
 *    packets it fills are sent. A longer loss is silence up to the next
 *    packet boundary and skips the output packets it would have filled; a
 *    timestamp jump without loss, as after DTX or a DTMF event, is silence
 *    up to the boundary and skips no sequence number. Audio that arrives after its time was
 *    sent is dropped (`dropped.late`); more than 1 s behind, the source is
 *    taken to have restarted its timestamps and our timeline continues. Opus on both legs is forwarded
 *    without re-encoding.
 *    The relay terminates the media on each leg, so it makes its own RTCP
 *    there (an RtcpSession per leg: SR about what it sends on the leg,
 *    report blocks about what it receives on it, SDES CNAME, BYE, the RFC
 *    3550 intervals; pollRtcp(), leave(), bye()); endpoint RTCP is not
 *    forwarded.
 *    RFC 4733 telephone-events are rewritten to the outgoing leg's payload
 *    type and clock: the event's timestamp is mapped like the audio (so it
 *    stays the same for every packet of the event) and the durations are
 *    rescaled (e.g. × 6 from PCMU's 8 kHz to Opus's 48 kHz); end packets
 *    (and their redundant copies) stay end packets; an event that becomes
 *    longer than 65535 ticks on the outgoing clock is re-segmented as RFC
 *    4733 §2.5.1.3 says (a packet with duration 65535 closes a segment, the
 *    next starts 65535 ticks later). Other payload types (CN) pass with
 *    their timestamps rescaled.
 *
 * Bad datagrams are counted per leg and dropped, never thrown.
 */
import type { VoipKit } from '../index.js';
import { invalidArg } from '../errors.js';
import { bytesOrNull, finiteArg, intArg, kitArg, optionsArg } from '../guard.js';
import { RtpBuilder, RtpView } from '../rtp/RtpPacket.js';
import { parseRtcp, serializeRtcp, type RtcpPacket } from '../rtp/rtcp.js';
import { unprotectOrCode, type SrtpSession } from '../srtp/session.js';
import type { AudioCodec } from './sender.js';
import type { OpusDecoder, OpusEncoder } from '../codec/opus.js';
import type { Resampler } from '../dsp/resample.js';
import { opusJitterDecoder, type JitterBuffer, type JitterDecoder } from '../jitter/jitter-buffer.js';
import { RtcpSession, type ReceivedBye, type ReceptionStats } from './rtcp-session.js';
import type { ReportBlock } from '../rtp/rtcp.js';

export type LegName = 'a' | 'b';

export interface RelayLegOptions {
  /** Unprotects what arrives on this leg (omit for plain RTP). Not closed by the relay. */
  srtpIn?: SrtpSession;
  /** Protects what is sent on this leg (omit for plain RTP). Not closed by the relay. */
  srtpOut?: SrtpSession;
  /** SSRC the relay uses when sending on this leg. Default random. */
  ssrc?: number;
  /** The audio codec on this leg (transcode mode). Default 'pcmu'. */
  codec?: AudioCodec;
  /** Opus bitrate when encoding Opus for this leg, bit/s. Default 32000. */
  opusBitrate?: number;
  /** Audio payload type on this leg. Default 0 (pcmu), 8 (pcma), 111 (opus). */
  payloadType?: number;
  /**
   * Duration of the audio packets the relay sends on this leg in transcode
   * mode, ms: 10, 20, 30, 40 or 60 for G.711; 10, 20, 40 or 60 for Opus.
   * Default 20. (What arrives on the leg may have any duration.)
   */
  ptimeMs?: number;
  /** RFC 4733 telephone-event payload type on this leg (its clock is the leg's audio clock). Default 101. */
  dtmfPayloadType?: number;
  /** Transcode mode: the relay's SDES CNAME on this leg. Default a random one. */
  cname?: string;
  /**
   * Transcode mode: the relay's RTCP on this leg (RFC 3550 §6.2/6.3:
   * session bandwidth, bit/s, default 64000; minimum interval, ms, default
   * 5000; the random source of the interval; the wall clock of the NTP
   * timestamps, default nowMs itself as Unix time).
   */
  rtcp?: { sessionBandwidth?: number; minIntervalMs?: number; random?: () => number; wallClockMs?: (nowMs: number) => number };
}

/** Transcode mode: the relay's own RTCP on one leg (it terminates the media there). */
export interface RelayLegRtcp {
  /** The relay's SSRC and CNAME on the leg. */
  ssrc: number;
  cname: string;
  /** RTP packets and payload octets the relay sent on the leg (its SRs' counts). */
  packetsSent: number;
  octetsSent: number;
  /** Round-trip time on this leg, ms, from the peer's last report block about the relay's stream (RFC 3550 §6.4.1). */
  roundTripMs?: number;
  /** The peer's last report block about the relay's stream on this leg. */
  remoteReport?: ReportBlock;
  /** RFC 3550 reception statistics of the source the relay receives on this leg (what its report blocks say). */
  reception?: ReceptionStats;
  /**
   * The last RTCP BYE the endpoint on this leg sent (RFC 3550 §6.6): the
   * relay terminates RTCP in transcode mode, so this is where the
   * application learns that the endpoint left.
   */
  byeReceived?: ReceivedBye;
}

export interface RtpRelayOptions {
  /** Default 'forward'. */
  mode?: 'forward' | 'transcode';
  a?: RelayLegOptions;
  b?: RelayLegOptions;
}

export interface RelayLegStats {
  /** Datagrams received on this leg. */
  received: number;
  /** Datagrams sent on this leg (forwarded or re-encoded from the other). */
  sent: number;
  rtcpIn: number;
  rtcpOut: number;
  /** Audio packets re-encoded for this leg. */
  transcoded: number;
  /**
   * Transcode mode: audio lost on this leg (sequence gaps of up to 120 ms)
   * and concealed, ms: G.711 by the jitter buffer's concealment, Opus by
   * the decoder's (or rebuilt from the next packet's in-band FEC: `fec`).
   */
  concealedMs: number;
  /** Transcode mode, Opus arriving on this leg: lost packets rebuilt from the next packet's in-band FEC (libopus only). */
  fec: number;
  /** Received on this leg and dropped: not RTP / undecodable, SRTP failures, bad RTCP, bad telephone-event payloads, audio too late to re-encode. */
  dropped: { notRtp: number; srtp: number; badRtcp: number; unknownPayloadType: number; badEvent: number; late: number };
  /** Transcode mode: the relay's own RTCP on this leg, once a datagram was relayed (forward mode translates the endpoints' RTCP instead). */
  rtcp?: RelayLegRtcp;
}

/** The telephone-event being rescaled on one direction. */
interface EventState {
  event: number;
  /** Timestamp of the current input segment and the input duration before it. */
  inSegTs: number;
  inBase: number;
  /** Output timestamp of the event's first segment. */
  outStart: number;
  /** Highest output segment reported. */
  lastSeg: number;
}

interface Direction {
  outSsrc: number;
  inSsrc: number | undefined;
  started: boolean;
  // forward mode
  seqDelta: number;
  tsDelta: number;
  lastOutSeq: number;
  lastOutTs: number;
  /** Duration of the last forwarded packet (output ticks), for a new source's first timestamp. */
  lastDur: number;
  // transcode mode: the input timeline
  lastInSeq: number;
  lastInTs: number;
  /** Input ticks from the source's first timestamp to lastInTs (not wrapped). */
  lastInExt: number;
  /** 8 kHz sample position of the source's first timestamp on the output timeline. */
  originP8: number;
  /** Output timestamp of 8 kHz position 0. */
  outTsBase: number;
  nextSeq: number;
  markerPending: boolean;
  // transcode mode: the PCM queue (8 kHz) of the packet being filled
  fifo: Int16Array;
  /** G.711 codes of one outgoing packet (fifo.length bytes). */
  codes: Uint8Array;
  fifoLen: number;
  /** 8 kHz position of fifo[0] (a packet boundary on the output timeline). */
  fifoPos: number;
  gridStarted: boolean;
  event: EventState | null;
}

function legArg(leg: unknown, what: string): asserts leg is LegName {
  if (leg !== 'a' && leg !== 'b') invalidArg(`${what} must be 'a' or 'b', got ${typeof leg === 'string' ? JSON.stringify(leg) : String(leg)}`);
}

function random32(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0];
}

const G711_PTIMES = [10, 20, 30, 40, 60];
const OPUS_PTIMES = [10, 20, 40, 60];
/** Largest duration an RFC 4733 block carries, ticks. */
const MAX_EVENT = 0xffff;
/** Longest loss concealed, 8 kHz samples (120 ms); longer gaps are silence and skipped packets. */
const MAX_CONCEAL = 960;
/** The G.711 concealer's step (a jitter buffer polled every 10 ms). */
const PLC_STEP = 80;

/** Bytes of each output pool (as Node's Buffer pool: 8 KB, about 47 PCMU packets of 20 ms). */
const POOL_BYTES = 8192;
const NO_CSRCS: number[] = [];

/** Packets of history the G.711 concealer is given before a loss (60 ms of 20 ms packets; its pitch search needs about 50). */
const PLC_HISTORY = 3;

/**
 * The G.711 concealer of one inbound leg: a jitter buffer, driven only when
 * packets were lost. The leg's last packets are kept (copied); on a loss
 * the buffer is reset and fed them and the packet after the gap on the
 * relay's own 8 kHz timeline (arrival = media time: no jitter, so it never
 * stretches), then polled every 10 ms: its output is the history as
 * decoded, then its concealment of the gap and the merge into the packet.
 */
interface G711Plc {
  jb: JitterBuffer;
  /** The last packets received: payload copies and their 8 kHz positions, contiguous; a ring, oldest at `head`. */
  hist: Array<{ codes: Uint8Array; len: number; p: number }>;
  head: number;
  /** Where the packets given to the buffer are serialized. */
  scratch: Uint8Array;
  /** Its output for one loss. */
  buf: Int16Array;
  frame: Int16Array;
}

type LegConfig = Required<Pick<RelayLegOptions, 'codec' | 'payloadType' | 'ptimeMs' | 'dtmfPayloadType'>> & RelayLegOptions;

export class RtpRelay {
  readonly mode: 'forward' | 'transcode';
  readonly #kit: VoipKit;
  readonly #legs: Record<LegName, LegConfig>;
  /** Keyed by the leg the packets are SENT on. */
  readonly #dir: Record<LegName, Direction>;
  readonly #stats: Record<LegName, RelayLegStats>;
  readonly #view = new RtpView();
  readonly #builder = new RtpBuilder();
  /** Decoded input, 8 kHz (up to 187 ms of G.711 or a 120 ms Opus packet). */
  readonly #pcm = new Int16Array(1500);
  readonly #codes = new Uint8Array(1500);
  /** Per outbound leg: Opus encoder + 8 -> 48 kHz resampler (+ its output buffer). */
  readonly #opusEnc: Partial<Record<LegName, { enc: OpusEncoder; up: Resampler; pcm48: Int16Array }>> = {};
  /** Per inbound leg: Opus decoder at 8 kHz, with its concealment / FEC as the jitter buffer drives it. */
  readonly #opusDec: Partial<Record<LegName, { dec: OpusDecoder; plc: JitterDecoder; counts: { decoded: number; concealed: number; fec: number; errors: number } }>> = {};
  /** Per inbound G.711 leg: the concealer. */
  readonly #plc: Partial<Record<LegName, G711Plc>> = {};
  readonly #plcBuilder = new RtpBuilder();
  /** Where the datagrams relay() returns are written, one after the other (see #send); a new one when full. */
  #pool = new Uint8Array(0);
  #poolOff = 0;
  /** #pcm's first `n` samples for the last n decoded (a view kept, not made per packet). */
  #pcmView = new Int16Array(0);
  /** Concealment of a gap (Opus), 8 kHz. */
  readonly #fill = new Int16Array(MAX_CONCEAL);
  /** Transcode mode: the relay's own RTCP session per leg (made with the first datagram or poll, on its clock). */
  #rtcp: Record<LegName, RtcpSession> | undefined;
  /** nowMs of the datagram being relayed (for the RTCP sender counts). */
  #now = 0;
  #closed = false;

  #clock(leg: LegName): number {
    return this.#legs[leg].codec === 'opus' ? 48000 : 8000;
  }

  /**
   * @param kit where codecs and the resampler come from (transcode mode).
   * @throws VoipKitError `invalid_argument` for an unknown mode, codec or ptime.
   */
  constructor(kit: VoipKit, options?: RtpRelayOptions) {
    kitArg(kit, 'RtpRelay: kit');
    options = optionsArg(options, 'RtpRelay: options');
    for (const l of ['a', 'b'] as const) {
      const o = optionsArg(options[l], `RtpRelay: options.${l}`);
      if (o.ssrc !== undefined) intArg(o.ssrc, 0, 0xffffffff, `RtpRelay: options.${l}.ssrc`);
    }
    this.#kit = kit;
    this.mode = options.mode ?? 'forward';
    if (this.mode !== 'forward' && this.mode !== 'transcode') invalidArg(`RtpRelay: mode must be 'forward' or 'transcode', got ${String(this.mode)}`);
    const leg = (name: LegName, o: RelayLegOptions = {}): LegConfig => {
      if (o === null || typeof o !== 'object') invalidArg(`RtpRelay: leg ${name} options must be an object`);
      const codec = o.codec ?? 'pcmu';
      if (codec !== 'pcmu' && codec !== 'pcma' && codec !== 'opus') invalidArg(`RtpRelay: leg ${name} codec must be 'pcmu', 'pcma' or 'opus', got ${String(codec)}`);
      const ptimeMs = o.ptimeMs ?? 20;
      const allowed = codec === 'opus' ? OPUS_PTIMES : G711_PTIMES;
      if (!allowed.includes(ptimeMs)) invalidArg(`RtpRelay: leg ${name} ptimeMs for ${codec} must be one of ${allowed.join(', ')}, got ${String(ptimeMs)}`);
      const payloadType = o.payloadType ?? (codec === 'pcmu' ? 0 : codec === 'pcma' ? 8 : 111);
      const dtmfPayloadType = o.dtmfPayloadType ?? 101;
      for (const [k, v] of [['payloadType', payloadType], ['dtmfPayloadType', dtmfPayloadType]] as const) {
        if (!Number.isInteger(v) || v < 0 || v > 127) invalidArg(`RtpRelay: leg ${name} ${k} must be an integer 0..127, got ${String(v)}`);
      }
      return { ...o, codec, payloadType, ptimeMs, dtmfPayloadType };
    };
    this.#legs = { a: leg('a', options.a), b: leg('b', options.b) };
    const dir = (ssrc: number | undefined, ptimeMs: number): Direction => ({
      outSsrc: (ssrc ?? random32()) >>> 0, inSsrc: undefined, started: false,
      seqDelta: 0, tsDelta: 0, lastOutSeq: random32() & 0xffff, lastOutTs: random32(), lastDur: 0,
      lastInSeq: 0, lastInTs: 0, lastInExt: 0, originP8: 0, outTsBase: random32(), nextSeq: random32() & 0xffff, markerPending: false,
      fifo: new Int16Array(ptimeMs * 8), codes: new Uint8Array(ptimeMs * 8), fifoLen: 0, fifoPos: 0, gridStarted: false, event: null,
    });
    this.#dir = { a: dir(options.a?.ssrc, this.#legs.a.ptimeMs), b: dir(options.b?.ssrc, this.#legs.b.ptimeMs) };
    this.#dir.a.lastDur = 20 * this.#clock('a') / 1000;
    this.#dir.b.lastDur = 20 * this.#clock('b') / 1000;
    if (this.mode === 'transcode') {
      for (const l of ['a', 'b'] as const) {
        const o = this.#legs[l];
        if (o.rtcp !== undefined) optionsArg(o.rtcp, `RtpRelay: options.${l}.rtcp`);
        o.cname ??= `voipkit-relay-${random32().toString(16)}`;
        // refused now (cname, RTCP options), not at the first datagram, which must not throw
        new RtcpSession(kit, 0, this.#rtcpOptions(l)).close();
      }
    }
    const st = (): RelayLegStats => ({ received: 0, sent: 0, rtcpIn: 0, rtcpOut: 0, transcoded: 0, dropped: { notRtp: 0, srtp: 0, badRtcp: 0, unknownPayloadType: 0, badEvent: 0, late: 0 }, concealedMs: 0, fec: 0 });
    this.#stats = { a: st(), b: st() };
  }

  #rtcpOptions(l: LegName): ConstructorParameters<typeof RtcpSession>[2] {
    const o = this.#legs[l];
    return { ...o.rtcp, ssrc: this.#dir[l].outSsrc, cname: o.cname!, clockRate: this.#clock(l) };
  }

  /** The RTCP sessions of transcode mode, made on first use (their scheduler starts at nowMs). */
  #sessions(nowMs: number): Record<LegName, RtcpSession> | undefined {
    if (this.mode !== 'transcode' || this.#closed) return undefined;
    this.#rtcp ??= { a: new RtcpSession(this.#kit, nowMs, this.#rtcpOptions('a')), b: new RtcpSession(this.#kit, nowMs, this.#rtcpOptions('b')) };
    return this.#rtcp;
  }

  /** The SSRC the relay sends with on a leg. */
  ssrcOn(leg: LegName): number {
    legArg(leg, 'RtpRelay.ssrcOn: leg');
    return this.#dir[leg].outSsrc;
  }

  /**
   * A datagram arrived on leg `from` at nowMs (the caller's clock): returns
   * the datagrams to send on the other leg, in order: none when it was
   * dropped (counted in stats()) or, in transcode mode, when its audio only
   * partly fills the next outgoing packet; several when it holds more audio
   * than one outgoing packet (or closes an RFC 4733 segment). Never throws
   * for bad datagrams. Each datagram returned is the caller's: a view of its
   * own bytes, which the relay never writes again; like Node's Buffer pool,
   * several share one 8 KB ArrayBuffer (use the views, not their `.buffer`;
   * transferring that buffer detaches the others too).
   */
  relay(from: LegName, datagram: Uint8Array, nowMs: number): Uint8Array[] {
    legArg(from, 'RtpRelay.relay: from');
    finiteArg(nowMs, 'RtpRelay.relay: nowMs');
    if (this.#closed) return []; // its codecs are freed: nothing is relayed any more (and nothing thrown)
    datagram = bytesOrNull(datagram)!; // a fake or Proxy: null, dropped below as not RTP
    const to: LegName = from === 'a' ? 'b' : 'a';
    const inLeg = this.#legs[from];
    const st = this.#stats[from];
    this.#now = nowMs;
    const sessions = this.#sessions(nowMs);
    st.received++;
    if (!(datagram instanceof Uint8Array) || datagram.length < 8 || (datagram[0] & 0xc0) !== 0x80) {
      st.dropped.notRtp++;
      return [];
    }
    if (datagram[1] >= 192 && datagram[1] <= 223) {
      if (sessions) {
        this.#terminateRtcp(from, datagram, sessions[from], nowMs);
        return [];
      }
      const r = this.#relayRtcp(from, to, datagram);
      return r ? [r] : [];
    }
    // the non-throwing form: a flood of forgeries costs no Error each
    const rtp = inLeg.srtpIn ? unprotectOrCode(inLeg.srtpIn, false, datagram) : datagram;
    if (typeof rtp === 'string') {
      st.dropped.srtp++;
      return [];
    }
    const v = this.#view;
    try {
      v.reset(rtp);
    } catch {
      st.dropped.notRtp++;
      return [];
    }
    const out: Uint8Array[] = [];
    if (this.mode === 'forward') {
      this.#forward(to, v, out);
      return out;
    }
    if (sessions) {
      // the relay terminates the media on this leg: what its report blocks say
      const d = this.#dir[to];
      if (d.started && d.inSsrc !== v.ssrc) sessions[from].forget(d.inSsrc!); // a new source replaces the old: memory stays bounded
      sessions[from].onRtpReceived(v.ssrc, v.sequenceNumber, v.timestamp, v.payloadLength, nowMs, this.#clock(from));
    }
    this.#transcodePacket(from, to, v, out);
    return out;
  }

  #forward(to: LegName, v: RtpView, out: Uint8Array[]): void {
    const d = this.#dir[to];
    if (!d.started || v.ssrc !== d.inSsrc) {
      // New source: continue the outbound numbering one packet after what was sent.
      d.inSsrc = v.ssrc;
      d.seqDelta = (d.lastOutSeq + 1 - v.sequenceNumber) & 0xffff;
      d.tsDelta = ((d.started ? d.lastOutTs + d.lastDur : d.lastOutTs) - v.timestamp) >>> 0;
      d.started = true;
    }
    const b = this.#header(d, (v.sequenceNumber + d.seqDelta) & 0xffff, (v.timestamp + d.tsDelta) >>> 0, v.marker, v.payloadType);
    b.payload = v.payload;
    const ahead = (b.sequenceNumber - d.lastOutSeq) & 0xffff;
    if (ahead !== 0 && ahead < 0x8000) {
      // the packet duration: timestamp step per sequence step, when it is plausible (< 1 s)
      const step = Math.round(((b.timestamp - d.lastOutTs) >>> 0) / ahead);
      if (ahead < 10 && step > 0 && step < this.#clock(to)) d.lastDur = step;
      d.lastOutSeq = b.sequenceNumber;
      d.lastOutTs = b.timestamp;
    }
    this.#send(to, out);
  }

  #header(d: Direction, seq: number, ts: number, marker: boolean, pt: number): RtpBuilder {
    const b = this.#builder;
    b.ssrc = d.outSsrc;
    b.sequenceNumber = seq;
    b.timestamp = ts;
    b.marker = marker;
    b.payloadType = pt;
    b.csrcs = NO_CSRCS; // never changed by the relay: one array for every packet
    b.extension = undefined;
    b.padding = 0;
    return b;
  }

  /**
   * Serialize the builder's packet (SRTP-protected in place when the leg has
   * `srtpOut`) into the output pool and append it to `out`: a view of its
   * own bytes there, never written again (a fresh 172-byte Uint8Array costs
   * about 0.6 µs in V8, a view of the pool about 0.1 µs).
   */
  #send(to: LegName, out: Uint8Array[]): void {
    const b = this.#builder;
    const s = this.#legs[to].srtpOut;
    const n = b.byteLength;
    const room = n + (s ? s.rtpOverhead : 0);
    let pool = this.#pool;
    // (a pool whose buffer a caller transferred away reads as length 0)
    if (this.#poolOff + room > pool.length) {
      pool = this.#pool = new Uint8Array(Math.max(POOL_BYTES, room));
      this.#poolOff = 0;
    }
    const off = this.#poolOff;
    let len = b.serializeInto(pool, off);
    if (this.#rtcp) this.#rtcp[to].onRtpSent(b.payload.length, b.timestamp, this.#now);
    if (s) len = s.protectRtpInto(pool.subarray(off, off + len), pool.subarray(off, off + room));
    out.push(pool.subarray(off, off + len));
    this.#poolOff = off + len;
    this.#stats[to].sent++;
  }

  /** Output timestamp of an input timestamp of the followed source (transcode mode). */
  #p8(d: Direction, inClock: number, ts: number): number {
    const ext = d.lastInExt + ((ts - d.lastInTs) | 0);
    return d.originP8 + (ext * 8000) / inClock;
  }

  #outTs(d: Direction, outClock: number, p8: number): number {
    return (d.outTsBase + Math.round((p8 * outClock) / 8000)) >>> 0;
  }

  #transcodePacket(from: LegName, to: LegName, v: RtpView, out: Uint8Array[]): void {
    const d = this.#dir[to];
    const inLeg = this.#legs[from], outLeg = this.#legs[to];
    const inClock = this.#clock(from), outClock = this.#clock(to);
    let inGap = 0;
    if (!d.started || v.ssrc !== d.inSsrc) {
      // New source: its timeline starts where ours is (after the packet being filled).
      if (d.started) this.#flushPartial(to, out);
      d.inSsrc = v.ssrc;
      d.originP8 = d.gridStarted ? d.fifoPos + d.fifoLen : 0;
      d.lastInTs = v.timestamp;
      d.lastInExt = 0;
      d.lastInSeq = (v.sequenceNumber - 1) & 0xffff;
      d.event = null;
      d.started = true;
    }
    const seqStep = (v.sequenceNumber - d.lastInSeq) & 0xffff;
    if (seqStep > 0 && seqStep < 0x8000) {
      if (seqStep <= 3000) inGap = seqStep - 1;
      d.lastInSeq = v.sequenceNumber;
    }
    const p8 = this.#p8(d, inClock, v.timestamp);
    const tsStep = (v.timestamp - d.lastInTs) | 0;
    if (tsStep > 0) {
      d.lastInExt += tsStep;
      d.lastInTs = v.timestamp;
    }
    const pt = v.payloadType;
    if (pt === inLeg.payloadType && !(inLeg.codec === 'opus' && outLeg.codec === 'opus')) {
      this.#audio(from, to, v, Math.round(p8), inGap, out);
      return;
    }
    d.nextSeq = (d.nextSeq + inGap) & 0xffff;
    if (pt === inLeg.dtmfPayloadType) {
      this.#event(from, to, v, out);
      return;
    }
    // Opus passed through, CN and other payload types: timestamps rescaled.
    const b = this.#header(d, d.nextSeq, this.#outTs(d, outClock, p8), v.marker, pt === inLeg.payloadType ? outLeg.payloadType : pt);
    d.nextSeq = (d.nextSeq + 1) & 0xffff;
    b.payload = v.payload;
    this.#send(to, out);
  }

  /**
   * Decode, queue on the output timeline, and send every full packet. A gap
   * left by lost packets (up to 120 ms) is concealed: G.711 by the jitter
   * buffer's concealment, Opus by the decoder's (or its FEC from this
   * packet); longer gaps, and gaps without loss (DTX), are silence.
   */
  #audio(from: LegName, to: LegName, v: RtpView, p: number, inGap: number, out: Uint8Array[]): void {
    // p: the packet's 8 kHz position on the outgoing timeline
    const d = this.#dir[to];
    const st = this.#stats[from];
    const inCodec = this.#legs[from].codec;
    const F = d.fifo.length;
    if (!d.gridStarted) {
      d.fifoPos = p;
      d.fifoLen = 0;
      d.gridStarted = true;
    }
    const end = d.fifoPos + d.fifoLen;
    let restart = false;
    if (p < end - 8000) {
      // More than 1 s in the past: the source restarted its timestamps
      // (same SSRC). Continue our timeline from here rather than drop all.
      d.lastInExt = d.lastInExt + ((v.timestamp - d.lastInTs) | 0);
      d.lastInTs = v.timestamp;
      d.originP8 += end - p;
      d.event = null;
      p = end;
      restart = true;
    } else if (p < end) {
      st.dropped.late++;
      return;
    }
    let gap = p - end;
    const conceal = gap > 0 && inGap > 0 && gap <= MAX_CONCEAL;
    let pcm: Int16Array;
    let fill: Int16Array | undefined; // audio for [end, end + fill.length), before pcm
    try {
      if (inCodec === 'opus') {
        let o = this.#opusDec[from];
        if (!o) {
          const dec = this.#kit.createOpusDecoder({ sampleRate: 8000, channels: 1 });
          const counts = { decoded: 0, concealed: 0, fec: 0, errors: 0 };
          o = this.#opusDec[from] = { dec, counts, plc: opusJitterDecoder(dec, 8000, counts) };
        }
        if (conceal) {
          const fec = o.counts.fec;
          fill = this.#fill.subarray(0, gap);
          try {
            // the decoder's PLC; the last lost frame from this packet's FEC when it carries one (libopus)
            if (o.plc.conceal(fill, v.payload) !== gap) fill = undefined;
          } catch {
            fill = undefined;
          }
          st.fec += o.counts.fec - fec;
        }
        pcm = o.dec.decode(v.payload, this.#pcm) as Int16Array;
      } else {
        const payload = v.payload;
        const m = payload.length;
        if (m > this.#pcm.length) throw new Error('too long');
        if (this.#pcmView.length !== m) this.#pcmView = this.#pcm.subarray(0, m);
        pcm = this.#kit.g711.decode(inCodec, payload, this.#pcmView);
        const f = this.#g711Plc(from, inCodec, payload, p, end, m, conceal && !restart, inGap);
        if (f) {
          // the concealment and the merge into this packet, then the rest of it as decoded
          fill = f;
          pcm = pcm.subarray(end + f.length - p);
        }
      }
    } catch {
      st.dropped.notRtp++;
      return;
    }
    if (v.marker) d.markerPending = true;
    if (fill) {
      st.concealedMs += gap / 8;
      gap = 0;
    }
    if (gap > 0 && d.fifoLen > 0) {
      // finish the packet being filled with silence
      const pad = Math.min(gap, F - d.fifoLen);
      d.fifo.fill(0, d.fifoLen, d.fifoLen + pad);
      d.fifoLen += pad;
      gap -= pad;
      if (d.fifoLen === F) this.#emit(to, out);
    }
    if (gap > 0) {
      // whole packets with nothing in them are not sent: their sequence
      // numbers are skipped only when input packets were lost
      const k = Math.floor(gap / F);
      d.fifoPos += k * F;
      if (inGap > 0) d.nextSeq = (d.nextSeq + k) & 0xffff;
      const rem = gap - k * F;
      d.fifo.fill(0, 0, rem);
      d.fifoLen = rem;
    }
    if (fill) this.#queue(to, fill, out);
    this.#queue(to, pcm, out);
  }

  /** Append 8 kHz audio to the queue of leg `to`, sending every packet it fills. */
  #queue(to: LegName, pcm: Int16Array, out: Uint8Array[]): void {
    const d = this.#dir[to];
    const F = d.fifo.length;
    for (let i = 0; i < pcm.length; ) {
      const n = Math.min(pcm.length - i, F - d.fifoLen);
      d.fifo.set(n === pcm.length ? pcm : pcm.subarray(i, i + n), d.fifoLen);
      d.fifoLen += n;
      i += n;
      if (d.fifoLen === F) this.#emit(to, out);
    }
  }

  /**
   * The G.711 concealer of leg `from` for a packet of `n` samples at 8 kHz
   * position p, the queue ending at `end`. When `conceal` (packets were
   * lost before this one) and the packets before the gap are known, returns
   * the concealer's audio from `end` on: the concealment of the gap and the
   * merge into this packet; otherwise undefined. Either way the packet is
   * kept as history. Any trouble conceals nothing.
   */
  #g711Plc(from: LegName, codec: 'pcmu' | 'pcma', payload: Uint8Array, p: number, end: number, n: number, conceal: boolean, inGap: number): Int16Array | undefined {
    let s = this.#plc[from];
    if (!s) {
      const jb = this.#kit.createJitterBuffer({ codec, clockRate: 8000, ptimeMs: 10, minDelayMs: 0, maxPackets: 2 * (PLC_HISTORY + 1) }) // it holds the history and one packet;
      // len -1: an empty slot
      const hist = Array.from({ length: PLC_HISTORY }, () => ({ codes: new Uint8Array(this.#pcm.length), len: -1, p: 0 }));
      s = this.#plc[from] = { jb, hist, head: 0, scratch: new Uint8Array(12 + this.#pcm.length), buf: new Int16Array(PLC_HISTORY * this.#pcm.length + MAX_CONCEAL + PLC_STEP), frame: new Int16Array(PLC_STEP) };
    }
    // the newest packet kept (the ring holds PLC_HISTORY slots from `head`, oldest first; len <= 0: none)
    const H = s.hist, N = H.length;
    let last: { len: number; p: number } | undefined;
    for (let i = N - 1; i >= 0 && !last; i--) {
      const x = H[(s.head + i) % N];
      if (x.len > 0) last = x;
    }
    let result: Int16Array | undefined;
    // the history must end where the gap begins, and the packet be long enough for a 10 ms step
    if (conceal && last && last.p + last.len === end && n >= PLC_STEP) {
      try {
        const jb = s.jb;
        jb.reset();
        const b = this.#plcBuilder;
        b.payloadType = codec === 'pcmu' ? 0 : 8;
        b.ssrc = 1;
        b.marker = false;
        let seq = 0;
        const push = (codes: Uint8Array, at: number, seqStep: number) => {
          seq = (seq + seqStep) & 0xffff;
          b.sequenceNumber = seq;
          b.timestamp = at >>> 0;
          b.payload = codes;
          jb.push(b.serialize(s!.scratch), at / 8); // (the buffer copies what it is given)
        };
        let pos0 = -1;
        for (let i = 0; i < N; i++) {
          const x = H[(s.head + i) % N];
          if (x.len <= 0) continue;
          if (pos0 < 0) pos0 = x.p;
          push(x.codes.subarray(0, x.len), x.p, 1);
        }
        push(payload, p, 1 + inGap); // a sequence gap: lost, not a pause
        let pos = pos0, k = 0;
        while (pos + PLC_STEP <= p + n) {
          const r = jb.poll((pos + PLC_STEP) / 8, s.frame);
          if (r.pcm.length !== PLC_STEP) throw new Error('short frame');
          s.buf.set(r.pcm, k);
          k += PLC_STEP;
          pos += PLC_STEP;
        }
        if (pos > p) result = s.buf.subarray(end - pos0, pos - pos0);
      } catch {
        result = undefined;
      }
    }
    // keep this packet as history (a copy: the datagram is the caller's): after
    // the last when it follows on, else alone (after a gap, concealed or not).
    // A ring: no allocation per packet.
    if (!(last && last.p + last.len === p)) for (let i = 0; i < N; i++) H[i].len = -1;
    if (payload.length <= s.hist[0].codes.length) {
      const slot = H[s.head]; // the oldest (or an empty one) becomes the newest
      s.head = (s.head + 1) % N;
      slot.codes.set(payload);
      slot.len = payload.length;
      slot.p = p;
    }
    return result;
  }

  /** Pad the packet being filled with silence and send it (a new source follows). */
  #flushPartial(to: LegName, out: Uint8Array[]): void {
    const d = this.#dir[to];
    if (!d.gridStarted || d.fifoLen === 0) return;
    d.fifo.fill(0, d.fifoLen);
    d.fifoLen = d.fifo.length;
    this.#emit(to, out);
  }

  /** Encode the full queue as one packet on leg `to`. */
  #emit(to: LegName, out: Uint8Array[]): void {
    const d = this.#dir[to];
    const leg = this.#legs[to];
    const frame = d.fifo;
    let payload: Uint8Array;
    if (leg.codec === 'opus') {
      let o = this.#opusEnc[to];
      if (!o) {
        const up = this.#kit.createResampler({ inputRate: 8000, outputRate: 48000, quality: 4 });
        // Prime with the resampler's latency so that every packet in gives a packet out.
        up.process(new Int16Array(up.info.latency));
        const enc = this.#kit.createOpusEncoder({ sampleRate: 48000, channels: 1, frameMs: leg.ptimeMs as 10 | 20 | 40 | 60, bitrate: leg.opusBitrate ?? 32000 });
        o = this.#opusEnc[to] = { enc, up, pcm48: new Int16Array(frame.length * 6) };
      }
      payload = o.enc.encode(o.up.process(frame, o.pcm48), this.#codes);
    } else {
      payload = this.#kit.g711.encode(leg.codec, frame, d.codes);
    }
    const b = this.#header(d, d.nextSeq, this.#outTs(d, this.#clock(to), d.fifoPos), d.markerPending, leg.payloadType);
    b.payload = payload;
    d.nextSeq = (d.nextSeq + 1) & 0xffff;
    d.markerPending = false;
    d.fifoPos += frame.length;
    d.fifoLen = 0;
    this.#stats[to].transcoded++;
    this.#send(to, out);
  }

  /** An RFC 4733 telephone-event packet: payload type, timestamp and durations onto the outgoing leg's clock. */
  #event(from: LegName, to: LegName, v: RtpView, out: Uint8Array[]): void {
    const d = this.#dir[to];
    const inClock = this.#clock(from), outClock = this.#clock(to);
    const pt = this.#legs[to].dtmfPayloadType;
    const pl = v.payload;
    if (pl.length === 0 || pl.length % 4) {
      this.#stats[from].dropped.badEvent++;
      return;
    }
    const scale = (ticks: number) => Math.round((ticks * outClock) / inClock);
    const ts = v.timestamp;
    if (pl.length > 4) {
      // several blocks in one packet: each duration rescaled (at most 65535)
      const p = pl.slice();
      for (let i = 0; i < p.length; i += 4) {
        const dur = Math.min(MAX_EVENT, scale((p[i + 2] << 8) | p[i + 3]));
        p[i + 2] = dur >>> 8;
        p[i + 3] = dur & 0xff;
      }
      const b = this.#header(d, d.nextSeq, this.#outTs(d, outClock, this.#p8(d, inClock, ts)), v.marker, pt);
      b.payload = p;
      d.nextSeq = (d.nextSeq + 1) & 0xffff;
      this.#send(to, out);
      return;
    }
    const event = pl[0], flags = pl[1], inDur = (pl[2] << 8) | pl[3];
    let e = d.event;
    if (e && e.event === event && e.inSegTs === ts) {
      // the same segment: an update or a redundant end
    } else if (e && e.event === event && ts === ((e.inSegTs + MAX_EVENT) >>> 0)) {
      e.inBase += MAX_EVENT; // the next input segment of a long event
      e.inSegTs = ts;
    } else {
      e = d.event = { event, inSegTs: ts, inBase: 0, outStart: this.#outTs(d, outClock, this.#p8(d, inClock, ts)), lastSeg: 0 };
    }
    const total = scale(e.inBase + inDur);
    const seg = total === 0 ? 0 : Math.floor((total - 1) / MAX_EVENT);
    const block = (segment: number, dur: number, flagsOut: number, marker: boolean) => {
      const b = this.#header(d, d.nextSeq, (e!.outStart + segment * MAX_EVENT) >>> 0, marker, pt);
      b.payload = Uint8Array.of(event, flagsOut, dur >>> 8, dur & 0xff);
      d.nextSeq = (d.nextSeq + 1) & 0xffff;
      this.#send(to, out);
    };
    // close the output segments this update moved past (RFC 4733 §2.5.1.3)
    for (let s = e.lastSeg; s < seg; s++) block(s, MAX_EVENT, flags & 0x7f, false);
    e.lastSeg = Math.max(e.lastSeg, seg);
    block(seg, total - seg * MAX_EVENT, flags, v.marker && seg === 0);
  }

  /** RTCP arriving on a leg in transcode mode: the relay's session there takes it (reports about its stream: RTT; SRs: LSR). */
  #terminateRtcp(from: LegName, datagram: Uint8Array, session: RtcpSession, nowMs: number): void {
    const st = this.#stats[from];
    const plain = this.#legs[from].srtpIn ? unprotectOrCode(this.#legs[from].srtpIn!, true, datagram) : datagram;
    if (typeof plain === 'string') {
      st.dropped.badRtcp++;
      return;
    }
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(plain);
    } catch {
      st.dropped.badRtcp++;
      return;
    }
    session.onRtcpReceived(packets, datagram.length + 28, nowMs);
    st.rtcpIn++;
  }

  /**
   * Transcode mode: the relay's RTCP compound packet for `leg` if one is due
   * at nowMs (RFC 3550 §6.3 intervals per leg): an SR about what the relay
   * sent on the leg (its SSRC there, packet and octet counts, NTP and RTP
   * timestamps of the transcoded stream) with a report block about the
   * source it receives on the leg (loss, extended highest sequence, jitter,
   * LSR / DLSR), or an RR when it sent nothing since the last report; SDES
   * CNAME; after leave(), the BYE when it is due. SRTCP-protected with the
   * leg's `srtpOut`. Call it on a timer (every 20–100 ms is fine). Always
   * undefined in forward mode, where the endpoints' RTCP is translated.
   */
  pollRtcp(leg: LegName, nowMs: number): Uint8Array | undefined {
    legArg(leg, 'RtpRelay.pollRtcp: leg');
    finiteArg(nowMs, 'RtpRelay.pollRtcp: nowMs');
    const r = this.#sessions(nowMs)?.[leg].poll(nowMs);
    return r && this.#rtcpOut(leg, r);
  }

  #rtcpOut(leg: LegName, bytes: Uint8Array): Uint8Array {
    this.#stats[leg].rtcpOut++;
    const s = this.#legs[leg].srtpOut;
    return s ? s.protectRtcp(bytes) : bytes;
  }

  /**
   * Transcode mode: leave both legs (RFC 3550 §6.3.7): from now on
   * pollRtcp() gives each leg's compound BYE (report, SDES, BYE) when it is
   * due, at once with fewer than 50 members unless `backoff`. A leg on which
   * the relay never sent sends none. Returns false in forward mode (the
   * endpoints' BYEs are translated there).
   */
  leave(nowMs: number, options?: { reason?: string; backoff?: boolean }): boolean {
    finiteArg(nowMs, 'RtpRelay.leave: nowMs');
    options = optionsArg(options, 'RtpRelay.leave: options');
    const s = this.#sessions(nowMs);
    if (!s) return false;
    s.a.leave(nowMs, options);
    s.b.leave(nowMs, options);
    return true;
  }

  /**
   * Transcode mode: a final report with BYE for `leg` at once (RFC 3550
   * §6.6), SRTCP-protected with the leg's `srtpOut`; undefined in forward
   * mode.
   */
  bye(leg: LegName, nowMs: number, reason?: string): Uint8Array | undefined {
    legArg(leg, 'RtpRelay.bye: leg');
    finiteArg(nowMs, 'RtpRelay.bye: nowMs');
    if (reason !== undefined && typeof reason !== 'string') invalidArg('RtpRelay.bye: reason must be a string');
    const s = this.#sessions(nowMs);
    return s && this.#rtcpOut(leg, s[leg].bye(nowMs, reason));
  }

  /** Free the codec objects made for transcoding and the RTCP state (the SRTP sessions stay the caller's); relay() returns nothing afterwards. */
  close(): void {
    this.#closed = true;
    this.#rtcp?.a.close();
    this.#rtcp?.b.close();
    this.#rtcp = undefined;
    for (const o of Object.values(this.#opusEnc)) {
      o?.enc.close();
      o?.up.close();
    }
    for (const o of Object.values(this.#opusDec)) o?.dec.close();
    for (const o of Object.values(this.#plc)) o?.jb.close();
  }

  #relayRtcp(from: LegName, to: LegName, datagram: Uint8Array): Uint8Array | null {
    const st = this.#stats[from];
    let packets: RtcpPacket[];
    const plain = this.#legs[from].srtpIn ? unprotectOrCode(this.#legs[from].srtpIn!, true, datagram) : datagram;
    if (typeof plain === 'string') {
      st.dropped.badRtcp++;
      return null;
    }
    try {
      packets = parseRtcp(plain);
    } catch {
      st.dropped.badRtcp++;
      return null;
    }
    st.rtcpIn++;
    const fwd = this.#dir[to]; // stream from `from` forwarded on `to`
    const back = this.#dir[from]; // stream from `to` forwarded on `from` (what reports on `from` talk about)
    const mapSender = (ssrc: number) => (ssrc === fwd.inSsrc ? fwd.outSsrc : ssrc);
    const out: RtcpPacket[] = packets.map((p) => {
      switch (p.type) {
        case 'sr':
        case 'rr': {
          const reports = p.reports
            .filter((r) => r.ssrc === back.outSsrc && back.inSsrc !== undefined)
            .map((r) => ({ ...r, ssrc: back.inSsrc!, highestSequence: (r.highestSequence - back.seqDelta) >>> 0 }));
          return p.type === 'sr'
            ? { ...p, ssrc: mapSender(p.ssrc), rtpTimestamp: this.#mapSrTimestamp(from, to, p.ssrc, p.rtpTimestamp), reports }
            : { ...p, ssrc: mapSender(p.ssrc), reports };
        }
        case 'sdes':
          return { ...p, chunks: p.chunks.map((c) => ({ ...c, ssrc: mapSender(c.ssrc) })) };
        case 'bye':
          return { ...p, ssrcs: p.ssrcs.map(mapSender) };
        default:
          return p;
      }
    });
    const bytes = serializeRtcp(out);
    this.#stats[to].rtcpOut++;
    const s = this.#legs[to].srtpOut;
    return s ? s.protectRtcp(bytes) : bytes;
  }

  /** An SR's RTP timestamp on the outgoing leg's timeline (unchanged for a source we do not forward). */
  #mapSrTimestamp(from: LegName, to: LegName, ssrc: number, ts: number): number {
    const d = this.#dir[to];
    if (!d.started || ssrc !== d.inSsrc) return ts;
    if (this.mode === 'forward') return (ts + d.tsDelta) >>> 0;
    return this.#outTs(d, this.#clock(to), this.#p8(d, this.#clock(from), ts));
  }

  /** Statistics per leg (a copy); in transcode mode with the relay's own RTCP figures per leg. */
  stats(): Record<LegName, RelayLegStats> {
    const s = structuredClone(this.#stats);
    if (this.#rtcp) {
      for (const l of ['a', 'b'] as const) {
        const r = this.#rtcp[l];
        const snd = r.senderStats();
        const src = this.#dir[l === 'a' ? 'b' : 'a'].inSsrc; // the source received on leg l
        const bye = r.lastBye; // a copy
        s[l].rtcp = {
          ssrc: r.ssrc, cname: r.cname, packetsSent: snd.packets, octetsSent: snd.octets,
          ...(snd.roundTripMs !== undefined ? { roundTripMs: snd.roundTripMs } : {}),
          ...(snd.remoteReport ? { remoteReport: { ...snd.remoteReport } } : {}),
          ...(src !== undefined ? { reception: r.receptionStats().find((x) => x.ssrc === src) } : {}),
          ...(bye ? { byeReceived: bye } : {}),
        };
      }
    }
    return s;
  }
}
