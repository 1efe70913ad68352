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
  readonly resample: ResampleBackend;
  readonly cng: CngBackend;
}
