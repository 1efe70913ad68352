import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { createCipheriv, createHmac } from 'node:crypto';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { rtpPacket } from './helpers/pcap.js';
import { SrtpError, VoipKitError, type SrtpProfile, type VoipKit } from '../src/index.js';

// Vectors: test/vectors/srtp/README.md names each source.
interface Vec { id: string; type: string; [k: string]: unknown }
const VECTORS: Vec[] = JSON.parse(readFileSync(new URL('./vectors/srtp/vectors.json', import.meta.url), 'utf8')).vectors;
const byType = (t: string) => VECTORS.filter((v) => v.type === t);
const hex = (s: unknown) => Uint8Array.from(Buffer.from(String(s), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const rtp = (seq: number, ssrc: number, payload: Uint8Array, ts = 0): Uint8Array =>
  rtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc, payload });

describe.each(BACKENDS)('SRTP vectors on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.features.srtp).toBe(backend);
  });

  it('has every vector kind', () => {
    expect(byType('aes-cm-keystream').length).toBe(1);
    expect(byType('kdf').length).toBe(3);
    expect(byType('srtp-packet').length).toBe(2);
    expect(byType('gcm-tag-only').length).toBe(2);
    expect(byType('srtcp-packet').length).toBe(4);
    expect(byType('srtp-packet-master').length + byType('srtcp-packet-master').length).toBe(3);
  });

  it('RFC 3711 B.2: AES-CM keystream, including counters 0xfeff..0xff01', () => {
    const v = byType('aes-cm-keystream')[0] as Vec & { blocks: { counter: string; keystream: string }[]; segment_length_octets: number };
    const s = kit.createSrtpSession({
      profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: hex(v.session_key), masterSalt: hex(v.session_salt), unsafeSessionKeys: true,
    });
    // SSRC 0, SEQ 0, ROC 0: the payload of zeros encrypts to the keystream itself.
    const out = s.protectRtp(rtp(0, 0, new Uint8Array(v.segment_length_octets)));
    const ks = out.subarray(12, 12 + v.segment_length_octets);
    const base = Number.parseInt(v.iv.toString().slice(-4), 16);
    for (const b of v.blocks) {
      const i = Number.parseInt(b.counter.slice(-4), 16) - base;
      expect(toHex(ks.subarray(16 * i, 16 * i + 16))).toBe(b.keystream.toLowerCase());
    }
    s.close();
  });

  // The derived keys are not visible through the API, so each KDF vector is
  // checked through a packet: the payload must be AES-CTR under the vector's
  // cipher key / salt and the tag HMAC-SHA1 under its auth key, both
  // computed here by Node's OpenSSL.
  for (const v of byType('kdf')) {
    it(`${v.id}: derived cipher key, salt and auth key`, () => {
      const derived = v.derived as { label: number; value: string }[];
      const val = (label: number) => hex(derived.find((d) => d.label === label)!.value);
      const ek = val(0), ak = val(1).subarray(0, 20), salt = val(2).subarray(0, 14);
      const profile = ({ AES_128_CM: 'AES_CM_128_HMAC_SHA1_80', AES_192_CM: 'AES_192_CM_HMAC_SHA1_80', AES_256_CM: 'AES_256_CM_HMAC_SHA1_80' } as const)[v.prf as string]!;
      const s = kit.createSrtpSession({ profile: profile as SrtpProfile, masterKey: hex(v.master_key), masterSalt: hex(v.master_salt) });
      const ssrc = 0x12345678, seq = 4321;
      const payload = Uint8Array.from({ length: 100 }, (_, i) => i * 7);
      const out = s.protectRtp(rtp(seq, ssrc, payload));
      const iv = new Uint8Array(16);
      iv.set(salt);
      const dv = new DataView(iv.buffer);
      dv.setUint32(4, dv.getUint32(4) ^ ssrc);
      dv.setUint16(12, dv.getUint16(12) ^ seq); // index = seq (ROC 0) at bits 16..63
      const c = createCipheriv(`aes-${ek.length * 8}-ctr`, ek, iv);
      const expectCt = Buffer.concat([c.update(payload), c.final()]);
      expect(toHex(out.subarray(12, 112))).toBe(toHex(expectCt));
      const tag = createHmac('sha1', ak).update(out.subarray(0, 112)).update(Buffer.from([0, 0, 0, 0])).digest().subarray(0, 10);
      expect(toHex(out.subarray(112))).toBe(toHex(tag));
      s.close();
    });
  }

  for (const v of byType('srtp-packet')) {
    it(`${v.id}: protect and unprotect`, () => {
      const s = kit.createSrtpSession({ profile: v.suite as SrtpProfile, masterKey: hex(v.session_key), masterSalt: hex(v.session_salt), unsafeSessionKeys: true });
      expect(toHex(s.protectRtp(hex(v.plaintext_packet)))).toBe(v.protected_packet);
      s.close();
      const r = kit.createSrtpSession({ profile: v.suite as SrtpProfile, masterKey: hex(v.session_key), masterSalt: hex(v.session_salt), unsafeSessionKeys: true });
      expect(toHex(r.unprotectRtp(hex(v.protected_packet)))).toBe(v.plaintext_packet);
      r.close();
    });
  }

  for (const v of byType('gcm-tag-only')) {
    it(`${v.id}: authentication-only SRTP (whole packet as AAD)`, () => {
      const salt = hex('517569642070726f2071756f'); // the RFC 7714 16.x session salt
      const opts = { profile: v.suite as SrtpProfile, masterKey: hex(v.session_key), masterSalt: salt, unsafeSessionKeys: true, unencryptedSrtp: true };
      const s = kit.createSrtpSession(opts);
      const out = s.protectRtp(hex(v.aad));
      expect(toHex(out)).toBe(`${v.aad}${v.tag}`);
      const r = kit.createSrtpSession(opts);
      expect(toHex(r.unprotectRtp(out))).toBe(v.aad);
      s.close();
      r.close();
    });
  }

  for (const v of byType('srtcp-packet')) {
    it(`${v.id}: protect and unprotect`, () => {
      const opts = {
        profile: v.suite as SrtpProfile, masterKey: hex(v.session_key), masterSalt: hex(v.session_salt),
        unsafeSessionKeys: true, unencryptedSrtcp: v.e_flag === 0,
      };
      const s = kit.createSrtpSession(opts);
      s.setRtcpIndex(Number.parseInt(String(v.ssrc), 16), v.srtcp_index as number);
      expect(toHex(s.protectRtcp(hex(v.plaintext_packet)))).toBe(v.protected_packet);
      const r = kit.createSrtpSession(opts);
      expect(toHex(r.unprotectRtcp(hex(v.protected_packet)))).toBe(v.plaintext_packet);
      s.close();
      r.close();
    });
  }

  for (const v of [...byType('srtp-packet-master'), ...byType('srtcp-packet-master')]) {
    it(`${v.id}: libsrtp known answer`, () => {
      const opts = { profile: v.suite as SrtpProfile, masterKey: hex(v.master_key), masterSalt: hex(v.master_salt) };
      const s = kit.createSrtpSession(opts);
      const r = kit.createSrtpSession(opts);
      if (v.type === 'srtcp-packet-master') {
        s.setRtcpIndex(0xcafebabe, 1); // libsrtp's first SRTCP index
        expect(toHex(s.protectRtcp(hex(v.plaintext_packet)))).toBe(v.protected_packet);
        expect(toHex(r.unprotectRtcp(hex(v.protected_packet)))).toBe(v.plaintext_packet);
      } else {
        expect(toHex(s.protectRtp(hex(v.plaintext_packet)))).toBe(v.protected_packet);
        expect(toHex(r.unprotectRtp(hex(v.protected_packet)))).toBe(v.plaintext_packet);
      }
      s.close();
      r.close();
    });
  }
});

