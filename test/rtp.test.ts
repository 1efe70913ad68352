/**
 * RTP packets: RFC examples, builder round trips, RFC 8285 extensions, a
 * table of malformed inputs and a seeded mutation test.  Pure TypeScript (no
 * backend), so no describe.each(BACKENDS).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { RtpView, RtpBuilder, PacketError, VoipKitError, encodeExtensions, decodeExtensions, isRtp } from '../src/rtp/public.js';
import { hex, toHex, mulberry32, seedFrom } from './helpers/random.js';

interface Expect {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  extensionProfile: number;
  extensions: { id: number; data: string }[];
  payloadHex: string;
  paddingLength: number;
}
const RFC = JSON.parse(readFileSync(new URL('./vectors/rtp/rfc.json', import.meta.url), 'utf8')) as {
  rtp: { name: string; hex: string; expect: Expect }[];
};

function fields(v: RtpView) {
  return {
    marker: v.marker,
    payloadType: v.payloadType,
    sequenceNumber: v.sequenceNumber,
    timestamp: v.timestamp,
    ssrc: v.ssrc,
    csrcs: v.csrcs,
    extensionProfile: v.extensionProfile,
    extensions: v.extensions.map((e) => ({ id: e.id, data: toHex(e.data) })),
    payloadHex: toHex(v.payload),
    paddingLength: v.paddingLength,
  };
}

describe('RtpView on packets printed in RFCs', () => {
  for (const vec of RFC.rtp) {
    it(vec.name, () => {
      const bytes = hex(vec.hex);
      const v = RtpView.wrap(bytes);
      expect(v.version).toBe(2);
      expect(fields(v)).toEqual(vec.expect);
      for (const e of vec.expect.extensions) expect(toHex(v.getExtension(e.id)!)).toBe(e.data);
      expect(v.getExtension(14)).toBeUndefined();
      expect(decodeExtensions(v.extensionProfile, v.extensionData!).map((e) => e.id)).toEqual(vec.expect.extensions.map((e) => e.id));
      // byte-for-byte round trip through the builder
      expect(toHex(RtpBuilder.from(v).serialize())).toBe(vec.hex);
      expect(isRtp(bytes)).toBe(true);
    });
  }

  it('re-encodes the RFC 6904 elements to the same block (one-byte form, same order, same trailing pad)', () => {
    const v = RtpView.wrap(hex(RFC.rtp[6].hex));
    const block = encodeExtensions(v.extensions);
    expect(block.profile).toBe(0xbede);
    expect(toHex(block.data)).toBe(toHex(v.extensionData!));
  });

  it('re-encodes the RFC 9335 A.1.2 element in the two-byte form when asked', () => {
    const v = RtpView.wrap(hex(RFC.rtp[1].hex));
    const block = encodeExtensions(v.extensions, { form: 'two-byte' });
    expect(block.profile).toBe(0x1000);
    expect(toHex(block.data)).toBe('05020002');
    expect(v.extensionForm).toBe('two-byte');
    expect(RtpView.wrap(hex(RFC.rtp[8].hex)).extensionAppBits).toBe(5);
  });
});

describe('RtpBuilder', () => {
  it('writes the RFC 3550 5.1 layout for a 20 ms PCMU packet', () => {
    const payload = new Uint8Array(160).fill(0xff);
    const b = new RtpBuilder({ payloadType: 0, sequenceNumber: 0xfffe, timestamp: 0xfffffff0, ssrc: 0x11223344, marker: true, payload });
    const out = new Uint8Array(200);
    expect(b.serializeInto(out, 4)).toBe(172);
    expect(toHex(out.subarray(4, 16))).toBe('8080fffefffffff011223344');
    expect(out.subarray(16, 176).every((x) => x === 0xff)).toBe(true);
    expect(out[176]).toBe(0);
  });

  it('writes CSRCs, an extension and padding, and reads them back', () => {
    const b = new RtpBuilder({ payloadType: 111, sequenceNumber: 7, timestamp: 960, ssrc: 1, csrcs: [2, 0xffffffff], payload: hex('0102030405'), padding: 3 });
    b.setExtensions([
      { id: 1, data: hex('80') },
      { id: 3, data: hex('000102') },
    ]);
    const bytes = b.serialize();
    // header: V=2 P X CC=2 | PT 111 | seq 7 | ts 960 | ssrc 1 | csrcs | bede 0002 | 10 80 32 00 01 02 00 00 | payload | 00 00 03
    expect(toHex(bytes)).toBe('b26f0007000003c00000000100000002ffffffff' + 'bede0002' + '1080320001020000' + '0102030405' + '000003');
    const v = RtpView.wrap(bytes);
    expect(v.csrcs).toEqual([2, 0xffffffff]);
    expect(v.csrc(1)).toBe(0xffffffff);
    expect(toHex(v.getExtension(3)!)).toBe('000102');
    expect(v.paddingLength).toBe(3);
    expect(v.padding).toBe(true);
    expect(toHex(v.payload)).toBe('0102030405');
  });

  it('chooses the two-byte form for IDs above 14 or empty or long data', () => {
    expect(encodeExtensions([{ id: 15, data: hex('01') }]).profile).toBe(0x1000);
    expect(encodeExtensions([{ id: 1, data: new Uint8Array(0) }]).profile).toBe(0x1000);
    expect(encodeExtensions([{ id: 1, data: new Uint8Array(17) }], { appBits: 9 }).profile).toBe(0x1009);
    expect(() => encodeExtensions([{ id: 15, data: hex('01') }], { form: 'one-byte' })).toThrow(VoipKitError);
    expect(() => encodeExtensions([{ id: 0, data: hex('01') }])).toThrow(/id/);
  });

  it('rewrites a packet in place (payload aliasing the output)', () => {
    const bytes = new RtpBuilder({ payloadType: 8, sequenceNumber: 1, ssrc: 5, payload: hex('a1a2a3a4') }).serialize();
    const v = RtpView.wrap(bytes);
    const b = RtpBuilder.from(v);
    b.sequenceNumber = 2;
    b.marker = true;
    expect(b.serializeInto(bytes)).toBe(16);
    expect(toHex(bytes)).toBe('8088000200000000' + '00000005a1a2a3a4');
  });

  it('re-encodes after copyFrom when the extension, CSRCs or padding change', () => {
    const v = RtpView.wrap(hex(RFC.rtp[2].hex)); // one-byte ext + 2 CSRCs
    const b = RtpBuilder.from(v);
    b.extension!.data = hex('10aa0000'); // same object, new data
    expect(toHex(b.serialize())).toBe('920f1238decafbadcafebabe0001e2400000b26ebede000110aa0000' + 'ab'.repeat(16));
    b.csrcs = [7];
    b.padding = 4;
    expect(toHex(b.serialize())).toBe('b10f1238decafbadcafebabe00000007bede000110aa0000' + 'ab'.repeat(16) + '00000004');
    b.setExtensions([]);
    b.csrcs = [];
    expect(toHex(b.serialize())).toBe('a00f1238decafbadcafebabe' + 'ab'.repeat(16) + '00000004');
  });

  it('writes header fields in place through the view setters', () => {
    const bytes = hex(RFC.rtp[0].hex);
    const v = RtpView.wrap(bytes);
    v.sequenceNumber = 0xbeef;
    v.timestamp = 1;
    v.ssrc = 2;
    v.marker = true;
    v.payloadType = 96;
    expect(toHex(bytes.subarray(0, 12))).toBe('90e0beef0000000100000002');
    expect(() => (v.payloadType = 128)).toThrow(VoipKitError);
  });

  it('reuses one view with reset() and keeps the old packet on error', () => {
    const v = new RtpView();
    v.reset(hex(RFC.rtp[0].hex));
    expect(() => v.reset(hex('9000'))).toThrow(PacketError);
    expect(v.sequenceNumber).toBe(4661);
  });

  it('rejects bad builder fields and small buffers with typed errors', () => {
    const bad: [string, () => unknown][] = [
      ['pt', () => new RtpBuilder({ payloadType: 128 }).serialize()],
      ['seq', () => new RtpBuilder({ sequenceNumber: 65536 }).serialize()],
      ['ts', () => new RtpBuilder({ timestamp: -1 }).serialize()],
      ['ssrc', () => new RtpBuilder({ ssrc: 1.5 }).serialize()],
      ['marker', () => new RtpBuilder({ marker: 1 as unknown as boolean }).serialize()],
      ['offset', () => new RtpBuilder().serializeInto(new Uint8Array(20), 1.5)],
      ['csrcs', () => new RtpBuilder({ csrcs: new Array(16).fill(0) }).serialize()],
      ['ext', () => new RtpBuilder({ extension: { profile: 0xbede, data: new Uint8Array(3) } }).serialize()],
      ['pad', () => new RtpBuilder({ padding: 256 }).serialize()],
      ['payload', () => new RtpBuilder({ payload: [1, 2] as unknown as Uint8Array }).serialize()],
      ['wrap', () => RtpView.wrap('x' as unknown as Uint8Array)],
      ['csrc()', () => RtpView.wrap(hex(RFC.rtp[0].hex)).csrc(0)],
    ];
    for (const [name, f] of bad) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(VoipKitError);
      expect((err as VoipKitError).code, name).toBe('invalid_argument');
    }
    const e = (() => {
      try {
        new RtpBuilder({ payload: new Uint8Array(10) }).serializeInto(new Uint8Array(21));
      } catch (x) {
        return x as VoipKitError;
      }
    })();
    expect(e?.code).toBe('buffer_too_small');
  });
});

/** Malformed packets: each must throw PacketError with this code. */
const MALFORMED: [name: string, hex: string, code: string][] = [
  ['empty', '', 'bad_length'],
  ['1 byte', '80', 'bad_length'],
  ['11-byte header', '8000000100000000000000', 'bad_length'],
  ['version 0', '000000010000000000000001', 'bad_version'],
  ['version 1', '400000010000000000000001', 'bad_version'],
  ['version 3', 'c00000010000000000000001', 'bad_version'],
  ['CSRC count 1, no CSRC', '810000010000000000000001', 'bad_length'],
  ['CSRC count 15, 14 CSRCs', '8f0000010000000000000001' + '00000000'.repeat(14), 'bad_length'],
  ['CSRC count 2, 7 bytes of CSRCs', '82000001000000000000000100000001000000', 'bad_length'],
  ['X set, no extension header', '900000010000000000000001', 'bad_length'],
  ['X set, 3 bytes of extension header', '900000010000000000000001bede00', 'bad_length'],
  ['extension length 1 word, 0 present', '900000010000000000000001bede0001', 'bad_length'],
  ['extension length 0xffff words', '900000010000000000000001bedeffff00000000', 'bad_length'],
  ['extension after CSRC past the end', '910000010000000000000001000000aabede0002aabbccdd', 'bad_length'],
  ['one-byte element longer than block', '900000010000000000000001bede00011f000000', 'bad_length'],
  ['one-byte element at the last byte', '900000010000000000000001bede000100000010', 'bad_length'],
  ['two-byte element without length byte', '900000010000000000000001100000010000000a', 'bad_length'],
  ['two-byte element longer than block', '900000010000000000000001100000010105aabb', 'bad_length'],
  ['padding count 0', 'a00000010000000000000001aabbcc00', 'bad_packet'],
  ['padding longer than the payload', 'a00000010000000000000001aabbcc05', 'bad_length'],
  ['padding longer than the packet', 'a0000001000000000000000120', 'bad_length'],
  ['padding count 0 in a 12-byte packet', 'a00000010000000000000000', 'bad_packet'],
  ['padding eats into the extension', 'b00000010000000000000001bede000110aa000006', 'bad_length'],
];

