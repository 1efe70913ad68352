// The jitter buffer's C tests (native/core/test/jb_test.c: external decoder
// hooks with FEC, argument checks, a seeded fuzz loop), compiled with
// AddressSanitizer and UndefinedBehaviorSanitizer and run.  This checks the
// core itself; the API tests in jitter.test.ts run on both backends.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

describe('jitter buffer C core under ASan/UBSan', () => {
  it('jb_test passes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vk-jb-')), 'jb_test');
    const src = join(root, 'native/core/src');
    // the jitter buffer and what it uses (not every core source: some need system libraries)
    const sources = readdirSync(src).filter((f) => /^(jb.*|seq|g711|common)\.c$/.test(f)).map((f) => join(src, f));
    const cc = spawnSync('cc', ['-g', '-O1', '-std=c11', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined',
      '-I', join(root, 'native/core/include'), '-I', src, ...sources, join(root, 'native/core/test/jb_test.c'), '-lm', '-o', out], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const r = spawnSync(out, [], { encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('jb_test: ok');
  });
});
