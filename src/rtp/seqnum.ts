/**
 * The one place in the TypeScript layer that compares 16-bit RTP sequence
 * numbers, for ordering NACK lists.  Everything else about sequence numbers
 * (extended sequence, probation, MAX_DROPOUT / MAX_MISORDER) is the C core's
 * job (vk_seq.h, `kit.createSequenceTracker()`); do not grow this file into a
 * second copy of it.
 */

/**
 * Signed distance from `from` to `to` on the 16-bit sequence circle:
 * `to - from` taken modulo 2^16 into -32768..32767.  Positive means `to` is
 * after `from`.  Both arguments are sequence numbers 0..65535.
 */
export function seqDelta(from: number, to: number): number {
  return ((to - from + 0x8000) & 0xffff) - 0x8000;
}
