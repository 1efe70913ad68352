/**
 * G.711 encode / decode: voipkit native and WASM beside the npm packages a
 * user would pick instead (alawmulaw, g711), on one 20 ms frame (160 samples)
 * and on 8,000-sample buffers.  voipkit rows write into caller buffers, as a
 * media path does; the peers allocate their output (their API offers nothing
 * else).  A "voipkit ... (alloc)" row shows voipkit allocating too.
 */
import alawmulaw from 'alawmulaw';
import g711pkg from 'g711';
import { load } from '../src/index.js';
import { add, bench, runRows, table, writeResults } from './lib.js';

export async function run(): Promise<void> {
  const native = await load({ backend: 'native' });
  const wasm = await load({ backend: 'wasm' });
  const mk = (n: number) => {
    const pcm = new Int16Array(n);
    let s = 12345;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      pcm[i] = Math.round(8000 * Math.sin(i / 7) + ((s >>> 16) - 32768) / 8);
    }
    return pcm;
  };
  const b = bench();
  const perOp: Record<string, number> = {};
  for (const n of [160, 8000]) {
    const pcm = mk(n);
    const codes = native.g711.encode('pcmu', pcm);
    const acodes = native.g711.encode('pcma', pcm);
    const inner = n === 160 ? 100 : 2;
    const cbuf = new Uint8Array(n);
    const pbuf = new Int16Array(n);
    const gEncDec = `mu-law encode+decode ${n}`;
    const gEnc = `mu-law encode ${n}`;
    const gDec = `mu-law decode ${n}`;
    const gA = `A-law encode+decode ${n}`;
    perOp[gEncDec] = perOp[gEnc] = perOp[gDec] = perOp[gA] = n;
    for (const [label, kit] of [['voipkit native', native], ['voipkit wasm', wasm]] as const) {
      add(b, `${gEncDec} :: ${label}`, () => { kit.g711.decode('pcmu', kit.g711.encode('pcmu', pcm, cbuf), pbuf); }, inner);
      add(b, `${gEnc} :: ${label}`, () => { kit.g711.encode('pcmu', pcm, cbuf); }, inner);
      add(b, `${gDec} :: ${label}`, () => { kit.g711.decode('pcmu', codes, pbuf); }, inner);
      add(b, `${gA} :: ${label}`, () => { kit.g711.decode('pcma', kit.g711.encode('pcma', pcm, cbuf), pbuf); }, inner);
    }
    add(b, `${gEncDec} :: voipkit native (alloc)`, () => { native.g711.decode('pcmu', native.g711.encode('pcmu', pcm)); }, inner);
    add(b, `${gEncDec} :: alawmulaw`, () => { alawmulaw.mulaw.decode(alawmulaw.mulaw.encode(pcm)); }, inner);
    add(b, `${gEnc} :: alawmulaw`, () => { alawmulaw.mulaw.encode(pcm); }, inner);
    add(b, `${gDec} :: alawmulaw`, () => { alawmulaw.mulaw.decode(codes); }, inner);
    add(b, `${gA} :: alawmulaw`, () => { alawmulaw.alaw.decode(alawmulaw.alaw.encode(pcm)); }, inner);
    add(b, `${gEncDec} :: g711 (npm)`, () => { g711pkg.ulawToPCM(g711pkg.ulawFromPCM(pcm), 16); }, inner);
    add(b, `${gA} :: g711 (npm)`, () => { g711pkg.alawToPCM(g711pkg.alawFromPCM(pcm), 16); }, inner);
    void acodes;
  }
  const rows = await runRows(b, perOp, 'samples');
  const ratio = (g: string, a: string, z: string) => {
    const x = rows.find((r) => r.group === g && r.name === a);
    const y = rows.find((r) => r.group === g && r.name === z);
    return x && y ? x.hz / y.hz : NaN;
  };
  const notes = [
    `160-sample mu-law encode+decode, voipkit native / alawmulaw: ${ratio('mu-law encode+decode 160', 'voipkit native', 'alawmulaw').toFixed(2)}× (goal ≥ 5×)`,
    `160-sample mu-law encode+decode, voipkit wasm / alawmulaw: ${ratio('mu-law encode+decode 160', 'voipkit wasm', 'alawmulaw').toFixed(2)}× (goal ≥ 5×)`,
    `8,000-sample mu-law encode, native: ${((rows.find((r) => r.group === 'mu-law encode 8000' && r.name === 'voipkit native')?.hz ?? 0) * 8000 / 1e6).toFixed(0)}M samples/s; decode: ${((rows.find((r) => r.group === 'mu-law decode 8000' && r.name === 'voipkit native')?.hz ?? 0) * 8000 / 1e6).toFixed(0)}M samples/s (goal ≥ 500M)`,
    'The g711 npm package decodes to 8-bit-range values in an Int8Array-typed result (its API); it is timed as shipped.',
  ];
  writeResults('g711', 'G.711 encode / decode', rows, table(rows, (r) => r.name === 'alawmulaw' || r.name === 'g711 (npm)'), notes);
}
