/**
 * Opus without libopus in the native build: the addon serves everything
 * else and Opus comes from opusscript, as kit.features.opus says.  (The
 * CMake side: -DVK_WITHOUT_OPUS=ON builds such an addon, see docs/opus.md.)
 */
import { describe, it, expect } from 'vitest';
import { BACKENDS } from './helpers/backends.js';
import { loadNative } from '../src/backend/native/index.js';
import { createKit, load, withOpusFallback } from '../src/index.js';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { voiced, compare, concat16 } from './helpers/audio.js';

describe.runIf(BACKENDS.includes('native'))('Opus fallback of the native build', () => {
  it('this addon has libopus, and a backend without it falls back to opusscript', async () => {
    const native = loadNative();
    expect(native.opus?.provider).toBe('native');
    expect(native.opus?.version).toMatch(/^libopus \d/);
    const kit = createKit(await withOpusFallback({ ...native, opus: null }));
    expect(kit.backend).toBe('native');
    expect(kit.features.opus).toBe('opusscript');
    expect(kit.features.g711).toBe('native');
    expect(kit.features.opusFec).toBe(false);
    const enc = kit.createOpusEncoder({ sampleRate: 16000, bitrate: 32000 });
    const dec = kit.createOpusDecoder({ sampleRate: 16000 });
    expect(dec.canDecodeFec).toBe(false);
    const src = voiced(16000, 0.5);
    const out: Int16Array[] = [];
    for (let at = 0; at + 320 <= src.length; at += 320) out.push(dec.decode(enc.encode(src.subarray(at, at + 320))) as Int16Array);
    expect(compare(src, concat16(out), enc.lookahead + 16, 1600, 1, enc.lookahead - 16).corr).toBeGreaterThan(0.9);
    enc.close();
    dec.close();
  });

  it('with neither, Opus is unsupported and the rest still works', () => {
    const kit = createKit({ ...loadNative(), opus: null });
    expect(kit.features.opus).toBe('none');
    expect(kit.features.opusFec).toBe(false);
    expect(() => kit.createOpusEncoder({ sampleRate: 48000 })).toThrow(expect.objectContaining({ code: 'unsupported' }));
    expect(() => kit.createOpusDecoder({ sampleRate: 48000 })).toThrow(expect.objectContaining({ code: 'unsupported' }));
    expect(kit.g711.encode('pcmu', new Int16Array([0])).length).toBe(1);
  });
});

// What a browser does (test/opus-browser.test.ts runs it in Chromium): the
// opusscript glue and module handed to load().  A build with libopus keeps
// it (the option only fills in where there is none).
describe.each(BACKENDS)('load({ opusscript: { glue, wasm } }) on %s', (backend) => {
  it('serves Opus from the given glue and module where the build has no libopus', async () => {
    const req = createRequire(import.meta.url);
    const glue = req('opusscript/build/opusscript_native_wasm.js') as unknown;
    const bytes = readFileSync(req.resolve('opusscript/build/opusscript_native_wasm.wasm'));
    for (const wasm of [bytes, await WebAssembly.compile(bytes), new URL(`file://${req.resolve('opusscript/build/opusscript_native_wasm.wasm')}`)]) {
      const kit = await load({ backend, opusscript: { glue, wasm } });
      expect(kit.features.opus).toBe(backend === 'native' ? 'native' : 'opusscript');
      expect(kit.features.opusFec).toBe(backend === 'native');
      const enc = kit.createOpusEncoder({ sampleRate: 16000, bitrate: 32000 });
      const dec = kit.createOpusDecoder({ sampleRate: 16000 });
      const src = voiced(16000, 0.5);
      const out: Int16Array[] = [];
      for (let at = 0; at + 320 <= src.length; at += 320) out.push(dec.decode(enc.encode(src.subarray(at, at + 320))) as Int16Array);
      expect(compare(src, concat16(out), enc.lookahead + 16, 1600, 1, enc.lookahead - 16).corr).toBeGreaterThan(0.9);
      enc.close();
      dec.close();
    }
  });
});
