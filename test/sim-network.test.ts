/**
 * The simulator's network model against what was asked of it.
 *
 * Every statistical test runs from one seed (SIM_SEED, default below) and
 * names it with the command that reproduces a failure.  Tolerances are about
 * five standard errors of the quantity measured, so a correct model fails
 * rarely with any seed, while a wrong formula (a wrong default, an off-by-one
 * in a state machine) shows as tens of standard errors.
 *
 * Pure TypeScript (no core, no backend): there is nothing to run per backend.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import {
  NetworkModel,
  simulateNetwork,
  simulateTrace,
  formatTrace,
  profile,
  PROFILE_NAMES,
  distributionTable,
  Xoshiro128,
  type NetworkConfig,
} from '../src/sim/network/index.js';
import { VoipKitError } from '../src/errors.js';

const SEED = Number(process.env.SIM_SEED ?? 20261126);
const why = (what: string): string => `${what} (seed ${SEED}; reproduce: SIM_SEED=${SEED} npx vitest run test/sim-network.test.ts)`;

/** A constant-rate stream of n packets, `spacing` ms apart. */
const stream = (n: number, spacing = 20, bytes = 200) => Array.from({ length: n }, (_, i) => ({ sendMs: i * spacing, bytes }));

function delays(cfg: NetworkConfig, n: number): number[] {
  const sim = simulateNetwork(cfg, SEED, stream(n));
  return sim.packets.flatMap((p) => p.arrivals.map((a) => a - p.sendMs));
}
const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
const sd = (x: number[]): number => {
  const m = mean(x);
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1));
};

/** Debian iproute2's netem tables: the outside reference for our distributions. */
const TC_DIR = '/usr/lib/x86_64-linux-gnu/tc';
function tcTable(name: string): number[] {
  const text = readFileSync(`${TC_DIR}/${name}.dist`, 'utf8');
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join(' ')
    .trim()
    .split(/\s+/)
    .map(Number);
}
function tableMoments(t: number[]): { mean: number; sd: number } {
  const x = t.map((v) => v / 8192);
  return { mean: mean(x), sd: Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length - mean(x) ** 2) };
}

describe('PRNG', () => {
  it('is deterministic per seed and stream, and uniform', () => {
    const a = new Xoshiro128(5, 1);
    const b = new Xoshiro128(5, 1);
    const c = new Xoshiro128(5, 2);
    const xa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(xa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(xa);
    // chi-square over 64 bins, 64k draws: 63 degrees of freedom, p = 1e-4 critical value ≈ 116
    const r = new Xoshiro128(SEED);
    const bins = new Array(64).fill(0);
    const n = 65536;
    for (let i = 0; i < n; i++) bins[Math.floor(r.next() * 64)]++;
    const chi = bins.reduce((s, o) => s + (o - n / 64) ** 2 / (n / 64), 0);
    expect(chi, why('chi-square of 64 bins')).toBeLessThan(116);
  });
  it('rejects seeds that are not 32-bit unsigned integers', () => {
    for (const s of [-1, 1.5, 2 ** 32, NaN]) expect(() => new Xoshiro128(s)).toThrow(VoipKitError);
  });
});

describe('delay distributions', () => {
  it.each(['normal', 'pareto', 'paretonormal'] as const)('the %s table equals Debian iproute2\'s', (name) => {
    expect(existsSync(`${TC_DIR}/${name}.dist`), `${TC_DIR}/${name}.dist missing: apt-get install iproute2`).toBe(true);
    const ref = tcTable(name);
    const ours = distributionTable(name);
    expect(ref.length).toBe(4096);
    let maxDiff = 0;
    for (let i = 0; i < 4096; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - ref[i]));
    // pareto is exact; normal tables differ by at most one unit (1/8192 sigma):
    // iproute2 inverts the CDF on a 0.00005 grid, we invert it analytically.
    expect(maxDiff).toBeLessThanOrEqual(name === 'pareto' ? 0 : 1);
  });

  it.each([
    ['uniform', () => ({ mean: 0, sd: 1 / Math.sqrt(3) })],
    ['normal', () => tableMoments(tcTable('normal'))],
    ['pareto', () => tableMoments(tcTable('pareto'))],
    ['paretonormal', () => tableMoments(tcTable('paretonormal'))],
  ] as const)('%s: delay mean and deviation over 50k packets match mu + sigma·shape', (name, shape) => {
    const mu = 100;
    const sigma = 20;
    const s = shape();
    const d = delays({ delay: { ms: mu, jitterMs: sigma, distribution: name } }, 50_000);
    const wantMean = mu + sigma * s.mean;
    const wantSd = sigma * s.sd;
    // standard error of the mean is sd/sqrt(n) ≈ 0.06 ms; of the sd ≈ 1 % for the heavy tails
    expect(Math.abs(mean(d) - wantMean), why(`${name} mean ${mean(d)} vs ${wantMean}`)).toBeLessThan(0.35);
    expect(Math.abs(sd(d) / wantSd - 1), why(`${name} sd ${sd(d)} vs ${wantSd}`)).toBeLessThan(0.03);
  });

  it('correlation follows netem\'s scheme: lag-1 autocorrelation ≈ rho for uniform jitter', () => {
    const d = delays({ delay: { ms: 100, jitterMs: 20, correlation: 50 } }, 50_000);
    const m = mean(d);
    let num = 0;
    let den = 0;
    for (let i = 0; i < d.length; i++) {
      den += (d[i] - m) ** 2;
      if (i > 0) num += (d[i] - m) * (d[i - 1] - m);
    }
    expect(Math.abs(num / den - 0.5), why(`autocorrelation ${num / den}`)).toBeLessThan(0.03);
  });

  it('without jitter every packet takes exactly the delay, in order', () => {
    const d = delays({ delay: { ms: 37.5 } }, 1000);
    expect(new Set(d)).toEqual(new Set([37.5]));
  });
});

