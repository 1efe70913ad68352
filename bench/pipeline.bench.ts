/**
 * Pipelines: how many concurrent AudioReceivers (PCMU, SRTP, jitter buffer,
 * concealment of 2 % loss) and how many relay calls (SRTP re-keying only;
 * PCMU <-> Opus transcoding through the resampler) one core carries in real
 * time, native and WASM.
 *
 *   npm run bench pipeline      (or npx tsx bench/pipeline.bench.ts)
 *
 * Method: 20 objects each process a 5 s stream (250 frames of 20 ms) from
 * pre-built datagrams; the process CPU time (user + system) over all of them
 * gives the cost of one object for one 20 ms frame, and 20 ms / cost is the
 * number of such objects one core keeps up with (an upper bound: no socket
 * I/O, no event loop, no GC pressure from elsewhere). Best of 3 rounds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load, AudioSender, AudioReceiver, RtpRelay, type VoipKit } from '../src/index.js';
import { machine, QUICK } from './lib.js';

const KEY = { masterKey: new Uint8Array(16).fill(7), masterSalt: new Uint8Array(14).fill(9) };
const KEY2 = { masterKey: new Uint8Array(16).fill(3), masterSalt: new Uint8Array(14).fill(4) };
const FRAMES = QUICK ? 50 : 250;
const OBJECTS = QUICK ? 4 : 20;

function stream(kit: VoipKit, codec: 'pcmu' | 'opus', srtp: boolean): Uint8Array[] {
  const s = srtp ? kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...KEY }) : undefined;
  const tx = new AudioSender(kit, 0, { codec, srtp: s, ssrc: 0x5eed });
  const n = tx.frameSamples;
  const out: Uint8Array[] = [];
  let seed = 1;
  for (let f = 0; f < FRAMES; f++) {
    const pcm = Int16Array.from({ length: n }, (_, i) => Math.round(5000 * Math.sin((2 * Math.PI * 440 * (f * n + i)) / tx.sampleRate) + ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 22) - 512));
    out.push(...tx.send(pcm, f * 20));
  }
  tx.close();
  s?.close();
  return out;
}

function cpuNs(fn: () => void): number {
  const t0 = process.cpuUsage();
  fn();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) * 1000;
}

function best(rounds: number, fn: () => number): number {
  let b = Infinity;
  for (let i = 0; i < rounds; i++) b = Math.min(b, fn());
  return b;
}

async function measure(kit: VoipKit) {
  const pcmu = stream(kit, 'pcmu', true);
  const plainMu = stream(kit, 'pcmu', false);
  const opus = kit.features.opus === 'none' ? [] : stream(kit, 'opus', false);
  // AudioReceiver: PCMU over SRTP, 2 % loss (every 50th packet dropped), jitter buffer + concealment.
  const receiverNs = best(3, () => {
    const rs = Array.from({ length: OBJECTS }, () => {
      const srtp = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...KEY });
      return { srtp, r: new AudioReceiver(kit, 0, { srtp }) };
    });
    const ns = cpuNs(() => {
      for (const { r } of rs) {
        for (let f = 0; f < pcmu.length; f++) {
          if (f % 50 !== 25) r.receive(pcmu[f], f * 20 + 15);
          r.poll(f * 20);
        }
      }
    });
    for (const { r, srtp } of rs) { r.close(); srtp.close(); }
    return ns / (OBJECTS * pcmu.length);
  });
  // Relay, forward: SRTP (key 1) in, SRTP (key 2) out.
  const forwardNs = best(3, () => {
    const rel = Array.from({ length: OBJECTS }, () => {
      const a = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...KEY });
      const b = kit.createSrtpSession({ profile: 'AES_CM_128_HMAC_SHA1_80', ...KEY2 });
      return { a, b, relay: new RtpRelay(kit, { a: { srtpIn: a }, b: { srtpOut: b } }) };
    });
    const ns = cpuNs(() => { for (const { relay } of rel) for (let f = 0; f < pcmu.length; f++) relay.relay('a', pcmu[f], f * 20); });
    for (const x of rel) { x.a.close(); x.b.close(); x.relay.close(); }
    return ns / (OBJECTS * pcmu.length);
  });
  // Relay, transcoding G.711 -> G.711 (PCMU -> PCMA, no loss): the relay's own per-packet cost (RTP parse and
  // serialize, G.711 decode and encode, RTCP accounting, the concealer's history) with the least codec work.
  const muToANs = best(3, () => {
    const rel = Array.from({ length: OBJECTS }, () => new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'pcma' } }));
    const ns = cpuNs(() => { for (const r of rel) for (let f = 0; f < plainMu.length; f++) r.relay('a', plainMu[f], f * 20); });
    rel.forEach((r) => r.close());
    return ns / (OBJECTS * plainMu.length);
  });
  // Relay, transcoding one direction each: PCMU -> Opus (G.711 decode, 8 -> 48 kHz resampler, Opus encode) and Opus -> PCMU.
  let muToOpusNs = NaN, opusToMuNs = NaN;
  if (opus.length) {
    muToOpusNs = best(2, () => {
      const rel = Array.from({ length: OBJECTS }, () => new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'opus' } }));
      const ns = cpuNs(() => { for (const r of rel) for (let f = 0; f < plainMu.length; f++) r.relay('a', plainMu[f], f * 20); });
      rel.forEach((r) => r.close());
      return ns / (OBJECTS * plainMu.length);
    });
    opusToMuNs = best(2, () => {
      const rel = Array.from({ length: OBJECTS }, () => new RtpRelay(kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'opus' } }));
      const ns = cpuNs(() => { for (const r of rel) for (let f = 0; f < opus.length; f++) r.relay('b', opus[f], f * 20); });
      rel.forEach((r) => r.close());
      return ns / (OBJECTS * opus.length);
    });
  }
  const perCore = (ns: number) => Math.floor(20e6 / ns);
  return {
    backend: kit.backend,
    opus: kit.features.opus,
    receiver: { nsPer20ms: receiverNs, perCore: perCore(receiverNs) },
    forwardLeg: { nsPer20ms: forwardNs, perCore: perCore(forwardNs) },
    /** PCMU -> PCMA transcoding leg, no loss. */
    g711Leg: { nsPer20ms: muToANs, perCore: perCore(muToANs) },
    transcode: {
      muToOpusNsPer20ms: muToOpusNs,
      opusToMuNsPer20ms: opusToMuNs,
      /** A call through the relay transcodes both ways. */
      callsPerCore: Number.isNaN(muToOpusNs) ? null : perCore(muToOpusNs + opusToMuNs),
    },
  };
}

