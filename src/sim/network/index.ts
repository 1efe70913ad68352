/** The network model of the simulator: netem-class delay, loss, duplication, reordering, rate, slots, stalls. */
export * from './model.js';
export * from './profiles.js';
export * from './export.js';
export { distributionTable, distributionMoments, inverseNormalCdf, DELAY_DISTRIBUTIONS, NETEM_DIST_SCALE } from './dist.js';
export { resolveLoss, LossGenerator } from './loss.js';
export { Xoshiro128, CorrelatedRandom } from '../prng.js';
