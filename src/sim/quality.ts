/**
 * Listener-quality figures of a call, from what happened to each packet:
 * network and send→play delay, loss in the network and after the buffer,
 * concealment, mouth-to-ear delay and the full ITU-T G.107 E-model with the
 * codec's Ie and Bpl and their sources.  One builder for every source of
 * packets: a simulated call (src/sim/netsim.ts), a capture replay and a trace
 * replay (src/cli/netsim.ts, src/cli/sim.ts).
 */
import type { PlayoutEntry, TraceRow } from './trace.js';
import type { ReportPacket } from './report/html.js';
import { burstRatio, eModel, type CodecImpairment, type EModelResult } from './emodel.js';

/**
 * Added to the network + buffer delay to get the mouth-to-ear delay Ta of the
 * E-model: one packet time of packetisation plus 5 ms for codec and device
 * (for 20 ms packets this is the 25 ms the shared jitter traces' README uses).
 */
export const DEVICE_DELAY_MS = 5;

/** Listener-quality figures of one run. */
export interface QualityFigures {
  /** Audio packets sent (comfort-noise packets are not counted). */
  packets: number;
  /** Lost in the network (no copy arrived), % of sent. */
  networkLossPct: number;
  /** Arrived but never played (too late), % of sent. */
  lateLossPct: number;
  /** Share of played audio made by concealment, %. */
  concealmentPct: number;
  /** Lost or late packets whose audio was rebuilt from in-band FEC (Opus LBRR in the next packet); not counted in Ppl. */
  fecRecovered: number;
  /** Network one-way delay over arrived packets, ms. */
  networkDelayMeanMs: number;
  networkDelayP95Ms: number;
  /** Send → played over played packets, ms (network + jitter buffer). */
  e2eMeanMs: number;
  e2eP95Ms: number;
  /** Mouth-to-ear delay Ta = e2e mean + ptime + DEVICE_DELAY_MS, ms. */
  mouthToEarMs: number;
  /** G.107 burst ratio of the loss after the buffer (network + late, less FEC-recovered). */
  burstR: number;
  /** The E-model inputs and result. */
  emodel: EModelResult & { Ta: number; Ppl: number; BurstR: number; Ie: number; Bpl: number; source: string; assumptions: string };
}

/** A packet of the report, with whether in-band FEC rebuilt it when it was lost or late. */
export interface QualityPacket extends ReportPacket {
  fec?: boolean;
}

export interface QualityInput {
  /** One entry per audio packet sent, in send order. */
  packets: readonly QualityPacket[];
  /** Share of played audio made by concealment, %. */
  concealmentPct: number;
  /** The codec's Ie and Bpl with their source. */
  impairment: CodecImpairment;
  /** Packet time, ms (packetisation delay in Ta). */
  ptimeMs: number;
  /** Said before the standard assumptions (e.g. how a capture's clocks were aligned). */
  note?: string;
}

function pct(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}
const mean = (a: number[]): number => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : 0);

/**
 * One report packet per packet sent from trace rows and their playout log:
 * copies of a packet (same sequence number and send time, duplicated by the
 * network) are one packet with the earliest arrival and play times.
 */
export function packetsFromRows(rows: readonly TraceRow[], log: readonly PlayoutEntry[]): ReportPacket[] {
  const packets: ReportPacket[] = [];
  const index = new Map<string, number>();
  rows.forEach((r, i) => {
    const key = `${r.seq}/${r.sendMs}`;
    const play = log[i].playMs;
    const at = index.get(key);
    if (at !== undefined) {
      const p = packets[at];
      if (r.arrivalMs !== null && (p.arrivalMs === null || r.arrivalMs < p.arrivalMs)) p.arrivalMs = r.arrivalMs;
      if (play !== null && (p.playMs === null || play < p.playMs)) p.playMs = play;
      return;
    }
    index.set(key, packets.length);
    packets.push({ seq: r.seq, sendMs: r.sendMs, arrivalMs: r.arrivalMs, playMs: play });
  });
  return packets;
}

/**
 * The listener-quality figures: Ta = mean send→play delay + ptime + 5 ms,
 * echo path T = Ta and Tr = 2·Ta, Ppl = network + late loss less what FEC
 * rebuilt, BurstR from the same pattern, the codec's Ie and Bpl.
 */
export function listenerQuality(i: QualityInput): QualityFigures {
  const pk = i.packets;
  const n = pk.length;
  const owd = pk.filter((p) => p.arrivalMs !== null).map((p) => (p.arrivalMs as number) - p.sendMs);
  const e2e = pk.filter((p) => p.playMs !== null).map((p) => (p.playMs as number) - p.sendMs);
  const lost = pk.filter((p) => p.arrivalMs === null).length;
  const late = pk.filter((p) => p.arrivalMs !== null && p.playMs === null).length;
  const missing = pk.map((p) => p.playMs === null && !p.fec);
  const fecRecovered = pk.filter((p) => p.playMs === null && p.fec).length;
  const owdS = owd.slice().sort((a, b) => a - b);
  const e2eS = e2e.slice().sort((a, b) => a - b);
  const e2eMean = mean(e2e);
  const Ta = e2eMean + i.ptimeMs + DEVICE_DELAY_MS;
  const Ppl = (100 * missing.filter(Boolean).length) / Math.max(1, n);
  const BurstR = burstRatio(missing);
  const imp = i.impairment;
  const em = eModel({ Ta, T: Ta, Tr: 2 * Ta, Ie: imp.Ie, Bpl: imp.Bpl, Ppl, BurstR });
  return {
    packets: n,
    networkLossPct: (100 * lost) / Math.max(1, n),
    lateLossPct: (100 * late) / Math.max(1, n),
    concealmentPct: i.concealmentPct,
    fecRecovered,
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
      assumptions:
        (i.note ? `${i.note}; ` : '') +
        `Ta = mean send→play delay + ${i.ptimeMs} ms packetisation + ${DEVICE_DELAY_MS} ms codec/device; echo path T = Ta and Tr = 2·Ta with G.107 default echo losses (TELR 65 dB, WEPL 110 dB); Ppl = network + late loss, less packets rebuilt from in-band FEC; other parameters at their G.107 Table 3 defaults`,
    },
  };
}
