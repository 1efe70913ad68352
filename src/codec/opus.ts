/**
 * Opus encoder and decoder (RFC 6716) for VoIP: the system libopus in the
 * native build, the opusscript package in the WASM build (and in a native
 * build without libopus).  `kit.features.opus` says which.
 */
import type { Handle, OpusBackend } from '../backend/types.js';
import { OPUS_PARAM, validPlcSize } from '../backend/opus-common.js';
import { PacketError, VoipKitError, check, invalidArg } from '../errors.js';
import { CoreResource } from '../resource.js';
import { inspectOpusPacket, opusPacketSamples48k, type OpusBandwidth } from './opus-packet.js';
import { boolArg, pcmArg, typedArrayArg } from '../guard.js';

export type OpusSampleRate = 8000 | 12000 | 16000 | 24000 | 48000;
export type OpusApplication = 'voip' | 'audio' | 'lowdelay';
export type OpusFrameMs = 2.5 | 5 | 10 | 20 | 40 | 60;
export type OpusSignal = 'auto' | 'voice' | 'music';

const RATES = [8000, 12000, 16000, 24000, 48000];
const APPS: Record<OpusApplication, number> = { voip: 2048, audio: 2049, lowdelay: 2051 };
const FRAME_MS = [2.5, 5, 10, 20, 40, 60];
const BW: Record<OpusBandwidth, number> = {
  narrowband: 1101,
  mediumband: 1102,
  wideband: 1103,
  superwideband: 1104,
  fullband: 1105,
};
const SIGNALS: Record<OpusSignal, number> = { auto: -1000, voice: 3001, music: 3002 };

export interface OpusEncoderOptions {
  /** Input sample rate in Hz. Required. */
  sampleRate: OpusSampleRate;
  /** 1 or 2 (interleaved input). Default 1. */
  channels?: 1 | 2;
  /** 'voip' (speech, default), 'audio' (music, fidelity) or 'lowdelay' (CELT only, no SILK, no FEC). */
  application?: OpusApplication;
  /** Target bit/s, 500..512000, or 'auto' (default: libopus picks from rate and channels) or 'max'. */
  bitrate?: number | 'auto' | 'max';
  /** 0..10; higher is better and slower. Default: libopus' (9 since libopus 1.3, 10 before). */
  complexity?: number;
  /** Variable bitrate. Default true. */
  vbr?: boolean;
  /** With vbr: keep each packet near the target (constrained VBR). Default true. */
  constrainedVbr?: boolean;
  /** In-band FEC (SILK LBRR) for the previous frame. Default false. Spent only when packetLossPercent > 0. */
  fec?: boolean;
  /** Expected packet loss, 0..100 %. Default 0. Drives how much FEC is spent. */
  packetLossPercent?: number;
  /** Discontinuous transmission: 1-byte packets during silence (send none or keep-alives). Default false. */
  dtx?: boolean;
  /** Frame duration; every encode() takes exactly one frame. Default 20. */
  frameMs?: OpusFrameMs;
  /** Highest audio bandwidth coded. Default 'fullband'. */
  maxBandwidth?: OpusBandwidth;
  /** Content hint. Default 'auto'. */
  signal?: OpusSignal;
}

export interface OpusDecoderOptions {
  /** Output sample rate in Hz (any Opus stream decodes at any of them). Required. */
  sampleRate: OpusSampleRate;
  /** Output channels 1 or 2 (a stereo stream is downmixed, mono upmixed). Default 1. */
  channels?: 1 | 2;
  /** Sample type returned when no `out` is given: 'int16' (default) or 'float32' ([-1, 1]). */
  output?: 'int16' | 'float32';
}

export interface OpusDecodeOptions {
  /** Concealment / FEC: duration of the lost frame, a multiple of 2.5 ms up to 120. Default: the last packet's duration (20 ms before any). */
  durationMs?: number;
}

function checkInt(name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    invalidArg(`${name} must be an integer in ${lo}..${hi}, got ${String(v)}`);
  }
  return v;
}

function bitrateValue(b: unknown): number {
  if (b === 'auto') return -1000;
  if (b === 'max') return -1;
  return checkInt('bitrate', b, 500, 512000);
}

