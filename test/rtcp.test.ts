/**
 * RTCP packets: hand-written bytes from the RFC figures (section named at
 * each), the RFC 7714 SR, builders, compound and reduced-size rules, a
 * malformed table and a seeded mutation test.  Pure TypeScript: no backends.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  parseRtcp,
  iterateRtcp,
  serializeRtcp,
  serializeRtcpInto,
  rtcpByteLength,
  nackToSequenceNumbers,
  sequenceNumbersToNack,
  ntpToUnixMs,
  unixMsToNtp,
  ntpMiddle32,
  isRtcp,
  isRtp,
  PacketError,
  VoipKitError,
  type RtcpPacket,
} from '../src/rtp/public.js';
import { hex, toHex, mulberry32, seedFrom } from './helpers/random.js';

const RFC = JSON.parse(readFileSync(new URL('./vectors/rtp/rfc.json', import.meta.url), 'utf8')) as {
  rtcp: { name: string; hex: string; error: string }[];
};

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof PacketError || e instanceof VoipKitError) return e.code;
    throw e;
  }
  return undefined;
}

/** Parse, check, and check that serializing the parsed packets gives the bytes back. */
function roundTrip(h: string, opts?: { reducedSize?: boolean }): RtcpPacket[] {
  const bytes = hex(h);
  const pkts = parseRtcp(bytes, opts);
  expect(toHex(serializeRtcp(pkts))).toBe(h.replace(/\s/g, ''));
  expect(rtcpByteLength(pkts)).toBe(bytes.length);
  return pkts;
}

const RR_BLOCK = '00000002 40fffffe 0001ffff 00000010 12345678 00010000';
const BLOCK = { ssrc: 2, fractionLost: 64, cumulativeLost: -2, highestSequence: 0x1ffff, jitter: 16, lastSr: 0x12345678, delaySinceLastSr: 65536 };

