import type { Handle, JitterBackend } from '../types.js';
import type { Addon } from './index.js';

interface JbAddon {
  jbCreate(config: Int32Array): Handle | number;
  jbDestroy(h: Handle): void;
  jbReset(h: Handle): number;
  jbPush(h: Handle, packet: Uint8Array, arrivalMs: number): number;
  jbPoll(h: Handle, nowMs: number, pcm: Int16Array, info: Int32Array): number;
  jbStats(h: Handle, out: Float64Array): number;
  jbRequest(h: Handle, req: Int32Array, payload: Uint8Array): number;
  jbSupply(h: Handle, pcm: Int16Array, n: number): number;
}

export function nativeJitter(addon: Addon): JitterBackend {
  const a = addon as unknown as JbAddon;
  return { create: a.jbCreate, destroy: a.jbDestroy, reset: a.jbReset, push: a.jbPush, poll: a.jbPoll, stats: a.jbStats, request: a.jbRequest, supply: a.jbSupply };
}
