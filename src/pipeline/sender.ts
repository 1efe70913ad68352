/**
 * AudioSender: the send path of a call, sans-IO.
 *
 * PCM frames (ptime) → optional noise suppression → encode (or,
 * with DTX, RFC 3389 CN during silence) → RTP packetization (random initial
 * sequence number and timestamp, marker on each talkspurt start) → optional
 * SRTP → datagrams for the caller to send. RFC 4733 DTMF events replace the
 * audio while they last. RTCP (SR + SDES, BYE) comes from the same object.
 *
 * Codecs: PCMU, PCMA (8 kHz; PCM at a higher rate goes through the
 * resampler) and Opus (RTP clock 48 kHz, RFC 7587).
 */
import type { VoipKit } from '../index.js';
import { VoipKitError, invalidArg } from '../errors.js';
import { finiteArg, instanceArg, intArg, kitArg, numberArg, optionsArg, stringArg, typedArrayArg } from '../guard.js';
import { RtpBuilder } from '../rtp/RtpPacket.js';
import { parseRtcp } from '../rtp/rtcp.js';
import { SrtpSession, unprotectOrCode } from '../srtp/session.js';
import type { NoiseSuppressor } from '../dsp/ns.js';
import { DtmfEncoder, dtmfEventCode } from './dtmf.js';
import type { DtxController } from './cn.js';
import { RtcpSession, type SenderStats } from './rtcp-session.js';

export type G711Codec = 'pcmu' | 'pcma';
export type AudioCodec = G711Codec | 'opus';

