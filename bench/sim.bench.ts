/**
 * The simulator: cost of the network model per packet (by profile), and of a
 * whole simulated call (AudioSender → network → AudioReceiver with the jitter
 * buffer) per second of call, with G.711 and with Opus + FEC, on the native
 * and WASM builds.  No peer exists
 * in npm for a netem-class model, so the ratios quoted are against our own
 * rows measured in the same run: the network model's share of a call, and
 * WASM against native.
 */
import { load } from '../src/index.js';
import { simulateNetwork, profile } from '../src/sim/network/index.js';
import { runNetSim } from '../src/sim/netsim.js';
import { speechLike } from '../src/sim/speech.js';
import { add, bench, runRows, table, writeResults } from './lib.js';

export async function run(): Promise<void> {
  const native = await load({ backend: 'native' });
  const wasm = await load({ backend: 'wasm' });
  const b = bench();
  const perOp: Record<string, number> = {};
  const N = 1000;
  const pk = Array.from({ length: N }, (_, i) => ({ sendMs: i * 20, bytes: 200 }));
  const gNet = `network model, ${N} packets`;
  perOp[gNet] = N;
  for (const name of ['lan', 'wifi', 'mobile', 'congested']) add(b, `${gNet} :: ${name}`, () => { simulateNetwork(profile(name), 1, pk); });
  const gCall = 'simulated call, 10 s (wifi), per packet';
  perOp[gCall] = 500;
  const audio = speechLike(8000 * 10, 1);
  for (const [label, kit] of [['voipkit native', native], ['voipkit wasm', wasm]] as const) {
    add(b, `${gCall} :: ${label}`, () => { runNetSim(kit, { network: profile('wifi'), seed: 1, durationMs: 10_000, audio }); });
    add(b, `${gCall} :: ${label}, opus 20 kbit/s + FEC`, () => { runNetSim(kit, { network: profile('wifi'), seed: 1, durationMs: 10_000, audio, codec: 'opus', fec: true }); });
  }
  const rows = await runRows(b, perOp, 'packets');
  const hz = (g: string, n: string) => rows.find((r) => r.group === g && r.name === n)?.hz ?? NaN;
  const netPerPkt = 1 / (hz(gNet, 'wifi') * N);
  const callPerPkt = 1 / (hz(gCall, 'voipkit native') * 500);
  const notes = [
    `network model (wifi) per packet / whole simulated call per packet, native: ${(netPerPkt / callPerPkt * 100).toFixed(1)} % of the call's cost`,
    `simulated call, wasm / native time: ${(hz(gCall, 'voipkit native') / hz(gCall, 'voipkit wasm')).toFixed(2)}×`,
    `simulated call speed, native: ${(hz(gCall, 'voipkit native') * 10).toFixed(0)} s of call per second`,
    `opus + FEC call / G.711 call time: native ${(hz(gCall, 'voipkit native') / hz(gCall, 'voipkit native, opus 20 kbit/s + FEC')).toFixed(2)}×, wasm ${(hz(gCall, 'voipkit wasm') / hz(gCall, 'voipkit wasm, opus 20 kbit/s + FEC')).toFixed(2)}×`,
  ];
  writeResults('sim', 'Simulator: network model and simulated calls', rows, table(rows), notes);
}
