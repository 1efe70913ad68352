/**
 * RTP packets (RFC 3550 section 5.1): a zero-copy view for parsing and a
 * builder that serializes into a caller buffer.
 */
import { ONE_BYTE_PROFILE, TWO_BYTE_PROFILE, extensionForm, walkExtensions, type ExtensionForm, type RtpExtension, encodeExtensions, type EncodeExtensionsOptions } from './extensions.js';
import { typedArrayArg } from '../guard.js';
import { badArg, checkOut, checkRange, checkU16, checkU32, checkU8, describe, malformed, readU16, readU32, requireBytes, writeU16, writeU32 } from './util.js';

/** Bytes in the fixed RTP header. */
export const RTP_HEADER_LENGTH = 12;

/**
 * A validated, zero-copy view of one RTP packet.
 *
 * ```text
 * RFC 3550 5.1
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  header extension (if X): profile(16) | length in words(16)   |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            payload                            |
 * |                             ....              +-+-+-+-+-+-+-+-+
 * |                               | padding (if P)| padding count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * {@link RtpView.wrap} checks the whole layout once (version, CSRC list,
 * extension block and, for the RFC 8285 forms, each element, padding); after
 * that every accessor reads bytes directly and cannot fail.  The view holds a
 * reference to the caller's bytes, never a copy: changing the bytes changes
 * what the view reports, and the setters write into them.  If you change the
 * bytes' layout (CC, X, P, lengths), call {@link RtpView.reset} again.
 *
 * Hot loops can reuse one view with `reset(bytes)`, which allocates nothing.
 */
export class RtpView {
  #b: Uint8Array = EMPTY;
  /** Offset of the payload (end of CSRCs and extension). */
  #payload = 0;
  /** Offset of the first padding byte (= bytes.length without padding). */
  #end = 0;
  /** Offset of the extension block's header, or -1. */
  #ext = -1;

  /** Use {@link RtpView.wrap}, or `new RtpView()` for an empty view to {@link RtpView.reset}. */
  constructor(bytes?: Uint8Array) {
    if (bytes !== undefined) this.reset(bytes);
  }

  /**
   * Parse and validate `bytes` as one RTP packet.
   * @param bytes the whole packet (UDP payload), borrowed, not copied.
   * @throws PacketError `bad_length` (shorter than 12 bytes, CSRC list,
   *   extension block or an extension element past the end, padding longer
   *   than the packet), `bad_version` (version is not 2), `bad_packet`
   *   (padding bit set with a padding count of 0).
   * @throws VoipKitError `invalid_argument` when bytes is not a Uint8Array.
   */
  static wrap(bytes: Uint8Array): RtpView {
    const v = new RtpView();
    v.reset(bytes);
    return v;
  }

