/**
 * Trace replay: the format of a recorded or simulated network trace, the
 * playout model that replays it through a jitter buffer, and the metrics of
 * the report (end-to-end delay, late loss, concealment and the ITU-T G.107
 * E-model R, simplified for G.711 with loss concealment).
 *
 * Trace CSV, one row per packet sent (20 ms of G.711 at 8 kHz each):
 *   seq,rtp_timestamp,send_ms,arrival_ms
 * with arrival_ms empty for a packet that was lost.  send_ms serves the
 * metrics only: the buffer sees arrival times and RTP headers.
 *
 * Playout model: a playout clock ticks every ptime (20 ms) from the earliest
 * arrival; before each tick every packet that arrived at or before the tick
 * is pushed, in arrival order; then the buffer is polled for the next frame.
 * A packet's play time is the time its first sample is played.
 */
import { VoipKitError } from '../errors.js';
import type { VoipKit } from '../index.js';
import type { JitterBuffer, JitterBufferOptions, JitterOp, JitterStats, PollResult } from '../jitter/jitter-buffer.js';
import { speechLike } from './speech.js';

export interface TraceRow {
  /** 16-bit RTP sequence number. */
  seq: number;
  /** 32-bit RTP timestamp. */
  ts: number;
  /** Sender clock, ms (for the metrics only). */
  sendMs: number;
  /** Receiver clock, ms; null when the packet was lost. */
  arrivalMs: number | null;
}

function traceError(source: string, line: number, msg: string): never {
  throw new VoipKitError('invalid_argument', `${source}:${line}: ${msg}`);
}

/**
 * Parse a trace CSV.
 * @throws VoipKitError `invalid_argument` naming the line and what is wrong.
 */
export function parseTrace(text: string, source = 'trace'): TraceRow[] {
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (i >= lines.length) traceError(source, 1, 'empty trace (expected a header seq,rtp_timestamp,send_ms,arrival_ms)');
  const header = lines[i].trim().split(',').map((h) => h.trim());
  const want = ['seq', 'rtp_timestamp', 'send_ms', 'arrival_ms'];
  if (header.length !== 4 || header.some((h, k) => h !== want[k])) {
    traceError(source, i + 1, `header must be ${want.join(',')}, got ${JSON.stringify(lines[i].trim().slice(0, 80))}`);
  }
  const rows: TraceRow[] = [];
  for (i++; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    const f = raw.split(',');
    if (f.length !== 4) traceError(source, i + 1, `expected 4 fields, got ${f.length}`);
    const num = (s: string, what: string): number => {
      const t = s.trim();
      const v = Number(t);
      if (t === '' || !Number.isFinite(v)) traceError(source, i + 1, `${what} is not a number: ${JSON.stringify(t)}`);
      return v;
    };
    const seq = num(f[0], 'seq');
    if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff) traceError(source, i + 1, `seq must be an integer in 0..65535, got ${f[0].trim()}`);
    const ts = num(f[1], 'rtp_timestamp');
    if (!Number.isInteger(ts) || ts < 0 || ts > 0xffffffff) traceError(source, i + 1, `rtp_timestamp must be an integer in 0..4294967295, got ${f[1].trim()}`);
    const sendMs = num(f[2], 'send_ms');
    const arrivalMs = f[3].trim() === '' ? null : num(f[3], 'arrival_ms');
    rows.push({ seq, ts, sendMs, arrivalMs });
  }
  if (rows.length === 0) traceError(source, i, 'the trace has no packets');
  return rows;
}

/** The trace as CSV text (the inverse of parseTrace). */
export function formatTrace(rows: TraceRow[]): string {
  const out = ['seq,rtp_timestamp,send_ms,arrival_ms'];
  for (const r of rows) out.push(`${r.seq},${r.ts},${r.sendMs.toFixed(2)},${r.arrivalMs === null ? '' : r.arrivalMs.toFixed(2)}`);
  return out.join('\n') + '\n';
}

/**
 * A built-in trace for `voipkit sim` without --trace: 60 s of 20 ms packets
 * over a path of 40 ms with gamma-like jitter (mean 8 ms), 1 % random loss
 * and one 300 ms stall, from a seeded generator.
 */
export function defaultTrace(seed = 7, seconds = 60): TraceRow[] {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  const n = Math.round((seconds * 1000) / 20);
  const rows: TraceRow[] = [];
  let seq = 65000;
  let ts = 123456789;
  let lastArrival = 0;
  for (let i = 0; i < n; i++) {
    const send = i * 20;
    // sum of three exponentials: a gamma(3) jitter with mean 8 ms
    const jit = -Math.log(1 - rnd()) * 2.67 - Math.log(1 - rnd()) * 2.67 - Math.log(1 - rnd()) * 2.67;
    let arr = send + 40 + jit;
    if (send >= 30000 && send < 30300) arr = Math.max(arr, 30300 + 40);
    arr = Math.max(arr, lastArrival); // FIFO path
    const lost = rnd() < 0.01;
    if (!lost) lastArrival = arr;
    rows.push({ seq, ts: ts >>> 0, sendMs: send, arrivalMs: lost ? null : Math.round(arr * 100) / 100 });
    seq = (seq + 1) & 0xffff;
    ts = (ts + 160) >>> 0;
  }
  return rows;
}

