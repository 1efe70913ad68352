import type { CoreBackend } from '../types.js';
import type { WasmCore } from './core.js';

export function wasmCoreBackend(core: WasmCore): CoreBackend {
  const strerror = core.fn('vk_strerror');
  const version = core.fn('vk_version');
  return {
    strerror(status) {
      const p = strerror(status);
      const u8 = core.u8;
      let end = p;
      while (u8[end] !== 0) end++;
      return new TextDecoder().decode(u8.subarray(p, end));
    },
    version: () => version() >>> 0,
  };
}
