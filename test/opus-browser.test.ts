/**
 * Opus in a browser: voipkit and opusscript bundled by esbuild for the
 * browser platform (no Node built-ins), served over 127.0.0.1 and run in
 * headless Chromium (Debian's chromium, through playwright-core).  load()
 * gets voipkit.wasm and opusscript's glue and module as URLs
 * (`opusscript: { glue, wasm }`, docs/opus.md "Browsers"); the page
 * encodes and decodes a second of two tones and conceals a frame.
 * Browsers have only the WASM build, so this runs with it.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { BACKENDS } from './helpers/backends.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const req = createRequire(import.meta.url);

describe.runIf(BACKENDS.includes('wasm'))('Opus in a browser (WASM build + opusscript, bundled)', () => {
  let server: Server;
  let ctx: BrowserContext;
  let profileDir: string;
  let port = 0;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium (listed in .ci/debian-packages)`).toBe(true);
    const bundle = await build({
      entryPoints: [join(root, 'test/browser/opus-entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      // voipkit's Node-only paths (the addon loader, fs) are dynamic imports
      // that a browser never takes: with code splitting (what vite, rollup
      // and webpack do by default) they land in chunks that are never
      // fetched, and their node: imports stay unresolved.
      splitting: true,
      outdir: '/out',
      entryNames: 'app',
      external: ['node:*'],
    });
    const files: Record<string, [string, Buffer]> = {
      '/': ['text/html', Buffer.from('<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>')],
      '/voipkit.wasm': ['application/wasm', readFileSync(join(root, 'wasm/dist/voipkit.wasm'))],
      '/opusscript.wasm': ['application/wasm', readFileSync(req.resolve('opusscript/build/opusscript_native_wasm.wasm'))],
    };
    for (const f of bundle.outputFiles) files[f.path.slice('/out'.length)] = ['text/javascript', Buffer.from(f.contents)];
    expect(files['/app.js']).toBeDefined();
    server = createServer((rq, rs) => {
      const f = files[rq.url ?? ''];
      if (!f) {
        rs.writeHead(404).end();
        return;
      }
      rs.writeHead(200, { 'content-type': f[0] }).end(f[1]);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as { port: number }).port;
    profileDir = mkdtempSync(join(tmpdir(), 'voipkit-chromium-opus-'));
    ctx = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    server?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('load({ opusscript: { glue, wasm } }) gives Opus: a round trip and concealment', async () => {
    const page = await ctx.newPage();
    const errors: string[] = [];
    const fetched: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (q) => fetched.push(new URL(q.url()).pathname));
    const base = `http://127.0.0.1:${port}`;
    await page.goto(`${base}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => typeof (window as unknown as { runOpus?: unknown }).runOpus === 'function');
    const r = (await page.evaluate(
      ([a, b]) => (window as unknown as { runOpus(x: string, y: string): Promise<unknown> }).runOpus(a, b),
      [`${base}/voipkit.wasm`, `${base}/opusscript.wasm`],
    )) as { node: boolean; backend: string; opus: string; opusFec: boolean; bytes: number; plc: number; corr: number };
    console.log(`[browser] ${JSON.stringify(r)}; fetched ${fetched.join(' ')}`);
    expect(errors).toEqual([]);
    expect(r.node).toBe(false);
    expect(r.backend).toBe('wasm');
    expect(r.opus).toBe('opusscript');
    expect(r.opusFec).toBe(false);
    expect(r.bytes).toBeGreaterThan(50 * 100); // 64 kbit/s: about 160 bytes a frame
    expect(r.plc).toBe(960);
    expect(r.corr).toBeGreaterThan(0.95);
  }, 120_000);
});
