/**
 * The jitter buffer decoding Opus in the C core (vk_jb + vk_opus_jb_hooks),
 * the native-only path the TypeScript layer does not take: a small C
 * harness (test/interop/opus_jb.c) sends speech as RTP with 10 % seeded
 * loss through the buffer.  With the hooks as they are, every missing packet
 * whose successor is buffered is recovered through decode_fec; a variant
 * whose concealment never sees the successor shows the audio differs.
 * (How much FEC recovery gains is measured in test/opus-fec.test.ts.)
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BACKENDS } from './helpers/backends.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}build/interop/opus_jb`;
const SPEECH = `${root}test/vectors/opus/speech48k.s16le`;

describe.runIf(BACKENDS.includes('native'))('Opus in the C core behind the jitter buffer', () => {
  beforeAll(() => {
    mkdirSync(`${root}build/interop`, { recursive: true });
    const flags = (args: string[]) => spawnSync('pkg-config', args, { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean);
    const src = ['test/interop/opus_jb.c', 'native/core/src/opus.c', 'native/core/src/opus_jb.c', 'native/core/src/jb.c', 'native/core/src/jb_buffer.c',
      'native/core/src/jb_decision.c', 'native/core/src/jb_delay.c', 'native/core/src/jb_dsp.c', 'native/core/src/common.c', 'native/core/src/seq.c', 'native/core/src/g711.c'];
    const r = spawnSync('cc', ['-O2', '-std=c11', '-Wall', '-Inative/core/include', '-Inative/core/src', ...flags(['--cflags', 'opus']), ...src, ...flags(['--libs', 'opus']), '-lm', '-o', bin],
      { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building the harness failed (apt-get install -y libopus-dev pkg-config): ${r.stderr}`);
  });

  function play(mode: 'fec' | 'plc', seed: number) {
    const r = spawnSync(bin, [SPEECH, mode, '10', String(seed)], { maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`opus_jb ${mode} failed: ${r.stderr}`);
    const stats = JSON.parse(r.stderr.toString()) as { dropped: number; lost: number; concealWithNext: number; concealWithoutNext: number; delayMs: number };
    return { pcm: new Int16Array(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + r.stdout.length)), stats };
  }

  it('plays the stream, recovering isolated losses through FEC', () => {
    for (const seed of [7, 11]) {
      const fec = play('fec', seed);
      const plc = play('plc', seed);
      console.log(`seed ${seed}: fec ${JSON.stringify(fec.stats)}; plc ${JSON.stringify(plc.stats)}`);
      expect(fec.stats.dropped).toBeGreaterThan(5);
      expect(fec.stats.lost).toBe(fec.stats.dropped);
      // every isolated loss had its successor in the buffer: recovered by FEC
      expect(fec.stats.concealWithNext).toBeGreaterThan(0);
      expect(fec.stats.concealWithNext).toBeLessThanOrEqual(fec.stats.lost);
      expect(fec.pcm.length).toBeGreaterThanOrEqual(192000);
      expect(fec.pcm.some((v) => v !== 0)).toBe(true);
      // the same buffer without FEC plays different audio
      expect(plc.pcm.length).toBe(fec.pcm.length);
      let diff = 0;
      for (let i = 0; i < fec.pcm.length; i++) if (fec.pcm[i] !== plc.pcm[i]) diff++;
      expect(diff).toBeGreaterThan(960);
    }
  });
});
