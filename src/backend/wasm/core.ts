/**
 * WasmCore: the instantiated module and its heap.  Capability files use it to
 * move typed arrays in and out of the heap through preallocated scratch
 * regions (no allocation per call once the regions are large enough).
 */

export type WasmFn = (...args: number[]) => number;

export interface WasmExports {
  memory: WebAssembly.Memory;
  malloc(n: number): number;
  free(p: number): void;
  _initialize?: () => void;
  [name: string]: unknown;
}

type ViewCtor<T> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/**
 * One growable heap region owned by the JS side.  view() hands out a typed
 * array over the first n elements of the region and caches it, so a call
 * path that moves the same frame size every time allocates nothing.
 */
export class Scratch {
  ptr = 0;
  size = 0;
  #cache = new Map<ViewCtor<unknown>, { buf: ArrayBuffer; ptr: number; n: number; view: unknown }>();
  constructor(private readonly core: WasmCore) {}
  /** Ensure at least n bytes; returns the (possibly new) address. */
  reserve(n: number): number {
    if (n > this.size) {
      if (this.ptr) this.core.exports.free(this.ptr);
      const size = Math.max(n, this.size * 2, 256);
      const p = this.core.exports.malloc(size);
      if (!p) throw new RangeError(`WASM heap exhausted reserving ${size} bytes`);
      this.ptr = p;
      this.size = size;
    }
    return this.ptr;
  }
  /** A view of n elements at the start of the region (reserving it). */
  view<T>(ctor: ViewCtor<T>, n: number): T {
    const p = this.reserve(n * ctor.BYTES_PER_ELEMENT);
    const buf = this.core.exports.memory.buffer;
    const c = this.#cache.get(ctor as ViewCtor<unknown>);
    if (c && c.buf === buf && c.ptr === p && c.n === n) return c.view as T;
    const view = new ctor(buf, p, n);
    this.#cache.set(ctor as ViewCtor<unknown>, { buf, ptr: p, n, view });
    return view;
  }
}

export class WasmCore {
  readonly exports: WasmExports;
  #buffer: ArrayBuffer | null = null;
  #u8!: Uint8Array;
  #i16!: Int16Array;
  #i32!: Int32Array;
  #f32!: Float32Array;
  #f64!: Float64Array;
  /** Two general-purpose regions for the input and output of one call. */
  readonly a: Scratch;
  readonly b: Scratch;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as WasmExports;
    this.exports._initialize?.();
    this.#refresh();
    this.a = new Scratch(this);
    this.b = new Scratch(this);
  }

  /** Look up an exported function by its C name. */
  fn(name: string): WasmFn {
    const f = this.exports[name];
    if (typeof f !== 'function') throw new Error(`WASM module lacks export ${name}: rebuild it with npm run build:wasm`);
    return f as WasmFn;
  }

  #refresh(): void {
    const buf = this.exports.memory.buffer;
    if (buf !== this.#buffer) {
      this.#buffer = buf;
      this.#u8 = new Uint8Array(buf);
      this.#i16 = new Int16Array(buf);
      this.#i32 = new Int32Array(buf);
      this.#f32 = new Float32Array(buf);
      this.#f64 = new Float64Array(buf);
    }
  }
  /**
   * Views over the current heap (re-created after memory growth).  Growing a
   * WebAssembly.Memory detaches its old buffer, and a view of a detached
   * buffer has length 0, so that test finds growth: it costs far less than
   * reading memory.buffer (about 27 ns in Node 20), which these getters
   * would otherwise do on every call of every hot path.
   */
  get u8(): Uint8Array { if (this.#u8.length === 0) this.#refresh(); return this.#u8; }
  get i16(): Int16Array { if (this.#i16.length === 0) this.#refresh(); return this.#i16; }
  get i32(): Int32Array { if (this.#i32.length === 0) this.#refresh(); return this.#i32; }
  get f32(): Float32Array { if (this.#f32.length === 0) this.#refresh(); return this.#f32; }
  get f64(): Float64Array { if (this.#f64.length === 0) this.#refresh(); return this.#f64; }
}

/** Imports the standalone module needs (memory growth notification only). */
export function wasmImports(): WebAssembly.Imports {
  return { env: { emscripten_notify_memory_growth: () => {} } };
}
