import type { ResampleBackend } from '../types.js';
import type { Addon } from './index.js';

type F = (...a: never[]) => never;
export function nativeResample(addon: Addon): ResampleBackend {
  const a = addon as unknown as Record<string, F>;
  return {
    create: a.resampleCreate,
    destroy: a.resampleDestroy,
    info: a.resampleInfo,
    outputFrames: a.resampleOutputFrames,
    flushFrames: a.resampleFlushFrames,
    reset: a.resampleReset,
    processI16: a.resampleProcessI16,
    processF32: a.resampleProcessF32,
    flushI16: a.resampleFlushI16,
    flushF32: a.resampleFlushF32,
  } as ResampleBackend;
}