describe('loss models', () => {
  const N = 100_000;
  function lossPattern(cfg: NetworkConfig, n = N): boolean[] {
    return simulateNetwork(cfg, SEED, stream(n)).packets.map((p) => p.arrivals.length === 0);
  }
  function bursts(lost: boolean[]): number[] {
    const b: number[] = [];
    let run = 0;
    for (const l of lost) {
      if (l) run++;
      else if (run) {
        b.push(run);
        run = 0;
      }
    }
    if (run) b.push(run);
    return b;
  }
  const rate = (lost: boolean[]): number => lost.filter(Boolean).length / lost.length;
  const binomTol = (p: number, n: number): number => 5 * Math.sqrt((p * (1 - p)) / n);

  it('random: measured loss within 5 standard errors of the percentage', () => {
    for (const pct of [1, 20]) {
      const r = rate(lossPattern({ loss: { model: 'random', percent: pct } }));
      expect(Math.abs(r - pct / 100), why(`random ${pct}%: measured ${r}`)).toBeLessThan(binomTol(pct / 100, N));
    }
  });

  it('gemodel p alone is Bernoulli(p) (tc-netem(8) defaults r = 1 − p, 1−h = 1, 1−k = 0)', () => {
    const r = rate(lossPattern({ loss: { model: 'gemodel', p: 3 } }));
    expect(Math.abs(r - 0.03), why(`measured ${r}`)).toBeLessThan(binomTol(0.03, N));
  });

  it('simple Gilbert (p, r): loss p/(p+r), mean burst 1/r, geometric bursts', () => {
    const p = 0.02;
    const r = 0.25;
    const lost = lossPattern({ loss: { model: 'gemodel', p: 2, r: 25 } });
    const b = bursts(lost);
    const want = p / (p + r);
    // bursts are correlated, so the loss rate's standard error is larger than binomial: ~sqrt((2-p-r)/(p+r)) times
    expect(Math.abs(rate(lost) - want), why(`loss ${rate(lost)} vs ${want}`)).toBeLessThan(binomTol(want, N) * Math.sqrt((2 - p - r) / (p + r)));
    const mb = mean(b);
    // bursts: ~N·p·(1−want) ≈ 1850 of mean 4 and sd sqrt(1−r)/r ≈ 3.5: standard error ≈ 0.08
    expect(Math.abs(mb - 1 / r), why(`mean burst ${mb} vs ${1 / r}`)).toBeLessThan(0.4);
    // geometric: P(burst = 1) = r
    const ones = b.filter((x) => x === 1).length / b.length;
    expect(Math.abs(ones - r), why(`P(burst=1) ${ones}`)).toBeLessThan(0.05);
  });

  it('full Gilbert-Elliott (p, r, 1-h, 1-k): loss = πG·(1−k) + πB·(1−h)', () => {
    const p = 0.05;
    const r = 0.3;
    const lostBad = 0.7;
    const lostGood = 0.01;
    const piB = p / (p + r);
    const want = (1 - piB) * lostGood + piB * lostBad;
    const got = rate(lossPattern({ loss: { model: 'gemodel', p: 5, r: 30, oneMinusH: 70, oneMinusK: 1 } }));
    expect(Math.abs(got - want), why(`loss ${got} vs ${want}`)).toBeLessThan(0.006);
  });

  it('4-state model: loss equals the stationary probability of states 3 and 4; p13 alone is Bernoulli', () => {
    const P = { p13: 0.03, p31: 0.35, p32: 0.15, p23: 0.25, p14: 0.01 };
    // transition matrix from tc-netem(8) / NetemCLG: 1→3 p13, 1→4 p14; 2→3 p23; 3→2 p32, 3→1 p31; 4→1 always
    const T = [
      [1 - P.p13 - P.p14, 0, P.p13, P.p14],
      [0, 1 - P.p23, P.p23, 0],
      [P.p31, P.p32, 1 - P.p31 - P.p32, 0],
      [1, 0, 0, 0],
    ];
    let pi = [1, 0, 0, 0];
    for (let k = 0; k < 5000; k++) pi = [0, 1, 2, 3].map((j) => pi.reduce((s, v, i) => s + v * T[i][j], 0));
    const want = pi[2] + pi[3];
    const got = rate(lossPattern({ loss: { model: 'state', p13: 3, p31: 35, p32: 15, p23: 25, p14: 1 } }));
    expect(Math.abs(got - want), why(`loss ${got} vs ${want}`)).toBeLessThan(0.008);
    const bern = rate(lossPattern({ loss: { model: 'state', p13: 4 } }));
    expect(Math.abs(bern - 0.04), why(`p13 alone: ${bern}`)).toBeLessThan(binomTol(0.04, N));
  });

  it('the loss pattern does not change when duplication is switched on (separate streams)', () => {
    const a = lossPattern({ loss: { model: 'random', percent: 10 } }, 2000);
    const sim = simulateNetwork({ loss: { model: 'random', percent: 10 }, delay: { ms: 5 } }, SEED, stream(2000));
    expect(sim.packets.map((p) => p.arrivals.length === 0)).toEqual(a);
  });
});

