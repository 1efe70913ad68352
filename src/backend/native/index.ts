/**
 * The native backend: the Node-API addon built by `npm run build:native`
 * (cmake-js) from native/core + native/addon.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../types.js';
import { VoipKitError } from '../../errors.js';
import { nativeCore } from './core.js';
import { nativeG711 } from './g711.js';
import { nativeSeq } from './seq.js';
import { nativeSrtp } from './srtp.js';
import { nativeJitter } from './jitter.js';
import { nativeNs } from './ns.js';
import { nativeResample } from './resample.js';
import { nativeOpus } from './opus.js';
import { nativeCng } from './cng.js';

/** The raw exports of voipkit.node; each capability file types its part. */
export type Addon = Record<string, (...args: never[]) => unknown>;

/**
 * Where the addon is looked for, first match wins.  VOIPKIT_ADDON, when set,
 * is the only place looked at.
 */
export function addonCandidates(): string[] {
  if (process.env.VOIPKIT_ADDON) return [process.env.VOIPKIT_ADDON];
  const root = new URL('../../../', import.meta.url);
  const list = [];
  list.push(fileURLToPath(new URL('build/native/Release/voipkit.node', root)));
  list.push(fileURLToPath(new URL('build/native/Debug/voipkit.node', root)));
  return list;
}

export function loadNative(): Backend {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new VoipKitError('load_failed', 'the native backend needs Node.js; use { backend: "wasm" } in browsers');
  }
  const candidates = addonCandidates();
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new VoipKitError(
      'load_failed',
      `the native addon is not built (looked for ${candidates.join(', ')}). ` +
        'Build it with `npm run build:native` (needs cmake and a C/C++ compiler; ' +
        'on Debian: apt-get install -y cmake g++ libopus-dev), or use the WASM backend: ' +
        'load({ backend: "wasm" }) or VOIPKIT_BACKEND=wasm.',
    );
  }
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(path) as Addon;
  } catch (err) {
    throw new VoipKitError(
      'load_failed',
      `the native addon at ${path} failed to load (${(err as Error).message}). ` +
        'Rebuild it for this Node.js with `npm run build:native`, or use the WASM backend.',
      { cause: err },
    );
  }
  return {
    kind: 'native',
    core: nativeCore(addon),
    g711: nativeG711(addon),
    seq: nativeSeq(addon),
    srtp: nativeSrtp(addon),
    jitter: nativeJitter(addon),
    ns: nativeNs(addon),
    resample: nativeResample(addon),
    opus: nativeOpus(addon),
    cng: nativeCng(addon),
  };
}
