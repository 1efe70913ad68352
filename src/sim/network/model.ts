/**
 * A netem-class network model, sans-IO and deterministic.
 *
 * The host pushes packets with their send times (`push`, in send order) and
 * polls for arrivals up to a time (`poll(nowMs)`); nothing reads a clock.  The
 * same seed and the same pushes give the same arrivals on every machine.
 *
 * A packet goes through these stages, in this order (netem's order where
 * netem has the feature):
 *
 * 1. duplication: with probability `duplicate.percent` a copy is made; the
 *    copy then goes through every following stage on its own (loss included,
 *    as netem re-enqueues it at the root qdisc), and is never duplicated again;
 * 2. loss: the configured {@link LossConfig} model;
 * 3. bottleneck (`rate`): a FIFO link of `bytesPerSecond`, serialising each
 *    packet (`bytes + packetOverhead`) after the previous one; a packet that
 *    finds `queuePackets` packets or `queueBytes` bytes waiting is tail-dropped.
 *    (netem applies its rate after the delay and counts its `limit` over the
 *    whole delay line; we model the bottleneck as a real access link would
 *    be, ahead of the propagation delay, and say so in docs/sim.md.)
 * 4. stalls (`spikes`, `stalls`): while the path is stalled, packets are
 *    held; they leave when the stall ends, then take their normal delay, so
 *    they arrive in a burst (the mobile-handover pattern);
 * 5. reordering (`reorder`): netem's rule: after `gap − 1` normally delayed
 *    packets, each packet is sent immediately (no delay, no slotting) with
 *    probability `reorder.percent`, which restarts the count;
 * 6. delay: `ms ± jitterMs` drawn from the distribution (netem's `tabledist`,
 *    with netem's correlation), plus the current route-change offset;
 *    negative draws are clamped to 0 (a packet cannot arrive before it left);
 *    as in netem, jitter larger than the packet spacing reorders packets;
 * 7. slotting (`slot`): delivery happens in slots, as sch_netem's dequeue:
 *    a packet ready at t that finds no slot open at or after t opens one at
 *    t + U[minMs, maxMs]; every packet ready by then leaves with it, up to
 *    `packets` packets and `bytes` bytes; the packet that exhausts the budget
 *    schedules the next slot U[minMs, maxMs] later.
 */
import { VoipKitError } from '../../errors.js';
import { CorrelatedRandom, Stream, Xoshiro128, checkSeed } from '../prng.js';
import { DELAY_DISTRIBUTIONS, NETEM_DIST_SCALE, distributionTable, type DelayDistribution } from './dist.js';
import { LossGenerator, resolveLoss, type LossConfig, type ResolvedLoss } from './loss.js';

export type { LossConfig } from './loss.js';
export type { DelayDistribution } from './dist.js';

/** Network model configuration. Every field is optional; {} is a perfect network. Times in ms, probabilities in percent. */
export interface NetworkConfig {
  /** Delay (netem `delay ms [jitterMs [correlation]] distribution D`). Default: 0 ms, no jitter, correlation 0 %, uniform. */
  delay?: { ms: number; jitterMs?: number; correlation?: number; distribution?: DelayDistribution };
  /** Loss model. Default: none. */
  loss?: LossConfig;
  /** Duplication (netem `duplicate percent [correlation]`). Default: none. */
  duplicate?: { percent: number; correlation?: number };
  /** Reordering (netem `reorder percent [correlation] [gap N]`); needs a delay. gap default 1. */
  reorder?: { percent: number; correlation?: number; gap?: number };
  /** Bottleneck link. queuePackets default 1000 (netem's default limit), queueBytes default unlimited, packetOverhead default 0 bytes. */
  rate?: { bytesPerSecond: number; packetOverhead?: number; queuePackets?: number; queueBytes?: number };
  /** Slotted delivery (netem `slot min [max] [packets N] [bytes N]`). max default = min; packets and bytes default unlimited. */
  slot?: { minMs: number; maxMs?: number; packets?: number; bytes?: number };
  /** Recurring random stalls: the next starts U[everyMs] after the previous ended and lasts U[durationMs]. */
  spikes?: { everyMs: [number, number]; durationMs: [number, number] };
  /** Scheduled stalls, on the sender's clock. */
  stalls?: { atMs: number; durationMs: number }[];
  /** Route changes: from `atMs` on (sender's clock), every packet takes `extraDelayMs` more (a step; 0 returns to the base route). */
  routeChanges?: { atMs: number; extraDelayMs: number }[];
}

