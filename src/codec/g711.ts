/**
 * G.711 mu-law (PCMU) and A-law (PCMA), bit-exact with ITU-T G.711 as
 * implemented by the ITU-T G.191 reference software.
 */
import type { G711Backend } from '../backend/types.js';
import { check, invalidArg } from '../errors.js';
import { typedArrayArg } from '../guard.js';

export type G711Law = 'pcmu' | 'pcma';

const LAW: Record<G711Law, number> = { pcmu: 0, pcma: 1 };

function lawOf(law: unknown): number {
  if (law === 'pcmu') return 0;
  if (law === 'pcma') return 1;
  return invalidArg(`g711: law must be 'pcmu' or 'pcma', got ${JSON.stringify(law)}`);
}

export class G711 {
  readonly #b: G711Backend;
  /** @internal */
  constructor(backend: G711Backend) {
    this.#b = backend;
  }

  /**
   * Encode 16-bit linear PCM to G.711 codes, one byte per sample.
   * @param law 'pcmu' (mu-law, RTP PT 0) or 'pcma' (A-law, RTP PT 8).
   * @param pcm samples; any length (8,000 per second at G.711's clock).
   * @param out optional output; must hold pcm.length bytes. The result is a
   *   view of out of exactly pcm.length bytes. May share memory with pcm: the
   *   result is the same as if it did not.
   * @throws VoipKitError `invalid_argument` for an unknown law, a pcm that is
   *   not an Int16Array, or an out that is not a Uint8Array or is too short.
   */
  encode(law: G711Law, pcm: Int16Array, out?: Uint8Array): Uint8Array {
    const l = lawOf(law);
    pcm = typedArrayArg(pcm, Int16Array, 'g711.encode: pcm');
    const n = pcm.length;
    if (out === undefined) out = new Uint8Array(n);
    else {
      out = typedArrayArg(out, Uint8Array, 'g711.encode: out');
      if (out.length < n) invalidArg(`g711.encode: out holds ${out.length} bytes, ${n} needed`);
    }
    if (n === 0) return out.subarray(0, 0);
    check(this.#b.encode(l, pcm, out), 'g711.encode');
    return out.length === n ? out : out.subarray(0, n);
  }

  /**
   * Decode G.711 codes to 16-bit linear PCM.
   * @param out optional output; must hold codes.length samples. The result is
   *   a view of out of exactly codes.length samples. May share memory with
   *   codes: the result is the same as if it did not.
   * @throws VoipKitError `invalid_argument` as for encode.
   */
  decode(law: G711Law, codes: Uint8Array, out?: Int16Array): Int16Array {
    const l = lawOf(law);
    codes = typedArrayArg(codes, Uint8Array, 'g711.decode: codes');
    const n = codes.length;
    if (out === undefined) out = new Int16Array(n);
    else {
      out = typedArrayArg(out, Int16Array, 'g711.decode: out');
      if (out.length < n) invalidArg(`g711.decode: out holds ${out.length} samples, ${n} needed`);
    }
    if (n === 0) return out.subarray(0, 0);
    check(this.#b.decode(l, codes, out), 'g711.decode');
    return out.length === n ? out : out.subarray(0, n);
  }
}

export { LAW as G711_LAW_IDS };
