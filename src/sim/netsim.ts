/**
 * The simulation run: an RTP stream of G.711 packets (20 ms each) through the
 * network model (src/sim/network), then through the real jitter buffer with
 * the trace replay's playout model (src/sim/trace.ts `replayTrace`), and the
 * listener-quality figures of the result: mouth-to-ear delay, loss after the
 * buffer, concealment and the full ITU-T G.107 E-model.
 */
import { VoipKitError } from '../errors.js';
import type { VoipKit } from '../index.js';
import type { JitterStats } from '../jitter/jitter-buffer.js';
import { simulateTrace, type NetworkConfig, type NetworkStats } from './network/index.js';
import { replayTrace, type ReplayOptions, type ReplayResult, type TraceRow } from './trace.js';
import { burstRatio, codecImpairment, eModel, type EModelResult } from './emodel.js';
import type { ReportFrame, ReportPacket } from './report/html.js';

/** Packet interval of the simulated stream, ms. */
export const PTIME_MS = 20;
/** Bytes on the wire per packet: IPv4 20 + UDP 8 + RTP 12 + 160 bytes of G.711. */
export const PACKET_BYTES = 200;
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

/**
 * The send path's noise suppression: the whole 8 kHz signal through voipkit's
 * suppressor (10 ms frames; a final partial frame is zero-padded and cut back).
 * @param strength 0..1 (NoiseSuppressorOptions.strength).
 */
export function suppressNoise(kit: VoipKit, pcm: Int16Array, strength: number): Int16Array {
  const ns = kit.createNoiseSuppressor({ sampleRate: 8000, strength });
  try {
    const n = Math.ceil(pcm.length / 80) * 80;
    const buf = new Int16Array(n + 80);
    buf.set(pcm);
    const out = ns.process(buf);
    // the suppressor delays by one 10 ms frame: drop it so the timing is unchanged
    return out.slice(80, 80 + pcm.length);
  } finally {
    ns.close();
  }
}

/** Run one simulated call. */
export function runNetSim(kit: VoipKit, o: NetSimOptions): NetSimResult {
  const codec = o.codec ?? 'pcmu';
  if (codec !== 'pcmu' && codec !== 'pcma') throw new VoipKitError('invalid_argument', `codec must be pcmu or pcma, got ${String(codec)}`);
  const durationMs = o.durationMs ?? (o.audio ? Math.floor(o.audio.length / 160) * PTIME_MS : 60_000);
  if (!(durationMs >= PTIME_MS)) throw new VoipKitError('invalid_argument', `the call must last at least ${PTIME_MS} ms, got ${durationMs} ms`);
  const sim = simulateTrace(o.network, { seed: o.seed ?? 1, durationMs, ptimeMs: PTIME_MS, bytes: PACKET_BYTES, clockRate: 8000 });
  // times at the trace format's resolution (10 µs), so that the exported trace replays exactly this call
  const q = (t: number): number => Math.round(t * 100) / 100;
  const rows: TraceRow[] = sim.rows.map((r) => ({ seq: r.seq, ts: r.rtpTimestamp, sendMs: q(r.sendMs), arrivalMs: r.arrivalMs === null ? null : q(r.arrivalMs) }));

  const frames: ReportFrame[] = [];
  const lastArrival = rows.reduce((m, r) => (r.arrivalMs !== null && r.arrivalMs > m ? r.arrivalMs : m), 0);
  const firstArrival = rows.reduce((m, r) => (r.arrivalMs !== null && r.arrivalMs < m ? r.arrivalMs : m), Infinity);
  const span = Math.max(1, lastArrival - (Number.isFinite(firstArrival) ? firstArrival : 0));
  let lastReported = -1;
  const replay = replayTrace(kit, rows, {
    codec,
    audio: o.audio,
    keepAudio: o.keepAudio,
    jitter: o.jitter,
    onPoll: (tick, res, jb) => {
      const st = jb.stats();
      frames.push({
        tMs: tick,
        targetDelayMs: st.targetDelayMs,
        currentDelayMs: st.currentDelayMs,
        bufferedMs: st.bufferedMs,
        concealed: res.op === 'expand' || res.op === 'cng' || res.concealedSeq !== null,
      });
      if (o.onProgress) {
        const f = Math.min(1, (tick - firstArrival) / span);
        if (f - lastReported >= 0.01) {
          lastReported = f;
          o.onProgress(f);
        }
      }
    },
  });
  o.onProgress?.(1);

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
    network: sim.stats,
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