describe.each(BACKENDS)('SRTP against node:crypto at every payload length on %s', (backend) => {
  // With unsafeSessionKeys the master key and salt are the session keys (and
  // the CM auth key is 20 zero bytes), so each packet can be built here
  // independently with Node's OpenSSL: RFC 3711 4.1.1 / 4.2.1 for AES-CM +
  // HMAC-SHA1, RFC 7714 8 for AES-GCM.  Lengths 0..1500 cover every tail and
  // every multi-block step of the crypto backends (the 4/8/16-block CTR and
  // GHASH loops of the native one, the 4-block bitsliced AES of WASM).
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });
  const LENGTHS = [...Array.from({ length: 300 }, (_, i) => i), ...Array.from({ length: 40 }, (_, i) => 300 + i * 31), 1199, 1200, 1201, 1500];
  for (const profile of ['AES_CM_128_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'] as SrtpProfile[]) {
    it(`${profile}: protect equals the reference, unprotect inverts it`, () => {
      const gcm = profile.startsWith('AEAD');
      const key = Uint8Array.from({ length: profile.includes('256') ? 32 : 16 }, (_, i) => (i * 37 + 11) & 255);
      const salt = Uint8Array.from({ length: gcm ? 12 : 14 }, (_, i) => (i * 91 + 5) & 255);
      const opts = { profile, masterKey: key, masterSalt: salt, unsafeSessionKeys: true, replayWindow: 65536 };
      using tx = kit.createSrtpSession(opts);
      using rx = kit.createSrtpSession(opts);
      const ssrc = 0x5eed1234;
      const bits = key.length * 8;
      LENGTHS.forEach((n, k) => {
        const seq = 1000 + k;
        const csrcs = k % 3; // headers of 12, 16 and 20 bytes
        const payload = Uint8Array.from({ length: n }, (_, i) => (i * 7 + k) & 255);
        const p = new Uint8Array(12 + 4 * csrcs + n);
        const v = new DataView(p.buffer);
        p[0] = 0x80 | csrcs; p[1] = 0;
        v.setUint16(2, seq); v.setUint32(4, k * 160); v.setUint32(8, ssrc);
        for (let c = 0; c < csrcs; c++) v.setUint32(12 + 4 * c, 0x1000 + c);
        p.set(payload, 12 + 4 * csrcs);
        const hl = 12 + 4 * csrcs;
        let want: Buffer;
        if (gcm) {
          const iv = Buffer.from(salt);
          const w = Buffer.alloc(12);
          w.writeUInt32BE(ssrc, 2); w.writeUInt32BE(0, 6); w.writeUInt16BE(seq, 10);
          for (let i = 0; i < 12; i++) iv[i] ^= w[i];
          const c = createCipheriv(`aes-${bits}-gcm`, key, iv);
          c.setAAD(p.subarray(0, hl));
          const ct = Buffer.concat([c.update(p.subarray(hl)), c.final()]);
          want = Buffer.concat([p.subarray(0, hl), ct, c.getAuthTag()]);
        } else {
          const iv = Buffer.alloc(16);
          iv.set(salt);
          const x = Buffer.alloc(16);
          x.writeUInt32BE(ssrc, 4); x.writeUInt32BE(0, 8); x.writeUInt16BE(seq, 12);
          for (let i = 0; i < 16; i++) iv[i] ^= x[i];
          const c = createCipheriv(`aes-${bits}-ctr`, key, iv);
          const body = Buffer.concat([p.subarray(0, hl), c.update(p.subarray(hl)), c.final()]);
          const tag = createHmac('sha1', Buffer.alloc(20)).update(body).update(Buffer.alloc(4)).digest().subarray(0, 10);
          want = Buffer.concat([body, tag]);
        }
        const got = tx.protectRtp(p);
        expect(toHex(got), `${n}-byte payload`).toBe(want.toString('hex'));
        expect(toHex(rx.unprotectRtp(got)), `${n}-byte payload`).toBe(toHex(p));
      });
    });
  }
});

