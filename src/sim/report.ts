/**
 * The simulation report: metrics of a replay (src/sim/trace.ts) with the
 * buffer's statistics, as JSON-ready data and as a few lines of text.
 */
import type { JitterOp, JitterStats } from '../jitter/jitter-buffer.js';
import type { ReplayResult, TraceMetrics, TraceRow } from './trace.js';
import { traceMetrics } from './trace.js';

export interface SimReport {
  trace: string;
  codec: 'pcmu' | 'pcma';
  backend: string;
  packets: number;
  durationS: number;
  metrics: TraceMetrics & {
    /** Share of output frames made by concealment (expand), %. */
    concealmentPct: number;
    /** Concealment frames played while waiting for a late packet (the delay grew by insertion), and of those not silent. */
    framesInsertedWhole: number;
    framesInsertedWholeVoiced: number;
  };
  ops: Record<JitterOp, number>;
  stats: JitterStats;
}

export function buildReport(name: string, codec: 'pcmu' | 'pcma', backend: string, rows: TraceRow[], r: ReplayResult): SimReport {
  const m = traceMetrics(rows, r.log, r.silent);
  const sends = rows.map((x) => x.sendMs);
  return {
    trace: name,
    codec,
    backend,
    packets: rows.length,
    durationS: (Math.max(...sends) - Math.min(...sends) + 20) / 1000,
    metrics: {
      ...m,
      concealmentPct: 100 * r.stats.expandRate,
      framesInsertedWhole: r.stats.insertedWhole,
      framesInsertedWholeVoiced: r.stats.insertedWholeVoiced,
    },
    ops: r.ops,
    stats: r.stats,
  };
}

export function formatReport(rep: SimReport): string {
  const m = rep.metrics;
  const s = rep.stats;
  return [
    `trace ${rep.trace}: ${rep.packets} packets, ${rep.durationS.toFixed(1)} s, ${rep.codec}, ${rep.backend} backend`,
    `e2e delay   mean ${m.e2eMeanMs.toFixed(1)} ms, p95 ${m.e2eP95Ms.toFixed(1)} ms (buffer mean ${m.bufferDelayMeanMs.toFixed(1)} ms)`,
    `loss        network ${m.networkLossPct.toFixed(2)} %, late ${m.latePct.toFixed(2)} %, concealment ${m.concealmentPct.toFixed(2)} %`,
    `E-model     R ${m.R.toFixed(2)}`,
    `whole frames dropped ${m.droppedWhole} (${m.droppedWholeVoiced} not silent), inserted ${m.framesInsertedWhole} (${m.framesInsertedWholeVoiced} not silent)`,
    `buffer      accelerate ${(100 * s.accelerateRate).toFixed(2)} %, preemptive ${(100 * s.preemptiveRate).toFixed(2)} %, expand ${(100 * s.expandRate).toFixed(2)} %, cng ${(100 * s.cngRate).toFixed(2)} %, jitter ${s.jitterMs.toFixed(1)} ms`,
    `            late ${s.late}, duplicate ${s.duplicate}, out of order ${s.outOfOrder}, overflow ${s.overflow}, lost ${s.lost}, merges ${s.merges}`,
  ].join('\n');
}