/** A packet handed to the network. `id` is the caller's, returned with each arrival. */
export interface NetworkPacket {
  id: number;
  /** Send time, ms on the sender's clock; non-decreasing across pushes. */
  sendMs: number;
  /** Size on the wire in bytes (used by rate and slot byte budgets). */
  bytes: number;
}

/** One arrival at the receiver. */
export interface Arrival {
  id: number;
  sendMs: number;
  arrivalMs: number;
  bytes: number;
  /** True for the copy made by duplication. */
  duplicate: boolean;
  /** True when the reorder stage sent it without delay. */
  reordered: boolean;
}

/** What became of one pushed packet (before delivery). */
export interface PushResult {
  /** Copies in flight (0 = dropped, 2 = duplicated and both survived). */
  inFlight: number;
  lost: number;
  queueDropped: number;
}

/** Statistics snapshot. Delays are one-way, arrival − send, over delivered copies. */
export interface NetworkStats {
  /** Packets pushed. */
  sent: number;
  /** Copies made by duplication. */
  duplicated: number;
  /** Copies dropped by the loss model. */
  lost: number;
  /** Copies tail-dropped at the bottleneck queue. */
  queueDropped: number;
  /** Copies sent immediately by the reorder stage. */
  reordered: number;
  /** Copies delivered so far (poll). */
  delivered: number;
  /** Delivered copies that arrived before a copy sent earlier had arrived (arrival-order inversions). */
  outOfOrder: number;
  delayMeanMs: number;
  delayStdMs: number;
  delayMinMs: number;
  delayMaxMs: number;
}

interface Pending {
  ready: number;
  order: number;
  id: number;
  sendMs: number;
  bytes: number;
  duplicate: boolean;
  reordered: boolean;
}

/** Minimal binary heap on (time, order). */
class Heap<T extends { order: number }> {
  readonly #a: T[] = [];
  constructor(readonly key: (x: T) => number) {}
  get size(): number {
    return this.#a.length;
  }
  peek(): T | undefined {
    return this.#a[0];
  }
  #less(x: T, y: T): boolean {
    const kx = this.key(x);
    const ky = this.key(y);
    return kx < ky || (kx === ky && x.order < y.order);
  }
  push(x: T): void {
    const a = this.#a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(a[i], a[p])) break;
      const t = a[i];
      a[i] = a[p];
      a[p] = t;
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.#a;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#less(a[l], a[m])) m = l;
        if (r < a.length && this.#less(a[r], a[m])) m = r;
        if (m === i) break;
        const t = a[i];
        a[i] = a[m];
        a[m] = t;
        i = m;
      }
    }
    return top;
  }
}

function bad(msg: string): never {
  throw new VoipKitError('invalid_argument', msg);
}
function num(name: string, v: unknown, lo: number, hi = Infinity): number {
  if (typeof v !== 'number' || Number.isNaN(v) || (v === -Infinity) || (v === Infinity && hi !== Infinity) || v < lo || v > hi) bad(`${name} must be a number in [${lo}, ${hi}], got ${String(v)}`);
  return v;
}

/** A validated configuration with defaults filled in (fractions, not percent). */
export interface ResolvedNetworkConfig {
  delay: { ms: number; jitterMs: number; correlation: number; distribution: DelayDistribution };
  loss: ResolvedLoss;
  duplicate: { p: number; correlation: number };
  reorder: { p: number; correlation: number; gap: number };
  rate: { bytesPerSecond: number; packetOverhead: number; queuePackets: number; queueBytes: number } | null;
  slot: { minMs: number; maxMs: number; packets: number; bytes: number } | null;
  spikes: { everyMs: [number, number]; durationMs: [number, number] } | null;
  stalls: { atMs: number; durationMs: number }[];
  routeChanges: { atMs: number; extraDelayMs: number }[];
}

