import type { G711Backend } from '../types.js';
import type { Addon } from './index.js';

interface G711Addon {
  g711Encode(law: number, pcm: Int16Array, out: Uint8Array): number;
  g711Decode(law: number, codes: Uint8Array, out: Int16Array): number;
}

export function nativeG711(addon: Addon): G711Backend {
  const a = addon as unknown as G711Addon;
  // The addon functions already have the backend's shape: pass them through
  // without a wrapper frame on the hot path.
  return { encode: a.g711Encode, decode: a.g711Decode };
}
