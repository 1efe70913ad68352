/**
 * The jitter buffer on the eight reference traces (test/vectors/jitter-traces,
 * copied from the shared jitter-traces README), beside the four anchors'
 * figures from that README; then the cost of push + poll per packet, native
 * and WASM, and how many 20 ms G.711 streams one core carries.
 *
 *   npm run bench -- jitter-traces
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { load, type VoipKit } from '../src/index.js';
import { eModelR, parseTrace, replayTrace, traceMetrics, type TraceRow } from '../src/sim/trace.js';
import { speechLike } from '../src/sim/speech.js';
import { add, bench, runRows, table, writeResults, QUICK } from './lib.js';

const TRACES = ['a_lan', 'b_wifi', 'c_mobile', 'd_reorder', 'e_drift_m200', 'e_drift_p200', 'f_route_change', 'g_loss15'];
const ANCHORS = ['neteq', 'speexdsp', 'pjmedia', 'asterisk'] as const;
type Fig = { e2eMeanMs: number; e2eP95Ms: number; latePct: number; R: number };

function rtp(row: TraceRow, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  const dv = new DataView(p.buffer);
  p[0] = 0x80;
  dv.setUint16(2, row.seq);
  dv.setUint32(4, row.ts);
  dv.setUint32(8, 0x1234);
  p.set(payload, 12);
  return p;
}

/**
 * The ceiling of the playout model (the traces' README): a packet cannot
 * play before the first tick at or after its arrival (ticks every 20 ms from
 * the earliest arrival, as src/sim/trace.ts counts them).  Playing every
 * packet that arrived exactly there -- which no continuous playout can do
 * once delays vary, it is a bound, not a buffer -- gives the smallest e2e
 * mean and so the highest R any buffer can reach on the trace.
 */
function modelCeiling(rows: TraceRow[]): { e2eMeanMs: number; R: number } {
  const arr = rows.filter((r) => r.arrivalMs !== null);
  const t0 = Math.min(...arr.map((r) => r.arrivalMs as number));
  const ticks: number[] = [];
  const tEnd = Math.max(...arr.map((r) => r.arrivalMs as number)) + 40;
  for (let t = t0; t <= tEnd; t += 20) ticks.push(t);
  let sum = 0;
  for (const r of arr) {
    let k = Math.max(0, Math.floor(((r.arrivalMs as number) - t0) / 20) - 1);
    while (ticks[k] < (r.arrivalMs as number)) k++;
    sum += ticks[k] - r.sendMs;
  }
  const e2eMeanMs = sum / arr.length;
  return { e2eMeanMs, R: eModelR(e2eMeanMs, (100 * (rows.length - arr.length)) / rows.length) };
}

/**
 * Wall time per 20 ms frame of a whole replay: the playout loop of
 * src/sim/trace.ts (push in arrival order, poll every 20 ms) over packets
 * built beforehand, so that only the buffer's work (push, poll, decode,
 * concealment, stretching) is timed.
 */
function replayCost(kit: VoipKit, rows: TraceRow[]): number {
  const speech = speechLike(8000 * 60, 1);
  const pkts = rows.map((row, i) => rtp(row, kit.g711.encode('pcmu', speech.subarray((i * 160) % (speech.length - 160), ((i * 160) % (speech.length - 160)) + 160))));
  const order = rows.map((_, i) => i).filter((i) => rows[i].arrivalMs !== null);
  order.sort((a, b) => (rows[a].arrivalMs as number) - (rows[b].arrivalMs as number) || a - b);
  const out = new Int16Array(160);
  let best = Infinity;
  for (let run = 0; run < (QUICK ? 1 : 3); run++) {
    const jb = kit.createJitterBuffer();
    const t0 = rows[order[0]].arrivalMs as number;
    const tEnd = (rows[order[order.length - 1]].arrivalMs as number) + 500;
    let k = 0;
    let polls = 0;
    const c0 = process.cpuUsage();
    for (let tick = t0; tick <= tEnd; tick += 20) {
      while (k < order.length && (rows[order[k]].arrivalMs as number) <= tick) {
        const i = order[k++];
        jb.push(pkts[i], rows[i].arrivalMs as number);
      }
      jb.poll(tick, out);
      polls++;
    }
    const c = process.cpuUsage(c0);
    const ns = (c.user + c.system) * 1000; // CPU time: robust on a shared machine
    jb.close();
    best = Math.min(best, ns / polls);
  }
  return best;
}

