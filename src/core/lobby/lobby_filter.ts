/**
 * Lobby filters, as the lobby browsers of every subsystem apply them: a key of the lobby data
 * compared with a value (`add_filter`), numbers as numbers and anything else as strings.
 */
import { dataValue, type LobbyData } from './lobby_data.js';

export type FilterComparison = 'equal' | 'not_equal' | 'less' | 'less_or_equal' | 'greater' | 'greater_or_equal';
export const FILTER_COMPARISONS: readonly FilterComparison[] = ['equal', 'not_equal', 'less', 'less_or_equal', 'greater', 'greater_or_equal'];

export interface LobbyFilter {
  key: string;
  value: string;
  comparison: FilterComparison;
}

/** Whether lobby data passes every filter. */
export function passesFilters(data: ReadonlyMap<string, string> | Readonly<LobbyData>, filters: readonly LobbyFilter[]): boolean {
  const get = data instanceof Map ? (key: string) => data.get(key) : (key: string) => dataValue(data as LobbyData, key);
  return filters.every((f) => compareLobbyValue(get(f.key), f.value, f.comparison));
}

/** Numbers compare as numbers when both sides are numeric, otherwise as strings; a missing key is only "not equal". */
export function compareLobbyValue(actual: string | undefined, wanted: string, comparison: FilterComparison): boolean {
  if (actual === undefined) return comparison === 'not_equal';
  const a = Number(actual);
  const b = Number(wanted);
  const numeric = actual.trim() !== '' && wanted.trim() !== '' && Number.isFinite(a) && Number.isFinite(b);
  const order = numeric ? Math.sign(a - b) : actual < wanted ? -1 : actual > wanted ? 1 : 0;
  switch (comparison) {
    case 'equal':
      return order === 0;
    case 'not_equal':
      return order !== 0;
    case 'less':
      return order < 0;
    case 'less_or_equal':
      return order <= 0;
    case 'greater':
      return order > 0;
    case 'greater_or_equal':
      return order >= 0;
  }
}
