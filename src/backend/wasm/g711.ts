import type { G711Backend } from '../types.js';
import type { WasmCore } from './core.js';

/**
 * G.711 over the WASM heap.  A media path calls with the same frame size
 * every time, so the heap views for the last size are kept and reused while
 * the size, the heap's buffer and the scratch regions (which other
 * capabilities share and may move by reserving more) stay the same: the
 * per-call path is two typed-array copies and the call, with no allocation.
 */
export function wasmG711(core: WasmCore): G711Backend {
  const enc = core.fn('vk_g711_encode');
  const dec = core.fn('vk_g711_decode');
  const { a, b } = core;
  const memory = core.exports.memory;

  // encode: Int16 in at a, bytes out at b
  let eN = -1;
  let eBuf: ArrayBuffer | null = null;
  let eIn = new Int16Array(0);
  let eOut = new Uint8Array(0);
  // decode: bytes in at a, Int16 out at b
  let dN = -1;
  let dBuf: ArrayBuffer | null = null;
  let dIn = new Uint8Array(0);
  let dOut = new Int16Array(0);

  return {
    encode(law, pcm, out) {
      const n = pcm.length;
      if (n !== eN || memory.buffer !== eBuf || a.ptr !== eIn.byteOffset || b.ptr !== eOut.byteOffset) {
        b.reserve(n);
        a.reserve(n * 2); // reserving may grow memory: take the views after both
        eBuf = memory.buffer;
        eIn = new Int16Array(eBuf, a.ptr, n);
        eOut = new Uint8Array(eBuf, b.ptr, n);
        eN = n;
      }
      eIn.set(pcm);
      const r = enc(law, eIn.byteOffset, n, eOut.byteOffset);
      if (r === n) out.set(eOut);
      return r;
    },
    decode(law, codes, out) {
      const n = codes.length;
      if (n !== dN || memory.buffer !== dBuf || a.ptr !== dIn.byteOffset || b.ptr !== dOut.byteOffset) {
        a.reserve(n);
        b.reserve(n * 2);
        dBuf = memory.buffer;
        dIn = new Uint8Array(dBuf, a.ptr, n);
        dOut = new Int16Array(dBuf, b.ptr, n);
        dN = n;
      }
      dIn.set(codes);
      const r = dec(law, dIn.byteOffset, n, dOut.byteOffset);
      if (r === n) out.set(dOut);
      return r;
    },
  };
}
