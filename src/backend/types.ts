/**
 * The Backend contract: what the native addon and the WASM module both
 * provide.  A backend only moves bytes and handles; the public classes in
 * src/ own argument checking, errors and object lifetimes.
 *
 * Conventions (see DEVELOPERS.md):
 *  - Each capability has its own sub-interface here and one implementation
 *    file per backend: src/backend/native/<cap>.ts and src/backend/wasm/<cap>.ts.
 *  - Methods return the core's int32 result: a length / value >= 0, or a
 *    negative status that the caller turns into an error with check().
 *  - Handles are opaque ({@link Handle}); the caller guarantees that a handle
 *    is used only before its destroy call.
 *  - Arguments are already validated by the caller (types, ranges, lengths);
 *    backends check again only what memory safety needs.
 */

/** An opaque core object: an External (native) or a heap address (WASM). */
export type Handle = unknown;

export type BackendKind = 'native' | 'wasm';

export interface CoreBackend {
  strerror(status: number): string;
  /** Core version as 0xMMmmpp. */
  version(): number;
}

export interface G711Backend {
  /** Encode pcm into out (out.length >= pcm.length). Returns n or status. */
  encode(law: number, pcm: Int16Array, out: Uint8Array): number;
  /** Decode codes into out (out.length >= codes.length). Returns n or status. */
  decode(law: number, codes: Uint8Array, out: Int16Array): number;
}

export interface SeqBackend {
  /** Returns a handle, or a negative status. */
  create(probation: number): Handle | number;
  destroy(h: Handle): void;
  /** Returns a vk_seq_result (>= 0) or a status; writes the extended seq to out[0]. */
  update(h: Handle, seq: number, out: Float64Array): number;
  /** Writes [extMax, expected, received, lost] to out. */
  stats(h: Handle, out: Float64Array): number;
  /** vk_seq_report: writes [cumulativeLost, fractionLost (0..255)] and starts a new interval. */
  report(h: Handle, out: Float64Array): number;
}

/** SRTP / SRTCP sessions (native/core/include/vk_srtp.h). */
export interface SrtpBackend {
  /** cfg: the vk_srtp_config fields in order (8 x uint32). Returns a handle or a status. */
  create(cfg: Uint32Array, key: Uint8Array, salt: Uint8Array, mki: Uint8Array | undefined): Handle | number;
  destroy(h: Handle): void;
  /** Each reads `input` and writes `out` (may be the same view: in place); returns a length or a status. */
  protectRtp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  unprotectRtp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  protectRtcp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  unprotectRtcp(h: Handle, input: Uint8Array, out: Uint8Array): number;
  /** vk_srtp_batch: packets in place in buf; len[i] receives each result. Returns the count that succeeded or a status. */
  batch(h: Handle, op: number, buf: Uint8Array, off: Uint32Array, len: Int32Array, cap: Uint32Array, n: number): number;
  setRoc(h: Handle, ssrc: number, roc: number): number;
  setRtcpIndex(h: Handle, ssrc: number, index: number): number;
  /** Writes the VK_SRTP_STAT_* values; returns how many. */
  stats(h: Handle, out: Float64Array): number;
  /** Writes 6 values (see vk_srtp_stream_info) or returns a status. */
  streamInfo(h: Handle, ssrc: number, out: Float64Array): number;
  /** out = [keyLen, saltLen, rtpOverhead (tag), rtcpOverhead (tag + 4)], before MKI. */
  profileInfo(profile: number, out: Uint32Array): number;
}

export interface JitterBackend {
  /** config: Int32Array of vk_jb_config fields. Returns a handle or a negative status. */
  create(config: Int32Array): Handle | number;
  destroy(h: Handle): void;
  reset(h: Handle): number;
  /** Returns a vk_jb_push_result (>= 0) or a status. */
  push(h: Handle, packet: Uint8Array, arrivalMs: number): number;
  /** Writes one frame to pcm and the poll info to info; returns samples or a status. */
  poll(h: Handle, nowMs: number, pcm: Int16Array, info: Int32Array): number;
  /** Writes the statistics (vk_jb_stats order) to out; returns the count or a status. */
  stats(h: Handle, out: Float64Array): number;
  /**
   * HOST codec (poll returned 0): writes the pending request (VK_JB_REQ_LEN
   * int32s, see vk_jb_request) to req and its payload to payload (room for
   * max payload bytes); returns the payload length (0: none) or a status.
   */
  request(h: Handle, req: Int32Array, payload: Uint8Array): number;
  /** Answers the pending request with pcm[0..n), or n = -1 for "could not". Returns a status. */
  supply(h: Handle, pcm: Int16Array, n: number): number;
}