describe('duplication and reordering', () => {
  it('duplicate: the share of duplicated packets matches the percentage, and both copies arrive', () => {
    const n = 50_000;
    const sim = simulateNetwork({ delay: { ms: 10, jitterMs: 2 }, duplicate: { percent: 8 } }, SEED, stream(n));
    const dup = sim.packets.filter((p) => p.arrivals.length === 2).length / n;
    expect(Math.abs(dup - 0.08), why(`duplicated ${dup}`)).toBeLessThan(5 * Math.sqrt((0.08 * 0.92) / n));
    expect(sim.stats.duplicated).toBe(sim.packets.filter((p) => p.arrivals.length === 2).length);
    expect(sim.packets.every((p) => p.arrivals.length >= 1)).toBe(true);
  });

  it('reorder without gap: that share of packets is sent immediately and overtakes its predecessors', () => {
    const n = 100_000;
    const sim = simulateNetwork({ delay: { ms: 100 }, reorder: { percent: 25 } }, SEED, stream(n));
    const immediate = sim.packets.filter((p) => p.arrivals[0] === p.sendMs).length / n;
    expect(Math.abs(immediate - 0.25), why(`immediate ${immediate}`)).toBeLessThan(5 * Math.sqrt((0.25 * 0.75) / n));
    expect(sim.stats.reordered / n).toBe(immediate);
    // with 100 ms of delay and 20 ms spacing, an immediate packet arrives before its predecessor
    const now = (i: number): boolean => sim.packets[i].arrivals[0] === sim.packets[i].sendMs;
    for (let i = 1; i < 1000; i++) if (now(i) && !now(i - 1)) expect(sim.packets[i].arrivals[0]).toBeLessThan(sim.packets[i - 1].arrivals[0]);
    expect(sim.stats.outOfOrder).toBeGreaterThan(sim.stats.reordered);
  });

  it('reorder with gap N (tc-netem(8) example "reorder 25% gap 5"): rate 1/((N−1) + 1/p), never within N−1 of the last', () => {
    const n = 100_000;
    const sim = simulateNetwork({ delay: { ms: 10 }, reorder: { percent: 25, gap: 5 } }, SEED, stream(n));
    const idx = sim.packets.flatMap((p, i) => (p.arrivals[0] === p.sendMs ? [i] : []));
    const want = 1 / (4 + 1 / 0.25);
    expect(Math.abs(idx.length / n - want), why(`reordered ${idx.length / n} vs ${want}`)).toBeLessThan(0.005);
    expect(idx[0]).toBeGreaterThanOrEqual(4);
    for (let k = 1; k < idx.length; k++) expect(idx[k] - idx[k - 1]).toBeGreaterThanOrEqual(5);
    // 100 % with gap 5 reorders exactly every 5th packet
    const every = simulateNetwork({ delay: { ms: 10 }, reorder: { percent: 100, gap: 5 } }, SEED, stream(50));
    expect(every.packets.flatMap((p, i) => (p.arrivals[0] === p.sendMs ? [i] : []))).toEqual([4, 9, 14, 19, 24, 29, 34, 39, 44, 49]);
  });
});

