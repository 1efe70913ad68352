import type { CoreBackend } from '../types.js';
import type { Addon } from './index.js';

export function nativeCore(addon: Addon): CoreBackend {
  const a = addon as unknown as { strerror(s: number): string; version(): number };
  return { strerror: (s) => a.strerror(s), version: () => a.version() };
}
