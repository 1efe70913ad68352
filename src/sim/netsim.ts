/**
 * The simulation run, on the production pipeline: speech → AudioSender
 * (optional noise suppression, G.711, RTP, optional SRTP) → the network model
 * (src/sim/network) → AudioReceiver (optional SRTP, RTP, the jitter buffer)
 * polled with the trace replay's playout model (a tick every ptime from the
 * first arrival; every packet arrived by the tick is received first, in
 * arrival order).  So a simulated call and its exported trace replayed by
 * `replayTrace` give the same playout log (test/sim-cli.test.ts checks it).
 * Then the listener-quality figures: mouth-to-ear delay, loss after the
 * buffer, concealment and the full ITU-T G.107 E-model.
 */
import { VoipKitError } from '../errors.js';
import type { VoipKit } from '../index.js';
import type { JitterStats } from '../jitter/jitter-buffer.js';
import { NetworkModel, type NetworkConfig, type NetworkStats } from './network/index.js';
import type { PlayoutEntry, ReplayOptions, ReplayResult, TraceRow } from './trace.js';
import type { JitterOp } from '../jitter/jitter-buffer.js';
import { AudioSender } from '../pipeline/sender.js';
import { AudioReceiver } from '../pipeline/receiver.js';
import { SRTP_KEY_LENGTHS, type SrtpProfile, type SrtpSession } from '../srtp/session.js';
import { Stream, Xoshiro128, checkSeed } from './prng.js';
import { speechLike } from './speech.js';
import { burstRatio, codecImpairment, eModel, type EModelResult } from './emodel.js';
import type { ReportFrame, ReportPacket } from './report/html.js';

/** Packet interval of the simulated stream, ms. */
export const PTIME_MS = 20;
/** Bytes on the wire per packet: IPv4 20 + UDP 8 + RTP 12 + 160 bytes of G.711 (+ the SRTP tag when protected). */
export const PACKET_BYTES = 200;
/** IPv4 + UDP header bytes added to each datagram for the rate and slot byte budgets. */
export const IP_UDP_BYTES = 28;
const SAMPLES = 160;
/** Frames quieter than this RMS count as silent (as in the trace replay). */
const SILENCE_RMS = 300;
/** Polling continues this long after the last arrival, ms (as in the trace replay). */
const TAIL_MS = 3000;
/**
 * Added to the network + buffer delay to get the mouth-to-ear delay Ta of the
 * E-model: one packet time of packetisation plus 5 ms for codec and device
 * (for 20 ms packets this is the 25 ms the shared jitter traces' README uses).
 */
export const DEVICE_DELAY_MS = 5;

export interface NetSimOptions {
  /** The network (a profile or netem-style options). */
  network: NetworkConfig;
  /** 32-bit unsigned seed of the network model. Default 1. */
  seed?: number;
  /** Length of the call, ms. Default: the input audio's length, else 60000. */
  durationMs?: number;
  /** G.711 law. Default 'pcmu'. */
  codec?: 'pcmu' | 'pcma';
  /** Audio to send, 8 kHz mono (looped). Default: the built-in speech-like signal. */
  audio?: Int16Array;
  /** Jitter buffer options. */
  jitter?: ReplayOptions['jitter'];
  /** Keep the played audio. Default false. */
  keepAudio?: boolean;
  /** SRTP protection profile of the call (e.g. AES_CM_128_HMAC_SHA1_80); keys drawn from the seed. Default: plain RTP. */
  srtp?: string;
  /** Noise suppression in the sender, strength 0..1 (or true: the default strength). Default off. */
  noiseSuppression?: boolean | number;
  /** Progress callback, fraction in [0, 1], called at most every 1 % of the run. */
  onProgress?: (fraction: number) => void;
}

