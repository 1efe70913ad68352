/**
 * API sweep (the libopus habit): every public function of voipkit/rtp called
 * with sane and insane arguments throws nothing but VoipKitError (PacketError
 * included), never a TypeError or RangeError from inside.
 */
import { describe, expect, it } from 'vitest';
import * as rtp from '../src/rtp/public.js';
import { VoipKitError } from '../src/errors.js';

const INSANE: unknown[] = [undefined, null, 0, -1, 1.5, NaN, 2 ** 40, '', 'x', {}, [], [null], [{}], new Uint8Array(0), new Uint8Array(3), new Uint16Array(4), new ArrayBuffer(8), () => 1, Symbol('s'), 10n];

function onlyTyped(what: string, f: () => unknown): void {
  try {
    const r = f();
    if (r && typeof (r as Iterator<unknown>).next === 'function') [...(r as Iterable<unknown>)];
  } catch (e) {
    if (!(e instanceof VoipKitError)) throw new Error(`${what} threw ${String(e)}`);
  }
}

describe('voipkit/rtp API sweep', () => {
  it('only VoipKitError escapes, whatever the arguments', () => {
    const view = rtp.RtpView.wrap(new rtp.RtpBuilder({ payload: new Uint8Array(4) }).serialize());
    const fns: [string, (a: unknown, b: unknown) => unknown][] = [
      ['RtpView.wrap', (a) => rtp.RtpView.wrap(a as Uint8Array)],
      ['new RtpView', (a) => new rtp.RtpView(a as Uint8Array)],
      ['view.reset', (a) => new rtp.RtpView().reset(a as Uint8Array)],
      ['view.csrc', (a) => view.csrc(a as number)],
      ['view.getExtension', (a) => view.getExtension(a as number)],
      ['view.payloadType=', (a) => rtp.RtpView.wrap(view.bytes.slice()).payloadType = a as number],
      ['view.sequenceNumber=', (a) => rtp.RtpView.wrap(view.bytes.slice()).sequenceNumber = a as number],
      ['view.timestamp=', (a) => rtp.RtpView.wrap(view.bytes.slice()).timestamp = a as number],
      ['view.ssrc=', (a) => rtp.RtpView.wrap(view.bytes.slice()).ssrc = a as number],
      ['new RtpBuilder', (a) => new rtp.RtpBuilder(a as rtp.RtpBuilderInit).serialize()],
      ['RtpBuilder.from', (a) => rtp.RtpBuilder.from(a as rtp.RtpView)],
      ['builder.serializeInto', (a, b) => new rtp.RtpBuilder().serializeInto(a as Uint8Array, b as number)],
      ['builder.serialize', (a) => new rtp.RtpBuilder().serialize(a as Uint8Array)],
      ['builder.setExtensions', (a, b) => new rtp.RtpBuilder().setExtensions(a as rtp.RtpExtension[], b as rtp.EncodeExtensionsOptions)],
      ['builder fields', (a) => Object.assign(new rtp.RtpBuilder(), { payloadType: a, csrcs: a, extension: a }).serialize()],
      ['encodeExtensions', (a, b) => rtp.encodeExtensions(a as rtp.RtpExtension[], b as rtp.EncodeExtensionsOptions)],
      ['decodeExtensions', (a, b) => rtp.decodeExtensions(a as number, b as Uint8Array)],
      ['isRtp', (a) => rtp.isRtp(a as Uint8Array)],
      ['isRtcp', (a) => rtp.isRtcp(a as Uint8Array)],
      ['parseRtcp', (a, b) => rtp.parseRtcp(a as Uint8Array, b as rtp.ParseRtcpOptions)],
      ['iterateRtcp', (a, b) => rtp.iterateRtcp(a as Uint8Array, b as rtp.ParseRtcpOptions)],
      ['serializeRtcp', (a, b) => rtp.serializeRtcp(a as rtp.RtcpPacket, b as Uint8Array)],
      ['serializeRtcp list', (a) => rtp.serializeRtcp([a as rtp.RtcpPacket])],
      ['serializeRtcpInto', (a, b) => rtp.serializeRtcpInto([{ type: 'pli', senderSsrc: 1, mediaSsrc: 2 }], a as Uint8Array, b as number)],
      ['rtcpByteLength', (a) => rtp.rtcpByteLength(a as rtp.RtcpPacket)],
      ['typed packet fields', (a) => rtp.serializeRtcp([{ type: 'rr', ssrc: 1, reports: [{ ssrc: a, fractionLost: a, cumulativeLost: a, highestSequence: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 } as unknown as rtp.ReportBlock] }])],
      ['sdes items', (a) => rtp.serializeRtcp({ type: 'sdes', chunks: [{ ssrc: 1, items: [a as rtp.SdesItem] }] })],
      ['sdes chunks', (a) => rtp.serializeRtcp({ type: 'sdes', chunks: a as rtp.SdesChunk[] })],
      ['bye', (a) => rtp.serializeRtcp({ type: 'bye', ssrcs: a as number[], reason: a as string })],
      ['app', (a) => rtp.serializeRtcp({ type: 'app', subtype: 0, ssrc: 0, name: a as string, data: a as Uint8Array })],
      ['nack', (a) => rtp.serializeRtcp({ type: 'nack', senderSsrc: 0, mediaSsrc: 0, items: a as rtp.NackItem[] })],
      ['fir', (a) => rtp.serializeRtcp({ type: 'fir', senderSsrc: 0, entries: a as rtp.FirEntry[] })],
      ['feedback', (a) => rtp.serializeRtcp({ type: 'psfb', fmt: a as number, senderSsrc: 0, mediaSsrc: 0, fci: a as Uint8Array })],
      ['unknown', (a) => rtp.serializeRtcp({ type: 'unknown', packetType: a as number, count: 0, body: a as Uint8Array })],
      ['padding', (a) => rtp.serializeRtcp({ type: 'pli', senderSsrc: 0, mediaSsrc: 0, padding: a as number })],
      ['nackToSequenceNumbers', (a) => rtp.nackToSequenceNumbers(a as rtp.NackItem[])],
      ['nackToSequenceNumbers items', (a) => rtp.nackToSequenceNumbers([a as rtp.NackItem])],
      ['sequenceNumbersToNack', (a) => rtp.sequenceNumbersToNack(a as number[])],
      ['sequenceNumbersToNack items', (a) => rtp.sequenceNumbersToNack([a as number])],
      ['ntpToUnixMs', (a, b) => rtp.ntpToUnixMs(a as number, b as number)],
      ['unixMsToNtp', (a) => rtp.unixMsToNtp(a as number)],
      ['ntpMiddle32', (a, b) => rtp.ntpMiddle32(a as number, b as number)],
    ];
    let calls = 0;
    for (const [name, f] of fns) {
      for (const a of INSANE) {
        for (const b of [undefined, null, 0, -1, 'x', {}, 1e9]) {
          onlyTyped(`${name}(${String(a)}, ${String(b)})`, () => f(a, b));
          calls++;
        }
      }
    }
    expect(calls).toBe(fns.length * INSANE.length * 7);
  });
});