export interface ReplayOptions {
  /** Payload codec. Default 'pcmu'. */
  codec?: 'pcmu' | 'pcma';
  /** Audio to send, 8 kHz mono (looped). Default: the built-in speech-like signal. */
  audio?: Int16Array;
  /** Keep the played audio (for --out). Default false. */
  keepAudio?: boolean;
  /** Options for the jitter buffer (clockRate and codec are set by the replay). */
  jitter?: Omit<JitterBufferOptions, 'clockRate' | 'codec'>;
  /** Poll this long after the last arrival, ms. Default 3000. */
  tailMs?: number;
  /** RTP packets to push instead of packets made from `audio`: one per row, in row order (a capture's own packets). */
  packets?: Uint8Array[];
  /** Called after every poll with the tick time (ms), the poll's result and the buffer (for stats()); for reports and progress. */
  onPoll?: (tickMs: number, res: PollResult, jb: JitterBuffer) => void;
}

export interface PlayoutEntry {
  seq: number;
  /** Playout-clock time of the packet's first sample, or null if it never played. */
  playMs: number | null;
}

export interface ReplayResult {
  /** One entry per trace row, in trace order. */
  log: PlayoutEntry[];
  /** Frames per operation. */
  ops: Record<JitterOp, number>;
  stats: JitterStats;
  /** The played audio when keepAudio was set. */
  audio?: Int16Array;
  /** For each trace row: was its source audio silent (RMS below -40 dBov)? */
  silent: boolean[];
}

const RATE = 8000;
const SAMPLES = 160;
const SILENCE_RMS = 300;

function rtpPacket(pt: number, row: TraceRow, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  p[0] = 0x80;
  p[1] = pt;
  p[2] = row.seq >> 8;
  p[3] = row.seq & 0xff;
  p[4] = row.ts >>> 24;
  p[5] = (row.ts >>> 16) & 0xff;
  p[6] = (row.ts >>> 8) & 0xff;
  p[7] = row.ts & 0xff;
  p[8] = 0x12; p[9] = 0x34; p[10] = 0x56; p[11] = 0x78;
  p.set(payload, 12);
  return p;
}

/** Replay a trace through a voipkit jitter buffer with the playout model above. */
export function replayTrace(kit: VoipKit, rows: TraceRow[], options: ReplayOptions = {}): ReplayResult {
  const codec = options.codec ?? 'pcmu';
  const pt = codec === 'pcma' ? 8 : 0;
  const src = options.audio && options.audio.length >= SAMPLES ? options.audio : speechLike(RATE * 60, 1);
  const frame = new Int16Array(SAMPLES);
  const packets: Uint8Array[] = [];
  const silent: boolean[] = [];
  if (options.packets && options.packets.length !== rows.length) {
    throw new VoipKitError('invalid_argument', `replayTrace: ${options.packets.length} packets for ${rows.length} rows`);
  }
  for (let i = 0; i < rows.length; i++) {
    let e = 0;
    const given = options.packets?.[i];
    if (given) {
      const pcm = given.length > 12 ? kit.g711.decode(codec, given.subarray(12)) : new Int16Array(0);
      for (const v of pcm) e += v * v;
      silent.push(Math.sqrt(e / Math.max(1, pcm.length)) < SILENCE_RMS);
      packets.push(given);
      continue;
    }
    for (let k = 0; k < SAMPLES; k++) {
      const v = src[(i * SAMPLES + k) % src.length];
      frame[k] = v;
      e += v * v;
    }
    silent.push(Math.sqrt(e / SAMPLES) < SILENCE_RMS);
    packets.push(rtpPacket(pt, rows[i], kit.g711.encode(codec, frame)));
  }
  const order = rows.map((r, i) => i).filter((i) => rows[i].arrivalMs !== null);
  order.sort((a, b) => (rows[a].arrivalMs as number) - (rows[b].arrivalMs as number) || a - b);
  const log: PlayoutEntry[] = rows.map((r) => ({ seq: r.seq, playMs: null }));
  // sequence number -> trace rows not yet played, in trace order
  const bySeq = new Map<number, number[]>();
  rows.forEach((r, i) => {
    const l = bySeq.get(r.seq);
    if (l) l.push(i); else bySeq.set(r.seq, [i]);
  });
  const ops: Record<JitterOp, number> = { normal: 0, expand: 0, merge: 0, accelerate: 0, 'preemptive-expand': 0, cng: 0 };
  const ptime = options.jitter?.ptimeMs ?? 20;
  const jb = kit.createJitterBuffer({ ...options.jitter, clockRate: RATE, codec });
  const out: Int16Array[] = [];
  try {
    if (order.length === 0) {
      return { log, ops, stats: jb.stats(), silent, audio: options.keepAudio ? new Int16Array(0) : undefined };
    }
    const t0 = rows[order[0]].arrivalMs as number;
    const tEnd = (rows[order[order.length - 1]].arrivalMs as number) + (options.tailMs ?? 3000);
    const pcm = new Int16Array((RATE / 1000) * ptime);
    let k = 0;
    for (let tick = t0; tick <= tEnd; tick += ptime) {
      while (k < order.length && (rows[order[k]].arrivalMs as number) <= tick) {
        const i = order[k++];
        jb.push(packets[i], rows[i].arrivalMs as number);
      }
      const res = jb.poll(tick, pcm);
      options.onPoll?.(tick, res, jb);
      ops[res.op]++;
      for (const p of res.packets) {
        const l = bySeq.get(p.seq);
        if (!l || l.length === 0) continue;
        const i = l.shift() as number;
        log[i].playMs = tick + (p.offset * 1000) / RATE;
      }
      if (options.keepAudio) out.push(pcm.slice());
      // everything pushed and played out: stop (no waiting on an empty buffer at the end)
      if (k >= order.length) {
        const st = jb.stats();
        if (st.bufferedPackets === 0 && st.bufferedMs === 0) break;
      }
    }
    let audio: Int16Array | undefined;
    if (options.keepAudio) {
      audio = new Int16Array(out.reduce((a, b) => a + b.length, 0));
      let o = 0;
      for (const f of out) { audio.set(f, o); o += f.length; }
    }
    return { log, ops, stats: jb.stats(), audio, silent };
  } finally {
    jb.close();
  }
}

