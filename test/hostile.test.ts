/**
 * Hostile input through the public API, table-driven, on both backends.
 *
 * Every public function and method has a row: calls with wrong types, wrong
 * lengths, zero-length and huge buffers, NaN and out-of-range options, use
 * after close() and double close().  Each bad call must throw a VoipKitError
 * with the listed code (never a TypeError / RangeError, never a crash), and
 * the object must still work afterwards (checked against the ITU-T G.191
 * vectors and RFC 3550 A.1 behaviour, not against our own output).
 *
 * The last test enumerates the API (module exports, the kit's members, the
 * prototypes of the objects the kit's factories create) and fails when a
 * public function or method has no row here: add one for every new method.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { BACKENDS, kitFor } from './helpers/backends.js';
import * as api from '../src/index.js';
import { VoipKitError, type ErrorCode, type VoipKit } from '../src/index.js';

// A few anchors from the G.191 vectors (test/vectors/g711/README.md).
function vec(name: string): Int16Array {
  const b = readFileSync(new URL(`./vectors/g711/${name}`, import.meta.url));
  return Int16Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2));
}
const SRC = vec('sweep.src');
const CODES = { pcmu: vec('sweep-r.u'), pcma: vec('sweep-r.a') };
const DECODED = { pcmu: vec('sweep-r.u-u'), pcma: vec('sweep-r.a-a') };
const PICK = [0, 1, 12345, 32767, 32768, 40000, 65535]; // indices into the sweep

/** Expect fn() (sync or async) to throw a VoipKitError with this code. */
async function expectCode(fn: () => unknown, code: ErrorCode): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a VoipKitError, nothing was thrown').toBeDefined();
  if (!(err instanceof VoipKitError)) throw new Error(`expected VoipKitError(${code}), got ${String(err)}`);
  expect(err.code).toBe(code);
  expect(err.message.length).toBeGreaterThan(10);
}

interface Ctx {
  kit: VoipKit;
  backend: 'native' | 'wasm';
}
type Bad = [label: string, call: (c: Ctx) => unknown, code: ErrorCode];
interface Row {
  /** Calls that must throw VoipKitError(code). */
  bad: Bad[];
  /** Hostile but legal calls that must give the right answer. */
  odd?: [label: string, check: (c: Ctx) => unknown][];
  /** After all the bad calls: the object still works. */
  usable?: (c: Ctx) => unknown;
}

// Shared state for rows that need a live object across the bad calls.
let tracker: api.SequenceTracker | undefined;
const liveTracker = (c: Ctx): api.SequenceTracker => (tracker ??= c.kit.createSequenceTracker());
const closedTracker = (c: Ctx): api.SequenceTracker => {
  const t = c.kit.createSequenceTracker();
  t.close();
  return t;
};

// Wrong-typed buffers that are not an Int16Array / Uint8Array.
const notTyped: [string, () => unknown][] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['a number', () => 160],
  ['a string', () => 'abcd'],
  ['a plain array', () => [1, 2, 3]],
  ['an ArrayBuffer', () => new ArrayBuffer(8)],
  ['a DataView', () => new DataView(new ArrayBuffer(8))],
  ['an object pretending (Object.create)', () => Object.create(Int16Array.prototype)],
  ['an object pretending (Uint8Array proto)', () => Object.create(Uint8Array.prototype)],
  ['a Proxy of an Int16Array', () => new Proxy(new Int16Array(4), {})],
  ['a Proxy of a Uint8Array', () => new Proxy(new Uint8Array(4), {})],
  ['an array-like', () => ({ length: 4, 0: 1, 1: 2, 2: 3, 3: 4 })],
];

class LyingInt16 extends Int16Array {
  override get length(): number {
    return 100_000;
  }
}
class LyingUint8 extends Uint8Array {
  override get length(): number {
    return 100_000;
  }
}

/**
 * Input and output as views of one ArrayBuffer, overlapping at different
 * byte offsets: the result must be what separate buffers give (the G.191
 * vectors), on both backends.
 */
