/**
 * Self-contained HTML reports: one page, inline CSS and SVG, no scripts, no
 * external assets, so the file can be mailed or attached to a ticket and
 * opened anywhere.
 *
 * Element ids and classes are a contract (test/sim-html.test.ts opens the page
 * in headless Chromium and checks them): `svg#plot-delay` with
 * `.series-owd` (one-way delay points), `path.series-playout`,
 * `path.series-target`; `svg#plot-buffer` with `path.series-buffer`;
 * `svg#plot-events` with `.ev-loss`, `.ev-conceal`, `.ev-late`; the heat map
 * page has `svg#heatmap` with `rect.cell`.
 */

/** One packet of the stream, times in ms on the simulation clock. */
export interface ReportPacket {
  seq: number;
  sendMs: number;
  /** First arrival; null when the network lost it. */
  arrivalMs: number | null;
  /** Time its first sample was played; null when never played. */
  playMs: number | null;
}

/** One playout frame (poll of the receiver). */
export interface ReportFrame {
  tMs: number;
  targetDelayMs: number;
  currentDelayMs: number;
  bufferedMs: number;
  /** The frame was concealment (expand / cng). */
  concealed: boolean;
}

/** Everything the page shows. */
export interface HtmlReportData {
  title: string;
  /** Key/value rows for the summary table, in order. */
  summary: [string, string][];
  packets: readonly ReportPacket[];
  frames: readonly ReportFrame[];
  /** Free text under the title (command line, seed). */
  subtitle?: string;
}

const W = 960;
const PAD = { l: 56, r: 16, t: 16, b: 34 };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const f1 = (x: number): string => (Math.round(x * 10) / 10).toString();

