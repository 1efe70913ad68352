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
import { rtpPacket } from './helpers/pcap.js';
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

/** An RTP packet (RFC 3550 5.1): version 2, PT 0, the given seq, 160 payload bytes. */
function rtp(seq: number, ssrc = 0x01020304, payload = 160, ts = seq * 160): Uint8Array {
  const body = Uint8Array.from({ length: payload }, (_, k) => CODES.pcmu[(seq * 131 + (k + 12) * 257) & 0xffff] & 0xff);
  return rtpPacket({ payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc, payload: body });
}
/** An empty RTCP receiver report (RFC 3550 6.4.2): 8 bytes. */
const RR = Uint8Array.of(0x80, 201, 0, 1, 1, 2, 3, 4);
const SRTP_OPTS = { profile: 'AES_CM_128_HMAC_SHA1_80' as const, masterKey: new Uint8Array(16).fill(7), masterSalt: new Uint8Array(14).fill(9) };
/** A sender / receiver pair of sessions with the same keys. */
function srtpPair(kit: VoipKit): [api.SrtpSession, api.SrtpSession] {
  return [kit.createSrtpSession(SRTP_OPTS), kit.createSrtpSession(SRTP_OPTS)];
}

/** Expect fn() (sync or async) to throw a VoipKitError with this code. */
async function expectCode(fn: () => unknown, code: ErrorCode | ErrorCode[]): Promise<void> {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a VoipKitError, nothing was thrown').toBeDefined();
  if (!(err instanceof VoipKitError)) throw new Error(`expected VoipKitError(${String(code)}), got ${String(err)}`);
  if (Array.isArray(code)) expect(code).toContain(err.code);
  else expect(err.code).toBe(code);
  expect(err.message.length).toBeGreaterThan(10);
}

interface Ctx {
  kit: VoipKit;
  backend: 'native' | 'wasm';
}
type Bad = [label: string, call: (c: Ctx) => unknown, code: ErrorCode | ErrorCode[]];
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

/** Something with core memory, as every kit factory returns. */
interface Closable {
  close(): void;
  readonly closed: boolean;
  [Symbol.dispose](): void;
}
/**
 * Every kind of object a kit factory creates: how to make a valid one, and a
 * valid call of each of its methods (used for the use-after-close checks;
 * the coverage test requires an entry per method).
 */
const OBJECTS: Record<string, { make: (kit: VoipKit) => Closable; ops: Record<string, (o: never, c: Ctx) => unknown> }> = {
  SequenceTracker: {
    make: (k) => k.createSequenceTracker(),
    ops: { update: (o: api.SequenceTracker) => o.update(1), stats: (o: api.SequenceTracker) => o.stats(), report: (o: api.SequenceTracker) => o.report() },
  },
  SrtpSession: {
    make: (k) => k.createSrtpSession(SRTP_OPTS),
    ops: {
      protectRtp: (o: api.SrtpSession) => o.protectRtp(rtp(1)),
      unprotectRtp: (o: api.SrtpSession) => o.unprotectRtp(rtp(1)),
      protectRtcp: (o: api.SrtpSession) => o.protectRtcp(RR),
      unprotectRtcp: (o: api.SrtpSession) => o.unprotectRtcp(RR),
      protectRtpInto: (o: api.SrtpSession) => o.protectRtpInto(rtp(1), new Uint8Array(200)),
      unprotectRtpInto: (o: api.SrtpSession) => o.unprotectRtpInto(rtp(1), new Uint8Array(200)),
      protectRtcpInto: (o: api.SrtpSession) => o.protectRtcpInto(RR, new Uint8Array(40)),
      unprotectRtcpInto: (o: api.SrtpSession) => o.unprotectRtcpInto(RR, new Uint8Array(40)),
      tryUnprotectRtp: (o: api.SrtpSession) => o.tryUnprotectRtp(rtp(1)),
      tryUnprotectRtcp: (o: api.SrtpSession) => o.tryUnprotectRtcp(RR),
      processBatch: (o: api.SrtpSession) => o.processBatch('protectRtp', new Uint8Array(200), Uint32Array.of(0), Int32Array.of(172), Uint32Array.of(200)),
      setRoc: (o: api.SrtpSession) => o.setRoc(1, 1),
      setRtcpIndex: (o: api.SrtpSession) => o.setRtcpIndex(1, 1),
      streamInfo: (o: api.SrtpSession) => o.streamInfo(1),
      stats: (o: api.SrtpSession) => o.stats(),
    },
  },
  JitterBuffer: {
    make: (k) => k.createJitterBuffer(),
    ops: {
      push: (o: api.JitterBuffer) => o.push(rtp(1), 0),
      poll: (o: api.JitterBuffer) => o.poll(0),
      stats: (o: api.JitterBuffer) => o.stats(),
      reset: (o: api.JitterBuffer) => o.reset(),
    },
  },
  NoiseSuppressor: {
    make: (k) => k.createNoiseSuppressor({ sampleRate: 8000 }),
    ops: {
      process: (o: api.NoiseSuppressor) => o.process(new Int16Array(80)),
      strength: (o: api.NoiseSuppressor) => {
        o.strength = 0.3;
      },
      stats: (o: api.NoiseSuppressor) => o.stats(),
      reset: (o: api.NoiseSuppressor) => o.reset(),
    },
  },
  OpusEncoder: {
    make: (k) => k.createOpusEncoder({ sampleRate: 48000, channels: 1 }),
    ops: {
      encode: (o: api.OpusEncoder) => o.encode(new Int16Array(960)),
      setBitrate: (o: api.OpusEncoder) => o.setBitrate(32000),
      setPacketLossPercent: (o: api.OpusEncoder) => o.setPacketLossPercent(5),
      setFec: (o: api.OpusEncoder) => o.setFec(true),
      setDtx: (o: api.OpusEncoder) => o.setDtx(false),
      setComplexity: (o: api.OpusEncoder) => o.setComplexity(5),
    },
  },
  OpusDecoder: {
    make: (k) => k.createOpusDecoder({ sampleRate: 48000, channels: 1 }),
    ops: {
      decode: (o: api.OpusDecoder) => o.decode(Uint8Array.of(0xf8, 0xff, 0xfe)),
      conceal: (o: api.OpusDecoder) => o.conceal(20),
      decodeFec: (o: api.OpusDecoder) => o.decodeFec(Uint8Array.of(0xf8, 0xff, 0xfe)),
    },
  },
  ComfortNoiseGenerator: {
    make: (k) => k.createComfortNoiseGenerator(),
    ops: {
      update: (o: api.ComfortNoiseGenerator) => o.update(Uint8Array.of(60, 127, 127)),
      generate: (o: api.ComfortNoiseGenerator) => o.generate(160),
    },
  },
  Resampler: {
    make: (k) => k.createResampler({ inputRate: 8000, outputRate: 16000 }),
    ops: {
      outputFrames: (o: api.Resampler) => o.outputFrames(80),
      process: (o: api.Resampler) => o.process(new Int16Array(80)),
      flush: (o: api.Resampler) => o.flush(),
      reset: (o: api.Resampler) => o.reset(),
    },
  },
};

// One live object of each kind per backend, shared by the rows' bad calls;
// the `usable` checks then prove the bad calls left it working.
const live = new Map<string, Closable>();
function liveOf<T>(name: string, c: Ctx): T {
  let o = live.get(name);
  if (!o) {
    o = OBJECTS[name].make(c.kit);
    live.set(name, o);
  }
  return o as unknown as T;
}
const sess = (c: Ctx) => liveOf<api.SrtpSession>('SrtpSession', c);
const jb = (c: Ctx) => liveOf<api.JitterBuffer>('JitterBuffer', c);
const nsup = (c: Ctx) => liveOf<api.NoiseSuppressor>('NoiseSuppressor', c);
const rsmp = (c: Ctx) => liveOf<api.Resampler>('Resampler', c);

const badBytes = (what: string, call: (c: Ctx, x: unknown) => unknown, skip: string[] = []): Bad[] =>
  notTyped
    .filter((x) => !skip.includes(x[0]))
    .map((x): Bad => [`${what} ${x[0]}`, (c) => call(c, x[1]()), 'invalid_argument']);
const badNumbers = (what: string, values: unknown[], call: (c: Ctx, v: unknown) => unknown, code: ErrorCode = 'invalid_argument'): Bad[] =>
  values.map((v): Bad => [`${what} ${typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v)}`, (c) => call(c, v), code]);
const NOT_INTS = [NaN, Infinity, -Infinity, 1.5, '1', 1n, null, {}];

/** Protect packets 1..n with a fresh sender; returns them. */
function protectedRun(kit: VoipKit, from: number, n: number, ssrc = 0x01020304): Uint8Array[] {
  using tx = kit.createSrtpSession(SRTP_OPTS);
  return Array.from({ length: n }, (_, i) => tx.protectRtp(rtp(from + i, ssrc)));
}