function aliasCases(op: 'encode' | 'decode'): [string, (c: Ctx) => unknown][] {
  const n = 160;
  // [input byte offset, output byte offset] in a 1024-byte buffer
  const layouts: [number, number][] = [[0, 0], [0, 1], [0, 319], [2, 0], [200, 0], [320, 0], [100, 100]];
  return layouts.map(([inOff, outOff]) => [
    `${op}: out overlapping the input (input at byte ${inOff}, out at byte ${outOff})`,
    (c: Ctx) => {
      const buf = new ArrayBuffer(1024);
      for (const law of ['pcmu', 'pcma'] as const) {
        if (op === 'encode') {
          const pcm = new Int16Array(buf, inOff, n);
          pcm.set(SRC.subarray(20000, 20000 + n));
          const r = c.kit.g711.encode(law, pcm, new Uint8Array(buf, outOff, n));
          expect(Array.from(r)).toEqual(Array.from(CODES[law].subarray(20000, 20000 + n), (x) => x & 0xff));
        } else {
          const codes = new Uint8Array(buf, inOff, n);
          codes.set(Array.from(CODES[law].subarray(20000, 20000 + n), (x) => x & 0xff));
          const r = c.kit.g711.decode(law, codes, new Int16Array(buf, outOff & ~1, n));
          expect(Array.from(r)).toEqual(Array.from(DECODED[law].subarray(20000, 20000 + n)));
        }
      }
    },
  ]);
}

