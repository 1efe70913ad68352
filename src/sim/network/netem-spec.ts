/**
 * Parse netem-style option text into a {@link NetworkConfig}, so a network
 * described for `tc qdisc add dev eth0 root netem ...` can be simulated as is:
 *
 *   delay 80ms 20ms 25% distribution normal loss gemodel 1% 30% 70% 0.1%
 *
 * Grammar (tc-netem(8), plus three simulator extensions at the end):
 *
 *   limit PACKETS
 *   delay TIME [JITTER [CORRELATION]]  distribution {uniform|normal|pareto|paretonormal}
 *   loss [random] PERCENT [CORRELATION] | loss state p13 [p31 [p32 [p23 [p14]]]]
 *        | loss gemodel p [r [1-h [1-k]]]
 *   duplicate PERCENT [CORRELATION]
 *   reorder PERCENT [CORRELATION] [gap DISTANCE]
 *   rate RATE [PACKETOVERHEAD]
 *   slot MIN [MAX] [packets N] [bytes N]
 *   stall AT DURATION                      (extension: a scheduled stall)
 *   spikes EVERY_MIN EVERY_MAX DUR_MIN DUR_MAX   (extension: recurring stalls)
 *   route AT EXTRA_DELAY                   (extension: a route change)
 *
 * Units: times take us, ms or s (a bare number is ms, unlike tc's µs);
 * percentages take an optional %; rates take bit, kbit, mbit, gbit (bits/s),
 * bps, kbps, mbps (bytes/s, as tc spells them); a bare rate is bits/s.
 * `limit` sets the bottleneck queue (it needs `rate`).  Not supported:
 * corrupt, ecn, slot distributions, cell sizes (an error says so).
 */
import { VoipKitError } from '../../errors.js';
import { DELAY_DISTRIBUTIONS, type DelayDistribution } from './dist.js';
import type { NetworkConfig } from './model.js';

function bad(msg: string): never {
  throw new VoipKitError('invalid_argument', `netem: ${msg}`);
}

/** A time in ms from "80ms", "0.5s", "800us" or "80". */
export function parseTimeMs(s: string, what = 'time'): number {
  const m = /^(-?\d+(?:\.\d+)?)(us|usec|ms|msec|s|sec|secs)?$/.exec(s.trim());
  if (!m) bad(`${what} must be a time like 80ms, 0.5s or 800us, got ${JSON.stringify(s)}`);
  const v = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return unit.startsWith('u') ? v / 1000 : unit.startsWith('m') ? v : v * 1000;
}

/** A percentage from "2%", "2" or "0.5%". */
export function parsePercent(s: string, what = 'percentage'): number {
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(s.trim());
  if (!m) bad(`${what} must be a percentage like 2% , got ${JSON.stringify(s)}`);
  const v = Number(m[1]);
  if (v > 100) bad(`${what} must not exceed 100%, got ${s}`);
  return v;
}

/** A rate in bytes/s from "64kbit", "1mbit", "8000bps", "10kbps" or "64000". */
export function parseRateBytesPerSecond(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(s.trim());
  if (!m) bad(`rate must look like 64kbit or 10kbps, got ${JSON.stringify(s)}`);
  const v = Number(m[1]);
  const units: Record<string, number> = {
    '': 1 / 8,
    bit: 1 / 8,
    kbit: 1000 / 8,
    mbit: 1e6 / 8,
    gbit: 1e9 / 8,
    bps: 1,
    kbps: 1000,
    mbps: 1e6,
    gbps: 1e9,
  };
  const f = units[m[2].toLowerCase()];
  if (f === undefined) bad(`unknown rate unit ${JSON.stringify(m[2])} (bit, kbit, mbit, gbit, bps, kbps, mbps)`);
  if (!(v > 0)) bad(`rate must be positive, got ${s}`);
  return v * f;
}

const KEYWORDS = new Set(['limit', 'delay', 'distribution', 'loss', 'duplicate', 'reorder', 'rate', 'slot', 'stall', 'spikes', 'route', 'corrupt', 'ecn', 'gap', 'packets', 'bytes']);
const isNum = (t: string | undefined): boolean => t !== undefined && /^-?\d/.test(t);

/**
 * Parse netem option text, starting from `base` (a profile, say): every
 * option given replaces that part of the base.
 * @throws VoipKitError `invalid_argument` naming the token that is wrong.
 */
