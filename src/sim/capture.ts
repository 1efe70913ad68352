/**
 * A captured RTP stream as a replayable trace: one row per packet the sender
 * sent (gaps in the sequence become lost rows), the capture's own packets to
 * push, arrival times from the capture clock.
 *
 * A capture taken at the receiver knows arrival times but not send times: the
 * send time of each packet is taken from its RTP timestamp (8 kHz clock for
 * G.711), and both clocks are aligned so that the fastest packet has a
 * one-way delay of 0.  Delays in the report are therefore relative to the
 * fastest packet, which is also all a jitter buffer can know.
 */
import { VoipKitError } from '../errors.js';
import type { CapturedRtp } from './pcap.js';
import type { TraceRow } from './trace.js';

/** Largest sequence gap filled with lost rows. */
export const MAX_GAP = 3000;

export interface CaptureTrace {
  rows: TraceRow[];
  /** RTP packet per row (empty for a lost row). */
  packets: Uint8Array[];
  codec: 'pcmu' | 'pcma';
  ssrc: number;
  /** Packets received (including duplicates), and sequence numbers never seen. */
  received: number;
  missing: number;
}

/**
 * Turn one SSRC's packets (capture order) into a trace.
 * @throws VoipKitError `invalid_argument` for a payload type other than PCMU/PCMA, mixed payload types, or a sequence jump above MAX_GAP.
 */
export function captureToTrace(stream: readonly CapturedRtp[]): CaptureTrace {
  if (stream.length === 0) throw new VoipKitError('invalid_argument', 'pcap: the stream has no packets');
  const pt = stream[0].payloadType;
  if (pt !== 0 && pt !== 8) throw new VoipKitError('invalid_argument', `pcap: payload type ${pt} cannot be replayed (PCMU 0 and PCMA 8 can)`);
  if (stream.some((p) => p.payloadType !== pt)) throw new VoipKitError('invalid_argument', 'pcap: the stream changes payload type; only one G.711 payload type per stream can be replayed');
  // unwrap sequence numbers and timestamps against the previous packet in capture order
  const ext: { seq: number; ts: number; p: CapturedRtp }[] = [];
  let prevSeq = stream[0].seq;
  let prevTs = stream[0].timestamp;
  let eSeq = stream[0].seq;
  let eTs = stream[0].timestamp;
  for (const p of stream) {
    const ds = ((p.seq - prevSeq + 0x8000) & 0xffff) - 0x8000;
    const dt = (((p.timestamp - prevTs) | 0) as number);
    eSeq += ds;
    eTs += dt;
    prevSeq = p.seq;
    prevTs = p.timestamp;
    ext.push({ seq: eSeq, ts: eTs, p });
  }
  const byExt = new Map<number, { ts: number; p: CapturedRtp }[]>();
  for (const e of ext) {
    const l = byExt.get(e.seq);
    if (l) l.push(e);
    else byExt.set(e.seq, [e]);
  }
  const seqs = [...byExt.keys()].sort((a, b) => a - b);
  for (let k = 1; k < seqs.length; k++) {
    if (seqs[k] - seqs[k - 1] > MAX_GAP) throw new VoipKitError('invalid_argument', `pcap: sequence jumps by ${seqs[k] - seqs[k - 1]} (a restarted stream?); at most ${MAX_GAP} missing packets are filled`);
  }
  const first = seqs[0];
  const last = seqs[seqs.length - 1];
  // timestamp of a missing packet: interpolated between its received neighbours
  const tsOf = (s: number): number => {
    const l = byExt.get(s);
    if (l) return l[0].ts;
    let a = s - 1;
    while (!byExt.has(a)) a--;
    let b = s + 1;
    while (!byExt.has(b)) b++;
    const ta = byExt.get(a)![0].ts;
    const tb = byExt.get(b)![0].ts;
    return Math.round(ta + ((tb - ta) * (s - a)) / (b - a));
  };
  const ts0 = tsOf(first);
  const rowsRaw: { seq: number; ts: number; sendMs: number; timeMs: number | null; rtp: Uint8Array }[] = [];
  let missing = 0;
  for (let s = first; s <= last; s++) {
    const ts = tsOf(s);
    const sendMs = (ts - ts0) / 8;
    const l = byExt.get(s);
    if (!l) {
      missing++;
      rowsRaw.push({ seq: s & 0xffff, ts: ts >>> 0, sendMs, timeMs: null, rtp: new Uint8Array(0) });
      continue;
    }
    for (const e of l) rowsRaw.push({ seq: s & 0xffff, ts: ((ts % 4294967296) + 4294967296) % 4294967296, sendMs, timeMs: e.p.timeMs, rtp: e.p.rtp });
  }
  let offset = Infinity;
  for (const r of rowsRaw) if (r.timeMs !== null) offset = Math.min(offset, r.timeMs - r.sendMs);
  return {
    rows: rowsRaw.map((r) => ({ seq: r.seq, ts: r.ts, sendMs: r.sendMs, arrivalMs: r.timeMs === null ? null : r.timeMs - offset })),
    packets: rowsRaw.map((r) => r.rtp),
    codec: pt === 0 ? 'pcmu' : 'pcma',
    ssrc: stream[0].ssrc,
    received: stream.length,
    missing,
  };
}
