/**
 * Lobby data on the platforms: string keys to string values, kept in plain objects (they travel as
 * JSON). Scripts choose the keys, so `constructor` or `__proto__` are data like any other key: read
 * and write own properties only.
 */
export type LobbyData = Record<string, string>;

export function dataValue(data: Readonly<LobbyData>, key: string): string | undefined {
  return Object.hasOwn(data, key) ? data[key] : undefined;
}

export function setDataValue(data: LobbyData, key: string, value: string): void {
  Object.defineProperty(data, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Copy every entry of `source` into `target`. */
export function assignData(target: LobbyData, source: Readonly<LobbyData>): void {
  for (const [key, value] of Object.entries(source)) setDataValue(target, key, value);
}

/** Bytes of one member's own data (keys and values) at most, on LAN and on the platforms. */
export const MAX_MEMBER_DATA_BYTES = 4096;

/** Bytes of a member's data once `key` is set to `value`. */
export function memberDataBytes(data: Iterable<[string, string]>, key: string, value: string): number {
  let bytes = 0;
  for (const [k, v] of data) if (k !== key) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  return bytes + Buffer.byteLength(key) + Buffer.byteLength(value);
}