const SRTP_ROWS: Record<string, Row> = {
  createSrtpSession: {
    bad: [
      ['no options', (c) => c.kit.createSrtpSession(undefined as never), 'invalid_argument'],
      ['options null', (c) => c.kit.createSrtpSession(null as never), 'invalid_argument'],
      ['unknown profile', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, profile: 'NULL_HMAC_SHA1_80' as never }), 'invalid_argument'],
      ['key 15 bytes', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, masterKey: new Uint8Array(15) }), 'invalid_argument'],
      ['key 32 bytes for a 128-bit profile', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, masterKey: new Uint8Array(32) }), 'invalid_argument'],
      ['key a string', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, masterKey: 'k'.repeat(16) as never }), 'invalid_argument'],
      ['salt 12 bytes for AES-CM', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, masterSalt: new Uint8Array(12) }), 'invalid_argument'],
      ['salt missing', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, masterSalt: undefined as never }), 'invalid_argument'],
      ...badNumbers('replayWindow', [63, 65537, NaN, -1, 100.5, '128'], (c, v) => c.kit.createSrtpSession({ ...SRTP_OPTS, replayWindow: v as never })),
      ...badNumbers('maxStreams', [0, 65537, NaN, Infinity], (c, v) => c.kit.createSrtpSession({ ...SRTP_OPTS, maxStreams: v as never })),
      ...badNumbers('keyDerivationRate', [3, 2 ** 25, -1, NaN], (c, v) => c.kit.createSrtpSession({ ...SRTP_OPTS, keyDerivationRate: v as never })),
      ['mki empty', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, mki: new Uint8Array(0) }), 'invalid_argument'],
      ['mki 33 bytes', (c) => c.kit.createSrtpSession({ ...SRTP_OPTS, mki: new Uint8Array(33) }), 'invalid_argument'],
      ...badNumbers('lifetime', [-1, NaN, 2 ** 53, 0.5], (c, v) => c.kit.createSrtpSession({ ...SRTP_OPTS, lifetime: v as never })),
    ],
  },
  'SrtpSession.protectRtp': {
    bad: [
      ...badBytes('packet', (c, x) => sess(c).protectRtp(x as never)),
      ...badBytes('out', (c, x) => sess(c).protectRtp(rtp(1), x as never), ['undefined']),
      ['packet of 11 bytes', (c) => sess(c).protectRtp(rtp(1).subarray(0, 11)), 'bad_length'],
      ['packet of 0 bytes', (c) => sess(c).protectRtp(new Uint8Array(0)), 'bad_length'],
      ['version 0', (c) => sess(c).protectRtp(Uint8Array.from(rtp(1), (b, i) => (i ? b : 0))), 'bad_version'],
      ['CSRC count beyond the packet', (c) => sess(c).protectRtp(Uint8Array.from(rtp(1, 1, 4), (b, i) => (i ? b : 0x8f))), 'bad_length'],
      ['out without room for the tag', (c) => sess(c).protectRtp(rtp(1), new Uint8Array(172)), 'buffer_too_small'],
      [
        'out overlapping the packet at another offset',
        (c) => {
          const b = new Uint8Array(400);
          b.set(rtp(1), 0);
          return sess(c).protectRtp(b.subarray(0, 172), b.subarray(10, 192));
        },
        'invalid_argument',
      ],
    ],
    odd: [
      [
        'in place (out at the same byte) gives the same bytes as a separate out',
        (c) => {
          const [a, b] = srtpPair(c.kit);
          const sep = a.protectRtp(rtp(5));
          const buf = new Uint8Array(200);
          buf.set(rtp(5));
          const inPlace = b.protectRtp(buf.subarray(0, 172), buf);
          expect(Array.from(inPlace)).toEqual(Array.from(sep));
          a.close();
          b.close();
        },
      ],
    ],
    usable: (c) => {
      const rx = c.kit.createSrtpSession(SRTP_OPTS);
      expect(Array.from(rx.unprotectRtp(sess(c).protectRtp(rtp(2))))).toEqual(Array.from(rtp(2)));
      rx.close();
    },
  },
  'SrtpSession.unprotectRtp': {
    bad: [
      ...badBytes('packet', (c, x) => sess(c).unprotectRtp(x as never)),
      ...badBytes('out', (c, x) => sess(c).unprotectRtp(protectedRun(c.kit, 1, 1)[0], x as never), ['undefined']),
      ['empty packet', (c) => sess(c).unprotectRtp(new Uint8Array(0)), 'bad_length'],
      ['header only (no tag)', (c) => sess(c).unprotectRtp(rtp(1, 5, 0)), 'bad_length'],
      ['truncated by one byte', (c) => sess(c).unprotectRtp(protectedRun(c.kit, 1, 1)[0].subarray(0, 181)), 'auth_fail'],
      ['truncated to header + tag - 1', (c) => sess(c).unprotectRtp(protectedRun(c.kit, 1, 1)[0].subarray(0, 21)), 'bad_length'],
      ['tag bit flipped', (c) => { const p = protectedRun(c.kit, 3, 1)[0]; p[p.length - 1] ^= 1; return sess(c).unprotectRtp(p); }, 'auth_fail'],
      ['payload bit flipped', (c) => { const p = protectedRun(c.kit, 3, 1)[0]; p[40] ^= 0x80; return sess(c).unprotectRtp(p); }, 'auth_fail'],
      ['sequence number changed', (c) => { const p = protectedRun(c.kit, 3, 1)[0]; p[3] ^= 1; return sess(c).unprotectRtp(p); }, 'auth_fail'],
      ['SSRC changed', (c) => { const p = protectedRun(c.kit, 3, 1)[0]; p[11] ^= 1; return sess(c).unprotectRtp(p); }, 'auth_fail'],
      ['version 1', (c) => { const p = protectedRun(c.kit, 3, 1)[0]; p[0] = 0x40; return sess(c).unprotectRtp(p); }, 'bad_version'],
      ['plain RTP with a random tag', (c) => { const p = new Uint8Array(182); p.set(rtp(9)); p.fill(0xa5, 172); return sess(c).unprotectRtp(p); }, 'auth_fail'],
      [
        'a replay',
        (c) => {
          using rx = c.kit.createSrtpSession(SRTP_OPTS);
          const [p] = protectedRun(c.kit, 100, 1);
          rx.unprotectRtp(p.slice());
          return rx.unprotectRtp(p);
        },
        'replay_duplicate',
      ],
      [
        'older than the replay window (128)',
        (c) => {
          using rx = c.kit.createSrtpSession(SRTP_OPTS);
          const run = protectedRun(c.kit, 1000, 200);
          rx.unprotectRtp(run[199]);
          return rx.unprotectRtp(run[0]);
        },
        'replay_old',
      ],
      [
        'out one byte short',
        (c) => {
          const [p] = protectedRun(c.kit, 7, 1);
          return c.kit.createSrtpSession(SRTP_OPTS).unprotectRtp(p, new Uint8Array(171));
        },
        'buffer_too_small',
      ],
    ],
    usable: (c) => {
      // The session rejected all of the above without taking any state from them.
      using tx = c.kit.createSrtpSession(SRTP_OPTS);
      for (const seq of [3, 9, 100, 1000]) expect(Array.from(sess(c).unprotectRtp(tx.protectRtp(rtp(seq))))).toEqual(Array.from(rtp(seq)));
      expect(sess(c).stats().authFailures).toBeGreaterThanOrEqual(6);
    },
  },
  'SrtpSession.protectRtcp': {
    bad: [
      ...badBytes('packet', (c, x) => sess(c).protectRtcp(x as never)),
      ['packet of 7 bytes', (c) => sess(c).protectRtcp(RR.subarray(0, 7)), 'bad_length'],
      ['version 0', (c) => sess(c).protectRtcp(Uint8Array.from(RR, (b, i) => (i ? b : 0x01))), 'bad_version'],
      ['out too small', (c) => sess(c).protectRtcp(RR, new Uint8Array(8)), 'buffer_too_small'],
    ],
  },
  'SrtpSession.unprotectRtcp': {
    bad: [
      ...badBytes('packet', (c, x) => sess(c).unprotectRtcp(x as never)),
      ['header only', (c) => sess(c).unprotectRtcp(RR), 'bad_length'],
      ['tag bit flipped', (c) => { using tx = c.kit.createSrtpSession(SRTP_OPTS); const p = tx.protectRtcp(RR); p[p.length - 1] ^= 4; return sess(c).unprotectRtcp(p); }, 'auth_fail'],
      ['E flag / index changed', (c) => { using tx = c.kit.createSrtpSession(SRTP_OPTS); const p = tx.protectRtcp(RR); p[11] ^= 1; return sess(c).unprotectRtcp(p); }, 'auth_fail'],
      [
        'a replay',
        (c) => {
          using tx = c.kit.createSrtpSession(SRTP_OPTS);
          using rx = c.kit.createSrtpSession(SRTP_OPTS);
          const p = tx.protectRtcp(RR);
          rx.unprotectRtcp(p.slice());
          return rx.unprotectRtcp(p);
        },
        'replay_duplicate',
      ],
    ],
    usable: (c) => {
      using tx = c.kit.createSrtpSession(SRTP_OPTS);
      expect(Array.from(sess(c).unprotectRtcp(tx.protectRtcp(RR)))).toEqual(Array.from(RR));
    },
  },
  'SrtpSession.processBatch': {
    bad: [
      ['unknown op', (c) => sess(c).processBatch('encrypt' as never, new Uint8Array(8), Uint32Array.of(0), Int32Array.of(8), Uint32Array.of(8)), 'invalid_argument'],
      ...badBytes('buf', (c, x) => sess(c).processBatch('protectRtp', x as never, Uint32Array.of(0), Int32Array.of(8), Uint32Array.of(8))),
      ['offsets an Int32Array', (c) => sess(c).processBatch('protectRtp', new Uint8Array(8), Int32Array.of(0) as never, Int32Array.of(8), Uint32Array.of(8)), 'invalid_argument'],
      ['lengths a Uint32Array', (c) => sess(c).processBatch('protectRtp', new Uint8Array(8), Uint32Array.of(0), Uint32Array.of(8) as never, Uint32Array.of(8)), 'invalid_argument'],
      ['capacities a plain array', (c) => sess(c).processBatch('protectRtp', new Uint8Array(8), Uint32Array.of(0), Int32Array.of(8), [8] as never), 'invalid_argument'],
      ...badNumbers('count', [2, -1, NaN, 0.5, '1'], (c, v) => sess(c).processBatch('protectRtp', new Uint8Array(8), Uint32Array.of(0), Int32Array.of(8), Uint32Array.of(8), v as never)),
    ],
    odd: [
      [
        'packets placed outside buf fail one by one with invalid_argument, the good one passes',
        (c) => {
          const buf = new Uint8Array(1000);
          buf.set(rtp(1), 0);
          const off = Uint32Array.of(0, 900, 2 ** 32 - 16, 0, 100);
          const len = Int32Array.of(172, 172, 172, -5, 2 ** 31 - 1);
          const cap = Uint32Array.of(200, 200, 200, 200, 200);
          expect(sess(c).processBatch('protectRtp', buf, off, len, cap)).toBe(1);
          expect(len[0]).toBe(182);
          for (let i = 1; i < 5; i++) expect(api.SrtpSession.errorFor(len[i]).code).toBe('invalid_argument');
        },
      ],
    ],
  },
  'SrtpSession.setRoc': {
    bad: [
      ...badNumbers('ssrc', [-1, 2 ** 32, ...NOT_INTS], (c, v) => sess(c).setRoc(v as never, 0)),
      ...badNumbers('roc', [-1, 2 ** 32, ...NOT_INTS], (c, v) => sess(c).setRoc(1, v as never)),
    ],
  },
  'SrtpSession.setRtcpIndex': {
    bad: [
      ...badNumbers('ssrc', [-1, 2 ** 32, ...NOT_INTS], (c, v) => sess(c).setRtcpIndex(v as never, 0)),
      ...badNumbers('index', [-1, 2 ** 31, ...NOT_INTS], (c, v) => sess(c).setRtcpIndex(1, v as never)),
    ],
  },
  'SrtpSession.streamInfo': {
    bad: badNumbers('ssrc', [-1, 2 ** 32, ...NOT_INTS, undefined], (c, v) => sess(c).streamInfo(v as never)),
    odd: [['an SSRC without a stream gives null', (c) => expect(sess(c).streamInfo(0xdeadbeef)).toBeNull()]],
  },
  ...Object.fromEntries(
    (['protectRtpInto', 'unprotectRtpInto', 'protectRtcpInto', 'unprotectRtcpInto'] as const).map((m): [string, Row] => [
      `SrtpSession.${m}`,
      {
        bad: [
          ...badBytes('packet', (c, x) => sess(c)[m](x as never, new Uint8Array(300))),
          ...badBytes('out', (c, x) => sess(c)[m](/Rtcp/.test(m) ? RR : rtp(1), x as never)),
          ['out too small', (c) => sess(c)[m](/Rtcp/.test(m) ? RR : rtp(1), new Uint8Array(4)), /^un/.test(m) ? ['buffer_too_small', 'bad_length', 'auth_fail'] : 'buffer_too_small'],
        ],
      },
    ]),
  ),
  'SequenceTracker.report': {
    bad: [],
    odd: [['RFC 3550 A.3 on a fresh and a lossy tracker', (c) => {
      using t = c.kit.createSequenceTracker({ probation: 0 });
      expect(t.report()).toEqual({ cumulativeLost: 0, fractionLost: 0 });
      t.update(0);
      t.update(100);
      expect(t.report()).toEqual({ cumulativeLost: 99, fractionLost: Math.floor((99 * 256) / 101) });
    }]],
  },
  'SrtpSession.tryUnprotectRtp': {
    bad: [
      ...badBytes('packet', (c, x) => sess(c).tryUnprotectRtp(x as never)),
      ...badBytes('out', (c, x) => sess(c).tryUnprotectRtp(protectedRun(c.kit, 1, 1)[0], x as never), ['undefined']),
      [
        'out overlapping the packet at another offset',
        (c) => {
          const b = new Uint8Array(400);
          b.set(protectedRun(c.kit, 1, 1)[0], 0);
          return sess(c).tryUnprotectRtp(b.subarray(0, 182), b.subarray(10, 192));
        },
        'invalid_argument',
      ],
    ],
    odd: [
      [
        'refused packets come back as codes, nothing thrown, no state taken',
        (c) => {
          using rx = c.kit.createSrtpSession(SRTP_OPTS);
          const run = protectedRun(c.kit, 1000, 200);
          const tampered = run[5].slice();
          tampered[tampered.length - 1] ^= 1;
          const plainWithTag = new Uint8Array(182);
          plainWithTag.set(rtp(9));
          plainWithTag.fill(0xa5, 172);
          const v1 = run[6].slice();
          v1[0] = 0x40;
          expect(rx.tryUnprotectRtp(new Uint8Array(0))).toBe('bad_length');
          expect(rx.tryUnprotectRtp(rtp(1, 5, 0))).toBe('bad_length');
          expect(rx.tryUnprotectRtp(run[5].subarray(0, 21))).toBe('bad_length');
          expect(rx.tryUnprotectRtp(run[5].subarray(0, 181))).toBe('auth_fail');
          expect(rx.tryUnprotectRtp(tampered)).toBe('auth_fail');
          expect(rx.tryUnprotectRtp(plainWithTag)).toBe('auth_fail');
          expect(rx.tryUnprotectRtp(v1)).toBe('bad_version');
          expect(rx.tryUnprotectRtp(run[5], new Uint8Array(171))).toBe('buffer_too_small');
          expect(rx.stats().rtpUnprotected).toBe(0);
          const got = rx.tryUnprotectRtp(run[199]);
          expect(got instanceof Uint8Array && Array.from(got)).toEqual(Array.from(rtp(1199)));
          expect(rx.tryUnprotectRtp(run[199])).toBe('replay_duplicate');
          expect(rx.tryUnprotectRtp(run[0])).toBe('replay_old');
          const s = rx.stats();
          expect([s.rtpUnprotected, s.authFailures, s.replayDuplicates, s.replayTooOld, s.badPackets]).toEqual([1, 3, 1, 1, 4]);
        },
      ],
      [
        'the array returned without out is the caller\'s (a later call does not change it)',
        (c) => {
          using rx = c.kit.createSrtpSession(SRTP_OPTS);
          const [a, b] = protectedRun(c.kit, 40, 2);
          const first = rx.tryUnprotectRtp(a) as Uint8Array;
          rx.tryUnprotectRtp(b);
          expect(Array.from(first)).toEqual(Array.from(rtp(40)));
        },
      ],
    ],
    usable: (c) => {
      using tx = c.kit.createSrtpSession(SRTP_OPTS);
      const got = sess(c).tryUnprotectRtp(tx.protectRtp(rtp(4000)));
      expect(got instanceof Uint8Array && Array.from(got)).toEqual(Array.from(rtp(4000)));
    },
  },
  'SrtpSession.tryUnprotectRtcp': {
    bad: [
      ...badBytes('packet', (c, x) => sess(c).tryUnprotectRtcp(x as never)),
      ...badBytes('out', (c, x) => sess(c).tryUnprotectRtcp(RR, x as never), ['undefined']),
    ],
    odd: [
      [
        'refused packets come back as codes, nothing thrown',
        (c) => {
          using tx = c.kit.createSrtpSession(SRTP_OPTS);
          using rx = c.kit.createSrtpSession(SRTP_OPTS);
          const p = tx.protectRtcp(RR);
          const t = p.slice();
          t[t.length - 1] ^= 4;
          expect(rx.tryUnprotectRtcp(new Uint8Array(0))).toBe('bad_length');
          expect(rx.tryUnprotectRtcp(RR)).toBe('bad_length');
          expect(rx.tryUnprotectRtcp(t)).toBe('auth_fail');
          const got = rx.tryUnprotectRtcp(p, new Uint8Array(40));
          expect(got instanceof Uint8Array && Array.from(got)).toEqual(Array.from(RR));
          expect(rx.tryUnprotectRtcp(p)).toBe('replay_duplicate');
        },
      ],
    ],
  },
  'SrtpSession.codeFor': {
    bad: [],
    odd: [
      ['statuses map to codes, anything else to internal', () => {
        expect([-40, -41, -42, -20, -1].map((st) => api.SrtpSession.codeFor(st))).toEqual(['auth_fail', 'replay_duplicate', 'replay_old', 'bad_length', 'invalid_argument']);
        for (const st of [0, -999, NaN, 5, '1', undefined]) expect(api.SrtpSession.codeFor(st as number)).toBe('internal');
      }],
    ],
  },
  'SrtpSession.stats': { bad: [], odd: [['a snapshot', (c) => expect(typeof sess(c).stats().streams).toBe('number')]] },
  'SrtpSession.errorFor': {
    bad: [],
    odd: [
      ['any status maps to an SrtpError with a code', () => {
        for (const st of [-41, -1, 0, -999, NaN, 5]) expect(api.SrtpSession.errorFor(st as number)).toBeInstanceOf(VoipKitError);
      }],
    ],
  },
};

