import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, mkdtempSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKENDS, kitFor } from './helpers/backends.js';
import type { VoipKit } from '../src/index.js';
import { eModelR, parseTrace, replayTrace, traceMetrics, formatTrace, defaultTrace } from '../src/sim/trace.js';

const dir = new URL('./vectors/jitter-traces/', import.meta.url);
const anchors = JSON.parse(readFileSync(new URL('anchors.json', dir), 'utf8')) as {
  traces: Record<string, Record<string, { e2eMeanMs: number; e2eP95Ms: number; latePct: number; R: number }>>;
};
const traceText = (n: string) => readFileSync(new URL(`${n}.csv`, dir), 'utf8');
const root = fileURLToPath(new URL('../', import.meta.url));

describe('trace format and E-model', () => {
  it("eModelR reproduces every anchor's R in the traces README from its e2e, late loss and the trace's network loss", () => {
    for (const [name, row] of Object.entries(anchors.traces)) {
      const rows = parseTrace(traceText(name), name);
      const lossPct = (100 * rows.filter((r) => r.arrivalMs === null).length) / rows.length;
      for (const [who, a] of Object.entries(row)) {
        // the README rounds e2e to 1 ms and late to 0.01 %: allow what that rounding moves R by
        expect(Math.abs(eModelR(a.e2eMeanMs, lossPct + a.latePct) - a.R), `${name} ${who}`).toBeLessThanOrEqual(0.11);
      }
    }
  });

  it('parses the traces and reports malformed ones by line', () => {
    const rows = parseTrace(traceText('a_lan'), 'a_lan');
    expect(rows.length).toBe(3000);
    expect(rows[0]).toEqual({ seq: 65391, ts: 2631075183, sendMs: 0, arrivalMs: 1.01 });
    expect(parseTrace(formatTrace(rows))).toEqual(rows);
    const bad = (t: string) => () => parseTrace(t, 'x.csv');
    expect(bad('')).toThrow(/x\.csv:1: empty trace/);
    expect(bad('seq,ts\n')).toThrow(/x\.csv:1: header must be/);
    expect(bad('seq,rtp_timestamp,send_ms,arrival_ms\n1,2,3\n')).toThrow(/x\.csv:2: expected 4 fields/);
    expect(bad('seq,rtp_timestamp,send_ms,arrival_ms\n70000,2,3,4\n')).toThrow(/x\.csv:2: seq must be/);
    expect(bad('seq,rtp_timestamp,send_ms,arrival_ms\n1,2,abc,4\n')).toThrow(/x\.csv:2: send_ms is not a number/);
    expect(bad('seq,rtp_timestamp,send_ms,arrival_ms\n')).toThrow(/no packets/);
  });
});

describe.each(BACKENDS)('trace replay on %s', (backend) => {
  let kit: VoipKit;
  beforeAll(async () => {
    kit = await kitFor(backend);
  });

  it('replays a trace with the README playout model: one log row per packet, nothing played before it arrived', () => {
    const rows = parseTrace(traceText('e_drift_p200'), 'e');
    const r = replayTrace(kit, rows);
    expect(r.log.length).toBe(rows.length);
    let played = 0;
    rows.forEach((row, i) => {
      expect(r.log[i].seq).toBe(row.seq);
      const p = r.log[i].playMs;
      if (p === null) return;
      played++;
      expect(row.arrivalMs).not.toBeNull();
      expect(p).toBeGreaterThanOrEqual(row.arrivalMs as number);
    });
    expect(played).toBeGreaterThan(rows.length * 0.99);
    // packets play in sequence order (two may share a time when the silence
    // between them was removed by accelerate)
    const plays = r.log.map((e) => e.playMs).filter((p): p is number => p !== null);
    for (let i = 1; i < plays.length; i++) expect(plays[i]).toBeGreaterThanOrEqual(plays[i - 1]);
    const m = traceMetrics(rows, r.log, r.silent);
    expect(m.latePct).toBeLessThanOrEqual(0.3);
    expect(m.R).toBeGreaterThan(anchors.traces.e_drift_p200.pjmedia.R);
  });

  it('the default trace replays with a meaningful report', () => {
    const rows = defaultTrace(7, 10);
    const m = traceMetrics(rows, replayTrace(kit, rows).log);
    expect(m.packets).toBe(500);
    expect(m.e2eMeanMs).toBeGreaterThan(40);
    expect(m.R).toBeGreaterThan(80);
  });
});

describe.each(BACKENDS)('voipkit sim CLI on %s', (backend) => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin/voipkit.js'), ...args], { encoding: 'utf8', env: { ...process.env, VOIPKIT_BACKEND: backend } });

  it('replays a trace and writes the playout log, the report and the audio', () => {
    const out = mkdtempSync(join(tmpdir(), 'voipkit-sim-'));
    const r = cli(['sim', '--trace', join(root, 'test/vectors/jitter-traces/a_lan.csv'), '--codec', 'pcma',
      '--playout-log', join(out, 'log.csv'), '--report', join(out, 'rep.json'), '--out', join(out, 'o.wav')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/E-model\s+R \d+\.\d+/);
    const rep = JSON.parse(readFileSync(join(out, 'rep.json'), 'utf8'));
    expect(rep.backend).toBe(backend);
    expect(rep.codec).toBe('pcma');
    expect(rep.packets).toBe(3000);
    expect(rep.metrics.latePct).toBe(0);
    const log = readFileSync(join(out, 'log.csv'), 'utf8').trim().split('\n');
    expect(log[0]).toBe('seq,play_ms');
    expect(log.length).toBe(3001);
    expect(log[1]).toMatch(/^65391,\d+\.\d+$/);
    expect(existsSync(join(out, 'o.wav'))).toBe(true);
  });

  it('without --trace it simulates the default network on the built-in signal and prints a report', () => {
    const r = cli(['sim']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^voipkit sim: profile wifi, seed 1;/);
    expect(r.stdout).toMatch(/R (7\d|8\d|9\d)\.\d, MOS \d\.\d\d/);
    const j = cli(['sim', '--json']);
    expect(JSON.parse(j.stdout).network.stats.sent).toBe(3000);
  });

  it('bad input: one clear line on stderr, non-zero exit, no stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['sim', '--trace', '/nonexistent/x.csv'], /cannot read trace .*ENOENT/],
      [['sim', '--trace', join(root, 'test/vectors/jitter-traces/README.md')], /README\.md:\d+: header must be/],
      [['sim', '--codec', 'g729'], /--codec must be pcmu, pcma or opus/],
      [['sim', '--input', join(root, 'package.json')], /not a WAV file/],
      [['sim', '--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args);
      expect(r.status, args.join(' ')).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(/^voipkit: /);
      expect(lines[0]).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