const TABLE: Record<string, Row> = {
  load: {
    bad: [
      ['options null', () => api.load(null as never), 'invalid_argument'],
      ['options a number', () => api.load(42 as never), 'invalid_argument'],
      ['options a string', () => api.load('wasm' as never), 'invalid_argument'],
      ['unknown backend', () => api.load({ backend: 'gpu' as never }), 'invalid_argument'],
      ['backend a number', () => api.load({ backend: 1 as never }), 'invalid_argument'],
      ['wasm: not bytes', () => api.load({ backend: 'wasm', wasm: 42 as never }), 'load_failed'],
      ['wasm: garbage bytes', () => api.load({ backend: 'wasm', wasm: new Uint8Array([0, 97, 115, 109, 9, 9]) }), 'load_failed'],
      ['wasm: empty bytes', () => api.load({ backend: 'wasm', wasm: new Uint8Array(0) }), 'load_failed'],
      ['wasm: missing file', () => api.load({ backend: 'wasm', wasm: new URL('file:///nonexistent/voipkit.wasm') }), 'load_failed'],
      [
        'VOIPKIT_BACKEND invalid',
        async () => {
          process.env.VOIPKIT_BACKEND = 'fast';
          return api.load();
        },
        'invalid_argument',
      ],
    ],
    usable: async ({ backend }) => {
      const k = await api.load({ backend });
      expect(k.backend).toBe(backend);
    },
  },
  createKit: {
    bad: [
      ['no backend', () => api.createKit(undefined as never), 'invalid_argument'],
      ['null', () => api.createKit(null as never), 'invalid_argument'],
      ['an empty object', () => api.createKit({} as never), 'invalid_argument'],
      ['a kit instead of a backend', (c) => api.createKit(c.kit as never), 'invalid_argument'],
    ],
  },
  'g711.encode': {
    bad: [
      ...['PCMU', 'ulaw', '', 0, 1, null, undefined, {}].map(
        (law): Bad => [`law ${JSON.stringify(law)}`, (c) => c.kit.g711.encode(law as never, new Int16Array(4)), 'invalid_argument'],
      ),
      ...notTyped.map((x): Bad => [`pcm ${x[0]}`, (c) => c.kit.g711.encode('pcmu', x[1]() as never), 'invalid_argument']),
      ['pcm a Uint16Array', (c) => c.kit.g711.encode('pcmu', new Uint16Array(4) as never), 'invalid_argument'],
      ['pcm a Float32Array', (c) => c.kit.g711.encode('pcma', new Float32Array(4) as never), 'invalid_argument'],
      ['pcm a Uint8Array', (c) => c.kit.g711.encode('pcma', new Uint8Array(4) as never), 'invalid_argument'],
      ...notTyped
        .filter((x) => x[0] !== 'undefined')
        .map((x): Bad => [`out ${x[0]}`, (c) => c.kit.g711.encode('pcmu', new Int16Array(4), x[1]() as never), 'invalid_argument']),
      ['out an Int16Array', (c) => c.kit.g711.encode('pcmu', new Int16Array(4), new Int16Array(4) as never), 'invalid_argument'],
      ['out a Uint8ClampedArray', (c) => c.kit.g711.encode('pcmu', new Int16Array(4), new Uint8ClampedArray(4) as never), 'invalid_argument'],
      ['out one byte short', (c) => c.kit.g711.encode('pcmu', new Int16Array(160), new Uint8Array(159)), 'invalid_argument'],
      ['out empty for 1 sample', (c) => c.kit.g711.encode('pcma', new Int16Array(1), new Uint8Array(0)), 'invalid_argument'],
    ],
    odd: [
      ['zero-length pcm', (c) => expect(c.kit.g711.encode('pcmu', new Int16Array(0)).length).toBe(0)],
      ...aliasCases('encode'),
      [
        'detached pcm (length 0)',
        (c) => {
          const a = new Int16Array(8);
          structuredClone(a.buffer, { transfer: [a.buffer] });
          expect(c.kit.g711.encode('pcmu', a).length).toBe(0);
        },
      ],
      [
        'out adjacent to pcm in one buffer (no overlap)',
        (c) => {
          const buf = new ArrayBuffer(480);
          const pcm = new Int16Array(buf, 0, 160);
          pcm.set(SRC.subarray(30000, 30160));
          const r = c.kit.g711.encode('pcma', pcm, new Uint8Array(buf, 320, 160));
          expect(Array.from(r)).toEqual(Array.from(CODES.pcma.subarray(30000, 30160)));
        },
      ],
      [
        'a subclass lying about its length is taken at its real length',
        (c) => {
          const pcm = new LyingInt16(4);
          pcm.set(SRC.subarray(100, 104));
          const r = c.kit.g711.encode('pcmu', pcm);
          expect(Array.from(r)).toEqual(Array.from(CODES.pcmu.subarray(100, 104)));
        },
      ],
      [
        'an own length property is ignored',
        (c) => {
          const pcm = SRC.slice(200, 206);
          Object.defineProperty(pcm, 'length', { value: 1 << 20 });
          expect(Array.from(c.kit.g711.encode('pcma', pcm))).toEqual(Array.from(CODES.pcma.subarray(200, 206)));
        },
      ],
      [
        'SharedArrayBuffer input and a Buffer as out',
        (c) => {
          const pcm = new Int16Array(new SharedArrayBuffer(2 * 64));
          pcm.set(SRC.subarray(5000, 5064));
          const out = Buffer.alloc(64);
          expect(c.kit.g711.encode('pcmu', pcm, out)).toBe(out);
          expect(Array.from(out)).toEqual(Array.from(CODES.pcmu.subarray(5000, 5064)));
        },
      ],
      [
        'a huge buffer (2^24 samples)',
        (c) => {
          const n = 1 << 24;
          const pcm = new Int16Array(n);
          for (let i = 0; i < n; i += 4096) pcm[i] = SRC[(i >> 12) & 0xffff];
          const r = c.kit.g711.encode('pcma', pcm);
          expect(r.length).toBe(n);
          for (let i = 0; i < n; i += 4096) if (r[i] !== (CODES.pcma[(i >> 12) & 0xffff] & 0xff)) throw new Error(`mismatch at ${i}`);
        },
      ],
    ],
    usable: (c) => {
      for (const law of ['pcmu', 'pcma'] as const) {
        const pcm = Int16Array.from(PICK, (i) => SRC[i]);
        expect(Array.from(c.kit.g711.encode(law, pcm))).toEqual(PICK.map((i) => CODES[law][i] & 0xff));
      }
    },
  },
  'g711.decode': {
    bad: [
      ...['PCMA', 'alaw', 8, -1, null, undefined, []].map(
        (law): Bad => [`law ${JSON.stringify(law)}`, (c) => c.kit.g711.decode(law as never, new Uint8Array(4)), 'invalid_argument'],
      ),
      ...notTyped.map((x): Bad => [`codes ${x[0]}`, (c) => c.kit.g711.decode('pcma', x[1]() as never), 'invalid_argument']),
      ['codes an Int8Array', (c) => c.kit.g711.decode('pcmu', new Int8Array(4) as never), 'invalid_argument'],
      ['codes a Uint8ClampedArray', (c) => c.kit.g711.decode('pcmu', new Uint8ClampedArray(4) as never), 'invalid_argument'],
      ['codes an Int16Array', (c) => c.kit.g711.decode('pcmu', new Int16Array(4) as never), 'invalid_argument'],
      ...notTyped
        .filter((x) => x[0] !== 'undefined')
        .map((x): Bad => [`out ${x[0]}`, (c) => c.kit.g711.decode('pcmu', new Uint8Array(4), x[1]() as never), 'invalid_argument']),
      ['out a Uint16Array', (c) => c.kit.g711.decode('pcmu', new Uint8Array(4), new Uint16Array(4) as never), 'invalid_argument'],
      ['out one sample short', (c) => c.kit.g711.decode('pcma', new Uint8Array(160), new Int16Array(159)), 'invalid_argument'],
    ],
    odd: [
      ['zero-length codes', (c) => expect(c.kit.g711.decode('pcma', new Uint8Array(0)).length).toBe(0)],
      ...aliasCases('decode'),
      [
        'a subclass lying about its length is taken at its real length',
        (c) => {
          const codes = new LyingUint8(3);
          codes.set([CODES.pcma[7], CODES.pcma[40000], CODES.pcma[65535]]);
          const r = c.kit.g711.decode('pcma', codes);
          expect(Array.from(r)).toEqual([DECODED.pcma[7], DECODED.pcma[40000], DECODED.pcma[65535]]);
        },
      ],
      [
        'a Buffer (Node) as codes, at an odd offset',
        (c) => {
          const b = Buffer.alloc(300);
          for (let i = 0; i < 256; i++) b[i + 33] = CODES.pcmu[i * 256];
          const r = c.kit.g711.decode('pcmu', b.subarray(33, 289));
          expect(Array.from(r)).toEqual(Array.from({ length: 256 }, (_, i) => DECODED.pcmu[i * 256]));
        },
      ],
      [
        'a huge buffer (2^24 codes, all 256 values)',
        (c) => {
          const n = 1 << 24;
          const codes = new Uint8Array(n);
          for (let i = 0; i < n; i++) codes[i] = i & 0xff;
          const r = c.kit.g711.decode('pcmu', codes);
          expect(r.length).toBe(n);
          // each code's value via the vectors: code CODES[k] decodes to DECODED[k]
          for (let k = 0; k < 65536; k += 97) {
            const code = CODES.pcmu[k] & 0xff;
            if (r[(n - 256) + code] !== DECODED.pcmu[k]) throw new Error(`code ${code}`);
          }
        },
      ],
    ],
    usable: (c) => {
      for (const law of ['pcmu', 'pcma'] as const) {
        const codes = Uint8Array.from(PICK, (i) => CODES[law][i]);
        expect(Array.from(c.kit.g711.decode(law, codes))).toEqual(PICK.map((i) => DECODED[law][i]));
      }
    },
  },
  createSequenceTracker: {
    bad: [
      ['options null', (c) => c.kit.createSequenceTracker(null as never), 'invalid_argument'],
      ['options a number', (c) => c.kit.createSequenceTracker(2 as never), 'invalid_argument'],
      ['options a string', (c) => c.kit.createSequenceTracker('2' as never), 'invalid_argument'],
      ...[-1, 101, 1.5, NaN, Infinity, -Infinity, 2 ** 32, '2', true, {}].map(
        (p): Bad => [`probation ${String(p)}`, (c) => c.kit.createSequenceTracker({ probation: p as never }), 'invalid_argument'],
      ),
    ],
    odd: [
      [
        'probation 0 and 100 (the limits)',
        (c) => {
          using a = c.kit.createSequenceTracker({ probation: 0 });
          expect(a.update(9).result).toBe('in-order');
          using b = c.kit.createSequenceTracker({ probation: 100 });
          expect(b.update(9).result).toBe('probation');
        },
      ],
    ],
    usable: (c) => {
      // RFC 3550 A.1 with MIN_SEQUENTIAL = 2: the second sequential packet validates.
      using t = c.kit.createSequenceTracker();
      expect(t.update(65535).result).toBe('probation');
      expect(t.update(0).result).toBe('in-order');
      expect(t.update(1)).toEqual({ result: 'in-order', extended: 1 });
    },
  },
  'SequenceTracker.update': {
    bad: [
      ...[-1, 65536, 1.5, NaN, Infinity, -0.5, 2 ** 53, '7', 7n, null, undefined, {}, [7]].map(
        (s): Bad => [`seq ${typeof s === 'bigint' ? `${s}n` : JSON.stringify(s) ?? String(s)}`, (c) => liveTracker(c).update(s as never), 'invalid_argument'],
      ),
      ['after close', (c) => closedTracker(c).update(1), 'closed'],
    ],
    usable: (c) => {
      // The bad calls above left the live tracker untouched: it is still in
      // probation (A.1), and validates on two sequential packets.
      const t = liveTracker(c);
      expect(t.stats()).toEqual({ extendedMax: 0, expected: 0, received: 0, lost: 0 });
      expect(t.update(1000).result).toBe('probation');
      expect(t.update(1001)).toEqual({ result: 'in-order', extended: 1001 });
      expect(t.update(1003).result).toBe('in-order');
      expect(t.stats()).toEqual({ extendedMax: 1003, expected: 3, received: 2, lost: 1 });
    },
  },
  'SequenceTracker.stats': {
    bad: [['after close', (c) => closedTracker(c).stats(), 'closed']],
    odd: [['extra arguments are ignored', (c) => expect((liveTracker(c).stats as (...a: unknown[]) => unknown)(1, 'x', null)).toBeDefined()]],
  },
  'SequenceTracker.close': {
    bad: [
      [
        'update after double close',
        (c) => {
          const t = c.kit.createSequenceTracker();
          t.close();
          t.close();
          return t.update(1);
        },
        'closed',
      ],
    ],
    odd: [
      [
        'close twice, then dispose',
        (c) => {
          const t = c.kit.createSequenceTracker();
          expect(t.closed).toBe(false);
          t.close();
          t.close();
          t[Symbol.dispose]();
          expect(t.closed).toBe(true);
        },
      ],
    ],
  },
  'SequenceTracker.closed': {
    bad: [],
    odd: [['a getter, not writable', (c) => expect(() => ((liveTracker(c) as { closed: boolean }).closed = true)).toThrow(TypeError)]],
  },
  'SequenceTracker[Symbol.dispose]': {
    bad: [
      [
        'stats after using-scope exit',
        (c) => {
          let keep: api.SequenceTracker;
          {
            using t = c.kit.createSequenceTracker();
            keep = t;
          }
          return keep.stats();
        },
        'closed',
      ],
    ],
    odd: [
      [
        'dispose twice',
        (c) => {
          const t = c.kit.createSequenceTracker();
          t[Symbol.dispose]();
          t[Symbol.dispose]();
          expect(t.closed).toBe(true);
        },
      ],
    ],
  },
};

