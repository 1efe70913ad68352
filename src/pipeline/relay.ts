/**
 * RtpRelay: a media relay between two legs, sans-IO. Each datagram received
 * on one leg comes out (or not) as the datagram to send on the other.
 *
 * Modes:
 *  - 'forward': re-keying only. SRTP ⇄ RTP or SRTP ⇄ SRTP with other keys:
 *    unprotect with the inbound leg's session, rewrite SSRC, sequence number
 *    and timestamp into the outbound leg's numbering (gaps preserved, a new
 *    inbound SSRC continues the outbound numbering seamlessly), protect with
 *    the outbound leg's session. RTCP is translated: SR sender SSRC and RTP
 *    timestamp, report-block SSRCs and extended sequence numbers, SDES and
 *    BYE SSRCs mapped across.
 *  - 'transcode': additionally re-encodes audio between the legs' codecs:
 *    PCMU ⇄ PCMA directly; G.711 → Opus as G.711 decode → resampler 8 → 48
 *    kHz → Opus encode (20 ms frames); Opus → G.711 as Opus decode at 8 kHz
 *    → G.711 encode. Timestamps are rescaled between the legs' RTP clocks.
 *    telephone-event and CN packets are forwarded as is (their timestamps
 *    rescaled too; telephone-event durations are not).
 *
 * Bad datagrams are counted per leg and dropped, never thrown.
 */
import type { VoipKit } from '../index.js';
import { invalidArg } from '../errors.js';
import { bytesOrNull, finiteArg, optionsArg } from '../guard.js';
import { RtpBuilder, RtpView } from '../rtp/RtpPacket.js';
import { parseRtcp, serializeRtcp, type RtcpPacket } from '../rtp/rtcp.js';
import { unprotectOrCode, type SrtpSession } from '../srtp/session.js';
import type { AudioCodec, G711Codec } from './sender.js';
import type { OpusDecoder, OpusEncoder } from '../codec/opus.js';
import type { Resampler } from '../dsp/resample.js';

export type LegName = 'a' | 'b';

export interface RelayLegOptions {
  /** Unprotects what arrives on this leg (omit for plain RTP). */
  srtpIn?: SrtpSession;
  /** Protects what is sent on this leg (omit for plain RTP). */
  srtpOut?: SrtpSession;
  /** SSRC the relay uses when sending on this leg. Default random. */
  ssrc?: number;
  /** The audio codec and payload type on this leg (transcode mode). Default pcmu / 0 (opus: 111). */
  codec?: AudioCodec;
  /** Opus bitrate when encoding Opus for this leg, bit/s. Default 32000. */
  opusBitrate?: number;
  payloadType?: number;
}

export interface RtpRelayOptions {
  mode?: 'forward' | 'transcode';
  a?: RelayLegOptions;
  b?: RelayLegOptions;
}

export interface RelayLegStats {
  /** Datagrams received on this leg. */
  received: number;
  /** Datagrams sent on this leg (forwarded from the other). */
  sent: number;
  rtcpIn: number;
  rtcpOut: number;
  transcoded: number;
  dropped: { notRtp: number; srtp: number; badRtcp: number; unknownPayloadType: number };
}

interface Direction {
  outSsrc: number;
  inSsrc: number | undefined;
  seqDelta: number;
  tsDelta: number;
  lastOutSeq: number;
  lastOutTs: number;
  started: boolean;
  inTsBase: number;
  outTsBase: number;
}

function legArg(leg: unknown, what: string): asserts leg is LegName {
  if (leg !== 'a' && leg !== 'b') invalidArg(`${what} must be 'a' or 'b', got ${typeof leg === 'string' ? JSON.stringify(leg) : String(leg)}`);
}

function random32(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0];
}