export function parseNetemSpec(text: string, base: NetworkConfig = {}): NetworkConfig {
  const cfg: NetworkConfig = structuredClone(base);
  const t = text.trim().split(/\s+/).filter((x) => x !== '');
  let i = 0;
  const next = (what: string): string => {
    if (i >= t.length) bad(`${what} expected after ${JSON.stringify(t[i - 1] ?? '')}`);
    return t[i++];
  };
  const optional = (): string | undefined => (isNum(t[i]) ? t[i++] : undefined);
  let limit: number | undefined;
  let dist: DelayDistribution | undefined;
  while (i < t.length) {
    const kw = t[i++].toLowerCase();
    switch (kw) {
      case 'limit': {
        const v = Number(next('packets'));
        if (!Number.isInteger(v) || v < 1) bad(`limit must be a positive integer, got ${t[i - 1]}`);
        limit = v;
        break;
      }
      case 'delay': {
        const ms = parseTimeMs(next('delay time'), 'delay');
        const j = optional();
        const c = j !== undefined ? optional() : undefined;
        cfg.delay = { ms, jitterMs: j !== undefined ? parseTimeMs(j, 'jitter') : 0, correlation: c !== undefined ? parsePercent(c, 'delay correlation') : 0, distribution: dist ?? cfg.delay?.distribution };
        break;
      }
      case 'distribution': {
        const d = next('distribution name').toLowerCase();
        if (!DELAY_DISTRIBUTIONS.includes(d as DelayDistribution)) bad(`distribution must be one of ${DELAY_DISTRIBUTIONS.join(', ')}, got ${JSON.stringify(d)} (distribution files are not supported)`);
        dist = d as DelayDistribution;
        if (cfg.delay) cfg.delay.distribution = dist;
        break;
      }
      case 'loss': {
        let model = 'random';
        if (t[i] && !isNum(t[i])) model = next('loss model').toLowerCase();
        if (model === 'random') {
          const p = parsePercent(next('loss percentage'), 'loss');
          const c = optional();
          cfg.loss = { model: 'random', percent: p, correlation: c !== undefined ? parsePercent(c, 'loss correlation') : 0 };
        } else if (model === 'gemodel' || model === 'gilbert-elliott') {
          const v = [parsePercent(next('gemodel p'), 'gemodel p')];
          for (let k = 0; k < 3 && isNum(t[i]); k++) v.push(parsePercent(t[i++], ['r', '1-h', '1-k'][k]));
          cfg.loss = { model: 'gemodel', p: v[0], r: v[1], oneMinusH: v[2], oneMinusK: v[3] };
        } else if (model === 'state') {
          const v = [parsePercent(next('state p13'), 'p13')];
          for (let k = 0; k < 4 && isNum(t[i]); k++) v.push(parsePercent(t[i++], ['p31', 'p32', 'p23', 'p14'][k]));
          cfg.loss = { model: 'state', p13: v[0], p31: v[1], p32: v[2], p23: v[3], p14: v[4] };
        } else bad(`loss model must be random, state or gemodel, got ${JSON.stringify(model)}`);
        break;
      }
      case 'duplicate': {
        const p = parsePercent(next('duplicate percentage'), 'duplicate');
        const c = optional();
        cfg.duplicate = { percent: p, correlation: c !== undefined ? parsePercent(c, 'duplicate correlation') : 0 };
        break;
      }
      case 'reorder': {
        const p = parsePercent(next('reorder percentage'), 'reorder');
        const c = optional();
        let gap: number | undefined;
        if (t[i]?.toLowerCase() === 'gap') {
          i++;
          gap = Number(next('gap distance'));
          if (!Number.isInteger(gap) || gap < 1) bad(`gap must be a positive integer, got ${t[i - 1]}`);
        }
        cfg.reorder = { percent: p, correlation: c !== undefined ? parsePercent(c, 'reorder correlation') : 0, gap };
        break;
      }
      case 'rate': {
        const bytesPerSecond = parseRateBytesPerSecond(next('rate'));
        const o = optional();
        if (isNum(t[i])) bad('rate CELLSIZE and CELLOVERHEAD are not supported');
        cfg.rate = { ...(cfg.rate ?? {}), bytesPerSecond, packetOverhead: o !== undefined ? Number(o) : undefined };
        break;
      }
      case 'slot': {
        if (t[i]?.toLowerCase() === 'distribution') bad('slot distribution is not supported (use slot MIN MAX)');
        const minMs = parseTimeMs(next('slot min delay'), 'slot min');
        const mx = optional();
        const slot: NonNullable<NetworkConfig['slot']> = { minMs, maxMs: mx !== undefined ? parseTimeMs(mx, 'slot max') : undefined };
        while (t[i] && (t[i].toLowerCase() === 'packets' || t[i].toLowerCase() === 'bytes')) {
          const k = t[i++].toLowerCase();
          const v = Number(next(`slot ${k}`));
          if (!Number.isInteger(v) || v < 1) bad(`slot ${k} must be a positive integer, got ${t[i - 1]}`);
          if (k === 'packets') slot.packets = v;
          else slot.bytes = v;
        }
        cfg.slot = slot;
        break;
      }
      case 'stall': {
        const atMs = parseTimeMs(next('stall time'), 'stall time');
        const durationMs = parseTimeMs(next('stall duration'), 'stall duration');
        cfg.stalls = [...(cfg.stalls ?? []), { atMs, durationMs }];
        break;
      }
      case 'spikes': {
        const v = [0, 1, 2, 3].map((k) => parseTimeMs(next('spikes time'), ['spikes every-min', 'spikes every-max', 'spikes duration-min', 'spikes duration-max'][k]));
        cfg.spikes = { everyMs: [v[0], v[1]], durationMs: [v[2], v[3]] };
        break;
      }
      case 'route': {
        const atMs = parseTimeMs(next('route time'), 'route time');
        const extraDelayMs = parseTimeMs(next('route extra delay'), 'route extra delay');
        cfg.routeChanges = [...(cfg.routeChanges ?? []), { atMs, extraDelayMs }];
        break;
      }
      case 'corrupt':
      case 'ecn':
        bad(`${kw} is not supported by the simulator`);
        break;
      default:
        bad(KEYWORDS.has(kw) ? `${JSON.stringify(kw)} is misplaced` : `unknown option ${JSON.stringify(t[i - 1])}`);
    }
  }
  if (limit !== undefined) {
    if (!cfg.rate) bad('limit needs a rate (the queue it limits is the rate bottleneck)');
    cfg.rate.queuePackets = limit;
  }
  return cfg;
}