const JITTER_ROWS: Record<string, Row> = {
  createJitterBuffer: {
    bad: [
      ['options null', (c) => c.kit.createJitterBuffer(null as never), 'invalid_argument'],
      ['options a string', (c) => c.kit.createJitterBuffer('pcmu' as never), 'invalid_argument'],
      ...badNumbers('clockRate', [44100, 0, NaN, '8000'], (c, v) => c.kit.createJitterBuffer({ clockRate: v as never })),
      ['G.711 at 16 kHz', (c) => c.kit.createJitterBuffer({ clockRate: 16000 }), 'invalid_argument'],
      ...badNumbers('ptimeMs', [30, 0, NaN, '20'], (c, v) => c.kit.createJitterBuffer({ ptimeMs: v as never })),
      ['codec g722', (c) => c.kit.createJitterBuffer({ codec: 'g722' as never }), 'invalid_argument'],
      ['codec custom without a decoder', (c) => c.kit.createJitterBuffer({ codec: 'custom' }), 'invalid_argument'],
      ...[null, 5, 'x', {}, { decode: () => 0 }].map((d): Bad => [`codec custom, decoder ${JSON.stringify(d)}`, (c) => c.kit.createJitterBuffer({ codec: 'custom', decoder: d as never }), 'invalid_argument']),
      ['a decoder with G.711', (c) => c.kit.createJitterBuffer({ decoder: { decode: () => 0, conceal: () => 0 } }), 'invalid_argument'],
      ...badNumbers('sampleRate', [44100, 0, NaN, '16000', 11025], (c, v) => c.kit.createJitterBuffer({ codec: 'custom', clockRate: 48000, sampleRate: v as never, decoder: { decode: () => 0, conceal: () => 0 } })),
      ['Opus at a 16 kHz RTP clock', (c) => c.kit.createJitterBuffer({ codec: 'opus', clockRate: 16000 }), 'invalid_argument'],
      ...badNumbers('maxDelayMs', [19, 10001, NaN, 50.5], (c, v) => c.kit.createJitterBuffer({ maxDelayMs: v as never })),
      ['minDelayMs above maxDelayMs', (c) => c.kit.createJitterBuffer({ minDelayMs: 500, maxDelayMs: 400 }), 'invalid_argument'],
      ...badNumbers('maxPackets', [1, 2001, NaN, Infinity], (c, v) => c.kit.createJitterBuffer({ maxPackets: v as never })),
      ...badNumbers('maxPayloadBytes', [0, 1501, NaN], (c, v) => c.kit.createJitterBuffer({ maxPayloadBytes: v as never })),
      ...badNumbers('payloadType', [128, -2, 1.5, NaN], (c, v) => c.kit.createJitterBuffer({ payloadType: v as never })),
    ],
  },
  'JitterBuffer.push': {
    bad: [
      ...badBytes('packet', (c, x) => jb(c).push(x as never, 0)),
      ...badNumbers('arrivalMs', [NaN, Infinity, -Infinity, '5', 5n, null, undefined], (c, v) => jb(c).push(rtp(1), v as never)),
      ['empty packet', (c) => jb(c).push(new Uint8Array(0), 0), 'bad_length'],
      ['11 bytes', (c) => jb(c).push(rtp(1).subarray(0, 11), 0), 'bad_length'],
      ['version 0', (c) => jb(c).push(new Uint8Array(172), 0), 'bad_version'],
      ['CSRC count beyond the packet', (c) => jb(c).push(Uint8Array.from(rtp(1, 1, 20), (b, i) => (i ? b : 0x8f)), 0), 'bad_length'],
      [
        'extension length beyond the packet',
        (c) => {
          const p = rtp(1, 1, 8);
          p[0] = 0x90;
          p.set([0xbe, 0xde, 0x7f, 0xff], 12);
          return jb(c).push(p, 0);
        },
        'bad_length',
      ],
      [
        'padding count beyond the payload',
        (c) => {
          const p = rtp(1, 1, 4);
          p[0] = 0xa0;
          p[p.length - 1] = 200;
          return jb(c).push(p, 0);
        },
        'bad_packet',
      ],
      ['a 1501-byte payload', (c) => jb(c).push(rtp(1, 1, 1501), 0), 'limit'],
      ['a 65,536-byte datagram', (c) => jb(c).push(rtp(1, 1, 65536 - 12), 0), 'limit'],
      [
        'arrival earlier than the previous push',
        (c) => {
          using b = c.kit.createJitterBuffer();
          b.push(rtp(1), 1000);
          return b.push(rtp(2), 999.5);
        },
        'time',
      ],
    ],
    usable: (c) => {
      // G.711 packets pushed after all that play back as the G.191 decode of their payload.
      const b = jb(c);
      for (let i = 0; i < 6; i++) b.push(rtp(500 + i), 10_000 + 20 * i);
      let heard: Int16Array | undefined;
      for (let t = 10_000; t < 10_400 && !heard; t += 20) {
        const r = b.poll(t);
        const first = r.packets.find((p) => p.seq === 501);
        if (first && r.op === 'normal') heard = r.pcm.subarray(first.offset, first.offset + 16);
      }
      expect(heard, 'packet 501 was played').toBeDefined();
      const payload = rtp(501).subarray(12, 28);
      const want = Array.from(payload, (code) => DECODED.pcmu[CODES.pcmu.findIndex((x) => (x & 0xff) === code)]);
      expect(Array.from(heard!)).toEqual(want);
    },
  },
  'JitterBuffer.poll': {
    bad: [
      ...badNumbers('nowMs', [NaN, Infinity, -Infinity, '5', 5n, null, undefined], (c, v) => jb(c).poll(v as never)),
      ['out a Float32Array', (c) => jb(c).poll(1e6, new Float32Array(160) as never), 'invalid_argument'],
      ['out a plain array', (c) => jb(c).poll(1e6, [] as never), 'invalid_argument'],
      ['out one sample short', (c) => jb(c).poll(1e6, new Int16Array(159)), 'buffer_too_small'],
      [
        'now earlier than the previous poll',
        (c) => {
          using b = c.kit.createJitterBuffer();
          b.poll(500);
          return b.poll(480);
        },
        'time',
      ],
    ],
    odd: [
      [
        'polling an empty buffer for a simulated minute gives frames of the right size',
        (c) => {
          using b = c.kit.createJitterBuffer({ ptimeMs: 10 });
          const out = new Int16Array(400);
          for (let t = 0; t < 60_000; t += 10) expect(b.poll(t, out).pcm.length).toBe(80);
          expect(b.stats().polls).toBe(6000);
        },
      ],
    ],
  },
  'JitterBuffer.stats': { bad: [], odd: [['a snapshot', (c) => expect(typeof jb(c).stats().received).toBe('number')]] },
  'JitterBuffer.reset': {
    bad: [],
    odd: [['reset twice', (c) => { using b = c.kit.createJitterBuffer(); b.push(rtp(1), 0); b.reset(); b.reset(); expect(b.stats().received).toBe(0); }]],
  },
};

const NS_ROWS: Record<string, Row> = {
  createNoiseSuppressor: {
    bad: [
      ['no options', (c) => c.kit.createNoiseSuppressor(undefined as never), 'invalid_argument'],
      ['options null', (c) => c.kit.createNoiseSuppressor(null as never), 'invalid_argument'],
      ...badNumbers('sampleRate', [44100, 24000, 0, NaN, '8000'], (c, v) => c.kit.createNoiseSuppressor({ sampleRate: v as never })),
      ...badNumbers('strength', [-0.01, 1.01, NaN, Infinity, '0.5'], (c, v) => c.kit.createNoiseSuppressor({ sampleRate: 8000, strength: v as never })),
      ['transientSuppression a string', (c) => c.kit.createNoiseSuppressor({ sampleRate: 8000, transientSuppression: 'yes' as never }), 'invalid_argument'],
    ],
  },
  'NoiseSuppressor.process': {
    bad: [
      ...badBytes('frame', (c, x) => nsup(c).process(x as never)),
      ['frame a Uint8Array', (c) => nsup(c).process(new Uint8Array(80) as never), 'invalid_argument'],
      ['frame a Float64Array', (c) => nsup(c).process(new Float64Array(80) as never), 'invalid_argument'],
      ['empty frame', (c) => nsup(c).process(new Int16Array(0)), 'invalid_argument'],
      ['79 samples', (c) => nsup(c).process(new Int16Array(79)), 'invalid_argument'],
      ['81 samples', (c) => nsup(c).process(new Float32Array(81)), 'invalid_argument'],
      ['out of the other type', (c) => nsup(c).process(new Int16Array(80), new Float32Array(80) as never), 'invalid_argument'],
      ['out short', (c) => nsup(c).process(new Int16Array(160), new Int16Array(80)), 'invalid_argument'],
      [
        'out overlapping the frame at another offset',
        (c) => {
          const b = new Int16Array(400);
          return nsup(c).process(b.subarray(0, 160), b.subarray(40, 200));
        },
        'invalid_argument',
      ],
    ],
    odd: [
      [
        'NaN, infinite and huge float samples come out finite, and do not poison later frames',
        (c) => {
          using n = c.kit.createNoiseSuppressor({ sampleRate: 16000 });
          const bad = new Float32Array(160 * 4);
          for (let i = 0; i < bad.length; i++) bad[i] = [NaN, Infinity, -Infinity, 3e38, -3e38, 1e-45][i % 6];
          const out = n.process(bad);
          expect(out.every(Number.isFinite)).toBe(true);
          expect(n.stats().sanitizedSamples).toBeGreaterThan(0);
          // a quiet tone afterwards comes out finite and no louder than it went
          // in, once the one-frame delay has passed the clamped (+-65536) input
          const tone = Float32Array.from({ length: 1600 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 440 * i) / 16000));
          const after = n.process(tone).subarray(2 * 160);
          expect(after.every((x) => Number.isFinite(x) && Math.abs(x) <= 0.11)).toBe(true);
        },
      ],
      [
        'in place (out is the frame)',
        (c) => {
          using n = c.kit.createNoiseSuppressor({ sampleRate: 8000 });
          const f = new Int16Array(160).fill(-32768);
          expect(n.process(f, f)).toBe(f);
        },
      ],
    ],
    usable: (c) => expect(nsup(c).process(new Int16Array(80)).length).toBe(80),
  },
  'NoiseSuppressor.strength': {
    bad: badNumbers('strength', [-0.5, 1.5, NaN, Infinity, '0.5', null, undefined], (c, v) => {
      nsup(c).strength = v as never;
    }),
    usable: (c) => {
      const n = nsup(c);
      n.strength = 1;
      expect(n.strength).toBe(1);
      expect(n.process(new Float32Array(80)).length).toBe(80);
    },
  },
  'NoiseSuppressor.stats': { bad: [], odd: [['a snapshot', (c) => expect(typeof nsup(c).stats().frames).toBe('number')]] },
  'NoiseSuppressor.reset': { bad: [], odd: [['reset twice', (c) => { nsup(c).reset(); nsup(c).reset(); expect(nsup(c).stats().frames).toBe(0); }]] },
};

