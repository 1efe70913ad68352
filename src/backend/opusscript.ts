/**
 * Opus from the `opusscript` package (libopus compiled by emscripten), for
 * the WASM build and for a native build without the system libopus.
 *
 * opusscript's own class (its index.js) keeps typed-array views of its heap
 * that go stale when the heap grows, so a process fails at about the 40th
 * object with "offset is out of bounds".  We drive its embind handler
 * (`OpusScriptHandler`) directly instead:
 *
 *  - Module instances: the glue's factory is called once per instance with
 *    one compiled WebAssembly.Module (instantiateWasm hook, so the module is
 *    compiled once).  Each instance holds at most HANDLERS_PER_MODULE
 *    handlers; another instance is started when all are full, and an
 *    instance whose handlers are all closed is dropped (its heap goes back
 *    to the JS garbage collector), except the last one, kept warm.
 *  - Heap views are read from the module on every call (they are replaced
 *    when the heap grows), never cached.
 *  - Preallocated buffers: each instance mallocs one scratch block at start
 *    (PCM in, packet, split PCM out, a CTL slot); calls are synchronous, so
 *    the handlers of an instance share it.  Nothing is allocated per call.
 *  - A handler holds an encoder AND a decoder.  One handler serves one
 *    voipkit encoder and one voipkit decoder of the same rate and channels
 *    (a call's two directions), halving the memory.  Each half is used once:
 *    a closed half is not handed out again (its state is stale), and the
 *    handler is destroyed when neither half is in use.
 *
 * Quirks of the handler we work around (opusscript 0.1.x):
 *  - `_encode(in, n, out, frameSize)` first "reassembles" n bytes stored one
 *    per 16-bit slot; with n = 0 it reads plain little-endian int16 PCM.
 *  - `_decode(in, len, out)` decodes with a 120 ms capacity and writes each
 *    sample as two 16-bit slots (low byte, high byte); we join them.
 *  - There is no PLC entry point and no decode_fec flag.  Concealment of a
 *    given duration is done by decoding a TOC-only packet of that duration
 *    (a 1-byte packet is what DTX sends; libopus conceals its duration from
 *    the previous mode).  In-band FEC cannot be decoded: decodeFec conceals,
 *    as libopus does for a packet without FEC (canDecodeFec is false).
 *  - `_encoder_ctl(req, arg)` passes arg as the vararg, so a getter request
 *    takes a heap address (wasm32 pointers are ints).
 */
import type { Handle, OpusBackend, OpusBackendStats } from './types.js';
import {
  VK_ERR_ARG,
  VK_ERR_BUFFER_SMALL,
  VK_ERR_CODEC,
  VK_ERR_NOMEM,
  mapOpusError,
  isEncoderParam,
  packetSamples48k,
  validPlcSize,
  validFrameSize,
} from './opus-common.js';

/** How many handlers one module instance holds before another is started. */
export const HANDLERS_PER_MODULE = 256;

const MAX_FRAME_48K = 5760; // 120 ms
const MAX_PACKET_IN = 48 * 1275 + 16;
const PCM_IN_BYTES = MAX_FRAME_48K * 2 * 2;
const SPLIT_BYTES = MAX_FRAME_48K * 2 * 4;

interface EmHandler {
  _encode(input: number, bytes: number, output: number, frameSize: number): number;
  _decode(input: number, bytes: number, output: number): number;
  _encoder_ctl(req: number, arg: number): number;
  _decoder_ctl(req: number, arg: number): number;
}

interface EmModule {
  HEAPU8: Uint8Array;
  HEAP16: Int16Array;
  HEAPU16: Uint16Array;
  HEAP32: Int32Array;
  _malloc(n: number): number;
  _free(p: number): void;
  OpusScriptHandler: {
    new (rate: number, channels: number, app: number): EmHandler;
    destroy_handler(h: EmHandler): void;
  };
}

export type OpusscriptFactory = (opts: Record<string, unknown>) => EmModule;

interface Instance {
  m: EmModule;
  handlers: number;
  pcm: number;
  pkt: number;
  split: number;
  ctl: number;
}

const FREE = 0;
const USED = 1;
const RETIRED = 2;

interface Slot {
  inst: Instance;
  h: EmHandler;
  rate: number;
  channels: number;
  app: number;
  enc: number;
  dec: number;
  encKey: string;
  decKey: string;
  alive: boolean;
}

