// worker_threads entry for the soak harness: register tsx in this thread,
// then run soak.ts, which sees !isMainThread and runs its job.
import { register } from 'tsx/esm/api';
register();
await import('./soak.ts');
