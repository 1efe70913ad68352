/**
 * Parameter sweeps: a grid of simulated calls over two network parameters
 * (loss × jitter by default), run across worker threads, each cell reduced to
 * its E-model R and MOS.  Every cell uses the same seed, so neighbouring
 * cells differ by their parameters only (common random numbers).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { VoipKitError } from '../errors.js';
import type { VoipKit } from '../index.js';
import { resolveNetworkConfig, type NetworkConfig } from './network/index.js';
import { runNetSim } from './netsim.js';
import { speechLike } from './speech.js';

/** Parameters a sweep axis can vary. */
export type SweepParam = 'loss' | 'jitter' | 'delay' | 'burst';
export const SWEEP_PARAMS: readonly SweepParam[] = ['loss', 'jitter', 'delay', 'burst'];
export const SWEEP_UNITS: Record<SweepParam, string> = { loss: 'loss (%)', jitter: 'jitter (ms)', delay: 'delay (ms)', burst: 'mean loss burst (packets)' };

export interface SweepSpec {
  base: NetworkConfig;
  x: SweepParam;
  xValues: number[];
  y: SweepParam;
  yValues: number[];
  seed: number;
  durationMs: number;
  codec: 'pcmu' | 'pcma';
}

export interface SweepCell {
  xi: number;
  yi: number;
  R: number;
  MOS: number;
  lossPct: number;
  latePct: number;
  e2eMeanMs: number;
}

/**
 * Apply one parameter to a configuration:
 * - loss: random loss, percent (keeps a Gilbert-Elliott base's burstiness when `burst` is the other axis);
 * - jitter: delay jitter, ms (normal distribution unless the base names one);
 * - delay: base one-way delay, ms;
 * - burst: mean loss burst in packets: turns the loss into a simple Gilbert model with r = 1/burst at the same loss rate.
 */
export function applyParam(cfg: NetworkConfig, p: SweepParam, v: number): NetworkConfig {
  const c: NetworkConfig = structuredClone(cfg);
  switch (p) {
    case 'loss': {
      if (c.loss?.model === 'gemodel' && c.loss.r !== undefined) {
        const r = c.loss.r / 100;
        const pl = v / 100;
        // p/(p+r) = loss → p = loss·r/(1−loss)
        c.loss = { model: 'gemodel', p: pl >= 1 ? 100 : Math.min(100, (100 * pl * r) / (1 - pl)), r: c.loss.r };
      } else c.loss = { model: 'random', percent: v };
      break;
    }
    case 'jitter':
      c.delay = { ms: c.delay?.ms ?? 0, ...c.delay, jitterMs: v, distribution: c.delay?.distribution ?? 'normal' };
      break;
    case 'delay':
      c.delay = { ...c.delay, ms: v };
      break;
    case 'burst': {
      if (!(v >= 1)) throw new VoipKitError('invalid_argument', `burst values are mean burst lengths in packets (>= 1), got ${v}`);
      const r = 1 / v;
      const loss = c.loss?.model === 'random' ? c.loss.percent / 100 : c.loss?.model === 'gemodel' ? (c.loss.p / 100) / (c.loss.p / 100 + (c.loss.r ?? 100 - c.loss.p) / 100) : 0.02;
      c.loss = { model: 'gemodel', p: Math.min(100, (100 * loss * r) / Math.max(1e-9, 1 - loss)), r: 100 * r };
      break;
    }
  }
  return c;
}

/** The configuration of one cell (y applied last, so `burst` on y keeps x's loss). */
export function cellConfig(s: SweepSpec, xi: number, yi: number): NetworkConfig {
  const order: [SweepParam, number][] = [
    [s.x, s.xValues[xi]],
    [s.y, s.yValues[yi]],
  ];
  // burst needs the loss rate first
  order.sort((a, b) => (a[0] === 'burst' ? 1 : 0) - (b[0] === 'burst' ? 1 : 0));
  let c = s.base;
  for (const [p, v] of order) c = applyParam(c, p, v);
  resolveNetworkConfig(c);
  return c;
}