interface EncH {
  slot: Slot;
}
interface DecH {
  slot: Slot;
  /** TOC stereo flag of the last packet decoded (concealment packets copy it). */
  stereo: boolean;
}

/**
 * TOC-only packets that conceal one duration each (code 0, no payload).
 * 2.5 / 5 ms exist only as CELT configs, 40 / 60 ms only as SILK; the mode
 * of the TOC does not matter (libopus conceals in the previous mode).
 */
const PLC_TOC: Array<[number, number]> = [
  [2880, 3 << 3], // 60 ms: SILK NB 60 ms
  [1920, 2 << 3], // 40 ms
  [960, 31 << 3], // 20 ms: CELT FB 20 ms
  [480, 30 << 3], // 10 ms
  [240, 29 << 3], // 5 ms
  [120, 28 << 3], // 2.5 ms
];

export function createOpusscriptBackend(factory: OpusscriptFactory, module: WebAssembly.Module, version = 'libopus (opusscript)'): OpusBackend {
  const instances: Instance[] = [];
  const freeEnc = new Map<string, Set<Slot>>();
  const freeDec = new Map<string, Set<Slot>>();
  let encoders = 0;
  let decoders = 0;

  function startInstance(): Instance {
    const m = factory({
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) {
        const inst = new WebAssembly.Instance(module, imports);
        done(inst);
        return inst.exports;
      },
    });
    const block = m._malloc(PCM_IN_BYTES + SPLIT_BYTES + MAX_PACKET_IN + 64);
    if (!block) throw new RangeError('opusscript: cannot allocate the scratch block');
    const pcm = (block + 15) & ~15;
    const split = pcm + PCM_IN_BYTES;
    const pkt = split + SPLIT_BYTES;
    const ctl = (pkt + MAX_PACKET_IN + 3) & ~3;
    const inst = { m, handlers: 0, pcm, pkt, split, ctl };
    instances.push(inst);
    return inst;
  }

  function instanceWithRoom(): Instance {
    for (const i of instances) if (i.handlers < HANDLERS_PER_MODULE) return i;
    return startInstance();
  }

  function newSlot(rate: number, channels: number, app: number): Slot | number {
    const inst = instanceWithRoom();
    let h: EmHandler;
    try {
      h = new inst.m.OpusScriptHandler(rate, channels, app);
    } catch (e) {
      // The constructor throws libopus' error number (or an abort).
      return typeof e === 'number' ? mapOpusError(e) : VK_ERR_NOMEM;
    }
    inst.handlers++;
    return {
      inst, h, rate, channels, app, enc: FREE, dec: FREE,
      encKey: `${rate}/${channels}/${app}`, decKey: `${rate}/${channels}`, alive: true,
    };
  }

  function take(map: Map<string, Set<Slot>>, key: string): Slot | undefined {
    const set = map.get(key);
    if (!set) return undefined;
    for (const s of set) {
      set.delete(s);
      return s;
    }
    return undefined;
  }

  function offer(map: Map<string, Set<Slot>>, key: string, s: Slot): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(s);
  }

  function release(s: Slot): void {
    if (s.enc === USED || s.dec === USED) return;
    s.alive = false;
    freeEnc.get(s.encKey)?.delete(s);
    freeDec.get(s.decKey)?.delete(s);
    const inst = s.inst;
    inst.m.OpusScriptHandler.destroy_handler(s.h);
    inst.handlers--;
    if (inst.handlers === 0 && instances.length > 1) {
      instances.splice(instances.indexOf(inst), 1);
    }
  }

  function validRate(r: number): boolean {
    return r === 8000 || r === 12000 || r === 16000 || r === 24000 || r === 48000;
  }

  /**
   * Join the decoder's split output into out: sample i is the 16-bit slots
   * 2i (low byte) and 2i + 1 (high byte), so one aligned 32-bit word per
   * sample, read once (the split block is 16-byte aligned): low | high << 16.
   */
  function joinSplit(inst: Instance, n: number, out: Int16Array | Float32Array): void {
    const w32 = inst.m.HEAP32;
    const j0 = inst.split >> 2;
    if (out instanceof Int16Array) {
      // the Int16Array store keeps the low 16 bits: the sign comes out right
      for (let i = 0; i < n; i++) {
        const w = w32[j0 + i];
        out[i] = (w & 0xff) | ((w >> 8) & 0xff00);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const w = w32[j0 + i];
        out[i] = ((((w & 0xff) | ((w >> 8) & 0xff00)) << 16) >> 16) / 32768;
      }
    }
  }

  function conceal(d: DecH, out: Int16Array | Float32Array, frames: number): number {
    const s = d.slot;
    const inst = s.inst;
    const scale = 48000 / s.rate;
    let done = 0;
    while (done < frames) {
      const left = (frames - done) * scale;
      let toc = 0;
      let n48 = 0;
      for (const [n, t] of PLC_TOC) {
        if (n <= left) {
          n48 = n;
          toc = t;
          break;
        }
      }
      inst.m.HEAPU8[inst.pkt] = toc | (d.stereo ? 4 : 0);
      const r = s.h._decode(inst.pkt, 1, inst.split);
      if (r < 0) return mapOpusError(r);
      if (r !== n48 / scale) return VK_ERR_ARG;
      joinSplit(inst, r * s.channels, done === 0 ? out : out.subarray(done * s.channels));
      done += r;
    }
    return frames;
  }

  /**
   * Stereo 40 / 60 ms frames: opusscript's build overflows its 64 kB stack
   * (silently corrupting its heap) when libopus codes them as several CELT
   * frames, which it does above ~80 kbit/s.  So we do what libopus does
   * there ourselves: code 20 ms frames, the later ones forced to the first
   * one's mode, bandwidth and channel count (OPUS_SET_FORCE_MODE, 11002, is
   * libopus' private CTL for exactly this), and join them into one code-3
   * packet (RFC 6716 3.2.5).
   */
  function encodeSplit(s: Slot, frameSize: number, out: Uint8Array): number {
    const inst = s.inst;
    const sub = s.rate / 50;
    const parts = frameSize / sub;
    const lens: number[] = [];
    let r = 0;
    for (let i = 0; i < parts; i++) {
      const at = inst.pkt + i * 3832;
      r = s.h._encode(inst.pcm + i * sub * 4, 0, at, sub);
      if (r < 0) break;
      lens.push(r);
      if (i === 0) {
        const toc = inst.m.HEAPU8[at];
        const cfg = toc >> 3;
        const mode = cfg < 12 ? 1000 : cfg < 16 ? 1001 : 1002;
        const bw = cfg < 12 ? 1101 + (cfg >> 2) : cfg < 16 ? (cfg < 14 ? 1104 : 1105) : [1101, 1103, 1104, 1105][(cfg - 16) >> 2];
        s.h._encoder_ctl(11002, mode);
        s.h._encoder_ctl(4008, bw);
        s.h._encoder_ctl(4022, toc & 4 ? 2 : 1);
      }
    }
    s.h._encoder_ctl(11002, -1000);
    s.h._encoder_ctl(4008, -1000);
    s.h._encoder_ctl(4022, -1000);
    if (r < 0) return mapOpusError(r);
    const u8 = inst.m.HEAPU8;
    // Each part is a code-0 packet of one 20 ms frame (TOC + frame).
    const toc = u8[inst.pkt] & 0xfc;
    const frames: Array<[number, number]> = [];
    for (let i = 0; i < parts; i++) {
      const at = inst.pkt + i * 3832;
      if ((u8[at] & 0xfc) !== toc || (u8[at] & 3) !== 0) return VK_ERR_CODEC;
      frames.push([at + 1, lens[i] - 1]);
    }
    const vbr = frames.some((f) => f[1] !== frames[0][1]);
    let size = 2;
    if (vbr) for (let i = 0; i < parts - 1; i++) size += frames[i][1] < 252 ? 1 : 2;
    for (const f of frames) size += f[1];
    if (size > out.length) return VK_ERR_BUFFER_SMALL;
    let o = 0;
    out[o++] = toc | 3;
    out[o++] = (vbr ? 0x80 : 0) | parts;
    if (vbr) {
      for (let i = 0; i < parts - 1; i++) {
        const l = frames[i][1];
        if (l < 252) out[o++] = l;
        else {
          out[o++] = 252 + ((l - 252) & 3);
          out[o++] = (l - 252 - ((l - 252) & 3)) >> 2;
        }
      }
    }
    for (const [at, l] of frames) {
      out.set(u8.subarray(at, at + l), o);
      o += l;
    }
    return o;
  }

  return {
    provider: 'opusscript',
    version,
    canDecodeFec: false,
    encoderCreate(rate, channels, app) {
      if (!validRate(rate) || (channels !== 1 && channels !== 2)) return VK_ERR_ARG;
      if (app !== 2048 && app !== 2049 && app !== 2051) return VK_ERR_ARG;
      let s = take(freeEnc, `${rate}/${channels}/${app}`);
      if (!s) {
        const n = newSlot(rate, channels, app);
        if (typeof n === 'number') return n;
        s = n;
        offer(freeDec, s.decKey, s);
      }
      s.enc = USED;
      encoders++;
      return { slot: s } satisfies EncH;
    },
    encoderDestroy(h) {
      const s = (h as EncH).slot;
      if (s.enc !== USED) return;
      s.enc = RETIRED;
      encoders--;
      release(s);
    },
    encoderSet(h, param, value) {
      if (!isEncoderParam(param, true)) return VK_ERR_ARG;
      return mapOpusError((h as EncH).slot.h._encoder_ctl(param, value | 0));
    },
    encoderGet(h, param, out) {
      if (!isEncoderParam(param, false)) return VK_ERR_ARG;
      const s = (h as EncH).slot;
      // setters have getter = setter + 1; get-only requests are passed as is
      const req = isEncoderParam(param, true) ? param + 1 : param;
      const r = s.h._encoder_ctl(req, s.inst.ctl);
      if (r < 0) return mapOpusError(r);
      out[0] = s.inst.m.HEAP32[s.inst.ctl >> 2];
      return 0;
    },
    encode(h, pcm, frameSize, out, channels) {
      const s = (h as EncH).slot;
      if (!validFrameSize(s.rate, frameSize) || channels !== s.channels || pcm.length < frameSize * channels) return VK_ERR_ARG;
      const inst = s.inst;
      const n = frameSize * channels;
      const base = inst.pcm >> 1;
      if (pcm instanceof Int16Array) {
        inst.m.HEAP16.set(n === pcm.length ? pcm : pcm.subarray(0, n), base);
      } else {
        // opusscript encodes 16-bit PCM only: quantize (round, clamp).
        const h16 = inst.m.HEAP16;
        for (let i = 0; i < n; i++) {
          const v = Math.round(pcm[i] * 32768);
          h16[base + i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
        }
      }
      if (channels === 2 && frameSize > s.rate / 50) return encodeSplit(s, frameSize, out);
      const r = s.h._encode(inst.pcm, 0, inst.pkt, frameSize);
      if (r < 0) return mapOpusError(r);
      if (r > out.length) return VK_ERR_BUFFER_SMALL;
      out.set(inst.m.HEAPU8.subarray(inst.pkt, inst.pkt + r));
      return r;
    },
    decoderCreate(rate, channels) {
      if (!validRate(rate) || (channels !== 1 && channels !== 2)) return VK_ERR_ARG;
      let s = take(freeDec, `${rate}/${channels}`);
      if (!s) {
        const n = newSlot(rate, channels, 2048);
        if (typeof n === 'number') return n;
        s = n;
        offer(freeEnc, s.encKey, s);
      }
      s.dec = USED;
      decoders++;
      return { slot: s, stereo: channels === 2 } satisfies DecH;
    },
    decoderDestroy(h) {
      const s = (h as DecH).slot;
      if (s.dec !== USED) return;
      s.dec = RETIRED;
      decoders--;
      release(s);
    },
    decoderGet(h, param, out) {
      const s = (h as DecH).slot;
      let req: number;
      if (param === 4008) req = 4009; // bandwidth
      else if (param === 4034) req = 4045; // gain
      else if (param === 4029 || param === 4039 || param === 4031) req = param;
      else return VK_ERR_ARG;
      const r = s.h._decoder_ctl(req, s.inst.ctl);
      if (r < 0) return mapOpusError(r);
      out[0] = s.inst.m.HEAP32[s.inst.ctl >> 2];
      return 0;
    },
    decode(h, mode, packet, out, frames, channels) {
      const d = h as DecH;
      const s = d.slot;
      if (channels !== s.channels || frames <= 0 || out.length < frames * channels) return VK_ERR_ARG;
      if (mode === 1 || mode === 2) {
        // mode 2 (FEC) cannot be served by opusscript: conceal instead.
        if (!validPlcSize(s.rate, frames)) return VK_ERR_ARG;
        if (mode === 2 && (!packet || packet.length === 0)) return VK_ERR_ARG;
        return conceal(d, out, frames);
      }
      if (mode !== 0 || !packet || packet.length === 0) return VK_ERR_ARG;
      // Check the duration first: the handler always decodes with a 120 ms
      // capacity, and a packet longer than `out` must not advance the state.
      const n48 = packetSamples48k(packet);
      if (n48 < 0) return n48;
      if (n48 / (48000 / s.rate) > frames) return VK_ERR_BUFFER_SMALL;
      const inst = s.inst;
      inst.m.HEAPU8.set(packet, inst.pkt);
      const r = s.h._decode(inst.pkt, packet.length, inst.split);
      if (r < 0) return mapOpusError(r);
      d.stereo = (packet[0] & 4) !== 0;
      joinSplit(inst, r * channels, out);
      return r;
    },
    stats(): OpusBackendStats {
      let heapBytes = 0;
      for (const i of instances) heapBytes += i.m.HEAPU8.length;
      return { encoders, decoders, modules: instances.length, heapBytes };
    },
  };
}

