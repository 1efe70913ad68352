/**
 * `voipkit sim`: replay a network trace through the jitter buffer and
 * report.  Thin: the work is in src/sim/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { load } from '../index.js';
import { VoipKitError } from '../errors.js';
import { defaultTrace, formatPlayoutLog, parseTrace, replayTrace, type TraceRow } from '../sim/trace.js';
import { buildReport, formatReport } from '../sim/report.js';
import { encodeWav, parseWav } from '../sim/wav.js';

export interface SimOptions {
  trace?: string;
  codec: string;
  playoutLog?: string;
  report?: string;
  out?: string;
  input?: string;
  json?: boolean;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new VoipKitError('invalid_argument', `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function write(path: string, data: string | Uint8Array, what: string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new VoipKitError('invalid_argument', `cannot write ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function sim(o: SimOptions, print: (s: string) => void): Promise<void> {
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
  if (o.input) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(o.input);
    } catch (e) {
      throw new VoipKitError('invalid_argument', `cannot read --input ${o.input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const wav = parseWav(bytes);
    if (wav.sampleRate !== 8000) throw new VoipKitError('invalid_argument', `--input must be 8000 Hz for G.711, got ${wav.sampleRate} Hz (resample it first, e.g. sox in.wav -r 8000 -c 1 out.wav)`);
    if (wav.samples.length < 160) throw new VoipKitError('invalid_argument', '--input holds less than 20 ms of audio');
    audio = wav.samples;
  }
  const kit = await load();
  const r = replayTrace(kit, rows, { codec, audio, keepAudio: !!o.out });
  const rep = buildReport(name, codec, kit.backend, rows, r);
  if (o.playoutLog) write(o.playoutLog, formatPlayoutLog(r.log), '--playout-log');
  if (o.report) write(o.report, JSON.stringify(rep, null, 2) + '\n', '--report');
  if (o.out && r.audio) write(o.out, encodeWav(r.audio, 8000), '--out');
  print(o.json ? JSON.stringify(rep, null, 2) : formatReport(rep));
}
