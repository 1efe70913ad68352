/**
 * AudioReceiver: the receive path of a call, sans-IO.
 *
 * datagram → (RTCP? → SRTCP unprotect → reports) | (optional SRTP unprotect →
 * RTP parse → SSRC / payload-type dispatch → jitter buffer | RFC 4733 events
 * | RFC 3389 CN) ; then, on the playout clock, poll(nowMs) → jitter buffer
 * (decode, concealment, time-stretch) → comfort noise during the peer's DTX
 * → optional noise suppression → 8 kHz PCM frames.
 *
 * Nothing thrown out of receive(): bad datagrams (not RTP/RTCP, failed SRTP
 * authentication or replay, wrong SSRC, unknown payload type, malformed
 * events) are counted in stats().dropped and dropped.
 *
 * SSRC changes: the first SSRC is followed; another SSRC takes over when the
 * current one has been silent for `ssrcSwitchMs` (the jitter buffer resets
 * on it). Payload-type changes mid-call re-create the jitter buffer for the
 * new codec. Every codec plays through the same adaptive jitter buffer:
 * G.711 is decoded in the core; Opus (RFC 7587) by the kit's Opus decoder
 * (libopus, or opusscript on WASM), which the buffer drives for each packet,
 * for its concealment, and for in-band FEC from the next packet when a
 * packet is missing (docs/jitter.md).
 */
import type { VoipKit } from '../index.js';
import { invalidArg } from '../errors.js';
import { bytesOrNull, finiteArg, instanceArg, kitArg, objectArg, optionsArg } from '../guard.js';
import { RtpView } from '../rtp/RtpPacket.js';
import { parseRtcp } from '../rtp/rtcp.js';
import { SrtpSession, unprotectOrCode } from '../srtp/session.js';
import type { NoiseSuppressor } from '../dsp/ns.js';
import type { JitterBuffer, JitterBufferOptions, JitterOp, JitterStats, PollResult } from '../jitter/jitter-buffer.js';
import { DtmfDecoder, type DtmfReport } from './dtmf.js';
import type { ComfortNoiseGenerator } from './cn.js';
import { RtcpSession, type ReceptionStats } from './rtcp-session.js';
import type { AudioCodec } from './sender.js';
import type { Resampler } from '../dsp/resample.js';

export interface AudioReceiverOptions {
  /** Audio payload types and their codecs. Default { 0: 'pcmu', 8: 'pcma', 111: 'opus' }. */
  payloadTypes?: Record<number, AudioCodec>;
  /** Output sample rate, Hz: 8000 (default), 16000, 24000 or 48000. G.711 is resampled; Opus decodes at it. */
  sampleRate?: 8000 | 16000 | 24000 | 48000;
  /**
   * Opus: a floor under the adaptive jitter buffer's delay, ms (its
   * minDelayMs; `jitter.minDelayMs` wins when both are set). Before the
   * adaptive buffer served Opus this was a fixed playout delay. Default: no
   * floor (the delay adapts to the network).
   */
  opusDelayMs?: number;
  /** telephone-event payload type. Default 101. */
  dtmfPayloadType?: number;
  /** CN payload type. Default 13. */
  cnPayloadType?: number;
  /** Playout frame, ms: 10 or 20. Default 20. */
  ptimeMs?: number;
  /** Unprotect with this SRTP session (not closed by the receiver). */
  srtp?: SrtpSession;
  /** Accept only this SSRC. Default: follow the first, switch after ssrcSwitchMs of silence. */
  ssrc?: number;
  /** Silence of the current SSRC after which another may take over, ms. Default 1000. */
  ssrcSwitchMs?: number;
  /** Jitter buffer options (clockRate, codec and payloadType are set by the receiver). */
  jitter?: Omit<JitterBufferOptions, 'clockRate' | 'codec' | 'payloadType' | 'ptimeMs'>;
  /** Noise suppression on the output (strength 0..1, or true). Default off. */
  noiseSuppression?: boolean | number;
  /** Our SSRC for RTCP receiver reports. Default random. */
  localSsrc?: number;
  /** SDES CNAME. Default random. */
  cname?: string;
  /**
   * Share the RTCP session of the call's AudioSender (`sender.rtcp`): what
   * this receiver counts goes into the sender's reports (SR with report
   * blocks), the peer's reports about our stream give the sender the
   * round-trip time, and this receiver sends no reports of its own
   * (pollRtcp() returns undefined). Default: a session of its own, sending RRs.
   */
  rtcpSession?: RtcpSession;
  /** RTCP options. */
  rtcp?: { sessionBandwidth?: number; minIntervalMs?: number; random?: () => number; wallClockMs?: (nowMs: number) => number };
}

