/**
 * Same-process A/B of RtpRelay's transcoding path against other commits.
 *
 *   npx tsx bench/relay-ab.ts [ref ...]        (default: 8c8cd74 main)
 *
 * Each ref's src/ is extracted (git archive) into
 * node_modules/.cache/relay-ab/<ref>/ next to links to this worktree's
 * build/ and wasm/, so every variant runs on the same addon and WASM module;
 * "work" is a copy of this worktree's src/ (copied too, so that every
 * variant is loaded and transformed alike). Rows: PCMU -> PCMA, PCMU -> PCMU (G.711 ⇄
 * G.711, no loss), the same with 2 % loss (every 50th packet dropped:
 * concealment), Opus -> PCMU; and forward mode SRTP -> SRTP. Method as bench/pipeline.bench.ts: 20 relays
 * x 250 packets of 20 ms, process CPU time per packet, best of 15 rounds,
 * variants interleaved round by round (in rotated order) so that load shifts
 * hit them alike. Then, for this worktree alone, the wall time of single
 * relay() calls: the first packet, the one after a loss, the others.
 */
import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const refs = process.argv.slice(2).length ? process.argv.slice(2) : ['8c8cd74', 'main'];
const ROUNDS = 15, OBJECTS = 20, FRAMES = 250;

type Mod = typeof import('../src/index.js');
async function variant(ref: string): Promise<Mod> {
  const sha = ref === 'work' ? 'work' : execSync(`git rev-parse --short=10 ${ref}`, { cwd: root }).toString().trim();
  const dir = `${root}node_modules/.cache/relay-ab/${sha}/`;
  if (ref === 'work') rmSync(dir, { recursive: true, force: true });
  if (!existsSync(`${dir}src`)) {
    mkdirSync(dir, { recursive: true });
    if (ref === 'work') cpSync(`${root}src`, `${dir}src`, { recursive: true });
    else execSync(`git archive ${sha} src | tar -x -C ${dir}`, { cwd: root });
    // ESM like the repository (without it tsx compiles the copy as CommonJS,
    // every imported function then a getter call: slower, and unlike the real thing)
    writeFileSync(`${dir}package.json`, '{ "type": "module" }\n');
    symlinkSync(`${root}build`, `${dir}build`);
    symlinkSync(`${root}wasm`, `${dir}wasm`);
  }
  return import(`${dir}src/index.js`) as Promise<Mod>;
}

function cpuNs(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) * 1000;
}

