/**
 * Bundled by test/opus-browser.test.ts (esbuild, platform browser) and run
 * in headless Chromium: voipkit's WASM build with Opus from opusscript,
 * both given to load() as URLs, as a browser application would.
 */
import { load } from '../../src/index.js';
// opusscript's emscripten glue: a CommonJS module whose export is the
// factory; opusscript's package.json maps its `fs` / `path` requires to
// nothing for bundlers ("browser" field).
import glue from 'opusscript/build/opusscript_native_wasm.js';

declare global {
  interface Window {
    runOpus(wasmUrl: string, opusWasmUrl: string): Promise<unknown>;
  }
}

window.runOpus = async (wasmUrl, opusWasmUrl) => {
  const kit = await load({ backend: 'wasm', wasm: wasmUrl, opusscript: { glue, wasm: opusWasmUrl } });
  const rate = 48000;
  const frame = 960;
  const enc = kit.createOpusEncoder({ sampleRate: rate, bitrate: 64000, application: 'audio' });
  const dec = kit.createOpusDecoder({ sampleRate: rate });
  const n = frame * 50;
  const src = new Int16Array(n);
  for (let i = 0; i < n; i++) src[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate) + 3000 * Math.sin((2 * Math.PI * 1230 * i) / rate));
  const out = new Int16Array(n);
  let bytes = 0;
  for (let at = 0; at < n; at += frame) {
    const p = enc.encode(src.subarray(at, at + frame));
    bytes += p.length;
    out.set(dec.decode(p), at);
  }
  const plc = dec.decode(null).length;
  const lag = enc.lookahead;
  // correlation of the source with the output delayed by the encoder's lookahead, past the first 100 ms
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 4800; i + lag < n; i++) {
    sxy += src[i] * out[i + lag];
    sxx += src[i] * src[i];
    syy += out[i + lag] * out[i + lag];
  }
  enc.close();
  dec.close();
  return {
    node: typeof process !== 'undefined' && !!(process as { versions?: { node?: string } }).versions?.node,
    backend: kit.backend,
    opus: kit.features.opus,
    opusFec: kit.features.opusFec,
    bytes,
    plc,
    corr: sxy / Math.sqrt(sxx * syy),
  };
};