/** Validate a configuration (throws VoipKitError `invalid_argument` with the offending option). */
export function resolveNetworkConfig(cfg: NetworkConfig = {}): ResolvedNetworkConfig {
  if (cfg === null || typeof cfg !== 'object') bad('network config must be an object');
  const d = cfg.delay ?? { ms: 0 };
  const dist = d.distribution ?? 'uniform';
  if (!DELAY_DISTRIBUTIONS.includes(dist)) bad(`delay distribution must be one of ${DELAY_DISTRIBUTIONS.join(', ')}, got ${JSON.stringify(dist)}`);
  const delay = {
    ms: num('delay ms', d.ms, 0, 600_000),
    jitterMs: num('delay jitterMs', d.jitterMs ?? 0, 0, 600_000),
    correlation: num('delay correlation', d.correlation ?? 0, 0, 100) / 100,
    distribution: dist,
  };
  const dup = cfg.duplicate;
  const duplicate = dup
    ? { p: num('duplicate percent', dup.percent, 0, 100) / 100, correlation: num('duplicate correlation', dup.correlation ?? 0, 0, 100) / 100 }
    : { p: 0, correlation: 0 };
  const ro = cfg.reorder;
  const reorder = ro
    ? {
        p: num('reorder percent', ro.percent, 0, 100) / 100,
        correlation: num('reorder correlation', ro.correlation ?? 0, 0, 100) / 100,
        gap: num('reorder gap', ro.gap ?? 1, 1, 2 ** 31),
      }
    : { p: 0, correlation: 0, gap: 0 };
  if (ro && !Number.isInteger(reorder.gap)) bad(`reorder gap must be an integer, got ${ro.gap}`);
  if (reorder.p > 0 && delay.ms === 0 && delay.jitterMs === 0) bad('reordering needs a delay (netem: "reordering not possible without specifying some delay")');
  let rate: ResolvedNetworkConfig['rate'] = null;
  if (cfg.rate) {
    rate = {
      bytesPerSecond: num('rate bytesPerSecond', cfg.rate.bytesPerSecond, 1e-9),
      packetOverhead: num('rate packetOverhead', cfg.rate.packetOverhead ?? 0, -65535, 65535),
      queuePackets: num('rate queuePackets', cfg.rate.queuePackets ?? 1000, 1),
      queueBytes: num('rate queueBytes', cfg.rate.queueBytes ?? Infinity, 1, Infinity),
    };
  }
  let slot: ResolvedNetworkConfig['slot'] = null;
  if (cfg.slot) {
    const minMs = num('slot minMs', cfg.slot.minMs, 0, 600_000);
    const maxMs = num('slot maxMs', cfg.slot.maxMs ?? minMs, 0, 600_000);
    if (maxMs < minMs) bad(`slot maxMs (${maxMs}) must not be below minMs (${minMs})`);
    slot = { minMs, maxMs, packets: num('slot packets', cfg.slot.packets ?? Infinity, 1), bytes: num('slot bytes', cfg.slot.bytes ?? Infinity, 1) };
  }
  let spikes: ResolvedNetworkConfig['spikes'] = null;
  if (cfg.spikes) {
    const e = cfg.spikes.everyMs;
    const du = cfg.spikes.durationMs;
    if (!Array.isArray(e) || e.length !== 2 || !Array.isArray(du) || du.length !== 2) bad('spikes needs everyMs: [min, max] and durationMs: [min, max]');
    const ev: [number, number] = [num('spikes everyMs min', e[0], 1), num('spikes everyMs max', e[1], 1)];
    const dv: [number, number] = [num('spikes durationMs min', du[0], 0), num('spikes durationMs max', du[1], 0)];
    if (ev[1] < ev[0] || dv[1] < dv[0]) bad('spikes: each [min, max] range needs min <= max');
    spikes = { everyMs: ev, durationMs: dv };
  }
  const stalls = (cfg.stalls ?? []).map((s, i) => ({ atMs: num(`stalls[${i}].atMs`, s.atMs, -Infinity), durationMs: num(`stalls[${i}].durationMs`, s.durationMs, 0) }));
  stalls.sort((a, b) => a.atMs - b.atMs);
  const routeChanges = (cfg.routeChanges ?? []).map((r, i) => ({
    atMs: num(`routeChanges[${i}].atMs`, r.atMs, -Infinity),
    extraDelayMs: num(`routeChanges[${i}].extraDelayMs`, r.extraDelayMs, -600_000, 600_000),
  }));
  routeChanges.sort((a, b) => a.atMs - b.atMs);
  return { delay, loss: resolveLoss(cfg.loss), duplicate, reorder, rate, slot, spikes, stalls, routeChanges };
}

