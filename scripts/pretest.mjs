// Runs before `npm test`: compile the TypeScript (the CLI tests run dist/)
// and build the native addon so both backends are tested.  With
// VOIPKIT_BACKEND=wasm the native build is skipped; otherwise a failed
// native build fails the test run instead of silently testing WASM only.
import { spawnSync } from 'node:child_process';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false });
  if (r.status !== 0) {
    console.error(`pretest: ${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

run('npx', ['tsc', '-p', 'tsconfig.build.json']);
if (process.env.VOIPKIT_BACKEND !== 'wasm') {
  run('npx', ['cmake-js', 'compile', '-d', 'native', '-O', 'build/native', '--CDCMAKE_BUILD_TYPE=Release']);
}
