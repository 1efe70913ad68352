import type { Handle, NsBackend } from '../types.js';
import type { WasmCore } from './core.js';

export function wasmNs(core: WasmCore): NsBackend {
  const create = core.fn('vk_ns_create');
  const destroy = core.fn('vk_ns_destroy');
  const pf32 = core.fn('vk_ns_process_f32');
  const pi16 = core.fn('vk_ns_process_i16');
  const reset = core.fn('vk_ns_reset');
  const setStrength = core.fn('vk_ns_set_strength');
  const setTransient = core.fn('vk_ns_set_transient');
  const stats = core.fn('vk_ns_stats');
  const slot = core.exports.malloc(64);
  const { a } = core;
  return {
    create(rate, strength) {
      const r = create(rate, strength, slot);
      return r < 0 ? r : core.i32[slot >> 2];
    },
    destroy(h: Handle) {
      destroy(h as number);
    },
    // One heap region serves as input and output: the core processes in place.
    processF32(h, input, out) {
      const n = input.length;
      const p = a.reserve(n * 4);
      core.f32.set(input, p >> 2);
      const r = pf32(h as number, p, p, n);
      if (r > 0) out.set(core.f32.subarray(p >> 2, (p >> 2) + r));
      return r;
    },
    processI16(h, input, out) {
      const n = input.length;
      const p = a.reserve(n * 2);
      core.i16.set(input, p >> 1);
      const r = pi16(h as number, p, p, n);
      if (r > 0) out.set(core.i16.subarray(p >> 1, (p >> 1) + r));
      return r;
    },
    reset(h) {
      reset(h as number);
      return 0;
    },
    configure(h, strength, transient) {
      const r = setStrength(h as number, strength);
      return r < 0 ? r : setTransient(h as number, transient);
    },
    stats(h, out) {
      const n = Math.min(out.length, 16);
      const r = stats(h as number, slot, n);
      if (r > 0) out.set(core.f32.subarray(slot >> 2, (slot >> 2) + r));
      return r;
    },
  };
}