describe.each(BACKENDS)('SRTP API on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });
  const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const salt = Uint8Array.from({ length: 14 }, (_, i) => 0xa0 + i);

  it('rejects bad options with typed errors', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ profile: 'AES_CM_128_HMAC_SHA1_81', masterKey: key, masterSalt: salt }, /unknown SRTP profile/],
      [{ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: key.subarray(0, 15), masterSalt: salt }, /16-byte masterKey/],
      [{ profile: 'AES_256_CM_HMAC_SHA1_80', masterKey: key, masterSalt: salt }, /32-byte masterKey/],
      [{ profile: 'AEAD_AES_128_GCM', masterKey: key, masterSalt: salt }, /12-byte masterSalt/],
      [{ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: 'k', masterSalt: salt }, /masterKey/],
      [{ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: key, masterSalt: salt, replayWindow: 10 }, /replayWindow/],
      [{ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: key, masterSalt: salt, keyDerivationRate: 3 }, /keyDerivationRate/],
      [{ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: key, masterSalt: salt, mki: new Uint8Array(33) }, /mki/],
    ];
    for (const [o, re] of cases) {
      let err: unknown;
      try { kit.createSrtpSession(o as never); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(SrtpError);
      expect(err).toBeInstanceOf(VoipKitError);
      expect((err as SrtpError).code).toBe('invalid_argument');
      expect((err as Error).message).toMatch(re);
    }
  });

  it('short packets, garbage and tampering give typed errors; the session stays usable', () => {
    const tx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: key, masterSalt: salt });
    const rx = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: key, masterSalt: salt });
    const code = (f: () => unknown) => {
      try { f(); } catch (e) {
        expect(e).toBeInstanceOf(VoipKitError);
        if ((e as VoipKitError).code !== 'closed') expect(e).toBeInstanceOf(SrtpError);
        return (e as SrtpError).code;
      }
      return 'ok';
    };
    expect(code(() => tx.protectRtp(new Uint8Array(11)))).toBe('bad_length');
    expect(code(() => tx.protectRtp(new Uint8Array(20)))).toBe('bad_version');
    const ext = rtp(1, 5, Uint8Array.of(0xbe, 0xde, 0, 5)); ext[0] |= 0x10; // extension header claims 5 words that are not there
    expect(code(() => tx.protectRtp(ext))).toBe('bad_length');
    expect(code(() => tx.protectRtcp(new Uint8Array(7)))).toBe('bad_length');
    expect(code(() => rx.unprotectRtp(new Uint8Array(21)))).toBe('bad_length');
    expect(code(() => rx.unprotectRtcp(new Uint8Array(21)))).toBe('bad_length');
    for (let i = 0; i < 50; i++) {
      const g = Uint8Array.from({ length: 10 + i * 3 }, (_, j) => (j * 131 + i * 17) & 255);
      g[0] = 0x80;
      expect(['auth_fail', 'bad_length']).toContain(code(() => rx.unprotectRtp(g)));
    }
    const p = tx.protectRtp(rtp(7, 5, new Uint8Array(40)));
    expect(code(() => tx.protectRtp(rtp(8, 5, new Uint8Array(40)), new Uint8Array(10)))).toBe('buffer_too_small');
    const bad = p.slice(); bad[20] ^= 1;
    expect(code(() => rx.unprotectRtp(bad))).toBe('auth_fail');
    expect(code(() => rx.unprotectRtp(p.subarray(0, p.length - 1)))).toBe('auth_fail');
    expect(rx.unprotectRtp(p).length).toBe(52);
    expect(code(() => rx.unprotectRtp(p))).toBe('replay_duplicate');
    const st = rx.stats();
    expect(st.rtpUnprotected).toBe(1);
    expect(st.replayDuplicates).toBe(1);
    expect(st.authFailures).toBeGreaterThanOrEqual(2);
    tx.close();
    rx.close();
    expect(code(() => rx.unprotectRtp(p))).toBe('closed');
  });

  it('works in place and into caller buffers', () => {
    const tx = kit.createSrtpSession({ profile: 'AEAD_AES_128_GCM', masterKey: key, masterSalt: salt.subarray(0, 12) });
    const rx = kit.createSrtpSession({ profile: 'AEAD_AES_128_GCM', masterKey: key, masterSalt: salt.subarray(0, 12) });
    const plain = rtp(100, 9, Uint8Array.from({ length: 160 }, (_, i) => i));
    const buf = new Uint8Array(300);
    buf.set(plain);
    const prot = tx.protectRtp(buf.subarray(0, plain.length), buf);
    expect(prot.buffer).toBe(buf.buffer);
    expect(prot.length).toBe(plain.length + 16);
    const back = rx.unprotectRtp(prot, buf);
    expect(toHex(back)).toBe(toHex(plain));
    expect(() => rx.unprotectRtp(buf.subarray(0, 100), buf.subarray(4))).toThrow(/overlaps/);
    // the allocation-free forms return lengths
    const plain2 = rtp(101, 9, Uint8Array.from({ length: 160 }, (_, i) => 255 - i));
    const n = tx.protectRtpInto(plain2, buf);
    expect(n).toBe(plain2.length + 16);
    expect(rx.unprotectRtpInto(buf.subarray(0, n), buf)).toBe(plain2.length);
    expect(toHex(buf.subarray(0, plain2.length))).toBe(toHex(plain2));
    const rtcpPkt = Uint8Array.of(0x81, 201, 0, 1, 0, 0, 0, 9);
    const m = tx.protectRtcpInto(rtcpPkt, buf);
    expect(m).toBe(8 + 20);
    expect(rx.unprotectRtcpInto(buf.subarray(0, m), buf)).toBe(8);
    expect(() => tx.protectRtpInto(plain, new Uint8Array(10))).toThrow(SrtpError);
    tx.close();
    rx.close();
  });
});