/** Common checks of the two classes' numeric options. */
function rateOf(o: { sampleRate?: unknown } | undefined, who: string): OpusSampleRate {
  if (!o || typeof o !== 'object') invalidArg(`${who}: options with a sampleRate are required`);
  const r = o.sampleRate;
  if (!RATES.includes(r as number)) invalidArg(`${who}: sampleRate must be 8000, 12000, 16000, 24000 or 48000, got ${String(r)}`);
  return r as OpusSampleRate;
}

function channelsOf(c: unknown, who: string): 1 | 2 {
  if (c === undefined) return 1;
  if (c !== 1 && c !== 2) invalidArg(`${who}: channels must be 1 or 2, got ${String(c)}`);
  return c;
}

/**
 * An Opus encoder: one frame of PCM in, one packet out.  Holds core memory
 * (libopus state, ~20-45 kB): call close() when done.
 */
export class OpusEncoder extends CoreResource {
  readonly #b: OpusBackend;
  readonly #scratch = new Uint8Array(4000);
  readonly #get = new Int32Array(1);
  /** Input sample rate in Hz. */
  readonly sampleRate: OpusSampleRate;
  readonly channels: 1 | 2;
  readonly application: OpusApplication;
  /** Frame duration in ms. */
  readonly frameMs: OpusFrameMs;
  /** Samples per channel in one frame (frameMs at sampleRate). */
  readonly frameSize: number;

