/**
 * RTP header extensions, RFC 8285 ("A General Mechanism for RTP Header
 * Extensions"), on top of the RFC 3550 section 5.3.1 extension block.
 *
 * ```text
 * RFC 3550 5.3.1: the block that follows the CSRC list when X = 1
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 *
 * RFC 8285 4.2, one-byte form: profile 0xBEDE, elements
 *  +-+-+-+-+-+-+-+-+
 *  |  ID   |  len  |  ID 1..14, len = data bytes - 1 (1..16 bytes of data)
 *  +-+-+-+-+-+-+-+-+
 * RFC 8285 4.3, two-byte form: profile 0x100 << 4 | appbits, elements
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |       ID      |     length    |  ID 1..255, length = data bytes (0..255)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * `length` counts 32-bit words after the 4-byte block header.  In both forms
 * a byte of value 0 between or after elements is padding and is skipped.
 * In the one-byte form, ID 15 ends processing (RFC 8285 4.2: "processing of
 * the entire extension MUST terminate at that point"); voipkit does the same
 * for a one-byte header with ID 0 and a non-zero length, which is neither
 * padding nor a valid element.
 */
import { malformed, badArg, checkRange, describe, requireBytes } from './util.js';

/** "defined by profile" value of the one-byte form (RFC 8285 4.2). */
export const ONE_BYTE_PROFILE = 0xbede;
/** "defined by profile" value of the two-byte form with appbits 0 (RFC 8285 4.3); the low 4 bits are appbits. */
export const TWO_BYTE_PROFILE = 0x1000;

/** One header extension element. */
export interface RtpExtension {
  /** Local identifier: 1..14 in the one-byte form, 1..255 in the two-byte form. */
  id: number;
  /** Element data.  Parsed elements are views into the packet buffer (zero-copy). */
  data: Uint8Array;
}

/** RFC 8285 form of an extension block. */
export type ExtensionForm = 'one-byte' | 'two-byte' | 'other';

/**
 * Which RFC 8285 form a "defined by profile" value selects ('other' for any
 * other integer).
 * @throws VoipKitError `invalid_argument` when profile is not an integer.
 */
export function extensionForm(profile: number): ExtensionForm {
  if (typeof profile !== 'number' || !Number.isInteger(profile)) badArg(`extensionForm: profile must be an integer, got ${describe(profile)}`);
  if (profile === ONE_BYTE_PROFILE) return 'one-byte';
  if ((profile & 0xfff0) === TWO_BYTE_PROFILE) return 'two-byte';
  return 'other';
}

/**
 * Walk the elements of an RFC 8285 block b[start..end), calling `visit` for
 * each (return true from it to stop).  Throws PacketError `bad_length` when
 * an element runs past `end`.
 * @internal
 */
export function walkExtensions(
  b: Uint8Array,
  start: number,
  end: number,
  oneByte: boolean,
  visit: ((id: number, dataStart: number, dataEnd: number) => boolean | void) | null,
): void {
  let i = start;
  if (oneByte) {
    while (i < end) {
      const h = b[i];
      if (h === 0) {
        i++;
        continue;
      }
      const id = h >> 4;
      if (id === 15 || id === 0) return;
      const n = (h & 15) + 1;
      if (i + 1 + n > end) malformed('bad_length', `RTP one-byte extension element ${id} of ${n} bytes runs past the end of the extension block`);
      if (visit !== null && visit(id, i + 1, i + 1 + n) === true) return;
      i += 1 + n;
    }
  } else {
    while (i < end) {
      const id = b[i];
      if (id === 0) {
        i++;
        continue;
      }
      if (i + 2 > end) malformed('bad_length', `RTP two-byte extension element ${id} has no length byte`);
      const n = b[i + 1];
      if (i + 2 + n > end) malformed('bad_length', `RTP two-byte extension element ${id} of ${n} bytes runs past the end of the extension block`);
      if (visit !== null && visit(id, i + 2, i + 2 + n) === true) return;
      i += 2 + n;
    }
  }
}

/**
 * Decode the elements of an extension block (the bytes after its 4-byte
 * header).  Returns [] for a profile that is neither RFC 8285 form.  The
 * element data are views into `data`.
 * @throws PacketError `bad_length` when an element runs past the block.
 */
export function decodeExtensions(profile: number, data: Uint8Array): RtpExtension[] {
  requireBytes(data, 'decodeExtensions: data');
  const form = extensionForm(profile);
  const out: RtpExtension[] = [];
  if (form === 'other') return out;
  walkExtensions(data, 0, data.length, form === 'one-byte', (id, s, e) => {
    out.push({ id, data: data.subarray(s, e) });
  });
  return out;
}

export interface EncodeExtensionsOptions {
  /**
   * 'auto' (default) picks the one-byte form when every ID is 1..14 and every
   * element has 1..16 bytes, the two-byte form otherwise.
   */
  form?: 'auto' | 'one-byte' | 'two-byte';
  /** The two-byte form's appbits (RFC 8285 4.3), 0..15. Default 0. */
  appBits?: number;
}

/** An encoded extension block: the "defined by profile" value and the element bytes, padded to 32 bits. */
export interface ExtensionBlock {
  profile: number;
  /** Block contents after its 4-byte header; length is a multiple of 4. */
  data: Uint8Array;
}

/**
 * Encode elements into an RFC 8285 block, in the given order, padded with
 * zero bytes to a multiple of 4.
 * @throws VoipKitError `invalid_argument` for an ID or length the form cannot carry.
 */
export function encodeExtensions(elements: readonly RtpExtension[], options?: EncodeExtensionsOptions): ExtensionBlock {
  if (!Array.isArray(elements)) badArg('encodeExtensions: elements must be an array');
  if (options !== undefined && (options === null || typeof options !== 'object')) badArg(`encodeExtensions: options must be an object, got ${describe(options)}`);
  const want = options?.form ?? 'auto';
  if (want !== 'auto' && want !== 'one-byte' && want !== 'two-byte') badArg(`encodeExtensions: form must be 'auto', 'one-byte' or 'two-byte', got ${String(want)}`);
  const appBits = checkRange(options?.appBits ?? 0, 0, 15, 'encodeExtensions: appBits');
  let fitsOne = true;
  for (const e of elements) {
    if (e === null || typeof e !== 'object') badArg('encodeExtensions: each element must be { id, data }');
    requireBytes(e.data, `encodeExtensions: data of element ${String(e.id)}`);
    checkRange(e.id, 1, 255, 'encodeExtensions: element id');
    if (e.data.length > 255) badArg(`encodeExtensions: element ${e.id} has ${e.data.length} bytes, at most 255 fit`);
    if (e.id > 14 || e.data.length < 1 || e.data.length > 16) fitsOne = false;
  }
  const oneByte = want === 'one-byte' || (want === 'auto' && fitsOne);
  if (want === 'one-byte' && !fitsOne) badArg('encodeExtensions: the one-byte form needs IDs 1..14 and 1..16 data bytes per element');
  let n = 0;
  for (const e of elements) n += (oneByte ? 1 : 2) + e.data.length;
  const data = new Uint8Array((n + 3) & ~3);
  let i = 0;
  for (const e of elements) {
    if (oneByte) data[i++] = (e.id << 4) | (e.data.length - 1);
    else {
      data[i++] = e.id;
      data[i++] = e.data.length;
    }
    data.set(e.data, i);
    i += e.data.length;
  }
  if (data.length > 0xffff * 4) badArg('encodeExtensions: the block exceeds 65535 words');
  return { profile: oneByte ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE | appBits, data };
}
