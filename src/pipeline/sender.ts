/**
 * AudioSender: the send path of a call, sans-IO.
 *
 * PCM frames (8 kHz, ptime) → optional noise suppression → G.711 encode (or,
 * with DTX, RFC 3389 CN during silence) → RTP packetization (random initial
 * sequence number and timestamp, marker on each talkspurt start) → optional
 * SRTP → datagrams for the caller to send. RFC 4733 DTMF events replace the
 * audio while they last. RTCP (SR + SDES, BYE) comes from the same object.
 *
 * Opus is not wired yet (its component is not on main): PCMU and PCMA only.
 */
import type { VoipKit } from '../index.js';
import { invalidArg } from '../errors.js';
import { RtpBuilder } from '../rtp/RtpPacket.js';
import { parseRtcp } from '../rtp/rtcp.js';
import type { SrtpSession } from '../srtp/session.js';
import type { NoiseSuppressor } from '../dsp/ns.js';
import { DtmfEncoder } from './dtmf.js';
import type { DtxController } from './cn.js';
import { RtcpSession, type SenderStats } from './rtcp-session.js';

export type G711Codec = 'pcmu' | 'pcma';

export interface AudioSenderOptions {
  /** 'pcmu' (PT 0) or 'pcma' (PT 8). Default 'pcmu'. */
  codec?: G711Codec;
  /** RTP payload type. Default 0 for PCMU, 8 for PCMA. */
  payloadType?: number;
  /** Frame duration, ms: 10, 20, 30 or 40. Default 20. */
  ptimeMs?: number;
  /** SSRC. Default: random. */
  ssrc?: number;
  /** First sequence number. Default: random (RFC 3550 5.1). */
  sequenceNumber?: number;
  /** First RTP timestamp. Default: random. */
  timestamp?: number;
  /** Protect with this SRTP session (its own keys; not closed by the sender). */
  srtp?: SrtpSession;
  /** Noise suppression before encoding (strength 0..1, or true for the default). Default off. */
  noiseSuppression?: boolean | number;
  /** Discontinuous transmission: RFC 3389 CN during silence. Default off. */
  dtx?: boolean;
  /** CN payload type. Default 13. */
  cnPayloadType?: number;
  /** telephone-event payload type. Default 101. */
  dtmfPayloadType?: number;
  /** SDES CNAME for RTCP. Default: a random one. */
  cname?: string;
  /** RTCP options (bandwidth share, minimum interval, random source, wall clock). */
  rtcp?: { sessionBandwidth?: number; minIntervalMs?: number; random?: () => number; wallClockMs?: (nowMs: number) => number };
}

export interface AudioSenderStats extends SenderStats {
  frames: number;
  audioPackets: number;
  cnPackets: number;
  dtmfPackets: number;
  /** Frames neither sent as audio nor as CN (DTX silence between SIDs). */
  suppressedFrames: number;
}

function random32(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0];
}

/** A drift-free pacing helper: frame n is due at start + n * ptime. */
export class FramePacer {
  readonly ptimeMs: number;
  readonly startMs: number;
  #sent = 0;
  constructor(startMs: number, ptimeMs = 20) {
    this.startMs = startMs;
    this.ptimeMs = ptimeMs;
  }
  /** Frames due by nowMs that have not been taken yet (takes them). */
  due(nowMs: number): number {
    const n = Math.floor((nowMs - this.startMs) / this.ptimeMs) + 1 - this.#sent;
    if (n <= 0) return 0;
    this.#sent += n;
    return n;
  }
  /** When the next frame is due, ms. */
  get nextMs(): number {
    return this.startMs + this.#sent * this.ptimeMs;
  }
}

export class AudioSender {
  readonly codec: G711Codec;
  readonly payloadType: number;
  readonly ptimeMs: number;
  readonly frameSamples: number;
  readonly ssrc: number;
  readonly rtcp: RtcpSession;
  readonly #kit: VoipKit;
  readonly #srtp?: SrtpSession;
  readonly #ns?: NoiseSuppressor;
  readonly #dtx?: DtxController;
  readonly #dtmf: DtmfEncoder;
  readonly #cnPt: number;
  readonly #dtmfPt: number;
  readonly #builder = new RtpBuilder();
  readonly #codes: Uint8Array;
  readonly #nsOut: Int16Array;
  #seq: number;
  #ts: number;
  #talkspurt = true;
  #dtmfQueue: Array<{ digit: string | number; durationMs: number }> = [];
  #stats = { frames: 0, audioPackets: 0, cnPackets: 0, dtmfPackets: 0, suppressedFrames: 0 };
  #closed = false;

