/**
 * Sample-rate conversion between 8, 16, 24 and 48 kHz, served by the C core
 * (polyphase Kaiser-windowed sinc, see docs/resample.md for the measured
 * passband ripple and stopband attenuation per quality).
 */
import type { Backend, Handle } from '../backend/types.js';
import { check, invalidArg } from '../errors.js';
import { CoreResource } from '../resource.js';

/** The rates the resampler converts between, in Hz. */
export type ResampleRate = 8000 | 16000 | 24000 | 48000;
const RATES: readonly number[] = [8000, 16000, 24000, 48000];

export interface ResamplerOptions {
  /** Input sample rate in Hz: 8000, 16000, 24000 or 48000. Required. */
  inputRate: ResampleRate;
  /** Output sample rate in Hz: 8000, 16000, 24000 or 48000. Required. */
  outputRate: ResampleRate;
  /** Interleaved channels, 1..8. Default 1. */
  channels?: number;
  /**
   * 0..10: filter length and stopband attenuation (docs/resample.md has the
   * table). Default 4. 3 matches speexdsp's VoIP quality at no more cost.
   */
  quality?: number;
}

/** A fixed description of a resampler, from its filter design. */
export interface ResamplerInfo {
  /** The ratio output/input reduced to up/down. */
  up: number;
  down: number;
  /** Taps per polyphase branch at the input rate (0 for equal rates). */
  taps: number;
  /**
   * Latency in input frames: output for input time t is produced once the
   * input up to t + latency has been given. Output sample indices are
   * aligned with the input (no leading delay to skip).
   */
  latency: number;
  /** -6 dB cutoff as a fraction of the lower rate's Nyquist frequency. */
  cutoff: number;
  /** Stopband attenuation the filter was designed for, in dB. */
  attenuationDb: number;
}

type Samples = Int16Array | Float32Array;
const BUFFER_SMALL = -3;

/**
 * A streaming resampler for one interleaved stream. Feed any number of whole
 * frames per call; over a whole stream (process calls, then flush) N input
 * frames give exactly ceil(N * outputRate / inputRate) output frames.
 *
 * Int16Array input gives rounded, saturated Int16Array output; Float32Array
 * input gives unclamped Float32Array output (any scale; the filter is
 * linear). Both may be mixed on one object.
 */
export class Resampler extends CoreResource {
  readonly #b: Backend['resample'];
  readonly inputRate: ResampleRate;
  readonly outputRate: ResampleRate;
  readonly channels: number;
  readonly quality: number;
  readonly info: Readonly<ResamplerInfo>;
  #lastFloat = false;

  /** @internal use kit.createResampler() */
  constructor(backend: Backend['resample'], options: ResamplerOptions) {
    if (options === null || typeof options !== 'object') invalidArg('createResampler: options { inputRate, outputRate } are required');
    const { inputRate, outputRate } = options;
    const channels = options.channels ?? 1;
    const quality = options.quality ?? 4;
    if (!RATES.includes(inputRate)) invalidArg(`createResampler: inputRate must be one of ${RATES.join(', ')} Hz, got ${inputRate}`);
    if (!RATES.includes(outputRate)) invalidArg(`createResampler: outputRate must be one of ${RATES.join(', ')} Hz, got ${outputRate}`);
    if (!Number.isInteger(channels) || channels < 1 || channels > 8) invalidArg(`createResampler: channels must be an integer in 1..8, got ${channels}`);
    if (!Number.isInteger(quality) || quality < 0 || quality > 10) invalidArg(`createResampler: quality must be an integer in 0..10, got ${quality}`);
    const h = backend.create(inputRate, outputRate, channels, quality);
    if (typeof h === 'number') check(h, 'createResampler');
    super(h as Handle, (x) => backend.destroy(x), 'Resampler');
    this.#b = backend;
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.channels = channels;
    this.quality = quality;
    const o = new Float64Array(7);
    check(backend.info(h as Handle, o), 'Resampler.info');
    this.info = Object.freeze({ up: o[0], down: o[1], taps: o[2], latency: o[3], cutoff: o[5], attenuationDb: o[6] });
  }

