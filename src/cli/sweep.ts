/**
 * `voipkit sim sweep`: a grid of simulated calls over two network
 * parameters, run across worker threads; prints a MOS table and writes the
 * HTML heat map.
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { VoipKitError } from '../errors.js';
import { load } from '../index.js';
import { PROFILE_NAMES, profile, type NetworkConfig } from '../sim/network/index.js';
import { parseNetemSpec } from '../sim/network/netem-spec.js';
import { SWEEP_PARAMS, SWEEP_UNITS, defaultWorkers, runSweep, type SweepParam, type SweepSpec } from '../sim/sweep.js';
import { renderHeatmapHtml } from '../sim/report/html.js';
import { lazyProgress } from './netsim.js';

export const SWEEP_DEFAULTS = {
  x: 'jitter' as SweepParam,
  y: 'loss' as SweepParam,
  values: { loss: '0,1,2,5,10', jitter: '0,10,20,40,80', delay: '20,80,150,250,400', burst: '1,2,4,8' } as Record<SweepParam, string>,
  base: 'delay 40ms',
  duration: '20',
};

interface SweepCliOptions {
  x: string;
  y: string;
  xValues?: string;
  yValues?: string;
  profile?: string;
  netem?: string;
  seed: string;
  duration: string;
  codec: string;
  workers?: string;
  html?: string;
  report?: string;
  progress?: boolean;
}

function list(flag: string, s: string): number[] {
  const v = s.split(',').map((t) => t.trim());
  const out = v.map(Number);
  if (v.some((t) => t === '') || out.some((x) => !Number.isFinite(x) || x < 0)) throw new VoipKitError('invalid_argument', `${flag} must be a comma-separated list of non-negative numbers, got ${JSON.stringify(s)}`);
  return out;
}

function intIn(flag: string, s: string, lo: number, hi: number): number {
  const v = Number(s);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new VoipKitError('invalid_argument', `${flag} must be an integer in [${lo}, ${hi}], got ${JSON.stringify(s)}`);
  return v;
}

/** Register `sweep` under `sim`. */
export function addSweepCommand(sim: Command, print: (s: string) => void): Command {
  return sim
    .command('sweep')
    .description('run a grid of simulated calls over two network parameters on worker threads; print a MOS table and write an HTML heat map')
    .addOption(new Option('--x <param>', 'parameter across the columns').choices(SWEEP_PARAMS).default(SWEEP_DEFAULTS.x))
    .addOption(new Option('--y <param>', 'parameter down the rows').choices(SWEEP_PARAMS).default(SWEEP_DEFAULTS.y))
    .option('--x-values <list>', `values of --x, comma-separated (default per parameter: ${SWEEP_PARAMS.map((p) => `${p} ${SWEEP_DEFAULTS.values[p]}`).join('; ')})`)
    .option('--y-values <list>', 'values of --y, comma-separated (defaults as for --x-values)')
    .addOption(new Option('--profile <name>', 'base network the grid varies (default: --netem, else netem "delay 40ms")').choices(PROFILE_NAMES))
    .option('--netem <spec>', `base network as netem options, over --profile (default: "${SWEEP_DEFAULTS.base}" when no --profile)`)
    .option('--seed <n>', 'seed of every cell (the same for all: cells differ only by their parameters)', '1')
    .option('--duration <seconds>', 'length of each simulated call', SWEEP_DEFAULTS.duration)
    .addOption(new Option('--codec <law>', 'G.711 law').choices(['pcmu', 'pcma']).default('pcmu'))
    .option('--workers <n>', `worker threads (default: ${defaultWorkers()}, one per core, at most 8)`)
    .option('--html <out.html>', 'write the heat map page')
    .option('--report <out.json>', 'write every cell (R, MOS, loss, late, delay) as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (o: SweepCliOptions) => {
      await sweep(o, print);
    });
}

export async function sweep(o: SweepCliOptions, print: (s: string) => void): Promise<void> {
  const x = o.x as SweepParam;
  const y = o.y as SweepParam;
  if (x === y) throw new VoipKitError('invalid_argument', `--x and --y must differ, both are ${x}`);
  let base: NetworkConfig = o.profile ? profile(o.profile) : {};
  if (o.netem !== undefined) base = parseNetemSpec(o.netem, base);
  else if (!o.profile) base = parseNetemSpec(SWEEP_DEFAULTS.base);
  const seed = Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) throw new VoipKitError('invalid_argument', `--seed must be an integer in [0, 4294967295], got ${JSON.stringify(o.seed)}`);
  const dur = Number(o.duration);
  if (!Number.isFinite(dur) || dur < 1 || dur > 3600) throw new VoipKitError('invalid_argument', `--duration must be in [1, 3600] seconds, got ${JSON.stringify(o.duration)}`);
  const spec: SweepSpec = {
    base,
    x,
    y,
    xValues: list('--x-values', o.xValues ?? SWEEP_DEFAULTS.values[x]),
    yValues: list('--y-values', o.yValues ?? SWEEP_DEFAULTS.values[y]),
    seed,
    durationMs: Math.round(dur * 1000),
    codec: o.codec as 'pcmu' | 'pcma',
  };
  const workers = o.workers !== undefined ? intIn('--workers', o.workers, 0, 64) : defaultWorkers();
  const progress = lazyProgress(o.progress !== false);
  let res;
  try {
    res = await runSweep(spec, { workers, kit: workers === 0 ? await load() : undefined, onCell: (d, t) => progress.update(d / t) });
  } finally {
    progress.stop();
  }
  const title = `MOS (ITU-T G.107) by ${SWEEP_UNITS[y]} and ${SWEEP_UNITS[x]}`;
  const w = 7;
  const head = `${SWEEP_UNITS[y]} \\ ${SWEEP_UNITS[x]}`;
  const lines = [title, head, ''.padEnd(10) + spec.xValues.map((v) => String(v).padStart(w)).join('')];
  for (let yi = spec.yValues.length - 1; yi >= 0; yi--) {
    lines.push(String(spec.yValues[yi]).padStart(8) + '  ' + spec.xValues.map((_, xi) => res.mos[yi][xi].toFixed(2).padStart(w)).join(''));
  }
  lines.push(`${spec.xValues.length * spec.yValues.length} calls of ${dur} s, seed ${seed}, ${workers} worker thread${workers === 1 ? '' : 's'}`);
  if (o.html) {
    try {
      writeFileSync(
        o.html,
        renderHeatmapHtml({ title, subtitle: lines[lines.length - 1], xName: SWEEP_UNITS[x], xValues: spec.xValues, yName: SWEEP_UNITS[y], yValues: spec.yValues, mos: res.mos, r: res.r }),
      );
    } catch (e) {
      throw new VoipKitError('invalid_argument', `cannot write --html ${o.html}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (o.report) {
    try {
      writeFileSync(o.report, JSON.stringify({ tool: 'voipkit sim sweep', x, y, xValues: spec.xValues, yValues: spec.yValues, seed, durationS: dur, base, mos: res.mos, R: res.r, cells: res.cells }, null, 2) + '\n');
    } catch (e) {
      throw new VoipKitError('invalid_argument', `cannot write --report ${o.report}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  print(lines.join('\n'));
}