/** Listener-quality figures of one run. */
export interface QualityFigures {
  /** Packets sent. */
  packets: number;
  /** Lost in the network (no copy arrived), % of sent. */
  networkLossPct: number;
  /** Arrived but never played (too late), % of sent. */
  lateLossPct: number;
  /** Share of played audio made by concealment, %. */
  concealmentPct: number;
  /** Network one-way delay over arrived packets, ms. */
  networkDelayMeanMs: number;
  networkDelayP95Ms: number;
  /** Send → played over played packets, ms (network + jitter buffer). */
  e2eMeanMs: number;
  e2eP95Ms: number;
  /** Mouth-to-ear delay Ta = e2e mean + ptime + DEVICE_DELAY_MS, ms. */
  mouthToEarMs: number;
  /** G.107 burst ratio of the loss after the buffer (network + late). */
  burstR: number;
  /** The E-model inputs and result. */
  emodel: EModelResult & { Ta: number; Ppl: number; BurstR: number; Ie: number; Bpl: number; source: string; assumptions: string };
}

export interface NetSimResult {
  rows: TraceRow[];
  replay: ReplayResult;
  network: NetworkStats;
  frames: ReportFrame[];
  packets: ReportPacket[];
  quality: QualityFigures;
  /** Buffer statistics at the end. */
  stats: JitterStats;
}

function pct(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
const mean = (a: number[]): number => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : 0);

