/**
 * `voipkit sim`: replay a network trace through the jitter buffer and
 * report.  Thin: the work is in src/sim/.
 */
import { basename } from 'node:path';
import { load } from '../index.js';
import { VoipKitError } from '../errors.js';
import { readBytes, readText, write } from './io.js';
import { defaultTrace, formatPlayoutLog, parseTrace, replayTrace, type TraceRow } from '../sim/trace.js';
import { buildReport, formatReport } from '../sim/report.js';
import { encodeWav } from '../sim/wav.js';
import { wavTo8kMono } from '../sim/wav-input.js';
import { checkContradictions, frameRecorder, jitterFromOption, replayQuality, runNetsimCommand, writeHtmlReport, type NetsimCliOptions } from './netsim.js';

export interface SimOptions extends NetsimCliOptions {
  trace?: string;
  codec: string;
  playoutLog?: string;
  report?: string;
  out?: string;
  input?: string;
  json?: boolean;
}



export async function sim(o: SimOptions, print: (s: string) => void, given: (option: string) => boolean = () => false): Promise<void> {
  checkContradictions(o, given);
  if (o.trace && (o.srtp || o.ns)) throw new VoipKitError('invalid_argument', `--trace replays a recorded network with G.711 made here; --${o.srtp ? 'srtp' : 'ns'} applies to the simulated pipeline: drop one`);
  if (!o.trace) {
    // a simulated network (the default) or a capture: src/cli/netsim.ts
    await runNetsimCommand(o, print);
    return;
  }
  if (o.codec !== 'pcmu' && o.codec !== 'pcma') throw new VoipKitError('invalid_argument', `--codec must be pcmu or pcma, got ${o.codec}`);
  const codec = o.codec;
  let rows: TraceRow[];
  let name: string;
  if (o.trace) {
    rows = parseTrace(readText(o.trace, 'trace'), o.trace);
    name = basename(o.trace).replace(/\.csv$/i, '');
  } else {
    rows = defaultTrace();
    name = 'built-in (60 s, 40 ms path, gamma jitter, 1 % loss, one 300 ms stall)';
  }
  let audio: Int16Array | undefined;
  const kit = await load();
  if (o.input) {
    // read with the wav package; 16/24/48 kHz is resampled to 8 kHz
    audio = await wavTo8kMono(kit, readBytes(o.input, '--input'), `--input ${o.input}`);
  }
  const rec = frameRecorder();
  const r = replayTrace(kit, rows, { codec, audio, keepAudio: !!o.out, jitter: jitterFromOption(o.jb), onPoll: o.html ? rec.onPoll : undefined });
  const rep = buildReport(name, codec, kit.backend, rows, r);
  if (o.html) {
    // the page of a simulated call: one-way delay, playout and target delay, buffer level, events
    const { quality, packets } = replayQuality(rows, r.log, r.stats, codec, 20, 'delays as recorded in the trace');
    writeHtmlReport(o.html, `voipkit sim: trace ${name}`, `trace ${name}: ${rows.length} packets, ${rep.durationS.toFixed(1)} s, ${codec}, ${kit.backend} backend`, quality, packets, rec.frames);
  }
  if (o.playoutLog) write(o.playoutLog, formatPlayoutLog(r.log), '--playout-log');
  if (o.report) write(o.report, JSON.stringify(rep, null, 2) + '\n', '--report');
  if (o.out && r.audio) write(o.out, encodeWav(r.audio, 8000), '--out');
  print(o.json ? JSON.stringify(rep, null, 2) : formatReport(rep));
}