const RESAMPLE_ROWS: Record<string, Row> = {
  createResampler: {
    bad: [
      ['no options', (c) => c.kit.createResampler(undefined as never), 'invalid_argument'],
      ...badNumbers('inputRate', [44100, 0, NaN, '8000', undefined], (c, v) => c.kit.createResampler({ inputRate: v as never, outputRate: 16000 })),
      ...badNumbers('outputRate', [22050, -8000, NaN], (c, v) => c.kit.createResampler({ inputRate: 8000, outputRate: v as never })),
      ...badNumbers('channels', [0, 9, 1.5, NaN, '2'], (c, v) => c.kit.createResampler({ inputRate: 8000, outputRate: 16000, channels: v as never })),
      ...badNumbers('quality', [-1, 11, 2.5, NaN], (c, v) => c.kit.createResampler({ inputRate: 8000, outputRate: 16000, quality: v as never })),
    ],
  },
  'Resampler.outputFrames': {
    bad: badNumbers('inputFrames', [-1, 2 ** 31, ...NOT_INTS, undefined], (c, v) => rsmp(c).outputFrames(v as never)),
    odd: [['0 frames give 0', (c) => expect(rsmp(c).outputFrames(0)).toBe(0)]],
  },
  'Resampler.process': {
    bad: [
      ...badBytes('input', (c, x) => rsmp(c).process(x as never)),
      ['input a Float64Array', (c) => rsmp(c).process(new Float64Array(8) as never), 'invalid_argument'],
      ['a partial stereo frame', (c) => c.kit.createResampler({ inputRate: 8000, outputRate: 16000, channels: 2 }).process(new Int16Array(3)), 'invalid_argument'],
      ['out of the other type', (c) => rsmp(c).process(new Int16Array(80), new Float32Array(1000) as never), 'invalid_argument'],
      ['out too short', (c) => rsmp(c).process(new Int16Array(80), new Int16Array(10)), 'invalid_argument'],
    ],
    odd: [['empty input gives empty output', (c) => expect(rsmp(c).process(new Float32Array(0)).length).toBe(0)]],
    usable: (c) => {
      // 8 -> 16 kHz of 1 s of silence is 2 x as many frames, over a whole stream.
      using r = c.kit.createResampler({ inputRate: 8000, outputRate: 16000 });
      const a = r.process(new Int16Array(8000)).length;
      const b = r.flush().length;
      expect(a + b).toBe(16000);
    },
  },
  'Resampler.flush': {
    bad: [
      ['out a plain array', (c) => rsmp(c).flush([] as never), 'invalid_argument'],
      ['out too short', (c) => { const r = c.kit.createResampler({ inputRate: 8000, outputRate: 48000 }); r.process(new Int16Array(160)); return r.flush(new Int16Array(1)); }, 'invalid_argument'],
    ],
  },
  'Resampler.reset': { bad: [], odd: [['reset twice', (c) => { rsmp(c).reset(); rsmp(c).reset(); }]] },
};

// voipkit/rtp (pure TypeScript, the same on both backends).
const VIEW = () => api.RtpView.wrap(rtp(7));
const RTP_ROWS: Record<string, Row> = {
  isRtp: { bad: badBytes('bytes', (_c, x) => api.isRtp(x as never)), odd: [['a packet', () => expect(api.isRtp(rtp(1))).toBe(true)]] },
  isRtcp: { bad: badBytes('bytes', (_c, x) => api.isRtcp(x as never)), odd: [['an RR', () => expect(api.isRtcp(RR)).toBe(true)]] },
  'RtpView.wrap': {
    bad: [
      ...badBytes('bytes', (_c, x) => api.RtpView.wrap(x as never)),
      ['empty', () => api.RtpView.wrap(new Uint8Array(0)), 'bad_length'],
      ['version 0', () => api.RtpView.wrap(new Uint8Array(12)), 'bad_version'],
      ['CSRCs beyond the packet', () => api.RtpView.wrap(Uint8Array.from(rtp(1, 1, 8), (b, i) => (i ? b : 0x8f))), 'bad_length'],
    ],
  },
  'RtpView.reset': { bad: [...badBytes('bytes', (_c, x) => VIEW().reset(x as never)), ['11 bytes', () => VIEW().reset(new Uint8Array(11)), 'bad_length']] },
  'RtpView.csrc': { bad: badNumbers('index', [0, -1, 16, NaN, '0'], (_c, v) => VIEW().csrc(v as never), 'invalid_argument') },
  'RtpView.getExtension': {
    bad: badNumbers('id', [NaN, '1', 1n], (_c, v) => VIEW().getExtension(v as never)),
    odd: [['ids outside 1..255 are absent', () => { for (const id of [0, 256, -1]) expect(VIEW().getExtension(id)).toBeUndefined(); }]],
  },
  'RtpView.sequenceNumber': { bad: badNumbers('value', [-1, 65536, NaN, '5', null], (_c, v) => { VIEW().sequenceNumber = v as never; }) },
  'RtpView.timestamp': { bad: badNumbers('value', [-1, 2 ** 32, 1.5, NaN, 1n], (_c, v) => { VIEW().timestamp = v as never; }) },
  'RtpView.ssrc': { bad: badNumbers('value', [-1, 2 ** 32, Infinity, '1'], (_c, v) => { VIEW().ssrc = v as never; }) },
  'RtpView.payloadType': { bad: badNumbers('value', [-1, 128, NaN, '0'], (_c, v) => { VIEW().payloadType = v as never; }) },
  'RtpView.marker': {
    bad: badNumbers('value', ['yes', 1, null], (_c, v) => { VIEW().marker = v as never; }),
    odd: [['true and false', () => { const v = VIEW(); v.marker = true; expect(v.marker).toBe(true); v.marker = false; expect(v.marker).toBe(false); }]],
  },
  decodeExtensions: {
    bad: [
      ...badBytes('data', (_c, x) => api.decodeExtensions(0xbede, x as never)),
      ['an element running past the end', () => api.decodeExtensions(0xbede, Uint8Array.of(0x1f, 1, 2)), 'bad_length'],
    ],
  },
  encodeExtensions: {
    bad: [
      ['elements not an array', () => api.encodeExtensions({} as never), 'invalid_argument'],
      ['options null', () => api.encodeExtensions([], null as never), 'invalid_argument'],
      ['element id 0', () => api.encodeExtensions([{ id: 0, data: new Uint8Array(1) }]), 'invalid_argument'],
      ['element data not bytes', () => api.encodeExtensions([{ id: 1, data: [1] as never }]), 'invalid_argument'],
      ['element of 256 bytes', () => api.encodeExtensions([{ id: 1, data: new Uint8Array(256) }]), 'invalid_argument'],
    ],
  },
  extensionForm: {
    bad: badNumbers('profile', [NaN, '0xbede', 1n, null], (_c, v) => api.extensionForm(v as never)),
    odd: [['RFC 8285 profiles', () => { expect(api.extensionForm(0xbede)).toBe('one-byte'); expect(api.extensionForm(0x1000)).toBe('two-byte'); expect(api.extensionForm(65536 + 0xbede)).toBe('other'); }]],
  },
  parseRtcp: {
    bad: [
      ...badBytes('bytes', (_c, x) => api.parseRtcp(x as never)),
      ['options null', () => api.parseRtcp(RR, null as never), 'invalid_argument'],
      ['a length word beyond the bytes', () => api.parseRtcp(Uint8Array.of(0x80, 201, 0, 9, 1, 2, 3, 4)), 'bad_length'],
      ['7 bytes', () => api.parseRtcp(RR.subarray(0, 7)), 'bad_length'],
    ],
  },
  iterateRtcp: {
    bad: [
      ...badBytes('bytes', (_c, x) => [...api.iterateRtcp(x as never)]),
      ['options null', () => [...api.iterateRtcp(RR, null as never)], 'invalid_argument'],
      ['a length word beyond the bytes', () => [...api.iterateRtcp(Uint8Array.of(0x80, 201, 0, 9, 1, 2, 3, 4))], 'bad_length'],
    ],
  },
  serializeRtcp: {
    bad: [
      ['undefined', () => api.serializeRtcp(undefined as never), 'invalid_argument'],
      ['a number', () => api.serializeRtcp(5 as never), 'invalid_argument'],
      ['a packet of unknown shape', () => api.serializeRtcp({ type: 'nope' } as never), 'invalid_argument'],
      ['out too small', () => api.serializeRtcp(api.parseRtcp(RR), new Uint8Array(4)), 'buffer_too_small'],
    ],
  },
  serializeRtcpInto: {
    bad: [
      ['out not bytes', () => api.serializeRtcpInto(api.parseRtcp(RR), [] as never), 'invalid_argument'],
      ...badNumbers('offset', [-1, 1.5, NaN], (_c, v) => api.serializeRtcpInto(api.parseRtcp(RR), new Uint8Array(16), v as never)),
      ['offset beyond out', () => api.serializeRtcpInto(api.parseRtcp(RR), new Uint8Array(16), 100), 'buffer_too_small'],
    ],
  },
  rtcpByteLength: { bad: [['null', () => api.rtcpByteLength(null as never), 'invalid_argument']] },
  nackToSequenceNumbers: { bad: [['not an array', () => api.nackToSequenceNumbers(7 as never), 'invalid_argument']] },
  sequenceNumbersToNack: {
    bad: [
      ['not an array', () => api.sequenceNumbersToNack('1,2' as never), 'invalid_argument'],
      ...badNumbers('a sequence number', [-1, 65536, NaN, 1.5], (_c, v) => api.sequenceNumbersToNack([1, v as never])),
    ],
  },
  ntpToUnixMs: { bad: badNumbers('seconds', [NaN, Infinity, '1', 1n, null], (_c, v) => api.ntpToUnixMs(v as never, 0)) },
  unixMsToNtp: { bad: badNumbers('ms', [NaN, Infinity, '1', 1n, null], (_c, v) => api.unixMsToNtp(v as never)) },
  ntpMiddle32: { bad: badNumbers('fraction', [NaN, -1, '1', 1n, null], (_c, v) => api.ntpMiddle32(0, v as never)) },
  'RtpBuilder.from': { bad: [['not a view', () => api.RtpBuilder.from({} as never), 'invalid_argument'], ['null', () => api.RtpBuilder.from(null as never), 'invalid_argument']] },
  'RtpBuilder.copyFrom': { bad: [['not a view', () => new api.RtpBuilder().copyFrom(rtp(1) as never), 'invalid_argument']] },
  'RtpBuilder.setExtensions': { bad: [['not an array', () => new api.RtpBuilder().setExtensions(null as never), 'invalid_argument']] },
  'RtpBuilder.serializeInto': {
    bad: [
      ['out not bytes', () => new api.RtpBuilder().serializeInto([] as never), 'invalid_argument'],
      ['out too small', () => new api.RtpBuilder().serializeInto(new Uint8Array(11)), 'buffer_too_small'],
      ...badNumbers('offset', [-1, NaN, 1.5], (_c, v) => new api.RtpBuilder().serializeInto(new Uint8Array(64), v as never)),
    ],
  },
  'RtpBuilder.serialize': { bad: [['out too small', () => new api.RtpBuilder({ payload: new Uint8Array(100) }).serialize(new Uint8Array(20)), 'buffer_too_small']] },
};

