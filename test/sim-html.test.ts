/**
 * The HTML reports open in a real browser (Debian's chromium, headless,
 * driven by playwright-core) and render their plots: every plot element is
 * present, has a non-empty geometry, and the page loads nothing from outside.
 * Screenshots go to build/test-artifacts/ for a person to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { BACKENDS, kitFor } from './helpers/backends.js';
import { runNetSim } from '../src/sim/netsim.js';
import { profile } from '../src/sim/network/index.js';
import { renderHeatmapHtml, renderHtmlReport } from '../src/sim/report/html.js';
import { parseTrace } from '../src/sim/trace.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const root = fileURLToPath(new URL('../', import.meta.url));
const artifacts = join(root, 'build/test-artifacts');

let ctx: BrowserContext;
let profileDir: string;
let work: string;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} missing: apt-get install -y chromium (listed in .ci/debian-packages)`).toBe(true);
  profileDir = mkdtempSync(join(tmpdir(), 'voipkit-chromium-'));
  work = mkdtempSync(join(tmpdir(), 'voipkit-html-'));
  mkdirSync(artifacts, { recursive: true });
  ctx = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1000, height: 1000 } });
}, 60_000);

afterAll(async () => {
  await ctx?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Open a file, recording any request that is not the file itself. */
async function open(file: string) {
  const page = await ctx.newPage();
  const outside: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== pathToFileURL(file).href) outside.push(r.url());
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, outside };
}

/**
 * The report's drawn plots: bounding boxes of the delay, target, one-way
 * delay and buffer series (each must be wide, tall and, for the playout
 * path, long), and the counts of arrival dots, loss and concealment marks.
 */
async function plotGeometry(page: Awaited<ReturnType<typeof open>>['page']) {
  const geo = await page.evaluate(() => {
    const bb = (sel: string) => {
      const el = document.querySelector(sel) as SVGGraphicsElement | null;
      if (!el) return null;
      const b = el.getBBox();
      return { w: b.width, h: b.height, d: el.getAttribute('d')?.length ?? 0 };
    };
    return {
      playout: bb('#plot-delay path.series-playout'),
      target: bb('#plot-delay path.series-target'),
      owd: bb('#plot-delay g.series-owd'),
      buffer: bb('#plot-buffer path.series-buffer'),
      dots: document.querySelectorAll('#plot-delay g.series-owd circle').length,
      loss: document.querySelectorAll('#plot-events rect.ev-loss').length,
      conceal: document.querySelectorAll('#plot-events rect.ev-conceal').length,
      title: document.title,
    };
  });
  for (const k of ['playout', 'target', 'owd', 'buffer'] as const) {
    expect(geo[k], k).not.toBeNull();
    expect(geo[k]!.w, k).toBeGreaterThan(500);
    expect(geo[k]!.h, k).toBeGreaterThan(5);
  }
  expect(geo.playout!.d).toBeGreaterThan(1000);
  return geo;
}

describe.each(BACKENDS)('HTML report of a simulated call (%s)', (backend) => {
  it('renders the delay, buffer and event plots with data, from the file alone', async () => {
    const kit = await kitFor(backend);
    const r = runNetSim(kit, { network: profile('mobile'), seed: 3, durationMs: 30_000 });
    const html = renderHtmlReport({
      title: 'voipkit sim: mobile',
      summary: [['R', r.quality.emodel.R.toFixed(1)]],
      packets: r.packets,
      frames: r.frames,
    });
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    const file = join(work, `report-${backend}.html`);
    writeFileSync(file, html);
    const { page, outside } = await open(file);
    const box = async (sel: string) => page.locator(sel).first().boundingBox();
    for (const id of ['#plot-delay', '#plot-buffer', '#plot-events']) {
      const b = await box(id);
      expect(b, id).not.toBeNull();
      expect(b!.width).toBeGreaterThan(500);
      expect(b!.height).toBeGreaterThan(100);
    }
    // the drawn geometry of every series is non-empty
    const geo = await plotGeometry(page);
    expect(geo.dots).toBe(r.packets.filter((p) => p.arrivalMs !== null).length);
    expect(geo.loss).toBe(r.packets.filter((p) => p.arrivalMs === null).length);
    expect(geo.loss).toBeGreaterThan(0);
    expect(geo.conceal).toBe(r.frames.filter((f) => f.concealed).length);
    const png = await page.screenshot({ fullPage: true, path: join(artifacts, `sim-report-${backend}.png`) });
    expect(png.length).toBeGreaterThan(20_000);
    expect(outside).toEqual([]);
    await page.close();
  }, 60_000);
});