let cached: { factory: OpusscriptFactory; module: WebAssembly.Module; version: string } | null = null;

function opusscriptVersion(req: NodeRequire): string {
  try {
    const pkg = req('opusscript/package.json') as { version: string; description?: string };
    const lib = /libopus ([0-9.]+)/.exec(pkg.description ?? '')?.[1];
    return `libopus${lib ? ' ' + lib : ''} (opusscript ${pkg.version})`;
  } catch {
    return 'libopus (opusscript)';
  }
}

/**
 * opusscript given by the caller, for runtimes without Node's module
 * resolution (browsers, bundles): `load({ opusscript: { glue, wasm } })`.
 */
export interface OpusscriptSource {
  /**
   * The factory that `opusscript/build/opusscript_native_wasm.js` exports
   * (its emscripten glue; a bundler turns the CommonJS export into the
   * default import).
   */
  glue: unknown;
  /** `opusscript/build/opusscript_native_wasm.wasm`: its bytes, a compiled module, or its URL (fetched). */
  wasm: BufferSource | WebAssembly.Module | URL | string;
}

const given = new WeakMap<object, { wasm: unknown; module: WebAssembly.Module }>();

async function compileGiven(src: OpusscriptSource): Promise<WebAssembly.Module> {
  const w = src.wasm;
  if (w instanceof WebAssembly.Module) return w;
  const hit = given.get(src.glue as object);
  if (hit && hit.wasm === w) return hit.module;
  let bytes: BufferSource;
  if (typeof w === 'string' || w instanceof URL) {
    const url = typeof w === 'string' ? new URL(w, (globalThis as { location?: { href: string } }).location?.href) : w;
    if (url.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      bytes = await readFile(url);
    } else {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status} fetching ${url.href}`);
      bytes = await res.arrayBuffer();
    }
  } else if (ArrayBuffer.isView(w) || w instanceof ArrayBuffer) {
    bytes = w;
  } else {
    throw new TypeError('opusscript.wasm must be bytes, a WebAssembly.Module, a URL or a string');
  }
  const module = await WebAssembly.compile(bytes);
  given.set(src.glue as object, { wasm: w, module });
  return module;
}

/**
 * Load opusscript: from `source` when given (any runtime), else through
 * Node's module resolution.  The glue and the compiled module are shared by
 * every backend object of the process.
 * @throws Error when the package is not installed / the source is unusable.
 */
export async function loadOpusscript(source?: OpusscriptSource): Promise<OpusBackend> {
  if (source !== undefined) {
    if (source === null || typeof source !== 'object' || typeof source.glue !== 'function') {
      throw new TypeError('opusscript must be { glue, wasm }: glue is the function opusscript/build/opusscript_native_wasm.js exports');
    }
    const module = await compileGiven(source);
    const b = createOpusscriptBackend(source.glue as OpusscriptFactory, module, 'libopus (opusscript)');
    // Start an instance now, so that a glue or module that does not work
    // fails load() rather than the first createOpusEncoder.
    const h = b.decoderCreate(48000, 1);
    if (typeof h === 'number') throw new Error(`the opusscript module does not create a decoder (status ${h})`);
    b.decoderDestroy(h);
    return b;
  }
  if (!cached) {
    const { createRequire } = await import('node:module');
    const { readFile } = await import('node:fs/promises');
    const req = createRequire(import.meta.url);
    const factory = req('opusscript/build/opusscript_native_wasm.js') as OpusscriptFactory;
    const bytes = await readFile(req.resolve('opusscript/build/opusscript_native_wasm.wasm'));
    const module = await WebAssembly.compile(bytes);
    cached = { factory, module, version: opusscriptVersion(req) };
  }
  return createOpusscriptBackend(cached.factory, cached.module, cached.version);
}