export interface NsBackend {
  /** Returns a handle, or a negative status. */
  create(sampleRate: number, strength: number): Handle | number;
  destroy(h: Handle): void;
  /** in.length a positive multiple of the frame size; out.length >= in.length; out may be in. Returns n or status. */
  processF32(h: Handle, input: Float32Array, out: Float32Array): number;
  processI16(h: Handle, input: Int16Array, out: Int16Array): number;
  reset(h: Handle): number;
  configure(h: Handle, strength: number, transient: number): number;
  /** Writes the vk_ns_stats values to out; returns the count or a status. */
  stats(h: Handle, out: Float32Array): number;
}

export interface ResampleBackend {
  /** Returns a handle, or a negative status. */
  create(inRate: number, outRate: number, channels: number, quality: number): Handle | number;
  destroy(h: Handle): void;
  /** Writes [up, down, taps, latency, channels, cutoff, attenuationDb] to out. */
  info(h: Handle, out: Float64Array): number;
  /** Output frames the next process call with inFrames frames will produce. */
  outputFrames(h: Handle, inFrames: number): number;
  flushFrames(h: Handle): number;
  reset(h: Handle): void;
  /** Interleaved whole frames in; returns frames written or a status. */
  processI16(h: Handle, input: Int16Array, out: Int16Array): number;
  processF32(h: Handle, input: Float32Array, out: Float32Array): number;
  flushI16(h: Handle, out: Int16Array): number;
  flushF32(h: Handle, out: Float32Array): number;
}

/** Who serves Opus: the system libopus (native addon) or the opusscript package. */
export type OpusProvider = 'native' | 'opusscript';

/**
 * Opus (RFC 6716).  The native addon serves it from the system libopus when
 * it was built with it; otherwise, and in the WASM build, the opusscript
 * package does (src/backend/opusscript.ts).  Params are vk_opus.h's
 * VK_OPUS_* numbers (libopus' OPUS_SET_* request codes).
 */
export interface OpusBackend {
  readonly provider: OpusProvider;
  /** e.g. "libopus 1.3.1". */
  readonly version: string;
  /** False where in-band FEC cannot be decoded (opusscript: decodeFec conceals). */
  readonly canDecodeFec: boolean;
  encoderCreate(sampleRate: number, channels: number, application: number): Handle | number;
  encoderDestroy(h: Handle): void;
  encoderSet(h: Handle, param: number, value: number): number;
  /** Writes the value to out[0]; returns a status. */
  encoderGet(h: Handle, param: number, out: Int32Array): number;
  /** pcm holds frameSize * channels samples. Returns the packet length or a status. */
  encode(h: Handle, pcm: Int16Array | Float32Array, frameSize: number, out: Uint8Array, channels: number): number;
  decoderCreate(sampleRate: number, channels: number): Handle | number;
  decoderDestroy(h: Handle): void;
  decoderGet(h: Handle, param: number, out: Int32Array): number;
  /**
   * mode 0: decode packet into out (frames = capacity per channel);
   * 1: conceal `frames` samples per channel (packet ignored);
   * 2: recover the lost frame (`frames` long) from the FEC in packet (the next one).
   * Returns samples per channel or a status.
   */
  decode(h: Handle, mode: number, packet: Uint8Array | null, out: Int16Array | Float32Array, frames: number, channels: number): number;
  /** Live objects, and for opusscript the module instances and their heap bytes. */
  stats(): OpusBackendStats;
}

export interface OpusBackendStats {
  encoders: number;
  decoders: number;
  /** opusscript: module instances alive (each has its own heap). 0 for native. */
  modules: number;
  /** opusscript: sum of the module heaps in bytes. 0 for native. */
  heapBytes: number;
}

export interface CngBackend {
  /** RFC 3389 analysis of pcm into out (1 + order bytes). Returns length or status. */
  analyze(pcm: Int16Array, order: number, out: Uint8Array): number;
  /** Returns a generator handle, or a negative status. */
  create(seed: number): Handle | number;
  destroy(h: Handle): void;
  update(h: Handle, payload: Uint8Array): number;
  /** Fills out with comfort noise; returns out.length or a status. */
  generate(h: Handle, out: Int16Array): number;
}

export interface Backend {
  readonly kind: BackendKind;
  readonly core: CoreBackend;
  readonly g711: G711Backend;
  readonly seq: SeqBackend;
  readonly srtp: SrtpBackend;
  readonly jitter: JitterBackend;
  readonly ns: NsBackend;
  readonly resample: ResampleBackend;
  /** Opus from libopus in this build, or null (then the TypeScript layer uses opusscript). */
  readonly opus: OpusBackend | null;
  readonly cng: CngBackend;
}
