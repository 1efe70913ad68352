/**
 * SRTP / SRTCP sessions (RFC 3711, RFC 6188, RFC 7714), served by the C core.
 * See docs/srtp.md.
 */
import type { Backend, Handle, SrtpBackend } from '../backend/types.js';
import { VoipKitError, statusCode, type ErrorCode } from '../errors.js';
import { CoreResource } from '../resource.js';

/** SDES crypto-suite names (RFC 4568, 6188, 7714). */
export type SrtpProfile =
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32'
  | 'AES_192_CM_HMAC_SHA1_80'
  | 'AES_192_CM_HMAC_SHA1_32'
  | 'AES_256_CM_HMAC_SHA1_80'
  | 'AES_256_CM_HMAC_SHA1_32'
  | 'AEAD_AES_128_GCM'
  | 'AEAD_AES_256_GCM';

/** Profile numbers of vk_srtp.h (1, 2, 7, 8 are also the DTLS-SRTP ids). */
export const SRTP_PROFILES: Readonly<Record<SrtpProfile, number>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: 1,
  AES_CM_128_HMAC_SHA1_32: 2,
  AES_192_CM_HMAC_SHA1_80: 3,
  AES_192_CM_HMAC_SHA1_32: 4,
  AES_256_CM_HMAC_SHA1_80: 5,
  AES_256_CM_HMAC_SHA1_32: 6,
  AEAD_AES_128_GCM: 7,
  AEAD_AES_256_GCM: 8,
});

/** Master key and salt lengths in bytes, per profile. */
export const SRTP_KEY_LENGTHS: Readonly<Record<SrtpProfile, { key: number; salt: number }>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: { key: 16, salt: 14 },
  AES_CM_128_HMAC_SHA1_32: { key: 16, salt: 14 },
  AES_192_CM_HMAC_SHA1_80: { key: 24, salt: 14 },
  AES_192_CM_HMAC_SHA1_32: { key: 24, salt: 14 },
  AES_256_CM_HMAC_SHA1_80: { key: 32, salt: 14 },
  AES_256_CM_HMAC_SHA1_32: { key: 32, salt: 14 },
  AEAD_AES_128_GCM: { key: 16, salt: 12 },
  AEAD_AES_256_GCM: { key: 32, salt: 12 },
});

/** Bytes an SRTP (tag) and SRTCP (tag + index word) packet grows by, before MKI. */
export const SRTP_OVERHEAD: Readonly<Record<SrtpProfile, { rtp: number; rtcp: number }>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: { rtp: 10, rtcp: 14 },
  AES_CM_128_HMAC_SHA1_32: { rtp: 4, rtcp: 14 },
  AES_192_CM_HMAC_SHA1_80: { rtp: 10, rtcp: 14 },
  AES_192_CM_HMAC_SHA1_32: { rtp: 4, rtcp: 14 },
  AES_256_CM_HMAC_SHA1_80: { rtp: 10, rtcp: 14 },
  AES_256_CM_HMAC_SHA1_32: { rtp: 4, rtcp: 14 },
  AEAD_AES_128_GCM: { rtp: 16, rtcp: 20 },
  AEAD_AES_256_GCM: { rtp: 16, rtcp: 20 },
});

export interface SrtpSessionOptions {
  /** The protection profile (SDES crypto-suite name). */
  profile: SrtpProfile;
  /** Master key: 16, 24 or 32 bytes as the profile says. Copied; the caller may wipe it afterwards. */
  masterKey: Uint8Array;
  /** Master salt: 14 bytes (AES-CM) or 12 bytes (AES-GCM). Copied. */
  masterSalt: Uint8Array;
  /** Replay window in packets (RFC 3711 3.3.2). Default 128; 64..65536. */
  replayWindow?: number;
  /** Master key identifier carried in every packet (RFC 3711 3.1), 1..32 bytes. Default: none. */
  mki?: Uint8Array;
  /** Most SSRCs one session serves (streams are created on the first packet). Default 64; 1..65536. */
  maxStreams?: number;
  /** Key derivation rate (RFC 3711 4.3.1): 0 (default: derive once) or a power of two up to 2^24. */
  keyDerivationRate?: number;
  /**
   * Master key lifetime in packets (RFC 4568 lifetime parameter).  Default
   * and maximum: 2^48 SRTP packets and 2^31 SRTCP packets (RFC 3711 3.2.1).
   * Past it every call fails with `key_expired`.
   */
  lifetime?: number;
  /** RFC 4568 UNENCRYPTED_SRTP: authenticate RTP without encrypting. Default false. */
  unencryptedSrtp?: boolean;
  /** RFC 4568 UNENCRYPTED_SRTCP: E flag 0. Default false. */
  unencryptedSrtcp?: boolean;
  /**
   * Use masterKey / masterSalt as the session keys, skipping key derivation.
   * Only for known-answer tests (RFC 7714's vectors are given that way);
   * never in production. Default false.
   */
  unsafeSessionKeys?: boolean;
}

