/**
 * Errors.  Every failure of voipkit is a {@link VoipKitError} (or a subclass)
 * with a stable string `code`.  Status numbers returned by the C core (both
 * backends) map to codes here, once.
 */

/** Stable error codes.  Core statuses map onto these by number. */
export type ErrorCode =
  | 'invalid_argument'
  | 'out_of_memory'
  | 'buffer_too_small'
  | 'invalid_state'
  | 'unsupported'
  | 'limit'
  | 'bad_length'
  | 'bad_version'
  | 'bad_packet'
  | 'auth_fail'
  | 'replay_duplicate'
  | 'replay_old'
  | 'key_expired'
  | 'bad_mki'
  | 'no_stream'
  | 'cipher'
  | 'codec'
  | 'corrupt'
  | 'time'
  | 'closed'
  | 'load_failed'
  | 'internal';

/** Status numbers of native/core/include/vk_common.h. Never renumber. */
export const STATUS_CODES: Readonly<Record<number, ErrorCode>> = Object.freeze({
  [-1]: 'invalid_argument',
  [-2]: 'out_of_memory',
  [-3]: 'buffer_too_small',
  [-4]: 'invalid_state',
  [-5]: 'unsupported',
  [-6]: 'limit',
  [-20]: 'bad_length',
  [-21]: 'bad_version',
  [-22]: 'bad_packet',
  [-40]: 'auth_fail',
  [-41]: 'replay_duplicate',
  [-42]: 'replay_old',
  [-43]: 'key_expired',
  [-44]: 'bad_mki',
  [-45]: 'no_stream',
  [-46]: 'cipher',
  [-60]: 'codec',
  [-61]: 'corrupt',
  [-80]: 'time',
});

/** Base class of every error voipkit throws. */
export class VoipKitError extends Error {
  /** Machine-readable reason, stable across versions. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VoipKitError';
    this.code = code;
  }
}

/** A packet (RTP, RTCP, or a codec frame) could not be parsed. */
export class PacketError extends VoipKitError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'PacketError';
  }
}

/** Map a negative core status to its code. */
export function statusCode(status: number): ErrorCode {
  return STATUS_CODES[status] ?? 'internal';
}

/**
 * Throw for a negative core status; return it unchanged otherwise.
 * `what` names the operation for the message.
 */
export function check(status: number, what: string, Ctor: new (code: ErrorCode, message: string) => VoipKitError = VoipKitError as never): number {
  if (status < 0) {
    const code = statusCode(status);
    throw new Ctor(code, `${what}: ${code.replace(/_/g, ' ')} (status ${status})`);
  }
  return status;
}

/** Throw an invalid_argument error. */
export function invalidArg(message: string): never {
  throw new VoipKitError('invalid_argument', message);
}