describe('malformed RTP', () => {
  for (const [name, h, code] of MALFORMED) {
    it(`${name} -> ${code}`, () => {
      let err: unknown;
      try {
        RtpView.wrap(hex(h));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PacketError);
      expect((err as PacketError).code).toBe(code);
    });
  }

  it('accepts the edge cases next to them', () => {
    expect(RtpView.wrap(hex('a00000010000000000000001aabbcc04')).payloadLength).toBe(0);
    expect(RtpView.wrap(hex('a0000001000000000000000101')).paddingLength).toBe(1);
    // one-byte ID 15 ends processing: its length is ignored even if it would run past the block
    const v = RtpView.wrap(hex('900000010000000000000001bede000110aaff00'));
    expect(v.extensions.map((e) => e.id)).toEqual([1]);
    // an unknown profile is opaque: no element parsing
    expect(RtpView.wrap(hex('900000010000000000000001abcd0001ffffffff')).extensions).toEqual([]);
  });
});

/** Same semantics, padding bytes (other than the count) zeroed, which is what the builder writes. */
function zeroPadding(bytes: Uint8Array, padLen: number): Uint8Array {
  const c = bytes.slice();
  c.fill(0, c.length - padLen, c.length - 1);
  return c;
}

describe('RTP mutation test', () => {
  it('throws only PacketError on mutated packets, and round-trips every accepted one', () => {
    const seed = seedFrom('RTP_FUZZ_SEED', 'test/rtp.test.ts');
    const rnd = mulberry32(seed);
    const r = (n: number) => Math.floor(rnd() * n);
    const bases = RFC.rtp.map((v) => hex(v.hex));
    bases.push(new RtpBuilder({ payloadType: 0, payload: new Uint8Array(160), padding: 4, csrcs: [1, 2, 3] }).serialize());
    const codes = new Map<string, number>();
    let accepted = 0;
    const N = 20000;
    for (let iter = 0; iter < N; iter++) {
      const base = bases[r(bases.length)];
      let m = base.slice();
      const ops = 1 + r(4);
      for (let k = 0; k < ops; k++) {
        switch (r(6)) {
          case 0: // flip a bit, biased to the header
            if (m.length) m[r(Math.min(m.length, r(2) ? 24 : m.length))] ^= 1 << r(8);
            break;
          case 1: // random byte
            if (m.length) m[r(m.length)] = r(256);
            break;
          case 2: // truncate
            m = m.slice(0, r(m.length + 1));
            break;
          case 3: // append junk
            m = Uint8Array.from([...m, ...Array.from({ length: 1 + r(8) }, () => r(256))]);
            break;
          case 4: // set the first byte's flag / count bits
            if (m.length) m[0] = (m[0] & 0xc0) | r(64);
            break;
          case 5: // extension length word
            if (m.length > 16) m[14 + 4 * (m[0] & 15) < m.length ? 14 + 4 * (m[0] & 15) : 0] = r(256);
            break;
        }
      }
      let v: RtpView;
      try {
        v = RtpView.wrap(m);
      } catch (e) {
        if (!(e instanceof PacketError)) throw new Error(`seed ${seed} iter ${iter}: ${String(e)} escaped for ${toHex(m)}`);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        continue;
      }
      accepted++;
      // invariants: every region lies inside the packet (plain checks: expect() is slow in a hot loop)
      const len = m.length;
      const fail = (what: string) => {
        throw new Error(`seed ${seed} iter ${iter}: ${what} for ${toHex(m)}`);
      };
      if (v.headerLength < 12 + 4 * v.csrcCount) fail('header shorter than its CSRC list');
      if (v.headerLength + v.payloadLength + v.paddingLength !== len) fail('regions do not add up to the packet');
      if (v.payloadLength < 0) fail('negative payload');
      const ext = v.extensionData;
      if (ext && ext.byteOffset + ext.length > m.byteOffset + v.headerLength) fail('extension past the header');
      for (const e of v.extensions) if (e.data.byteOffset + e.data.length > m.byteOffset + v.headerLength) fail(`element ${e.id} past the block`);
      for (let id = 0; id < 256; id += 17) v.getExtension(id);
      // round trip: byte for byte through copyFrom's unchanged-layout path ...
      const again = RtpBuilder.from(v).serialize();
      if (toHex(again) !== toHex(m)) {
        throw new Error(`seed ${seed} iter ${iter}: round trip differs for ${toHex(m)}: ${toHex(again)}`);
      }
      // ... and through the field-by-field path (payload reassigned), which writes zero padding bytes
      const b2 = RtpBuilder.from(v);
      b2.payload = v.payload;
      if (toHex(b2.serialize()) !== toHex(zeroPadding(m, v.paddingLength))) throw new Error(`seed ${seed} iter ${iter}: re-encoding differs for ${toHex(m)}`);
    }
    console.log(`[rtp fuzz] ${N} mutants: ${accepted} accepted, rejected by code: ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(accepted).toBeGreaterThan(N / 20);
    expect(codes.get('bad_length')).toBeGreaterThan(0);
    expect(codes.get('bad_version')).toBeGreaterThan(0);
    expect(codes.get('bad_packet')).toBeGreaterThan(0);
  });
});
