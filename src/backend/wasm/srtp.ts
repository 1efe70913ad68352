import type { Handle, SrtpBackend } from '../types.js';
import { Scratch, type WasmCore } from './core.js';

/**
 * SRTP over the WASM heap.  A packet call copies the input into a scratch
 * region sized for the output, runs the core in place there, and copies the
 * result out: two copies, no allocation once the regions have grown (and,
 * for a run of packets of one size, no view object either).
 */
export function wasmSrtp(core: WasmCore): SrtpBackend {
  const create = core.fn('vk_srtp_create');
  const destroy = core.fn('vk_srtp_destroy');
  const protectRtp = core.fn('vk_srtp_protect_rtp');
  const unprotectRtp = core.fn('vk_srtp_unprotect_rtp');
  const protectRtcp = core.fn('vk_srtp_protect_rtcp');
  const unprotectRtcp = core.fn('vk_srtp_unprotect_rtcp');
  const batch = core.fn('vk_srtp_batch');
  const setRoc = core.fn('vk_srtp_set_roc');
  const setRtcpIndex = core.fn('vk_srtp_set_rtcp_index');
  const stats = core.fn('vk_srtp_stats');
  const streamInfo = core.fn('vk_srtp_stream_info');
  const profileInfo = core.fn('vk_srtp_profile_info');
  const pkt = new Scratch(core);
  const arrays = new Scratch(core);
  // fixed region: cfg @0 (32 B), key @32, salt @64, mki @96, handle slot @128,
  // profile info @144 (16 B), stats / stream info @256 (16 doubles)
  const fixed = core.exports.malloc(384);
  if (!fixed) throw new RangeError('WASM heap exhausted');

  function packet(fn: (...a: number[]) => number) {
    // the heap view of the last result, kept while the heap, the address and
    // the length stay the same (a stream's packets are mostly one size), so
    // that a call allocates no view object
    let lastU8: Uint8Array | null = null, lastP = -1, lastR = -1;
    let lastView: Uint8Array = new Uint8Array(0);
    return (h: Handle, input: Uint8Array, out: Uint8Array): number => {
      // partial overlap of out and input is misuse (in place is allowed),
      // refused as the native binding does
      if (out.buffer === input.buffer && out.byteOffset !== input.byteOffset && input.length && out.length) {
        const a0 = input.byteOffset, b0 = out.byteOffset;
        if (a0 < b0 + out.length && b0 < a0 + input.length) return -1;
      }
      // at least one byte, so that empty arrays still get a real address
      // (the core then reports bad_length, as the native build does)
      const p = pkt.reserve(Math.max(out.length, input.length, 1));
      core.u8.set(input, p);
      const r = fn(h as number, p, input.length, p, out.length);
      if (r > 0) {
        const u8 = core.u8;
        if (u8 !== lastU8 || p !== lastP || r !== lastR) {
          lastView = u8.subarray(p, p + r);
          lastU8 = u8;
          lastP = p;
          lastR = r;
        }
        out.set(lastView);
      }
      return r;
    };
  }

  return {
    create(cfg, key, salt, mki) {
      if (key.length > 32 || salt.length > 32 || (mki && mki.length > 32)) return -1;
      const u8 = core.u8;
      new Uint32Array(core.exports.memory.buffer, fixed, 8).set(cfg.subarray(0, 8));
      u8.set(key, fixed + 32);
      u8.set(salt, fixed + 64);
      if (mki) u8.set(mki, fixed + 96);
      const r = create(fixed, fixed + 32, key.length, fixed + 64, salt.length, mki ? fixed + 96 : 0, fixed + 128);
      core.u8.fill(0, fixed + 32, fixed + 128); // do not leave key material in the scratch area
      return r < 0 ? r : core.i32[(fixed + 128) >> 2];
    },
    destroy: (h) => destroy(h as number),
    protectRtp: packet(protectRtp),
    unprotectRtp: packet(unprotectRtp),
    protectRtcp: packet(protectRtcp),
    unprotectRtcp: packet(unprotectRtcp),
    batch(h, op, buf, off, len, cap, n) {
      // buf, then off / len / cap arrays (4-byte aligned after rounding buf up)
      const bufBytes = (buf.length + 7) & ~7;
      const base = arrays.reserve(bufBytes + 12 * n);
      const pOff = base + bufBytes, pLen = pOff + 4 * n, pCap = pLen + 4 * n;
      const u8 = core.u8, i32 = core.i32;
      u8.set(buf, base);
      i32.set(new Int32Array(off.buffer, off.byteOffset, n), pOff >> 2);
      i32.set(len.subarray(0, n), pLen >> 2);
      i32.set(new Int32Array(cap.buffer, cap.byteOffset, n), pCap >> 2);
      const r = batch(h as number, op, base, buf.length, pOff, pLen, pCap, n);
      const u8b = core.u8;
      buf.set(u8b.subarray(base, base + buf.length));
      len.set(core.i32.subarray(pLen >> 2, (pLen >> 2) + n));
      return r;
    },
    setRoc: (h, ssrc, roc) => setRoc(h as number, ssrc, roc),
    setRtcpIndex: (h, ssrc, index) => setRtcpIndex(h as number, ssrc, index),
    stats(h, out) {
      const n = Math.min(out.length, 16);
      const r = stats(h as number, fixed + 256, n);
      if (r > 0) out.set(core.f64.subarray((fixed + 256) >> 3, ((fixed + 256) >> 3) + r));
      return r;
    },
    streamInfo(h, ssrc, out) {
      const r = streamInfo(h as number, ssrc, fixed + 256, 6);
      if (r > 0) out.set(core.f64.subarray((fixed + 256) >> 3, ((fixed + 256) >> 3) + Math.min(r, out.length)));
      return r;
    },
    profileInfo(profile, out) {
      const p = fixed + 144;
      const r = profileInfo(profile, p, p + 4, p + 8, p + 12);
      if (r === 0) out.set(new Uint32Array(core.exports.memory.buffer, p, 4));
      return r;
    },
  };
}