  /**
   * Point this view at another packet (validated as by {@link RtpView.wrap}).
   * On error the view keeps its previous packet.
   */
  reset(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array) || !ArrayBuffer.isView(bytes)) badArg(`RtpView: bytes must be a Uint8Array, got ${describe(bytes)}`);
    const len = bytes.length;
    if (len < 12) malformed('bad_length', `RTP packet of ${len} bytes is shorter than the 12-byte header`);
    const b0 = bytes[0];
    if ((b0 & 0xc0) !== 0x80) malformed('bad_version', `RTP version is ${b0 >> 6}, expected 2`);
    let off = 12 + ((b0 & 0x0f) << 2);
    if (off > len) malformed('bad_length', `RTP CSRC count ${b0 & 0x0f} needs ${off} bytes, packet has ${len}`);
    let ext = -1;
    if ((b0 & 0x10) !== 0) {
      ext = off;
      if (off + 4 > len) malformed('bad_length', `RTP extension header at byte ${off} runs past the end (${len} bytes)`);
      const end = off + 4 + (((bytes[off + 2] << 8) | bytes[off + 3]) << 2);
      if (end > len) malformed('bad_length', `RTP extension block ends at byte ${end}, packet has ${len}`);
      const profile = (bytes[off] << 8) | bytes[off + 1];
      if (profile === ONE_BYTE_PROFILE) walkExtensions(bytes, off + 4, end, true, null);
      else if ((profile & 0xfff0) === TWO_BYTE_PROFILE) walkExtensions(bytes, off + 4, end, false, null);
      off = end;
    }
    let end = len;
    if ((b0 & 0x20) !== 0) {
      const pad = bytes[len - 1];
      if (pad === 0) malformed('bad_packet', 'RTP padding bit set but the padding count is 0');
      if (pad > len - off) malformed('bad_length', `RTP padding of ${pad} bytes is longer than the ${len - off} bytes after the header`);
      end = len - pad;
    }
    this.#b = bytes;
    this.#payload = off;
    this.#end = end;
    this.#ext = ext;
    return this;
  }

  /** The whole packet as given to wrap()/reset() (not a copy). */
  get bytes(): Uint8Array {
    return this.#b;
  }
  /** Packet length in bytes, padding included. */
  get byteLength(): number {
    return this.#b.length;
  }
  /** Always 2 (anything else is rejected). */
  get version(): number {
    return this.#b[0] >> 6;
  }
  /** P bit: the packet ends with padding ({@link RtpView.paddingLength} bytes). */
  get padding(): boolean {
    return (this.#b[0] & 0x20) !== 0;
  }
  /** X bit: a header extension block follows the CSRC list. */
  get extension(): boolean {
    return (this.#b[0] & 0x10) !== 0;
  }
  /** CC: number of CSRC identifiers, 0..15. */
  get csrcCount(): number {
    return this.#b[0] & 0x0f;
  }
  /** M bit. */
  get marker(): boolean {
    return (this.#b[1] & 0x80) !== 0;
  }
  /** Writes the M bit in place. @throws VoipKitError `invalid_argument` for a non-boolean. */
  set marker(m: boolean) {
    if (typeof m !== 'boolean') badArg(`RtpView.marker must be a boolean, got ${describe(m)}`);
    this.#b[1] = (this.#b[1] & 0x7f) | (m ? 0x80 : 0);
  }
  /** PT, 0..127. */
  get payloadType(): number {
    return this.#b[1] & 0x7f;
  }
  /** Writes PT (0..127) in place. */
  set payloadType(pt: number) {
    checkRange(pt, 0, 127, 'RtpView.payloadType');
    this.#b[1] = (this.#b[1] & 0x80) | pt;
  }
  /** Sequence number, 0..65535. */
  get sequenceNumber(): number {
    const b = this.#b;
    return (b[2] << 8) | b[3];
  }
  /** Writes the sequence number in place. */
  set sequenceNumber(seq: number) {
    writeU16(this.#b, 2, checkU16(seq, 'RtpView.sequenceNumber'));
  }
  /** Timestamp in RTP clock ticks (the payload format's clock rate), 0..2^32-1. */
  get timestamp(): number {
    const b = this.#b;
    return ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
  }
  /** Writes the timestamp in place. */
  set timestamp(ts: number) {
    writeU32(this.#b, 4, checkU32(ts, 'RtpView.timestamp'));
  }
  /** SSRC, 0..2^32-1. */
  get ssrc(): number {
    const b = this.#b;
    return ((b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11]) >>> 0;
  }
  /** Writes the SSRC in place. */
  set ssrc(ssrc: number) {
    writeU32(this.#b, 8, checkU32(ssrc, 'RtpView.ssrc'));
  }
  /**
   * The i-th CSRC (0-based).
   * @throws VoipKitError `invalid_argument` when i is not in 0..csrcCount-1.
   */
  csrc(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= (this.#b[0] & 0x0f)) badArg(`RtpView.csrc: index ${describe(i)} out of 0..${(this.#b[0] & 0x0f) - 1}`);
    return readU32(this.#b, 12 + 4 * i);
  }
  /** All CSRCs (a new array). */
  get csrcs(): number[] {
    const n = this.#b[0] & 0x0f;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = readU32(this.#b, 12 + 4 * i);
    return out;
  }
  /** Bytes before the payload: 12 + 4*CC + the extension block. */
  get headerLength(): number {
    return this.#payload;
  }
  /** Offset of the payload in {@link RtpView.bytes}. */
  get payloadOffset(): number {
    return this.#payload;
  }
  /** Payload length in bytes, padding excluded. */
  get payloadLength(): number {
    return this.#end - this.#payload;
  }
  /** The payload, padding excluded, as a view into the packet's bytes (zero-copy). */
  get payload(): Uint8Array {
    return this.#b.subarray(this.#payload, this.#end);
  }
  /** Padding bytes at the end including the count byte, 0 without the P bit. */
  get paddingLength(): number {
    return this.#b.length - this.#end;
  }
  /** The extension block's "defined by profile" value, or -1 without the X bit. */
  get extensionProfile(): number {
    return this.#ext < 0 ? -1 : readU16(this.#b, this.#ext);
  }
  /** 'one-byte' / 'two-byte' (RFC 8285), 'other', or 'none' without the X bit. */
  get extensionForm(): ExtensionForm | 'none' {
    return this.#ext < 0 ? 'none' : extensionForm(readU16(this.#b, this.#ext));
  }
  /** The two-byte form's appbits (0..15), or 0 for other forms. */
  get extensionAppBits(): number {
    return this.extensionForm === 'two-byte' ? this.#b[this.#ext + 1] & 0x0f : 0;
  }
  /** Extension block contents after its 4-byte header (zero-copy), or undefined without the X bit. */
  get extensionData(): Uint8Array | undefined {
    if (this.#ext < 0) return undefined;
    return this.#b.subarray(this.#ext + 4, this.#payload);
  }
  /**
   * Data of the first RFC 8285 element with this ID (zero-copy), or
   * undefined when absent (IDs outside 1..255 always are) or when the block
   * is not an RFC 8285 form.
   * @throws VoipKitError `invalid_argument` when id is not an integer.
   */
  getExtension(id: number): Uint8Array | undefined {
    if (typeof id !== 'number' || !Number.isInteger(id)) badArg(`RtpView.getExtension: id must be an integer, got ${describe(id)}`);
    const x = this.#ext;
    if (x < 0) return undefined;
    const b = this.#b;
    const profile = (b[x] << 8) | b[x + 1];
    const end = this.#payload;
    let i = x + 4;
    if (profile === ONE_BYTE_PROFILE) {
      while (i < end) {
        const h = b[i];
        if (h === 0) {
          i++;
          continue;
        }
        const eid = h >> 4;
        if (eid === 15 || eid === 0) return undefined;
        const n = (h & 15) + 1;
        if (eid === id) return b.subarray(i + 1, i + 1 + n);
        i += 1 + n;
      }
    } else if ((profile & 0xfff0) === TWO_BYTE_PROFILE) {
      while (i < end) {
        const eid = b[i];
        if (eid === 0) {
          i++;
          continue;
        }
        const n = b[i + 1];
        if (eid === id) return b.subarray(i + 2, i + 2 + n);
        i += 2 + n;
      }
    }
    return undefined;
  }
  /** All RFC 8285 elements in wire order (data are zero-copy views); [] otherwise. */
  get extensions(): RtpExtension[] {
    const out: RtpExtension[] = [];
    const x = this.#ext;
    if (x < 0) return out;
    const form = extensionForm(readU16(this.#b, x));
    if (form === 'other') return out;
    const b = this.#b;
    walkExtensions(b, x + 4, this.#payload, form === 'one-byte', (id, s, e) => {
      out.push({ id, data: b.subarray(s, e) });
    });
    return out;
  }
}

const EMPTY = new Uint8Array(0);

/** Fields accepted by the {@link RtpBuilder} constructor; every one has a default. */
export interface RtpBuilderInit {
  /** 0..127. Default 0. */
  payloadType?: number;
  /** 0..65535. Default 0. */
  sequenceNumber?: number;
  /** RTP clock ticks, 0..2^32-1. Default 0. */
  timestamp?: number;
  /** 0..2^32-1. Default 0. */
  ssrc?: number;
  /** Default false. */
  marker?: boolean;
  /** At most 15 CSRCs. Default []. */
  csrcs?: number[];
  /** Raw extension block: "defined by profile" (0..65535) and contents (multiple of 4 bytes). Default none. */
  extension?: { profile: number; data: Uint8Array };
  /** Default empty. Referenced, not copied, until serialized. */
  payload?: Uint8Array;
  /** Padding bytes to append including the count byte, 0..255 (0 = no padding, P bit clear). Default 0. */
  padding?: number;
}

/**
 * Builds RTP packets into caller-provided buffers.  Fields are plain public
 * properties; they are validated when serialized.
 *
 * ```ts
 * const b = new RtpBuilder({ payloadType: 0, ssrc: 0x1234, payload: frame });
 * const n = b.serializeInto(out);          // bytes written to out
 * b.sequenceNumber = (b.sequenceNumber + 1) & 0xffff; b.timestamp = (b.timestamp + 160) >>> 0;
 * ```
 *
 * `payload` and `extension.data` are referenced, not copied: keep them alive
 * and unchanged until serialized.  Padding bytes are written as zeros, then
 * the count, except after {@link RtpBuilder.copyFrom} with the layout left as
 * it was (payload not reassigned, same `extension` object, CSRC count and
 * padding): then the source packet is copied whole (its padding bytes
 * included) and only the fixed header and CSRCs are rewritten, which
 * allocates nothing per packet.
 */
export class RtpBuilder {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  csrcs: number[];
  /** Raw extension block or undefined (X bit clear). See {@link RtpBuilder.setExtensions}. */
  extension: { profile: number; data: Uint8Array } | undefined;
  padding: number;
  /** The payload, or null while it is still the range of #src that copyFrom() saw. */
  #payload: Uint8Array | null;
  /**
   * The packet copyFrom() read, kept while its layout is unchanged (payload
   * not reassigned, same extension object, CSRC count and padding): then
   * serializeInto() copies it whole and rewrites the header, with no
   * per-packet allocation.
   */
  #src: Uint8Array | null = null;
  #srcPayload = 0;
  #srcEnd = 0;
  #srcCc = 0;
  #srcPad = 0;
  #srcExt: { profile: number; data: Uint8Array } | undefined = undefined;
  #srcExtData: Uint8Array | undefined = undefined;
  #srcExtProfile = -1;

  constructor(init: RtpBuilderInit = {}) {
    if (init === null || typeof init !== 'object') badArg(`RtpBuilder: init must be an object, got ${describe(init)}`);
    this.payloadType = init.payloadType ?? 0;
    this.sequenceNumber = init.sequenceNumber ?? 0;
    this.timestamp = init.timestamp ?? 0;
    this.ssrc = init.ssrc ?? 0;
    this.marker = init.marker ?? false;
    this.csrcs = init.csrcs ?? [];
    this.extension = init.extension;
    this.#payload = init.payload === undefined ? EMPTY : typedArrayArg(init.payload, Uint8Array, 'RtpBuilder: init.payload');
    this.padding = init.padding ?? 0;
  }

  /**
   * Default empty. Referenced, not copied, until serialized.
   * @throws VoipKitError `invalid_argument` when set to anything but a Uint8Array.
   */
  get payload(): Uint8Array {
    return (this.#payload ??= this.#src!.subarray(this.#srcPayload, this.#srcEnd));
  }
  set payload(p: Uint8Array) {
    this.#payload = typedArrayArg(p, Uint8Array, 'RtpBuilder.payload');
    this.#src = null;
  }

  /**
   * A builder with every field of `view`: serializing it unchanged
   * reproduces the packet byte for byte.  The payload and extension data
   * are views into the view's bytes.
   */
  static from(view: RtpView): RtpBuilder {
    return new RtpBuilder().copyFrom(view);
  }

  /** Set every field from `view` (see {@link RtpBuilder.from}); allocates only for CSRCs and an extension. */
  copyFrom(view: RtpView): this {
    if (!(view instanceof RtpView)) badArg(`RtpBuilder.copyFrom: expected an RtpView, got ${describe(view)}`);
    const b = view.bytes;
    const b1 = b[1];
    this.payloadType = b1 & 0x7f;
    this.marker = b1 >= 0x80;
    this.sequenceNumber = (b[2] << 8) | b[3];
    this.timestamp = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
    this.ssrc = ((b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11]) >>> 0;
    const cc = b[0] & 0x0f;
    if (cc === 0) {
      if (this.csrcs.length !== 0) this.csrcs = [];
    } else this.csrcs = view.csrcs;
    const data = view.extensionData;
    this.extension = data === undefined ? undefined : { profile: view.extensionProfile, data };
    this.padding = view.paddingLength;
    this.#payload = null;
    this.#src = b;
    this.#srcPayload = view.payloadOffset;
    this.#srcEnd = b.length - this.padding;
    this.#srcCc = cc;
    this.#srcPad = this.padding;
    this.#srcExt = this.extension;
    this.#srcExtData = data;
    this.#srcExtProfile = data === undefined ? -1 : this.extension!.profile;
    return this;
  }

  /**
   * Replace the extension block with these RFC 8285 elements (see
   * {@link encodeExtensions}); an empty list clears the X bit.
   */
  setExtensions(elements: readonly RtpExtension[], options?: EncodeExtensionsOptions): this {
    if (!Array.isArray(elements)) badArg('RtpBuilder.setExtensions: elements must be an array');
    this.extension = elements.length === 0 ? undefined : encodeExtensions(elements, options);
    return this;
  }

  /**
   * Serialized size in bytes.
   * @throws VoipKitError `invalid_argument` for a field out of range.
   */
  get byteLength(): number {
    return this.#validate(this.#unchanged());
  }

  /** True while serializing can copy the packet copyFrom() read and rewrite its header. */
  #unchanged(): boolean {
    if (this.#src === null || this.padding !== this.#srcPad || this.csrcs.length !== this.#srcCc) return false;
    const x = this.extension;
    if (x !== this.#srcExt) return false;
    return x === undefined || (x.data === this.#srcExtData && x.profile === this.#srcExtProfile);
  }

  #validate(unchanged: boolean): number {
    // Inline integer checks (the hot path); the helpers only build the error.
    const pt = this.payloadType;
    const seq = this.sequenceNumber;
    const ts = this.timestamp;
    const ssrc = this.ssrc;
    if (typeof pt !== 'number' || (pt & 0x7f) !== pt) checkRange(pt, 0, 127, 'RtpBuilder.payloadType');
    if (typeof seq !== 'number' || (seq & 0xffff) !== seq) checkU16(seq, 'RtpBuilder.sequenceNumber');
    if (typeof ts !== 'number' || ts >>> 0 !== ts) checkU32(ts, 'RtpBuilder.timestamp');
    if (typeof ssrc !== 'number' || ssrc >>> 0 !== ssrc) checkU32(ssrc, 'RtpBuilder.ssrc');
    if (typeof this.marker !== 'boolean') badArg(`RtpBuilder.marker must be a boolean, got ${describe(this.marker)}`);
    const cs = this.csrcs;
    if (!Array.isArray(cs) || cs.length > 15) badArg('RtpBuilder.csrcs must be an array of at most 15 CSRCs');
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i];
      if (typeof c !== 'number' || c >>> 0 !== c) checkU32(c, `RtpBuilder.csrcs[${i}]`);
    }
    if (unchanged) return this.#src!.length;
    const payload = this.payload;
    requireBytes(payload, 'RtpBuilder.payload');
    checkU8(this.padding, 'RtpBuilder.padding');
    let n = 12 + 4 * cs.length + payload.length + this.padding;
    const x = this.extension;
    if (x !== undefined) {
      if (x === null || typeof x !== 'object') badArg('RtpBuilder.extension must be { profile, data } or undefined');
      checkU16(x.profile, 'RtpBuilder.extension.profile');
      requireBytes(x.data, 'RtpBuilder.extension.data');
      if ((x.data.length & 3) !== 0 || x.data.length > 0xffff * 4) badArg(`RtpBuilder.extension.data must be a multiple of 4 bytes up to 262140, got ${x.data.length}`);
      n += 4 + x.data.length;
    }
    return n;
  }

  /**
   * Write the packet into `out` at `offset`.  `payload` may overlap `out`
   * (an in-place rewrite): it is moved first, as by
   * `Uint8Array.prototype.set`, which handles overlap.  `extension.data` may
   * overlap `out` only at the very position it is written to.
   * @returns bytes written.
   * @throws VoipKitError `buffer_too_small` when out cannot hold
   *   {@link RtpBuilder.byteLength} bytes after offset; `invalid_argument` for
   *   a field out of range.
   */
  serializeInto(out: Uint8Array, offset = 0): number {
    const unchanged = this.#unchanged();
    const n = this.#validate(unchanged);
    if (!(out instanceof Uint8Array) || typeof offset !== 'number' || (offset | 0) !== offset || offset < 0 || offset + n > out.length) {
      checkOut(out, offset, n, 'RtpBuilder.serializeInto');
    }
    const cs = this.csrcs;
    const x = this.extension;
    const pad = this.padding;
    let o = offset;
    if (unchanged) {
      // Same layout as the packet copyFrom() read: copy it whole, then rewrite the fixed header and CSRCs below.
      out.set(this.#src!, o);
    } else {
      const payload = this.payload;
      // Payload first: in an in-place rewrite it may overlap the header bytes we are about to write.
      const hdr = 12 + 4 * cs.length + (x === undefined ? 0 : 4 + x.data.length);
      if (payload.length > 0) out.set(payload, o + hdr);
      if (x !== undefined) {
        const e = o + 12 + 4 * cs.length;
        writeU16(out, e, x.profile);
        writeU16(out, e + 2, x.data.length >>> 2);
        out.set(x.data, e + 4);
      }
      if (pad > 0) {
        const end = o + n;
        out.fill(0, end - pad, end - 1);
        out[end - 1] = pad;
      }
    }
    out[o] = 0x80 | (pad > 0 ? 0x20 : 0) | (x !== undefined ? 0x10 : 0) | cs.length;
    out[o + 1] = (this.marker ? 0x80 : 0) | this.payloadType;
    writeU16(out, o + 2, this.sequenceNumber);
    writeU32(out, o + 4, this.timestamp);
    writeU32(out, o + 8, this.ssrc);
    o += 12;
    for (let i = 0; i < cs.length; i++, o += 4) writeU32(out, o, cs[i]);
    return n;
  }

  /**
   * Serialize into `out` (from its start) or a new buffer.
   * @returns a view of exactly the packet's bytes.
   * @throws as {@link RtpBuilder.serializeInto}.
   */
  serialize(out?: Uint8Array): Uint8Array {
    if (out === undefined) out = new Uint8Array(this.#validate(this.#unchanged()));
    const n = this.serializeInto(out, 0);
    return n === out.length ? out : out.subarray(0, n);
  }
}

/**
 * RFC 5761 section 4 demultiplexing: true when the second byte is outside
 * 192..223 (the RTCP packet types SR..PSFB+), i.e. an RTP packet when RTP and
 * RTCP share a port.  Checks only the version and that byte; use
 * {@link RtpView.wrap} to validate.
 */
export function isRtp(bytes: Uint8Array): boolean {
  requireBytes(bytes, 'isRtp: bytes');
  return bytes.length >= 12 && (bytes[0] & 0xc0) === 0x80 && !(bytes[1] >= 192 && bytes[1] <= 223);
}
