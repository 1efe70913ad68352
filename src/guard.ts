/**
 * Argument guards for hostile input, shared by the public classes.
 *
 * `x instanceof Int16Array` and `x.length` are not enough at an API boundary:
 * `Object.create(Int16Array.prototype)` and Proxies pass `instanceof` and then
 * make `.length` throw a TypeError; a subclass (or an own property) can make
 * `.length` lie, so that the output is sized for data that is not there (the
 * WASM backend then copies heap contents of earlier calls out). These guards
 * read the intrinsic %TypedArray%.prototype getters, which no user code can
 * override, and hand the backends a plain view when the argument is anything
 * but a plain typed array.
 */
import { VoipKitError, type ErrorCode } from './errors.js';

/** The error class a module throws (VoipKitError or one of its subclasses: PacketError, SrtpError, ...). */
export type ErrorClass = new (code: ErrorCode, message: string) => VoipKitError;

function fail(E: ErrorClass, message: string): never {
  throw new E('invalid_argument', message);
}

type TypedArrayCtor = Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

const TypedArrayProto = Object.getPrototypeOf(Int16Array.prototype) as object;
function intrinsic<T>(key: PropertyKey): (this: unknown) => T {
  const d = Object.getOwnPropertyDescriptor(TypedArrayProto, key);
  if (!d?.get) throw new Error(`no intrinsic TypedArray getter ${String(key)}`);
  return d.get as (this: unknown) => T;
}
const tagGet = intrinsic<string | undefined>(Symbol.toStringTag);
const lengthGet = intrinsic<number>('length');
const offsetGet = intrinsic<number>('byteOffset');
const bufferGet = intrinsic<ArrayBufferLike>('buffer');

/** The element type name of a genuine typed array ('Int16Array', ...), else undefined. Never throws. */
export function typedArrayTag(x: unknown): string | undefined {
  return tagGet.call(x);
}

/**
 * Check that x is a genuine typed array of type C (subclasses allowed; the
 * Uint8Array check accepts Node's Buffer) and return a value whose `length`
 * and contents are the real ones: x itself when it is a plain instance, a new
 * plain view of the same memory otherwise (a subclass may override `length`).
 * The common case costs an `instanceof`, an `ArrayBuffer.isView`, a
 * prototype comparison and one intrinsic `length` read (which catches an own
 * `length` property defined on a plain instance).
 * @throws VoipKitError `invalid_argument` naming `what` and the expected type.
 */
export function typedArrayArg<C extends TypedArrayCtor>(x: unknown, C: C, what: string, E: ErrorClass = VoipKitError): InstanceType<C> {
  // Proxies and Object.create(C.prototype) pass instanceof but not isView.
  if (x instanceof C && ArrayBuffer.isView(x)) {
    const proto = Object.getPrototypeOf(x);
    if ((proto === C.prototype || (C === Uint8Array && isBufferProto(proto))) && x.length === lengthGet.call(x)) {
      return x as InstanceType<C>;
    }
  } else if (tagGet.call(x) !== C.name) {
    // (the tag check admits typed arrays of another realm, e.g. a vm context)
    fail(E, `${what} must be ${/^[AEIOU]/.test(C.name) ? 'an' : 'a'} ${C.name}, got ${describe(x)}`);
  }
  return new (C as unknown as new (b: ArrayBufferLike, o: number, n: number) => InstanceType<C>)(
    bufferGet.call(x),
    offsetGet.call(x),
    lengthGet.call(x),
  );
}

/**
 * For bytes from the network, which are dropped rather than refused: x as a
 * plain Uint8Array (as typedArrayArg gives it) when it is a genuine one,
 * else null.  Never throws (fakes and Proxies give null).
 */
export function bytesOrNull(x: unknown): Uint8Array | null {
  return tagGet.call(x) === 'Uint8Array' ? typedArrayArg(x, Uint8Array, 'bytes') : null;
}

/**
 * typedArrayArg for an argument that may be an Int16Array or a Float32Array
 * (16-bit PCM or float PCM in [-1, 1]).
 * @throws VoipKitError `invalid_argument` for anything else.
 */
export function pcmArg(x: unknown, what: string, E: ErrorClass = VoipKitError): Int16Array | Float32Array {
  const tag = tagGet.call(x);
  if (tag === 'Int16Array') return typedArrayArg(x, Int16Array, what, E);
  if (tag === 'Float32Array') return typedArrayArg(x, Float32Array, what, E);
  return fail(E, `${what} must be an Int16Array or a Float32Array, got ${describe(x)}`);
}

/**
 * An options bag: `undefined` gives `{}`, any other non-object (null, a
 * number, a string, an array) is refused.  The properties are the caller's
 * to check.
 * @throws VoipKitError `invalid_argument`.
 */
