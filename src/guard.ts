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
import { invalidArg } from './errors.js';

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
export function typedArrayArg<C extends TypedArrayCtor>(x: unknown, C: C, what: string): InstanceType<C> {
  // Proxies and Object.create(C.prototype) pass instanceof but not isView.
  if (x instanceof C && ArrayBuffer.isView(x)) {
    const proto = Object.getPrototypeOf(x);
    if ((proto === C.prototype || (C === Uint8Array && isBufferProto(proto))) && x.length === lengthGet.call(x)) {
      return x as InstanceType<C>;
    }
  } else if (tagGet.call(x) !== C.name) {
    // (the tag check admits typed arrays of another realm, e.g. a vm context)
    invalidArg(`${what} must be ${/^[AEIOU]/.test(C.name) ? 'an' : 'a'} ${C.name}, got ${describe(x)}`);
  }
  return new (C as unknown as new (b: ArrayBufferLike, o: number, n: number) => InstanceType<C>)(
    bufferGet.call(x),
    offsetGet.call(x),
    lengthGet.call(x),
  );
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

function describe(x: unknown): string {
  if (x === null) return 'null';
  const tag = tagGet.call(x);
  if (tag) return `a ${tag}`;
  if (typeof x === 'object') {
    const name = (Object.getPrototypeOf(x) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name ? `an object that is not a typed array (its prototype says ${name})` : 'an object';
  }
  return `${typeof x}`;
}
