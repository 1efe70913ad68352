import { describe, it, expect, beforeAll } from 'vitest';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { voiced, speech48k, downsample } from './helpers/audio.js';
import {
  inspectOpusPacket,
  opusRtpTimestampIncrement,
  parseOpusFmtp,
  formatOpusFmtp,
  opusEncoderOptionsFromSdp,
  opusDecoderOptionsFromSdp,
  OPUS_RTP_CLOCK_RATE,
  type VoipKit,
} from '../src/index.js';

// RFC 6716 section 3 by hand-built packets: the expected values are read
// off the RFC's tables, not produced by the code under test.
describe('Opus packet inspection (RFC 6716 3)', () => {
  it('reads the TOC byte (Table 2)', () => {
    const cases: Array<[number, string, string, number]> = [
      [0, 'silk', 'narrowband', 10], [3, 'silk', 'narrowband', 60], [5, 'silk', 'mediumband', 20],
      [10, 'silk', 'wideband', 40], [12, 'hybrid', 'superwideband', 10], [15, 'hybrid', 'fullband', 20],
      [16, 'celt', 'narrowband', 2.5], [21, 'celt', 'wideband', 5], [26, 'celt', 'superwideband', 10],
      [31, 'celt', 'fullband', 20],
    ];
    for (const [config, mode, bw, ms] of cases) {
      const info = inspectOpusPacket(new Uint8Array([config << 3, 0, 0]));
      expect([info.config, info.mode, info.bandwidth, info.frameMs, info.code, info.frameCount]).toEqual([config, mode, bw, ms, 0, 1]);
      expect(info.samples48k).toBe(ms * 48);
    }
    expect(inspectOpusPacket(new Uint8Array([(1 << 3) | 4])).stereo).toBe(true);
  });

  it('counts frames for codes 0..3 (3.2)', () => {
    // code 1: two frames of equal size
    expect(inspectOpusPacket(new Uint8Array([(31 << 3) | 1, 1, 2, 3, 4])).frameSizes).toEqual([2, 2]);
    // code 2: first length in one byte, then in two (3.2.1: 252 + 4 * second)
    expect(inspectOpusPacket(new Uint8Array([(31 << 3) | 2, 1, 9, 9, 9])).frameSizes).toEqual([1, 2]);
    const two = new Uint8Array(3 + 300 + 5);
    two.set([(31 << 3) | 2, 252, 12]); // 252 + 4 * 12 = 300
    expect(inspectOpusPacket(two).frameSizes).toEqual([300, 5]);
    // code 3 CBR, 3 frames of 2 bytes
    const cbr = inspectOpusPacket(new Uint8Array([(31 << 3) | 3, 3, 1, 1, 2, 2, 3, 3]));
    expect([cbr.frameCount, cbr.vbr, cbr.durationMs]).toEqual([3, false, 60]);
    expect(cbr.frameSizes).toEqual([2, 2, 2]);
    // code 3 VBR with padding: v=1 p=1 M=2, padding 255 (=254) then 2 => 256 bytes
    const vbr = new Uint8Array(2 + 2 + 1 + 1 + 3 + 256);
    vbr.set([(31 << 3) | 3, 0x80 | 0x40 | 2, 255, 2, 1]);
    const v = inspectOpusPacket(vbr);
    expect([v.frameCount, v.vbr, v.frameSizes, v.padding]).toEqual([2, true, [1, 3], 2 + 256]);
    // DTX: the TOC alone is a frame of zero bytes
    expect(inspectOpusPacket(new Uint8Array([1 << 3])).frameSizes).toEqual([0]);
  });

  it('rejects what 3.4 forbids, with a typed error', () => {
    for (const p of [
      [], [(31 << 3) | 1, 1, 2, 3], [(31 << 3) | 2, 253], [(31 << 3) | 2, 5, 1], [(31 << 3) | 3],
      [(31 << 3) | 3, 0], [(3 << 3) | 3, 3], [(31 << 3) | 3, 7, 1, 2, 3], [(31 << 3) | 3, 0x40 | 1, 255],
    ]) {
      expect(() => inspectOpusPacket(Uint8Array.from(p)), JSON.stringify(p)).toThrow(expect.objectContaining({ code: 'corrupt' }));
    }
  });

  it('RTP timestamps advance at 48 kHz whatever the codec rate (RFC 7587 4.1)', () => {
    expect(OPUS_RTP_CLOCK_RATE).toBe(48000);
    expect(opusRtpTimestampIncrement(new Uint8Array([1 << 3]))).toBe(960);
    expect(opusRtpTimestampIncrement(new Uint8Array([(3 << 3) | 3, 2]))).toBe(5760);
    expect(() => opusRtpTimestampIncrement(new Uint8Array([]))).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe.each(BACKENDS)('Opus packets from the %s encoder', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  function packets(o: Parameters<VoipKit['createOpusEncoder']>[0], seconds = 1): Uint8Array[] {
    const enc = kit.createOpusEncoder(o);
    const src = downsample(speech48k(), 48000, o.sampleRate).subarray(0, Math.round(o.sampleRate * seconds) * (o.channels ?? 1));
    const out: Uint8Array[] = [];
    for (let at = 0; at + enc.frameSize <= src.length; at += enc.frameSize) out.push(enc.encode(src.subarray(at, at + enc.frameSize)));
    enc.close();
    return out;
  }

  it('narrowband VoIP speech is SILK; 128 kbit/s fullband audio is CELT', () => {
    const nb = packets({ sampleRate: 8000, application: 'voip', bitrate: 12000 }).map(inspectOpusPacket);
    expect(nb.every((i) => i.mode === 'silk' && i.bandwidth === 'narrowband' && i.frameMs === 20)).toBe(true);
    const fb = packets({ sampleRate: 48000, application: 'audio', bitrate: 128000, frameMs: 10 }).map(inspectOpusPacket);
    expect(fb.slice(5).every((i) => i.mode === 'celt' && i.bandwidth === 'fullband' && i.frameMs === 10)).toBe(true);
  });

  it('the FEC flag is set only when the encoder spends FEC (LBRR)', () => {
    const o = { sampleRate: 16000 as const, application: 'voip' as const, bitrate: 24000 };
    const withFec = packets({ ...o, fec: true, packetLossPercent: 20 }, 3).map(inspectOpusPacket);
    const without = packets({ ...o, fec: false }, 3).map(inspectOpusPacket);
    expect(without.some((i) => i.fec)).toBe(false);
    const share = withFec.filter((i) => i.fec).length / withFec.length;
    expect(share).toBeGreaterThan(0.5);
    expect(withFec.every((i) => i.mode !== 'celt')).toBe(true);
  });

  it('voice activity follows the signal', () => {
    const enc = kit.createOpusEncoder({ sampleRate: 16000, bitrate: 16000 });
    const silent = enc.encode(new Int16Array(320));
    for (let i = 0; i < 5; i++) enc.encode(new Int16Array(320));
    const src = voiced(16000, 0.2);
    let last = silent;
    for (let at = 0; at + 320 <= src.length; at += 320) last = enc.encode(src.subarray(at, at + 320));
    expect(inspectOpusPacket(last).voiceActivity).toBe(true);
    expect(inspectOpusPacket(enc.encode(new Int16Array(320).fill(0))).mode).not.toBe('celt');
    enc.close();
  });
});

describe('Opus SDP (RFC 7587 6, 7)', () => {
  it('parses and formats fmtp', () => {
    const f = parseOpusFmtp('a=fmtp:111 minptime=10;useinbandfec=1; stereo=0;sprop-stereo=1;maxplaybackrate=16000;sprop-maxcapturerate=16000;maxaveragebitrate=20000;usedtx=1;cbr=0;x-foo=bar;stereo2=junk');
    expect(f).toEqual({
      minptime: 10, useinbandfec: true, stereo: false, spropStereo: true, maxplaybackrate: 16000,
      spropMaxcapturerate: 16000, maxaveragebitrate: 20000, usedtx: true, cbr: false,
      other: { 'x-foo': 'bar', stereo2: 'junk' },
    });
    expect(parseOpusFmtp(formatOpusFmtp(f))).toEqual(f);
    expect(parseOpusFmtp('useinbandfec=2;maxplaybackrate=abc')).toEqual({});
  });

  it('maps a remote fmtp to encoder options', () => {
    expect(opusEncoderOptionsFromSdp(parseOpusFmtp('maxplaybackrate=16000;useinbandfec=1;usedtx=1;maxaveragebitrate=20000;stereo=1;cbr=1'), { ptime: 40 })).toEqual({
      sampleRate: 16000, channels: 2, application: 'voip', maxBandwidth: 'wideband', bitrate: 20000,
      fec: true, packetLossPercent: 10, dtx: true, vbr: false, frameMs: 40,
    });
    expect(opusEncoderOptionsFromSdp({})).toEqual({ sampleRate: 48000, channels: 1, application: 'voip', frameMs: 20 });
    expect(opusEncoderOptionsFromSdp({ maxplaybackrate: 8000 }).maxBandwidth).toBe('narrowband');
    expect(opusEncoderOptionsFromSdp({ maxplaybackrate: 24000 }).maxBandwidth).toBe('superwideband');
    expect(opusEncoderOptionsFromSdp({ maxaveragebitrate: 1e9 }).bitrate).toBe(510000);
    expect(opusEncoderOptionsFromSdp({}, { ptime: 30 }).frameMs).toBe(20);
    expect(opusEncoderOptionsFromSdp({ minptime: 10 }, { ptime: 5 }).frameMs).toBe(10);
    expect(opusEncoderOptionsFromSdp({}, { ptime: 60, maxptime: 40 }).frameMs).toBe(40);
  });

  it('maps fmtp to decoder options', () => {
    expect(opusDecoderOptionsFromSdp({ maxplaybackrate: 16000 }, { spropMaxcapturerate: 48000 })).toEqual({ sampleRate: 16000, channels: 1 });
    expect(opusDecoderOptionsFromSdp({ stereo: true }, { spropMaxcapturerate: 8000 })).toEqual({ sampleRate: 8000, channels: 2 });
    expect(opusDecoderOptionsFromSdp({})).toEqual({ sampleRate: 48000, channels: 1 });
  });
});