export async function run(): Promise<void> {
  const native = await load({ backend: 'native' });
  const wasm = await load({ backend: 'wasm' });
  const dir = new URL('../test/vectors/jitter-traces/', import.meta.url);
  const anchors = JSON.parse(readFileSync(new URL('anchors.json', dir), 'utf8')).traces as Record<string, Record<string, Fig>>;

  // ---- quality on the traces ----
  const traceRows: Record<string, unknown>[] = [];
  const lines = [
    '| trace | voipkit e2e mean / p95 / late / R | whole frames dropped / inserted (not silent) | neteq | speexdsp | pjmedia | asterisk | best anchor R | R margin | verdict | model ceiling: e2e mean / R |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  let passed = 0;
  let identical = true;
  for (const name of TRACES) {
    const rows = parseTrace(readFileSync(new URL(`${name}.csv`, dir), 'utf8'), name);
    const r = replayTrace(native, rows);
    const m = traceMetrics(rows, r.log, r.silent);
    const rw = replayTrace(wasm, rows);
    if (JSON.stringify(rw.log) !== JSON.stringify(r.log)) identical = false;
    const a = anchors[name];
    const bestName = ANCHORS.reduce((x, y) => (a[y].R > a[x].R ? y : x));
    const best = a[bestName];
    const lateMax = name === 'c_mobile' ? 3 : 0.3;
    const p95Bound = ['a_lan', 'b_wifi', 'e_drift_m200', 'e_drift_p200'].includes(name) ? best.e2eP95Ms : Infinity;
    // the bar is an R above the best anchor's; 'equal' (within 0.01 of the
    // anchor's R as printed: a_lan, see the notes) does not meet it
    const rOk = m.R > best.R ? 'better' : best.R - m.R < 0.01 ? 'equal (at the floor): NOT above' : 'FAIL';
    const limitsOk = m.e2eP95Ms <= p95Bound + 0.5 && m.latePct <= lateMax;
    const pass = rOk === 'better' && limitsOk;
    const verdict = limitsOk ? rOk : 'FAIL';
    if (pass) passed++;
    const ceil = modelCeiling(rows);
    const fig = (f: Fig) => `${f.e2eMeanMs} / ${f.e2eP95Ms} / ${f.latePct.toFixed(2)}% / R ${f.R.toFixed(1)}`;
    lines.push(
      `| ${name} | **${m.e2eMeanMs.toFixed(1)} / ${m.e2eP95Ms.toFixed(1)} / ${m.latePct.toFixed(2)}% / R ${m.R.toFixed(2)}** | ` +
        `${m.droppedWhole} (${m.droppedWholeVoiced}) / ${r.stats.insertedWhole} (${r.stats.insertedWholeVoiced}) | ` +
        ANCHORS.map((x) => fig(a[x])).join(' | ') +
        ` | ${best.R.toFixed(1)} (${bestName}) | ${(m.R - best.R >= 0 ? '+' : '')}${(m.R - best.R).toFixed(2)} | ${verdict} | ${ceil.e2eMeanMs.toFixed(2)} / ${ceil.R.toFixed(3)} |`,
    );
    traceRows.push({
      trace: name,
      voipkit: { ...m, framesInsertedWhole: r.stats.insertedWhole, framesInsertedWholeVoiced: r.stats.insertedWholeVoiced,
        accelerateRate: r.stats.accelerateRate, preemptiveRate: r.stats.preemptiveRate, expandRate: r.stats.expandRate },
      anchors: a,
      bestAnchor: bestName,
      verdict,
      modelCeiling: ceil,
    });
    console.log(lines[lines.length - 1]);
  }

  // ---- cost ----
  const rowsB = parseTrace(readFileSync(new URL('b_wifi.csv', dir), 'utf8'), 'b_wifi');
  const b = bench();
  const perOp: Record<string, number> = {};
  const group = 'push + poll, 20 ms PCMU, 2 % loss';
  perOp[group] = 1;
  const payload = new Uint8Array(160).map((_, i) => (i * 37) & 0xff);
  const pkts = Array.from({ length: 1000 }, (_, i) => rtp({ seq: i & 0xffff, ts: (i * 160) >>> 0, sendMs: 0, arrivalMs: 0 }, payload));
  const jbs: { close(): void }[] = [];
  for (const [label, kit] of [['voipkit native', native], ['voipkit wasm', wasm]] as const) {
    const jb = kit.createJitterBuffer();
    jbs.push(jb);
    const out = new Int16Array(160);
    let i = 0;
    let t = 0;
    add(b, `${group} :: ${label}`, () => {
      // every 50th packet is lost: the buffer conceals and merges
      if (i % 50 !== 7) jb.push(pkts[i % 1000], t);
      jb.poll(t, out);
      i++;
      t += 20;
    }, 100);
  }
  // Opus through the same buffer: the core asks the kit's decoder (libopus /
  // opusscript) for each packet's audio; beside it the decoder alone on the
  // same packets, so the difference is the buffer's cost with a host decoder.
  const og = 'Opus 48 kHz mono 32 kbit/s, 20 ms, 2 % loss';
  perOp[og] = 1;
  const closers: { close(): void }[] = [];
  for (const [label, kit] of [['native', native], ['wasm', wasm]] as const) {
    if (kit.features.opus === 'none') continue;
    const enc = kit.createOpusEncoder({ sampleRate: 48000, channels: 1, application: 'voip', bitrate: 32000 });
    const speech = speechLike(48000 * 4, 3);
    const opk = Array.from({ length: 200 }, (_, i) => {
      const payload = enc.encode(speech.subarray(i * 960, i * 960 + 960)).slice();
      const p = rtp({ seq: i, ts: (i * 960) >>> 0, sendMs: 0, arrivalMs: 0 }, payload);
      p[1] = 111;
      return { p, payload };
    });
    enc.close();
    const jb = kit.createJitterBuffer({ codec: 'opus', sampleRate: 48000 });
    const dec = kit.createOpusDecoder({ sampleRate: 48000 });
    closers.push(jb, dec);
    const out = new Int16Array(960);
    const dout = new Int16Array(960 * 6);
    let i = 0;
    let seq = 0;
    let t = 0;
    add(b, `${og} :: voipkit ${label}: push + poll (buffer + decoder)`, () => {
      const k = i % 200;
      if (k % 50 !== 7) {
        // renumber so that the stream runs on across the 200 packets
        const p = opk[k].p;
        p[2] = (seq >> 8) & 0xff; p[3] = seq & 0xff;
        const ts = (seq * 960) >>> 0;
        p[4] = ts >>> 24; p[5] = (ts >>> 16) & 0xff; p[6] = (ts >>> 8) & 0xff; p[7] = ts & 0xff;
        jb.push(p, t);
      }
      jb.poll(t, out);
      i++;
      seq = (seq + 1) & 0xffff;
      t += 20;
    }, 20);
    let j = 0;
    add(b, `${og} :: voipkit ${label}: decoder alone`, () => {
      const k = j % 200;
      if (k % 50 !== 7) dec.decode(opk[k].payload, dout);
      else dec.conceal(20, dout);
      j++;
    }, 20);
  }
  const rows = await runRows(b, perOp, 'packets');
  for (const j of jbs) j.close();
  for (const c of closers) c.close();
  const costN = replayCost(native, rowsB);
  const costW = replayCost(wasm, rowsB);
  const perPkt = (n: string) => rows.find((r) => r.name === n)?.meanNs ?? NaN;
  const opusRow = (l: string) => perPkt(`voipkit ${l}: push + poll (buffer + decoder)`) / 1000;
  const opusDec = (l: string) => perPkt(`voipkit ${l}: decoder alone`) / 1000;
  const costLines = [
    '| backend | push + poll per packet (steady stream, 2 % loss; wall time) | whole b_wifi replay, CPU time per 20 ms frame | 20 ms G.711 streams per core (real time) |',
    '|---|---|---|---|',
    `| native | ${(perPkt('voipkit native') / 1000).toFixed(2)} µs | ${(costN / 1000).toFixed(2)} µs | ${Math.floor(20e6 / costN)} |`,
    `| wasm | ${(perPkt('voipkit wasm') / 1000).toFixed(2)} µs | ${(costW / 1000).toFixed(2)} µs | ${Math.floor(20e6 / costW)} |`,
    '',
    '| Opus (48 kHz mono, 32 kbit/s, 20 ms, 2 % loss) | push + poll through the buffer | the decoder alone, same packets | the buffer\'s share |',
    '|---|---|---|---|',
    ...(['native', 'wasm'] as const).map((l) => `| ${l} | ${opusRow(l).toFixed(2)} µs | ${opusDec(l).toFixed(2)} µs | ${(opusRow(l) - opusDec(l)).toFixed(2)} µs (${(opusRow(l) / opusDec(l)).toFixed(2)}×) |`),
  ];
  const notes = [
    `Verdict: ${passed} of ${TRACES.length} traces meet the bar (R above the best anchor; p95 within the best anchor's on a, b, e; late ≤ 0.3 %, c_mobile ≤ 3 %). One configuration (the defaults) for all traces. The last column is the ceiling of the playout model itself (every packet played at the first tick after its arrival; a bound, not a buffer).`,
    'a_lan: with a 20 ms playout clock starting at the first arrival (whose delay, 1.01 ms, is next to the smallest) and 1.0-3.5 ms network delay, 2862 of 3000 packets arrive after "their" tick and cannot play earlier than 21.01 ms after they were sent; the other 138 (4.6 %, delay 1.00-1.01 ms, scattered at random) could play at 1.01 ms. A constant playout delay plays all at 21.01 ms (e2e mean 21.003, R 92.096: voipkit, and pjmedia\'s printed 21 / 21 / R 92.1). The model ceiling (every packet at the first tick after its arrival) is e2e 20.09, R 92.118: reaching above 92.10 would need to play those random 4.6 % one tick early, i.e. to drop 20 ms before each and insert 20 ms after it, worsening the audio for < 0.02 R. voipkit does not do that; a_lan stays a tie.',
    `The WASM backend produced ${identical ? 'the identical playout log' : 'a DIFFERENT playout log'} on every trace.`,
    'Audio: the built-in speech-like signal (src/sim/speech.ts, ~50 % of 20 ms frames above -40 dBov). "not silent" = the frame\'s RMS is at least -40 dBov.',
    `Load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on 2 cores; the cost figures scale with it.`,
    `Streams per core = 20 ms / (CPU time of one 20 ms frame in the b_wifi replay: push, poll, decode, concealment, stretching), single thread; native / wasm per-packet ratio ${(perPkt('voipkit wasm') / perPkt('voipkit native')).toFixed(2)}×.`,
  ];
  writeResults('jitter-traces', 'Jitter buffer on the reference traces, and its cost', rows,
    ['## Quality (e2e mean / p95 ms / late % / R)', '', ...lines, '', '## Cost', '', ...costLines, '', table(rows)].join('\n'), notes);
  const jsonUrl = new URL('./results/jitter-traces.json', import.meta.url);
  const json = JSON.parse(readFileSync(jsonUrl, 'utf8'));
  json.traces = traceRows;
  json.cost = { perFrameNsNative: costN, perFrameNsWasm: costW, streamsPerCoreNative: Math.floor(20e6 / costN), streamsPerCoreWasm: Math.floor(20e6 / costW) };
  writeFileSync(jsonUrl, JSON.stringify(json, null, 2) + '\n');
}
