/**
 * Where the native batch unprotect row of bench/srtp.bench.ts spends its
 * time: the same shape (AES_CM_128_HMAC_SHA1_80, 1,212-byte packets, batches
 * of 32 in place, a ring of distinct protected packets refilled from a
 * pristine copy and a fresh receiver when used up), with the unprotect
 * calls, the refill and the session creation timed apart (process CPU time).
 *   [PROFILE=AEAD_AES_128_GCM] node --import tsx bench/srtp-unprotect-ring.ts [ringPackets=4096]
 * A ring of 128 packets stays in the cache; 4,096 (5.6 MB) does not.
 */
import { load } from '../src/index.js';

const kit = await load({ backend: 'native' });
const opts = { profile: (process.env.PROFILE ?? 'AES_CM_128_HMAC_SHA1_80') as 'AES_CM_128_HMAC_SHA1_80', masterKey: new Uint8Array(16).fill(7), masterSalt: new Uint8Array((process.env.PROFILE ?? '').startsWith('AEAD') ? 12 : 14).fill(9) };
const size = 1212, slot = size + 160, BATCH = 32;
const RING = Number(process.argv[2] ?? 4096);
if (!Number.isInteger(RING) || RING < BATCH || RING % BATCH !== 0 || RING > 65536) throw new Error(`ring: a multiple of ${BATCH} up to 65536`);

function rtp(seq: number): Uint8Array {
  const p = new Uint8Array(size);
  p[0] = 0x80; p[2] = seq >> 8; p[3] = seq & 0xff; p[11] = 1;
  for (let i = 12; i < size; i++) p[i] = i & 0xff;
  return p;
}
const tx = kit.createSrtpSession(opts);
const ring = new Uint8Array(RING * slot);
let plen = 0;
for (let i = 0; i < RING; i++) plen = tx.protectRtp(rtp(i), ring.subarray(i * slot, (i + 1) * slot)).length;
tx.close();
const off = Uint32Array.from({ length: BATCH }, (_, i) => i * slot), cap = new Uint32Array(BATCH).fill(slot), len = new Int32Array(BATCH);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const work = ring.slice();
for (let rep = 0; rep < 3; rep++) {
  let tUnprotect = 0, tRefill = 0, tCreate = 0, n = 0;
  const t0 = cpu();
  while (n < 300000) {
    let t = cpu();
    const rx = kit.createSrtpSession(opts);
    tCreate += cpu() - t;
    t = cpu();
    work.set(ring);
    tRefill += cpu() - t;
    t = cpu();
    for (let p = 0; p + BATCH <= RING; p += BATCH) {
      len.fill(plen);
      if (rx.processBatch('unprotectRtp', work.subarray(p * slot, (p + BATCH) * slot), off, len, cap) !== BATCH) throw new Error('unprotect failed');
    }
    tUnprotect += cpu() - t;
    n += RING;
    rx.close();
  }
  const all = cpu() - t0, ns = (x: number) => (x / n * 1e9).toFixed(0);
  console.log(`ring ${RING}: ${ns(all)} ns per packet (${(n / all / 1e3).toFixed(0)}k/s): unprotect ${ns(tUnprotect)}, refill ${ns(tRefill)}, session ${ns(tCreate)}`);
}
