/**
 * netem's loss generators (sch_netem.c `loss_event`), one decision per packet.
 *
 * All probabilities are percentages (0–100), as `tc ... netem loss` takes
 * them.  Sources: the tc-netem(8) manual and Salsano, Ludovici, Ordine,
 * "Definition of a general and intuitive loss model for packet networks and
 * its implementation in the Netem module in the Linux kernel" (NetemCLG).
 */
import { VoipKitError } from '../../errors.js';
import { CorrelatedRandom, type Xoshiro128 } from '../prng.js';

/**
 * Loss model configuration.
 *
 * - `random`: each packet is lost with probability `percent` (netem
 *   `loss random PERCENT [CORRELATION]`; correlation 0–100, netem's
 *   deprecated correlated-uniform scheme).
 * - `gemodel`: Gilbert-Elliott (netem `loss gemodel p [r [1-h [1-k]]]`): `p` is
 *   the probability of moving from the good to the bad state, `r` from bad to
 *   good, `oneMinusH` the loss probability in the bad state, `oneMinusK` in the
 *   good state.  Defaults as tc-netem(8): r = 100 − p, 1−h = 100, 1−k = 0
 *   (Bernoulli with p alone, Simple Gilbert with p and r).  The loss of a
 *   packet depends on the state the packet finds; the transition follows it.
 * - `state`: the 4-state Markov model (netem `loss state p13 [p31 [p32 [p23
 *   [p14]]]]`): state 1 good reception, 2 good reception within a burst, 3
 *   burst loss, 4 isolated loss; a packet is lost when the transition it
 *   triggers enters state 3 or 4.  Defaults as iproute2: p31 = 100 − p13,
 *   p32 = 0, p23 = 100, p14 = 0 (Bernoulli with p13 alone).
 */
export type LossConfig =
  | { model: 'random'; percent: number; correlation?: number }
  | { model: 'gemodel'; p: number; r?: number; oneMinusH?: number; oneMinusK?: number }
  | { model: 'state'; p13: number; p31?: number; p32?: number; p23?: number; p14?: number };

function pct(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 100) {
    throw new VoipKitError('invalid_argument', `loss ${name} must be a percentage in [0, 100], got ${v}`);
  }
  return x / 100;
}

/** A loss model with every default filled in, probabilities as fractions. */
export type ResolvedLoss =
  | { model: 'none' }
  | { model: 'random'; p: number; correlation: number }
  | { model: 'gemodel'; p: number; r: number; lossBad: number; lossGood: number }
  | { model: 'state'; p13: number; p31: number; p32: number; p23: number; p14: number };

/** Validate a loss configuration and fill in netem's defaults. */
export function resolveLoss(cfg: LossConfig | undefined): ResolvedLoss {
  if (!cfg) return { model: 'none' };
  switch (cfg.model) {
    case 'random':
      return { model: 'random', p: pct('percent', cfg.percent, NaN), correlation: pct('correlation', cfg.correlation, 0) };
    case 'gemodel': {
      const p = pct('p', cfg.p, NaN);
      return {
        model: 'gemodel',
        p,
        r: pct('r', cfg.r, 100 - p * 100),
        lossBad: pct('1-h', cfg.oneMinusH, 100),
        lossGood: pct('1-k', cfg.oneMinusK, 0),
      };
    }
    case 'state': {
      const p13 = pct('p13', cfg.p13, NaN);
      const r = {
        model: 'state' as const,
        p13,
        p31: pct('p31', cfg.p31, 100 - p13 * 100),
        p32: pct('p32', cfg.p32, 0),
        p23: pct('p23', cfg.p23, 100),
        p14: pct('p14', cfg.p14, 0),
      };
      if (r.p13 + r.p14 > 1 + 1e-12) throw new VoipKitError('invalid_argument', 'loss state: p13 + p14 must not exceed 100%');
      if (r.p31 + r.p32 > 1 + 1e-12) throw new VoipKitError('invalid_argument', 'loss state: p31 + p32 must not exceed 100%');
      return r;
    }
    default:
      throw new VoipKitError('invalid_argument', `unknown loss model ${JSON.stringify((cfg as { model: unknown }).model)} (random, gemodel or state)`);
  }
}

/** Per-packet loss decisions of one model instance. */
export class LossGenerator {
  readonly #cfg: ResolvedLoss;
  readonly #rng: Xoshiro128;
  readonly #cor: CorrelatedRandom | null;
  /** gemodel: 0 good, 1 bad.  state: 1..4. */
  #state: number;

  constructor(cfg: ResolvedLoss, rng: Xoshiro128) {
    this.#cfg = cfg;
    this.#rng = rng;
    this.#cor = cfg.model === 'random' ? new CorrelatedRandom(rng, cfg.correlation) : null;
    this.#state = cfg.model === 'state' ? 1 : 0;
  }

  /** The current state (gemodel: 'good' | 'bad'; state model: 1..4). */
  get state(): string | number {
    return this.#cfg.model === 'gemodel' ? (this.#state ? 'bad' : 'good') : this.#state;
  }

  /** Decide the fate of the next packet: true when it is lost. */
  lost(): boolean {
    const c = this.#cfg;
    switch (c.model) {
      case 'none':
        return false;
      case 'random':
        return c.p > 0 && this.#cor!.next() < c.p;
      case 'gemodel': {
        const bad = this.#state === 1;
        const u1 = this.#rng.next();
        if (bad ? u1 < c.r : u1 < c.p) this.#state = bad ? 0 : 1;
        return this.#rng.next() < (bad ? c.lossBad : c.lossGood);
      }
      case 'state': {
        const u = this.#rng.next();
        switch (this.#state) {
          case 1:
            if (u < c.p14) this.#state = 4;
            else if (u < c.p14 + c.p13) this.#state = 3;
            break;
          case 2:
            if (u < c.p23) this.#state = 3;
            break;
          case 3:
            if (u < c.p32) this.#state = 2;
            else if (u < c.p32 + c.p31) this.#state = 1;
            break;
          default:
            this.#state = 1;
        }
        return this.#state === 3 || this.#state === 4;
      }
    }
  }
}
