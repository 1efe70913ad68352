/**
 * SRTP benchmark: voipkit (native and WASM; one packet per call and the
 * batch API) beside Debian's libsrtp2 driven from this process through a
 * bench-only binding (bench/libsrtp/) and beside werift-rtp's SRTP, for
 * AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM at 172- and 1212-byte RTP
 * packets.  Every task runs INNER packets per tinybench iteration so that the
 * timer's own cost does not dominate sub-microsecond operations; rows report
 * packets per second.
 */
import { Bench } from 'tinybench';
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, platform, arch, loadavg } from 'node:os';
import { load, type SrtpProfile, type SrtpSession, type VoipKit } from '../src/index.js';
// @ts-expect-error plain ESM helper without types
import { buildLibsrtpBinding } from './libsrtp/build.mjs';

export interface SrtpBenchRow {
  suite: SrtpProfile;
  size: number;
  op: 'protect' | 'unprotect';
  impl: string;
  /** packets per second (mean over the task's samples) */
  pps: number;
  /** relative margin of error of the mean latency, percent */
  rme: number;
  samples: number;
}

const INNER = 256; // packets per tinybench iteration

/** Process CPU time (user + system) in ms. */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const BATCH = 32;  // packets per batch call
const RING = 4096; // distinct protected packets replayed by the unprotect tasks (a multiple of INNER)
if (RING % INNER !== 0) throw new Error("RING must be a multiple of INNER");

interface Libsrtp {
  create(profile: number, keySalt: Uint8Array, inbound: boolean): unknown;
  protect(h: unknown, src: Uint8Array, work: Uint8Array): number;
  unprotect(h: unknown, buf: Uint8Array, len: number): number;
  batch(h: unknown, protect: boolean, buf: Uint8Array, off: Uint32Array, len: Int32Array, n: number): number;
  destroy(h: unknown): void;
}

function rtp(seq: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  const v = new DataView(p.buffer);
  p[0] = 0x80; p[1] = 111;
  v.setUint16(2, seq & 0xffff); v.setUint32(4, seq * 160); v.setUint32(8, 0x11223344);
  for (let i = 12; i < size; i++) p[i] = (i * 31 + seq) & 255;
  return p;
}

const KEYS: Record<string, { key: Uint8Array; salt: Uint8Array; id: number }> = {
  AES_CM_128_HMAC_SHA1_80: { key: new Uint8Array(16).fill(3), salt: new Uint8Array(14).fill(5), id: 1 },
  AEAD_AES_128_GCM: { key: new Uint8Array(16).fill(3), salt: new Uint8Array(12).fill(5), id: 7 },
};