// ---- Opus, comfort noise / DTX, DTMF, SDES, Opus SDP (merged from main) ----
const OPUS_OK = { sampleRate: 48000 as const, channels: 1 as const };
const enc = (c: Ctx) => liveOf<api.OpusEncoder>('OpusEncoder', c);
const dec = (c: Ctx) => liveOf<api.OpusDecoder>('OpusDecoder', c);
const cng = (c: Ctx) => liveOf<api.ComfortNoiseGenerator>('ComfortNoiseGenerator', c);
/** A real Opus packet: 20 ms of a tone from a fresh encoder. */
function opusPacket(c: Ctx): Uint8Array {
  using e = c.kit.createOpusEncoder(OPUS_OK);
  const pcm = Int16Array.from({ length: 960 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
  return e.encode(pcm).slice();
}
const JUNK_STRINGS: unknown[] = [undefined, null, 42, {}, [], 1n];
const sweep = (what: string, call: (x: unknown) => unknown, junk: unknown[], code: ErrorCode | ErrorCode[] = "invalid_argument"): Bad[] =>
  junk.map((x): Bad => [`${what} ${typeof x === "bigint" ? `${x}n` : typeof x === "string" ? JSON.stringify(x).slice(0, 40) : Array.isArray(x) ? "[]" : typeof x === "object" && x ? JSON.stringify(x) : String(x)}`, () => call(x), code]);

const MORE_ROWS: Record<string, Row> = {
  withOpusFallback: {
    bad: [
      ...sweep('backend', (b) => api.withOpusFallback(b as never), [undefined, null, 42]),
      ...sweep('opusscript source', (x) => api.withOpusFallback({ opus: null } as never, x as never), [null, 42, {}, { glue: 1, wasm: new Uint8Array(8) }, { glue: () => 0 }]),
    ],
  },
  roundTripMs: {
    bad: [
      ...sweep('block', (b) => api.roundTripMs(b as never, 0), [undefined, null, 42]),
      ...badNumbers('arrival', [NaN, -1, '1', 1n], (_c, v) => api.roundTripMs({ lastSr: 5, delaySinceLastSr: 1 }, v as never)),
    ],
    odd: [['RFC 3550 6.4.1: A - LSR - DLSR in 1/65536 s', () => expect(api.roundTripMs({ lastSr: 0x10000, delaySinceLastSr: 0x8000 }, 0x20000)).toBe(500)]],
  },
  opusStats: { bad: [], odd: [['a snapshot, extra arguments ignored', (c) => expect(typeof (c.kit.opusStats as (...a: unknown[]) => { encoders: number })(1, 'x').encoders).toBe('number')]] },
  analyzeComfortNoise: {
    bad: [
      ...badBytes('pcm', (c, x) => c.kit.analyzeComfortNoise(x as never)),
      ['empty pcm', (c) => c.kit.analyzeComfortNoise(new Int16Array(0)), 'invalid_argument'],
      ...badNumbers('order', [-1, 17, 1.5, NaN, '10'], (c, v) => c.kit.analyzeComfortNoise(new Int16Array(160), v as never)),
    ],
    odd: [['RFC 3389 payload of 1 + order bytes, level 0..127', (c) => { const p = c.kit.analyzeComfortNoise(Int16Array.from({ length: 160 }, (_, i) => (i * 7919) % 2000 - 1000), 8); expect(p.length).toBe(9); expect(p[0]).toBeLessThanOrEqual(127); }]],
  },
  'RtpBuilder.payload': { bad: badBytes('payload', (_c, x) => { new api.RtpBuilder().payload = x as never; }) },
  createOpusEncoder: {
    bad: [
      ['no options', (c) => c.kit.createOpusEncoder(undefined as never), 'invalid_argument'],
      ['options null', (c) => c.kit.createOpusEncoder(null as never), 'invalid_argument'],
      ...badNumbers('sampleRate', [44100, 0, NaN, '48000'], (c, v) => c.kit.createOpusEncoder({ ...OPUS_OK, sampleRate: v as never })),
      ...badNumbers('channels', [0, 3, 1.5, NaN], (c, v) => c.kit.createOpusEncoder({ ...OPUS_OK, channels: v as never })),
    ],
  },
  'OpusEncoder.encode': {
    bad: [
      ...badBytes('pcm', (c, x) => enc(c).encode(x as never)),
      ['pcm of 100 samples (not a frame size)', (c) => enc(c).encode(new Int16Array(100)), 'invalid_argument'],
      ['empty pcm', (c) => enc(c).encode(new Int16Array(0)), 'invalid_argument'],
      ['out of 0 bytes', (c) => enc(c).encode(new Int16Array(960), new Uint8Array(0)), ['invalid_argument', 'buffer_too_small']],
    ],
    usable: (c) => expect(enc(c).encode(new Int16Array(960)).length).toBeGreaterThan(0),
  },
  'OpusEncoder.setBitrate': { bad: badNumbers('bitrate', [0, 499, 512001, NaN, 'fast', null], (c, v) => enc(c).setBitrate(v as never)) },
  'OpusEncoder.setPacketLossPercent': { bad: badNumbers('percent', [-1, 101, 1.5, NaN, '5'], (c, v) => enc(c).setPacketLossPercent(v as never)) },
  'OpusEncoder.setFec': { bad: badNumbers('on', ['yes', 1, null], (c, v) => enc(c).setFec(v as never)) },
  'OpusEncoder.setDtx': { bad: badNumbers('on', ['yes', 1, null], (c, v) => enc(c).setDtx(v as never)) },
  'OpusEncoder.setComplexity': { bad: badNumbers('complexity', [-1, 11, 2.5, NaN], (c, v) => enc(c).setComplexity(v as never)) },
  createOpusDecoder: {
    bad: [
      ['options null', (c) => c.kit.createOpusDecoder(null as never), 'invalid_argument'],
      ...badNumbers('sampleRate', [22050, -1, NaN], (c, v) => c.kit.createOpusDecoder({ ...OPUS_OK, sampleRate: v as never })),
      ...badNumbers('channels', [0, 3, NaN], (c, v) => c.kit.createOpusDecoder({ ...OPUS_OK, channels: v as never })),
    ],
  },
  'OpusDecoder.decode': {
    bad: [
      ...badBytes('packet', (c, x) => dec(c).decode(x as never), ['null', 'undefined']),
      ['an empty packet', (c) => dec(c).decode(new Uint8Array(0)), ['invalid_argument', 'corrupt']],
      ['a code-3 packet claiming 63 frames', (c) => dec(c).decode(Uint8Array.of(0x03, 0x3f, 1, 2, 3)), 'corrupt'],
      ['a code-2 packet whose first length runs past the end', (c) => dec(c).decode(Uint8Array.of(0x02, 250, 1, 2)), 'corrupt'],
      ['out too short for the packet', (c) => dec(c).decode(opusPacket(c), new Int16Array(100)), ['invalid_argument', 'buffer_too_small']],
      ['out of the wrong type', (c) => dec(c).decode(opusPacket(c), new Uint8Array(960) as never), 'invalid_argument'],
    ],
    odd: [
      [
        'random bytes never throw anything but a VoipKitError, and decode to the duration libopus assigns or corrupt',
        (c) => {
          let x = 12345;
          for (let i = 0; i < 500; i++) {
            const p = Uint8Array.from({ length: 1 + (i % 60) }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
            try {
              const out = dec(c).decode(p);
              expect(out.length % 120).toBe(0); // a multiple of 2.5 ms at 48 kHz
            } catch (e) {
              expect(e).toBeInstanceOf(VoipKitError);
            }
          }
        },
      ],
    ],
    usable: (c) => expect(dec(c).decode(opusPacket(c)).length).toBe(960),
  },
  'OpusDecoder.conceal': { bad: badNumbers('durationMs', [0, -20, 3, 121, NaN, '20'], (c, v) => dec(c).conceal(v as never)) },
  'OpusDecoder.decodeFec': {
    bad: [...badBytes('nextPacket', (c, x) => dec(c).decodeFec(x as never)), ['an empty packet', (c) => dec(c).decodeFec(new Uint8Array(0)), ['invalid_argument', 'corrupt']]],
  },
  createComfortNoiseGenerator: {
    bad: [['options null', (c) => c.kit.createComfortNoiseGenerator(null as never), 'invalid_argument'], ...badNumbers('seed', [-1, 1.5, NaN, '1'], (c, v) => c.kit.createComfortNoiseGenerator({ seed: v as never }))],
  },
  'ComfortNoiseGenerator.update': {
    bad: [...badBytes('payload', (c, x) => cng(c).update(x as never)), ['an empty payload', (c) => cng(c).update(new Uint8Array(0)), ['bad_length', 'bad_packet', 'invalid_argument']]],
    odd: [['a 300-byte payload (coefficients beyond order 16 are ignored, RFC 3389)', (c) => { cng(c).update(new Uint8Array(300).fill(200)); expect(cng(c).generate(160).length).toBe(160); }]],
  },
  'ComfortNoiseGenerator.generate': {
    bad: [...badNumbers('n', [-1, 1.5, NaN, '160', null], (c, v) => cng(c).generate(v as never)), ['out a Float32Array', (c) => cng(c).generate(new Float32Array(160) as never), 'invalid_argument']],
    odd: [['0 samples', (c) => expect(cng(c).generate(0).length).toBe(0)]],
  },
  createDtx: { bad: [['options null', (c) => c.kit.createDtx(null as never), 'invalid_argument']] },
  'DtxController.process': {
    bad: [...badBytes('pcm', (c, x) => c.kit.createDtx().process(x as never)), ['a Float32Array', (c) => c.kit.createDtx().process(new Float32Array(160) as never), 'invalid_argument']],
  },
  'EnergyVad.process': { bad: badBytes('pcm', (_c, x) => new api.EnergyVad().process(x as never)) },
  'DtmfEncoder.start': {
    bad: [
      ...sweep('digit', (d) => new api.DtmfEncoder().start(d as never, 0), ['X', '', 256, -1, 1.5, null]),
      ...badNumbers('timestamp', [-1, 2 ** 32, NaN, '0'], (_c, v) => new api.DtmfEncoder().start('5', v as never)),
      ...badNumbers('durationMs', [-1, NaN, 0], (_c, v) => new api.DtmfEncoder().start('5', 0, v as never)),
    ],
    odd: [
      [
        'a non-DTMF event code (RFC 4734 23, CRdSeg) is sent as such',
        () => {
          const e = new api.DtmfEncoder();
          e.start(23, 0, 100);
          expect(e.poll(800)[0].payload[0]).toBe(23);
        },
      ],
    ],
  },
  'DtmfEncoder.stop': { bad: [], odd: [['stop without start', () => new api.DtmfEncoder().stop()]] },
  'DtmfEncoder.poll': { bad: badNumbers('timestamp', [NaN, -1, '0', null], (_c, v) => new api.DtmfEncoder().poll(v as never)) },
  'DtmfEncoder.packets': { bad: [...sweep('digit', (d) => new api.DtmfEncoder().packets(d as never, 0, 100), ['X', null]), ...badNumbers('durationMs', [-5, NaN], (_c, v) => new api.DtmfEncoder().packets('1', 0, v as never))] },
  'DtmfDecoder.push': {
    bad: [
      ...badBytes('payload', (_c, x) => new api.DtmfDecoder().push(0, x as never)),
      ...badNumbers('timestamp', [NaN, -1, '0'], (_c, v) => new api.DtmfDecoder().push(v as never, Uint8Array.of(5, 0x8a, 0, 160))),
      ['a 3-byte payload', () => new api.DtmfDecoder().push(0, Uint8Array.of(5, 10, 0)), ['bad_length', 'bad_packet', 'invalid_argument']],
    ],
  },
  'DtmfDecoder.flush': { bad: [], odd: [['flush when empty', () => expect(new api.DtmfDecoder().flush()).toEqual([])]] },
  parseTelephoneEvents: { bad: [...badBytes('payload', (_c, x) => api.parseTelephoneEvents(x as never)), ['5 bytes', () => api.parseTelephoneEvents(new Uint8Array(5)), ['bad_length', 'bad_packet']]] },
  buildTelephoneEvent: { bad: [...sweep('event', (e) => api.buildTelephoneEvent(e as never), JUNK_STRINGS), ['event 256', () => api.buildTelephoneEvent({ event: 256, end: false, volume: 10, duration: 160 }), 'invalid_argument']] },
  dtmfEventCode: {
    bad: sweep('digit', (d) => api.dtmfEventCode(d as never), ['X', '', '12', 256, -1, NaN, null, 1.5]),
    // RFC 4733 3: event codes are 8 bits; the IANA registry assigns codes above 15 (23..: RFC 4734)
    odd: [['event codes 16..255 pass through', () => { for (const c of [16, 23, 255]) expect(api.dtmfEventCode(c)).toBe(c); }]],
  },
  dtmfDigit: { bad: sweep('event', (e) => api.dtmfDigit(e as never), [NaN, '1', null, 1.5]) },
  parseComfortNoise: { bad: [...badBytes('payload', (_c, x) => api.parseComfortNoise(x as never)), ['empty', () => api.parseComfortNoise(new Uint8Array(0)), ['bad_length', 'bad_packet', 'invalid_argument']]] },
  buildComfortNoise: { bad: [...sweep('params', (p) => api.buildComfortNoise(p as never), JUNK_STRINGS), ['level 128', () => api.buildComfortNoise({ levelDbov: 128, reflection: [] } as never), 'invalid_argument']] },
  levelDbov: { bad: badBytes('pcm', (_c, x) => api.levelDbov(x as never)) },
  inspectOpusPacket: { bad: [...badBytes('packet', (_c, x) => api.inspectOpusPacket(x as never)), ['empty', () => api.inspectOpusPacket(new Uint8Array(0)), ['bad_length', 'bad_packet', 'corrupt', 'invalid_argument']]] },
  opusPacketSamples48k: { bad: [...badBytes('packet', (_c, x) => api.opusPacketSamples48k(x as never)), ['empty', () => api.opusPacketSamples48k(new Uint8Array(0)), ['bad_length', 'bad_packet', 'corrupt', 'invalid_argument']]] },
  opusRtpTimestampIncrement: { bad: [...badBytes('packet', (_c, x) => api.opusRtpTimestampIncrement(x as never)), ['empty', () => api.opusRtpTimestampIncrement(new Uint8Array(0)), ['bad_length', 'bad_packet', 'corrupt', 'invalid_argument']]] },
  parseOpusFmtp: { bad: sweep('fmtp', (s) => api.parseOpusFmtp(s as never), JUNK_STRINGS) },
  formatOpusFmtp: { bad: sweep('fmtp', (f) => api.formatOpusFmtp(f as never), [undefined, null, 42, 'x']) },
  bandwidthForRate: { bad: sweep('rate', (r) => api.bandwidthForRate(r as never), [NaN, -1, '8000', null]) },
  frameMsForPtime: { bad: sweep('ptime', (p) => api.frameMsForPtime(p as never), [NaN, -20, 0, '20', null]) },
  opusEncoderOptionsFromSdp: { bad: sweep('remote fmtp', (f) => api.opusEncoderOptionsFromSdp(f as never), [undefined, null, 42, 'x']) },
  opusDecoderOptionsFromSdp: { bad: sweep('local fmtp', (f) => api.opusDecoderOptionsFromSdp(f as never), [undefined, null, 42, 'x']) },
  opusFmtpFor: { bad: sweep('decoder options', (d) => api.opusFmtpFor(d as never), [undefined, null, 42]) },
  parseSdesCrypto: {
    bad: [
      ...sweep('line', (s) => api.parseSdesCrypto(s as never), JUNK_STRINGS),
      ...sweep('line', (s) => api.parseSdesCrypto(s as never), ['', 'a=crypto:', '1 AES_CM_128_HMAC_SHA1_80 inline:!!!', '1 AES_CM_128_HMAC_SHA1_80 inline:' + 'A'.repeat(10), 'x'.repeat(100_000)], ['invalid_argument', 'bad_packet']),
    ],
  },
  formatSdesCrypto: { bad: sweep('crypto', (c) => api.formatSdesCrypto(c as never), [undefined, null, 42, {}]) },
  generateSdesCrypto: { bad: sweep('profile', (p) => api.generateSdesCrypto(p as never), [undefined, null, 'NULL', 42]) },
  sdesMkiBytes: { bad: sweep('mki', (m) => api.sdesMkiBytes(m as never), [undefined, null, { value: -1, length: 1 }, { value: 1, length: 0 }, { value: 1, length: 200 }]) },
  sdesToSessionOptions: { bad: [...sweep('crypto', (c) => api.sdesToSessionOptions(c as never), [undefined, null, 42, {}]), ...badNumbers('keyIndex', [5, -1, NaN], (_c, v) => api.sdesToSessionOptions(api.generateSdesCrypto('AES_CM_128_HMAC_SHA1_80'), v as never))] },
};
// ---- Pipelines: the objects the caller constructs (AudioSender, AudioReceiver,
// RtpRelay, the RTCP session and its parts, FramePacer) ----
const NOT_TIMES: unknown[] = [NaN, Infinity, '5', null, undefined, 5n];
const badTimes = (what: string, call: (c: Ctx, v: unknown) => unknown): Bad[] => badNumbers(what, NOT_TIMES, call);
const livePipeline = new Map<string, { close(): void }>();
function livePipe<T>(name: string, c: Ctx): T {
  let o = livePipeline.get(name);
  if (!o) {
    o = PIPELINE_MAKERS[name](c.kit);
    livePipeline.set(name, o);
  }
  return o as T;
}
const liveSender = (c: Ctx) => livePipe<api.AudioSender>('AudioSender', c);
const liveReceiver = (c: Ctx) => livePipe<api.AudioReceiver>('AudioReceiver', c);
const liveRelay = (c: Ctx) => livePipe<api.RtpRelay>('RtpRelay', c);
const transcodeRelay = (c: Ctx) => livePipe<api.RtpRelay>('RtpRelayTranscode', c);
const liveRtcp = (c: Ctx) => livePipe<api.RtcpSession>('RtcpSession', c);
const liveReception = (c: Ctx) => livePipe<api.ReceptionTracker>('ReceptionTracker', c);
const scheduler = () => new api.RtcpScheduler(0, { random: () => 0.5 });
/** Made on first use per backend (closed by the beforeAll of the next backend). */
const PIPELINE_MAKERS: Record<string, (kit: VoipKit) => { close(): void }> = {
  AudioSender: (k) => new api.AudioSender(k, 0, { ssrc: 0x1234, sequenceNumber: 100, timestamp: 0 }),
  AudioReceiver: (k) => new api.AudioReceiver(k, 0),
  RtpRelay: (k) => new api.RtpRelay(k, { a: { ssrc: 0xa }, b: { ssrc: 0xb } }),
  RtpRelayTranscode: (k) => new api.RtpRelay(k, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'pcma' } }),
  RtcpSession: (k) => new api.RtcpSession(k, 0, { ssrc: 0x1234, cname: 'hostile@127.0.0.1' }),
  ReceptionTracker: (k) => new api.ReceptionTracker(k, 0x5678, 8000),
};
/** A datagram from an AudioSender: RFC 3550 header (12 bytes) + 160 G.711 codes. */
function senderPacket(c: Ctx): Uint8Array {
  const [p] = liveSender(c).send(new Int16Array(160), 1000);
  return p;
}

const PIPELINE_ROWS: Record<string, Row> = {
  'FramePacer.due': {
    bad: badTimes('nowMs', (_c, v) => new api.FramePacer(0, 20).due(v as never)),
    odd: [['frames due at 0, 19, 20 and 100 ms of a 20 ms clock started at 0: 1, 0, 1, 4', () => {
      const p = new api.FramePacer(0, 20);
      expect([0, 19, 20, 100].map((t) => p.due(t))).toEqual([1, 0, 1, 4]);
    }]],
  },
  'AudioSender.sendDtmf': {
    bad: [
      ...badNumbers('digit', ['X', null, 256, 1.5], (c, d) => liveSender(c).sendDtmf(d as never)),
      ...badNumbers('durationMs', [NaN, '100', 39, 10001, null], (c, v) => liveSender(c).sendDtmf('5', v as never)),
    ],
  },
  'AudioSender.send': {
    bad: [
      ...badBytes('pcm', (c, x) => liveSender(c).send(x as never, 0)),
      ['pcm a Float32Array', (c) => liveSender(c).send(new Float32Array(160) as never, 0), 'invalid_argument'],
      ['pcm of 159 samples', (c) => liveSender(c).send(new Int16Array(159), 0), 'invalid_argument'],
      ...badTimes('nowMs', (c, v) => liveSender(c).send(new Int16Array(160), v as never)),
      ['after close', (c) => { const s = PIPELINE_MAKERS.AudioSender(c.kit) as api.AudioSender; s.close(); return s.send(new Int16Array(160), 0); }, 'closed'],
    ],
    usable: (c) => {
      // One 20 ms G.711 frame: a 12-byte RTP header (RFC 3550 5.1) + 160 mu-law codes;
      // silence (0) is code 0xFF (ITU-T G.711 Table 2a). The bad calls sent nothing.
      const p = senderPacket(c);
      const v = api.RtpView.wrap(p);
      expect([p.length, v.payloadType, v.ssrc, v.sequenceNumber]).toEqual([172, 0, 0x1234, 100]);
      expect(v.payload.every((b) => b === 0xff)).toBe(true);
    },
  },
  'AudioSender.pollRtcp': { bad: badTimes('nowMs', (c, v) => liveSender(c).pollRtcp(v as never)) },
  'AudioSender.receiveRtcp': {
    bad: badTimes('nowMs', (c, v) => liveSender(c).receiveRtcp(RR, v as never)),
    odd: [['junk datagrams are dropped (false); an RR is taken (true)', (c) => {
      for (const [, x] of notTyped) expect(liveSender(c).receiveRtcp(x() as never, 0)).toBe(false);
      expect(liveSender(c).receiveRtcp(new Uint8Array(0), 0)).toBe(false);
      expect(liveSender(c).receiveRtcp(RR, 0)).toBe(true);
    }]],
  },
  'AudioSender.bye': {
    bad: [...badTimes('nowMs', (c, v) => liveSender(c).bye(v as never)), ['reason 42', (c) => liveSender(c).bye(0, 42 as never), 'invalid_argument']],
    odd: [['a compound packet ending in BYE with the reason (RFC 3550 6.6)', (c) => {
      const pk = api.parseRtcp(liveSender(c).bye(0, 'done'));
      expect(pk.at(-1)).toMatchObject({ type: 'bye', ssrcs: [0x1234], reason: 'done' });
    }]],
  },
  'AudioSender.stats': { bad: [], odd: [['a snapshot', (c) => expect(typeof liveSender(c).stats().frames).toBe('number')]] },
  'AudioSender.close': { bad: [], odd: [['close twice', (c) => { const s = PIPELINE_MAKERS.AudioSender(c.kit); s.close(); s.close(); }]] },
  'AudioReceiver.receive': {
    bad: badTimes('nowMs', (c, v) => liveReceiver(c).receive(senderPacket(c), v as never)),
    odd: [['junk datagrams are counted and dropped, never thrown', (c) => {
      const r = liveReceiver(c);
      const before = r.stats().datagrams;
      const junk = [...notTyped.map(([, x]) => x()), new Uint8Array(0), Uint8Array.of(0x80, 0, 0), new Uint8Array(1500).fill(0xff)];
      for (const x of junk) r.receive(x as never, 0);
      expect(r.stats().datagrams - before).toBe(junk.length);
    }]],
  },
  'AudioReceiver.events': { bad: [], odd: [['none before any DTMF', (c) => expect(liveReceiver(c).events()).toEqual([])]] },
  'AudioReceiver.poll': {
    bad: badTimes('nowMs', (c, v) => liveReceiver(c).poll(v as never)),
    usable: (c) => expect(liveReceiver(c).poll(20).pcm.length).toBe(160), // 20 ms at 8 kHz
  },
  'AudioReceiver.pollRtcp': { bad: badTimes('nowMs', (c, v) => liveReceiver(c).pollRtcp(v as never)) },
  'AudioReceiver.stats': { bad: [], odd: [['a snapshot', (c) => expect(typeof liveReceiver(c).stats().datagrams).toBe('number')]] },
  'AudioReceiver.close': { bad: [], odd: [['close twice', (c) => { const r = PIPELINE_MAKERS.AudioReceiver(c.kit); r.close(); r.close(); }]] },
  'RtpRelay.ssrcOn': {
    bad: badNumbers('leg', ['c', 'A', null, undefined, 0], (c, l) => liveRelay(c).ssrcOn(l as never)),
    odd: [['the configured SSRCs', (c) => expect([liveRelay(c).ssrcOn('a'), liveRelay(c).ssrcOn('b')]).toEqual([0xa, 0xb])]],
  },
  'RtpRelay.relay': {
    bad: [
      ...badNumbers('from', ['c', null, undefined], (c, l) => liveRelay(c).relay(l as never, rtp(1), 0)),
      ...badTimes('nowMs', (c, v) => liveRelay(c).relay('a', rtp(1), v as never)),
    ],
    odd: [['junk datagrams are dropped (nothing to send) and counted', (c) => {
      const r = liveRelay(c);
      const before = r.stats().a.dropped.notRtp;
      for (const [, x] of notTyped) expect(r.relay('a', x() as never, 0)).toEqual([]);
      expect(r.stats().a.dropped.notRtp - before).toBe(notTyped.length);
    }]],
    usable: (c) => {
      // forwarded with the relay's SSRC on leg b, the payload untouched
      const outs = liveRelay(c).relay('a', rtp(7), 0);
      expect(outs.length).toBe(1);
      const out = outs[0];
      expect(api.RtpView.wrap(out).ssrc).toBe(0xb);
      expect(Array.from(out.subarray(12))).toEqual(Array.from(rtp(7).subarray(12)));
    },
  },
  'RtpRelay.pollRtcp': {
    bad: [
      ...badNumbers('leg', ['c', null, undefined], (c, l) => liveRelay(c).pollRtcp(l as never, 0)),
      ...badTimes('nowMs', (c, v) => liveRelay(c).pollRtcp('a', v as never)),
    ],
    odd: [['forward mode: no RTCP of its own', (c) => expect(liveRelay(c).pollRtcp('a', 1e7)).toBeUndefined()]],
  },
  'RtpRelay.leave': {
    bad: [
      ...badTimes('nowMs', (c, v) => transcodeRelay(c).leave(v as never)),
      ...badNumbers('options', [null, 42, 'x'], (c, v) => transcodeRelay(c).leave(0, v as never)),
      ['options.reason not a string', (c) => transcodeRelay(c).leave(0, { reason: 42 as never }), 'invalid_argument'],
    ],
    odd: [['forward mode: nothing to leave', (c) => expect(liveRelay(c).leave(0)).toBe(false)]],
  },
  'RtpRelay.bye': {
    bad: [
      ...badNumbers('leg', ['c', null, undefined], (c, l) => transcodeRelay(c).bye(l as never, 0)),
      ...badTimes('nowMs', (c, v) => transcodeRelay(c).bye('a', v as never)),
      ...badNumbers('reason', [42, null], (c, v) => transcodeRelay(c).bye('a', 0, v as never)),
    ],
    usable: (c) => expect(api.parseRtcp(transcodeRelay(c).bye('b', 0, 'done')!).map((p) => p.type)).toEqual(['rr', 'sdes', 'bye']),
  },
  'RtpRelay.stats': { bad: [], odd: [['a snapshot', (c) => expect(typeof liveRelay(c).stats().b.sent).toBe('number')]] },
  'RtpRelay.close': {
    bad: [],
    odd: [
      ['close twice', (c) => { const r = PIPELINE_MAKERS.RtpRelay(c.kit); r.close(); r.close(); }],
      ['transcoding to Opus after close: nothing relayed, nothing thrown', (c) => {
        if (c.kit.features.opus === 'none') return;
        const r = new api.RtpRelay(c.kit, { mode: 'transcode', a: { codec: 'pcmu' }, b: { codec: 'opus' } });
        expect(r.relay('a', rtp(1), 0).length).toBe(1);
        r.close();
        expect(r.relay('a', rtp(2), 20)).toEqual([]);
        expect(r.pollRtcp('b', 1e6)).toBeUndefined();
      }],
    ],
  },
  'ReceptionTracker.onRtp': {
    bad: [
      ...badNumbers('sequenceNumber', [-1, 65536, NaN, '1', null], (c, v) => liveReception(c).onRtp(v as never, 0, 160, 0)),
      ...badNumbers('rtpTimestamp', [-1, 2 ** 32, NaN, 1.5, '0'], (c, v) => liveReception(c).onRtp(1, v as never, 160, 0)),
      ...badNumbers('payloadBytes', [-1, NaN, 1.5, '160', 65536], (c, v) => liveReception(c).onRtp(1, 0, v as never, 0)),
      ...badTimes('arrivalMs', (c, v) => liveReception(c).onRtp(1, 0, 160, v as never)),
    ],
    usable: (c) => {
      // Nothing of the above was counted; packets on time keep the A.8 jitter at 0.
      const t = liveReception(c);
      for (let i = 0; i < 3; i++) t.onRtp(10 + i, 160 * i, 160, 20 * i);
      expect(t.stats()).toMatchObject({ received: 3, expected: 3, cumulativeLost: 0, jitter: 0, octets: 480 });
    },
  },
  'ReceptionTracker.onSenderReport': {
    bad: [
      ...badNumbers('ntpSeconds', [-1, NaN, '1', 2 ** 32], (c, v) => liveReception(c).onSenderReport(v as never, 0, 0)),
      ...badNumbers('ntpFraction', [-1, NaN, 2 ** 32], (c, v) => liveReception(c).onSenderReport(0, v as never, 0)),
      ...badTimes('arrivalMs', (c, v) => liveReception(c).onSenderReport(0, 0, v as never)),
    ],
  },
  'ReceptionTracker.stats': { bad: [], odd: [['a snapshot', (c) => expect(typeof liveReception(c).stats().jitter).toBe('number')]] },
  'ReceptionTracker.reportBlock': { bad: badTimes('nowMs', (c, v) => liveReception(c).reportBlock(v as never)) },
  'ReceptionTracker.close': { bad: [], odd: [['close twice', (c) => { const r = PIPELINE_MAKERS.ReceptionTracker(c.kit); r.close(); r.close(); }]] },
  'RtcpScheduler.interval': {
    bad: [],
    // RFC 3550 A.7 with the defaults: Tmin 5 s halved for the first report,
    // times (random + 0.5) = 1, divided by e - 1.5
    odd: [['the first interval', () => expect(scheduler().interval()).toBeCloseTo(2500 / (Math.E - 1.5), 6)]],
  },
  'RtcpScheduler.poll': { bad: badTimes('nowMs', (_c, v) => scheduler().poll(v as never)) },
  'RtcpScheduler.deterministicInterval': {
    bad: [],
    // RFC 3550 6.3.1 step 3 with the defaults: Tmin 5 s halved before the first report
    odd: [['the first Td', () => expect(scheduler().deterministicInterval()).toBe(2500)]],
  },
  'RtcpScheduler.membersLeft': {
    bad: [
      ...badNumbers('members', [0, -1, 1.5, NaN, '2', null], (_c, v) => scheduler().membersLeft(v as never, 0)),
      ...badTimes('nowMs', (_c, v) => scheduler().membersLeft(1, v as never)),
    ],
  },
  'RtcpScheduler.leave': {
    bad: [
      ...badTimes('nowMs', (_c, v) => scheduler().leave(v as never, 100)),
      ...badNumbers('byeBytes', [0, -1, NaN, '100', null], (_c, v) => scheduler().leave(0, v as never)),
      ...badNumbers('options', [null, 42, 'x'], (_c, v) => scheduler().leave(0, 100, v as never)),
      ['options.backoff not a boolean', () => scheduler().leave(0, 100, { backoff: 1 as never }), 'invalid_argument'],
    ],
    // RFC 3550 6.3.7: with fewer than 50 members the BYE may go at once
    odd: [['two members: due now', () => expect(scheduler().leave(1000, 100)).toBe(1000)]],
  },
  'RtcpScheduler.sent': {
    bad: [...badNumbers('bytes', [-1, NaN, '100', null], (_c, v) => scheduler().sent(v as never, 0)), ...badTimes('nowMs', (_c, v) => scheduler().sent(100, v as never))],
  },
  'RtcpScheduler.received': { bad: badNumbers('bytes', [-1, NaN, Infinity, '100', null], (_c, v) => scheduler().received(v as never)) },
  'RtcpSession.onRtpSent': {
    bad: [
      ...badNumbers('payloadBytes', [-1, NaN, '1'], (c, v) => liveRtcp(c).onRtpSent(v as never, 0, 0)),
      ...badNumbers('rtpTimestamp', [-1, 2 ** 32, NaN], (c, v) => liveRtcp(c).onRtpSent(160, v as never, 0)),
      ...badTimes('nowMs', (c, v) => liveRtcp(c).onRtpSent(160, 0, v as never)),
    ],
    usable: (c) => expect(liveRtcp(c).senderStats()).toMatchObject({ packets: 0, octets: 0 }),
  },
  'RtcpSession.forget': {
    bad: badNumbers('ssrc', [-1, 2 ** 32, NaN, '1', null], (c, v) => liveRtcp(c).forget(v as never)),
    odd: [['a source never seen', (c) => liveRtcp(c).forget(0x77777777)]],
  },
  'RtcpSession.remote': { bad: badNumbers('ssrc', [-1, 2 ** 32, NaN, '1', null], (c, v) => liveRtcp(c).remote(v as never)) },
  'RtcpSession.onRtpReceived': {
    bad: [
      ...badNumbers('ssrc', [-1, NaN], (c, v) => liveRtcp(c).onRtpReceived(v as never, 1, 0, 160, 0)),
      ...badNumbers('sequenceNumber', [65536, NaN], (c, v) => liveRtcp(c).onRtpReceived(1, v as never, 0, 160, 0)),
      ...badTimes('nowMs', (c, v) => liveRtcp(c).onRtpReceived(1, 1, 0, 160, v as never)),
    ],
  },
  'RtcpSession.onRtcpReceived': {
    bad: [
      ...badNumbers('packets', [null, undefined, 42, 'x'], (c, p) => liveRtcp(c).onRtcpReceived(p as never, 8, 0)),
      ['packets an object', (c) => liveRtcp(c).onRtcpReceived({} as never, 8, 0), 'invalid_argument'],
      ...badNumbers('bytes', [-1, NaN, '8'], (c, v) => liveRtcp(c).onRtcpReceived([], v as never, 0)),
      ...badTimes('nowMs', (c, v) => liveRtcp(c).onRtcpReceived([], 8, v as never)),
    ],
    odd: [['no packets: no BYEs (an empty array)', (c) => expect(liveRtcp(c).onRtcpReceived([], 8, 0)).toEqual([])]],
  },
  'RtcpSession.senderStats': { bad: [], odd: [['a snapshot', (c) => expect(typeof liveRtcp(c).senderStats().packets).toBe('number')]] },
  'RtcpSession.receptionStats': { bad: [], odd: [['a snapshot', (c) => expect(Array.isArray(liveRtcp(c).receptionStats())).toBe(true)]] },
  'RtcpSession.buildReport': { bad: badTimes('nowMs', (c, v) => liveRtcp(c).buildReport(v as never)) },
  'RtcpSession.poll': { bad: badTimes('nowMs', (c, v) => liveRtcp(c).poll(v as never)) },
  'RtcpSession.leave': {
    bad: [
      ...badTimes('nowMs', (c, v) => PIPELINE_MAKERS.RtcpSession(c.kit).leave(v as never)),
      ...badNumbers('options', [null, 42, 'x'], (c, v) => PIPELINE_MAKERS.RtcpSession(c.kit).leave(0, v as never)),
      ['options.reason not a string', (c) => PIPELINE_MAKERS.RtcpSession(c.kit).leave(0, { reason: 42 as never }), 'invalid_argument'],
      ['options.reason over 255 bytes', (c) => PIPELINE_MAKERS.RtcpSession(c.kit).leave(0, { reason: 'x'.repeat(256) }), 'invalid_argument'],
    ],
    // RFC 3550 6.3.7: a participant that never sent RTP or RTCP sends no BYE
    odd: [['never sent: no BYE', (c) => {
      const r = PIPELINE_MAKERS.RtcpSession(c.kit) as api.RtcpSession;
      expect(r.leave(0)).toBe(false);
      expect(r.poll(1e7)).toBeUndefined();
      r.close();
    }]],
  },
  'RtcpSession.bye': {
    bad: [...badTimes('nowMs', (c, v) => liveRtcp(c).bye(v as never)), ['reason 42', (c) => liveRtcp(c).bye(0, 42 as never), 'invalid_argument']],
    usable: (c) => expect(api.parseRtcp(liveRtcp(c).bye(0)).map((p) => p.type)).toEqual(['rr', 'sdes', 'bye']),
  },
  'RtcpSession.close': { bad: [], odd: [['close twice', (c) => { const r = PIPELINE_MAKERS.RtcpSession(c.kit); r.close(); r.close(); }]] },
};

// Constructors of the classes the caller makes (the kit-made ones are INTERNAL).
const K = (c: Ctx) => c.kit;
const NOT_KITS: unknown[] = [null, undefined, 42, {}];
const CONSTRUCTOR_ROWS: Record<string, Row> = {
  'new AudioSender': {
    bad: [
      ...badNumbers('kit', NOT_KITS, (_c, k) => new api.AudioSender(k as never, 0)),
      ...badTimes('nowMs', (c, v) => new api.AudioSender(K(c), v as never)),
      ...badNumbers('options', [null, 42, 'pcmu'], (c, o) => new api.AudioSender(K(c), 0, o as never)),
      ...badNumbers('ssrc', [-1, 2 ** 32, 1.5, NaN, '1'], (c, v) => new api.AudioSender(K(c), 0, { ssrc: v as never })),
      ...badNumbers('sequenceNumber', [-1, 65536, NaN], (c, v) => new api.AudioSender(K(c), 0, { sequenceNumber: v as never })),
      ...badNumbers('timestamp', [-1, 2 ** 32, NaN], (c, v) => new api.AudioSender(K(c), 0, { timestamp: v as never })),
      ...badNumbers('srtp', [42, {}, null], (c, v) => new api.AudioSender(K(c), 0, { srtp: v as never })),
      ['codec "g729"', (c) => new api.AudioSender(K(c), 0, { codec: 'g729' as never }), 'invalid_argument'],
      ['cname 42', (c) => new api.AudioSender(K(c), 0, { cname: 42 as never }), 'invalid_argument'],
    ],
  },
  'new AudioReceiver': {
    bad: [
      ...badNumbers('kit', NOT_KITS, (_c, k) => new api.AudioReceiver(k as never, 0)),
      ...badTimes('nowMs', (c, v) => new api.AudioReceiver(K(c), v as never)),
      ...badNumbers('options', [null, 42], (c, o) => new api.AudioReceiver(K(c), 0, o as never)),
      ...badNumbers('payloadTypes', [null, 42], (c, v) => new api.AudioReceiver(K(c), 0, { payloadTypes: v as never })),
      ['payloadTypes {0: "g729"}', (c) => new api.AudioReceiver(K(c), 0, { payloadTypes: { 0: 'g729' as never } }), 'invalid_argument'],
      ...badNumbers('srtp', [42, {}], (c, v) => new api.AudioReceiver(K(c), 0, { srtp: v as never })),
    ],
  },
  'new RtpRelay': {
    bad: [
      ...badNumbers('kit', NOT_KITS, (_c, k) => new api.RtpRelay(k as never)),
      ...badNumbers('options', [null, 42], (c, o) => new api.RtpRelay(K(c), o as never)),
      ...badNumbers('leg a', [null, 42], (c, o) => new api.RtpRelay(K(c), { a: o as never })),
      ...badNumbers('leg b ssrc', [-1, NaN, '1'], (c, v) => new api.RtpRelay(K(c), { b: { ssrc: v as never } })),
      ['mode "mix"', (c) => new api.RtpRelay(K(c), { mode: 'mix' as never }), 'invalid_argument'],
      ...badNumbers('transcode leg a cname', ['', 42, 'x'.repeat(256)], (c, v) => new api.RtpRelay(K(c), { mode: 'transcode', a: { cname: v as never } })),
      ...badNumbers('transcode leg b rtcp', [null, 42], (c, v) => new api.RtpRelay(K(c), { mode: 'transcode', b: { rtcp: v as never } })),
      ...badNumbers('transcode leg b rtcp.minIntervalMs', [-1, NaN, '5'], (c, v) => new api.RtpRelay(K(c), { mode: 'transcode', b: { rtcp: { minIntervalMs: v as never } } })),
      ...badNumbers('transcode leg a rtcp.wallClockMs', [42, 'x'], (c, v) => new api.RtpRelay(K(c), { mode: 'transcode', a: { rtcp: { wallClockMs: v as never } } })),
    ],
  },
  'new RtcpSession': {
    bad: [
      ...badNumbers('kit', NOT_KITS, (_c, k) => new api.RtcpSession(k as never, 0, { ssrc: 1, cname: 'x' })),
      ...badTimes('nowMs', (c, v) => new api.RtcpSession(K(c), v as never, { ssrc: 1, cname: 'x' })),
      ...badNumbers('options', [undefined, null, 42], (c, o) => new api.RtcpSession(K(c), 0, o as never)),
      ...badNumbers('ssrc', [undefined, -1, 2 ** 32, 'x'], (c, v) => new api.RtcpSession(K(c), 0, { ssrc: v as never, cname: 'x' })),
      ...badNumbers('cname', [undefined, '', 42, 'x'.repeat(256)], (c, v) => new api.RtcpSession(K(c), 0, { ssrc: 1, cname: v as never })),
      ...badNumbers('clockRate', [NaN, 0, 8000.5], (c, v) => new api.RtcpSession(K(c), 0, { ssrc: 1, cname: 'x', clockRate: v as never })),
    ],
  },
  'new RtcpScheduler': {
    bad: [
      ...badTimes('nowMs', (_c, v) => new api.RtcpScheduler(v as never)),
      ...badNumbers('options', [null, 42], (_c, o) => new api.RtcpScheduler(0, o as never)),
      ...badNumbers('sessionBandwidth', [0, -1, NaN, '64000'], (_c, v) => new api.RtcpScheduler(0, { sessionBandwidth: v as never })),
      ...badNumbers('rtcpFraction', [0, 1.5, NaN], (_c, v) => new api.RtcpScheduler(0, { rtcpFraction: v as never })),
      ...badNumbers('minIntervalMs', [-1, NaN, '5000'], (_c, v) => new api.RtcpScheduler(0, { minIntervalMs: v as never })),
      ['random 42', () => new api.RtcpScheduler(0, { random: 42 as never }), 'invalid_argument'],
    ],
  },
  'new ReceptionTracker': {
    bad: [
      ...badNumbers('kit', NOT_KITS, (_c, k) => new api.ReceptionTracker(k as never, 1, 8000)),
      ...badNumbers('ssrc', [-1, NaN, '1'], (c, v) => new api.ReceptionTracker(K(c), v as never, 8000)),
      ...badNumbers('clockRate', [NaN, 0, '8000'], (c, v) => new api.ReceptionTracker(K(c), 1, v as never)),
      ...badNumbers('probation', [-1, 101, NaN], (c, v) => new api.ReceptionTracker(K(c), 1, 8000, v as never)),
    ],
  },
  'new FramePacer': {
    bad: [
      ...badTimes('startMs', (_c, v) => new api.FramePacer(v as never)),
      ...badNumbers('ptimeMs', [0, -20, NaN, '20', null], (_c, v) => new api.FramePacer(0, v as never)),
    ],
  },
  'new DtmfEncoder': {
    bad: [
      ...badNumbers('options', [null, 42], (_c, o) => new api.DtmfEncoder(o as never)),
      ...badNumbers('clockRate', [999, 8000.5, NaN, '8000'], (_c, v) => new api.DtmfEncoder({ clockRate: v as never })),
      ...badNumbers('volume', [-1, 64, NaN], (_c, v) => new api.DtmfEncoder({ volume: v as never })),
      ...badNumbers('intervalMs', [9, 1001, NaN, '50'], (_c, v) => new api.DtmfEncoder({ intervalMs: v as never })),
      ...badNumbers('endPackets', [0, 11, 1.5], (_c, v) => new api.DtmfEncoder({ endPackets: v as never })),
    ],
  },
  'new DtmfDecoder': {
    bad: [
      ...badNumbers('options', [null, 42], (_c, o) => new api.DtmfDecoder(o as never)),
      ...badNumbers('clockRate', [0, NaN, '8000'], (_c, v) => new api.DtmfDecoder({ clockRate: v as never })),
    ],
  },
  'new EnergyVad': {
    bad: [
      ...badNumbers('options', [null, 42], (_c, o) => new api.EnergyVad(o as never)),
      ...badNumbers('marginDb', [-1, 61, NaN, '9'], (_c, v) => new api.EnergyVad({ marginDb: v as never })),
      ...badNumbers('floorDbov', [1, -128, NaN, '-55'], (_c, v) => new api.EnergyVad({ floorDbov: v as never })),
      ...badNumbers('hangoverFrames', [-1, 1.5, 1001], (_c, v) => new api.EnergyVad({ hangoverFrames: v as never })),
    ],
  },
  'new RtpBuilder': {
    bad: [
      ...badNumbers('init', [null, 42, 'x'], (_c, o) => new api.RtpBuilder(o as never)),
      ...badBytes('payload', (_c, x) => new api.RtpBuilder({ payload: x as never }), ['undefined']),
      // the header fields are plain properties, checked when serialized
      ...badNumbers('payloadType (at serialize)', [128, -1, NaN], (_c, v) => new api.RtpBuilder({ payloadType: v as never }).serialize()),
      ...badNumbers('sequenceNumber (at serialize)', [65536, NaN, '1'], (_c, v) => new api.RtpBuilder({ sequenceNumber: v as never }).serialize()),
    ],
  },
  'new RtpView': {
    bad: [
      ...badBytes('bytes', (_c, x) => new api.RtpView(x as never), ['undefined']),
      ['11 bytes', () => new api.RtpView(new Uint8Array(11)), 'bad_length'],
    ],
    odd: [['no bytes: an empty view to reset() later', () => expect(() => new api.RtpView().reset(rtp(3))).not.toThrow()]],
  },
};

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
      ['opusscript: a number', () => api.load({ backend: 'wasm', opusscript: 42 as never }), 'invalid_argument'],
      ['opusscript: null', () => api.load({ backend: 'wasm', opusscript: null as never }), 'invalid_argument'],
      ['opusscript: glue not a function', () => api.load({ backend: 'wasm', opusscript: { glue: {}, wasm: new Uint8Array(8) } }), 'invalid_argument'],
      ['opusscript: wasm a number', () => api.load({ backend: 'wasm', opusscript: { glue: () => 0, wasm: 42 as never } }), 'invalid_argument'],
      ['opusscript: garbage wasm bytes', () => api.load({ backend: 'wasm', opusscript: { glue: () => ({}), wasm: new Uint8Array([0, 97, 115, 109, 9, 9]) } }), 'load_failed'],
      ['opusscript: a glue that throws', () => api.load({ backend: 'wasm', opusscript: { glue: () => { throw new Error('no'); }, wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) } }), 'load_failed'],
      ['opusscript: a glue that is not emscripten', () => api.load({ backend: 'wasm', opusscript: { glue: () => ({}), wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) } }), 'load_failed'],
      ['opusscript: missing wasm file', () => api.load({ backend: 'wasm', opusscript: { glue: () => ({}), wasm: new URL('file:///nonexistent/opusscript.wasm') } }), 'load_failed'],
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
  'CoreResource.close': {
    bad: [],
    odd: [
      [
        'close twice, then dispose, on every kind of object; every method then throws closed',
        (c) => {
          for (const [name, spec] of Object.entries(OBJECTS)) {
            const o = spec.make(c.kit);
            expect(o.closed, name).toBe(false);
            o.close();
            o.close();
            o[Symbol.dispose]();
            expect(o.closed, name).toBe(true);
            for (const [m, call] of Object.entries(spec.ops)) {
              let err: unknown;
              try {
                call(o as never, c);
              } catch (e) {
                err = e;
              }
              expect(err instanceof VoipKitError && err.code, `${name}.${m} after close`).toBe('closed');
            }
          }
        },
      ],
    ],
  },
  'CoreResource[Symbol.dispose]': {
    bad: [
      [
        'stats after the using scope of a tracker',
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
        'dispose twice on every kind of object',
        (c) => {
          for (const spec of Object.values(OBJECTS)) {
            const o = spec.make(c.kit);
            o[Symbol.dispose]();
            o[Symbol.dispose]();
            expect(o.closed).toBe(true);
          }
        },
      ],
    ],
  },
  ...SRTP_ROWS,
  ...JITTER_ROWS,
  ...NS_ROWS,
  ...RESAMPLE_ROWS,
  ...RTP_ROWS,
  ...MORE_ROWS,
  ...PIPELINE_ROWS,
  ...CONSTRUCTOR_ROWS,
};

