/**
 * SDES keying (RFC 4568): parse and format SDP `a=crypto` attributes, and
 * generate fresh keys from a CSPRNG (crypto.getRandomValues).  Pure
 * TypeScript; the result feeds kit.createSrtpSession() via
 * {@link sdesToSessionOptions}.
 *
 * ```
 * a=crypto:<tag> <crypto-suite> inline:<base64 key||salt>[|<lifetime>][|<mki>:<length>][;inline:...] [session params]
 * ```
 */
import { SrtpError, SRTP_KEY_LENGTHS, type SrtpProfile, type SrtpSessionOptions } from './session.js';
import { intArg, objectArg } from '../guard.js';

/** One key of an a=crypto line (RFC 4568 6.1). */
export interface SdesKey {
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
  /** Master key lifetime in packets (the `|2^31` or `|1000` field); undefined when absent. */
  lifetime?: number;
  /** The MKI (`|value:length`): an integer value carried in `length` bytes (1..128), big-endian. */
  mki?: { value: number; length: number };
}

/** A parsed a=crypto attribute. */
export interface SdesCrypto {
  /** The attribute's tag, 1..999999999. */
  tag: number;
  profile: SrtpProfile;
  /** At least one key; more than one is allowed by RFC 4568 (with MKIs). */
  keys: SdesKey[];
  /** KDR=n: key derivation rate 2^n (n in 0..24); undefined = 0 (derive once). */
  kdr?: number;
  unencryptedSrtp?: boolean;
  unencryptedSrtcp?: boolean;
  unauthenticatedSrtp?: boolean;
  /** WSH=n: the replay window size hint, packets (>= 64). */
  windowSizeHint?: number;
  /** Session parameters this module does not interpret (e.g. FEC_ORDER), kept verbatim. */
  otherParams?: string[];
}

function bad(message: string): never {
  throw new SrtpError('invalid_argument', message);
}

const SUITES = new Set(Object.keys(SRTP_KEY_LENGTHS));