/** Why datagrams were dropped. */
export interface DropCounts {
  notRtp: number;
  srtp: number;
  srtcp: number;
  wrongSsrc: number;
  unknownPayloadType: number;
  badEvent: number;
  badRtcp: number;
  /** Rejected by the jitter buffer (payload too large, time went backwards). */
  jitter: number;
}

export interface AudioReceiverStats {
  datagrams: number;
  rtp: number;
  rtcp: number;
  dtmfPackets: number;
  cnPackets: number;
  ssrcChanges: number;
  payloadTypeChanges: number;
  dropped: DropCounts;
  /** SRTP failures by error code (auth_fail, replay_duplicate, ...). */
  srtpErrors: Record<string, number>;
  /** The jitter buffer's statistics (every codec; for Opus with `codec`, what the decoder did). */
  jitter: JitterStats | undefined;
  /** Opus: packets played (decoded), missing ones concealed by the decoder's PLC or rebuilt from the next packet's FEC, and packets that came too late to play. */
  opus?: { played: number; concealed: number; fec: number; late: number };
  /** RFC 3550 reception statistics of the followed source. */
  reception: ReceptionStats | undefined;
  /** Round-trip time from the peer's SR blocks about our RR... (only when the peer reports on us). */
  roundTripMs?: number;
  framesPlayed: number;
  framesCn: number;
  ssrc: number | undefined;
  /**
   * The last RTCP BYE that named the source being played when it arrived
   * (RFC 3550 §6.6): the peer has left; its reception statistics end there.
   * A later source that takes over does not clear it.
   */
  bye?: { ssrc: number; reason?: string; atMs: number };
}

export interface ReceivedFrame {
  /** ptime of 8 kHz audio. Valid until the next poll. */
  pcm: Int16Array;
  op: JitterOp | 'comfort-noise';
  /** The jitter buffer's own result for this frame (packets played, concealment); absent before the first packet. */
  jitter?: PollResult;
}

function random32(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0];
}

