import type { Handle, SeqBackend } from '../types.js';
import type { WasmCore } from './core.js';

export function wasmSeq(core: WasmCore): SeqBackend {
  const create = core.fn('vk_seq_create');
  const destroy = core.fn('vk_seq_destroy');
  const update = core.fn('vk_seq_update') as (h: number, seq: number, ext: number) => number;
  const extMax = core.fn('vk_seq_ext_max') as unknown as (h: number) => bigint;
  const expected = core.fn('vk_seq_expected') as unknown as (h: number) => bigint;
  const received = core.fn('vk_seq_received') as unknown as (h: number) => bigint;
  const report = core.fn('vk_seq_report');
  const slot = core.exports.malloc(16);
  return {
    create(probation) {
      const r = create(probation, slot);
      return r < 0 ? r : core.i32[slot >> 2];
    },
    destroy(h: Handle) {
      destroy(h as number);
    },
    update(h, seq, out) {
      const r = update(h as number, seq, slot);
      // int64_t, little-endian; signed (negative for cycle -1, vk_seq.h)
      const lo = core.i32[slot >> 2] >>> 0;
      const hi = core.i32[(slot >> 2) + 1];
      out[0] = hi * 4294967296 + lo;
      return r;
    },
    report(h, out) {
      report(h as number, slot, slot + 4);
      out[0] = core.i32[slot >> 2];
      out[1] = core.u8[slot + 4];
      return 0;
    },
    stats(h, out) {
      const p = h as number;
      const exp = Number(expected(p));
      const rec = Number(received(p));
      out[0] = Number(extMax(p));
      out[1] = exp;
      out[2] = rec;
      out[3] = exp - rec;
      return 0;
    },
  };
}
