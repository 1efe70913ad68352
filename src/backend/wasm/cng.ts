import type { CngBackend, Handle } from '../types.js';
import type { WasmCore } from './core.js';

export function wasmCng(core: WasmCore): CngBackend {
  const analyze = core.fn('vk_cn_analyze');
  const create = core.fn('vk_cng_create');
  const destroy = core.fn('vk_cng_destroy');
  const update = core.fn('vk_cng_update');
  const generate = core.fn('vk_cng_generate');
  const slot = core.exports.malloc(8);
  const { a, b } = core;
  return {
    analyze(pcm, order, out) {
      const pin = a.reserve(pcm.length * 2);
      const pout = b.reserve(out.length);
      core.i16.set(pcm, pin >> 1);
      const r = analyze(pin, pcm.length, order, pout, out.length);
      if (r > 0) out.set(core.u8.subarray(pout, pout + r));
      return r;
    },
    create(seed) {
      const r = create(seed >>> 0, slot);
      return r < 0 ? r : core.i32[slot >> 2];
    },
    destroy: (h: Handle) => void destroy(h as number),
    update(h, payload) {
      const p = a.reserve(payload.length);
      core.u8.set(payload, p);
      return update(h as number, p, payload.length);
    },
    generate(h, out) {
      const p = b.reserve(out.length * 2);
      const r = generate(h as number, p, out.length);
      if (r > 0) out.set(core.i16.subarray(p >> 1, (p >> 1) + r));
      return r;
    },
  };
}