/** An SRTP failure: `code` says which (auth_fail, replay_duplicate, replay_old, bad_length, key_expired, ...). */
export class SrtpError extends VoipKitError {
  /** The core status number. */
  readonly status: number;
  constructor(code: ErrorCode, message: string, status = 0) {
    super(code, message);
    this.name = 'SrtpError';
    this.status = status;
  }
}

/** vk_common.h VK_ERR_ARG. */
const VK_ERR_ARG = -1;

function srtpFail(status: number, what: string): never {
  const code = statusCode(status);
  throw new SrtpError(code, `${what}: ${code.replace(/_/g, ' ')} (status ${status})`, status);
}

function bad(message: string): never {
  throw new SrtpError('invalid_argument', message);
}

/** A snapshot of a session's counters. */
export interface SrtpStats {
  rtpProtected: number;
  rtpUnprotected: number;
  rtcpProtected: number;
  rtcpUnprotected: number;
  authFailures: number;
  replayDuplicates: number;
  replayTooOld: number;
  badPackets: number;
  streams: number;
  keyExpired: number;
}

/** Per-SSRC state (null where that direction has seen no packet yet). */
export interface SrtpStreamInfo {
  txRoc: number | null;
  txSeq: number | null;
  rxRoc: number | null;
  rxSeq: number | null;
  /** Next SRTCP index this session sends for the SSRC. */
  rtcpNextIndex: number;
  rtcpHighestReceived: number | null;
}

/** Operations of {@link SrtpSession.processBatch}. */
export type SrtpBatchOp = 'protectRtp' | 'unprotectRtp' | 'protectRtcp' | 'unprotectRtcp';
const BATCH_OPS: Record<SrtpBatchOp, number> = { protectRtp: 0, unprotectRtp: 1, protectRtcp: 2, unprotectRtcp: 3 };

function isBytes(v: unknown): v is Uint8Array {
  // ArrayBuffer.isView rejects Proxies and Object.create(Uint8Array.prototype),
  // which pass instanceof (test/hostile.test.ts).
  return v instanceof Uint8Array && ArrayBuffer.isView(v);
}

/**
 * One SRTP session: a master key serving up to `maxStreams` SSRCs in both
 * directions.  Not safe to share between threads; cheap calls, no
 * allocation per packet when an output buffer is passed.
 */
export class SrtpSession extends CoreResource {
  readonly #b: Backend['srtp'];
  readonly profile: SrtpProfile;
  /** Bytes protectRtp adds (tag + MKI). */
  readonly rtpOverhead: number;
  /** Bytes protectRtcp adds (tag + index word + MKI). */
  readonly rtcpOverhead: number;
  readonly #f64 = new Float64Array(16);
  /** Where tryUnprotectRtp/Rtcp without `out` work (grown to the largest packet). */
  #scratch = new Uint8Array(0);
  // The hot path calls the backend functions from own fields.
  readonly #protectRtp: SrtpBackend['protectRtp'];
  readonly #unprotectRtp: SrtpBackend['unprotectRtp'];
  readonly #protectRtcp: SrtpBackend['protectRtcp'];
  readonly #unprotectRtcp: SrtpBackend['unprotectRtcp'];