/** Run one simulated call. */
export function runNetSim(kit: VoipKit, o: NetSimOptions): NetSimResult {
  const codec = o.codec ?? 'pcmu';
  if (codec !== 'pcmu' && codec !== 'pcma') throw new VoipKitError('invalid_argument', `codec must be pcmu or pcma, got ${String(codec)}`);
  const durationMs = o.durationMs ?? (o.audio ? Math.floor(o.audio.length / 160) * PTIME_MS : 60_000);
  if (!(durationMs >= PTIME_MS)) throw new VoipKitError('invalid_argument', `the call must last at least ${PTIME_MS} ms, got ${durationMs} ms`);
  const seed = checkSeed(o.seed ?? 1);
  const model = new NetworkModel(o.network, seed);
  const src = o.audio && o.audio.length >= SAMPLES ? o.audio : speechLike(8000 * 60, 1);

  // SRTP: one key for both ends, drawn from the seed (a simulation, not a secret)
  let txSrtp: SrtpSession | undefined;
  let rxSrtp: SrtpSession | undefined;
  if (o.srtp) {
    const prof = o.srtp as SrtpProfile;
    const len = SRTP_KEY_LENGTHS[prof];
    if (!len) throw new VoipKitError('invalid_argument', `unknown SRTP profile ${JSON.stringify(o.srtp)} (one of ${Object.keys(SRTP_KEY_LENGTHS).join(', ')})`);
    const keyRng = new Xoshiro128(seed, Stream.Source + 100);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => keyRng.nextU32() & 0xff);
    const masterKey = bytes(len.key);
    const masterSalt = bytes(len.salt);
    txSrtp = kit.createSrtpSession({ profile: prof, masterKey, masterSalt });
    rxSrtp = kit.createSrtpSession({ profile: prof, masterKey, masterSalt });
  }

  // send path: the production AudioSender (G.711, RTP, optional NS and SRTP), one frame every ptime
  const ids = new Xoshiro128(seed, Stream.Source);
  const sender = new AudioSender(kit, 0, {
    codec,
    sequenceNumber: ids.nextU32() & 0xffff,
    timestamp: ids.nextU32(),
    ssrc: ids.nextU32(),
    srtp: txSrtp,
    noiseSuppression: o.noiseSuppression ?? false,
    rtcp: { random: () => 0.5 },
    cname: 'voipkit-sim',
  });
  const datagrams: Uint8Array[] = [];
  const sent: { seq: number; ts: number; sendMs: number; silent: boolean }[] = [];
  const arrivals: number[][] = [];
  const frame = new Int16Array(SAMPLES);
  const nFrames = Math.floor(durationMs / PTIME_MS);
  const q = (t: number): number => Math.round(t * 100) / 100; // the trace format's resolution (10 µs)
  try {
    for (let i = 0; i < nFrames; i++) {
      const t = i * PTIME_MS;
      let e = 0;
      for (let k = 0; k < SAMPLES; k++) {
        const v = src[(i * SAMPLES + k) % src.length];
        frame[k] = v;
        e += v * v;
      }
      for (const dg of sender.send(frame, t)) {
        const id = datagrams.length;
        datagrams.push(dg);
        arrivals.push([]);
        sent.push({ seq: (dg[2] << 8) | dg[3], ts: ((dg[4] << 24) | (dg[5] << 16) | (dg[6] << 8) | dg[7]) >>> 0, sendMs: q(t), silent: Math.sqrt(e / SAMPLES) < SILENCE_RMS });
        model.push({ id, sendMs: t, bytes: dg.length + IP_UDP_BYTES });
      }
      for (const a of model.poll(t)) arrivals[a.id].push(a.arrivalMs);
    }
    for (const a of model.poll(Infinity)) arrivals[a.id].push(a.arrivalMs);
  } finally {
    sender.close();
    txSrtp?.close();
  }

  // one trace row per packet sent (per copy that arrived), as the exported trace has them
  const rows: TraceRow[] = [];
  const rowPacket: number[] = [];
  const silent: boolean[] = [];
  sent.forEach((p, id) => {
    const arr = arrivals[id].map(q).sort((a, b) => a - b);
    if (arr.length === 0) arr.push(NaN);
    for (const a of arr) {
      rows.push({ seq: p.seq, ts: p.ts, sendMs: p.sendMs, arrivalMs: Number.isNaN(a) ? null : a });
      rowPacket.push(id);
      silent.push(p.silent);
    }
  });

  // receive path: the production AudioReceiver, with the trace replay's playout model
  const frames: ReportFrame[] = [];
  const log: PlayoutEntry[] = rows.map((r) => ({ seq: r.seq, playMs: null }));
  const bySeq = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const l = bySeq.get(r.seq);
    if (l) l.push(i);
    else bySeq.set(r.seq, [i]);
  });
  const ops: Record<JitterOp, number> = { normal: 0, expand: 0, merge: 0, accelerate: 0, 'preemptive-expand': 0, cng: 0 };
  const order = rows.map((_, i) => i).filter((i) => rows[i].arrivalMs !== null);
  order.sort((a, b) => (rows[a].arrivalMs as number) - (rows[b].arrivalMs as number) || a - b);
  const receiver = new AudioReceiver(kit, 0, { jitter: o.jitter, srtp: rxSrtp, rtcp: { random: () => 0.5 }, cname: 'voipkit-sim' });
  const out: Int16Array[] = [];
  let stats: JitterStats | undefined;
  try {
    if (order.length > 0) {
      const t0 = rows[order[0]].arrivalMs as number;
      const tEnd = (rows[order[order.length - 1]].arrivalMs as number) + TAIL_MS;
      let lastReported = -1;
      let k = 0;
      for (let tick = t0; tick <= tEnd; tick += PTIME_MS) {
        while (k < order.length && (rows[order[k]].arrivalMs as number) <= tick) {
          const i = order[k++];
          receiver.receive(datagrams[rowPacket[i]], rows[i].arrivalMs as number);
        }
        const res = receiver.poll(tick);
        const jr = res.jitter;
        ops[res.op === 'comfort-noise' ? 'cng' : res.op]++;
        if (jr) {
          for (const p of jr.packets) {
            const l = bySeq.get(p.seq);
            if (!l || l.length === 0) continue;
            const i = l.shift() as number;
            log[i].playMs = tick + (p.offset * 1000) / 8000;
          }
        }
        const st = receiver.stats().jitter;
        frames.push({
          tMs: tick,
          targetDelayMs: st?.targetDelayMs ?? 0,
          currentDelayMs: st?.currentDelayMs ?? 0,
          bufferedMs: st?.bufferedMs ?? 0,
          concealed: res.op === 'expand' || res.op === 'cng' || res.op === 'comfort-noise' || (jr?.concealedSeq ?? null) !== null,
        });
        if (o.keepAudio) out.push(res.pcm.slice());
        if (o.onProgress) {
          const f = Math.min(1, (tick - t0) / Math.max(1, tEnd - TAIL_MS - t0));
          if (f - lastReported >= 0.01) {
            lastReported = f;
            o.onProgress(f);
          }
        }
        if (k >= order.length && st && st.bufferedPackets === 0 && st.bufferedMs === 0) break;
      }
    }
    stats = receiver.stats().jitter;
  } finally {
    receiver.close();
    rxSrtp?.close();
  }
  o.onProgress?.(1);
  if (!stats) throw new VoipKitError('invalid_argument', 'no packet reached the receiver: the network lost everything');
  let audio: Int16Array | undefined;
  if (o.keepAudio) {
    audio = new Int16Array(out.reduce((a, b) => a + b.length, 0));
    let off = 0;
    for (const f of out) {
      audio.set(f, off);
      off += f.length;
    }
  }
  const replay: ReplayResult = { log, ops, stats, audio, silent };
  const network = model.stats();

  // one entry per packet sent (duplicates share a row group: same seq and send time)
  const packets: ReportPacket[] = [];
  let prevKey = '';
  rows.forEach((r, i) => {
    const key = `${r.seq}/${r.sendMs}`;
    const play = replay.log[i].playMs;
    if (key === prevKey) {
      const p = packets[packets.length - 1];
      if (r.arrivalMs !== null && (p.arrivalMs === null || r.arrivalMs < p.arrivalMs)) p.arrivalMs = r.arrivalMs;
      if (play !== null && (p.playMs === null || play < p.playMs)) p.playMs = play;
      return;
    }
    prevKey = key;
    packets.push({ seq: r.seq, sendMs: r.sendMs, arrivalMs: r.arrivalMs, playMs: play });
  });

  const n = packets.length;
  const owd = packets.filter((p) => p.arrivalMs !== null).map((p) => (p.arrivalMs as number) - p.sendMs);
  const e2e = packets.filter((p) => p.playMs !== null).map((p) => (p.playMs as number) - p.sendMs);
  const lost = packets.filter((p) => p.arrivalMs === null).length;
  const late = packets.filter((p) => p.arrivalMs !== null && p.playMs === null).length;
  const owdS = owd.slice().sort((a, b) => a - b);
  const e2eS = e2e.slice().sort((a, b) => a - b);
  const e2eMean = mean(e2e);
  const Ta = e2eMean + PTIME_MS + DEVICE_DELAY_MS;
  const Ppl = (100 * (lost + late)) / Math.max(1, n);
  const BurstR = burstRatio(packets.map((p) => p.playMs === null));
  const imp = codecImpairment(codec, true);
  const em = eModel({ Ta, T: Ta, Tr: 2 * Ta, Ie: imp.Ie, Bpl: imp.Bpl, Ppl, BurstR });
  const st = replay.stats;
  return {
    rows,
    replay,
    network,
    frames,
    packets,
    stats: st,
    quality: {
      packets: n,
      networkLossPct: (100 * lost) / Math.max(1, n),
      lateLossPct: (100 * late) / Math.max(1, n),
      concealmentPct: 100 * st.expandRate,
      networkDelayMeanMs: mean(owd),
      networkDelayP95Ms: pct(owdS, 0.95),
      e2eMeanMs: e2eMean,
      e2eP95Ms: pct(e2eS, 0.95),
      mouthToEarMs: Ta,
      burstR: BurstR,
      emodel: {
        ...em,
        Ta,
        Ppl,
        BurstR,
        Ie: imp.Ie,
        Bpl: imp.Bpl,
        source: imp.source,
        assumptions: `Ta = mean send→play delay + ${PTIME_MS} ms packetisation + ${DEVICE_DELAY_MS} ms codec/device; echo path T = Ta and Tr = 2·Ta with G.107 default echo losses (TELR 65 dB, WEPL 110 dB); Ppl = network + late loss; other parameters at their G.107 Table 3 defaults`,
      },
    },
  };
}