export async function run(): Promise<void> {
  const rows = [];
  for (const backend of ['native', 'wasm'] as const) rows.push(await measure(await load({ backend })));
  const m = machine();
  const root = fileURLToPath(new URL('..', import.meta.url));
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(`${root}bench/results/pipeline.json`, JSON.stringify({ machine: m, frames: FRAMES, objects: OBJECTS, rows }, null, 2) + '\n');
  const us = (ns: number) => (Number.isNaN(ns) ? '-' : (ns / 1000).toFixed(1));
  const lines = [
    '# Pipelines: capacity per core',
    '',
    `Machine: ${m.cpu} x${m.cores}, ${m.os}, Node ${m.node}. Date: ${m.date}. Command: \`npm run bench pipeline\`.`,
    '',
    `Method: ${OBJECTS} objects x ${FRAMES} frames of 20 ms from pre-built datagrams; process CPU time per object per 20 ms frame (best of rounds);`,
    'per core = 20 ms / that cost (an upper bound: no socket I/O). Receiver = PCMU over SRTP, 2 % loss, jitter buffer + concealment, receive + poll.',
    'Forward leg = relay SRTP (key 1) -> SRTP (key 2), SSRC/seq rewriting. G.711 leg = transcoding PCMU -> PCMA, no loss. Transcoding call = PCMU -> Opus (G.711 decode, resampler 8 -> 48 kHz, Opus 32 kbit/s encode) plus Opus -> PCMU (Opus decode at 8 kHz, G.711 encode).',
    '',
    '| backend | Opus | receiver µs / 20 ms | receivers per core | forward leg µs / 20 ms | forward legs per core | PCMU->PCMA µs | PCMU->Opus µs | Opus->PCMU µs | transcoding calls per core |',
    '| - | - | - | - | - | - | - | - | - | - |',
    ...rows.map((r) => `| ${r.backend} | ${r.opus} | ${us(r.receiver.nsPer20ms)} | ${r.receiver.perCore} | ${us(r.forwardLeg.nsPer20ms)} | ${r.forwardLeg.perCore} | ${us(r.g711Leg.nsPer20ms)} | ${us(r.transcode.muToOpusNsPer20ms)} | ${us(r.transcode.opusToMuNsPer20ms)} | ${r.transcode.callsPerCore ?? '-'} |`),
  ];
  writeFileSync(`${root}bench/results/pipeline.md`, lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
