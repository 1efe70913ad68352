/**
 * Noise suppression for 8, 16 and 48 kHz mono speech in 10 ms frames,
 * served by the C core (native/core/src/ns.c).  See docs/ns.md.
 */
import type { Backend, Handle } from '../backend/types.js';
import { check, invalidArg } from '../errors.js';
import { CoreResource } from '../resource.js';

/** Default {@link NoiseSuppressorOptions.strength}: gain floor -22.5 dB. */
export const NS_DEFAULT_STRENGTH = 0.5;
/** Algorithmic delay of the suppressor, in milliseconds (one 10 ms frame). */
export const NS_DELAY_MS = 10;

export type NsSampleRate = 8000 | 16000 | 48000;

export interface NoiseSuppressorOptions {
  /** Sample rate in Hz: 8000, 16000 or 48000. Required. */
  sampleRate: NsSampleRate;
  /**
   * How deep the suppression goes, 0..1. The gain floor is -45 dB x strength:
   * 0 passes the input through (delayed by 10 ms), 1 allows -45 dB.
   * Default {@link NS_DEFAULT_STRENGTH} (0.5, i.e. -22.5 dB).
   */
  strength?: number;
  /** Cut keyboard-like clicks with the transient detector. Default true. */
  transientSuppression?: boolean;
}

export interface NoiseSuppressorStats {
  /**
   * Estimated noise power in dBFS (0 dBFS = RMS of a full-scale square wave, i.e. +-1.0 or +-32768).
   * A minimum-statistics estimate: after more than about 2 s of speech without a pause it can rise
   * into the voice (31 dB over the true noise for a 3 s sentence over noise at -80 dBFS), and it
   * comes back to the noise within about 2 s once the speech stops (docs/ns.md, session 13,
   * "Noticed and left alone").
   */
  noiseLevelDbfs: number;
  /** Speech-presence probability of the last frame, 0..1 (mean over 100 Hz..4 kHz). */
  speechProbability: number;
  /** 10 ms frames processed since creation or reset(). */
  frames: number;
  /** Input samples that were NaN, infinite or beyond +-2^16 (floats) and were replaced. */
  sanitizedSamples: number;
  /** Clicks cut: frames in which the click detector fired within a train of clicks (two others in the second before; a lone click is let through and not counted), less those the next frame showed were not clicks (a sound that goes on). */
  transients: number;
  /** The gain floor in dB set by the strength. */
  gainFloorDb: number;
}

type Pcm = Int16Array | Float32Array;

/**
 * A noise suppressor for one mono stream.  Holds core memory: call close()
 * (or use `using`).  Not shareable between streams.
 */
export class NoiseSuppressor extends CoreResource {
  readonly #b: Backend['ns'];
  readonly #stats = new Float32Array(8);
  #strength: number;
  #transient: boolean;
  /** Sample rate in Hz. */
  readonly sampleRate: NsSampleRate;
  /** Samples per 10 ms frame: 80, 160 or 480. */
  readonly frameSize: number;
  /** Algorithmic delay in samples (the output lags the input by this much). */
  readonly delaySamples: number;

  /** @internal use kit.createNoiseSuppressor() */
  constructor(backend: Backend['ns'], options: NoiseSuppressorOptions) {
    if (options === null || typeof options !== 'object') invalidArg('createNoiseSuppressor: options { sampleRate } are required');
    const rate = options.sampleRate;
    if (rate !== 8000 && rate !== 16000 && rate !== 48000) {
      invalidArg(`createNoiseSuppressor: sampleRate must be 8000, 16000 or 48000, got ${String(rate)}`);
    }
    const strength = options.strength ?? NS_DEFAULT_STRENGTH;
    checkStrength(strength);
    const transient = options.transientSuppression ?? true;
    if (typeof transient !== 'boolean') invalidArg('createNoiseSuppressor: transientSuppression must be a boolean');
    const h = backend.create(rate, strength);
    if (typeof h === 'number') check(h, 'createNoiseSuppressor');
    super(h as Handle, (x) => backend.destroy(x), 'NoiseSuppressor');
    this.#b = backend;
    this.sampleRate = rate;
    this.frameSize = rate / 100;
    this.delaySamples = this.frameSize;
    this.#strength = strength;
    this.#transient = transient;
    if (!transient) check(backend.configure(this.handle, strength, 0), 'createNoiseSuppressor');
  }

