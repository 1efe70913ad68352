/**
 * Build the small C peers the interop tests drive (never shipped): compiled
 * into build/interop/ when missing or older than their source.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function buildTool(name: string, pkgs: string[]): string {
  const src = `${root}test/interop/${name}.c`;
  const out = `${root}build/interop/${name}`;
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  mkdirSync(`${root}build/interop`, { recursive: true });
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', ...pkgs], { encoding: 'utf8' });
  if (flags.status !== 0) throw new Error(`pkg-config ${pkgs.join(' ')} failed: ${flags.stderr} (apt-get install -y libsrtp2-dev pkg-config)`);
  const r = spawnSync('cc', ['-O2', '-Wall', '-o', out, src, ...flags.stdout.trim().split(/\s+/)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${name} failed:\n${r.stderr}`);
  return out;
}

/** Deterministic bytes (xorshift32) for reproducible test data. */
export function seededBytes(seed: number, n: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
