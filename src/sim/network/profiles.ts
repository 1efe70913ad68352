/**
 * Named network profiles.  Each is a plain {@link NetworkConfig}; docs/sim.md
 * lists their parameters and what they are meant to resemble.  They are
 * illustrations of common conditions, not measurements of any one network.
 */
import { VoipKitError } from '../../errors.js';
import type { NetworkConfig } from './model.js';

export const PROFILES = Object.freeze({
  /** Wired LAN: 1 ms ± 0.5 ms normal, no loss. */
  lan: { delay: { ms: 1, jitterMs: 0.5, distribution: 'normal' } },
  /** Home Wi-Fi: 8 ms ± 6 ms paretonormal (25 % correlated), bursty Gilbert-Elliott loss ≈1.6 % (mean burst 3.3), 1–6 ms aggregation slots of ≤ 8 packets. */
  wifi: {
    delay: { ms: 8, jitterMs: 6, correlation: 25, distribution: 'paretonormal' },
    loss: { model: 'gemodel', p: 0.5, r: 30, oneMinusH: 100, oneMinusK: 0 },
    slot: { minMs: 1, maxMs: 6, packets: 8 },
  },
  /** Cellular: 45 ms ± 12 ms normal, Gilbert-Elliott loss ≈1 %, stalls of 200–800 ms every 6–14 s after which held packets arrive in a burst. */
  mobile: {
    delay: { ms: 45, jitterMs: 12, correlation: 25, distribution: 'normal' },
    loss: { model: 'gemodel', p: 0.6, r: 35, oneMinusH: 60, oneMinusK: 0 },
    spikes: { everyMs: [6000, 14000], durationMs: [200, 800] },
  },
  /** Congested uplink: a 9.5 kB/s (76 kbit/s) bottleneck with a 12-packet queue, a little less than the G.711 stream needs, so the queue stays full (≈240 ms) and tail-drops ≈2.5 %; 25 ms ± 15 ms pareto; 4-state loss ≈2.4 % before it. */
  congested: {
    delay: { ms: 25, jitterMs: 15, distribution: 'pareto' },
    loss: { model: 'state', p13: 0.8, p31: 40, p32: 10, p23: 30, p14: 0.5 },
    rate: { bytesPerSecond: 9_500, queuePackets: 12 },
  },
  /** Geostationary satellite hop: 290 ms ± 8 ms normal, 0.5 % random loss. */
  satellite: {
    delay: { ms: 290, jitterMs: 8, distribution: 'normal' },
    loss: { model: 'random', percent: 0.5 },
  },
  /** Intercontinental wired path: 90 ms ± 4 ms normal, 0.2 % random loss. */
  intercontinental: {
    delay: { ms: 90, jitterMs: 4, distribution: 'normal' },
    loss: { model: 'random', percent: 0.2 },
  },
  /** Heavy reordering: 40 ms ± 10 ms uniform, 10 % of packets (after gaps of 3) sent ahead. */
  reorder: {
    delay: { ms: 40, jitterMs: 10 },
    reorder: { percent: 10, gap: 3 },
    loss: { model: 'random', percent: 0.3 },
  },
  /** Route change: 30 ms ± 3 ms, +150 ms from 30 s, back from 70 s (packets overtake each other when it drops). */
  'route-change': {
    delay: { ms: 30, jitterMs: 3, distribution: 'normal' },
    routeChanges: [
      { atMs: 30_000, extraDelayMs: 150 },
      { atMs: 70_000, extraDelayMs: 0 },
    ],
  },
} satisfies Record<string, NetworkConfig>);

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** A profile's configuration (a fresh copy). @throws VoipKitError `invalid_argument` for an unknown name. */
export function profile(name: string): NetworkConfig {
  if (!Object.prototype.hasOwnProperty.call(PROFILES, name)) {
    throw new VoipKitError('invalid_argument', `unknown network profile ${JSON.stringify(name)} (one of ${PROFILE_NAMES.join(', ')})`);
  }
  return structuredClone(PROFILES[name as ProfileName]) as NetworkConfig;
}
