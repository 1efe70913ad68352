/**
 * Soak harness (issue 9): N concurrent receive pipelines (SRTP unprotect,
 * jitter buffer, G.711 decode, concealment) under a simulated network for a
 * simulated duration, on the native and the WASM backend, in the main thread
 * or spread over worker_threads with one voipkit instance per worker.
 *
 *   npx tsx scripts/soak/soak.ts [--backend native|wasm|both] [--streams 8]
 *     [--minutes 60] [--workers 0] [--network mobile] [--seed 1] [--out file.md]
 *
 * Reports per run: streams, simulated minutes, wall seconds, packets per
 * wall second, RSS and V8 heap after a one-minute warm-up and at the end,
 * frames delivered vs expected (one per 20 ms tick per stream), packets
 * played / sent, what the network dropped, what the jitter buffer dropped
 * (late, overflow, skipped), duplicates played (must be 0) and unexplained
 * losses (must be 0).  Exit status 1 when either is not 0.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';
import { load, type BackendKind } from '../../src/index.js';
import { SoakStream, type StreamResult } from './pipeline.js';

interface Job {
  backend: BackendKind;
  first: number;
  streams: number;
  minutes: number;
  network: string;
  seed: number;
}
interface Sample {
  minute: number;
  rss: number;
  heap: number;
}
interface JobResult {
  totals: StreamResult;
  samples: Sample[];
  wallMs: number;
}

const TICKS_PER_MIN = 3000; // 20 ms ticks
const mb = (x: number) => Math.round(x / 2 ** 20);

async function runJob(job: Job, onMinute?: (s: Sample) => void): Promise<JobResult> {
  const kit = await load({ backend: job.backend });
  const streams = Array.from({ length: job.streams }, (_, i) => new SoakStream(kit, job.first + i, job.network, job.seed + job.first + i));
  const samples: Sample[] = [];
  const t0 = performance.now();
  for (let m = 0; m < job.minutes; m++) {
    for (let t = 0; t < TICKS_PER_MIN; t++) for (const s of streams) s.tick();
    const mu = process.memoryUsage();
    const sample = { minute: m + 1, rss: mu.rss, heap: mu.heapUsed };
    samples.push(sample);
    onMinute?.(sample);
  }
  const wallMs = performance.now() - t0;
  const totals = streams.map((s) => s.finish()).reduce(sum);
  for (const s of streams) s.close();
  return { totals, samples, wallMs };
}

function sum(a: StreamResult, b: StreamResult): StreamResult {
  const r = { ...a };
  for (const k of Object.keys(b) as (keyof StreamResult)[]) r[k] += b[k];
  return r;
}

if (!isMainThread) {
  const job = workerData as Job;
  runJob(job, (s) => parentPort!.postMessage({ sample: s })).then((r) => parentPort!.postMessage({ result: r }));
} else {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const backends: BackendKind[] = opt('backend', 'both') === 'both' ? ['native', 'wasm'] : [opt('backend', 'native') as BackendKind];
  const streams = Number(opt('streams', '8'));
  const minutes = Number(opt('minutes', '60'));
  const workers = Number(opt('workers', '0'));
  const network = opt('network', 'mobile');
  const seed = Number(opt('seed', '1'));
  const out = opt('out', '');
  const command = `npx tsx scripts/soak/soak.ts ${args.join(' ')}`.trim();
  let bad = false;
  const header = '| backend | threads | streams | simulated | wall s | packets/s | RSS after 1 min → end (MB) | heap after 1 min → end (MB) | frames delivered / expected | packets played / sent | network lost | jb late / overflow / skipped | duplicates played | unexplained |';
  const rows: string[] = [];
  for (const backend of backends) {
    const jobs: Job[] = [];
    const nw = Math.max(1, workers);
    const per = Math.ceil(streams / nw);
    for (let w = 0, first = 0; first < streams; w++, first += per) {
      jobs.push({ backend, first, streams: Math.min(per, streams - first), minutes, network, seed });
    }
    const t0 = performance.now();
    let results: JobResult[];
    const rssByMinute: number[] = [];
    if (workers > 0) {
      // one voipkit instance per worker; RSS is the process's, sampled here
      results = await Promise.all(
        jobs.map(
          (job) =>
            new Promise<JobResult>((resolve, reject) => {
              const w = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: job });
              w.on('message', (m: { sample?: Sample; result?: JobResult }) => {
                if (m.sample) {
                  const i = m.sample.minute - 1;
                  rssByMinute[i] = Math.max(rssByMinute[i] ?? 0, process.memoryUsage().rss);
                }
                if (m.result) resolve(m.result);
              });
              w.on('error', reject);
            }),
        ),
      );
    } else {
      results = [await runJob(jobs[0], (s) => (rssByMinute[s.minute - 1] = s.rss))];
    }
    const wall = (performance.now() - t0) / 1000;
    const t = results.map((r) => r.totals).reduce(sum);
    const heap0 = results.reduce((a, r) => a + r.samples[0].heap, 0);
    const heap1 = results.reduce((a, r) => a + r.samples[r.samples.length - 1].heap, 0);
    if (t.duplicatesPlayed !== 0 || t.unexplained !== 0) bad = true;
    const row = `| ${backend} | ${workers > 0 ? `${jobs.length} workers` : 'main'} | ${streams} | ${minutes} min | ${wall.toFixed(0)} | ${Math.round(t.sent / wall)} | ${mb(rssByMinute[0])} → ${mb(rssByMinute[rssByMinute.length - 1])} | ${mb(heap0)} → ${mb(heap1)} | ${t.frames} / ${streams * minutes * TICKS_PER_MIN} | ${t.played} / ${t.sent} | ${t.networkLost} | ${t.jbLate} / ${t.jbOverflow} / ${t.jbDroppedWhole} | ${t.duplicatesPlayed} | ${t.unexplained} |`;
    rows.push(row);
    console.log(`${backend}: ${JSON.stringify(t)}`);
    console.log(`${backend}: RSS by minute (MB): ${rssByMinute.map(mb).join(' ')}`);
  }
  const md = [`\`${command}\` (network profile ${network}, seed ${seed}, ${new Date().toISOString()}, Node ${process.version})`, '', header, '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|', ...rows, ''].join('\n');
  console.log('\n' + md);
  if (out) appendFileSync(out, md + '\n');
  process.exit(bad ? 1 : 0);
}