export async function srtpBench(options: { time?: number; impls?: string[] } = {}): Promise<SrtpBenchRow[]> {
  const time = options.time ?? 400;
  const kits: Record<string, VoipKit> = { native: await load({ backend: 'native' }), wasm: await load({ backend: 'wasm' }) };
  const lib = createRequire(import.meta.url)(buildLibsrtpBinding()) as Libsrtp;
  const werift = await import('werift-rtp');
  const rows: SrtpBenchRow[] = [];
  const want = (name: string) => !options.impls || options.impls.some((i) => name.startsWith(i));

  for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_128_GCM'] as SrtpProfile[]) {
    const k = KEYS[suite];
    const keySalt = new Uint8Array(k.key.length + k.salt.length);
    keySalt.set(k.key); keySalt.set(k.salt, k.key.length);
    for (const size of [172, 1212]) {
      // Process CPU time as the clock: the machine is shared, and CPU time per
      // packet is what "per core" means.  (tinybench's own timer would count
      // the time other jobs hold the core.)
      const bench = new Bench({ time, warmupTime: 100, now: cpuNow });
      const meta: Record<string, Omit<SrtpBenchRow, 'pps' | 'rme' | 'samples'>> = {};
      // `rewind` runs in tinybench's beforeEach hook, outside the timed
      // function: when the ring of distinct protected packets is used up it
      // makes a fresh receiver and restores the ring from its pristine copy
      // (a memcpy of up to 5.6 MB, standing in for the socket read that
      // hands a receiver its packets).  Until session 5 it ran inside the
      // timed loop and cost 0.16-0.2 us per 1,212-byte packet
      // (bench/srtp-unprotect-ring.ts measures it apart).
      const add = (impl: string, op: 'protect' | 'unprotect', fn: () => void, rewind?: () => void) => {
        if (!want(impl)) return;
        const name = `${impl} ${op}`;
        meta[name] = { suite, size, op, impl };
        bench.add(name, fn, rewind ? { beforeEach: rewind } : undefined);
      };
      const plain = rtp(1000, size);
      const slot = size + 160; // room for the largest trailer libsrtp asks for (SRTP_MAX_TRAILER_LEN)

      // a ring of distinct protected packets (seq 0..RING-1) for unprotect tasks
      const ringTx = kits.native.createSrtpSession({ profile: suite, masterKey: k.key, masterSalt: k.salt });
      const ring = new Uint8Array(RING * slot);
      let plen = 0;
      for (let i = 0; i < RING; i++) plen = ringTx.protectRtp(rtp(i, size), ring.subarray(i * slot, (i + 1) * slot)).length;
      ringTx.close();

      for (const backend of ['native', 'wasm']) {
        const kit = kits[backend];
        const opts = { profile: suite, masterKey: k.key, masterSalt: k.salt };
        const tx = kit.createSrtpSession(opts);
        const out = new Uint8Array(slot);
        add(`voipkit-${backend}`, 'protect', () => {
          for (let i = 0; i < INNER; i++) tx.protectRtpInto(plain, out);
        });
        // batch protect: BATCH packets in place in one packed buffer
        const bbuf = new Uint8Array(BATCH * slot);
        for (let i = 0; i < BATCH; i++) bbuf.set(plain, i * slot);
        const off = Uint32Array.from({ length: BATCH }, (_, i) => i * slot);
        const cap = new Uint32Array(BATCH).fill(slot);
        const len = new Int32Array(BATCH);
        add(`voipkit-${backend} batch${BATCH}`, 'protect', () => {
          for (let j = 0; j < INNER / BATCH; j++) {
            len.fill(size);
            tx.processBatch('protectRtp', bbuf, off, len, cap);
          }
        });
        // unprotect: walk the ring, re-creating the receiver when it is used up
        let rx: SrtpSession = kit.createSrtpSession(opts);
        let pos = 0;
        const work = ring.slice();
        // one view per ring slot, made once: the task times unprotect, not subarray()
        const views = Array.from({ length: RING }, (_, i) => work.subarray(i * slot, i * slot + plen));
        add(`voipkit-${backend}`, 'unprotect', () => {
          for (let i = 0; i < INNER; i++) rx.unprotectRtpInto(views[pos++], out);
        }, () => {
          if (pos + INNER > RING) { rx.close(); rx = kit.createSrtpSession(opts); work.set(ring); pos = 0; }
        });
        let rxb: SrtpSession = kit.createSrtpSession(opts);
        let posb = 0;
        const workb = ring.slice();
        const offb = Uint32Array.from({ length: BATCH }, (_, i) => i * slot);
        add(`voipkit-${backend} batch${BATCH}`, 'unprotect', () => {
          for (let j = 0; j < INNER / BATCH; j++) {
            len.fill(plen);
            const n = rxb.processBatch('unprotectRtp', workb.subarray(posb * slot, (posb + BATCH) * slot), offb, len, cap);
            if (n !== BATCH) throw new Error(`batch unprotect failed: ${len.join(',')}`);
            posb += BATCH;
          }
        }, () => {
          if (posb + INNER > RING) { rxb.close(); rxb = kit.createSrtpSession(opts); workb.set(ring); posb = 0; }
        });
      }

      // libsrtp2 (Debian, NSS backend), same shapes
      {
        const tx = lib.create(k.id, keySalt, false);
        const out = new Uint8Array(slot);
        if (lib.protect(tx, plain, out) !== size + (suite === 'AEAD_AES_128_GCM' ? 16 : 10)) throw new Error('libsrtp protect failed');
        add('libsrtp2', 'protect', () => {
          for (let i = 0; i < INNER; i++) lib.protect(tx, plain, out);
        });
        const bbuf = new Uint8Array(BATCH * slot);
        const off = Uint32Array.from({ length: BATCH }, (_, i) => i * slot);
        const len = new Int32Array(BATCH);
        add(`libsrtp2 batch${BATCH}`, 'protect', () => {
          for (let j = 0; j < INNER / BATCH; j++) {
            len.fill(size);
            if (lib.batch(tx, true, bbuf, off, len, BATCH) !== BATCH) throw new Error('libsrtp batch protect failed');
          }
        });
        let rx = lib.create(k.id, keySalt, true);
        let pos = 0;
        const work = ring.slice();
        const views = Array.from({ length: RING }, (_, i) => work.subarray(i * slot, (i + 1) * slot));
        add('libsrtp2', 'unprotect', () => {
          for (let i = 0; i < INNER; i++) {
            const r = lib.unprotect(rx, views[pos], plen);
            if (r < 0) throw new Error(`libsrtp unprotect ${r}`);
            pos++;
          }
        }, () => {
          if (pos + INNER > RING) { lib.destroy(rx); rx = lib.create(k.id, keySalt, true); work.set(ring); pos = 0; }
        });
        let rxb = lib.create(k.id, keySalt, true);
        let posb = 0;
        const workb = ring.slice();
        add(`libsrtp2 batch${BATCH}`, 'unprotect', () => {
          for (let j = 0; j < INNER / BATCH; j++) {
            len.fill(plen);
            if (lib.batch(rxb, false, workb.subarray(posb * slot, (posb + BATCH) * slot), off, len, BATCH) !== BATCH) throw new Error('libsrtp batch unprotect failed');
            posb += BATCH;
          }
        }, () => {
          if (posb + INNER > RING) { lib.destroy(rxb); rxb = lib.create(k.id, keySalt, true); workb.set(ring); posb = 0; }
        });
      }

      // werift-rtp (pure TypeScript over Node's crypto): profiles 1 and 7
      {
        const keys = { localMasterKey: Buffer.from(k.key), localMasterSalt: Buffer.from(k.salt), remoteMasterKey: Buffer.from(k.key), remoteMasterSalt: Buffer.from(k.salt) };
        const tx = new werift.SrtpSession({ keys, profile: k.id as 1 | 7 });
        const parsed = werift.RtpPacket.deSerialize(Buffer.from(plain));
        add('werift-rtp', 'protect', () => {
          for (let i = 0; i < INNER; i++) tx.encrypt(parsed.payload, parsed.header);
        });
        let rx = new werift.SrtpSession({ keys, profile: k.id as 1 | 7 });
        let pos = 0;
        add('werift-rtp', 'unprotect', () => {
          for (let i = 0; i < INNER; i++) {
            rx.decrypt(Buffer.from(ring.buffer, pos * slot, plen));
            pos++;
          }
        }, () => {
          if (pos + INNER > RING) { rx = new werift.SrtpSession({ keys, profile: k.id as 1 | 7 }); pos = 0; }
        });
      }

      await bench.run();
      for (const t of bench.tasks) {
        const r = t.result as unknown as { period?: number; latency?: { rme: number; samplesCount?: number }; error?: unknown; state?: string };
        if (!r || r.error || !r.period) throw new Error(`task ${t.name} failed: ${String(r?.error ?? r?.state)}`);
        rows.push({ ...meta[t.name], pps: (INNER * 1000) / r.period, rme: r.latency?.rme ?? 0, samples: r.latency?.samplesCount ?? 0 });
      }
    }
  }
  return rows;
}

