import type { Handle, SeqBackend } from '../types.js';
import type { Addon } from './index.js';

interface SeqAddon {
  seqCreate(probation: number): Handle | number;
  seqDestroy(h: Handle): void;
  seqUpdate(h: Handle, seq: number, out: Float64Array): number;
  seqStats(h: Handle, out: Float64Array): number;
  seqReport(h: Handle, out: Float64Array): number;
}

export function nativeSeq(addon: Addon): SeqBackend {
  const a = addon as unknown as SeqAddon;
  return { create: a.seqCreate, destroy: a.seqDestroy, update: a.seqUpdate, stats: a.seqStats, report: a.seqReport };
}
