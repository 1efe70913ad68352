import type { Handle, JitterBackend } from '../types.js';
import type { WasmCore } from './core.js';

/**
 * The jitter buffer over the WASM heap.  Each buffer gets its own heap block
 * for its frame and poll info (allocated at create, freed at destroy);
 * packets go through the shared scratch region `a`.
 */
export function wasmJitter(core: WasmCore): JitterBackend {
  const create = core.fn('vk_jb_create');
  const destroy = core.fn('vk_jb_destroy');
  const reset = core.fn('vk_jb_reset');
  const push = core.fn('vk_jb_push');
  const poll = core.fn('vk_jb_poll');
  const stats = core.fn('vk_jb_stats');
  const frameSamples = core.fn('vk_jb_frame_samples');
  const request = core.fn('vk_jb_request');
  const supply = core.fn('vk_jb_supply');
  const { malloc, free } = core.exports;
  // Per-handle block: [pcm: frame * 2 bytes][info: 4 * infoLen][stats: 8 * 32]
  const blocks = new Map<number, { p: number; frame: number; info: number; stats: number; infoLen: number }>();
  const slot = malloc(64);
  return {
    create(config) {
      const cfg = slot;
      core.i32.fill(0, cfg >> 2, (cfg >> 2) + 9);
      core.i32.set(config.subarray(0, 9), cfg >> 2);
      const out = slot + 40;
      const r = create(cfg, out);
      if (r < 0) return r;
      const h = core.i32[out >> 2];
      const frame = frameSamples(h);
      const infoLen = 64;
      const size = frame * 2 + 8 + infoLen * 4 + 8 * 32;
      const p = malloc(size);
      if (!p) {
        destroy(h);
        return -2;
      }
      const info = (p + frame * 2 + 7) & ~7;
      const st = info + infoLen * 4;
      blocks.set(h, { p, frame, info, stats: st, infoLen });
      return h;
    },
    destroy(h: Handle) {
      const b = blocks.get(h as number);
      if (b) free(b.p);
      blocks.delete(h as number);
      destroy(h as number);
    },
    reset(h) {
      reset(h as number);
      return 0;
    },
    push(h, packet, arrivalMs) {
      const p = core.a.reserve(packet.length || 1);
      core.u8.set(packet, p);
      return push(h as number, p, packet.length, arrivalMs);
    },
    poll(h, nowMs, pcm, info) {
      const b = blocks.get(h as number);
      if (!b) return -1;
      if (pcm.length < b.frame) return -3;
      const il = Math.min(info.length, b.infoLen);
      const r = poll(h as number, nowMs, b.p, b.frame, b.info, il);
      if (r > 0) pcm.set(core.i16.subarray(b.p >> 1, (b.p >> 1) + r));
      if (r >= 0 || r === -80) info.set(core.i32.subarray(b.info >> 2, (b.info >> 2) + il));
      return r;
    },
    request(h, req, payload) {
      const b = blocks.get(h as number);
      if (!b || req.length < 5) return -1;
      const r = b.info; // the poll info block is free while a poll is in progress
      const p = request(h as number, r, 5);
      req.set(core.i32.subarray(r >> 2, (r >> 2) + 5));
      if (!p) return 0;
      const len = req[3];
      if (len > payload.length) return -3;
      payload.set(core.u8.subarray(p, p + len));
      return len;
    },
    supply(h, pcm, n) {
      if (!blocks.has(h as number)) return -1;
      if (!Number.isInteger(n) || n < -1 || n > pcm.length) return -1;
      if (n <= 0) return supply(h as number, 0, n);
      const p = core.a.reserve(n * 2);
      core.i16.set(pcm.subarray(0, n), p >> 1);
      return supply(h as number, p, n);
    },
    stats(h, out) {
      const b = blocks.get(h as number);
      if (!b) return -1;
      const n = Math.min(out.length, 32);
      const r = stats(h as number, b.stats, n);
      if (r > 0) out.set(core.f64.subarray(b.stats >> 3, (b.stats >> 3) + r));
      return r;
    },
  };
}
