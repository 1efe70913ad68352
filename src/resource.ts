/**
 * Base of every public object that holds core memory: close() is explicit
 * and idempotent, `using` works through Symbol.dispose, and a
 * FinalizationRegistry frees forgotten objects as a safety net (never as the
 * plan: core memory is invisible to the JS garbage collector's heuristics).
 */
import { VoipKitError } from './errors.js';
import type { Handle } from './backend/types.js';

type Destroy = (h: Handle) => void;

const registry = new FinalizationRegistry<{ destroy: Destroy; handle: Handle }>((held) => {
  held.destroy(held.handle);
});

(Symbol as { dispose?: symbol }).dispose ??= Symbol.for('Symbol.dispose');

export abstract class CoreResource {
  #handle: Handle | null;
  readonly #destroy: Destroy;
  readonly #what: string;

  protected constructor(handle: Handle, destroy: Destroy, what: string) {
    this.#handle = handle;
    this.#destroy = destroy;
    this.#what = what;
    registry.register(this, { destroy, handle }, this);
  }

  /** The live handle; throws a `closed` error after close(). */
  protected get handle(): Handle {
    const h = this.#handle;
    if (h === null) throw new VoipKitError('closed', `${this.#what} is closed`);
    return h;
  }

  /** True once close() has been called. */
  get closed(): boolean {
    return this.#handle === null;
  }

  /** Free the core object.  Safe to call more than once. */
  close(): void {
    const h = this.#handle;
    if (h === null) return;
    this.#handle = null;
    registry.unregister(this);
    this.#destroy(h);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
