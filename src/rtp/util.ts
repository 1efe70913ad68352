/**
 * Internal helpers shared by the RTP and RTCP code: argument checks and the
 * text codec.  Not part of the public surface.
 */
import { PacketError, VoipKitError, type ErrorCode } from '../errors.js';

/** Throw a PacketError (malformed bytes from the wire). */
export function malformed(code: ErrorCode, message: string): never {
  throw new PacketError(code, message);
}

/** Throw an invalid_argument VoipKitError (a caller passed bad values to a builder). */
export function badArg(message: string): never {
  throw new VoipKitError('invalid_argument', message);
}

export function requireBytes(x: unknown, what: string): asserts x is Uint8Array {
  if (!(x instanceof Uint8Array) || !ArrayBuffer.isView(x)) badArg(`${what} must be a Uint8Array, got ${describe(x)}`);
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x === 'string' ? JSON.stringify(x) : String(x);
}

export function checkU8(x: unknown, what: string): number {
  if (typeof x !== 'number' || (x & 0xff) !== x) badArg(`${what} must be an integer in 0..255, got ${describe(x)}`);
  return x;
}
export function checkU16(x: unknown, what: string): number {
  if (typeof x !== 'number' || (x & 0xffff) !== x) badArg(`${what} must be an integer in 0..65535, got ${describe(x)}`);
  return x;
}
export function checkU32(x: unknown, what: string): number {
  if (typeof x !== 'number' || x >>> 0 !== x) badArg(`${what} must be an integer in 0..4294967295, got ${describe(x)}`);
  return x;
}
export function checkRange(x: unknown, lo: number, hi: number, what: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) badArg(`${what} must be an integer in ${lo}..${hi}, got ${describe(x)}`);
  return x;
}

/** Capacity check for the `*Into(out, offset)` writers. */
export function checkOut(out: unknown, offset: unknown, need: number, what: string): void {
  requireBytes(out, `${what}: out`);
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) badArg(`${what}: offset must be a non-negative integer, got ${describe(offset)}`);
  if (offset + need > out.length) {
    throw new VoipKitError('buffer_too_small', `${what}: ${need} bytes needed at offset ${offset}, out holds ${out.length}`);
  }
}

export function readU16(b: Uint8Array, i: number): number {
  return (b[i] << 8) | b[i + 1];
}
export function readU32(b: Uint8Array, i: number): number {
  return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}
export function writeU16(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 8;
  b[i + 1] = v;
}
export function writeU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24;
  b[i + 1] = v >>> 16;
  b[i + 2] = v >>> 8;
  b[i + 3] = v;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}