  /** @internal use kit-level helpers or `new AudioSender(kit, nowMs, options)` */
  constructor(kit: VoipKit, nowMs: number, options: AudioSenderOptions = {}) {
    this.#kit = kit;
    this.codec = options.codec ?? 'pcmu';
    if (this.codec !== 'pcmu' && this.codec !== 'pcma') invalidArg(`AudioSender: codec must be 'pcmu' or 'pcma' (Opus is not wired yet), got ${JSON.stringify(this.codec)}`);
    this.payloadType = options.payloadType ?? (this.codec === 'pcmu' ? 0 : 8);
    this.ptimeMs = options.ptimeMs ?? 20;
    if (![10, 20, 30, 40].includes(this.ptimeMs)) invalidArg(`AudioSender: ptimeMs must be 10, 20, 30 or 40, got ${this.ptimeMs}`);
    for (const [k, v] of [['payloadType', this.payloadType], ['cnPayloadType', options.cnPayloadType ?? 13], ['dtmfPayloadType', options.dtmfPayloadType ?? 101]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 127) invalidArg(`AudioSender: ${k} must be 0..127, got ${v}`);
    }
    this.frameSamples = this.ptimeMs * 8;
    this.ssrc = (options.ssrc ?? random32()) >>> 0;
    this.#seq = (options.sequenceNumber ?? random32()) & 0xffff;
    this.#ts = (options.timestamp ?? random32()) >>> 0;
    this.#srtp = options.srtp;
    this.#cnPt = options.cnPayloadType ?? 13;
    this.#dtmfPt = options.dtmfPayloadType ?? 101;
    if (options.noiseSuppression) {
      this.#ns = kit.createNoiseSuppressor({ sampleRate: 8000, ...(typeof options.noiseSuppression === 'number' ? { strength: options.noiseSuppression } : {}) });
    }
    if (options.dtx) this.#dtx = kit.createDtx();
    this.#dtmf = new DtmfEncoder({ clockRate: 8000 });
    this.#codes = new Uint8Array(this.frameSamples);
    this.#nsOut = new Int16Array(this.frameSamples);
    this.rtcp = new RtcpSession(kit, nowMs, {
      ssrc: this.ssrc,
      cname: options.cname ?? `voipkit-${random32().toString(16)}`,
      clockRate: 8000,
      ...options.rtcp,
    });
  }

  /** Queue a DTMF digit; it replaces the audio for durationMs (RFC 4733). */
  sendDtmf(digit: string | number, durationMs = 100): void {
    if (!(durationMs >= 40 && durationMs <= 10000)) invalidArg(`AudioSender.sendDtmf: durationMs must be in 40..10000, got ${durationMs}`);
    this.#dtmfQueue.push({ digit, durationMs });
  }

  /** The RTP timestamp the next frame will carry. */
  get timestamp(): number {
    return this.#ts;
  }

  /**
   * Send one frame of `frameSamples` 8 kHz samples captured at nowMs.
   * @returns the datagrams to send now (0, 1, or several with DTMF end packets).
   */
  send(pcm: Int16Array, nowMs: number): Uint8Array[] {
    if (this.#closed) invalidArg('AudioSender is closed');
    if (!(pcm instanceof Int16Array) || pcm.length !== this.frameSamples) invalidArg(`AudioSender.send: pcm must be an Int16Array of ${this.frameSamples} samples (${this.ptimeMs} ms at 8 kHz)`);
    this.#stats.frames++;
    const ts = this.#ts;
    this.#ts = (this.#ts + this.frameSamples) >>> 0;
    const out: Uint8Array[] = [];

    if (!this.#dtmf.active && this.#dtmfQueue.length) {
      const d = this.#dtmfQueue.shift()!;
      this.#dtmf.start(d.digit, ts, d.durationMs);
    }
    if (this.#dtmf.active) {
      for (const p of this.#dtmf.poll((ts + this.frameSamples) >>> 0)) {
        out.push(this.#packet(this.#dtmfPt, p.timestamp, p.marker, p.payload, nowMs));
        this.#stats.dtmfPackets++;
      }
      this.#talkspurt = true; // audio after the event starts a new talkspurt
      return out;
    }

    let frame = pcm;
    if (this.#ns) frame = this.#ns.process(pcm, this.#nsOut);
    if (this.#dtx) {
      const d = this.#dtx.process(frame);
      if (d.kind === 'sid') {
        out.push(this.#packet(this.#cnPt, ts, false, d.payload, nowMs));
        this.#stats.cnPackets++;
        this.#talkspurt = true;
        return out;
      }
      if (d.kind === 'none') {
        this.#stats.suppressedFrames++;
        this.#talkspurt = true;
        return out;
      }
    }
    const codes = this.#kit.g711.encode(this.codec, frame, this.#codes);
    out.push(this.#packet(this.payloadType, ts, this.#talkspurt, codes, nowMs));
    this.#talkspurt = false;
    this.#stats.audioPackets++;
    return out;
  }

  #packet(pt: number, ts: number, marker: boolean, payload: Uint8Array, nowMs: number): Uint8Array {
    const b = this.#builder;
    b.payloadType = pt;
    b.marker = marker;
    b.sequenceNumber = this.#seq;
    b.timestamp = ts;
    b.ssrc = this.ssrc;
    b.payload = payload;
    this.#seq = (this.#seq + 1) & 0xffff;
    const rtp = b.serialize();
    this.rtcp.onRtpSent(payload.length, ts, nowMs);
    return this.#srtp ? this.#srtp.protectRtp(rtp) : rtp;
  }

  /** An RTCP compound packet if one is due at nowMs (SRTCP-protected with srtp). */
  pollRtcp(nowMs: number): Uint8Array | undefined {
    const r = this.rtcp.poll(nowMs);
    return r && this.#srtp ? this.#srtp.protectRtcp(r) : r;
  }

  /** Hand received RTCP (reports about our stream) to the sender; bad datagrams are dropped. */
  receiveRtcp(datagram: Uint8Array, nowMs: number): boolean {
    try {
      const plain = this.#srtp ? this.#srtp.unprotectRtcp(datagram) : datagram;
      this.rtcp.onRtcpReceived(parseRtcp(plain), datagram.length + 28, nowMs);
      return true;
    } catch {
      return false;
    }
  }

  /** The final report with BYE (SRTCP-protected with srtp). */
  bye(nowMs: number, reason?: string): Uint8Array {
    const b = this.rtcp.bye(nowMs, reason);
    return this.#srtp ? this.#srtp.protectRtcp(b) : b;
  }

  stats(): AudioSenderStats {
    return { ...this.rtcp.senderStats(), ...this.#stats };
  }

  /** Free the core objects (the SRTP session stays the caller's). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ns?.close();
    this.rtcp.close();
  }
}
