/**
 * RFC 3711 protocol behaviour on both backends: replay window (3.3.2), ROC
 * estimation over many wraps (3.3.1, App. A), key lifetime (3.2.1), SRTCP
 * index limit, the stream bound, key derivation rate (4.3.1; checked
 * against the RFC formula evaluated with Node's AES), and the batch API.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createCipheriv, createHmac } from 'node:crypto';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { rtpPacket } from './helpers/pcap.js';
import { seededBytes } from './helpers/tools.js';
import { SrtpError, SrtpSession, type SrtpSessionOptions, type VoipKit } from '../src/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const rtp = (seq: number, ssrc: number, payload: Uint8Array): Uint8Array =>
  rtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, payload });
function rtcp(ssrc: number): Uint8Array {
  const p = new Uint8Array(28);
  p[0] = 0x80; p[1] = 200; p[3] = 6;
  new DataView(p.buffer).setUint32(4, ssrc);
  return p;
}
function codeOf(f: () => unknown): string {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(SrtpError); return (e as SrtpError).code; }
  return 'ok';
}

const masterKey = seededBytes(11, 16);
const masterSalt = seededBytes(12, 14);
const base: SrtpSessionOptions = { profile: 'AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt };

describe.each(BACKENDS)('SRTP protocol on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => { kit = await kitFor(backend); });

  it('replay window 128 (default): duplicates and packets 128 or more behind the newest are rejected', () => {
    const tx = kit.createSrtpSession(base), rx = kit.createSrtpSession(base);
    const pk = Array.from({ length: 301 }, (_, i) => tx.protectRtp(rtp(i, 1, seededBytes(i + 1, 20))));
    rx.unprotectRtp(pk[0]);
    rx.unprotectRtp(pk[300]);
    expect(codeOf(() => rx.unprotectRtp(pk[172]))).toBe('replay_old'); // 300 - 172 = 128
    expect(codeOf(() => rx.unprotectRtp(pk[173]))).toBe('ok');          // 127 behind
    expect(codeOf(() => rx.unprotectRtp(pk[173]))).toBe('replay_duplicate');
    expect(codeOf(() => rx.unprotectRtp(pk[300]))).toBe('replay_duplicate');
    expect(codeOf(() => rx.unprotectRtp(pk[0]))).toBe('replay_old');
    expect(codeOf(() => rx.unprotectRtp(pk[299]))).toBe('ok');
    const st = rx.stats();
    expect([st.rtpUnprotected, st.replayDuplicates, st.replayTooOld]).toEqual([4, 2, 2]);
    tx.close(); rx.close();
  });

  it('replay window 32768: accepts 32767 behind, rejects 32768 behind', () => {
    const opts = { ...base, replayWindow: 32768 };
    const tx = kit.createSrtpSession(opts), rx = kit.createSrtpSession(opts);
    const seqs = [7232, 7233, 20000, 40000];
    const pk = new Map(seqs.map((s) => [s, tx.protectRtp(rtp(s, 2, seededBytes(s + 1, 8)))]));
    rx.unprotectRtp(pk.get(20000)!);
    rx.unprotectRtp(pk.get(40000)!);
    expect(codeOf(() => rx.unprotectRtp(pk.get(7233)!))).toBe('ok');          // 32767 behind
    expect(codeOf(() => rx.unprotectRtp(pk.get(7232)!))).toBe('replay_old');  // 32768 behind
    expect(codeOf(() => rx.unprotectRtp(pk.get(20000)!))).toBe('replay_duplicate');
    tx.close(); rx.close();
  });

  it('ROC follows several wraps with reordering, in both directions', () => {
    // steps of 997 so that 300 packets wrap 4 times; a window that covers one step
    const tx = kit.createSrtpSession(base), rx = kit.createSrtpSession({ ...base, replayWindow: 1024 });
    const plain: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) plain.push(rtp((60000 + i * 997) & 0xffff, 3, seededBytes(i, 12)));
    const prot = plain.map((p) => tx.protectRtp(p));
    // swap every 5th pair
    const order = plain.map((_, i) => i);
    for (let i = 0; i + 1 < order.length; i += 5) [order[i], order[i + 1]] = [order[i + 1], order[i]];
    for (const i of order) expect(hex(rx.unprotectRtp(prot[i]))).toBe(hex(plain[i]));
    const wraps = Math.floor((60000 + 299 * 997) / 65536);
    expect(tx.streamInfo(3)).toMatchObject({ txRoc: wraps, rxRoc: null });
    expect(rx.streamInfo(3)).toMatchObject({ rxRoc: wraps, rxSeq: (60000 + 299 * 997) & 0xffff });
    tx.close(); rx.close();
  });

  it('setRoc lets a receiver join a stream in progress; without it the tag fails', () => {
    const tx = kit.createSrtpSession(base);
    tx.setRoc(4, 7);
    const p = tx.protectRtp(rtp(100, 4, seededBytes(1, 30)));
    const late = kit.createSrtpSession(base);
    expect(codeOf(() => late.unprotectRtp(p))).toBe('auth_fail');
    late.setRoc(4, 7);
    expect(late.unprotectRtp(p).length).toBe(42);
    expect(late.streamInfo(4)?.rxRoc).toBe(7);
    tx.close(); late.close();
  });

  it('key lifetime: past `lifetime` packets every call fails with key_expired', () => {
    const tx = kit.createSrtpSession({ ...base, lifetime: 5 });
    for (let i = 0; i < 5; i++) tx.protectRtp(rtp(i, 5, seededBytes(i, 10)));
    expect(codeOf(() => tx.protectRtp(rtp(5, 5, seededBytes(5, 10))))).toBe('key_expired');
    expect(codeOf(() => tx.protectRtp(rtp(6, 5, seededBytes(6, 10))))).toBe('key_expired');
    for (let i = 0; i < 5; i++) tx.protectRtcp(rtcp(5));
    expect(codeOf(() => tx.protectRtcp(rtcp(5)))).toBe('key_expired');
    expect(tx.stats().keyExpired).toBe(3);
    tx.close();
  });

  it('SRTCP index: 2^31 - 1 is the last one a key may send', () => {
    const tx = kit.createSrtpSession(base), rx = kit.createSrtpSession(base);
    tx.setRtcpIndex(6, 0x7fffffff);
    const last = tx.protectRtcp(rtcp(6));
    expect(hex(last.subarray(28, 32))).toBe('ffffffff'); // E=1, index 2^31-1
    expect(rx.unprotectRtcp(last).length).toBe(28);
    expect(codeOf(() => tx.protectRtcp(rtcp(6)))).toBe('key_expired');
    tx.close(); rx.close();
  });

  it('stream bound: no_stream past maxStreams; packets that fail authentication create no stream', () => {
    const opts = { ...base, maxStreams: 2 };
    const tx = kit.createSrtpSession({ ...base, maxStreams: 10 }), rx = kit.createSrtpSession(opts);
    const a = tx.protectRtp(rtp(1, 100, seededBytes(1, 10)));
    const b = tx.protectRtp(rtp(1, 101, seededBytes(2, 10)));
    const c = tx.protectRtp(rtp(1, 102, seededBytes(3, 10)));
    const forged = c.slice(); forged[11] = 0x99; forged[15] ^= 1; // unknown SSRC, bad tag
    for (let i = 0; i < 5; i++) expect(codeOf(() => rx.unprotectRtp(forged))).toBe('auth_fail');
    rx.unprotectRtp(a);
    rx.unprotectRtp(b);
    expect(rx.stats().streams).toBe(2);
    expect(codeOf(() => rx.unprotectRtp(c))).toBe('no_stream');
    expect(codeOf(() => rx.protectRtp(rtp(1, 103, seededBytes(4, 10))))).toBe('no_stream');
    expect(rx.protectRtp(rtp(2, 100, seededBytes(4, 10))).length).toBe(32); // known SSRC still works
    tx.close(); rx.close();
  });

  it('key derivation rate 2^4: keys change every 16 packets as RFC 3711 4.3.1 computes them', () => {
    const kdr = 16;
    const tx = kit.createSrtpSession({ ...base, keyDerivationRate: kdr });
    const rx = kit.createSrtpSession({ ...base, keyDerivationRate: kdr });
    const plain = Array.from({ length: 60 }, (_, i) => rtp(i, 7, seededBytes(100 + i, 40)));
    const prot = plain.map((p) => tx.protectRtp(p));
    // the RFC's KDF with Node's AES: x = label||r XOR salt, PRF = AES-CM(master key, x * 2^16)
    const kdf = (label: number, r: number, n: number) => {
      const iv = new Uint8Array(16);
      iv.set(masterSalt);
      iv[7] ^= label;
      const dv = new DataView(iv.buffer);
      dv.setUint32(10, dv.getUint32(10) ^ r); // r < 2^32 sits in bytes 10..13
      const c = createCipheriv('aes-128-ctr', masterKey, iv);
      return c.update(new Uint8Array(n));
    };
    for (const i of [3, 16, 47, 59]) {
      const r = Math.floor(i / kdr);
      const ek = kdf(0, r, 16), ak = kdf(1, r, 20), ks = kdf(2, r, 14);
      const iv = new Uint8Array(16);
      iv.set(ks);
      const dv = new DataView(iv.buffer);
      dv.setUint32(4, dv.getUint32(4) ^ 7);
      dv.setUint16(12, dv.getUint16(12) ^ i);
      const c = createCipheriv('aes-128-ctr', ek, iv);
      expect(hex(prot[i].subarray(12, 52))).toBe(hex(c.update(plain[i].subarray(12))));
      const tag = createHmac('sha1', ak).update(prot[i].subarray(0, 52)).update(new Uint8Array(4)).digest().subarray(0, 10);
      expect(hex(prot[i].subarray(52))).toBe(hex(tag));
    }
    const order = [0, 1, 2, 17, 3, 16, 15, 40, 33, 18, 59, 50];
    for (const i of order) expect(hex(rx.unprotectRtp(prot[i]))).toBe(hex(plain[i]));
    tx.close(); rx.close();
  });

  it('batch: same bytes as one-by-one, per-packet statuses, the rest processed', () => {
    const one = kit.createSrtpSession(base), many = kit.createSrtpSession(base), rx = kit.createSrtpSession(base);
    const n = 16, slot = 256;
    const plain = Array.from({ length: n }, (_, i) => rtp(500 + i, 8, seededBytes(i, 20 + i * 9)));
    const buf = new Uint8Array(n * slot);
    const off = new Uint32Array(n), len = new Int32Array(n), cap = new Uint32Array(n).fill(slot);
    plain.forEach((p, i) => { off[i] = i * slot; len[i] = p.length; buf.set(p, i * slot); });
    expect(many.processBatch('protectRtp', buf, off, len, cap)).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(len[i]).toBe(plain[i].length + 10);
      expect(hex(buf.subarray(off[i], off[i] + len[i]))).toBe(hex(one.protectRtp(plain[i])));
    }
    buf[off[5] + 14] ^= 1; // tamper with packet 5
    len[9] = 5;            // truncate packet 9 below a header
    expect(rx.processBatch('unprotectRtp', buf, off, len, cap)).toBe(n - 2);
    expect(SrtpSession.errorFor(len[5]).code).toBe('auth_fail');
    expect(SrtpSession.errorFor(len[9]).code).toBe('bad_length');
    for (const i of [0, 4, 6, 15]) expect(hex(buf.subarray(off[i], off[i] + len[i]))).toBe(hex(plain[i]));
    one.close(); many.close(); rx.close();
  });

  it('SRTCP replay: duplicate and stale indices are rejected', () => {
    const tx = kit.createSrtpSession(base), rx = kit.createSrtpSession(base);
    const pk = Array.from({ length: 200 }, () => tx.protectRtcp(rtcp(9)));
    rx.unprotectRtcp(pk[199]);
    expect(codeOf(() => rx.unprotectRtcp(pk[199]))).toBe('replay_duplicate');
    expect(codeOf(() => rx.unprotectRtcp(pk[50]))).toBe('replay_old');
    expect(codeOf(() => rx.unprotectRtcp(pk[150]))).toBe('ok');
    tx.close(); rx.close();
  });
});