  /** The current strength (0..1). */
  get strength(): number {
    return this.#strength;
  }

  /**
   * Change the strength between frames.
   * @throws VoipKitError `invalid_argument` outside 0..1; `closed` after close().
   */
  set strength(value: number) {
    checkStrength(value);
    check(this.#b.configure(this.handle, value, this.#transient ? 1 : 0), 'NoiseSuppressor.strength');
    this.#strength = value;
  }

  /**
   * Suppress noise in one or more 10 ms frames.
   * @param frame samples, a positive multiple of {@link frameSize} long:
   *   Int16Array (full scale +-32768) or Float32Array (full scale +-1.0).
   *   NaN / infinite samples are replaced by 0 (counted in stats()).
   * @param out optional output of the same type holding at least
   *   frame.length samples; may be frame itself (in place) but must not
   *   otherwise overlap it.  Default: a new array.
   * @returns the output (a view of out of exactly frame.length samples),
   *   the input delayed by {@link delaySamples} with the noise removed.
   * @throws VoipKitError `invalid_argument` for a wrong type or length;
   *   `closed` after close().
   */
  process<T extends Pcm>(frame: T, out?: T): T {
    const isF32 = frame instanceof Float32Array;
    if (!ArrayBuffer.isView(frame) || (!isF32 && !(frame instanceof Int16Array))) invalidArg('NoiseSuppressor.process: frame must be an Int16Array or a Float32Array');
    const n = frame.length;
    if (n === 0 || n % this.frameSize !== 0) {
      invalidArg(`NoiseSuppressor.process: frame length must be a positive multiple of ${this.frameSize} samples (10 ms at ${this.sampleRate} Hz), got ${n}`);
    }
    let o: Pcm;
    if (out === undefined) {
      o = isF32 ? new Float32Array(n) : new Int16Array(n);
    } else {
      if (!ArrayBuffer.isView(out) || (isF32 ? !(out instanceof Float32Array) : !(out instanceof Int16Array))) {
        invalidArg(`NoiseSuppressor.process: out must be a ${isF32 ? 'Float32Array' : 'Int16Array'} like frame`);
      }
      if (out.length < n) invalidArg(`NoiseSuppressor.process: out holds ${out.length} samples, ${n} needed`);
      if (out !== frame && out.buffer === frame.buffer) {
        const a0 = frame.byteOffset, a1 = a0 + frame.byteLength, b0 = out.byteOffset, b1 = b0 + n * frame.BYTES_PER_ELEMENT;
        if (a0 !== b0 && a0 < b1 && b0 < a1) invalidArg('NoiseSuppressor.process: out overlaps frame partially (in place must use the same offset)');
      }
      o = out;
    }
    const h = this.handle;
    const r = isF32
      ? this.#b.processF32(h, frame as Float32Array, o as Float32Array)
      : this.#b.processI16(h, frame as Int16Array, o as Int16Array);
    check(r, 'NoiseSuppressor.process');
    return (o.length === n ? o : o.subarray(0, n)) as T;
  }

  /** A snapshot of the suppressor's state. @throws VoipKitError `closed` after close(). */
  stats(): NoiseSuppressorStats {
    const s = this.#stats;
    check(this.#b.stats(this.handle, s), 'NoiseSuppressor.stats');
    return {
      noiseLevelDbfs: s[0],
      speechProbability: s[1],
      frames: s[2],
      sanitizedSamples: s[3],
      transients: s[4],
      gainFloorDb: s[5],
    };
  }

  /** Forget the signal history (noise estimate, overlap), keeping the options. */
  reset(): void {
    check(this.#b.reset(this.handle), 'NoiseSuppressor.reset');
  }
}

function checkStrength(s: unknown): asserts s is number {
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
    invalidArg(`NoiseSuppressor: strength must be a number in 0..1, got ${String(s)}`);
  }
}