const names = ['work', ...refs];
const mods = await Promise.all(names.map(variant));
for (const backend of ['native', 'wasm'] as const) {
  const kits = await Promise.all(mods.map((m) => m.load({ backend })));
  const k0 = kits[0];
  const mk = (codec: 'pcmu' | 'opus') => {
    const tx = new mods[0].AudioSender(k0, 0, { codec, ssrc: 0x5eed });
    const out: Uint8Array[] = [];
    let seed = 1;
    for (let f = 0; f < FRAMES; f++) {
      const pcm = Int16Array.from({ length: tx.frameSamples }, (_, i) => Math.round(5000 * Math.sin((2 * Math.PI * 440 * (f * tx.frameSamples + i)) / tx.sampleRate) + ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 22) - 512));
      out.push(...tx.send(pcm, f * 20));
    }
    tx.close();
    return out;
  };
  const mu = mk('pcmu');
  const opus = k0.features.opus === 'none' ? [] : mk('opus');
  // forward mode, SRTP (key 1) -> SRTP (key 2), as bench/pipeline.bench.ts
  const K1 = { profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: new Uint8Array(16).fill(7), masterSalt: new Uint8Array(14).fill(9) } as const;
  const K2 = { ...K1, masterKey: new Uint8Array(16).fill(3), masterSalt: new Uint8Array(14).fill(4) };
  const srtpTx = k0.createSrtpSession(K1);
  const muSrtp = mu.map((p) => srtpTx.protectRtp(p));
  srtpTx.close();
  const cases = [
    { name: 'forward, SRTP -> SRTP', a: 'pcmu', b: 'pcmu', from: 'a', pkts: muSrtp, lossy: false, forward: true },
    { name: 'PCMU -> PCMA', a: 'pcmu', b: 'pcma', from: 'a', pkts: mu, lossy: false },
    { name: 'PCMU -> PCMU', a: 'pcmu', b: 'pcmu', from: 'a', pkts: mu, lossy: false },
    { name: 'PCMU -> PCMA, 2 % loss', a: 'pcmu', b: 'pcma', from: 'a', pkts: mu, lossy: true },
    ...(opus.length ? [{ name: 'Opus -> PCMU', a: 'pcmu', b: 'opus', from: 'b', pkts: opus, lossy: false } as const] : []),
  ] as const;
  console.log(`\n${backend} (µs per packet, best of ${ROUNDS}; ratio to ${names[1]})`);
  console.log(`| case | ${names.join(' | ')} | ${names.slice(2).concat('work').map((n) => `${n} / ${names[1]}`).join(' | ')} |`);
  console.log(`| - |${names.map(() => ' - |').join('')}${names.slice(1).map(() => ' - |').join('')}`);
  for (const c of cases) {
    const best = names.map(() => Infinity);
    for (let round = 0; round < ROUNDS; round++) {
      for (let j = 0; j < names.length; j++) {
        const i = (j + round) % names.length; // rotated: no variant always runs first
        const keys: { close(): void }[] = [];
        const rel = Array.from({ length: OBJECTS }, () => {
          if (!('forward' in c)) return new mods[i].RtpRelay(kits[i], { mode: 'transcode', a: { codec: c.a }, b: { codec: c.b } });
          const srtpIn = kits[i].createSrtpSession(K1), srtpOut = kits[i].createSrtpSession(K2);
          keys.push(srtpIn, srtpOut);
          return new mods[i].RtpRelay(kits[i], { a: { srtpIn }, b: { srtpOut } });
        });
        const ns = cpuNs(() => {
          for (const r of rel) for (let f = 0; f < c.pkts.length; f++) if (!c.lossy || f % 50 !== 25) r.relay(c.from, c.pkts[f], f * 20);
        });
        rel.forEach((r) => r.close());
        keys.forEach((k) => k.close());
        best[i] = Math.min(best[i], ns / (OBJECTS * c.pkts.length));
      }
    }
    const us = best.map((x) => (x / 1000).toFixed(2));
    const ratios = [...best.slice(2), best[0]].map((x) => (x / best[1]).toFixed(2));
    console.log(`| ${c.name} | ${us.join(' | ')} | ${ratios.join(' | ')} |`);
  }
}

// Where the lossy row's extra cost goes (this worktree only): the wall time of
// single relay() calls, PCMU -> PCMA with every 50th packet lost, median over
// 40 relays: the first packet (it makes the RTCP sessions' trackers and the
// concealer), the packet after a loss (the concealer's jitter buffer is
// reset, given the history and the packet, and polled every 10 ms through
// them) and every other packet.
for (const backend of ['native', 'wasm'] as const) {
  const kit = await mods[0].load({ backend });
  const tx = new mods[0].AudioSender(kit, 0, { codec: 'pcmu', ssrc: 0x5eed });
  const pk: Uint8Array[] = [];
  for (let f = 0; f < FRAMES; f++) pk.push(...tx.send(Int16Array.from({ length: 160 }, (_, i) => Math.round(5000 * Math.sin((2 * Math.PI * 440 * (f * 160 + i)) / 8000))), f * 20));
  tx.close();
  const first: number[] = [], after: number[] = [], other: number[] = [];
  for (let round = 0; round < 40; round++) {
    const r = new mods[0].RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'pcma' } });
    for (let f = 0; f < pk.length; f++) {
      if (f % 50 === 25) continue;
      const t0 = process.hrtime.bigint();
      r.relay('a', pk[f], f * 20);
      const dt = Number(process.hrtime.bigint() - t0);
      (f === 0 ? first : f % 50 === 26 ? after : other).push(dt);
    }
    r.close();
  }
  const med = (a: number[]) => (a.sort((x, y) => x - y)[a.length >> 1] / 1000).toFixed(1);
  console.log(`\n${backend}, work: one relay() call, median µs: first packet ${med(first)}, the packet after a loss ${med(after)}, any other ${med(other)}`);
}
