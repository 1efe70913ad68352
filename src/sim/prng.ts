/**
 * Deterministic pseudo-random numbers for the simulator.
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", 2018; https://prng.di.unimi.it/): 128 bits
 * of state, period 2^128 − 1, 32-bit outputs, no multiplications wider than 32
 * bits, so it runs identically on every JavaScript engine.  Written here from
 * the published recurrence.
 *
 * Seeding: the 32-bit user seed and a stream number are mixed through a
 * SplitMix32-style sequence (a Weyl increment of 0x9E3779B9 followed by the
 * MurmurHash3 32-bit finaliser) to fill the four state words, so seeds 1 and 2
 * give unrelated streams and the state is never all zero.
 *
 * Each component of the network model draws from its own stream (see
 * {@link Stream}), so switching duplication on does not change which packets
 * the loss model drops, and so on.
 */
import { VoipKitError } from '../errors.js';

const TWO32 = 4294967296;

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Independent random streams of one simulation (one per model component). */
export const Stream = Object.freeze({
  Delay: 1,
  Loss: 2,
  Duplicate: 3,
  Reorder: 4,
  Slot: 5,
  Spike: 6,
  Source: 7,
} as const);

/** Check a user seed: an integer in [0, 2^32). */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO32) {
    throw new VoipKitError('invalid_argument', `seed must be an integer in [0, 4294967295], got ${seed}`);
  }
  return seed >>> 0;
}

/** xoshiro128** generator. Not cryptographic. */
export class Xoshiro128 {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /**
   * @param seed 32-bit unsigned integer.
   * @param stream sub-stream number (any 32-bit integer); streams of one seed are independent.
   */
  constructor(seed: number, stream = 0) {
    let x = (checkSeed(seed) ^ Math.imul(stream >>> 0, 0x632be5ab)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return fmix32(x);
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s1 = this.#s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return r;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextU32() / TWO32;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * netem's correlated random source (sch_netem.c `get_crandom`): each output is
 * a weighted mean of a fresh uniform 32-bit value and the previous output,
 * `next = (fresh·(2^32 − ρ) + last·ρ) / 2^32` with ρ = correlation·2^32.
 * Correlation 0 gives independent values.  As netem's manual warns, this
 * scheme also narrows the spread of the values as ρ grows (the marginal
 * distribution is not preserved); we keep netem's definition so that a
 * profile means the same here as under `tc qdisc ... netem`.
 */
export class CorrelatedRandom {
  readonly #rng: Xoshiro128;
  readonly #rho: number;
  #last: number;

  /** @param correlation in [0, 1]. */
  constructor(rng: Xoshiro128, correlation: number) {
    this.#rng = rng;
    this.#rho = Math.min(TWO32 - 1, Math.round(correlation * TWO32));
    this.#last = this.#rho === 0 ? 0 : rng.nextU32();
  }

  /** Next value as a 32-bit unsigned integer. */
  nextU32(): number {
    const v = this.#rng.nextU32();
    if (this.#rho === 0) return v;
    const a = Math.floor((v * (TWO32 - this.#rho) + this.#last * this.#rho) / TWO32);
    this.#last = a;
    return a;
  }

  /** Next value scaled to [0, 1). */
  next(): number {
    return this.nextU32() / TWO32;
  }
}
