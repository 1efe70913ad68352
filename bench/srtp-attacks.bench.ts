/**
 * The cost of rejecting a forged SRTP packet against the cost of accepting a
 * genuine one (issue 9: rejection must cost no more than acceptance, so that
 * a flood of forgeries is no cheaper to send than to refuse).  Per backend
 * and profile, 160-byte payloads (20 ms of G.711):
 *  - accept: a genuine packet, each a new index (pre-protected ring);
 *  - tampered tag, replayed (already accepted), unknown SSRC with a random
 *    tag, truncated below header + tag.
 * Three API forms: unprotectRtp() (a rejection throws an SrtpError),
 * tryUnprotectRtp() (the receive-loop form: a rejection returns its code, no
 * Error; with and without an `out` buffer) and processBatch() of 32 packets
 * (a rejection is a status in lengths[], no exception).  The ratio column is
 * each row's ops/s over "accept" of its group: >= 1 means rejecting is no
 * dearer than accepting.  Timed in process CPU time (the machine is shared).
 */
import { load, type SrtpProfile, type SrtpSession, type VoipKit } from '../src/index.js';
import { loadavg, cpus } from 'node:os';
import { add, bench, runRows, table, writeResults } from './lib.js';

const KEYS: Record<string, [number, number]> = { AES_CM_128_HMAC_SHA1_80: [16, 14], AEAD_AES_128_GCM: [16, 12] };
const RING = 8192;

function rtp(seq: number, ssrc: number): Uint8Array {
  const p = new Uint8Array(172);
  const v = new DataView(p.buffer);
  p[0] = 0x80;
  v.setUint16(2, seq & 0xffff);
  v.setUint32(4, (seq * 160) >>> 0);
  v.setUint32(8, ssrc);
  for (let i = 12; i < 172; i++) p[i] = (i * 29 + seq) & 0xff;
  return p;
}