describe('RTCP from RFC layouts', () => {
  it('RFC 7714 section 17 SR: rejected as printed (length field off by one), parsed with the length corrected', () => {
    const v = RFC.rtcp[0];
    expect(codeOf(() => parseRtcp(hex(v.hex)))).toBe(v.error);
    const fixed = '81c8000c' + v.hex.slice(8);
    const [sr] = roundTrip(fixed);
    expect(sr).toEqual({
      type: 'sr',
      ssrc: 0x4d617273, // "Mars"
      ntpSeconds: 0x4e545031, // "NTP1"
      ntpFraction: 0x4e545032, // "NTP2"
      rtpTimestamp: 0x52545020, // "RTP "
      packetCount: 0x42a,
      octetCount: 0xe930,
      reports: [{ ssrc: 0x4c756e61, fractionLost: 0xde, cumulativeLost: 0xadbeef - 0x1000000, highestSequence: 0xdeadbeef, jitter: 0xdeadbeef, lastSr: 0xdeadbeef, delaySinceLastSr: 0xdeadbeef }],
    });
  });

  it('RFC 3550 6.4.2 RR with one report block (signed cumulative loss)', () => {
    const [rr] = roundTrip('81c90007 00000001' + RR_BLOCK);
    expect(rr).toEqual({ type: 'rr', ssrc: 1, reports: [BLOCK] });
  });

  it('RFC 3550 6.5 SDES CNAME: items, null terminator, 32-bit alignment', () => {
    // chunk: SSRC 1, CNAME "test" (6 bytes), null + pad to 8
    const [p] = roundTrip('81ca0003 00000001 01047465 73740000', { reducedSize: true });
    expect(p.type).toBe('sdes');
    if (p.type !== 'sdes') return;
    expect(p.chunks).toHaveLength(1);
    expect(p.chunks[0].ssrc).toBe(1);
    expect(p.chunks[0].items.map((i) => [i.type, i.text])).toEqual([[1, 'test']]);
    // items filling a word exactly need a whole word of nulls; two chunks
    const h = '82ca0005 00000001 01026162 00000000 00000002 01016300';
    const [q] = roundTrip(h, { reducedSize: true });
    expect(q.type === 'sdes' && q.chunks.map((c) => [c.ssrc, c.items.map((i) => i.text)])).toEqual([
      [1, ['ab']],
      [2, ['c']],
    ]);
    expect(toHex(serializeRtcp({ type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'ab' }] }, { ssrc: 2, items: [{ type: 1, text: 'c' }] }] }))).toBe(h.replace(/ /g, ''));
  });

  it('RFC 3550 6.6 BYE with a reason', () => {
    const [p] = roundTrip('81cb0003 00000001 04627965 21000000', { reducedSize: true });
    expect(p).toMatchObject({ type: 'bye', ssrcs: [1], reason: 'bye!' });
    expect(toHex(serializeRtcp({ type: 'bye', ssrcs: [1], reason: 'bye!' }))).toBe('81cb00030000000104627965' + '21000000');
    expect(toHex(serializeRtcp({ type: 'bye', ssrcs: [] }))).toBe('80cb0000');
  });

  it('RFC 3550 6.7 APP', () => {
    const [p] = roundTrip('82cc0003 00000001 74657374 01020304', { reducedSize: true });
    expect(p).toMatchObject({ type: 'app', subtype: 2, ssrc: 1, name: 'test' });
    expect(p.type === 'app' && toHex(p.data)).toBe('01020304');
  });

  it('RFC 4585 6.2.1 generic NACK: PID/BLP expansion and packing', () => {
    // PID 100, BLP 0x8005: 100 lost, and 101 (bit 0), 103 (bit 2), 116 (bit 15)
    const [p] = roundTrip('81cd0003 00000001 00000002 00648005', { reducedSize: true });
    expect(p).toEqual({ type: 'nack', senderSsrc: 1, mediaSsrc: 2, items: [{ pid: 100, blp: 0x8005 }] });
    expect(p.type === 'nack' && nackToSequenceNumbers(p.items)).toEqual([100, 101, 103, 116]);
    expect(sequenceNumbersToNack([116, 103, 100, 101, 103])).toEqual([{ pid: 100, blp: 0x8005 }]);
    // across the 16-bit wrap
    expect(nackToSequenceNumbers([{ pid: 65530, blp: 0x003f }])).toEqual([65530, 65531, 65532, 65533, 65534, 65535, 0]);
    expect(sequenceNumbersToNack([0, 65535, 65530, 3, 20])).toEqual([
      { pid: 65530, blp: (1 << 4) | (1 << 5) | (1 << 8) },
      { pid: 20, blp: 0 },
    ]);
    expect(sequenceNumbersToNack([])).toEqual([]);
  });

  it('NACK packing and expansion are inverse on random loss sets', () => {
    const seed = seedFrom('NACK_SEED', 'test/rtcp.test.ts');
    const rnd = mulberry32(seed);
    for (let t = 0; t < 500; t++) {
      const start = Math.floor(rnd() * 65536);
      const lost = new Set<number>();
      const n = 1 + Math.floor(rnd() * 60);
      for (let k = 0; k < n; k++) lost.add((start + Math.floor(rnd() * 300)) & 0xffff);
      const items = sequenceNumbersToNack([...lost]);
      const back = nackToSequenceNumbers(items);
      expect(new Set(back), `seed ${seed}`).toEqual(lost);
      expect(back.length).toBe(lost.size);
    }
  });

  it('RFC 4585 6.3.1 PLI and RFC 5104 4.3.1 FIR', () => {
    const [pli] = roundTrip('81ce0002 00000001 00000002', { reducedSize: true });
    expect(pli).toEqual({ type: 'pli', senderSsrc: 1, mediaSsrc: 2 });
    const [fir] = roundTrip('84ce0004 00000001 00000000 0000000a 07000000', { reducedSize: true });
    expect(fir).toEqual({ type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 10, sequenceNumber: 7 }] });
    expect(toHex(serializeRtcp({ type: 'fir', senderSsrc: 1, entries: [{ ssrc: 10, sequenceNumber: 7 }] }))).toBe('84ce0004000000010000000000' + '00000a07000000');
  });

  it('keeps other feedback messages and unknown packet types as bytes', () => {
    // RTPFB FMT 15 (transport-cc) and XR (207)
    const [fb] = roundTrip('8fcd0003 00000001 00000002 aabbccdd', { reducedSize: true });
    expect(fb).toMatchObject({ type: 'rtpfb', fmt: 15, senderSsrc: 1, mediaSsrc: 2 });
    const [xr] = roundTrip('80cf0002 00000001 04000001', { reducedSize: true });
    expect(xr).toMatchObject({ type: 'unknown', packetType: 207, count: 0 });
  });
});

