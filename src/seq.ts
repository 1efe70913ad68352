/**
 * RTP sequence tracking (RFC 3550 Appendix A.1), served by the C core so the
 * arithmetic is written once for every component.
 */
import type { Backend, Handle } from './backend/types.js';
import { check, invalidArg } from './errors.js';
import { CoreResource } from './resource.js';

/** What vk_seq_update() decided about one packet. */
export type SeqResult = 'in-order' | 'old' | 'probation' | 'jump' | 'restart';
const RESULTS: SeqResult[] = ['in-order', 'old', 'probation', 'jump', 'restart'];

export interface SeqUpdate {
  result: SeqResult;
  /** Extended sequence number (wrap count * 65536 + seq). */
  extended: number;
}

export interface SeqStats {
  extendedMax: number;
  expected: number;
  received: number;
  /** expected - received (negative with duplicates, as RFC 3550 A.3). */
  lost: number;
}

export interface SequenceTrackerOptions {
  /** Sequential packets needed before a source is valid. Default 2 (RFC 3550 MIN_SEQUENTIAL); 0..100. */
  probation?: number;
}

export class SequenceTracker extends CoreResource {
  readonly #b: Backend['seq'];
  readonly #out = new Float64Array(4);

  /** @internal use kit.createSequenceTracker() */
  constructor(backend: Backend['seq'], options: SequenceTrackerOptions = {}) {
    if (options === null || typeof options !== 'object') invalidArg(`createSequenceTracker: options must be an object, got ${options === null ? 'null' : typeof options}`);
    const probation = options.probation ?? 2;
    if (!Number.isInteger(probation) || probation < 0 || probation > 100) {
      invalidArg(`probation must be an integer in 0..100, got ${probation}`);
    }
    const h = backend.create(probation);
    if (typeof h === 'number') check(h, 'createSequenceTracker');
    super(h as Handle, (x) => backend.destroy(x), 'SequenceTracker');
    this.#b = backend;
  }

  /** Account for one packet's 16-bit sequence number. */
  update(seq: number): SeqUpdate {
    if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff) invalidArg(`seq must be an integer in 0..65535, got ${seq}`);
    const r = check(this.#b.update(this.handle, seq, this.#out), 'SequenceTracker.update');
    return { result: RESULTS[r], extended: this.#out[0] };
  }

  /**
   * The loss fields of an RTCP report block for the interval since the
   * previous call (RFC 3550 A.3, computed by the core's vk_seq_report):
   * cumulative lost (24-bit signed range) and the fraction lost in the
   * interval as an 8-bit fixed-point number. Starts a new interval.
   */
  report(): { cumulativeLost: number; fractionLost: number } {
    check(this.#b.report(this.handle, this.#out), 'SequenceTracker.report');
    return { cumulativeLost: this.#out[0], fractionLost: this.#out[1] };
  }

  stats(): SeqStats {
    check(this.#b.stats(this.handle, this.#out), 'SequenceTracker.stats');
    const o = this.#out;
    return { extendedMax: o[0], expected: o[1], received: o[2], lost: o[3] };
  }
}
