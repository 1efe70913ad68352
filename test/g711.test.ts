import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { BACKENDS, kitFor } from './helpers/backends.js';
import type { VoipKit } from '../src/index.js';

// ITU-T G.191 (STL) G.711 test vectors: see test/vectors/g711/README.md.
function vec(name: string): Int16Array {
  const b = readFileSync(new URL(`./vectors/g711/${name}`, import.meta.url));
  const out = new Int16Array(b.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(i * 2);
  return out;
}
const src = vec('sweep.src');
const codes = { pcmu: vec('sweep-r.u'), pcma: vec('sweep-r.a') };
const decoded = { pcmu: vec('sweep-r.u-u'), pcma: vec('sweep-r.a-a') };
const roundTrip = { pcmu: vec('sweep-r.reu'), pcma: vec('sweep-r.rea') };

function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const bad: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) bad.push(i);
  return bad;
}

describe.each(BACKENDS)('G.711 on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.backend).toBe(backend);
  });

  it('the vectors cover every int16 input and every code', () => {
    expect(src.length).toBe(65536);
    expect(src[0]).toBe(-32768);
    expect(src[65535]).toBe(32767);
    for (const law of ['pcmu', 'pcma'] as const) expect(new Set(codes[law]).size).toBe(256);
  });

  for (const law of ['pcmu', 'pcma'] as const) {
    it(`${law}: encodes all 65,536 inputs as G.191 does`, () => {
      const out = kit.g711.encode(law, src);
      expect(out.length).toBe(65536);
      expect(mismatches(out, codes[law])).toEqual([]);
    });

    it(`${law}: decodes all 256 codes as G.191 does`, () => {
      const c = Uint8Array.from(codes[law]);
      expect(mismatches(kit.g711.decode(law, c), decoded[law])).toEqual([]);
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      const table = kit.g711.decode(law, all);
      // every code's value, looked up through the vectors
      const viaTable = Int16Array.from(codes[law], (c) => table[c]);
      expect(mismatches(viaTable, decoded[law])).toEqual([]);
    });

    it(`${law}: round trip equals G.191's encode+decode`, () => {
      expect(mismatches(kit.g711.decode(law, kit.g711.encode(law, src)), roundTrip[law])).toEqual([]);
    });

    it(`${law}: writes into a caller buffer and returns a view of the used length`, () => {
      const out = new Uint8Array(400).fill(0xee);
      const r = kit.g711.encode(law, src.subarray(1000, 1160), out);
      expect(r.length).toBe(160);
      expect(r.buffer).toBe(out.buffer);
      expect(Array.from(r)).toEqual(Array.from(codes[law].subarray(1000, 1160)));
      expect(out[160]).toBe(0xee);
      const pcm = new Int16Array(160);
      const d = kit.g711.decode(law, r, pcm);
      expect(d).toBe(pcm);
      expect(Array.from(d)).toEqual(Array.from(roundTrip[law].subarray(1000, 1160)));
    });

    it(`${law}: accepts views at odd offsets and empty input`, () => {
      const big = new Int16Array(2000);
      big.set(src.subarray(30000, 32000));
      const view = big.subarray(7, 1607);
      expect(Array.from(kit.g711.encode(law, view))).toEqual(Array.from(codes[law].subarray(30007, 31607)));
      expect(kit.g711.encode(law, new Int16Array(0)).length).toBe(0);
      expect(kit.g711.decode(law, new Uint8Array(0)).length).toBe(0);
    });
  }

  it('handles large buffers (1M samples, WASM scratch growth)', () => {
    const n = 1 << 20;
    const pcm = new Int16Array(n);
    for (let i = 0; i < n; i++) pcm[i] = src[(i * 7919) & 0xffff];
    const c = kit.g711.encode('pcma', pcm);
    for (let i = 0; i < n; i += 997) expect(c[i]).toBe(codes.pcma[(i * 7919) & 0xffff]);
  });

  it('rejects bad input with typed errors', () => {
    const bad: Array<[() => unknown, string]> = [
      [() => kit.g711.encode('pcmx' as never, new Int16Array(4)), 'invalid_argument'],
      [() => kit.g711.encode('pcmu', new Uint8Array(4) as never), 'invalid_argument'],
      [() => kit.g711.encode('pcmu', [1, 2, 3] as never), 'invalid_argument'],
      [() => kit.g711.encode('pcmu', null as never), 'invalid_argument'],
      [() => kit.g711.encode('pcmu', new Int16Array(4), new Uint8Array(3)), 'invalid_argument'],
      [() => kit.g711.encode('pcmu', new Int16Array(4), new Int16Array(4) as never), 'invalid_argument'],
      [() => kit.g711.decode('pcma', new Int16Array(4) as never), 'invalid_argument'],
      [() => kit.g711.decode('pcma', new Uint8Array(4), new Int16Array(2)), 'invalid_argument'],
      [() => kit.g711.decode(undefined as never, new Uint8Array(4)), 'invalid_argument'],
    ];
    for (const [fn, code] of bad) {
      expect(fn).toThrow(expect.objectContaining({ code, name: 'VoipKitError' }));
    }
    // still usable afterwards
    expect(kit.g711.decode('pcmu', new Uint8Array([0xff]))[0]).toBe(0);
  });
});

describe.each(BACKENDS)('G.711 beside other users of the WASM scratch heap, on %s', (backend) => {
  it('stays correct when another capability moves the shared scratch regions between calls', async () => {
    const kit = await kitFor(backend);
    const frame = src.subarray(20000, 20160);
    const want = Array.from(codes.pcmu.subarray(20000, 20160));
    expect(Array.from(kit.g711.encode('pcmu', frame))).toEqual(want);
    // A much larger call (and a resampler, which shares the regions on WASM) reallocates them.
    kit.g711.decode('pcma', new Uint8Array(1 << 18));
    const rs = kit.createResampler({ inputRate: 8000, outputRate: 48000 });
    rs.process(new Int16Array(1 << 16));
    rs.close();
    expect(Array.from(kit.g711.encode('pcmu', frame))).toEqual(want);
    expect(Array.from(kit.g711.decode('pcmu', Uint8Array.from(want)))).toEqual(Array.from(roundTrip.pcmu.subarray(20000, 20160)));
  });
});