export interface TraceMetrics {
  packets: number;
  /** Mean and 95th percentile of play - send over played packets, ms. */
  e2eMeanMs: number;
  e2eP95Ms: number;
  /** Mean of play - arrival over played packets, ms. */
  bufferDelayMeanMs: number;
  /** Lost in the network, % of sent. */
  networkLossPct: number;
  /** Arrived but never played, % of sent. */
  latePct: number;
  /** Packets that arrived but were never played, and of those not silent. */
  droppedWhole: number;
  droppedWholeVoiced: number;
  /** E-model R (README of the traces): 93.2 - Id - Ie,eff. */
  R: number;
}

/** The simplified ITU-T G.107 E-model for G.711 with concealment. */
export function eModelR(e2eMeanMs: number, pplPct: number): number {
  const ta = e2eMeanMs + 25;
  const id = 0.024 * ta + (ta > 177.3 ? 0.11 * (ta - 177.3) : 0);
  const ie = (95 * pplPct) / (pplPct + 25.1);
  return 93.2 - id - ie;
}

/** Metrics of a playout log against its trace. */
export function traceMetrics(rows: TraceRow[], log: PlayoutEntry[], silent?: boolean[]): TraceMetrics {
  if (log.length !== rows.length) throw new VoipKitError('invalid_argument', `playout log has ${log.length} rows, the trace ${rows.length}`);
  const e2e: number[] = [];
  let buf = 0, lost = 0, late = 0, lateVoiced = 0;
  rows.forEach((r, i) => {
    const play = log[i].playMs;
    if (r.arrivalMs === null) { lost++; return; }
    if (play === null) {
      late++;
      if (silent && !silent[i]) lateVoiced++;
      return;
    }
    e2e.push(play - r.sendMs);
    buf += play - r.arrivalMs;
  });
  const n = rows.length;
  const sorted = e2e.slice().sort((a, b) => a - b);
  const mean = e2e.length ? e2e.reduce((a, b) => a + b, 0) / e2e.length : 0;
  const p95 = sorted.length ? sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] : 0;
  const networkLossPct = (100 * lost) / n;
  const latePct = (100 * late) / n;
  return {
    packets: n,
    e2eMeanMs: mean,
    e2eP95Ms: p95,
    bufferDelayMeanMs: e2e.length ? buf / e2e.length : 0,
    networkLossPct,
    latePct,
    droppedWhole: late,
    droppedWholeVoiced: lateVoiced,
    R: eModelR(mean, networkLossPct + latePct),
  };
}

/** The playout log as CSV: seq,play_ms (empty when never played), in trace order. */
export function formatPlayoutLog(log: PlayoutEntry[]): string {
  const out = ['seq,play_ms'];
  for (const e of log) out.push(`${e.seq},${e.playMs === null ? '' : e.playMs.toFixed(3)}`);
  return out.join('\n') + '\n';
}