describe('rate limit, slots, stalls and route changes', () => {
  it('an overloaded bottleneck delivers its rate and tail-drops the excess', () => {
    // 200-byte packets every 10 ms = 20 kB/s offered into 10 kB/s with a 50-packet queue
    const n = 20_000;
    const sim = simulateNetwork({ rate: { bytesPerSecond: 10_000, queuePackets: 50 } }, SEED, stream(n, 10));
    const arr = sim.arrivals.map((a) => a.arrivalMs).sort((x, y) => x - y);
    const span = (arr[arr.length - 1] - arr[0]) / 1000;
    const throughput = ((arr.length - 1) * 200) / span;
    expect(Math.abs(throughput / 10_000 - 1)).toBeLessThan(0.001);
    expect(Math.abs(sim.stats.queueDropped / n - 0.5)).toBeLessThan(0.01);
    // queueing delay is bounded by the queue: 50 packets × 20 ms
    expect(sim.stats.delayMaxMs).toBeLessThanOrEqual(50 * 20 + 1e-9);
  });

  it('a bottleneck with room adds only the serialisation time; a byte limit also tail-drops', () => {
    const sim = simulateNetwork({ rate: { bytesPerSecond: 20_000 } }, SEED, stream(100));
    expect(sim.packets.every((p) => Math.abs(p.arrivals[0] - p.sendMs - 10) < 1e-9)).toBe(true);
    const tight = simulateNetwork({ rate: { bytesPerSecond: 5_000, queueBytes: 1000 } }, SEED, stream(1000, 10));
    expect(tight.stats.queueDropped).toBeGreaterThan(0);
    expect(tight.stats.delayMaxMs).toBeLessThanOrEqual((1000 / 5000) * 1000 + 1e-9);
  });

  it('slots: packets leave in groups of at most N, slots spaced within [min, max]', () => {
    const sim = simulateNetwork({ slot: { minMs: 8, maxMs: 12, packets: 4 } }, SEED, stream(5000, 1));
    const groups = new Map<number, number>();
    for (const a of sim.arrivals) groups.set(a.arrivalMs, (groups.get(a.arrivalMs) ?? 0) + 1);
    expect(Math.max(...groups.values())).toBeLessThanOrEqual(4);
    const times = [...groups.keys()].sort((a, b) => a - b);
    for (let k = 1; k < times.length; k++) {
      expect(times[k] - times[k - 1]).toBeGreaterThanOrEqual(8 - 1e-9);
      expect(times[k] - times[k - 1]).toBeLessThanOrEqual(12 + 1e-9);
    }
    // offered 1 packet/ms, served 4 per slot of mean 10 ms
    const last = times[times.length - 1];
    expect(Math.abs(5000 / last - 0.4), why(`slot throughput ${5000 / last}`)).toBeLessThan(0.01);
  });

  it('slots: a byte budget also limits the group', () => {
    const sim = simulateNetwork({ slot: { minMs: 10, bytes: 500 } }, SEED, stream(1000, 1));
    const groups = new Map<number, number>();
    for (const a of sim.arrivals) groups.set(a.arrivalMs, (groups.get(a.arrivalMs) ?? 0) + 1);
    expect(Math.max(...groups.values())).toBe(3);
  });

  it('a scheduled stall holds packets and releases them in a burst; a route change steps the delay', () => {
    const sim = simulateNetwork(
      { delay: { ms: 50 }, stalls: [{ atMs: 1000, durationMs: 500 }], routeChanges: [{ atMs: 3000, extraDelayMs: 150 }, { atMs: 4000, extraDelayMs: 0 }] },
      SEED,
      stream(300),
    );
    for (const p of sim.packets) {
      const a = p.arrivals[0];
      if (p.sendMs >= 1000 && p.sendMs < 1500) expect(a).toBe(1550);
      else if (p.sendMs >= 3000 && p.sendMs < 4000) expect(a - p.sendMs).toBe(200);
      else expect(a - p.sendMs).toBe(50);
    }
    // packets sent right after 4000 overtake those sent just before
    expect(sim.stats.outOfOrder).toBeGreaterThan(0);
  });

  it('random spikes: stalls within the configured duration, one per configured interval', () => {
    const sim = simulateNetwork({ delay: { ms: 20 }, spikes: { everyMs: [6000, 14000], durationMs: [200, 800] } }, SEED, stream(30_000));
    const extra = sim.packets.map((p) => p.arrivals[0] - p.sendMs - 20);
    expect(Math.max(...extra)).toBeLessThanOrEqual(800);
    let stalls = 0;
    for (let i = 0; i < extra.length; i++) if (extra[i] > 0 && (i === 0 || extra[i - 1] <= 0)) stalls++;
    // 600 s at one stall per 10.5 s on average (mean gap 10 s + mean stall 0.5 s)
    expect(Math.abs(stalls - 600 / 10.5), why(`${stalls} stalls`)).toBeLessThan(15);
  });
});