/**
 * Known failures, left to the owners of the code (docs/reliability.md lists
 * them).  Matched against "<backend> > <function> > <case>"; each runs as
 * it.fails, so this list must shrink when one is fixed.
 */
const KNOWN: [RegExp, string][] = [
];
/** More known failures, listed case by case (the same on both backends). */
const KNOWN_CASES = new Set(
  readFileSync(new URL('./hostile.known.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#')),
);
const knownFailure = (id: string) =>
  KNOWN.find(([re]) => re.test(id))?.[1] ?? (KNOWN_CASES.has(id.replace(/^(native|wasm) > /, '')) ? 'listed in test/hostile.known.txt' : undefined);

/**
 * Members reachable at run time that are not public API, with the reason:
 * the constructors of the classes a kit factory makes take a Backend and
 * are documented `@internal use kit.createX()` (the factories have rows).
 */
const INTERNAL = new Set<string>(
  ['SequenceTracker', 'SrtpSession', 'JitterBuffer', 'NoiseSuppressor', 'Resampler', 'OpusEncoder', 'OpusDecoder', 'ComfortNoiseGenerator', 'DtxController', 'G711'].map((c) => `new ${c}`),
);

/** Well-known symbols by identity (Node 20 describes Symbol.dispose as 'nodejs.dispose'). */
function symbolName(k: symbol): string {
  if (k === Symbol.dispose) return 'Symbol.dispose';
  if (k === (Symbol as { asyncDispose?: symbol }).asyncDispose) return 'Symbol.asyncDispose';
  if (k === Symbol.iterator) return 'Symbol.iterator';
  if (k === Symbol.asyncIterator) return 'Symbol.asyncIterator';
  return k.description ?? 'symbol';
}