  /**
   * Output frames the next process() call with `inputFrames` frames will
   * return (exact).
   */
  outputFrames(inputFrames: number): number {
    if (!Number.isInteger(inputFrames) || inputFrames < 0 || inputFrames > 0x3fffffff) invalidArg(`Resampler.outputFrames: inputFrames must be a non-negative integer, got ${inputFrames}`);
    return check(this.#b.outputFrames(this.handle, inputFrames), 'Resampler.outputFrames');
  }

  /**
   * Convert interleaved samples (whole frames).
   * @param input Int16Array or Float32Array; length a multiple of channels.
   *   Not retained after the call.
   * @param out optional output of the same type as input, holding at least
   *   outputFrames(input.length / channels) frames; must not overlap input.
   * @returns a view of out (or a new array) with exactly the frames produced.
   * @throws VoipKitError `invalid_argument` for a wrong type, a partial
   *   frame or a short out; `closed` after close().
   */
  process(input: Int16Array, out?: Int16Array): Int16Array;
  process(input: Float32Array, out?: Float32Array): Float32Array;
  process(input: Samples, out?: Samples): Samples {
    const isFloat = input instanceof Float32Array;
    if (!ArrayBuffer.isView(input) || (!isFloat && !(input instanceof Int16Array))) invalidArg('Resampler.process: input must be an Int16Array or a Float32Array');
    const c = this.channels;
    if (input.length % c) invalidArg(`Resampler.process: input holds ${input.length} samples, not a whole number of ${c}-channel frames`);
    const h = this.handle;
    if (out === undefined) {
      const frames = check(this.#b.outputFrames(h, input.length / c), 'Resampler.process');
      out = isFloat ? new Float32Array(frames * c) : new Int16Array(frames * c);
    } else {
      // The core checks the capacity before consuming anything: one call.
      this.#out(out, 0, isFloat, 'process');
    }
    const n = isFloat
      ? this.#b.processF32(h, input as Float32Array, out as Float32Array)
      : this.#b.processI16(h, input as Int16Array, out as Int16Array);
    if (n === BUFFER_SMALL) {
      const need = this.#b.outputFrames(h, input.length / c) * c;
      invalidArg(`Resampler.process: out holds ${out.length} samples, ${need} needed`);
    }
    check(n, 'Resampler.process');
    this.#lastFloat = isFloat;
    return out.length === n * c ? out : out.subarray(0, n * c);
  }

  /**
   * End of stream: returns the remaining output (the last `latency` input
   * frames' worth) and resets the state for a new stream.
   * @param out optional output; its type picks int16 or float output.
   *   Without it, the type of the last process() input is used.
   */
  flush(out?: Int16Array): Int16Array;
  flush(out?: Float32Array): Float32Array;
  flush(out?: Samples): Samples {
    const h = this.handle;
    const isFloat = out === undefined ? this.#lastFloat : out instanceof Float32Array;
    const frames = check(this.#b.flushFrames(h), 'Resampler.flush');
    const c = this.channels;
    out = this.#out(out, frames * c, isFloat, 'flush');
    const n = isFloat ? this.#b.flushF32(h, out as Float32Array) : this.#b.flushI16(h, out as Int16Array);
    check(n, 'Resampler.flush');
    return out.length === n * c ? out : out.subarray(0, n * c);
  }

  /** Forget all history: the next sample starts a new stream. */
  reset(): void {
    this.#b.reset(this.handle);
  }

  #out(out: Samples | undefined, need: number, isFloat: boolean, what: string): Samples {
    if (out === undefined) return isFloat ? new Float32Array(need) : new Int16Array(need);
    if (!ArrayBuffer.isView(out) || (isFloat ? !(out instanceof Float32Array) : !(out instanceof Int16Array))) {
      invalidArg(`Resampler.${what}: out must be ${isFloat ? 'a Float32Array' : 'an Int16Array'} like the input`);
    }
    if (out.length < need) invalidArg(`Resampler.${what}: out holds ${out.length} samples, ${need} needed`);
    return out;
  }
}
