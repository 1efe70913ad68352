/**
 * RTP parse and parse+serialize: voipkit vs rtp.js and werift-rtp.
 *
 *   npm run bench -- rtp              # or: npx tsx bench/rtp.bench.ts
 *                                     # prints a table, writes bench/results/rtp.{json,md}
 *
 * Packets: (a) a real 172-byte PCMU packet from the ffmpeg capture
 * (test/vectors/rtp/ffmpeg-pcmu.json: 12-byte header + 160 bytes), (b) the
 * same with an RFC 8285 one-byte extension block (ssrc-audio-level id 1 and
 * abs-send-time id 3, 8 bytes + 4-byte block header).
 *
 * Each timed call handles INNER packets in its own loop, so the timer's
 * overhead is amortised; rows report one packet (ops/s = packets/s).  "parse" reads PT, marker, seq,
 * timestamp, SSRC and a payload view (and the extension element for (b)) in
 * every library, so lazy parsing gets no free pass.  "parse+serialize" parses
 * and writes the packet back out (into a reused buffer where the library
 * allows it: voipkit, rtp.js; werift-rtp always allocates).
 *
 * The machine is shared and noisy: quote the ratios measured in one run.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { RtpView, RtpBuilder } from '../src/rtp/public.js';
import { RtpPacket as RtpJsPacket } from 'rtp.js/packets';
import { RtpPacket as WeriftPacket } from 'werift-rtp';
import { bench, table, writeResults, type Row } from './lib.js';

/** Packets per timed call: each task loops itself (its own call site stays monomorphic, as in a real receive loop). */
const INNER = 1000;
/** werift-rtp is ~100x slower: fewer packets per call keep its samples short. */
const INNER_SLOW = 10;
const here = dirname(fileURLToPath(import.meta.url));

function packets(): { name: string; bytes: Uint8Array; extId: number }[] {
  const cap = JSON.parse(readFileSync(join(here, '..', 'test', 'vectors', 'rtp', 'ffmpeg-pcmu.json'), 'utf8')) as { packets: { socket: string; hex: string }[] };
  const first = cap.packets.find((p) => p.socket === 'rtp')!;
  const plain = new Uint8Array(Buffer.from(first.hex, 'hex'));
  if (plain.length !== 172) throw new Error('expected a 172-byte PCMU packet');
  const b = RtpBuilder.from(RtpView.wrap(plain));
  b.setExtensions([
    { id: 1, data: Uint8Array.of(0xaa) },
    { id: 3, data: Uint8Array.of(0x12, 0x34, 0x56) },
  ]);
  return [
    { name: '172 B', bytes: plain, extId: 0 },
    { name: '184 B with extension', bytes: b.serialize(), extId: 1 },
  ];
}

let sink = 0;

