/**
 * Standalone runner for bench/srtp.bench.ts (until the shared bench runner
 * lands): node --import tsx bench/srtp.run.ts [timeMsPerTask]
 * Writes bench/results/srtp.json and bench/results/srtp.md.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { srtpBench } from './srtp.bench.js';

const time = Number(process.argv[2] ?? 400);
const rows = await srtpBench({ time });
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30),
  platform: `${platform()} ${arch()}`, node: process.version, openssl: process.versions.openssl,
};
const date = new Date().toISOString();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/srtp.json', import.meta.url), JSON.stringify({ date, machine, timePerTaskMs: time, rows }, null, 2) + '\n');

const fmt = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : `${(v / 1e3).toFixed(0)}k`);
let md = `# SRTP benchmark\n\n${date}, ${machine.cpu} (${machine.cores} cores shared with other jobs), ${machine.platform}, Node ${machine.node} (OpenSSL ${machine.openssl}).\n`;
md += `Packets per second, one thread; ratio = voipkit-native / libsrtp2 in the same run and shape. Command: \`node --import tsx bench/srtp.run.ts ${time}\`.\n`;
for (const suite of [...new Set(rows.map((r) => r.suite))]) {
  for (const size of [...new Set(rows.map((r) => r.size))]) {
    md += `\n## ${suite}, ${size}-byte RTP packets\n\n| implementation | protect/s | unprotect/s |\n| --- | ---: | ---: |\n`;
    const sel = rows.filter((r) => r.suite === suite && r.size === size);
    for (const impl of [...new Set(sel.map((r) => r.impl))]) {
      const p = sel.find((r) => r.impl === impl && r.op === 'protect');
      const u = sel.find((r) => r.impl === impl && r.op === 'unprotect');
      md += `| ${impl} | ${p ? fmt(p.pps) : '-'} | ${u ? fmt(u.pps) : '-'} |\n`;
    }
    const ratio = (a: string, b: string, op: string) => {
      const x = sel.find((r) => r.impl === a && r.op === op), y = sel.find((r) => r.impl === b && r.op === op);
      return x && y ? (x.pps / y.pps).toFixed(2) : '-';
    };
    md += `\nvoipkit-native / libsrtp2: protect ${ratio('voipkit-native', 'libsrtp2', 'protect')}x, unprotect ${ratio('voipkit-native', 'libsrtp2', 'unprotect')}x; `;
    md += `batch32 vs batch32: protect ${ratio('voipkit-native batch32', 'libsrtp2 batch32', 'protect')}x, unprotect ${ratio('voipkit-native batch32', 'libsrtp2 batch32', 'unprotect')}x; `;
    md += `voipkit-wasm / werift-rtp: protect ${ratio('voipkit-wasm', 'werift-rtp', 'protect')}x, unprotect ${ratio('voipkit-wasm', 'werift-rtp', 'unprotect')}x.\n`;
  }
}
writeFileSync(new URL('./results/srtp.md', import.meta.url), md);
console.log(md);
