// vk_opus's C test (native/core/test/opus_test.c): the layer over the system
// libopus compared call by call with plain libopus (round trips at every
// rate, concealment, decode_fec, bad arguments, malformed and random
// packets), compiled with AddressSanitizer and UndefinedBehaviorSanitizer.
// vk_opus exists in the native build only (the WASM build has no libopus;
// its Opus is opusscript, covered by the API tests in opus*.test.ts), so
// this runs when the native backend is under test.  `npm run sanitize` runs
// the same program through ctest.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKENDS } from './helpers/backends.js';

const root = fileURLToPath(new URL('../', import.meta.url));

describe.runIf(BACKENDS.includes('native'))('vk_opus C core under ASan/UBSan', () => {
  it('opus_test passes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'vk-opus-')), 'opus_test');
    const flags = (args: string[]) => spawnSync('pkg-config', args, { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean);
    const cc = spawnSync('cc', ['-g', '-O1', '-std=c11', '-fsanitize=address,undefined', '-fno-sanitize-recover=undefined',
      '-DVK_HAVE_OPUS=1', '-Inative/core/include', '-Inative/core/src', ...flags(['--cflags', 'opus']),
      'native/core/test/opus_test.c', 'native/core/src/opus.c', 'native/core/src/common.c', ...flags(['--libs', 'opus']), '-lm', '-o', out],
      { cwd: root, encoding: 'utf8' });
    expect(cc.status, `building opus_test failed (apt-get install -y libopus-dev pkg-config): ${cc.stderr}`).toBe(0);
    const r = spawnSync(out, [], { cwd: root, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1' } });
    console.log(r.stdout.trim());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/opus_test: \d+ checks passed/);
  }, 120_000);
});
