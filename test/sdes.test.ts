/** SDES a=crypto (RFC 4568): the RFC's own example attributes as references. */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import {
  formatSdesCrypto, generateSdesCrypto, parseSdesCrypto, sdesToSessionOptions, SrtpError, type VoipKit,
} from '../src/index.js';

// RFC 4568 section 4's example attributes; the two-key line follows the
// RFC's multi-key grammar with a second key made up here.
const RFC_SEC4 = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4';
const RFC_SEC4_32 = 'a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32';
const RFC_TWO_KEYS =
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4;inline:QUJjZGVmZ2hpSktMTU5PUFFSU1RVVldYWVoxMjM0|2^20|2:4 FEC_ORDER=FEC_SRTP';

describe('SDES a=crypto', () => {
  it('parses the RFC 4568 example', () => {
    const c = parseSdesCrypto(RFC_SEC4);
    const ks = Buffer.from('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'base64');
    expect(c.tag).toBe(1);
    expect(c.profile).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(c.keys).toHaveLength(1);
    expect(Buffer.from(c.keys[0].masterKey)).toEqual(ks.subarray(0, 16));
    expect(Buffer.from(c.keys[0].masterSalt)).toEqual(ks.subarray(16));
    expect(c.keys[0].lifetime).toBe(2 ** 20);
    expect(c.keys[0].mki).toEqual({ value: 1, length: 4 });
  });

  it('parses several keys and unknown session parameters, and formats all back verbatim', () => {
    const c = parseSdesCrypto(RFC_TWO_KEYS);
    expect(c.keys.map((k) => k.mki?.value)).toEqual([1, 2]);
    expect(c.otherParams).toEqual(['FEC_ORDER=FEC_SRTP']);
    for (const line of [RFC_SEC4, RFC_SEC4_32, RFC_TWO_KEYS]) expect(formatSdesCrypto(parseSdesCrypto(line))).toBe(line);
  });

  it('reads KDR, UNENCRYPTED_SRTP/SRTCP and WSH into session options', () => {
    const c = parseSdesCrypto('a=crypto:5 AEAD_AES_256_GCM inline:' + Buffer.alloc(44, 7).toString('base64') + '|1000 KDR=4 UNENCRYPTED_SRTCP WSH=512');
    expect(c).toMatchObject({ tag: 5, profile: 'AEAD_AES_256_GCM', kdr: 4, unencryptedSrtcp: true, windowSizeHint: 512 });
    expect(c.keys[0].lifetime).toBe(1000);
    const o = sdesToSessionOptions(c);
    expect(o).toMatchObject({ keyDerivationRate: 16, unencryptedSrtcp: true, replayWindow: 512, lifetime: 1000 });
    expect(o.masterKey.length).toBe(32);
    expect(o.masterSalt.length).toBe(12);
  });

  it('generates fresh keys from the CSPRNG', () => {
    const a = generateSdesCrypto('AES_256_CM_HMAC_SHA1_80', { lifetime: 2 ** 31, mki: { value: 3, length: 2 } });
    const b = generateSdesCrypto('AES_256_CM_HMAC_SHA1_80');
    expect(a.keys[0].masterKey.length).toBe(32);
    expect(Buffer.from(a.keys[0].masterKey).equals(Buffer.from(b.keys[0].masterKey))).toBe(false);
    const line = formatSdesCrypto(a);
    expect(line).toMatch(/^a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{62}==\|2\^31\|3:2$/);
    expect(parseSdesCrypto(line)).toEqual(a);
  });

  it('rejects malformed attributes with typed errors', () => {
    const bad = [
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80',
      'a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
      'a=crypto:1 F8_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhc',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:sip:x',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^x',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|300:1',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:P$1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
    ];
    for (const l of bad) {
      expect(() => parseSdesCrypto(l), l).toThrow(SrtpError);
      try { parseSdesCrypto(l); } catch (e) { expect((e as SrtpError).code).toBe('invalid_argument'); }
    }
  });
});

describe.each(BACKENDS)('SDES keys drive a session on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => { kit = await kitFor(backend); });

  it('offer and answer sessions from the same attribute interoperate, MKI included', () => {
    const line = formatSdesCrypto(generateSdesCrypto('AES_CM_128_HMAC_SHA1_32', { mki: { value: 258, length: 2 } }));
    const tx = kit.createSrtpSession(sdesToSessionOptions(parseSdesCrypto(line)));
    const rx = kit.createSrtpSession(sdesToSessionOptions(parseSdesCrypto(line)));
    const pkt = Uint8Array.of(0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42, 1, 2, 3);
    const p = tx.protectRtp(pkt);
    expect(p.length).toBe(15 + 2 + 4);
    expect(Array.from(p.subarray(15, 17))).toEqual([1, 2]); // MKI 258 in 2 bytes, before the tag
    expect(Array.from(rx.unprotectRtp(p))).toEqual(Array.from(pkt));
    tx.close(); rx.close();
  });
});