/**
 * Members that are reachable at run time but are not public API, with the
 * reason.  `handle` is TypeScript-protected on CoreResource.
 */
const INTERNAL = new Set(['SequenceTracker.handle']);

/** Well-known symbols by identity (Node 20 describes Symbol.dispose as 'nodejs.dispose'). */
function symbolName(k: symbol): string {
  if (k === Symbol.dispose) return 'Symbol.dispose';
  if (k === (Symbol as { asyncDispose?: symbol }).asyncDispose) return 'Symbol.asyncDispose';
  if (k === Symbol.iterator) return 'Symbol.iterator';
  if (k === Symbol.asyncIterator) return 'Symbol.asyncIterator';
  return k.description ?? 'symbol';
}

/** The public surface as the running code exposes it. */
function surface(kit: VoipKit): string[] {
  const names = new Set<string>();
  const isClass = (f: unknown) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
  for (const [k, v] of Object.entries(api)) if (typeof v === 'function' && !isClass(v)) names.add(k);
  const methodsOf = (obj: object, prefix: string) => {
    for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const key of Reflect.ownKeys(p)) {
        if (key === 'constructor') continue;
        const label = typeof key === 'symbol' ? `${prefix}[${symbolName(key)}]` : `${prefix}.${key}`;
        names.add(label);
      }
    }
    for (const key of Object.keys(obj)) if (typeof (obj as Record<string, unknown>)[key] === 'function') names.add(`${prefix}.${key}`);
  };
  for (const [k, v] of Object.entries(kit)) {
    if (typeof v === 'function') {
      names.add(k);
      if (/^create/.test(k)) {
        const obj = (v as () => { close?: () => void })();
        methodsOf(obj, (obj as object).constructor.name);
        obj.close?.();
      }
    } else if (v !== null && typeof v === 'object') {
      methodsOf(v as object, k);
    }
  }
  return [...names].filter((n) => !INTERNAL.has(n)).sort();
}