export class AudioReceiver {
  readonly ptimeMs: number;
  readonly frameSamples: number;
  readonly rtcp: RtcpSession;
  readonly #kit: VoipKit;
  readonly #pts: Map<number, AudioCodec>;
  readonly sampleRate: 8000 | 16000 | 24000 | 48000;
  readonly #opusDelayMs: number | undefined;
  #up?: Resampler;
  #codec: AudioCodec | undefined;
  readonly #dtmfPt: number;
  readonly #cnPt: number;
  readonly #srtp?: SrtpSession;
  readonly #ns?: NoiseSuppressor;
  readonly #jbOptions: AudioReceiverOptions['jitter'];
  readonly #fixedSsrc?: number;
  readonly #switchMs: number;
  readonly #ownsRtcp: boolean;
  /** telephone-events share the audio's RTP clock (8 kHz G.711, 48 kHz Opus; 8 kHz before any audio). */
  #dtmf = new DtmfDecoder({ clockRate: 8000 });
  readonly #events: DtmfReport[] = [];
  readonly #view = new RtpView();
  readonly #frame: Int16Array;
  readonly #frame8k: Int16Array;
  readonly #nsOut: Int16Array;
  #jb?: JitterBuffer;
  #jbPt = -1;
  #cng?: ComfortNoiseGenerator;
  #cnActive = false;
  #ssrc: number | undefined;
  #bye: { ssrc: number; reason?: string; atMs: number } | undefined;
  #lastHeardMs = -Infinity;
  #lastPushMs = -Infinity;
  #closed = false;
  #s = {
    datagrams: 0, rtp: 0, rtcp: 0, dtmfPackets: 0, cnPackets: 0, ssrcChanges: 0, payloadTypeChanges: 0, framesPlayed: 0, framesCn: 0,
    dropped: { notRtp: 0, srtp: 0, srtcp: 0, wrongSsrc: 0, unknownPayloadType: 0, badEvent: 0, badRtcp: 0, jitter: 0 } as DropCounts,
    srtpErrors: {} as Record<string, number>,
  };

  constructor(kit: VoipKit, nowMs: number, options?: AudioReceiverOptions) {
    kitArg(kit, 'AudioReceiver: kit');
    finiteArg(nowMs, 'AudioReceiver: nowMs');
    options = optionsArg(options, 'AudioReceiver: options');
    if (options.payloadTypes !== undefined) objectArg(options.payloadTypes, 'AudioReceiver: options.payloadTypes');
    if (options.srtp !== undefined) instanceArg(options.srtp, SrtpSession, 'AudioReceiver: options.srtp');
    this.#kit = kit;
    this.ptimeMs = options.ptimeMs ?? 20;
    if (this.ptimeMs !== 10 && this.ptimeMs !== 20) invalidArg(`AudioReceiver: ptimeMs must be 10 or 20, got ${this.ptimeMs}`);
    this.sampleRate = options.sampleRate ?? 8000;
    if (![8000, 16000, 24000, 48000].includes(this.sampleRate)) invalidArg(`AudioReceiver: sampleRate must be 8000, 16000, 24000 or 48000, got ${this.sampleRate}`);
    this.frameSamples = (this.ptimeMs * this.sampleRate) / 1000;
    const od = options.opusDelayMs;
    if (od !== undefined && (typeof od !== 'number' || !Number.isFinite(od) || od < 0)) {
      invalidArg(`AudioReceiver: opusDelayMs must be a non-negative number of ms, got ${String(od)}`);
    }
    // a floor under the adaptive delay, within the buffer's maximum
    this.#opusDelayMs = od === undefined ? undefined : Math.min(Math.round(od), options.jitter?.maxDelayMs ?? 2000);
    const pts: Record<number, AudioCodec> = options.payloadTypes ?? { 0: 'pcmu', 8: 'pcma', 111: 'opus' };
    this.#pts = new Map(Object.entries(pts).map(([k, v]): [number, AudioCodec] => [Number(k), v]));
    for (const [pt, c] of this.#pts) {
      if (!Number.isInteger(pt) || pt < 0 || pt > 127 || (c !== 'pcmu' && c !== 'pcma' && c !== 'opus')) invalidArg(`AudioReceiver: payloadTypes maps 0..127 to 'pcmu' | 'pcma' | 'opus', got ${pt}: ${String(c)}`);
    }
    if (this.sampleRate !== 8000) this.#up = kit.createResampler({ inputRate: 8000, outputRate: this.sampleRate, quality: 4 });
    this.#dtmfPt = options.dtmfPayloadType ?? 101;
    this.#cnPt = options.cnPayloadType ?? 13;
    this.#srtp = options.srtp;
    this.#jbOptions = options.jitter;
    this.#fixedSsrc = options.ssrc === undefined ? undefined : options.ssrc >>> 0;
    this.#switchMs = options.ssrcSwitchMs ?? 1000;

    this.#frame = new Int16Array(this.frameSamples);
    this.#frame8k = new Int16Array(this.ptimeMs * 8);
    this.#nsOut = new Int16Array(this.frameSamples);
    if (options.noiseSuppression) {
      if (this.sampleRate === 24000) invalidArg('AudioReceiver: noise suppression runs at 8, 16 or 48 kHz, not 24 kHz');
      this.#ns = kit.createNoiseSuppressor({ sampleRate: this.sampleRate as 8000, ...(typeof options.noiseSuppression === 'number' ? { strength: options.noiseSuppression } : {}) });
    }
    this.#ownsRtcp = !options.rtcpSession;
    this.rtcp = options.rtcpSession ?? new RtcpSession(kit, nowMs, {
      ssrc: (options.localSsrc ?? random32()) >>> 0,
      cname: options.cname ?? `voipkit-${random32().toString(16)}`,
      clockRate: 8000,
      ...options.rtcp,
    });
  }

  /** The SSRC being played, if any. */
  get ssrc(): number | undefined {
    return this.#ssrc;
  }

  /** Account for one received datagram. Never throws for bad input: it is counted and dropped. */
  receive(datagram: Uint8Array, nowMs: number): void {
    finiteArg(nowMs, 'AudioReceiver.receive: nowMs'); // the caller's clock: not dropped like bad datagrams
    if (this.#closed) return;
    datagram = bytesOrNull(datagram)!; // a fake or Proxy: null, dropped below as not RTP
    this.#s.datagrams++;
    if (!(datagram instanceof Uint8Array) || datagram.length < 4 || (datagram[0] & 0xc0) !== 0x80) {
      this.#s.dropped.notRtp++;
      return;
    }
    const isRtcpPacket = datagram[1] >= 192 && datagram[1] <= 223;
    if (isRtcpPacket) return this.#receiveRtcp(datagram, nowMs);

    let rtp = datagram;
    if (this.#srtp) {
      // the non-throwing form: a flood of forgeries costs no Error each
      const r = unprotectOrCode(this.#srtp, false, datagram);
      if (typeof r === 'string') {
        this.#s.dropped.srtp++;
        this.#s.srtpErrors[r] = (this.#s.srtpErrors[r] ?? 0) + 1;
        return;
      }
      rtp = r;
    }
    const v = this.#view;
    try {
      v.reset(rtp);
    } catch {
      this.#s.dropped.notRtp++;
      return;
    }
    const ssrc = v.ssrc;
    if (!this.#acceptSsrc(ssrc, nowMs)) {
      this.#s.dropped.wrongSsrc++;
      return;
    }
    const pt = v.payloadType;
    if (pt === this.#dtmfPt) {
      try {
        const clock = this.#codec === 'opus' ? 48000 : 8000;
        if (this.#dtmf.clockRate !== clock) {
          this.#events.push(...this.#dtmf.flush());
          this.#dtmf = new DtmfDecoder({ clockRate: clock });
        }
        this.#events.push(...this.#dtmf.push(v.timestamp, v.payload));
        this.#s.dtmfPackets++;
        this.#count(v, nowMs);
      } catch {
        this.#s.dropped.badEvent++;
      }
      return;
    }
    if (pt === this.#cnPt) {
      if (v.payloadLength < 1) {
        this.#s.dropped.badEvent++;
        return;
      }
      this.#cng ??= this.#kit.createComfortNoiseGenerator({ seed: ssrc || 1 });
      this.#cng.update(v.payload);
      this.#cnActive = true;
      this.#s.cnPackets++;
      this.#count(v, nowMs);
      return;
    }
    const codec = this.#pts.get(pt);
    if (codec === undefined) {
      this.#s.dropped.unknownPayloadType++;
      return;
    }
    if (pt !== this.#jbPt) {
      try {
        this.#switchCodec(pt, codec);
      } catch {
        // no decoder for it here (Opus without libopus or opusscript), or bad jitter options
        this.#s.dropped.unknownPayloadType++;
        return;
      }
    }
    try {
      // the jitter buffer needs non-decreasing arrival times
      const at = Math.max(nowMs, this.#lastPushMs);
      this.#jb!.push(rtp, at);
      this.#lastPushMs = at;
    } catch {
      this.#s.dropped.jitter++;
      return;
    }
    this.#cnActive = false;
    this.#s.rtp++;
    this.#count(v, nowMs);
  }

  #count(v: RtpView, nowMs: number, clockRate?: number): void {
    this.rtcp.onRtpReceived(v.ssrc, v.sequenceNumber, v.timestamp, v.payloadLength, nowMs, clockRate ?? (this.#codec === 'opus' ? 48000 : 8000));
  }

  #acceptSsrc(ssrc: number, nowMs: number): boolean {
    if (this.#fixedSsrc !== undefined) {
      if (ssrc !== this.#fixedSsrc) return false;
      this.#ssrc = ssrc;
    } else if (this.#ssrc === undefined) {
      this.#ssrc = ssrc;
    } else if (ssrc !== this.#ssrc) {
      if (nowMs - this.#lastHeardMs < this.#switchMs) return false;
      this.#ssrc = ssrc;
      this.#s.ssrcChanges++;
      this.#dtmf.flush();
      // a new Opus source gets a fresh buffer and decoder with its first
      // packet (G.711: the buffer itself resets on the new SSRC)
      if (this.#codec === 'opus') {
        this.#jb?.close();
        this.#jb = undefined;
        this.#jbPt = -1;
      }
    }
    this.#lastHeardMs = nowMs;
    return true;
  }

  #switchCodec(pt: number, codec: AudioCodec): void {
    if (this.#jb && pt !== this.#jbPt) this.#s.payloadTypeChanges++;
    this.#jb?.close();
    this.#jb = undefined;
    this.#jbPt = -1;
    this.#codec = codec;
    if (codec === 'opus') {
      // decoded at the output rate: no resampling
      const floor = this.#opusDelayMs === undefined ? {} : { minDelayMs: this.#opusDelayMs };
      this.#jb = this.#kit.createJitterBuffer({ ...floor, ...this.#jbOptions, clockRate: 48000, sampleRate: this.sampleRate, codec, payloadType: pt, ptimeMs: this.ptimeMs });
    } else {
      this.#jb = this.#kit.createJitterBuffer({ ...this.#jbOptions, clockRate: 8000, codec, payloadType: pt, ptimeMs: this.ptimeMs });
    }
    this.#jbPt = pt;
  }

  #receiveRtcp(datagram: Uint8Array, nowMs: number): void {
    let plain = datagram;
    if (this.#srtp) {
      const r = unprotectOrCode(this.#srtp, true, datagram);
      if (typeof r === 'string') {
        this.#s.dropped.srtcp++;
        this.#s.srtpErrors[r] = (this.#s.srtpErrors[r] ?? 0) + 1;
        return;
      }
      plain = r;
    }
    try {
      const byes = this.rtcp.onRtcpReceived(parseRtcp(plain), datagram.length + 28, nowMs);
      this.#s.rtcp++;
      // every BYE of the compound, not rtcp.lastBye: another source's BYE may follow the played one's
      const ssrc = this.#ssrc;
      for (const b of byes) {
        if (ssrc !== undefined && b.ssrcs.includes(ssrc)) this.#bye = { ssrc, ...(b.reason !== undefined ? { reason: b.reason } : {}), atMs: b.atMs };
      }
    } catch {
      this.#s.dropped.badRtcp++;
    }
  }

  /** DTMF start / end reports received since the last call. */
  events(): DtmfReport[] {
    return this.#events.splice(0, this.#events.length);
  }

  /**
   * The next frame for playout at nowMs (call every ptimeMs on the playout
   * clock). Before any audio: silence (or comfort noise after a CN packet).
   */
  poll(nowMs: number): ReceivedFrame {
    finiteArg(nowMs, 'AudioReceiver.poll: nowMs');
    let pcm: Int16Array = this.#frame;
    let op: ReceivedFrame['op'] = 'cng';
    let jitter: PollResult | undefined;
    if (this.#codec === 'opus' && this.#jb) {
      const r = this.#jb.poll(nowMs, this.#frame);
      pcm = r.pcm;
      op = r.op;
      jitter = r;
    } else {
      let p8 = this.#frame8k;
      if (this.#jb) {
        const r = this.#jb.poll(nowMs, this.#frame8k);
        p8 = r.pcm;
        op = r.op;
        jitter = r;
      } else {
        p8.fill(0);
      }
      if (this.#cnActive && this.#cng && (op === 'expand' || op === 'cng')) {
        this.#cng.generate(p8);
        op = 'comfort-noise';
        this.#s.framesCn++;
      }
      if (this.#up) {
        const y = this.#up.process(p8, pcm);
        if (y.length < pcm.length) pcm.fill(0, y.length); // only at start-up (latency)
      } else {
        pcm = p8;
      }
    }
    if (this.#ns) pcm = this.#ns.process(pcm, this.#nsOut);
    this.#s.framesPlayed++;
    return { pcm, op, jitter };
  }

  /** An RTCP receiver report if one is due (SRTCP-protected with srtp). */
  pollRtcp(nowMs: number): Uint8Array | undefined {
    finiteArg(nowMs, 'AudioReceiver.pollRtcp: nowMs');
    if (!this.#ownsRtcp) return undefined;
    const r = this.rtcp.poll(nowMs);
    return r && this.#srtp ? this.#srtp.protectRtcp(r) : r;
  }

  stats(): AudioReceiverStats {
    const rec = this.rtcp.receptionStats().find((r) => r.ssrc === this.#ssrc);
    const jitter = this.#jb?.stats();
    const c = jitter?.codec;
    return {
      ...this.#s,
      dropped: { ...this.#s.dropped },
      srtpErrors: { ...this.#s.srtpErrors },
      jitter,
      ...(this.#codec === 'opus' && jitter && c ? { opus: { played: c.decoded, concealed: c.concealed, fec: c.fec, late: jitter.late } } : {}),
      reception: rec,
      roundTripMs: this.rtcp.senderStats().roundTripMs,
      ssrc: this.#ssrc,
      ...(this.#bye ? { bye: { ...this.#bye } } : {}),
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#jb?.close();
    this.#cng?.close();
    this.#ns?.close();
    this.#up?.close();
    if (this.#ownsRtcp) this.rtcp.close();
  }
}