describe.each(BACKENDS)('HTML report of a trace replay, voipkit sim --trace --html (%s)', (backend) => {
  it('plots the recorded delays, the playout and target delay, the buffer and the events', async () => {
    const trace = join(root, 'test/vectors/jitter-traces/c_mobile.csv');
    const file = join(work, `trace-${backend}.html`);
    const log = join(work, `trace-${backend}.csv`);
    // the CLI as installed (dist/, built by npm run build)
    const r = spawnSync(process.execPath, [join(root, 'bin/voipkit.js'), 'sim', '--trace', trace, '--html', file, '--playout-log', log], { encoding: 'utf8', env: { ...process.env, VOIPKIT_BACKEND: backend }, timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = parseTrace(readFileSync(trace, 'utf8'));
    const played = readFileSync(log, 'utf8').trim().split('\n').slice(1).filter((l) => !l.endsWith(',')).length;
    const { page, outside } = await open(file);
    const geo = await plotGeometry(page);
    // one dot per packet that arrived, one loss mark per packet lost, as in the trace
    const seqSend = new Map<string, boolean>();
    for (const row of rows) seqSend.set(`${row.seq}/${row.sendMs}`, (seqSend.get(`${row.seq}/${row.sendMs}`) ?? false) || row.arrivalMs !== null);
    expect(geo.dots).toBe([...seqSend.values()].filter(Boolean).length);
    expect(geo.loss).toBe([...seqSend.values()].filter((v) => !v).length);
    expect(geo.loss).toBeGreaterThan(0);
    expect(geo.conceal).toBeGreaterThan(0);
    expect(played).toBeGreaterThan(rows.length * 0.9);
    expect(geo.title).toMatch(/voipkit sim: trace c_mobile/);
    const png = await page.screenshot({ fullPage: true, path: join(artifacts, `sim-trace-report-${backend}.png`) });
    expect(png.length).toBeGreaterThan(20_000);
    expect(outside).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('HTML heat map of a sweep', () => {
  it('renders one coloured cell per grid point', async () => {
    const xs = [0, 10, 20, 40];
    const ys = [0, 1, 2, 5, 10];
    const mos = ys.map((y) => xs.map((x) => 4.4 - y * 0.2 - x * 0.01));
    const file = join(work, 'heatmap.html');
    writeFileSync(file, renderHeatmapHtml({ title: 'sweep', xName: 'jitter (ms)', xValues: xs, yName: 'loss (%)', yValues: ys, mos }));
    const { page, outside } = await open(file);
    const cells = await page.evaluate(() =>
      [...document.querySelectorAll('#heatmap rect.cell')].map((c) => {
        const b = (c as SVGGraphicsElement).getBBox();
        return { w: b.width, h: b.height, fill: c.getAttribute('fill') };
      }),
    );
    expect(cells.length).toBe(xs.length * ys.length);
    for (const c of cells) {
      expect(c.w).toBeGreaterThan(10);
      expect(c.h).toBeGreaterThan(10);
      expect(c.fill).toMatch(/^hsl\(/);
    }
    const png = await page.screenshot({ fullPage: true, path: join(artifacts, 'sim-heatmap.png') });
    expect(png.length).toBeGreaterThan(5_000);
    expect(outside).toEqual([]);
    await page.close();
  }, 60_000);
});