describe.each(BACKENDS)('hostile input on %s', (backend) => {
  let kit: VoipKit;
  const savedEnv = process.env.VOIPKIT_BACKEND;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.backend).toBe(backend);
    tracker?.close();
    tracker = undefined;
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.VOIPKIT_BACKEND;
    else process.env.VOIPKIT_BACKEND = savedEnv;
  });

  for (const [fn, row] of Object.entries(TABLE)) {
    describe(fn, () => {
      for (const [label, call, code] of row.bad) {
        it(`${label} -> ${code}`, async () => {
          // load() lets VOIPKIT_BACKEND override its option: clear it so the
          // option itself is what is tested.
          if (fn === 'load') delete process.env.VOIPKIT_BACKEND;
          await expectCode(() => call({ kit, backend }), code);
        });
      }
      for (const [label, check] of row.odd ?? []) {
        it(`${label} works`, async () => {
          await check({ kit, backend });
        });
      }
      if (row.usable) {
        it('still usable afterwards', async () => {
          await row.usable!({ kit, backend });
        });
      }
    });
  }

  it('the table covers every public function and method', () => {
    const missing = surface(kit).filter((n) => !(n in TABLE));
    expect(missing, `add rows to test/hostile.test.ts for: ${missing.join(', ')}`).toEqual([]);
    // and the table names nothing that does not exist (stale rows)
    const all = new Set(surface(kit));
    expect(Object.keys(TABLE).filter((n) => !all.has(n))).toEqual([]);
  });
});