/** Process CPU time (user + system) in ms: other jobs' time on the core is not counted. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function run(): Promise<void> {
  const b = bench({ now: cpuNow });
  const perOp: Record<string, number> = {};
  for (const [label, kit] of [['native', await load({ backend: 'native' })], ['wasm', await load({ backend: 'wasm' })]] as [string, VoipKit][]) {
    for (const profile of Object.keys(KEYS) as SrtpProfile[]) {
      const [k, s] = KEYS[profile];
      const opts = { profile, masterKey: new Uint8Array(k).fill(1), masterSalt: new Uint8Array(s).fill(2), replayWindow: 1024 };
      const tx = kit.createSrtpSession(opts);
      const ring = Array.from({ length: RING }, (_, i) => tx.protectRtp(rtp(i, 0x1111)));
      const len = ring[0].length;
      let rx: SrtpSession = kit.createSrtpSession(opts);
      let i = 0;
      const out = new Uint8Array(len);
      const good = () => {
        if (i === RING) {
          rx.close();
          rx = kit.createSrtpSession(opts);
          i = 0;
        }
        rx.unprotectRtp(ring[i++], out);
      };
      const victim = kit.createSrtpSession(opts);
      victim.unprotectRtp(ring[0].slice());
      const tampered = ring[1].slice();
      tampered[len - 1] ^= 1;
      const replay = ring[0];
      const stranger = ring[2].slice();
      new DataView(stranger.buffer).setUint32(8, 0x2222);
      for (let j = len - 10; j < len; j++) stranger[j] = (j * 77) & 0xff;
      const truncated = ring[3].subarray(0, 20);
      const reject = (p: Uint8Array) => () => {
        try {
          victim.unprotectRtp(p, out);
        } catch {
          /* refused, as it must be */
        }
      };
      const g = `${profile} ${label} unprotectRtp`;
      perOp[g] = 1;
      add(b, `${g} :: accept`, good, 20);
      add(b, `${g} :: tampered tag`, reject(tampered), 20);
      add(b, `${g} :: replay`, reject(replay), 20);
      add(b, `${g} :: unknown SSRC`, reject(stranger), 20);
      add(b, `${g} :: truncated`, reject(truncated), 20);

      // tryUnprotectRtp: the same material, refusals returned as codes
      const tryGood = (withOut: boolean) => {
        let t: SrtpSession = kit.createSrtpSession(opts);
        let k = 0;
        return () => {
          if (k === RING) {
            t.close();
            t = kit.createSrtpSession(opts);
            k = 0;
          }
          if (typeof (withOut ? t.tryUnprotectRtp(ring[k++], out) : t.tryUnprotectRtp(ring[k++])) === 'string') throw new Error('genuine packet refused');
        };
      };
      const tryReject = (p: Uint8Array, withOut: boolean) => () => {
        if (typeof (withOut ? victim.tryUnprotectRtp(p, out) : victim.tryUnprotectRtp(p)) !== 'string') throw new Error('forgery accepted');
      };
      const gt = `${profile} ${label} tryUnprotectRtp`;
      perOp[gt] = 1;
      add(b, `${gt} :: accept`, tryGood(true), 20);
      add(b, `${gt} :: tampered tag`, tryReject(tampered, true), 20);
      add(b, `${gt} :: replay`, tryReject(replay, true), 20);
      add(b, `${gt} :: unknown SSRC`, tryReject(stranger, true), 20);
      add(b, `${gt} :: truncated`, tryReject(truncated, true), 20);
      const gn = `${profile} ${label} tryUnprotectRtp (no out)`;
      perOp[gn] = 1;
      add(b, `${gn} :: accept`, tryGood(false), 20);
      add(b, `${gn} :: tampered tag`, tryReject(tampered, false), 20);

      // processBatch of 32 packets, in place in one buffer
      const N = 32;
      const buf = new Uint8Array(N * 200);
      const off = Uint32Array.from({ length: N }, (_, j) => j * 200);
      const cap = new Uint32Array(N).fill(200);
      const lens = new Int32Array(N);
      let rxb: SrtpSession = kit.createSrtpSession(opts);
      let bi = 0;
      const batchGood = () => {
        if (bi + N > RING) {
          rxb.close();
          rxb = kit.createSrtpSession(opts);
          bi = 0;
        }
        for (let j = 0; j < N; j++) {
          buf.set(ring[bi + j], j * 200);
          lens[j] = len;
        }
        bi += N;
        rxb.processBatch('unprotectRtp', buf, off, lens, cap);
      };
      const batchOf = (p: Uint8Array) => () => {
        for (let j = 0; j < N; j++) {
          buf.set(p, j * 200);
          lens[j] = p.length;
        }
        victim.processBatch('unprotectRtp', buf, off, lens, cap);
      };
      const gb = `${profile} ${label} processBatch x${N}`;
      perOp[gb] = N;
      add(b, `${gb} :: accept`, batchGood, 2);
      add(b, `${gb} :: tampered tag`, batchOf(tampered), 2);
      add(b, `${gb} :: replay`, batchOf(replay), 2);
      add(b, `${gb} :: unknown SSRC`, batchOf(stranger), 2);
    }
  }
  const rows = await runRows(b, perOp, 'packets');
  const notes: string[] = [];
  for (const g of [...new Set(rows.map((r) => r.group))]) {
    const acc = rows.find((r) => r.group === g && r.name === 'accept');
    if (!acc) continue;
    const worst = rows.filter((r) => r.group === g && r.name !== 'accept').reduce((m, r) => (r.hz < m.hz ? r : m));
    notes.push(`${g}: slowest rejection (${worst.name}) runs at ${(worst.hz / acc.hz).toFixed(2)}× the accept rate${worst.hz >= acc.hz ? '' : ' (dearer than accepting)'}`);
  }
  const load0 = loadavg();
  notes.push(`Times are process CPU time. Load average (1/5/15 min) when the run ended: ${load0.map((x) => x.toFixed(2)).join(' / ')} on ${cpus().length} cores (uptime); other jobs shared the machine.`);
  writeResults('srtp-attacks', 'SRTP: cost of rejecting forged packets vs accepting genuine ones', rows, table(rows, (r) => r.name === 'accept'), notes);
}