/** The network model. Not thread-safe; one instance per simulated direction. */
export class NetworkModel {
  readonly config: ResolvedNetworkConfig;
  readonly seed: number;
  readonly #loss: LossGenerator;
  readonly #delayRnd: CorrelatedRandom;
  readonly #dupRnd: CorrelatedRandom;
  readonly #reorderRnd: CorrelatedRandom;
  readonly #slotRng: Xoshiro128;
  readonly #spikeRng: Xoshiro128;
  readonly #table: Int16Array | null;
  #counter = 0;
  #order = 0;
  #lastSend = -Infinity;
  #linkFree = -Infinity;
  readonly #queue: { depart: number; bytes: number }[] = [];
  #queueHead = 0;
  #queueBytes = 0;
  #spikeStart = NaN;
  #spikeEnd = NaN;
  #slotNext: number | null = null;
  #slotPackets = 0;
  #slotBytes = 0;
  readonly #pending = new Heap<Pending>((p) => p.ready);
  readonly #out = new Heap<{ arrival: Arrival; order: number }>((p) => p.arrival.arrivalMs);
  #maxSendDelivered = -Infinity;
  #stats = { sent: 0, duplicated: 0, lost: 0, queueDropped: 0, reordered: 0, delivered: 0, outOfOrder: 0 };
  #dN = 0;
  #dMean = 0;
  #dM2 = 0;
  #dMin = Infinity;
  #dMax = -Infinity;

  /**
   * @param config network configuration (validated here).
   * @param seed 32-bit unsigned seed; the same seed and pushes give the same arrivals.
   * @throws VoipKitError `invalid_argument` for a bad option.
   */
  constructor(config: NetworkConfig = {}, seed = 1) {
    this.seed = checkSeed(seed);
    this.config = resolveNetworkConfig(config);
    const c = this.config;
    this.#loss = new LossGenerator(c.loss, new Xoshiro128(seed, Stream.Loss));
    this.#delayRnd = new CorrelatedRandom(new Xoshiro128(seed, Stream.Delay), c.delay.correlation);
    this.#dupRnd = new CorrelatedRandom(new Xoshiro128(seed, Stream.Duplicate), c.duplicate.correlation);
    this.#reorderRnd = new CorrelatedRandom(new Xoshiro128(seed, Stream.Reorder), c.reorder.correlation);
    this.#slotRng = new Xoshiro128(seed, Stream.Slot);
    this.#spikeRng = new Xoshiro128(seed, Stream.Spike);
    this.#table = c.delay.distribution === 'uniform' ? null : distributionTable(c.delay.distribution);
  }