describe('compound and reduced-size RTCP', () => {
  const compound = '81c90007 00000001' + RR_BLOCK + '81ca0003 00000001 01047465 73740000' + '81cb0001 00000001';

  it('iterates and builds a compound RR + SDES + BYE', () => {
    const pkts = roundTrip(compound);
    expect(pkts.map((p) => p.type)).toEqual(['rr', 'sdes', 'bye']);
    expect([...iterateRtcp(hex(compound))].map((p) => p.type)).toEqual(['rr', 'sdes', 'bye']);
    const built = serializeRtcp([
      { type: 'rr', ssrc: 1, reports: [BLOCK] },
      { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'test' }] }] },
      { type: 'bye', ssrcs: [1] },
    ]);
    expect(toHex(built)).toBe(compound.replace(/ /g, ''));
    const out = new Uint8Array(100);
    expect(serializeRtcpInto(pkts, out, 3)).toBe(built.length);
    expect(toHex(out.subarray(3, 3 + built.length))).toBe(toHex(built));
  });

  it('requires SR/RR first unless reduced-size (RFC 5506) is asked for', () => {
    const pli = hex('81ce0002 00000001 00000002');
    expect(codeOf(() => parseRtcp(pli))).toBe('bad_packet');
    expect(parseRtcp(pli, { reducedSize: true })[0].type).toBe('pli');
    const nackThenSdes = hex('81cd0003 00000001 00000002 00648005' + '81ca0003 00000001 01047465 73740000');
    expect(parseRtcp(nackThenSdes, { reducedSize: true }).map((p) => p.type)).toEqual(['nack', 'sdes']);
  });

  it('padding only on the last packet, counted in the last byte', () => {
    const padded = '81c90007 00000001' + RR_BLOCK + 'a1cb0002 00000001 00000004';
    const pkts = roundTrip(padded);
    expect(pkts[1]).toEqual({ type: 'bye', ssrcs: [1], padding: 4 });
    expect(codeOf(() => serializeRtcp([{ type: 'bye', ssrcs: [1], padding: 4 }, { type: 'bye', ssrcs: [] }]))).toBe('invalid_argument');
    expect(codeOf(() => parseRtcp(hex('a1c90001 00000001' + '80cb0000')))).toBe('bad_packet');
  });

  it('demultiplexes RTP and RTCP on one port (RFC 5761 4)', () => {
    expect(isRtcp(hex(compound))).toBe(true);
    expect(isRtp(hex(compound))).toBe(false);
  });

  it('converts NTP timestamps', () => {
    expect(ntpToUnixMs(2208988800, 0x80000000)).toBe(500);
    expect(unixMsToNtp(1500)).toEqual({ ntpSeconds: 2208988801, ntpFraction: 0x80000000 });
    expect(ntpMiddle32(0x12345678, 0x9abcdef0)).toBe(0x56789abc);
  });

  it('rejects bad builder input with invalid_argument and small buffers with buffer_too_small', () => {
    const bad: (() => unknown)[] = [
      () => serializeRtcp({ type: 'rr', ssrc: -1, reports: [] }),
      () => serializeRtcp({ type: 'rr', ssrc: 1, reports: new Array(32).fill(BLOCK) }),
      () => serializeRtcp({ type: 'rr', ssrc: 1, reports: [{ ...BLOCK, cumulativeLost: 0x800000 }] }),
      () => serializeRtcp({ type: 'app', subtype: 0, ssrc: 1, name: 'abc\u0100', data: new Uint8Array(0) }),
      () => serializeRtcp({ type: 'app', subtype: 0, ssrc: 1, name: 'abcd', data: new Uint8Array(3) }),
      () => serializeRtcp({ type: 'bye', ssrcs: [], reason: 'x'.repeat(256) }),
      () => serializeRtcp({ type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 0, text: 'x' }] }] }),
      () => serializeRtcp({ type: 'nack', senderSsrc: 1, mediaSsrc: 1, items: [{ pid: 70000, blp: 0 }] }),
      () => serializeRtcp({ type: 'bogus' } as unknown as RtcpPacket),
      () => serializeRtcp({ type: 'pli', senderSsrc: 1, mediaSsrc: 2, padding: 3 }),
      () => parseRtcp([1, 2, 3] as unknown as Uint8Array),
    ];
    bad.forEach((f, i) => expect(codeOf(f), `case ${i}`).toBe('invalid_argument'));
    expect(codeOf(() => serializeRtcp({ type: 'pli', senderSsrc: 1, mediaSsrc: 2 }, new Uint8Array(11)))).toBe('buffer_too_small');
  });
});