export interface AudioSenderOptions {
  /** 'pcmu' (PT 0), 'pcma' (PT 8) or 'opus' (PT 111, RTP clock 48 kHz, RFC 7587). Default 'pcmu'. */
  codec?: AudioCodec;
  /** RTP payload type. Default 0 for PCMU, 8 for PCMA, 111 for Opus. */
  payloadType?: number;
  /**
   * Sample rate of the PCM given to send(), Hz. G.711: 8000 (default) or
   * 16000 / 24000 / 48000 (resampled to 8 kHz). Opus: 8000, 16000, 24000 or
   * 48000 (default 48000), encoded at that rate.
   */
  sampleRate?: 8000 | 16000 | 24000 | 48000;
  /** Opus encoder options (bitrate, fec, packetLossPercent, complexity, dtx...). */
  opus?: Omit<import('../codec/opus.js').OpusEncoderOptions, 'sampleRate' | 'channels' | 'frameMs'>;
  /** Frame duration, ms: 10, 20, 30, 40 or 60 (Opus: not 30). Default 20. */
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
    finiteArg(startMs, 'FramePacer: startMs');
    numberArg(ptimeMs, 0.125, 60_000, 'FramePacer: ptimeMs'); // 1 sample at 8 kHz .. 1 min
    this.startMs = startMs;
    this.ptimeMs = ptimeMs;
  }
  /** Frames due by nowMs that have not been taken yet (takes them). */
  due(nowMs: number): number {
    finiteArg(nowMs, 'FramePacer.due: nowMs');
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
  readonly codec: AudioCodec;
  readonly payloadType: number;
  readonly ptimeMs: number;
  readonly frameSamples: number;
  /** PCM rate of send(), Hz. */
  readonly sampleRate: 8000 | 16000 | 24000 | 48000;
  /** RTP clock rate, Hz (8000 for G.711, 48000 for Opus). */
  readonly clockRate: number;
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
  readonly #tsStep: number;
  #opus?: import('../codec/opus.js').OpusEncoder;
  #down?: import('../dsp/resample.js').Resampler;
  readonly #codes: Uint8Array;
  readonly #nsOut: Int16Array;
  #seq: number;
  #ts: number;
  #talkspurt = true;
  #dtmfQueue: Array<{ digit: string | number; durationMs: number }> = [];
  #stats = { frames: 0, audioPackets: 0, cnPackets: 0, dtmfPackets: 0, suppressedFrames: 0 };
  #closed = false;

  /** @internal use kit-level helpers or `new AudioSender(kit, nowMs, options)` */
  constructor(kit: VoipKit, nowMs: number, options?: AudioSenderOptions) {
    kitArg(kit, 'AudioSender: kit');
    finiteArg(nowMs, 'AudioSender: nowMs');
    options = optionsArg(options, 'AudioSender: options');
    if (options.ssrc !== undefined) intArg(options.ssrc, 0, 0xffffffff, 'AudioSender: options.ssrc');
    if (options.sequenceNumber !== undefined) intArg(options.sequenceNumber, 0, 0xffff, 'AudioSender: options.sequenceNumber');
    if (options.timestamp !== undefined) intArg(options.timestamp, 0, 0xffffffff, 'AudioSender: options.timestamp');
    if (options.srtp !== undefined) instanceArg(options.srtp, SrtpSession, 'AudioSender: options.srtp');
    this.#kit = kit;
    this.codec = options.codec ?? 'pcmu';
    if (this.codec !== 'pcmu' && this.codec !== 'pcma' && this.codec !== 'opus') invalidArg(`AudioSender: codec must be 'pcmu', 'pcma' or 'opus', got ${JSON.stringify(this.codec)}`);
    this.payloadType = options.payloadType ?? (this.codec === 'pcmu' ? 0 : this.codec === 'pcma' ? 8 : 111);
    this.sampleRate = options.sampleRate ?? (this.codec === 'opus' ? 48000 : 8000);
    if (![8000, 16000, 24000, 48000].includes(this.sampleRate)) invalidArg(`AudioSender: sampleRate must be 8000, 16000, 24000 or 48000, got ${this.sampleRate}`);
    this.clockRate = this.codec === 'opus' ? 48000 : 8000;
    this.ptimeMs = options.ptimeMs ?? 20;
    if (this.codec === 'opus') {
      // checked here: the encoder's own message names createOpusEncoder's frameMs, which the caller never set
      if (![10, 20, 40, 60].includes(this.ptimeMs)) invalidArg(`AudioSender: ptimeMs for codec 'opus' must be 10, 20, 40 or 60 (an Opus frame has no 30 ms size), got ${String(this.ptimeMs)}`);
    } else if (![10, 20, 30, 40, 60].includes(this.ptimeMs)) {
      invalidArg(`AudioSender: ptimeMs for codec '${this.codec}' must be 10, 20, 30, 40 or 60, got ${String(this.ptimeMs)}`);
    }
    for (const [k, v] of [['payloadType', this.payloadType], ['cnPayloadType', options.cnPayloadType ?? 13], ['dtmfPayloadType', options.dtmfPayloadType ?? 101]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 127) invalidArg(`AudioSender: ${k} must be 0..127, got ${v}`);
    }
    this.frameSamples = (this.ptimeMs * this.sampleRate) / 1000;
    this.#tsStep = (this.ptimeMs * this.clockRate) / 1000;
    this.ssrc = (options.ssrc ?? random32()) >>> 0;
    this.#seq = (options.sequenceNumber ?? random32()) & 0xffff;
    this.#ts = (options.timestamp ?? random32()) >>> 0;
    this.#srtp = options.srtp;
    this.#cnPt = options.cnPayloadType ?? 13;
    this.#dtmfPt = options.dtmfPayloadType ?? 101;
    if (this.codec === 'opus') {
      this.#opus = kit.createOpusEncoder({ ...options.opus, sampleRate: this.sampleRate, channels: 1, frameMs: this.ptimeMs as 10 | 20 | 40 | 60 });
    } else if (this.sampleRate !== 8000) {
      this.#down = kit.createResampler({ inputRate: this.sampleRate, outputRate: 8000, quality: 4 });
    }
    if (options.noiseSuppression) {
      if (this.sampleRate === 24000) invalidArg('AudioSender: noise suppression runs at 8, 16 or 48 kHz, not 24 kHz');
      this.#ns = kit.createNoiseSuppressor({ sampleRate: this.sampleRate as 8000, ...(typeof options.noiseSuppression === 'number' ? { strength: options.noiseSuppression } : {}) });
    }
    if (options.dtx && this.codec !== 'opus') this.#dtx = kit.createDtx();
    this.#dtmf = new DtmfEncoder({ clockRate: this.clockRate });
    this.#codes = new Uint8Array(Math.max(this.ptimeMs * 8, 1500));
    this.#nsOut = new Int16Array(this.frameSamples);
    this.rtcp = new RtcpSession(kit, nowMs, {
      ssrc: this.ssrc,
      cname: options.cname ?? `voipkit-${random32().toString(16)}`,
      clockRate: this.clockRate,
      ...options.rtcp,
    });
  }

  /** Queue a DTMF digit; it replaces the audio for durationMs (RFC 4733). */
  sendDtmf(digit: string | number, durationMs = 100): void {
    dtmfEventCode(digit); // refused now, not at the send() that would start it
    numberArg(durationMs, 40, 10000, 'AudioSender.sendDtmf: durationMs');
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
    if (this.#closed) throw new VoipKitError('closed', 'AudioSender is closed');
    pcm = typedArrayArg(pcm, Int16Array, 'AudioSender.send: pcm');
    finiteArg(nowMs, 'AudioSender.send: nowMs');
    if (pcm.length !== this.frameSamples) invalidArg(`AudioSender.send: pcm must be an Int16Array of ${this.frameSamples} samples (${this.ptimeMs} ms at ${this.sampleRate} Hz)`);
    this.#stats.frames++;
    const ts = this.#ts;
    this.#ts = (this.#ts + this.#tsStep) >>> 0;
    const out: Uint8Array[] = [];

    if (!this.#dtmf.active && this.#dtmfQueue.length) {
      const d = this.#dtmfQueue.shift()!;
      this.#dtmf.start(d.digit, ts, d.durationMs);
    }
    if (this.#dtmf.active) {
      for (const p of this.#dtmf.poll((ts + this.#tsStep) >>> 0)) {
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
    let payload: Uint8Array;
    if (this.#opus) {
      payload = this.#opus.encode(frame, this.#codes);
    } else {
      const at8k = this.#down ? this.#down.process(frame) : frame;
      payload = this.#kit.g711.encode(this.codec as G711Codec, at8k, this.#codes.subarray(0, at8k.length));
    }
    out.push(this.#packet(this.payloadType, ts, this.#talkspurt, payload, nowMs));
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
    finiteArg(nowMs, 'AudioSender.pollRtcp: nowMs');
    const r = this.rtcp.poll(nowMs);
    return r && this.#srtp ? this.#srtp.protectRtcp(r) : r;
  }

  /** Hand received RTCP (reports about our stream) to the sender; bad datagrams are dropped. */
  receiveRtcp(datagram: Uint8Array, nowMs: number): boolean {
    finiteArg(nowMs, 'AudioSender.receiveRtcp: nowMs'); // the caller's clock: not dropped like bad datagrams
    const plain = this.#srtp ? unprotectOrCode(this.#srtp, true, datagram) : datagram;
    if (typeof plain === 'string') return false;
    try {
      this.rtcp.onRtcpReceived(parseRtcp(plain), datagram.length + 28, nowMs);
      return true;
    } catch {
      return false;
    }
  }

  /** The final report with BYE (SRTCP-protected with srtp). */
  bye(nowMs: number, reason?: string): Uint8Array {
    finiteArg(nowMs, 'AudioSender.bye: nowMs');
    if (reason !== undefined) stringArg(reason, 'AudioSender.bye: reason');
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
    this.#opus?.close();
    this.#down?.close();
    this.rtcp.close();
  }
}