/** Check once that every library reads and writes the same packet. */
function sanity(bytes: Uint8Array, extId: number): void {
  const buf = Buffer.from(bytes);
  const v = RtpView.wrap(bytes);
  const r = new RtpJsPacket(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const w = WeriftPacket.deSerialize(buf);
  const want = [v.payloadType, v.sequenceNumber, v.timestamp, v.ssrc, v.payloadLength];
  const gotR = [r.getPayloadType(), r.getSequenceNumber(), r.getTimestamp(), r.getSsrc(), r.getPayload().byteLength];
  const gotW = [w.header.payloadType, w.header.sequenceNumber, w.header.timestamp, w.header.ssrc, w.payload.length];
  if (String(gotR) !== String(want) || String(gotW) !== String(want)) throw new Error(`libraries disagree: ${want} / ${gotR} / ${gotW}`);
  if (extId && (v.getExtension(extId)?.[0] !== 0xaa || r.getExtension(extId)?.getUint8(0) !== 0xaa || w.header.extensions.find((e) => e.id === extId)?.payload[0] !== 0xaa)) {
    throw new Error('extension not read alike');
  }
  const ab = new ArrayBuffer(1500);
  r.serialize(ab, 0);
  if (Buffer.from(new Uint8Array(ab, 0, bytes.length)).compare(buf) !== 0) throw new Error('rtp.js serialize differs');
  if (w.serialize().compare(buf) !== 0) throw new Error('werift serialize differs');
  if (Buffer.from(RtpBuilder.from(v).serialize()).compare(buf) !== 0) throw new Error('voipkit serialize differs');
}

/** Run the suite, write bench/results/rtp.{json,md}, and return the rows. */
export async function run(): Promise<Row[]> {
  const loadBefore = loadavg()[0];
  const b = bench({ time: 1000, warmupTime: 200 });
  const batch = new Map<string, number>();
  for (const { name, bytes, extId } of packets()) {
    sanity(bytes, extId);
    const buf = Buffer.from(bytes); // werift wants a Buffer; same bytes
    const outU8 = new Uint8Array(1500);
    const outAb = new ArrayBuffer(1500);
    const view = new RtpView();
    const builder = new RtpBuilder();
    const gp = `parse ${name}`;
    const gs = `parse+serialize ${name}`;

    batch.set(`${gp} :: voipkit RtpView.wrap`, INNER);
    b.add(`${gp} :: voipkit RtpView.wrap`, () => {
      for (let i = 0; i < INNER; i++) {
        const p = RtpView.wrap(bytes);
        sink += p.payloadType + (p.marker ? 1 : 0) + p.sequenceNumber + p.timestamp + p.ssrc + p.payload.length + (extId ? p.getExtension(extId)![0] : 0);
      }
    });
    batch.set(`${gp} :: voipkit view.reset (reused view)`, INNER);
    b.add(`${gp} :: voipkit view.reset (reused view)`, () => {
      for (let i = 0; i < INNER; i++) {
        const p = view.reset(bytes);
        sink += p.payloadType + (p.marker ? 1 : 0) + p.sequenceNumber + p.timestamp + p.ssrc + p.payload.length + (extId ? p.getExtension(extId)![0] : 0);
      }
    });
    batch.set(`${gp} :: rtp.js`, INNER);
    b.add(`${gp} :: rtp.js`, () => {
      for (let i = 0; i < INNER; i++) {
        const p = new RtpJsPacket(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        sink += p.getPayloadType() + (p.getMarker() ? 1 : 0) + p.getSequenceNumber() + p.getTimestamp() + p.getSsrc() + p.getPayload().byteLength + (extId ? p.getExtension(extId)!.getUint8(0) : 0);
      }
    });
    batch.set(`${gp} :: werift-rtp`, INNER_SLOW);
    b.add(`${gp} :: werift-rtp`, () => {
      for (let i = 0; i < INNER_SLOW; i++) {
        const p = WeriftPacket.deSerialize(buf);
        const h = p.header;
        sink += h.payloadType + (h.marker ? 1 : 0) + h.sequenceNumber + h.timestamp + h.ssrc + p.payload.length + (extId ? h.extensions.find((e) => e.id === extId)!.payload[0] : 0);
      }
    });

    batch.set(`${gs} :: voipkit RtpView.wrap + RtpBuilder.from + serializeInto`, INNER);
    b.add(`${gs} :: voipkit RtpView.wrap + RtpBuilder.from + serializeInto`, () => {
      for (let i = 0; i < INNER; i++) {
        sink += RtpBuilder.from(RtpView.wrap(bytes)).serializeInto(outU8);
      }
    });
    batch.set(`${gs} :: voipkit view.reset + builder.copyFrom + serializeInto (reused)`, INNER);
    b.add(`${gs} :: voipkit view.reset + builder.copyFrom + serializeInto (reused)`, () => {
      for (let i = 0; i < INNER; i++) {
        sink += builder.copyFrom(view.reset(bytes)).serializeInto(outU8);
      }
    });
    batch.set(`${gs} :: rtp.js (serialize into a reused buffer)`, INNER);
    b.add(`${gs} :: rtp.js (serialize into a reused buffer)`, () => {
      for (let i = 0; i < INNER; i++) {
        const p = new RtpJsPacket(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        p.serialize(outAb, 0);
        sink += p.getByteLength();
      }
    });
    batch.set(`${gs} :: werift-rtp`, INNER_SLOW);
    b.add(`${gs} :: werift-rtp`, () => {
      for (let i = 0; i < INNER_SLOW; i++) {
        sink += WeriftPacket.deSerialize(buf).serialize().length;
      }
    });
  }
  await b.run();
  const rows: Row[] = [];
  for (const t of b.tasks) {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}${'error' in r ? `: ${String(r.error)}` : ''}`);
    const [group, name] = t.name.split(' :: ');
    const hz = r.throughput.mean * batch.get(t.name)!; // packets per second
    rows.push({ name, group, hz, meanNs: 1e9 / hz, rme: r.throughput.rme, samples: r.throughput.samplesCount, perOp: 1, unit: 'packets' });
  }
  const ratio = (g: string, a: string, z: string) => {
    const x = rows.find((r) => r.group === g && r.name.startsWith(a));
    const y = rows.find((r) => r.group === g && r.name.startsWith(z));
    return x && y ? x.hz / y.hz : NaN;
  };
  const notes = [
    'Packets: a real 172-byte PCMU packet from test/vectors/rtp/ffmpeg-pcmu.json (12-byte header + 160 bytes), and the same with an RFC 8285 one-byte extension block (ssrc-audio-level id 1, abs-send-time id 3; 184 bytes).',
    '"parse" reads PT, marker, sequence number, timestamp, SSRC and the payload (and the extension element) in every library. "parse+serialize" writes the packet back out, into a reused buffer where the library allows it (werift-rtp always allocates).',
    `parse 172 B: voipkit RtpView.wrap ${(rows.find((r) => r.group === 'parse 172 B' && r.name.startsWith('voipkit RtpView.wrap'))?.hz ?? NaN) / 1e6 > 0 ? ((rows.find((r) => r.group === 'parse 172 B' && r.name.startsWith('voipkit RtpView.wrap'))!.hz) / 1e6).toFixed(1) : '?'}M packets/s, ${ratio('parse 172 B', 'voipkit RtpView.wrap', 'rtp.js').toFixed(1)}× rtp.js; parse+serialize 172 B: ${ratio('parse+serialize 172 B', 'voipkit RtpView.wrap', 'rtp.js').toFixed(1)}× rtp.js.`,
    `Measured on a 2-core machine shared with other jobs (1-minute load average ${loadBefore.toFixed(1)} before the run, ${loadavg()[0].toFixed(1)} after): absolute rates swing by 2× between runs; the ratios within a group are the figure to quote.`,
  ];
  writeResults('rtp', 'RTP parse and parse+serialize: voipkit vs rtp.js and werift-rtp', rows, table(rows, (r) => r.name.startsWith('rtp.js')), notes);
  if (sink === 0.5) console.log('');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
