import type { G711Backend } from '../types.js';
import type { WasmCore } from './core.js';

export function wasmG711(core: WasmCore): G711Backend {
  const enc = core.fn('vk_g711_encode');
  const dec = core.fn('vk_g711_decode');
  const { a, b } = core;
  return {
    encode(law, pcm, out) {
      const n = pcm.length;
      const vin = a.view(Int16Array, n);
      const vout = b.view(Uint8Array, n); // may grow memory: take it before using vin
      const pin = a.ptr;
      const fresh = vin.buffer === core.exports.memory.buffer ? vin : a.view(Int16Array, n);
      fresh.set(pcm);
      const r = enc(law, pin, n, b.ptr);
      if (r === n) out.set(vout);
      return r;
    },
    decode(law, codes, out) {
      const n = codes.length;
      const vin = a.view(Uint8Array, n);
      const vout = b.view(Int16Array, n);
      const fresh = vin.buffer === core.exports.memory.buffer ? vin : a.view(Uint8Array, n);
      fresh.set(codes);
      const r = dec(law, a.ptr, n, b.ptr);
      if (r === n) out.set(vout);
      return r;
    },
  };
}
