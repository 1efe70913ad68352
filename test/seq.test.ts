import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import type { VoipKit } from '../src/index.js';

// RFC 3550 Appendix A.1 (update_seq) and A.3 (loss), worked by hand from the
// RFC's text: MAX_DROPOUT = 3000, MAX_MISORDER = 100, MIN_SEQUENTIAL = 2.
describe.each(BACKENDS)('sequence tracking (RFC 3550 A.1) on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('needs MIN_SEQUENTIAL packets in a row before the source is valid', () => {
    const t = kit.createSequenceTracker();
    expect(t.update(1000).result).toBe('probation');
    expect(t.update(1002).result).toBe('probation'); // not sequential: probation restarts
    expect(t.update(1003)).toEqual({ result: 'in-order', extended: 1003 });
    expect(t.stats()).toEqual({ extendedMax: 1003, expected: 1, received: 1, lost: 0 });
    t.close();
  });

  it('extends across the 16-bit wrap, and places reordered packets on the right cycle', () => {
    const t = kit.createSequenceTracker({ probation: 0 });
    expect(t.update(65533).extended).toBe(65533);
    expect(t.update(65535).extended).toBe(65535);
    expect(t.update(1)).toEqual({ result: 'in-order', extended: 65536 + 1 });
    // 65534 arrives late, after the wrap: it belongs to cycle 0
    expect(t.update(65534)).toEqual({ result: 'old', extended: 65534 });
    expect(t.update(0)).toEqual({ result: 'old', extended: 65536 });
    expect(t.update(2).extended).toBe(65538);
    const s = t.stats();
    expect(s.extendedMax).toBe(65538);
    expect(s.expected).toBe(65538 - 65533 + 1);
    expect(s.received).toBe(6);
    expect(s.lost).toBe(0);
    t.close();
  });

  it('numbers a late packet from before the first one, across the wrap, in cycle -1', () => {
    // The first counted packet is cycle 0 (A.1 init_seq), so 65535 arriving
    // after a first packet 0 is the one before it: -1, not 0 (the first
    // packet's number) -- distinct, and before 65534's -2 in order.
    using t = kit.createSequenceTracker({ probation: 0 });
    expect(t.update(0)).toEqual({ result: 'in-order', extended: 0 });
    expect(t.update(1)).toEqual({ result: 'in-order', extended: 1 });
    expect(t.update(65535)).toEqual({ result: 'old', extended: -1 });
    expect(t.update(65534)).toEqual({ result: 'old', extended: -2 });
    expect(t.update(0)).toEqual({ result: 'old', extended: 0 }); // a duplicate of the first
    // A.1 counts them as any reordered packet; the maximum does not move.
    expect(t.stats()).toEqual({ extendedMax: 1, expected: 2, received: 5, lost: -3 });
    // Without a wrap nothing changes: 3 after a first 5 is 3.
    using u = kit.createSequenceTracker({ probation: 0 });
    u.update(5);
    expect(u.update(3)).toEqual({ result: 'old', extended: 3 });
    // After probation (MIN_SEQUENTIAL = 2) the validating packet is cycle 0.
    using v = kit.createSequenceTracker();
    v.update(0);
    expect(v.update(1)).toEqual({ result: 'in-order', extended: 1 });
    expect(v.update(65530)).toEqual({ result: 'old', extended: 65530 - 65536 });
  });

  it('counts a gap below MAX_DROPOUT as loss', () => {
    const t = kit.createSequenceTracker({ probation: 0 });
    t.update(10);
    expect(t.update(10 + 2999).result).toBe('in-order');
    expect(t.stats().lost).toBe(2998);
    t.close();
  });

  it('holds a jump beyond MAX_DROPOUT, and restarts when the next packet follows it', () => {
    const t = kit.createSequenceTracker({ probation: 0 });
    t.update(100);
    t.update(101);
    expect(t.update(20000).result).toBe('jump');
    expect(t.update(102).result).toBe('in-order'); // the old stream goes on
    expect(t.update(30000).result).toBe('jump');
    expect(t.update(30001)).toEqual({ result: 'restart', extended: 30001 });
    expect(t.stats()).toEqual({ extendedMax: 30001, expected: 1, received: 1, lost: 0 });
    t.close();
  });

  it('treats packets less than MAX_MISORDER behind as reordered, and the rest as a jump', () => {
    // A.1: udelta <= RTP_SEQ_MOD - MAX_MISORDER is a jump, so 100 behind is one.
    const t = kit.createSequenceTracker({ probation: 0 });
    t.update(5000);
    expect(t.update(5000 - 99).result).toBe('old');
    expect(t.update(5000 - 100).result).toBe('jump');
    t.close();
  });

  it('counts duplicates as received, so loss can go negative (A.3)', () => {
    const t = kit.createSequenceTracker({ probation: 0 });
    t.update(7);
    expect(t.update(7).result).toBe('old');
    t.update(8);
    expect(t.stats()).toEqual({ extendedMax: 8, expected: 2, received: 3, lost: -1 });
    t.close();
  });

  it('rejects bad arguments and use after close with typed errors', () => {
    expect(() => kit.createSequenceTracker({ probation: -1 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => kit.createSequenceTracker({ probation: 1.5 })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    const t = kit.createSequenceTracker();
    for (const bad of [-1, 65536, 1.5, NaN, '7' as never]) {
      expect(() => t.update(bad)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
    t.update(1);
    t.close();
    t.close(); // idempotent
    expect(t.closed).toBe(true);
    expect(() => t.update(2)).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(() => t.stats()).toThrow(expect.objectContaining({ code: 'closed' }));
  });
});

describe('load()', () => {
  it('reports what serves each capability', async () => {
    for (const b of BACKENDS) {
      const kit = await kitFor(b);
      expect(kit.backend).toBe(b);
      expect(kit.features.g711).toBe(b);
      expect(kit.version).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('rejects an unknown backend choice', async () => {
    const { load } = await import('../src/index.js');
    const saved = process.env.VOIPKIT_BACKEND;
    delete process.env.VOIPKIT_BACKEND;
    try {
      await expect(load({ backend: 'gpu' as never })).rejects.toMatchObject({ code: 'invalid_argument' });
      process.env.VOIPKIT_BACKEND = 'fast';
      await expect(load()).rejects.toMatchObject({ code: 'invalid_argument' });
    } finally {
      if (saved === undefined) delete process.env.VOIPKIT_BACKEND;
      else process.env.VOIPKIT_BACKEND = saved;
    }
  });

  it('explains a missing native addon and a bad WASM source', async () => {
    const { load } = await import('../src/index.js');
    const saved = { b: process.env.VOIPKIT_BACKEND, a: process.env.VOIPKIT_ADDON };
    delete process.env.VOIPKIT_BACKEND;
    try {
      await expect(load({ backend: 'wasm', wasm: new Uint8Array([0, 1, 2, 3]) })).rejects.toMatchObject({
        code: 'load_failed',
        message: expect.stringMatching(/npm run build:wasm/),
      });
      // A broken addon path: native fails with a fix in the message, auto falls back to WASM.
      process.env.VOIPKIT_ADDON = '/nonexistent/voipkit.node';
      await expect(load({ backend: 'native' })).rejects.toMatchObject({
        code: 'load_failed',
        message: expect.stringMatching(/npm run build:native.*VOIPKIT_BACKEND=wasm/s),
      });
      const fallback = await load({ backend: 'auto' });
      expect(fallback.backend).toBe('wasm');
    } finally {
      for (const [k, v] of [['VOIPKIT_BACKEND', saved.b], ['VOIPKIT_ADDON', saved.a]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
