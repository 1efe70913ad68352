/**
 * Simulated RTP streams as traces, in the CSV format of the shared jitter
 * traces: `seq,rtp_timestamp,send_ms,arrival_ms`, a row per packet sent,
 * arrival empty when the packet was lost.  A duplicated packet gets one row
 * per copy that arrived (same seq, timestamp and send time).
 */
import { VoipKitError } from '../../errors.js';
import { Stream, Xoshiro128, checkSeed } from '../prng.js';
import { simulateNetwork, type NetworkConfig, type NetworkStats } from './model.js';

/** One trace row. Times in ms; arrivalMs null when lost. */
export interface TraceRow {
  seq: number;
  rtpTimestamp: number;
  sendMs: number;
  arrivalMs: number | null;
}

/** Options of {@link simulateTrace}. */
export interface SimulateTraceOptions {
  /** PRNG seed (32-bit unsigned). Default 1. */
  seed?: number;
  /** Length of the stream in ms. Default 60000. */
  durationMs?: number;
  /** Packet interval in ms. Default 20. */
  ptimeMs?: number;
  /** RTP clock rate in Hz. Default 8000. */
  clockRate?: number;
  /** Size of each packet on the wire in bytes (IP + UDP + RTP + payload). Default 200 (G.711, 20 ms). */
  bytes?: number;
  /** First sequence number; default drawn from the seed, as a real sender would. */
  firstSeq?: number;
  /** First RTP timestamp; default drawn from the seed. */
  firstTimestamp?: number;
}

/** Run an RTP stream of fixed-size packets through the network model. */
export function simulateTrace(config: NetworkConfig, options: SimulateTraceOptions = {}): { rows: TraceRow[]; stats: NetworkStats } {
  const seed = checkSeed(options.seed ?? 1);
  const durationMs = options.durationMs ?? 60_000;
  const ptimeMs = options.ptimeMs ?? 20;
  const clockRate = options.clockRate ?? 8000;
  const bytes = options.bytes ?? 200;
  if (!(durationMs > 0 && durationMs <= 86_400_000)) throw new VoipKitError('invalid_argument', `durationMs must be in (0, 86400000], got ${durationMs}`);
  if (!(ptimeMs > 0)) throw new VoipKitError('invalid_argument', `ptimeMs must be positive, got ${ptimeMs}`);
  const src = new Xoshiro128(seed, Stream.Source);
  const seq0 = options.firstSeq ?? (src.nextU32() & 0xffff);
  const ts0 = options.firstTimestamp ?? src.nextU32();
  const step = Math.round((clockRate * ptimeMs) / 1000);
  const n = Math.floor(durationMs / ptimeMs);
  const pk = Array.from({ length: n }, (_, i) => ({ sendMs: i * ptimeMs, bytes }));
  const sim = simulateNetwork(config, seed, pk);
  const rows: TraceRow[] = [];
  sim.packets.forEach((p, i) => {
    const seq = (seq0 + i) & 0xffff;
    const rtpTimestamp = (ts0 + i * step) >>> 0;
    if (p.arrivals.length === 0) rows.push({ seq, rtpTimestamp, sendMs: p.sendMs, arrivalMs: null });
    for (const a of [...p.arrivals].sort((x, y) => x - y)) rows.push({ seq, rtpTimestamp, sendMs: p.sendMs, arrivalMs: a });
  });
  return { rows, stats: sim.stats };
}

/** Format rows as the shared-trace CSV (times with two decimals, as those files have them). */
export function formatTrace(rows: readonly TraceRow[]): string {
  const out = ['seq,rtp_timestamp,send_ms,arrival_ms'];
  for (const r of rows) out.push(`${r.seq},${r.rtpTimestamp},${r.sendMs.toFixed(2)},${r.arrivalMs === null ? '' : r.arrivalMs.toFixed(2)}`);
  return out.join('\n') + '\n';
}
