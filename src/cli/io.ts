/**
 * File access for the CLI commands: a failure becomes one VoipKitError line
 * naming the option and the file (ENOENT, EACCES, ...), never a stack trace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { VoipKitError } from '../errors.js';

function fail(verb: string, what: string, path: string, e: unknown): never {
  throw new VoipKitError('invalid_argument', `cannot ${verb} ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
}

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    return fail('read', what, path, e);
  }
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    return fail('read', what, path, e);
  }
}

export function write(path: string, data: string | Uint8Array, what: string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    fail('write', what, path, e);
  }
}