describe('profiles, traces and determinism', () => {
  it.each(PROFILE_NAMES)('profile %s: same seed, same trace; another seed, another trace', (name) => {
    const a = formatTrace(simulateTrace(profile(name), { seed: SEED, durationMs: 20_000 }).rows);
    const b = formatTrace(simulateTrace(profile(name), { seed: SEED, durationMs: 20_000 }).rows);
    const c = formatTrace(simulateTrace(profile(name), { seed: SEED + 1, durationMs: 20_000 }).rows);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('exports the shared jitter-trace format: header, one row per packet, 16-bit seq, +160 timestamps, empty arrival when lost', () => {
    const shared = readFileSync('/work/shared/jitter-traces/g_loss15.csv', 'utf8').split('\n')[0];
    const { rows, stats } = simulateTrace({ loss: { model: 'random', percent: 15 }, delay: { ms: 30, jitterMs: 5 } }, { seed: SEED, durationMs: 60_000, firstSeq: 65000 });
    const csv = formatTrace(rows);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(shared.trim());
    expect(lines.length - 1).toBe(3000);
    const row = /^(\d+),(\d+),(\d+\.\d\d),(\d+\.\d\d)?$/;
    let prev: number[] | null = null;
    let lostRows = 0;
    for (const l of lines.slice(1)) {
      const m = row.exec(l);
      expect(m, l).not.toBeNull();
      const seq = Number(m![1]);
      const ts = Number(m![2]);
      if (m![4] === undefined) lostRows++;
      if (prev) {
        expect(seq).toBe((prev[0] + 1) & 0xffff);
        expect(ts).toBe((prev[1] + 160) >>> 0);
      }
      prev = [seq, ts];
    }
    expect(lostRows).toBe(stats.lost);
  });

  it('the sans-IO model gives the same arrivals polled step by step as drained at once', () => {
    const cfg = profile('wifi');
    const all = simulateNetwork(cfg, SEED, stream(3000)).arrivals;
    const m = new NetworkModel(cfg, SEED);
    const stepwise = [];
    for (let i = 0; i < 3000; i++) {
      m.push({ id: i, sendMs: i * 20, bytes: 200 });
      stepwise.push(...m.poll(i * 20));
    }
    stepwise.push(...m.poll(Infinity));
    expect(stepwise.map((a) => [a.id, a.arrivalMs])).toEqual(all.map((a) => [a.id, a.arrivalMs]));
    expect(m.inFlight).toBe(0);
  });
});

describe('bad input', () => {
  const bad: [string, NetworkConfig][] = [
    ['negative delay', { delay: { ms: -1 } }],
    ['unknown distribution', { delay: { ms: 10, jitterMs: 1, distribution: 'gamma' as never } }],
    ['loss over 100 %', { loss: { model: 'random', percent: 101 } }],
    ['unknown loss model', { loss: { model: 'bursty' } as never }],
    ['p13 + p14 > 100 %', { loss: { model: 'state', p13: 60, p14: 50 } }],
    ['reorder without delay', { reorder: { percent: 10 } }],
    ['fractional gap', { delay: { ms: 10 }, reorder: { percent: 10, gap: 1.5 } }],
    ['zero rate', { rate: { bytesPerSecond: 0 } }],
    ['slot max < min', { slot: { minMs: 10, maxMs: 5 } }],
    ['spike range reversed', { spikes: { everyMs: [10, 5], durationMs: [1, 2] } }],
  ];
  it.each(bad)('%s → VoipKitError invalid_argument', (_name, cfg) => {
    expect(() => new NetworkModel(cfg, 1)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
  it('packets pushed out of send order, or with a bad size, are refused', () => {
    const m = new NetworkModel({}, 1);
    m.push({ id: 0, sendMs: 10, bytes: 100 });
    expect(() => m.push({ id: 1, sendMs: 5, bytes: 100 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => m.push({ id: 1, sendMs: 20, bytes: 0 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
  it('unknown profile', () => {
    expect(() => profile('moon')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
