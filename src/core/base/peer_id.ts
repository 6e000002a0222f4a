/**
 * Peer ids: 64-bit numbers, lowercase hex strings in Lua ("0" means none), u64 on the wire.
 */
import type { Random } from './random.js';

/**
 * A peer's id: up to 16 lowercase hex digits (a 64-bit number); `"0"` means none.
 *
 * @category Session
 */
export type PeerId = string;

export const NO_PEER: PeerId = '0';

const MAX_U64 = (1n << 64n) - 1n;

/** Canonical text of a 64-bit id: lowercase hex without leading zeros. */
export function peerIdFromBigInt(value: bigint): PeerId {
  return value.toString(16);
}

export function peerIdToBigInt(id: PeerId): bigint {
  return BigInt('0x' + id);
}

/** Accept a hex string (any case, optional 0x) and return its canonical form; undefined when it is not a 64-bit hex id. */
export function parsePeerId(text: string): PeerId | undefined {
  const hex = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return undefined;
  return peerIdFromBigInt(BigInt('0x' + hex));
}

/** A peer id from an integer (scripts pass `tonumber(hex, 16)`); undefined when out of range. */
export function peerIdFromNumber(value: number): PeerId | undefined {
  if (!Number.isSafeInteger(value) || value < 0) return undefined;
  const big = BigInt(value);
  return big <= MAX_U64 ? peerIdFromBigInt(big) : undefined;
}

/** A random non-zero 64-bit id (peer ids, lobby ids). */
export function randomId(random: Random): PeerId {
  return peerIdFromBigInt((BigInt(random.nextUint32()) << 32n) | BigInt((random.nextUint32() | 1) >>> 0));
}
