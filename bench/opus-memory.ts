/**
 * Opus memory over a long run: encode + decode (+ PLC / FEC every tenth
 * frame) N frames on one pair per backend and print RSS and WASM heap as it
 * goes; then find where opusscript's own class fails when objects pile up.
 *
 *   node --expose-gc node_modules/.bin/tsx bench/opus-memory.ts [frames=1000000] [native|wasm]...
 */
import { createRequire } from 'node:module';
import { load } from '../src/index.js';

const frames = Number(process.argv[2] ?? 1e6);
const which = process.argv.slice(3).length ? process.argv.slice(3) : ['native', 'wasm'];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number) => (n / 2 ** 20).toFixed(1);

for (const backend of which as Array<'native' | 'wasm'>) {
  const kit = await load({ backend });
  const enc = kit.createOpusEncoder({ sampleRate: 16000, bitrate: 20000, complexity: 0, fec: true, packetLossPercent: 5 });
  const dec = kit.createOpusDecoder({ sampleRate: 16000 });
  const src = new Int16Array(16000).map((_, i) => Math.round(6000 * Math.sin(i / 5) * Math.sin(i / 700)));
  const pkt = new Uint8Array(1500);
  const pcm = new Int16Array(320);
  const t0 = performance.now();
  const rows: string[] = [];
  for (let i = 0; i < frames; i++) {
    const at = (i % 50) * 320;
    const p = enc.encode(src.subarray(at, at + 320), pkt);
    if (i % 10 === 3) dec.decode(null, pcm);
    else if (i % 10 === 4) dec.decodeFec(p, pcm);
    else dec.decode(p, pcm);
    if ((i + 1) % Math.max(1, Math.floor(frames / 10)) === 0) {
      gc();
      const m = process.memoryUsage();
      const row = `[${backend} / ${kit.features.opus}] ${i + 1} frames: RSS ${mb(m.rss)} MiB, JS heap ${mb(m.heapUsed)} MiB, WASM heap ${mb(kit.opusStats().heapBytes)} MiB, ${((performance.now() - t0) / 1000).toFixed(0)} s`;
      rows.push(row);
      console.log(row);
    }
  }
  enc.close();
  dec.close();
}

// opusscript's own class, for comparison: objects that encode and decode one
// frame each, until one throws.
const OpusScript = createRequire(import.meta.url)('opusscript') as new (r: number, c: number, a: number) => {
  encode(b: Buffer, n: number): Buffer;
  decode(b: Buffer): Buffer;
};
const keep: unknown[] = [];
const buf = Buffer.alloc(1920);
for (let i = 0; i < 5000; i++) {
  const o = new OpusScript(48000, 1, 2048);
  keep.push(o);
  try {
    o.decode(o.encode(buf, 960));
  } catch (e) {
    console.log(`opusscript's own class: object ${i + 1} fails (${(e as Error).message}) after its heap grew`);
    break;
  }
}