function b64decode(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) bad(`a=crypto: key is not base64: ${JSON.stringify(s)}`);
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function b64encode(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function parseLifetime(s: string): number {
  const m = /^(2\^)?(\d{1,15})$/.exec(s);
  if (!m) bad(`a=crypto: bad lifetime ${JSON.stringify(s)}`);
  const v = m[1] ? 2 ** Number(m[2]) : Number(m[2]);
  if (!Number.isSafeInteger(v) || v < 1 || (m[1] && Number(m[2]) > 48)) bad(`a=crypto: lifetime ${s} out of range`);
  return v;
}

/**
 * Parse one a=crypto attribute ("a=crypto:..." or just the value after
 * "crypto:").
 * @throws SrtpError invalid_argument naming what is malformed.
 */
export function parseSdesCrypto(line: string): SdesCrypto {
  if (typeof line !== 'string') bad('a=crypto: expected a string');
  const v = line.trim().replace(/^a=/, '').replace(/^crypto:/, '');
  const parts = v.split(/\s+/);
  if (parts.length < 3) bad(`a=crypto: expected "<tag> <suite> <key-params>", got ${JSON.stringify(line)}`);
  const [tagS, suite, keyParams, ...session] = parts;
  if (!/^\d{1,9}$/.test(tagS)) bad(`a=crypto: bad tag ${JSON.stringify(tagS)}`);
  if (!SUITES.has(suite)) bad(`a=crypto: unsupported crypto-suite ${JSON.stringify(suite)}`);
  const profile = suite as SrtpProfile;
  const lens = SRTP_KEY_LENGTHS[profile];
  const keys: SdesKey[] = keyParams.split(';').map((kp) => {
    if (!kp.startsWith('inline:')) bad(`a=crypto: only the inline key method is supported, got ${JSON.stringify(kp)}`);
    const [b64, ...rest] = kp.slice(7).split('|');
    const ks = b64decode(b64);
    if (ks.length !== lens.key + lens.salt) bad(`a=crypto: ${suite} needs ${lens.key + lens.salt} bytes of key||salt, got ${ks.length}`);
    const key: SdesKey = { masterKey: ks.slice(0, lens.key), masterSalt: ks.slice(lens.key) };
    for (const f of rest) {
      if (f.includes(':')) {
        const m = /^(\d{1,15}):(\d{1,3})$/.exec(f);
        if (!m || key.mki) bad(`a=crypto: bad MKI ${JSON.stringify(f)}`);
        const length = Number(m[2]), value = Number(m[1]);
        if (length < 1 || length > 128 || (length < 7 && value >= 2 ** (8 * length))) bad(`a=crypto: MKI ${f} does not fit its length`);
        key.mki = { value, length };
      } else {
        if (key.lifetime !== undefined) bad(`a=crypto: two lifetimes in ${JSON.stringify(kp)}`);
        key.lifetime = parseLifetime(f);
      }
    }
    return key;
  });
  if (keys.length > 1 && keys.some((k) => !k.mki)) bad('a=crypto: several keys need an MKI each');
  const out: SdesCrypto = { tag: Number(tagS), profile, keys };
  const other: string[] = [];
  for (const p of session) {
    let m: RegExpExecArray | null;
    if ((m = /^KDR=(\d{1,2})$/.exec(p))) {
      const n = Number(m[1]);
      if (n > 24) bad(`a=crypto: KDR=${n} exceeds 24`);
      out.kdr = n;
    } else if (p === 'UNENCRYPTED_SRTP') out.unencryptedSrtp = true;
    else if (p === 'UNENCRYPTED_SRTCP') out.unencryptedSrtcp = true;
    else if (p === 'UNAUTHENTICATED_SRTP') out.unauthenticatedSrtp = true;
    else if ((m = /^WSH=(\d{1,9})$/.exec(p))) out.windowSizeHint = Number(m[1]);
    else other.push(p);
  }
  if (other.length) out.otherParams = other;
  return out;
}

/** Format an a=crypto attribute line ("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:...|2^31|1:4"). */
export function formatSdesCrypto(c: SdesCrypto): string {
  if (!c || !SUITES.has(c.profile)) bad(`formatSdesCrypto: unknown profile ${JSON.stringify(c?.profile)}`);
  if (!Number.isInteger(c.tag) || c.tag < 0 || c.tag > 999999999) bad(`formatSdesCrypto: bad tag ${c.tag}`);
  if (!Array.isArray(c.keys) || c.keys.length === 0) bad('formatSdesCrypto: at least one key is needed');
  const lens = SRTP_KEY_LENGTHS[c.profile];
  const keys = c.keys.map((k) => {
    if (!(k.masterKey instanceof Uint8Array) || k.masterKey.length !== lens.key || !(k.masterSalt instanceof Uint8Array) || k.masterSalt.length !== lens.salt) {
      bad(`formatSdesCrypto: ${c.profile} needs a ${lens.key}-byte key and a ${lens.salt}-byte salt`);
    }
    const ks = new Uint8Array(lens.key + lens.salt);
    ks.set(k.masterKey);
    ks.set(k.masterSalt, lens.key);
    let s = `inline:${b64encode(ks)}`;
    if (k.lifetime !== undefined) {
      const l = Math.log2(k.lifetime);
      s += Number.isInteger(l) ? `|2^${l}` : `|${k.lifetime}`;
    }
    if (k.mki) s += `|${k.mki.value}:${k.mki.length}`;
    return s;
  });
  const params: string[] = [];
  if (c.kdr !== undefined) params.push(`KDR=${c.kdr}`);
  if (c.unencryptedSrtp) params.push('UNENCRYPTED_SRTP');
  if (c.unencryptedSrtcp) params.push('UNENCRYPTED_SRTCP');
  if (c.unauthenticatedSrtp) params.push('UNAUTHENTICATED_SRTP');
  if (c.windowSizeHint !== undefined) params.push(`WSH=${c.windowSizeHint}`);
  if (c.otherParams) params.push(...c.otherParams);
  return `a=crypto:${c.tag} ${c.profile} ${keys.join(';')}${params.length ? ' ' + params.join(' ') : ''}`;
}

/** Fresh key material for a profile from crypto.getRandomValues (a CSPRNG). */
export function generateSdesCrypto(profile: SrtpProfile, options: { tag?: number; lifetime?: number; mki?: { value: number; length: number } } = {}): SdesCrypto {
  const lens = SRTP_KEY_LENGTHS[profile];
  if (!lens) bad(`generateSdesCrypto: unknown profile ${JSON.stringify(profile)}`);
  const ks = new Uint8Array(lens.key + lens.salt);
  globalThis.crypto.getRandomValues(ks);
  const key: SdesKey = { masterKey: ks.slice(0, lens.key), masterSalt: ks.slice(lens.key) };
  if (options.lifetime !== undefined) key.lifetime = options.lifetime;
  if (options.mki) key.mki = options.mki;
  ks.fill(0);
  return { tag: options.tag ?? 1, profile, keys: [key] };
}

/**
 * The MKI bytes of an SDES MKI (value big-endian in `length` bytes).
 * @param mki value: a safe integer >= 0 that fits `length` bytes; length: 1..128 (RFC 4568 6.1).
 * @throws SrtpError `invalid_argument` otherwise.
 */
export function sdesMkiBytes(mki: { value: number; length: number }): Uint8Array {
  objectArg(mki, 'sdesMkiBytes: mki', SrtpError);
  intArg(mki.length, 1, 128, 'sdesMkiBytes: mki.length', SrtpError);
  intArg(mki.value, 0, mki.length < 7 ? 2 ** (8 * mki.length) - 1 : Number.MAX_SAFE_INTEGER, 'sdesMkiBytes: mki.value', SrtpError);
  const out = new Uint8Array(mki.length);
  let v = mki.value;
  for (let i = mki.length - 1; i >= 0 && v > 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/**
 * Session options for kit.createSrtpSession() from a parsed attribute
 * (its key `keyIndex`, default the first).
 * @throws SrtpError unsupported for UNAUTHENTICATED_SRTP (not offered by
 *   voipkit) or an MKI longer than 32 bytes.
 */
export function sdesToSessionOptions(c: SdesCrypto, keyIndex = 0): SrtpSessionOptions {
  objectArg(c, 'sdesToSessionOptions: crypto', SrtpError);
  if (!Array.isArray(c.keys)) bad('sdesToSessionOptions: crypto.keys must be an array (of parseSdesCrypto() or generateSdesCrypto())');
  intArg(keyIndex, 0, c.keys.length - 1, 'sdesToSessionOptions: keyIndex', SrtpError);
  const k = c.keys[keyIndex];
  if (!k) bad(`sdesToSessionOptions: no key ${keyIndex}`);
  if (c.unauthenticatedSrtp) throw new SrtpError('unsupported', 'UNAUTHENTICATED_SRTP is not supported');
  if (k.mki && k.mki.length > 32) throw new SrtpError('unsupported', `MKI of ${k.mki.length} bytes: voipkit supports up to 32`);
  const o: SrtpSessionOptions = { profile: c.profile, masterKey: k.masterKey, masterSalt: k.masterSalt };
  if (k.mki) o.mki = sdesMkiBytes(k.mki);
  if (k.lifetime !== undefined) o.lifetime = k.lifetime;
  if (c.kdr !== undefined) o.keyDerivationRate = 2 ** c.kdr;
  if (c.unencryptedSrtp) o.unencryptedSrtp = true;
  if (c.unencryptedSrtcp) o.unencryptedSrtcp = true;
  if (c.windowSizeHint !== undefined) o.replayWindow = Math.min(65536, Math.max(64, c.windowSizeHint));
  return o;
}
