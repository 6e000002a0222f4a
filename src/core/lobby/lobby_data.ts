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