  /**
   * Hand a packet to the network at its send time.
   * @throws VoipKitError `invalid_argument` if sendMs goes backwards or bytes is not a positive integer.
   */
  push(packet: NetworkPacket): PushResult {
    const { sendMs, bytes } = packet;
    if (typeof sendMs !== 'number' || !Number.isFinite(sendMs)) bad(`sendMs must be a finite number, got ${sendMs}`);
    if (sendMs < this.#lastSend) bad(`packets must be pushed in send order (sendMs ${sendMs} < ${this.#lastSend})`);
    if (!Number.isInteger(bytes) || bytes <= 0) bad(`bytes must be a positive integer, got ${bytes}`);
    this.#lastSend = sendMs;
    this.#stats.sent++;
    const res: PushResult = { inFlight: 0, lost: 0, queueDropped: 0 };
    const c = this.config;
    if (c.duplicate.p > 0 && this.#dupRnd.next() < c.duplicate.p) {
      this.#stats.duplicated++;
      this.#enqueue(packet, true, res);
    }
    this.#enqueue(packet, false, res);
    return res;
  }

  #enqueue(pkt: NetworkPacket, duplicate: boolean, res: PushResult): void {
    const c = this.config;
    if (this.#loss.lost()) {
      this.#stats.lost++;
      res.lost++;
      return;
    }
    let t = pkt.sendMs;
    if (c.rate) {
      const q = this.#queue;
      while (this.#queueHead < q.length && q[this.#queueHead].depart <= t) {
        this.#queueBytes -= q[this.#queueHead].bytes;
        this.#queueHead++;
      }
      if (this.#queueHead > 1024 && this.#queueHead * 2 > q.length) {
        q.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      const wire = Math.max(1, pkt.bytes + c.rate.packetOverhead);
      if (q.length - this.#queueHead >= c.rate.queuePackets || this.#queueBytes + wire > c.rate.queueBytes) {
        this.#stats.queueDropped++;
        res.queueDropped++;
        return;
      }
      const start = Math.max(t, this.#linkFree);
      this.#linkFree = start + (wire * 1000) / c.rate.bytesPerSecond;
      q.push({ depart: this.#linkFree, bytes: wire });
      this.#queueBytes += wire;
      t = this.#linkFree;
    }
    t = this.#afterStalls(t);
    let ready: number;
    let reordered = false;
    if (c.reorder.gap > 0 && this.#counter >= c.reorder.gap - 1 && this.#reorderRnd.next() < c.reorder.p) {
      this.#counter = 0;
      reordered = true;
      this.#stats.reordered++;
      ready = t;
    } else {
      this.#counter++;
      ready = t + Math.max(0, this.#drawDelay() + this.#routeExtra(pkt.sendMs));
    }
    res.inFlight++;
    this.#pending.push({ ready, order: this.#order++, id: pkt.id, sendMs: pkt.sendMs, bytes: pkt.bytes, duplicate, reordered });
  }

  /** netem's tabledist(mu, sigma) in ms. */
  #drawDelay(): number {
    const { ms, jitterMs } = this.config.delay;
    if (jitterMs === 0) return ms;
    const u = this.#delayRnd.nextU32();
    if (!this.#table) return ms - jitterMs + (2 * jitterMs * u) / 4294967296;
    return ms + (jitterMs * this.#table[u % this.#table.length]) / NETEM_DIST_SCALE;
  }

  #routeExtra(atMs: number): number {
    let extra = 0;
    for (const r of this.config.routeChanges) {
      if (r.atMs > atMs) break;
      extra = r.extraDelayMs;
    }
    return extra;
  }

  /** Hold t until every stall covering it has ended. */
  #afterStalls(t: number): number {
    const c = this.config;
    for (const s of c.stalls) {
      if (s.atMs > t) break;
      if (t < s.atMs + s.durationMs) t = s.atMs + s.durationMs;
    }
    if (c.spikes) {
      const sp = c.spikes;
      if (Number.isNaN(this.#spikeStart)) {
        this.#spikeStart = t + this.#spikeRng.uniform(sp.everyMs[0], sp.everyMs[1]);
        this.#spikeEnd = this.#spikeStart + this.#spikeRng.uniform(sp.durationMs[0], sp.durationMs[1]);
      }
      while (this.#spikeEnd <= t) {
        this.#spikeStart = this.#spikeEnd + this.#spikeRng.uniform(sp.everyMs[0], sp.everyMs[1]);
        this.#spikeEnd = this.#spikeStart + this.#spikeRng.uniform(sp.durationMs[0], sp.durationMs[1]);
      }
      if (t >= this.#spikeStart) t = this.#spikeEnd;
    }
    return t;
  }

  #slotDeliver(ready: number, bytes: number): number {
    const s = this.config.slot!;
    if (this.#slotNext === null || this.#slotNext < ready) this.#newSlot(ready);
    const at = this.#slotNext!;
    this.#slotPackets--;
    this.#slotBytes -= bytes;
    if (this.#slotPackets <= 0 || this.#slotBytes <= 0) this.#newSlot(at);
    void s;
    return at;
  }

  #newSlot(now: number): void {
    const s = this.config.slot!;
    this.#slotNext = now + this.#slotRng.uniform(s.minMs, s.maxMs);
    this.#slotPackets = s.packets;
    this.#slotBytes = s.bytes;
  }

  /**
   * Arrivals up to and including `nowMs`, in arrival order.  Call it only
   * after pushing every packet sent at or before `nowMs`; `poll(Infinity)`
   * drains everything.
   */
  poll(nowMs: number): Arrival[] {
    const res: Arrival[] = [];
    this.pollInto(nowMs, res);
    return res;
  }

  /** {@link poll}, appending to `out` (no allocation of a result array). Returns the number appended. */
  pollInto(nowMs: number, out: Arrival[]): number {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs)) bad(`nowMs must be a number, got ${nowMs}`);
    const slot = this.config.slot;
    for (let p = this.#pending.peek(); p && p.ready <= nowMs; p = this.#pending.peek()) {
      this.#pending.pop();
      const arrivalMs = slot && !p.reordered ? this.#slotDeliver(p.ready, p.bytes) : p.ready;
      const arrival: Arrival = { id: p.id, sendMs: p.sendMs, arrivalMs, bytes: p.bytes, duplicate: p.duplicate, reordered: p.reordered };
      this.#out.push({ arrival, order: p.order });
    }
    let n = 0;
    for (let a = this.#out.peek(); a && a.arrival.arrivalMs <= nowMs; a = this.#out.peek()) {
      this.#out.pop();
      this.#account(a.arrival);
      out.push(a.arrival);
      n++;
    }
    return n;
  }

  #account(a: Arrival): void {
    const st = this.#stats;
    st.delivered++;
    if (a.sendMs < this.#maxSendDelivered) st.outOfOrder++;
    else this.#maxSendDelivered = a.sendMs;
    const d = a.arrivalMs - a.sendMs;
    this.#dN++;
    const delta = d - this.#dMean;
    this.#dMean += delta / this.#dN;
    this.#dM2 += delta * (d - this.#dMean);
    if (d < this.#dMin) this.#dMin = d;
    if (d > this.#dMax) this.#dMax = d;
  }

  /** Copies pushed but not yet returned by poll. */
  get inFlight(): number {
    return this.#pending.size + this.#out.size;
  }

  /** A statistics snapshot. */
  stats(): NetworkStats {
    const n = this.#dN;
    return {
      ...this.#stats,
      delayMeanMs: n ? this.#dMean : NaN,
      delayStdMs: n > 1 ? Math.sqrt(this.#dM2 / (n - 1)) : NaN,
      delayMinMs: n ? this.#dMin : NaN,
      delayMaxMs: n ? this.#dMax : NaN,
    };
  }
}

/** Per-packet result of {@link simulateNetwork}: arrival times of each packet's copies (empty = lost). */
export interface SimulatedPacket extends NetworkPacket {
  arrivals: number[];
}

/**
 * Run packets through a fresh model and collect every arrival.
 * @param packets in send order; ids are ignored and replaced by the index.
 */
export function simulateNetwork(config: NetworkConfig, seed: number, packets: readonly Omit<NetworkPacket, 'id'>[]): { packets: SimulatedPacket[]; stats: NetworkStats; arrivals: Arrival[] } {
  const m = new NetworkModel(config, seed);
  const out: SimulatedPacket[] = packets.map((p, i) => ({ id: i, sendMs: p.sendMs, bytes: p.bytes, arrivals: [] }));
  const arrivals: Arrival[] = [];
  for (const p of out) {
    m.push(p);
    m.pollInto(p.sendMs, arrivals);
  }
  m.pollInto(Infinity, arrivals);
  for (const a of arrivals) out[a.id].arrivals.push(a.arrivalMs);
  return { packets: out, stats: m.stats(), arrivals };
}
