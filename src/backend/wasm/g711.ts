import type { G711Backend } from '../types.js';
import type { WasmCore } from './core.js';

export function wasmG711(core: WasmCore): G711Backend {
  const enc = core.fn('vk_g711_encode');
  const dec = core.fn('vk_g711_decode');
  const { a, b } = core;
  return {
    encode(law, pcm, out) {
      const n = pcm.length;
      const pin = a.reserve(n * 2);
      const pout = b.reserve(n);
      core.i16.set(pcm, pin >> 1);
      const r = enc(law, pin, n, pout);
      if (r > 0) out.set(core.u8.subarray(pout, pout + r));
      return r;
    },
    decode(law, codes, out) {
      const n = codes.length;
      const pin = a.reserve(n);
      const pout = b.reserve(n * 2);
      core.u8.set(codes, pin);
      const r = dec(law, pin, n, pout);
      if (r > 0) out.set(core.i16.subarray(pout >> 1, (pout >> 1) + r));
      return r;
    },
  };
}