/** Objects a kit factory returns that hold no core memory (no close()). */
const NON_CLOSABLE: Record<string, (k: VoipKit) => object> = {
  DtxController: (k) => k.createDtx(),
};

const FACTORY_OF: Record<string, string> = {
  createSequenceTracker: 'SequenceTracker',
  createSrtpSession: 'SrtpSession',
  createJitterBuffer: 'JitterBuffer',
  createNoiseSuppressor: 'NoiseSuppressor',
  createResampler: 'Resampler',
  createOpusEncoder: 'OpusEncoder',
  createOpusDecoder: 'OpusDecoder',
  createComfortNoiseGenerator: 'ComfortNoiseGenerator',
  createDtx: 'DtxController',
};

/**
 * The public surface as the running code exposes it: every function that
 * takes input.  Exported functions; static methods of exported classes
 * (error classes aside); the kit's functions; and the methods and setters
 * along the prototype chain of every object the API hands out (kit.g711,
 * the objects of the kit's factories, RtpView, RtpBuilder), each named by
 * the class that defines it.
 */
function surface(kit: VoipKit): { names: string[]; problems: string[] } {
  const names = new Set<string>();
  const problems: string[] = [];
  const isClass = (f: unknown) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
  const instances: [object, string | null][] = [];
  for (const [k, v] of Object.entries(api)) {
    if (typeof v !== 'function') continue;
    if (!isClass(v)) {
      names.add(k);
      continue;
    }
    if (v === VoipKitError || v.prototype instanceof VoipKitError) continue;
    names.add(`new ${k}`);
    for (const key of Object.getOwnPropertyNames(v)) {
      if (['length', 'name', 'prototype'].includes(key)) continue;
      if (typeof (v as unknown as Record<string, unknown>)[key] === 'function') names.add(`${k}.${key}`);
    }
  }
  for (const [k, v] of Object.entries(kit)) {
    if (typeof v === 'function') {
      names.add(k);
      if (/^create/.test(k)) {
        const cls = FACTORY_OF[k];
        if (cls && !OBJECTS[cls] && NON_CLOSABLE[cls]) {
          instances.push([NON_CLOSABLE[cls](kit), null]);
          continue;
        }
        if (!cls || !OBJECTS[cls]) {
          problems.push(`kit.${k}: add it to FACTORY_OF and OBJECTS in test/hostile.test.ts`);
          continue;
        }
        const o = OBJECTS[cls].make(kit);
        if (o.constructor.name !== cls) problems.push(`kit.${k} makes a ${o.constructor.name}, FACTORY_OF says ${cls}`);
        instances.push([o, null]);
      }
    } else if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
      instances.push([v as object, k]);
    }
  }
  instances.push([api.RtpView.wrap(rtp(1)), null], [new api.RtpBuilder(), null]);
  instances.push([new api.DtmfEncoder(), null], [new api.DtmfDecoder(), null], [new api.EnergyVad(), null]);
  instances.push([new api.FramePacer(0), null], [scheduler(), null]);
  for (const make of Object.values(PIPELINE_MAKERS)) instances.push([make(kit), null]);
  // Every exported class must be reached through one of these instances.
  const reached = new Set(instances.map(([o]) => Object.getPrototypeOf(o) as object));
  for (const [k, v] of Object.entries(api)) {
    if (!isClass(v) || v === VoipKitError || v.prototype instanceof VoipKitError) continue;
    if (!reached.has(v.prototype)) problems.push(`exported class ${k}: add an instance to surface() in test/hostile.test.ts`);
  }
  for (const [obj, prefix] of instances) {
    for (let p = Object.getPrototypeOf(obj); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      const owner = prefix ?? (p.constructor as { name: string }).name;
      for (const key of Reflect.ownKeys(p)) {
        if (key === 'constructor') continue;
        const d = Object.getOwnPropertyDescriptor(p, key)!;
        if (typeof d.value !== 'function' && !d.set) continue; // getters take no input
        const label = typeof key === 'symbol' ? `${owner}[${symbolName(key)}]` : `${owner}.${key}`;
        names.add(label);
        // every method of a kit-made object needs a valid call in OBJECTS
        const cls = obj.constructor.name;
        if (prefix === null && OBJECTS[cls] && owner !== 'CoreResource' && key !== 'close' && typeof key === 'string' && !(key in OBJECTS[cls].ops)) {
          problems.push(`OBJECTS.${cls}.ops lacks ${key}`);
        }
      }
    }
    (obj as { close?: () => void }).close?.();
  }
  return { names: [...names].filter((n) => !INTERNAL.has(n)).sort(), problems };
}