/** "Nice" tick step for a range. */
function niceStep(range: number, target: number): number {
  const raw = range / Math.max(1, target);
  const p = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

interface Scale {
  x: (v: number) => number;
  y: (v: number) => number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  h: number;
}

function scale(x0: number, x1: number, y0: number, y1: number, h: number): Scale {
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  const iw = W - PAD.l - PAD.r;
  const ih = h - PAD.t - PAD.b;
  return {
    x: (v) => PAD.l + ((v - x0) / (x1 - x0)) * iw,
    y: (v) => PAD.t + ih - ((v - y0) / (y1 - y0)) * ih,
    x0,
    x1,
    y0,
    y1,
    h,
  };
}

function axes(s: Scale, yLabel: string): string {
  const out: string[] = [];
  const xs = niceStep((s.x1 - s.x0) / 1000, 10) * 1000;
  for (let v = Math.ceil(s.x0 / xs) * xs; v <= s.x1; v += xs) {
    out.push(`<line class="grid" x1="${f1(s.x(v))}" x2="${f1(s.x(v))}" y1="${PAD.t}" y2="${s.h - PAD.b}"/>`);
    out.push(`<text class="tick" x="${f1(s.x(v))}" y="${s.h - PAD.b + 14}" text-anchor="middle">${f1(v / 1000)}</text>`);
  }
  const ys = niceStep(s.y1 - s.y0, 6);
  for (let v = Math.ceil(s.y0 / ys) * ys; v <= s.y1; v += ys) {
    out.push(`<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(s.y(v))}" y2="${f1(s.y(v))}"/>`);
    out.push(`<text class="tick" x="${PAD.l - 6}" y="${f1(s.y(v) + 4)}" text-anchor="end">${f1(v)}</text>`);
  }
  out.push(`<text class="axis" x="${W / 2}" y="${s.h - 4}" text-anchor="middle">time (s)</text>`);
  out.push(`<text class="axis" transform="translate(14 ${(s.h - PAD.b + PAD.t) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`);
  return out.join('');
}

/** Keep at most `max` points of a series (evenly strided, first and last kept). */
function decimate<T>(a: readonly T[], max: number): T[] {
  if (a.length <= max) return a.slice();
  const out: T[] = [];
  const step = (a.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(a[Math.round(i * step)]);
  return out;
}

function pathOf(points: [number, number][], s: Scale): string {
  let d = '';
  for (let i = 0; i < points.length; i++) d += `${i ? 'L' : 'M'}${f1(s.x(points[i][0]))} ${f1(s.y(points[i][1]))}`;
  return d;
}

function maxOf(a: readonly number[]): number {
  let m = -Infinity;
  for (const v of a) if (v > m) m = v;
  return m;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

/** Render the single-run report page. */
export function renderHtmlReport(data: HtmlReportData): string {
  const pk = data.packets;
  const fr = data.frames;
  const tMin = Math.min(pk.length ? pk[0].sendMs : 0, fr.length ? fr[0].tMs : 0);
  const tMax = Math.max(pk.length ? pk[pk.length - 1].sendMs : 1, fr.length ? fr[fr.length - 1].tMs : 1);

  const owd: [number, number][] = [];
  const playout: [number, number][] = [];
  for (const p of pk) {
    if (p.arrivalMs !== null) owd.push([p.sendMs, p.arrivalMs - p.sendMs]);
    if (p.playMs !== null) playout.push([p.sendMs, p.playMs - p.sendMs]);
  }
  // target delay is measured from the fastest packet: show it above the 5th percentile one-way delay
  const owdSorted = owd.map((x) => x[1]).sort((a, b) => a - b);
  const base = percentile(owdSorted, 0.05);
  const target: [number, number][] = fr.map((f) => [f.tMs, base + f.targetDelayMs]);
  const buffer: [number, number][] = fr.map((f) => [f.tMs, f.bufferedMs]);
  const yMaxDelay = Math.max(10, maxOf(owdSorted), maxOf(playout.map((x) => x[1])), maxOf(target.map((x) => x[1]))) * 1.05;

  const hD = 320;
  const sD = scale(tMin, tMax, 0, yMaxDelay, hD);
  const dots = decimate(owd, 6000)
    .map(([t, d]) => `<circle cx="${f1(sD.x(t))}" cy="${f1(sD.y(d))}" r="1.6"/>`)
    .join('');
  const delaySvg =
    `<svg id="plot-delay" class="plot" viewBox="0 0 ${W} ${hD}" width="${W}" height="${hD}" role="img" aria-label="one-way delay, playout delay and target delay over time">` +
    axes(sD, 'delay (ms)') +
    `<g class="series-owd">${dots}</g>` +
    `<path class="series-playout" d="${pathOf(decimate(playout, 6000), sD)}"/>` +
    `<path class="series-target" d="${pathOf(decimate(target, 6000), sD)}"/>` +
    `</svg>`;

  const hB = 200;
  const sB = scale(tMin, tMax, 0, Math.max(20, maxOf(buffer.map((b) => b[1]))) * 1.1, hB);
  const bufferSvg =
    `<svg id="plot-buffer" class="plot" viewBox="0 0 ${W} ${hB}" width="${W}" height="${hB}" role="img" aria-label="jitter buffer level over time">` +
    axes(sB, 'buffered (ms)') +
    `<path class="series-buffer" d="${pathOf(decimate(buffer, 6000), sB)}"/>` +
    `</svg>`;

  const hE = 130;
  const sE = scale(tMin, tMax, 0, 3, hE);
  const lanes = { loss: 2.5, late: 1.5, conceal: 0.5 };
  const ev: string[] = [];
  for (const p of pk) {
    if (p.arrivalMs === null) ev.push(`<rect class="ev-loss" x="${f1(sD.x(p.sendMs) - 0.75)}" y="${f1(sE.y(lanes.loss) - 10)}" width="1.5" height="20"/>`);
    else if (p.playMs === null) ev.push(`<rect class="ev-late" x="${f1(sD.x(p.arrivalMs) - 0.75)}" y="${f1(sE.y(lanes.late) - 10)}" width="1.5" height="20"/>`);
  }
  for (const f of fr) if (f.concealed) ev.push(`<rect class="ev-conceal" x="${f1(sD.x(f.tMs) - 0.75)}" y="${f1(sE.y(lanes.conceal) - 10)}" width="1.5" height="20"/>`);
  const laneLabels = Object.entries(lanes)
    .map(([k, v]) => `<text class="tick" x="${PAD.l - 6}" y="${f1(sE.y(v) + 4)}" text-anchor="end">${k === 'loss' ? 'lost' : k === 'late' ? 'late' : 'concealed'}</text>`)
    .join('');
  const eventsSvg =
    `<svg id="plot-events" class="plot" viewBox="0 0 ${W} ${hE}" width="${W}" height="${hE}" role="img" aria-label="loss, late and concealment events">` +
    `<rect class="frame" x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${hE - PAD.t - PAD.b}"/>` +
    laneLabels +
    ev.join('') +
    `<text class="axis" x="${W / 2}" y="${hE - 4}" text-anchor="middle">time (s): lost in the network (at send time), arrived too late to play (at arrival), frames concealed (at play time)</text>` +
    `</svg>`;

  const rows = data.summary.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return page(
    data.title,
    `<h1>${escapeHtml(data.title)}</h1>` +
      (data.subtitle ? `<p class="sub">${escapeHtml(data.subtitle)}</p>` : '') +
      `<table class="summary">${rows}</table>` +
      `<h2>Delay</h2><p class="legend"><span class="k owd"></span>one-way network delay per packet <span class="k playout"></span>playout delay (send → played) <span class="k target"></span>target delay of the jitter buffer (above the fastest packets)</p>` +
      delaySvg +
      `<h2>Jitter buffer level</h2>` +
      bufferSvg +
      `<h2>Loss and concealment</h2>` +
      eventsSvg,
  );
}

/** A sweep result: MOS per grid cell. */
export interface HeatmapData {
  title: string;
  subtitle?: string;
  xName: string;
  xValues: readonly number[];
  yName: string;
  yValues: readonly number[];
  /** mos[yi][xi]. */
  mos: readonly (readonly number[])[];
  /** Optional second figure per cell (e.g. R). */
  r?: readonly (readonly number[])[];
}

/** Colour for a MOS: red (1) → yellow (3) → green (4.5). */
export function mosColour(mos: number): string {
  const m = Math.max(1, Math.min(4.5, mos));
  const hue = Math.round(m < 3 ? (55 * (m - 1)) / 2 : 55 + (65 * (m - 3)) / 1.5);
  return `hsl(${hue} 70% 50%)`;
}

/** Render the sweep heat map page. */
export function renderHeatmapHtml(d: HeatmapData): string {
  const cw = Math.max(48, Math.min(96, Math.floor(760 / Math.max(1, d.xValues.length))));
  const ch = 34;
  const left = 110;
  const top = 20;
  const w = left + cw * d.xValues.length + 20;
  const h = top + ch * d.yValues.length + 60;
  const cells: string[] = [];
  d.yValues.forEach((yv, yi) => {
    d.xValues.forEach((xv, xi) => {
      const m = d.mos[yi][xi];
      const x = left + xi * cw;
      const y = top + (d.yValues.length - 1 - yi) * ch;
      const title = `${d.xName} ${xv}, ${d.yName} ${yv}: MOS ${m.toFixed(2)}${d.r ? `, R ${d.r[yi][xi].toFixed(1)}` : ''}`;
      cells.push(
        `<rect class="cell" x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${mosColour(m)}" data-mos="${m.toFixed(3)}"><title>${escapeHtml(title)}</title></rect>` +
          `<text class="cellv" x="${x + (cw - 2) / 2}" y="${y + ch / 2 + 4}" text-anchor="middle">${m.toFixed(2)}</text>`,
      );
    });
  });
  const xl = d.xValues.map((v, i) => `<text class="tick" x="${left + i * cw + cw / 2}" y="${top + ch * d.yValues.length + 16}" text-anchor="middle">${v}</text>`).join('');
  const yl = d.yValues.map((v, i) => `<text class="tick" x="${left - 8}" y="${top + (d.yValues.length - 1 - i) * ch + ch / 2 + 4}" text-anchor="end">${v}</text>`).join('');
  const svg =
    `<svg id="heatmap" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="MOS heat map">` +
    cells.join('') +
    xl +
    yl +
    `<text class="axis" x="${left + (cw * d.xValues.length) / 2}" y="${h - 14}" text-anchor="middle">${escapeHtml(d.xName)}</text>` +
    `<text class="axis" transform="translate(16 ${top + (ch * d.yValues.length) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(d.yName)}</text>` +
    `</svg>`;
  return page(d.title, `<h1>${escapeHtml(d.title)}</h1>` + (d.subtitle ? `<p class="sub">${escapeHtml(d.subtitle)}</p>` : '') + svg + `<p class="legend">Colour: MOS (ITU-T G.107 Annex B) from red (1) through yellow (3) to green (4.5). Hover a cell for its R.</p>`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}
.sub{color:#5a6372;margin:0 0 12px;font-family:ui-monospace,monospace;font-size:12px}
table.summary{border-collapse:collapse;margin:8px 0}table.summary th{text-align:left;font-weight:600;padding:2px 14px 2px 0;color:#3b4352}
table.summary td{padding:2px 0;font-variant-numeric:tabular-nums}
svg{display:block;background:#fbfbfd;border:1px solid #e3e6ec;max-width:100%;height:auto}
.grid{stroke:#e6e9ef;stroke-width:1}.tick{font-size:11px;fill:#5a6372}.axis{font-size:12px;fill:#3b4352}
.series-owd circle{fill:#7a8ca8;fill-opacity:.55}
.series-playout{fill:none;stroke:#1f6feb;stroke-width:1.6}.series-target{fill:none;stroke:#d97706;stroke-width:1.6;stroke-dasharray:5 3}
.series-buffer{fill:none;stroke:#0f9d58;stroke-width:1.4}
.frame{fill:none;stroke:#e3e6ec}.ev-loss{fill:#d93025}.ev-late{fill:#9333ea}.ev-conceal{fill:#f59e0b}
.cell{stroke:#fff}.cellv{font-size:12px;fill:#111;font-variant-numeric:tabular-nums}
.legend{color:#3b4352;font-size:12px}.k{display:inline-block;width:18px;height:3px;vertical-align:middle;margin:0 4px 0 10px}
.k.owd{background:#7a8ca8}.k.playout{background:#1f6feb}.k.target{background:#d97706}
</style></head><body>
${body}
</body></html>
`;
}
