import type { Handle, ResampleBackend } from '../types.js';
import type { WasmCore } from './core.js';

/** vk_resample_info: 5 int32 then 2 floats. */
const INFO_BYTES = 28;

export function wasmResample(core: WasmCore): ResampleBackend {
  const create = core.fn('vk_resample_create');
  const destroy = core.fn('vk_resample_destroy');
  const getInfo = core.fn('vk_resample_get_info');
  const outputFrames = core.fn('vk_resample_output_frames');
  const flushFrames = core.fn('vk_resample_flush_frames');
  const reset = core.fn('vk_resample_reset');
  const pI16 = core.fn('vk_resample_process_i16');
  const pF32 = core.fn('vk_resample_process_f32');
  const fI16 = core.fn('vk_resample_flush_i16');
  const fF32 = core.fn('vk_resample_flush_f32');
  const slot = core.exports.malloc(INFO_BYTES);
  const { a, b } = core;

  function channels(h: number): number {
    getInfo(h, slot);
    return core.i32[(slot >> 2) + 4];
  }
  return {
    create(inRate, outRate, ch, quality) {
      const r = create(inRate, outRate, ch, quality, slot);
      return r < 0 ? r : core.i32[slot >> 2];
    },
    destroy: (h: Handle) => void destroy(h as number),
    info(h, out) {
      const r = getInfo(h as number, slot);
      if (r < 0) return r;
      const i32 = core.i32, f32 = core.f32, s = slot >> 2;
      for (let i = 0; i < 5; i++) out[i] = i32[s + i];
      out[5] = f32[s + 5];
      out[6] = f32[s + 6];
      return 0;
    },
    outputFrames: (h, n) => outputFrames(h as number, n),
    flushFrames: (h) => flushFrames(h as number),
    reset: (h) => void reset(h as number),
    processI16(h, input, out) {
      const c = channels(h as number);
      if (input.length % c) return -1;
      const pin = a.reserve(input.length * 2);
      const pout = b.reserve(out.length * 2);
      core.i16.set(input, pin >> 1);
      const r = pI16(h as number, pin, input.length / c, pout, Math.floor(out.length / c));
      if (r > 0) out.set(core.i16.subarray(pout >> 1, (pout >> 1) + r * c));
      return r;
    },
    processF32(h, input, out) {
      const c = channels(h as number);
      if (input.length % c) return -1;
      const pin = a.reserve(input.length * 4);
      const pout = b.reserve(out.length * 4);
      core.f32.set(input, pin >> 2);
      const r = pF32(h as number, pin, input.length / c, pout, Math.floor(out.length / c));
      if (r > 0) out.set(core.f32.subarray(pout >> 2, (pout >> 2) + r * c));
      return r;
    },
    flushI16(h, out) {
      const c = channels(h as number);
      const pout = b.reserve(out.length * 2);
      const r = fI16(h as number, pout, Math.floor(out.length / c));
      if (r > 0) out.set(core.i16.subarray(pout >> 1, (pout >> 1) + r * c));
      return r;
    },
    flushF32(h, out) {
      const c = channels(h as number);
      const pout = b.reserve(out.length * 4);
      const r = fF32(h as number, pout, Math.floor(out.length / c));
      if (r > 0) out.set(core.f32.subarray(pout >> 2, (pout >> 2) + r * c));
      return r;
    },
  };
}