export class RtpRelay {
  readonly mode: 'forward' | 'transcode';
  readonly #kit: VoipKit;
  readonly #legs: Record<LegName, Required<Pick<RelayLegOptions, 'codec' | 'payloadType'>> & RelayLegOptions>;
  /** Keyed by the leg the packets are SENT on. */
  readonly #dir: Record<LegName, Direction>;
  readonly #stats: Record<LegName, RelayLegStats>;
  readonly #view = new RtpView();
  readonly #builder = new RtpBuilder();
  readonly #pcm = new Int16Array(1500);
  readonly #codes = new Uint8Array(1500);
  /** Per outbound leg: Opus encoder + 8 -> 48 kHz resampler (G.711 in), or Opus decoder (Opus in). */
  readonly #opusEnc: Partial<Record<LegName, { enc: OpusEncoder; up: Resampler }>> = {};
  readonly #opusDec: Partial<Record<LegName, OpusDecoder>> = {};

  #clock(leg: LegName): number {
    return this.#legs[leg].codec === 'opus' ? 48000 : 8000;
  }

  constructor(kit: VoipKit, options?: RtpRelayOptions) {
    options = optionsArg(options, 'RtpRelay: options');
    this.#kit = kit;
    this.mode = options.mode ?? 'forward';
    if (this.mode !== 'forward' && this.mode !== 'transcode') invalidArg(`RtpRelay: mode must be 'forward' or 'transcode', got ${String(this.mode)}`);
    const leg = (o: RelayLegOptions = {}) => {
      const codec = o.codec ?? 'pcmu';
      if (codec !== 'pcmu' && codec !== 'pcma' && codec !== 'opus') invalidArg(`RtpRelay: leg codec must be 'pcmu', 'pcma' or 'opus', got ${String(codec)}`);
      return { ...o, codec, payloadType: o.payloadType ?? (codec === 'pcmu' ? 0 : codec === 'pcma' ? 8 : 111) };
    };
    this.#legs = { a: leg(options.a), b: leg(options.b) };
    const dir = (ssrc?: number): Direction => ({ outSsrc: (ssrc ?? random32()) >>> 0, inSsrc: undefined, seqDelta: 0, tsDelta: 0, lastOutSeq: random32() & 0xffff, lastOutTs: random32(), started: false, inTsBase: 0, outTsBase: 0 });
    this.#dir = { a: dir(options.a?.ssrc), b: dir(options.b?.ssrc) };
    const st = (): RelayLegStats => ({ received: 0, sent: 0, rtcpIn: 0, rtcpOut: 0, transcoded: 0, dropped: { notRtp: 0, srtp: 0, badRtcp: 0, unknownPayloadType: 0 } });
    this.#stats = { a: st(), b: st() };
  }

  /** The SSRC the relay sends with on a leg. */
  ssrcOn(leg: LegName): number {
    legArg(leg, 'RtpRelay.ssrcOn: leg');
    return this.#dir[leg].outSsrc;
  }

  /**
   * A datagram arrived on leg `from`: returns the datagram to send on the
   * other leg, or null when it was dropped (counted in stats()).
   */
  relay(from: LegName, datagram: Uint8Array, nowMs: number): Uint8Array | null {
    legArg(from, 'RtpRelay.relay: from');
    finiteArg(nowMs, 'RtpRelay.relay: nowMs');
    datagram = bytesOrNull(datagram)!; // a fake or Proxy: null, dropped below as not RTP
    const to: LegName = from === 'a' ? 'b' : 'a';
    const inLeg = this.#legs[from], outLeg = this.#legs[to];
    const st = this.#stats[from];
    st.received++;
    if (!(datagram instanceof Uint8Array) || datagram.length < 8 || (datagram[0] & 0xc0) !== 0x80) {
      st.dropped.notRtp++;
      return null;
    }
    if (datagram[1] >= 192 && datagram[1] <= 223) return this.#relayRtcp(from, to, datagram);
    // the non-throwing form: a flood of forgeries costs no Error each
    const rtp = inLeg.srtpIn ? unprotectOrCode(inLeg.srtpIn, false, datagram) : datagram;
    if (typeof rtp === 'string') {
      st.dropped.srtp++;
      return null;
    }
    const v = this.#view;
    try {
      v.reset(rtp);
    } catch {
      st.dropped.notRtp++;
      return null;
    }
    const d = this.#dir[to];
    const scale = this.mode === 'transcode' ? this.#clock(to) / this.#clock(from) : 1;
    if (!d.started || v.ssrc !== d.inSsrc) {
      // New source: continue the outbound numbering after what was sent.
      d.inSsrc = v.ssrc;
      d.seqDelta = (d.lastOutSeq + 1 - v.sequenceNumber) & 0xffff;
      d.inTsBase = v.timestamp;
      d.outTsBase = (d.lastOutTs + (d.started ? 20 * this.#clock(to) / 1000 : 0)) >>> 0;
      d.tsDelta = (d.outTsBase - v.timestamp) >>> 0;
      d.started = true;
    }
    const b = this.#builder;
    b.ssrc = d.outSsrc;
    b.sequenceNumber = (v.sequenceNumber + d.seqDelta) & 0xffff;
    b.timestamp = scale === 1 ? (v.timestamp + d.tsDelta) >>> 0 : (d.outTsBase + Math.round((((v.timestamp - d.inTsBase) >>> 0) * scale))) >>> 0;
    b.marker = v.marker;
    b.payloadType = v.payloadType;
    b.csrcs = [];
    b.extension = undefined;
    b.padding = 0;
    b.payload = v.payload;
    if (this.mode === 'transcode' && v.payloadType === inLeg.payloadType) {
      if (v.payloadLength > this.#pcm.length) {
        st.dropped.notRtp++;
        return null;
      }
      b.payloadType = outLeg.payloadType;
      if (inLeg.codec !== outLeg.codec) {
        try {
          b.payload = this.#transcode(v.payload, inLeg.codec, outLeg.codec, to, from);
        } catch {
          st.dropped.notRtp++;
          return null;
        }
        this.#stats[to].transcoded++;
      }
    }
    if (((b.sequenceNumber - d.lastOutSeq) & 0xffff) < 0x8000) d.lastOutSeq = b.sequenceNumber;
    d.lastOutTs = b.timestamp;
    const out = b.serialize();
    this.#stats[to].sent++;
    return outLeg.srtpOut ? outLeg.srtpOut.protectRtp(out) : out;
  }

  #transcode(payload: Uint8Array, inCodec: AudioCodec, outCodec: AudioCodec, to: LegName, from: LegName): Uint8Array {
    let pcm8: Int16Array;
    if (inCodec === 'opus') {
      let dec = this.#opusDec[from];
      if (!dec) dec = this.#opusDec[from] = this.#kit.createOpusDecoder({ sampleRate: 8000, channels: 1 });
      pcm8 = dec.decode(payload, this.#pcm) as Int16Array;
    } else {
      pcm8 = this.#kit.g711.decode(inCodec, payload, this.#pcm.subarray(0, payload.length));
    }
    if (outCodec !== 'opus') return this.#kit.g711.encode(outCodec, pcm8, this.#codes.subarray(0, pcm8.length));
    let o = this.#opusEnc[to];
    if (!o) {
      const up = this.#kit.createResampler({ inputRate: 8000, outputRate: 48000, quality: 4 });
      // Prime with the resampler's latency so that every 20 ms in gives 20 ms out.
      up.process(new Int16Array(up.info.latency));
      o = this.#opusEnc[to] = { enc: this.#kit.createOpusEncoder({ sampleRate: 48000, channels: 1, frameMs: 20, bitrate: this.#legs[to].opusBitrate ?? 32000 }), up };
    }
    const pcm48 = o.up.process(pcm8);
    return o.enc.encode(pcm48, this.#codes);
  }

  /** Free the codec objects made for transcoding (the SRTP sessions stay the caller's). */
  close(): void {
    for (const o of Object.values(this.#opusEnc)) {
      o?.enc.close();
      o?.up.close();
    }
    for (const d of Object.values(this.#opusDec)) d?.close();
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
            ? { ...p, ssrc: mapSender(p.ssrc), rtpTimestamp: (p.rtpTimestamp + fwd.tsDelta) >>> 0, reports }
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

  stats(): Record<LegName, RelayLegStats> {
    return structuredClone(this.#stats);
  }
}
