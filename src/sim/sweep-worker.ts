/**
 * A sweep worker thread: loads voipkit once, then runs the cells the main
 * thread sends ({ job: [xi, yi] }) until { done: true }.  Messages back:
 * { ready } once loaded, { cell } per cell, { error } on failure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { load } from '../index.js';
import { VoipKitError } from '../errors.js';
import { runCell, type SweepSpec } from './sweep.js';
import { speechLike } from './speech.js';

const port = parentPort;
if (port) {
  const spec = (workerData as { spec: SweepSpec }).spec;
  const audio = speechLike(8000 * Math.min(60, Math.ceil(spec.durationMs / 1000)), 1);
  load()
    .then((kit) => {
      port.on('message', (m: { job?: [number, number]; done?: true }) => {
        if (m.done) {
          port.close();
          return;
        }
        try {
          const [xi, yi] = m.job!;
          port.postMessage({ cell: runCell(kit, spec, xi, yi, audio) });
        } catch (e) {
          port.postMessage({ error: { code: e instanceof VoipKitError ? e.code : 'internal', message: (e as Error)?.message ?? String(e) } });
        }
      });
      port.postMessage({ ready: true });
    })
    .catch((e: unknown) => {
      port.postMessage({ error: { code: e instanceof VoipKitError ? e.code : 'load_failed', message: (e as Error)?.message ?? String(e) } });
    });
}
