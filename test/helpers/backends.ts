/**
 * Every test of a core capability runs once per backend.  BACKENDS is both
 * builds unless VOIPKIT_BACKEND names one.  A backend that fails to load
 * fails its tests: it is never skipped silently.
 */
import { load, type VoipKit, type BackendKind } from '../../src/index.js';

const env = process.env.VOIPKIT_BACKEND;
export const BACKENDS: BackendKind[] = env === 'native' || env === 'wasm' ? [env] : ['native', 'wasm'];

const kits = new Map<BackendKind, Promise<VoipKit>>();

export function kitFor(backend: BackendKind): Promise<VoipKit> {
  let k = kits.get(backend);
  if (!k) {
    k = load({ backend });
    kits.set(backend, k);
  }
  return k;
}