  /** @internal use kit.createOpusEncoder() */
  constructor(backend: OpusBackend, options: OpusEncoderOptions) {
    const rate = rateOf(options, 'createOpusEncoder');
    const channels = channelsOf(options.channels, 'createOpusEncoder');
    const application = options.application ?? 'voip';
    if (!(application in APPS)) invalidArg(`createOpusEncoder: application must be 'voip', 'audio' or 'lowdelay', got ${String(application)}`);
    const frameMs = options.frameMs ?? 20;
    if (!FRAME_MS.includes(frameMs)) invalidArg(`createOpusEncoder: frameMs must be 2.5, 5, 10, 20, 40 or 60, got ${String(frameMs)}`);
    // Check every option before creating the core object.
    const settings: Array<[number, number]> = [];
    if (options.bitrate !== undefined) settings.push([OPUS_PARAM.bitrate, bitrateValue(options.bitrate)]);
    if (options.complexity !== undefined) settings.push([OPUS_PARAM.complexity, checkInt('complexity', options.complexity, 0, 10)]);
    if (options.vbr !== undefined) settings.push([OPUS_PARAM.vbr, options.vbr ? 1 : 0]);
    if (options.constrainedVbr !== undefined) settings.push([OPUS_PARAM.vbrConstraint, options.constrainedVbr ? 1 : 0]);
    if (options.fec !== undefined) settings.push([OPUS_PARAM.inbandFec, options.fec ? 1 : 0]);
    if (options.packetLossPercent !== undefined) settings.push([OPUS_PARAM.packetLossPerc, checkInt('packetLossPercent', options.packetLossPercent, 0, 100)]);
    if (options.dtx !== undefined) settings.push([OPUS_PARAM.dtx, options.dtx ? 1 : 0]);
    if (options.maxBandwidth !== undefined) {
      const bw = BW[options.maxBandwidth];
      if (bw === undefined) invalidArg(`createOpusEncoder: maxBandwidth must be one of ${Object.keys(BW).join(', ')}, got ${String(options.maxBandwidth)}`);
      settings.push([OPUS_PARAM.maxBandwidth, bw]);
    }
    if (options.signal !== undefined) {
      const s = SIGNALS[options.signal];
      if (s === undefined) invalidArg(`createOpusEncoder: signal must be 'auto', 'voice' or 'music', got ${String(options.signal)}`);
      settings.push([OPUS_PARAM.signal, s]);
    }
    const h = backend.encoderCreate(rate, channels, APPS[application]);
    if (typeof h === 'number') check(h, 'createOpusEncoder');
    super(h as Handle, (x) => backend.encoderDestroy(x), 'OpusEncoder');
    this.#b = backend;
    this.sampleRate = rate;
    this.channels = channels;
    this.application = application;
    this.frameMs = frameMs;
    this.frameSize = (rate / 1000) * frameMs;
    try {
      for (const [p, v] of settings) check(backend.encoderSet(h, p, v), 'createOpusEncoder');
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /**
   * Encode one frame.
   * @param pcm exactly frameSize * channels interleaved samples: Int16Array,
   *   or Float32Array in [-1, 1] (opusscript quantizes it to 16 bits).
   * @param out optional output buffer (1275 bytes holds any 20 ms packet;
   *   3832 anything). The result is a view of it; without it, a new array.
   * @returns the packet (RTP payload). Under DTX a 1-byte packet means
   *   silence: it need not be sent.
   * @throws VoipKitError `invalid_argument` (wrong type or length),
   *   `buffer_too_small` (out too short for this packet), `closed`, `codec`.
   */
  encode(pcm: Int16Array | Float32Array, out?: Uint8Array): Uint8Array {
    const h = this.handle;
    pcm = pcmArg(pcm, 'OpusEncoder.encode: pcm');
    if (out !== undefined) out = typedArrayArg(out, Uint8Array, 'OpusEncoder.encode: out');
    const need = this.frameSize * this.channels;
    if (pcm.length !== need) {
      invalidArg(`OpusEncoder.encode: pcm holds ${pcm.length} samples, expected ${need} (${this.frameMs} ms at ${this.sampleRate} Hz x ${this.channels} channel${this.channels > 1 ? 's' : ''})`);
    }
    if (out !== undefined && !(out instanceof Uint8Array)) invalidArg('OpusEncoder.encode: out must be a Uint8Array');
    // Always coded into the scratch (room for any packet), then copied: so
    // a short `out` is an error on both backends rather than a silent cap.
    const n = check(this.#b.encode(h, pcm, this.frameSize, this.#scratch, this.channels), 'OpusEncoder.encode');
    if (!out) return this.#scratch.slice(0, n);
    if (out.length < n) throw new VoipKitError('buffer_too_small', `OpusEncoder.encode: out holds ${out.length} bytes, the packet has ${n}`);
    out.set(n === this.#scratch.length ? this.#scratch : this.#scratch.subarray(0, n));
    return out.subarray(0, n);
  }

  #set(param: number, value: number, what: string): void {
    check(this.#b.encoderSet(this.handle, param, value), `OpusEncoder.${what}`);
  }
  #read(param: number, what: string): number {
    check(this.#b.encoderGet(this.handle, param, this.#get), `OpusEncoder.${what}`);
    return this.#get[0];
  }

  /** Target bitrate in bit/s (500..512000) or 'auto' / 'max'; takes effect on the next frame. */
  setBitrate(bitrate: number | 'auto' | 'max'): void {
    this.#set(OPUS_PARAM.bitrate, bitrateValue(bitrate), 'setBitrate');
  }
  /** Expected loss 0..100 %: more FEC and more robust prediction as it grows. */
  setPacketLossPercent(percent: number): void {
    this.#set(OPUS_PARAM.packetLossPerc, checkInt('packetLossPercent', percent, 0, 100), 'setPacketLossPercent');
  }
  /** Turn in-band FEC on or off. */
  setFec(on: boolean): void {
    this.#set(OPUS_PARAM.inbandFec, boolArg(on, 'OpusEncoder.setFec: on') ? 1 : 0, 'setFec');
  }
  /** Turn DTX on or off. */
  setDtx(on: boolean): void {
    this.#set(OPUS_PARAM.dtx, boolArg(on, 'OpusEncoder.setDtx: on') ? 1 : 0, 'setDtx');
  }
  /** 0..10. */
  setComplexity(complexity: number): void {
    this.#set(OPUS_PARAM.complexity, checkInt('complexity', complexity, 0, 10), 'setComplexity');
  }
  /** The bitrate the encoder targets now, bit/s. */
  get bitrate(): number {
    return this.#read(OPUS_PARAM.bitrate, 'bitrate');
  }
  get complexity(): number {
    return this.#read(OPUS_PARAM.complexity, 'complexity');
  }
  get fec(): boolean {
    return this.#read(OPUS_PARAM.inbandFec, 'fec') !== 0;
  }
  get dtx(): boolean {
    return this.#read(OPUS_PARAM.dtx, 'dtx') !== 0;
  }
  get packetLossPercent(): number {
    return this.#read(OPUS_PARAM.packetLossPerc, 'packetLossPercent');
  }
  /** Encoder delay in samples at sampleRate (the decoder output lags the input by this). */
  get lookahead(): number {
    return this.#read(OPUS_PARAM.lookahead, 'lookahead');
  }
}

/**
 * An Opus decoder, with concealment and in-band FEC recovery for lost
 * packets.  Holds core memory (~20-30 kB): call close() when done.
 */
export class OpusDecoder extends CoreResource {
  readonly #b: OpusBackend;
  readonly sampleRate: OpusSampleRate;
  readonly channels: 1 | 2;
  readonly output: 'int16' | 'float32';
  #lastSamples: number;
  #lastOut = 0;
  /** 120 ms at sampleRate: the most one packet can hold. */
  readonly #maxFrame: number;

  /** @internal use kit.createOpusDecoder() */
  constructor(backend: OpusBackend, options: OpusDecoderOptions) {
    const rate = rateOf(options, 'createOpusDecoder');
    const channels = channelsOf(options.channels, 'createOpusDecoder');
    const output = options.output ?? 'int16';
    if (output !== 'int16' && output !== 'float32') invalidArg(`createOpusDecoder: output must be 'int16' or 'float32', got ${String(output)}`);
    const h = backend.decoderCreate(rate, channels);
    if (typeof h === 'number') check(h, 'createOpusDecoder');
    super(h as Handle, (x) => backend.decoderDestroy(x), 'OpusDecoder');
    this.#b = backend;
    this.sampleRate = rate;
    this.channels = channels;
    this.output = output;
    this.#lastSamples = rate / 50;
    this.#maxFrame = (rate / 1000) * 120;
  }

  /** Whether decodeFec() really decodes FEC here (false on opusscript, where it conceals). */
  get canDecodeFec(): boolean {
    return this.#b.canDecodeFec;
  }

  #outFor(samples: number, out: Int16Array | Float32Array | undefined, what: string): Int16Array | Float32Array {
    const need = samples * this.channels;
    if (out === undefined) return this.output === 'int16' ? new Int16Array(need) : new Float32Array(need);
    if (!(out instanceof Int16Array) && !(out instanceof Float32Array)) invalidArg(`OpusDecoder.${what}: out must be an Int16Array or a Float32Array`);
    if (out.length < need) {
      throw new VoipKitError('buffer_too_small', `OpusDecoder.${what}: out holds ${out.length} samples, ${need} needed (${(samples / this.sampleRate) * 1000} ms x ${this.channels} channel${this.channels > 1 ? 's' : ''})`);
    }
    return out;
  }

  #samplesOf(packet: Uint8Array, what: string): number {
    if (!(packet instanceof Uint8Array)) invalidArg(`OpusDecoder.${what}: packet must be a Uint8Array (or null to conceal)`);
    if (packet.length === 0) invalidArg(`OpusDecoder.${what}: packet is empty (pass null to conceal a lost packet)`);
    const n48 = opusPacketSamples48k(packet);
    if (n48 < 0) inspectOpusPacket(packet); // throws the PacketError with the rule broken
    return n48 / (48000 / this.sampleRate);
  }

  #lostSamples(options: OpusDecodeOptions | undefined, what: string): number {
    if (options?.durationMs === undefined) return this.#lastSamples;
    if (typeof options.durationMs !== 'number') invalidArg(`OpusDecoder.${what}: durationMs must be a number, got ${typeof options.durationMs}`);
    const n = (options.durationMs * this.sampleRate) / 1000;
    if (!validPlcSize(this.sampleRate, n)) invalidArg(`OpusDecoder.${what}: durationMs must be a multiple of 2.5 up to 120, got ${String(options.durationMs)}`);
    return n;
  }

  /**
   * Decode one packet, or conceal one lost packet when `packet` is null.
   * @param out optional output (Int16Array, or Float32Array in [-1, 1]); must
   *   hold the packet's duration x channels. The result is a view of it.
   * @param options durationMs of the lost packet when concealing.
   * @returns interleaved samples, packet duration x channels.
   * @throws PacketError `corrupt` for a malformed or undecodable packet;
   *   VoipKitError `invalid_argument`, `buffer_too_small`, `closed`.
   */
  decode(packet: Uint8Array | null, out?: Int16Array | Float32Array, options?: OpusDecodeOptions): Int16Array | Float32Array {
    const h = this.handle;
    if (packet === null) return this.conceal(options?.durationMs, out);
    packet = typedArrayArg(packet, Uint8Array, 'OpusDecoder.decode: packet (or null to conceal)');
    if (out !== undefined) out = pcmArg(out, 'OpusDecoder.decode: out');
    let dst: Int16Array | Float32Array;
    let cap: number;
    if (out === undefined) {
      // Sized from the packet, so it is parsed here (RFC 6716 3.4 checks).
      cap = this.#samplesOf(packet, 'decode');
      dst = this.output === 'int16' ? new Int16Array(cap * this.channels) : new Float32Array(cap * this.channels);
    } else {
      // With a caller buffer the decoder checks the packet itself (both
      // backends refuse a malformed packet or one longer than out before
      // touching their state), so the hot path parses nothing twice.
      if (!(packet instanceof Uint8Array)) invalidArg('OpusDecoder.decode: packet must be a Uint8Array (or null to conceal)');
      if (packet.length === 0) invalidArg('OpusDecoder.decode: packet is empty (pass null to conceal a lost packet)');
      if (!(out instanceof Int16Array) && !(out instanceof Float32Array)) invalidArg('OpusDecoder.decode: out must be an Int16Array or a Float32Array');
      cap = Math.min(Math.floor(out.length / this.channels), this.#maxFrame);
      dst = out;
    }
    const r = cap > 0 ? this.#b.decode(h, 0, packet, dst, cap, this.channels) : -3;
    if (r < 0) this.#decodeError(r, packet, out);
    this.#lastSamples = r;
    this.#lastOut = r;
    return dst.length === r * this.channels ? dst : dst.subarray(0, r * this.channels);
  }

  #decodeError(r: number, packet: Uint8Array, out: Int16Array | Float32Array | undefined): never {
    if (r === -3 && out) {
      const n = opusPacketSamples48k(packet);
      if (n >= 0) this.#outFor(n / (48000 / this.sampleRate), out, 'decode'); // throws with the sizes
    }
    if (r === -61) {
      if (opusPacketSamples48k(packet) < 0) inspectOpusPacket(packet); // says which rule the packet breaks
      throw new PacketError('corrupt', `OpusDecoder.decode: corrupt Opus packet (${packet.length} bytes)`);
    }
    check(r, 'OpusDecoder.decode');
    throw new VoipKitError('internal', `OpusDecoder.decode: status ${r}`);
  }

  /**
   * Conceal one lost packet (packet loss concealment).
   * @param durationMs a multiple of 2.5 ms up to 120; default the last packet's duration.
   */
  conceal(durationMs?: number, out?: Int16Array | Float32Array): Int16Array | Float32Array {
    const h = this.handle;
    if (out !== undefined) out = pcmArg(out, 'OpusDecoder.conceal: out');
    const samples = this.#lostSamples({ durationMs }, 'conceal');
    const dst = this.#outFor(samples, out, 'conceal');
    const r = check(this.#b.decode(h, 1, null, dst, samples, this.channels), 'OpusDecoder.conceal');
    this.#lastOut = r;
    return dst.length === r * this.channels ? dst : dst.subarray(0, r * this.channels);
  }

  /**
   * Recover the lost packet preceding `nextPacket` from the in-band FEC that
   * `nextPacket` carries; then decode `nextPacket` itself with decode().
   * Without FEC in `nextPacket` (or on the opusscript backend, see
   * canDecodeFec) this conceals, as libopus does.
   * @param options durationMs of the lost packet; default the duration of
   *   one frame of nextPacket.
   */
  decodeFec(nextPacket: Uint8Array, out?: Int16Array | Float32Array, options?: OpusDecodeOptions): Int16Array | Float32Array {
    const h = this.handle;
    nextPacket = typedArrayArg(nextPacket, Uint8Array, 'OpusDecoder.decodeFec: nextPacket');
    if (out !== undefined) out = pcmArg(out, 'OpusDecoder.decodeFec: out');
    const nextSamples = this.#samplesOf(nextPacket, 'decodeFec');
    let samples: number;
    if (options?.durationMs === undefined) {
      const info = inspectOpusPacket(nextPacket);
      samples = (info.frameMs * this.sampleRate) / 1000;
      if (!Number.isInteger(samples)) samples = nextSamples;
    } else {
      samples = this.#lostSamples(options, 'decodeFec');
    }
    const dst = this.#outFor(samples, out, 'decodeFec');
    const r = this.#b.decode(h, 2, nextPacket, dst, samples, this.channels);
    if (r < 0) check(r, 'OpusDecoder.decodeFec', r === -61 ? PacketError : VoipKitError);
    this.#lastOut = r;
    return dst.length === r * this.channels ? dst : dst.subarray(0, r * this.channels);
  }

  /** Samples per channel the last decode(), conceal() or decodeFec() produced (the same on both backends). */
  get lastPacketDuration(): number {
    void this.handle; // throws when closed
    return this.#lastOut;
  }
}