export function optionsArg<T extends object>(x: T | undefined, what: string, E: ErrorClass = VoipKitError): T {
  if (x === undefined) return {} as T;
  return objectArg<T>(x, what, E);
}

/**
 * A required object argument (a plain record: not null, not a function,
 * not an array).
 * @throws VoipKitError `invalid_argument`.
 */
export function objectArg<T extends object>(x: unknown, what: string, E: ErrorClass = VoipKitError): T {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) fail(E, `${what} must be an object, got ${describe(x)}`);
  return x as T;
}

/** A boolean (not a truthy value). @throws VoipKitError `invalid_argument`. */
export function boolArg(x: unknown, what: string, E: ErrorClass = VoipKitError): boolean {
  if (x !== true && x !== false) fail(E, `${what} must be true or false, got ${describe(x)}`);
  return x;
}

/**
 * An integer number (not a numeric string, BigInt, NaN or ±Infinity) in
 * lo..hi inclusive.
 * @throws VoipKitError `invalid_argument` naming the range.
 */
export function intArg(x: unknown, lo: number, hi: number, what: string, E: ErrorClass = VoipKitError): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) fail(E, `${what} must be an integer in ${lo}..${hi}, got ${describe(x)}`);
  return x;
}

/**
 * A finite number in [lo, hi] (not a numeric string, BigInt or NaN).
 * @throws VoipKitError `invalid_argument` naming the range.
 */
export function numberArg(x: unknown, lo: number, hi: number, what: string, E: ErrorClass = VoipKitError): number {
  if (typeof x !== 'number' || !(x >= lo && x <= hi)) fail(E, `${what} must be a number in [${lo}, ${hi}], got ${describe(x)}`);
  return x;
}

/**
 * A finite number, e.g. a time on the caller's clock in ms (not NaN,
 * ±Infinity, a numeric string, BigInt or null).
 * @throws VoipKitError `invalid_argument`.
 */
export function finiteArg(x: unknown, what: string, E: ErrorClass = VoipKitError): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) fail(E, `${what} must be a finite number, got ${describe(x)}`);
  return x;
}

/** An instance of C (e.g. an SrtpSession option). @throws VoipKitError `invalid_argument`. */
export function instanceArg<T>(x: unknown, C: abstract new (...a: never[]) => T, what: string, E: ErrorClass = VoipKitError): T {
  if (!(x instanceof C)) fail(E, `${what} must be a ${C.name}, got ${describe(x)}`);
  return x as T;
}

/**
 * A kit from load() (checked by shape: an object with createSequenceTracker,
 * which every kit has), for the classes the caller constructs over one.
 * @throws VoipKitError `invalid_argument`.
 */
export function kitArg(x: unknown, what: string): void {
  if (x === null || typeof x !== 'object' || typeof (x as { createSequenceTracker?: unknown }).createSequenceTracker !== 'function') {
    fail(VoipKitError, `${what} must be a kit from load(), got ${describe(x)}`);
  }
}

/** A string. @throws VoipKitError `invalid_argument`. */
export function stringArg(x: unknown, what: string, E: ErrorClass = VoipKitError): string {
  if (typeof x !== 'string') fail(E, `${what} must be a string, got ${describe(x)}`);
  return x;
}

/**
 * True when two typed arrays share any byte of memory.  Call it on the
 * results of typedArrayArg (plain instances).
 */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.buffer !== b.buffer) return false;
  const a0 = a.byteOffset;
  const b0 = b.byteOffset;
  const a1 = a0 + a.byteLength;
  const b1 = b0 + b.byteLength;
  return a0 < b1 && b0 < a1 && a1 > a0 && b1 > b0; // empty views overlap nothing
}

let bufferProto: object | null | undefined;
function isBufferProto(p: unknown): boolean {
  if (bufferProto === undefined) {
    const B = (globalThis as { Buffer?: { prototype: object } }).Buffer;
    bufferProto = B ? B.prototype : null;
  }
  return p !== null && p === bufferProto;
}

/** How an argument is named in an error message (never throws, even on a Proxy or a fake). */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'number') return String(x);
  if (typeof x === 'bigint') return `${x}n`;
  if (typeof x === 'string') return x.length > 40 ? `a string of ${x.length} characters` : JSON.stringify(x);
  if (typeof x === 'boolean' || x === undefined) return String(x);
  try {
    if (Array.isArray(x)) return 'an array';
    const tag = tagGet.call(x);
    if (tag) return `a ${tag}`;
    if (typeof x === 'object') {
      const name = (Object.getPrototypeOf(x) as { constructor?: { name?: string } } | null)?.constructor?.name;
      return name ? `an object that is not a typed array (its prototype says ${name})` : 'an object';
    }
  } catch {
    // a revoked Proxy throws on every inspection
  }
  return `${typeof x}`;
}
