import type { CngBackend } from '../types.js';
import type { Addon } from './index.js';

type F = (...a: never[]) => never;
export function nativeCng(addon: Addon): CngBackend {
  const a = addon as unknown as Record<string, F>;
  return { analyze: a.cnAnalyze, create: a.cngCreate, destroy: a.cngDestroy, update: a.cngUpdate, generate: a.cngGenerate } as CngBackend;
}