/** Malformed RTCP: each must throw PacketError with this code (reduced-size parsing unless noted). */
const MALFORMED: [name: string, hex: string, code: string, reducedSize?: boolean][] = [
  ['empty', '', 'bad_length'],
  ['3-byte header', '80c900', 'bad_length'],
  ['version 0', '01c90001 00000001', 'bad_version'],
  ['version 3 in the second packet', '80c90001 00000001 c0cb0000', 'bad_version'],
  ['length past the end', '80c90002 00000001', 'bad_length'],
  ['length 0xffff', '80c9ffff 00000001', 'bad_length'],
  ['trailing 2 bytes', '80c90001 00000001 8000', 'bad_length'],
  ['RR with RC=1 and no block', '81c90001 00000001', 'bad_length'],
  ['SR body too short', '80c80001 00000001', 'bad_length'],
  ['first packet SDES without reducedSize', '80ca0000', 'bad_packet', false],
  ['first packet BYE without reducedSize', '81cb0001 00000001', 'bad_packet', false],
  ['padding on a non-last packet', 'a0c90001 00000001 80cb0000', 'bad_packet'],
  ['padding count 0', 'a0cb0001 00000000', 'bad_packet'],
  ['padding longer than the body', 'a0cb0001 00000008', 'bad_length'],
  ['padding not a multiple of 4', 'a1cb0002 00000001 00000002', 'bad_packet'],
  ['SDES chunk past the end', '81ca0000', 'bad_length'],
  ['SDES item past the end', '81ca0002 00000001 01056162', 'bad_length'],
  ['SDES chunk without null terminator', '81ca0002 00000001 01026162', 'bad_packet'],
  ['SDES second chunk missing', '82ca0002 00000001 00000000', 'bad_length'],
  ['BYE SC past the end', '82cb0001 00000001', 'bad_length'],
  ['BYE reason past the end', '81cb0002 00000001 09616263', 'bad_length'],
  ['APP without name', '80cc0001 00000001', 'bad_length'],
  ['NACK without media SSRC', '81cd0001 00000001', 'bad_length'],
  ['PSFB without media SSRC', '81ce0001 00000001', 'bad_length'],
  ['FIR FCI of 4 bytes', '84ce0003 00000001 00000000 0000000a', 'bad_packet'],
];

describe('malformed RTCP', () => {
  for (const [name, h, code, rs] of MALFORMED) {
    it(`${name} -> ${code}`, () => {
      let err: unknown;
      try {
        parseRtcp(hex(h), { reducedSize: rs ?? true });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PacketError);
      expect((err as PacketError).code).toBe(code);
    });
  }
});

describe('RTCP mutation test', () => {
  it('throws only PacketError on mutated compounds; accepted ones survive serialize + parse unchanged', () => {
    const seed = seedFrom('RTCP_FUZZ_SEED', 'test/rtcp.test.ts');
    const rnd = mulberry32(seed);
    const r = (n: number) => Math.floor(rnd() * n);
    const bases = [
      '81c90007 00000001' + RR_BLOCK + '81ca0003 00000001 01047465 73740000' + '81cb0003 00000001 04627965 21000000',
      '81c8000c' + RFC.rtcp[0].hex.slice(8) + '82cc0003 00000001 74657374 01020304',
      '81cd0003 00000001 00000002 00648005' + '81ce0002 00000001 00000002' + '84ce0004 00000001 00000000 0000000a 07000000',
      '82ca0005 00000001 01026162 00000000 00000002 01016300' + 'a0cf0002 00000001 00000004',
    ].map(hex);
    const codes = new Map<string, number>();
    let accepted = 0;
    const N = 8000;
    for (let iter = 0; iter < N; iter++) {
      let m = bases[r(bases.length)].slice();
      const ops = 1 + r(3);
      for (let k = 0; k < ops; k++) {
        const op = r(5);
        if (op === 0 && m.length) m[r(m.length)] ^= 1 << r(8);
        else if (op === 1 && m.length) m[r(m.length)] = r(256);
        else if (op === 2) m = m.slice(0, r(m.length + 1));
        else if (op === 3) m = Uint8Array.from([...m, ...Array.from({ length: 1 + r(8) }, () => r(256))]);
        else if (op === 4 && m.length > 4) {
          // a length or count field of some packet start
          const at = 4 * r(m.length >> 2);
          m[at + (r(2) ? 0 : 3)] = r(256);
        }
      }
      const reducedSize = r(2) === 0;
      let pkts: RtcpPacket[];
      try {
        pkts = parseRtcp(m, { reducedSize });
      } catch (e) {
        if (!(e instanceof PacketError)) throw new Error(`seed ${seed} iter ${iter}: ${String(e)} escaped for ${toHex(m)}`);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        continue;
      }
      accepted++;
      let again: RtcpPacket[];
      try {
        again = parseRtcp(serializeRtcp(pkts), { reducedSize });
      } catch (e) {
        throw new Error(`seed ${seed} iter ${iter}: re-serializing ${toHex(m)} failed: ${String(e)}`);
      }
      if (!isDeepStrictEqual(again, pkts)) expect(again, `seed ${seed} iter ${iter}: ${toHex(m)}`).toEqual(pkts);
    }
    console.log(`[rtcp fuzz] ${N} mutants: ${accepted} accepted, rejected by code: ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(accepted).toBeGreaterThan(N / 50);
    for (const c of ['bad_length', 'bad_version', 'bad_packet']) expect(codes.get(c)).toBeGreaterThan(0);
  });
});
