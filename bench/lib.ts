/**
 * Shared benchmark plumbing: run tinybench suites, and write results to
 * bench/results/<name>.json and .md with the machine and date, so that every
 * number in the repository says where it was measured.  Ratios are always
 * computed between rows measured in the same run.
 */
import { Bench, type BenchOptions } from 'tinybench';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

export interface Row {
  /** Row label, e.g. "voipkit native". */
  name: string;
  /** Group of rows compared with each other, e.g. "encode+decode 160". */
  group: string;
  /** Operations per second (mean). */
  hz: number;
  /** Mean time per operation, ns. */
  meanNs: number;
  /** Relative margin of error, percent. */
  rme: number;
  samples: number;
  /** Items per operation (samples, packets...) for throughput columns. */
  perOp?: number;
  unit?: string;
}

export function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Quick mode for CI smoke runs: BENCH_QUICK=1 shortens every suite. */
export const QUICK = process.env.BENCH_QUICK === '1';

export function bench(opts: BenchOptions = {}): Bench {
  return new Bench({ time: QUICK ? 50 : 500, warmupTime: QUICK ? 20 : 100, ...opts });
}

const INNER = new WeakMap<Bench, Map<string, number>>();

/**
 * Add a task that runs fn `inner` times per sample, so that operations far
 * shorter than the timer's resolution are measured as a batch; the row
 * reports the time of one operation.  Name it "group :: row name".
 */
export function add(b: Bench, name: string, fn: () => void, inner = 1): void {
  let m = INNER.get(b);
  if (!m) INNER.set(b, (m = new Map()));
  m.set(name, inner);
  if (inner === 1) b.add(name, fn);
  else b.add(name, () => { for (let i = 0; i < inner; i++) fn(); });
}

/** Run a bench whose task names are "group :: row name" and return rows. */
export async function runRows(b: Bench, perOp: Record<string, number> = {}, unit = 'items'): Promise<Row[]> {
  await b.run();
  const rows: Row[] = [];
  const inner = INNER.get(b);
  for (const t of b.tasks) {
    const r = t.result as unknown as { state?: string; error?: unknown; period?: number; latency?: { mean: number; rme: number; samplesCount?: number } } | undefined;
    const [group, name] = t.name.includes(' :: ') ? t.name.split(' :: ') : ['', t.name];
    if (!r || r.error || !r.latency) {
      console.error(`bench task failed: ${t.name}: ${String(r?.error ?? r?.state)}`);
      continue;
    }
    const k = inner?.get(t.name) ?? 1;
    const periodMs = (r.period ?? r.latency.mean) / k;
    rows.push({
      name,
      group,
      hz: 1000 / periodMs,
      meanNs: periodMs * 1e6,
      rme: r.latency.rme,
      samples: r.latency.samplesCount ?? 0,
      perOp: perOp[group],
      unit,
    });
  }
  return rows;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(n < 10 ? 2 : 0);
}

/**
 * Markdown table of rows grouped, with each row's ratio to a baseline row of
 * its group (the row whose name matches `baseline`).
 */
export function table(rows: Row[], baseline?: (r: Row) => boolean): string {
  const groups = [...new Set(rows.map((r) => r.group))];
  const lines = ['| group | implementation | ops/s | mean | ± | throughput | vs baseline |', '|---|---|---|---|---|---|---|'];
  for (const g of groups) {
    const gr = rows.filter((r) => r.group === g);
    const base = baseline ? gr.find(baseline) : undefined;
    for (const r of gr) {
      const thr = r.perOp ? `${fmt(r.hz * r.perOp)} ${r.unit}/s` : '';
      const ratio = base ? `${(r.hz / base.hz).toFixed(2)}×` : '';
      lines.push(`| ${g} | ${r.name} | ${fmt(r.hz)} | ${r.meanNs < 1e4 ? r.meanNs.toFixed(0) + ' ns' : (r.meanNs / 1e3).toFixed(1) + ' µs'} | ${r.rme.toFixed(1)}% | ${thr} | ${ratio} |`);
    }
  }
  return lines.join('\n');
}

/** Write bench/results/<name>.json and .md. */
export function writeResults(name: string, title: string, rows: Row[], markdownBody: string, notes: string[] = []): void {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const m = machine();
  writeFileSync(new URL(`${name}.json`, dir), JSON.stringify({ title, machine: m, quick: QUICK, rows, notes }, null, 2) + '\n');
  const md = [
    `# ${title}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.os}, Node ${m.node}. Date: ${m.date}.${QUICK ? ' QUICK mode (short runs).' : ''}`,
    '',
    `Produced by \`npm run bench -- ${name}\`. Rows in one group were measured in the same run; compare ratios, not absolute figures (the machine is shared and noisy).`,
    '',
    markdownBody,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  writeFileSync(new URL(`${name}.md`, dir), md);
  console.log(md);
}