/** Run one cell (in whichever thread). */
export function runCell(kit: VoipKit, s: SweepSpec, xi: number, yi: number, audio?: Int16Array): SweepCell {
  const r = runNetSim(kit, {
    network: cellConfig(s, xi, yi),
    seed: s.seed,
    durationMs: s.durationMs,
    codec: s.codec,
    audio: audio ?? speechLike(8000 * Math.min(60, Math.ceil(s.durationMs / 1000)), 1),
  });
  return { xi, yi, R: r.quality.emodel.R, MOS: r.quality.emodel.MOS, lossPct: r.quality.networkLossPct, latePct: r.quality.lateLossPct, e2eMeanMs: r.quality.e2eMeanMs };
}

/** Validate a sweep before starting threads. @throws VoipKitError `invalid_argument`. */
export function checkSweep(s: SweepSpec): void {
  if (!SWEEP_PARAMS.includes(s.x) || !SWEEP_PARAMS.includes(s.y)) throw new VoipKitError('invalid_argument', `sweep parameters are ${SWEEP_PARAMS.join(', ')}`);
  if (s.x === s.y) throw new VoipKitError('invalid_argument', `sweep axes must differ, both are ${s.x}`);
  if (s.xValues.length === 0 || s.yValues.length === 0) throw new VoipKitError('invalid_argument', 'sweep axes need at least one value each');
  if (s.xValues.length * s.yValues.length > 400) throw new VoipKitError('invalid_argument', `a sweep of ${s.xValues.length * s.yValues.length} cells is too large (at most 400)`);
  for (let xi = 0; xi < s.xValues.length; xi++) for (let yi = 0; yi < s.yValues.length; yi++) cellConfig(s, xi, yi);
}

/**
 * Run every cell on `workers` worker threads (0: in this thread, with `kit`).
 * Worker threads load voipkit themselves (VOIPKIT_BACKEND applies) from the
 * compiled module next to this one.
 * @returns mos[yi][xi], r[yi][xi] and the cells.
 */
export async function runSweep(s: SweepSpec, opts: { workers: number; kit?: VoipKit; onCell?: (done: number, total: number) => void }): Promise<{ mos: number[][]; r: number[][]; cells: SweepCell[] }> {
  checkSweep(s);
  const jobs: [number, number][] = [];
  for (let yi = 0; yi < s.yValues.length; yi++) for (let xi = 0; xi < s.xValues.length; xi++) jobs.push([xi, yi]);
  const cells: SweepCell[] = [];
  const total = jobs.length;
  if (opts.workers <= 0) {
    if (!opts.kit) throw new VoipKitError('invalid_argument', 'runSweep: workers 0 needs a kit');
    const audio = speechLike(8000 * Math.min(60, Math.ceil(s.durationMs / 1000)), 1);
    for (const [xi, yi] of jobs) {
      cells.push(runCell(opts.kit, s, xi, yi, audio));
      opts.onCell?.(cells.length, total);
    }
  } else {
    const n = Math.max(1, Math.min(opts.workers, total));
    const url = new URL('./sweep-worker.js', import.meta.url);
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let live = n;
      let failed = false;
      const workers: Worker[] = [];
      const feed = (w: Worker) => {
        if (failed) return;
        if (next < jobs.length) w.postMessage({ job: jobs[next++] });
        else {
          w.postMessage({ done: true });
        }
      };
      for (let k = 0; k < n; k++) {
        const w = new Worker(url, { workerData: { spec: s } });
        workers.push(w);
        w.on('message', (m: { ready?: true; cell?: SweepCell; error?: { code: string; message: string } }) => {
          if (m.error) {
            failed = true;
            for (const x of workers) void x.terminate();
            reject(new VoipKitError((m.error.code as never) ?? 'internal', m.error.message));
            return;
          }
          if (m.cell) {
            cells.push(m.cell);
            opts.onCell?.(cells.length, total);
          }
          feed(w);
        });
        w.on('error', (e) => {
          if (failed) return;
          failed = true;
          for (const x of workers) void x.terminate();
          reject(new VoipKitError('internal', `sweep worker failed: ${e.message}`));
        });
        w.on('exit', () => {
          if (--live === 0 && !failed) resolve();
        });
      }
    });
  }
  const mos = s.yValues.map(() => s.xValues.map(() => NaN));
  const r = s.yValues.map(() => s.xValues.map(() => NaN));
  for (const c of cells) {
    mos[c.yi][c.xi] = c.MOS;
    r[c.yi][c.xi] = c.R;
  }
  cells.sort((a, b) => a.yi - b.yi || a.xi - b.xi);
  return { mos, r, cells };
}

/** Worker threads to use by default: one per core, at most 8. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}