/**
 * Run the suite and write bench/results/srtp.json and .md (the entry point
 * of the shared bench runner: `run()`).  BENCH_TIME overrides ms per task.
 */
export async function run(time = Number(process.env.BENCH_TIME ?? (process.env.BENCH_QUICK === '1' ? 50 : 400))): Promise<void> {
  const loadBefore = loadavg();
  const rows = await srtpBench({ time });
  const loadAfter = loadavg();
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${arch()}`, node: process.version, openssl: process.versions.openssl,
  };
  const date = new Date().toISOString();
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/srtp.json', import.meta.url), JSON.stringify({ date, machine, loadavgBefore: loadBefore, loadavgAfter: loadAfter, timePerTaskMs: time, inner: INNER, batch: BATCH, rows }, null, 2) + '\n');
  const fmt = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : `${(v / 1e3).toFixed(0)}k`);
  let md = `# SRTP benchmark\n\n${date}, ${machine.cpu} (${machine.cores} cores, shared with other jobs: compare ratios, not absolute figures), ${machine.platform}, Node ${machine.node} (OpenSSL ${machine.openssl}).\n\n`;
  md += `Packets per second of process CPU time (one thread; tinybench with process.cpuUsage() as its clock, so time other jobs hold the core is not counted), ${time} ms per task. voipkit single-packet rows use the allocation-free \`protectRtpInto\` / \`unprotectRtpInto\`; batch rows pass ${BATCH} packets per call. Unprotect rows of every implementation read a ring of ${RING} distinct protected packets; when it is used up a fresh receiver is made and the ring restored from a pristine copy in tinybench's beforeEach hook, outside the timing (docs/srtp.md, "How the unprotect rows are timed"). libsrtp2 is Debian's 2.5.0 (NSS crypto) through a bench-only binding (bench/libsrtp/). Command: \`node --import tsx bench/srtp.run.ts ${time}\`. Machine load (uptime's 1/5/15-minute load average on ${machine.cores} cores): ${load(loadBefore)} at the start, ${load(loadAfter)} at the end; under load, absolute figures fall (the cores' caches and SMT siblings are shared) while same-run ratios hold better.\n`;
  for (const suite of [...new Set(rows.map((r) => r.suite))]) {
    for (const size of [...new Set(rows.map((r) => r.size))]) {
      md += `\n## ${suite}, ${size}-byte RTP packets\n\n| implementation | protect/s | unprotect/s |\n| --- | ---: | ---: |\n`;
      const sel = rows.filter((r) => r.suite === suite && r.size === size);
      for (const impl of [...new Set(sel.map((r) => r.impl))]) {
        const p = sel.find((r) => r.impl === impl && r.op === 'protect');
        const u = sel.find((r) => r.impl === impl && r.op === 'unprotect');
        md += `| ${impl} | ${p ? fmt(p.pps) : '-'} | ${u ? fmt(u.pps) : '-'} |\n`;
      }
      const ratio = (a: string, b: string, op: string) => {
        const x = sel.find((r) => r.impl === a && r.op === op), y = sel.find((r) => r.impl === b && r.op === op);
        return x && y ? (x.pps / y.pps).toFixed(2) : '-';
      };
      md += `\nRatios in this run: voipkit-native / libsrtp2 protect ${ratio('voipkit-native', 'libsrtp2', 'protect')}x, unprotect ${ratio('voipkit-native', 'libsrtp2', 'unprotect')}x; `;
      md += `batch vs batch protect ${ratio(`voipkit-native batch${BATCH}`, `libsrtp2 batch${BATCH}`, 'protect')}x, unprotect ${ratio(`voipkit-native batch${BATCH}`, `libsrtp2 batch${BATCH}`, 'unprotect')}x; `;
      md += `voipkit-wasm / werift-rtp protect ${ratio('voipkit-wasm', 'werift-rtp', 'protect')}x, unprotect ${ratio('voipkit-wasm', 'werift-rtp', 'unprotect')}x.\n`;
    }
  }
  writeFileSync(new URL('./results/srtp.md', import.meta.url), md);
  console.log(md);
}
