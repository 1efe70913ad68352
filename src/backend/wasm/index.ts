/**
 * The WASM backend: wasm/dist/voipkit.wasm, the same C core compiled by
 * emscripten (npm run build:wasm), instantiated here without JS glue.
 */
import type { Backend } from '../types.js';
import { VoipKitError } from '../../errors.js';
import { WasmCore, wasmImports } from './core.js';
import { wasmCoreBackend } from './corefns.js';
import { wasmG711 } from './g711.js';
import { wasmSeq } from './seq.js';
import { wasmSrtp } from './srtp.js';
import { wasmJitter } from './jitter.js';
import { wasmNs } from './ns.js';
import { wasmResample } from './resample.js';
import { wasmCng } from './cng.js';

export type WasmSource = BufferSource | WebAssembly.Module | URL | string;

/** Location of the committed module, relative to this file in src/ or dist/. */
export const DEFAULT_WASM_URL = new URL('../../../wasm/dist/voipkit.wasm', import.meta.url);

async function readSource(src: WasmSource): Promise<BufferSource | WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (typeof src !== 'string' && !(src instanceof URL)) return src;
  const url = typeof src === 'string' ? new URL(src, DEFAULT_WASM_URL) : src;
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${url.href}`);
  return res.arrayBuffer();
}

export async function loadWasm(source: WasmSource = DEFAULT_WASM_URL): Promise<Backend> {
  let core: WasmCore;
  try {
    const bytes = await readSource(source);
    const module = bytes instanceof WebAssembly.Module ? bytes : await WebAssembly.compile(bytes);
    const instance = await WebAssembly.instantiate(module, wasmImports());
    core = new WasmCore(instance);
  } catch (err) {
    throw new VoipKitError(
      'load_failed',
      `the WASM module failed to load from ${String(source instanceof URL ? source.href : typeof source === 'string' ? source : 'the given bytes')} ` +
        `(${(err as Error).message}). It ships in wasm/dist/; rebuild it with \`npm run build:wasm\` (needs Debian's emscripten).`,
      { cause: err },
    );
  }
  return makeWasmBackend(core);
}

export function makeWasmBackend(core: WasmCore): Backend {
  return {
    kind: 'wasm',
    core: wasmCoreBackend(core),
    g711: wasmG711(core),
    seq: wasmSeq(core),
    srtp: wasmSrtp(core),
    jitter: wasmJitter(core),
    ns: wasmNs(core),
    resample: wasmResample(core),
    opus: null, // opusscript, attached by load()
    cng: wasmCng(core),
  };
}
