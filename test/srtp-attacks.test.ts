/**
 * SRTP / SRTCP under attack, on both backends: replayed, reordered beyond the
 * window, tag-tampered, truncated, ROC-desynchronising and SSRC-flooding
 * packets.  None may be accepted, none may change the receiver's state (the
 * genuine stream continues undisturbed afterwards), and a flood of SSRCs
 * cannot grow a session beyond maxStreams.  The expected behaviour is RFC
 * 3711's (3.3, 3.3.1, 3.3.2, 3.4) and RFC 7714's for the AEAD profiles.
 * Seeded; a failure prints the seed.  Cost of rejection vs acceptance is a
 * benchmark (bench/srtp-attacks.bench.ts), not asserted here.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { rtpPacket } from './helpers/pcap.js';
import { SrtpError, SrtpSession, type SrtpProfile, type VoipKit } from '../src/index.js';

const PROFILES: SrtpProfile[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];
const KEYS: Record<string, [number, number]> = {
  AES_CM_128_HMAC_SHA1_80: [16, 14],
  AES_CM_128_HMAC_SHA1_32: [16, 14],
  AEAD_AES_128_GCM: [16, 12],
  AEAD_AES_256_GCM: [32, 12],
};
const SEED = Number(process.env.SEED ?? 0x5eed);

/** xorshift32, for reproducible attack material. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function rtp(seq: number, ssrc: number, len = 160, ts = seq * 160): Uint8Array {
  const payload = Uint8Array.from({ length: len }, (_, k) => (seq * 7 + k + 12) & 0xff);
  return rtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc, payload });
}
function rr(ssrc: number): Uint8Array {
  const p = Uint8Array.of(0x80, 201, 0, 1, 0, 0, 0, 0);
  new DataView(p.buffer).setUint32(4, ssrc);
  return p;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof SrtpError) return e.code;
    throw e;
  }
  return 'accepted';
}

describe.each(BACKENDS)('SRTP attacks on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });
  const pair = (profile: SrtpProfile, extra = {}): [SrtpSession, SrtpSession] => {
    const [k, s] = KEYS[profile];
    const o = { profile, masterKey: new Uint8Array(k).fill(0x3c), masterSalt: new Uint8Array(s).fill(0xa5), ...extra };
    return [kit.createSrtpSession(o), kit.createSrtpSession(o)];
  };

  for (const profile of PROFILES) {
    describe(profile, () => {
      it('a replayed packet is refused every time, and nothing else changes', () => {
        const [tx, rx] = pair(profile);
        const pkts = Array.from({ length: 20 }, (_, i) => tx.protectRtp(rtp(1000 + i, 0x1234)));
        for (const p of pkts) rx.unprotectRtp(p.slice());
        for (let round = 0; round < 3; round++) {
          for (const p of pkts) expect(codeOf(() => rx.unprotectRtp(p.slice()))).toBe('replay_duplicate');
        }
        const s = rx.stats();
        expect(s.rtpUnprotected).toBe(20);
        expect(s.replayDuplicates).toBe(60);
        expect(Array.from(rx.unprotectRtp(tx.protectRtp(rtp(1020, 0x1234))))).toEqual(Array.from(rtp(1020, 0x1234)));
        // SRTCP: the same, on the SRTCP index
        const c = tx.protectRtcp(rr(0x1234));
        rx.unprotectRtcp(c.slice());
        expect(codeOf(() => rx.unprotectRtcp(c.slice()))).toBe('replay_duplicate');
        tx.close();
        rx.close();
      });

      it('reordering within the window is accepted, beyond it refused as replay_old', () => {
        const [tx, rx] = pair(profile, { replayWindow: 64 });
        const pkts = Array.from({ length: 200 }, (_, i) => tx.protectRtp(rtp(i + 1, 7)));
        rx.unprotectRtp(pkts[199].slice()); // index 200 is the newest
        // 200 - 63 .. 199 are inside a 64-packet window; older ones are not
        for (let i = 198; i >= 200 - 64; i--) expect(codeOf(() => rx.unprotectRtp(pkts[i].slice())), `seq ${i + 1}`).toBe('accepted');
        for (let i = 200 - 65; i >= 0; i -= 7) expect(codeOf(() => rx.unprotectRtp(pkts[i].slice())), `seq ${i + 1}`).toBe('replay_old');
        tx.close();
        rx.close();
      });

      it('every single-bit flip anywhere in a packet is refused (auth_fail / bad_*), the stream continues', () => {
        const [tx, rx] = pair(profile);
        rx.unprotectRtp(tx.protectRtp(rtp(50, 9)));
        const p = tx.protectRtp(rtp(51, 9, 40));
        const seen = new Set<string>();
        for (let byte = 0; byte < p.length; byte++) {
          for (let bit = 0; bit < 8; bit++) {
            const q = p.slice();
            q[byte] ^= 1 << bit;
            const code = codeOf(() => rx.unprotectRtp(q));
            expect(code, `byte ${byte} bit ${bit}`).not.toBe('accepted');
            seen.add(code);
          }
        }
        expect(seen.has('auth_fail')).toBe(true);
        // a flip in the sequence number may make the index look old: RFC 3711 3.3
        // allows the replay check before authentication
        for (const c of seen) expect(['auth_fail', 'bad_version', 'bad_length', 'replay_old', 'replay_duplicate']).toContain(c);
        // the untouched packet still authenticates: no state was taken from the forgeries
        expect(Array.from(rx.unprotectRtp(p))).toEqual(Array.from(rtp(51, 9, 40)));
        tx.close();
        rx.close();
      });

      it('every truncation of a packet is refused', () => {
        const [tx, rx] = pair(profile);
        const p = tx.protectRtp(rtp(77, 3, 30));
        for (let n = 0; n < p.length; n++) expect(codeOf(() => rx.unprotectRtp(p.slice(0, n))), `${n} bytes`).not.toBe('accepted');
        const c = tx.protectRtcp(rr(3));
        for (let n = 0; n < c.length; n++) expect(codeOf(() => rx.unprotectRtcp(c.slice(0, n))), `${n} bytes`).not.toBe('accepted');
        expect(rx.unprotectRtp(p).length).toBe(42);
        expect(rx.unprotectRtcp(c).length).toBe(8);
        tx.close();
        rx.close();
      });

      it('forged packets that would move the ROC estimate do not desynchronise the receiver', () => {
        const [tx, rx] = pair(profile);
        const r = rng(SEED);
        // genuine stream up to just before the 16-bit wrap
        for (let s = 65500; s < 65530; s++) rx.unprotectRtp(tx.protectRtp(rtp(s, 0xabc)));
        const before = rx.streamInfo(0xabc);
        // forgeries: random sequence numbers (many of them far enough to be
        // estimated in ROC +1 or -1) with random tags
        for (let i = 0; i < 300; i++) {
          const f = new Uint8Array(12 + 160 + 10);
          f.set(rtp(r() & 0xffff, 0xabc));
          for (let j = 172; j < f.length; j++) f[j] = r() & 0xff;
          expect(codeOf(() => rx.unprotectRtp(f))).not.toBe('accepted');
        }
        expect(rx.streamInfo(0xabc)).toEqual(before);
        // the genuine stream crosses the wrap (ROC 0 -> 1) and continues
        for (let s = 65530; s < 65536 + 40; s++) {
          const want = rtp(s, 0xabc);
          expect(Array.from(rx.unprotectRtp(tx.protectRtp(want))), `seq ${s}`).toEqual(Array.from(want));
        }
        expect(rx.streamInfo(0xabc)?.rxRoc).toBe(1);
        tx.close();
        rx.close();
      });

      it('tryUnprotectRtp/Rtcp and the batch give the throwing calls\' verdict as a code, without throwing', () => {
        // Three receivers in the same state judge the same material: one
        // through unprotect* (throws), one through tryUnprotect* (returns a
        // code), one through processBatch (a status per packet).
        const [tx, a] = pair(profile);
        const b = pair(profile)[1];
        const c = pair(profile)[1];
        const r = rng(SEED + 2);
        const material: [boolean, Uint8Array][] = [];
        for (let i = 0; i < 40; i++) {
          const rtcp = i % 4 === 3;
          const p = rtcp ? tx.protectRtcp(rr(0x77)) : tx.protectRtp(rtp(2000 + i, 0x77, 60));
          material.push([rtcp, p]);
          const f = p.slice();
          f[r() % f.length] ^= 1 << (r() & 7);
          material.push([rtcp, f]);
          material.push([rtcp, p.slice(0, r() % p.length)]);
          if (i % 5 === 0) material.push([rtcp, p]); // replayed
        }
        const buf = new Uint8Array(400);
        const off = Uint32Array.of(0), len = new Int32Array(1), cap = Uint32Array.of(400);
        const verdicts = new Set<string>();
        for (const [rtcp, p] of material) {
          const thrown = codeOf(() => (rtcp ? a.unprotectRtcp(p.slice()) : a.unprotectRtp(p.slice())));
          const got = rtcp ? b.tryUnprotectRtcp(p.slice()) : b.tryUnprotectRtp(p.slice());
          buf.set(p);
          len[0] = p.length;
          c.processBatch(rtcp ? 'unprotectRtcp' : 'unprotectRtp', buf, off, len, cap);
          const batched = len[0] < 0 ? SrtpSession.codeFor(len[0]) : 'accepted';
          verdicts.add(thrown);
          if (thrown === 'accepted') {
            expect(got).toBeInstanceOf(Uint8Array);
            const plain = got as Uint8Array;
            expect(Array.from(buf.subarray(0, len[0]))).toEqual(Array.from(plain));
            expect(Array.from(plain.subarray(0, 8))).toEqual(Array.from(p.subarray(0, 8)));
          } else {
            expect(got).toBe(thrown);
          }
          expect(batched).toBe(thrown);
        }
        for (const v of ['accepted', 'auth_fail', 'bad_length', 'replay_duplicate']) expect(verdicts).toContain(v);
        expect(b.stats()).toEqual(a.stats());
        expect(c.stats()).toEqual(a.stats());
        for (const x of [tx, a, b, c]) x.close();
      });

      it('a flood of forged SSRCs creates no streams; a key holder cannot exceed maxStreams', () => {
        const [tx, rx] = pair(profile, { maxStreams: 8 });
        rx.unprotectRtp(tx.protectRtp(rtp(1, 1)));
        const r = rng(SEED + 1);
        for (let i = 0; i < 5000; i++) {
          const f = new Uint8Array(182);
          f.set(rtp(r() & 0xffff, r()));
          for (let j = 172; j < 182; j++) f[j] = r() & 0xff;
          expect(codeOf(() => rx.unprotectRtp(f))).not.toBe('accepted');
        }
        expect(rx.stats().streams).toBe(1);
        // with the key: 100 SSRCs, only maxStreams get a stream, the rest no_stream
        const codes: Record<string, number> = {};
        using tx2 = pair(profile, { maxStreams: 65536 })[0];
        for (let ssrc = 100; ssrc < 200; ssrc++) {
          const c = codeOf(() => rx.unprotectRtp(tx2.protectRtp(rtp(5, ssrc))));
          codes[c] = (codes[c] ?? 0) + 1;
        }
        expect(codes).toEqual({ accepted: 7, no_stream: 93 });
        expect(rx.stats().streams).toBe(8);
        // the first stream still works
        expect(rx.unprotectRtp(tx.protectRtp(rtp(2, 1))).length).toBe(172);
        tx.close();
        rx.close();
      });
    });
  }
});