  /** @internal use kit.createSrtpSession() */
  constructor(backend: Backend['srtp'], options: SrtpSessionOptions) {
    if (typeof options !== 'object' || options === null) bad('createSrtpSession needs an options object');
    const { profile } = options;
    const id = SRTP_PROFILES[profile as SrtpProfile];
    if (typeof profile !== 'string' || id === undefined) {
      bad(`unknown SRTP profile ${JSON.stringify(profile)}; expected one of ${Object.keys(SRTP_PROFILES).join(', ')}`);
    }
    const lens = SRTP_KEY_LENGTHS[profile];
    if (!isBytes(options.masterKey) || options.masterKey.length !== lens.key) {
      bad(`${profile} needs a ${lens.key}-byte masterKey (Uint8Array), got ${isBytes(options.masterKey) ? options.masterKey.length + ' bytes' : typeof options.masterKey}`);
    }
    if (!isBytes(options.masterSalt) || options.masterSalt.length !== lens.salt) {
      bad(`${profile} needs a ${lens.salt}-byte masterSalt (Uint8Array), got ${isBytes(options.masterSalt) ? options.masterSalt.length + ' bytes' : typeof options.masterSalt}`);
    }
    const window = options.replayWindow ?? 128;
    if (!Number.isInteger(window) || window < 64 || window > 65536) bad(`replayWindow must be an integer in 64..65536, got ${window}`);
    const maxStreams = options.maxStreams ?? 64;
    if (!Number.isInteger(maxStreams) || maxStreams < 1 || maxStreams > 65536) bad(`maxStreams must be an integer in 1..65536, got ${maxStreams}`);
    const kdr = options.keyDerivationRate ?? 0;
    let kdrLog2 = 0;
    if (kdr !== 0) {
      const l = Math.log2(kdr);
      if (!Number.isInteger(l) || l < 0 || l > 24) bad(`keyDerivationRate must be 0 or a power of two up to 2^24, got ${kdr}`);
      kdrLog2 = l + 1;
    }
    const mki = options.mki;
    if (mki !== undefined && (!isBytes(mki) || mki.length < 1 || mki.length > 32)) bad('mki must be a Uint8Array of 1..32 bytes');
    const lifetime = options.lifetime ?? 0;
    if (!Number.isSafeInteger(lifetime) || lifetime < 0) bad(`lifetime must be a non-negative integer packet count, got ${lifetime}`);
    const flags = (options.unencryptedSrtp ? 1 : 0) | (options.unencryptedSrtcp ? 2 : 0) | (options.unsafeSessionKeys ? 4 : 0);
    const cfg = Uint32Array.of(id, window, maxStreams, kdrLog2, mki?.length ?? 0, flags, lifetime % 2 ** 32, Math.floor(lifetime / 2 ** 32));
    const h = backend.create(cfg, options.masterKey, options.masterSalt, mki);
    if (typeof h === 'number' && h < 0) srtpFail(h, 'createSrtpSession');
    super(h as Handle, (x) => backend.destroy(x), 'SrtpSession');
    this.#b = backend;
    this.#protectRtp = backend.protectRtp;
    this.#unprotectRtp = backend.unprotectRtp;
    this.#protectRtcp = backend.protectRtcp;
    this.#unprotectRtcp = backend.unprotectRtcp;
    this.profile = profile;
    const m = mki?.length ?? 0;
    this.rtpOverhead = SRTP_OVERHEAD[profile].rtp + m;
    this.rtcpOverhead = SRTP_OVERHEAD[profile].rtcp + m;
  }