describe.each(BACKENDS)('hostile input on %s', (backend) => {
  let kit: VoipKit;
  const savedEnv = process.env.VOIPKIT_BACKEND;
  beforeAll(async () => {
    kit = await kitFor(backend);
    expect(kit.backend).toBe(backend);
    tracker?.close();
    tracker = undefined;
    for (const o of live.values()) o.close();
    live.clear();
    for (const o of livePipeline.values()) o.close();
    livePipeline.clear();
  });
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.VOIPKIT_BACKEND;
    else process.env.VOIPKIT_BACKEND = savedEnv;
  });

  for (const [fn, row] of Object.entries(TABLE)) {
    describe(fn, () => {
      for (const [label, call, code] of row.bad) {
        const known = knownFailure(`${backend} > ${fn} > ${label}`);
        (known ? it.fails : it)(`${label} -> ${code}${known ? ` (known failure: ${known})` : ''}`, async () => {
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
    const { names, problems } = surface(kit);
    expect(problems).toEqual([]);
    const missing = names.filter((n) => !(n in TABLE));
    expect(missing, `add rows to test/hostile.test.ts for: ${missing.join(', ')}`).toEqual([]);
    // and the table names nothing that does not exist (stale rows)
    const all = new Set(names);
    expect(Object.keys(TABLE).filter((n) => !all.has(n))).toEqual([]);
  });
});
