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

export interface Backend {
  readonly kind: BackendKind;
  readonly core: CoreBackend;
  readonly g711: G711Backend;
  readonly seq: SeqBackend;
  /** Opus from libopus in this build, or null (then the TypeScript layer uses opusscript). */
  readonly opus: OpusBackend | null;
}