  #check(what: string, packet: Uint8Array, out: Uint8Array): void {
    if (!isBytes(packet)) bad(`${what}: packet must be a Uint8Array`);
    if (!isBytes(out)) bad(`${what}: out must be a Uint8Array`);
    // Partial overlap of out and packet is refused by the backend (status
    // invalid_argument, see #misuse): the check costs nothing here per call.
  }

  /** The backends answer invalid_argument to a packet call only for an out partially overlapping the packet. */
  #misuse(what: string): never {
    bad(`${what}: out overlaps packet without starting at the same byte (in place means the same start)`);
  }

  #run(fn: (h: Handle, i: Uint8Array, o: Uint8Array) => number, what: string, packet: Uint8Array, out: Uint8Array | undefined, grow: number): Uint8Array {
    let o: Uint8Array;
    if (out === undefined) {
      if (!isBytes(packet)) bad(`${what}: packet must be a Uint8Array`);
      o = new Uint8Array(packet.length + grow);
    } else {
      this.#check(what, packet, out);
      o = out;
    }
    const r = fn(this.#live(), packet, o);
    if (r < 0) {
      if (r === VK_ERR_ARG) this.#misuse(what);
      srtpFail(r, what);
    }
    return o.subarray(0, r);
  }

  #fail(status: number, what: string): never {
    if (status === VK_ERR_ARG) this.#misuse(what);
    srtpFail(status, what);
  }

  #live(): Handle {
    return this.handle; // throws the `closed` error after close()
  }

  /**
   * The allocation-free forms of the four calls: write into `out` (in place
   * allowed, as above) and return the number of bytes written.
   * @throws SrtpError as the corresponding call.
   */
  protectRtpInto(packet: Uint8Array, out: Uint8Array): number {
    this.#check('protectRtpInto', packet, out);
    const r = this.#protectRtp(this.#live(), packet, out);
    return r < 0 ? this.#fail(r, 'protectRtpInto') : r;
  }
  unprotectRtpInto(packet: Uint8Array, out: Uint8Array): number {
    this.#check('unprotectRtpInto', packet, out);
    const r = this.#unprotectRtp(this.#live(), packet, out);
    return r < 0 ? this.#fail(r, 'unprotectRtpInto') : r;
  }
  protectRtcpInto(packet: Uint8Array, out: Uint8Array): number {
    this.#check('protectRtcpInto', packet, out);
    const r = this.#protectRtcp(this.#live(), packet, out);
    return r < 0 ? this.#fail(r, 'protectRtcpInto') : r;
  }
  unprotectRtcpInto(packet: Uint8Array, out: Uint8Array): number {
    this.#check('unprotectRtcpInto', packet, out);
    const r = this.#unprotectRtcp(this.#live(), packet, out);
    return r < 0 ? this.#fail(r, 'unprotectRtcpInto') : r;
  }

  /**
   * Protect an RTP packet.  Returns a view of `out` (or of a new array) with
   * the SRTP packet; `out` needs `packet.length + rtpOverhead` bytes and may
   * start at the same byte as `packet` (in place).
   * @throws SrtpError bad_length / bad_version (not RTP v2), buffer_too_small, key_expired, no_stream.
   */
  protectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.#run(this.#protectRtp, 'protectRtp', packet, out, this.rtpOverhead);
  }

  /**
   * Verify and decrypt an SRTP packet.  Returns a view of `out` (or a new
   * array) holding the RTP packet; in place allowed.
   * @throws SrtpError auth_fail, replay_duplicate, replay_old, bad_length, bad_version, bad_mki, key_expired, no_stream.
   */
  unprotectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.#run(this.#unprotectRtp, 'unprotectRtp', packet, out, 0);
  }

  /** Protect an RTCP (compound) packet; `out` needs `packet.length + rtcpOverhead` bytes. */
  protectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.#run(this.#protectRtcp, 'protectRtcp', packet, out, this.rtcpOverhead);
  }

  /** Verify and decrypt an SRTCP packet. @throws SrtpError as unprotectRtp. */
  unprotectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array {
    return this.#run(this.#unprotectRtcp, 'unprotectRtcp', packet, out, 0);
  }

  #try(fn: (h: Handle, i: Uint8Array, o: Uint8Array) => number, what: string, packet: Uint8Array, out: Uint8Array | undefined): Uint8Array | ErrorCode {
    let o: Uint8Array;
    if (out === undefined) {
      if (!isBytes(packet)) bad(`${what}: packet must be a Uint8Array`);
      // Unprotect into the session's scratch buffer and copy out only what
      // was accepted: a refused packet allocates nothing.
      if (this.#scratch.length < packet.length) this.#scratch = new Uint8Array(Math.max(packet.length, 1500));
      o = this.#scratch;
    } else {
      this.#check(what, packet, out);
      o = out;
    }
    const r = fn(this.#live(), packet, o);
    if (r < 0) return r === VK_ERR_ARG ? this.#misuse(what) : statusCode(r);
    return out === undefined ? o.slice(0, r) : o.subarray(0, r);
  }

  /**
   * The receive-loop form of {@link SrtpSession.unprotectRtp}: verify and
   * decrypt an SRTP packet, and report a refused packet by returning its
   * code (`'auth_fail'`, `'replay_duplicate'`, `'replay_old'`,
   * `'bad_length'`, `'bad_version'`, `'bad_mki'`, `'key_expired'`,
   * `'no_stream'`, `'buffer_too_small'`) instead of throwing: no Error is
   * created, and without `out` nothing is allocated for a refused packet, so
   * refusing a forgery costs no more than accepting a genuine packet.
   * Returns a view of `out` (in place allowed), or without `out` a new array
   * owned by the caller, holding the RTP packet.  The session's state and
   * counters move exactly as with unprotectRtp.
   * @throws SrtpError only for misuse: `invalid_argument` (not a Uint8Array,
   *   partially overlapping out) or `closed`.
   */
  tryUnprotectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | ErrorCode {
    return this.#try(this.#unprotectRtp, 'tryUnprotectRtp', packet, out);
  }

  /** {@link SrtpSession.tryUnprotectRtp} for SRTCP: the RTCP packet, or the code of the refusal. */
  tryUnprotectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | ErrorCode {
    return this.#try(this.#unprotectRtcp, 'tryUnprotectRtcp', packet, out);
  }

  /**
   * Process many packets in one call, in place in one packed buffer: packet
   * i is `buf[offsets[i] .. offsets[i] + lengths[i])` with room up to
   * `offsets[i] + capacities[i]`.  On return `lengths[i]` is the new length,
   * or a negative status for a packet that failed (see {@link SrtpSession.errorFor});
   * the others are processed regardless.  Returns how many succeeded.
   */
  processBatch(op: SrtpBatchOp, buf: Uint8Array, offsets: Uint32Array, lengths: Int32Array, capacities: Uint32Array, count = offsets.length): number {
    const code = BATCH_OPS[op];
    if (code === undefined) bad(`processBatch: unknown op ${JSON.stringify(op)}`);
    if (!isBytes(buf) || !(offsets instanceof Uint32Array) || !(lengths instanceof Int32Array) || !(capacities instanceof Uint32Array)) {
      bad('processBatch: buf must be a Uint8Array, offsets and capacities Uint32Array, lengths Int32Array');
    }
    if (!Number.isInteger(count) || count < 0 || count > offsets.length || count > lengths.length || count > capacities.length) {
      bad(`processBatch: count ${count} exceeds the arrays`);
    }
    const h = this.#live();
    if (count === 0) return 0;
    const r = this.#b.batch(h, code, buf, offsets, lengths, capacities, count);
    if (r < 0) srtpFail(r, 'processBatch');
    return r;
  }

  /**
   * The code of a negative status left in a batch's lengths array (or
   * `'internal'` for a number that is not one), without creating an Error.
   */
  static codeFor(status: number): ErrorCode {
    return statusCode(status);
  }

  /** The SrtpError for a negative status left in a batch's lengths array. */
  static errorFor(status: number, what = 'srtp'): SrtpError {
    const code = statusCode(status);
    return new SrtpError(code, `${what}: ${code.replace(/_/g, ' ')} (status ${status})`, status);
  }

  /** Set an SSRC's rollover counter (RFC 3711 3.3.1), e.g. when joining a stream in progress. */
  setRoc(ssrc: number, roc: number): void {
    if (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffffffff) bad(`ssrc must be a uint32, got ${ssrc}`);
    if (!Number.isInteger(roc) || roc < 0 || roc > 0xffffffff) bad(`roc must be a uint32, got ${roc}`);
    const r = this.#b.setRoc(this.handle, ssrc, roc);
    if (r < 0) srtpFail(r, 'setRoc');
  }

  /** Set the next SRTCP index sent for an SSRC (0 .. 2^31-1; RFC 3711 starts at 0). */
  setRtcpIndex(ssrc: number, index: number): void {
    if (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffffffff) bad(`ssrc must be a uint32, got ${ssrc}`);
    if (!Number.isInteger(index) || index < 0 || index > 0x7fffffff) bad(`index must be in 0..2^31-1, got ${index}`);
    const r = this.#b.setRtcpIndex(this.handle, ssrc, index);
    if (r < 0) srtpFail(r, 'setRtcpIndex');
  }

  /** Per-SSRC state, or null when the session has no stream for it. */
  streamInfo(ssrc: number): SrtpStreamInfo | null {
    if (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffffffff) bad(`ssrc must be a uint32, got ${String(ssrc)}`);
    const o = this.#f64;
    const r = this.#b.streamInfo(this.handle, ssrc >>> 0, o);
    if (r < 0) return null;
    const n = (v: number) => (v < 0 ? null : v);
    return { txRoc: n(o[0]), txSeq: n(o[1]), rxRoc: n(o[2]), rxSeq: n(o[3]), rtcpNextIndex: o[4], rtcpHighestReceived: n(o[5]) };
  }

  stats(): SrtpStats {
    const o = this.#f64;
    o.fill(0);
    this.#b.stats(this.handle, o);
    return {
      rtpProtected: o[0], rtpUnprotected: o[1], rtcpProtected: o[2], rtcpUnprotected: o[3],
      authFailures: o[4], replayDuplicates: o[5], replayTooOld: o[6], badPackets: o[7],
      streams: o[8], keyExpired: o[9],
    };
  }
}

/**
 * @internal For receive loops that count and drop (src/pipeline):
 * tryUnprotectRtp / tryUnprotectRtcp, with misuse (a closed session, a
 * datagram that is not a Uint8Array) reported as its code too.
 */
export function unprotectOrCode(s: SrtpSession, rtcp: boolean, datagram: Uint8Array): Uint8Array | ErrorCode {
  try {
    return rtcp ? s.tryUnprotectRtcp(datagram) : s.tryUnprotectRtp(datagram);
  } catch (e) {
    return e instanceof VoipKitError ? e.code : 'internal';
  }
}
