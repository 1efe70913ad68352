// Build the bench-only libsrtp2 binding into build/bench/ (needs libsrtp2-dev,
// Node's headers in /usr/include/node, a C compiler).  Returns its path.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function buildLibsrtpBinding() {
  const src = `${root}bench/libsrtp/libsrtp_bench.c`;
  const out = `${root}build/bench/libsrtp_bench.node`;
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  mkdirSync(`${root}build/bench`, { recursive: true });
  const inc = process.env.NODE_INCLUDE ?? '/usr/include/node';
  const r = spawnSync('cc', ['-O2', '-shared', '-fPIC', `-I${inc}`, '-DNODE_GYP_MODULE_NAME=libsrtp_bench', '-o', out, src, '-lsrtp2'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the libsrtp bench binding failed:\n${r.stderr}`);
  return out;
}
