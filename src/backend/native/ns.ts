import type { Handle, NsBackend } from '../types.js';
import type { Addon } from './index.js';

interface NsAddon {
  nsCreate(sampleRate: number, strength: number): Handle | number;
  nsDestroy(h: Handle): void;
  nsProcessF32(h: Handle, input: Float32Array, out: Float32Array): number;
  nsProcessI16(h: Handle, input: Int16Array, out: Int16Array): number;
  nsReset(h: Handle): number;
  nsConfigure(h: Handle, strength: number, transient: number): number;
  nsStats(h: Handle, out: Float32Array): number;
}

export function nativeNs(addon: Addon): NsBackend {
  const a = addon as unknown as NsAddon;
  return {
    create: a.nsCreate,
    destroy: a.nsDestroy,
    processF32: a.nsProcessF32,
    processI16: a.nsProcessI16,
    reset: a.nsReset,
    configure: a.nsConfigure,
    stats: a.nsStats,
  };
}
