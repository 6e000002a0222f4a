/**
 * 16-bit sequence numbers that wrap around: packet sequences and reliable message ids.
 */
export const SEQUENCE_MODULO = 65536;

/** a is newer than b, taking wrap-around into account. */
export function sequenceNewer(a: number, b: number): boolean {
  return a !== b && ((a - b + SEQUENCE_MODULO) % SEQUENCE_MODULO) < SEQUENCE_MODULO / 2;
}

/** How far a is ahead of b (negative when behind). */
export function sequenceDistance(a: number, b: number): number {
  const d = (a - b + SEQUENCE_MODULO) % SEQUENCE_MODULO;
  return d >= SEQUENCE_MODULO / 2 ? d - SEQUENCE_MODULO : d;
}

export function sequenceNext(a: number, step = 1): number {
  return (a + step) % SEQUENCE_MODULO;
}
