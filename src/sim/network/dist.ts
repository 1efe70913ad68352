/**
 * netem's delay distributions.
 *
 * netem draws a jittered delay as `mu + sigma · table[rnd mod N] / 8192`, where
 * the table (4096 signed 16-bit entries, NETEM_DIST_SCALE = 8192) is an
 * inverse cumulative distribution of a zero-centred shape; without a table
 * ("uniform") the delay is uniform in [mu − sigma, mu + sigma).  iproute2
 * generates the tables with small C programs (netem/normal.c, pareto.c,
 * paretonormal.c); we compute the same tables here from their definitions:
 *
 * - normal: entry k is the standard normal quantile Φ⁻¹((4k + 0.5)/16384),
 *   scaled by 8192 and clipped to int16.
 * - pareto: entry k is (u^(−1/3) − 1.5)·(4/3) with u = (65536 − 16k)/65536, i.e.
 *   a Pareto law of shape a = 3 and scale 1, shifted to mean 0, scaled by
 *   8192 and clipped to 32767.
 * - paretonormal: entry k is trunc((normal_unclipped[k] + 3·pareto[k]) / 4),
 *   clipped: a quarter normal, three quarters Pareto.
 *
 * test/sim-network.test.ts compares these tables with the ones Debian's
 * iproute2 installs under /usr/lib/x86_64-linux-gnu/tc/.
 */

/** Delay distribution names, as netem spells them. */
export type DelayDistribution = 'uniform' | 'normal' | 'pareto' | 'paretonormal';

export const DELAY_DISTRIBUTIONS: readonly DelayDistribution[] = ['uniform', 'normal', 'pareto', 'paretonormal'];

/** netem's fixed-point scale of table entries (NETEM_DIST_SCALE). */
export const NETEM_DIST_SCALE = 8192;
const TABLE_SIZE = 4096;

/**
 * Inverse of the standard normal CDF: P. J. Acklam's rational approximation
 * (relative error below 1.15e-9 over (0, 1)), written from its published
 * coefficients.
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - plow) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

const clip16 = (v: number): number => Math.max(-32768, Math.min(32767, v));

function normalUnclipped(): number[] {
  const t = new Array<number>(TABLE_SIZE);
  for (let k = 0; k < TABLE_SIZE; k++) t[k] = Math.round(inverseNormalCdf((4 * k + 0.5) / 16384) * NETEM_DIST_SCALE);
  return t;
}

function paretoTable(): number[] {
  const t = new Array<number>(TABLE_SIZE);
  for (let k = 0; k < TABLE_SIZE; k++) {
    const u = (65536 - 16 * k) / 65536;
    const v = (Math.pow(u, -1 / 3) - 1.5) * (4 / 3) * NETEM_DIST_SCALE;
    t[k] = Math.round(Math.min(v, 32767));
  }
  return t;
}

let cache: Record<Exclude<DelayDistribution, 'uniform'>, Int16Array> | null = null;

/** The 4096-entry table netem uses for a distribution (entries in 1/8192 units). */
export function distributionTable(name: Exclude<DelayDistribution, 'uniform'>): Int16Array {
  if (!cache) {
    const n = normalUnclipped();
    const p = paretoTable();
    cache = {
      normal: Int16Array.from(n, clip16),
      pareto: Int16Array.from(p, clip16),
      paretonormal: Int16Array.from(n, (v, k) => clip16(Math.trunc((v + 3 * p[k]) / 4))),
    };
  }
  return cache[name];
}

/**
 * Mean and standard deviation of a table's shape in units of sigma (what a
 * delay of `mu ± sigma` with this distribution averages to is
 * `mu + sigma·mean`, with deviation `sigma·sd`).  Uniform: 0 and 1/√3.
 */
export function distributionMoments(name: DelayDistribution): { mean: number; sd: number } {
  if (name === 'uniform') return { mean: 0, sd: 1 / Math.sqrt(3) };
  const t = distributionTable(name);
  let s = 0;
  let s2 = 0;
  for (const v of t) {
    s += v / NETEM_DIST_SCALE;
    s2 += (v / NETEM_DIST_SCALE) ** 2;
  }
  const mean = s / t.length;
  return { mean, sd: Math.sqrt(s2 / t.length - mean * mean) };
}
