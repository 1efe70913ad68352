/**
 * The examples keep working: `npm run example:call` and `npm run
 * example:relay` (examples/call.ts) run a short call over 127.0.0.1 on each
 * backend and print what docs/pipeline.md says they print. Loose checks
 * (real sockets and timers on a shared machine): the exit status, Alice
 * hearing Bob's DTMF digit, both phones hearing audio, and with the relay
 * its own RTCP on both legs (SR counts, a measured round-trip time).
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BACKENDS } from './helpers/backends.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function run(backend: string, relay: boolean): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', 'examples/call.ts', ...(relay ? ['--relay'] : [])];
    const p = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, VOIPKIT_BACKEND: backend, CALL_SECONDS: '3' } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

describe.each(BACKENDS)('examples/call.ts on %s', (backend) => {
  it('example:call and example:relay: a 3 s call each, DTMF heard, audio played, the relay\'s RTCP on both legs', async () => {
    const [call, relay] = await Promise.all([run(backend, false), run(backend, true)]);
    for (const r of [call, relay]) {
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`backend ${backend}`);
      expect(r.out).toMatch(/DTMF heard: 5 \(\d+ ms\)/); // Bob's digit, heard by Alice
      for (const m of r.out.matchAll(/playout RMS (\d+)/g)) expect(Number(m[1])).toBeGreaterThan(1000); // tone sent at RMS 4243
    }
    expect(relay.out).toContain('through a transcoding relay');
    const legs = [...relay.out.matchAll(/its RTCP as (\S+): SR (\d+) packets .* round-trip time ([\d.]+) ms/g)];
    expect(legs.map((m) => m[1]), relay.out).toEqual(['relay-a@voipkit.example', 'relay-b@voipkit.example']);
    for (const m of legs) expect(Number(m[2])).toBeGreaterThan(50);
    expect(relay.out.match(/round-trip time to the relay [\d.]+ ms/g)?.length, relay.out).toBe(2);
  }, 60_000);
});
