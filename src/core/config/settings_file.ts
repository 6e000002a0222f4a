/**
 * The application's settings as a headless run has them: `settings.ini` (SJSON, read-only, what
 * `Application.settings()` answers) and the user settings (`Application.user_setting`), kept in a
 * JSON file that `save_user_settings` writes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { NetworkError } from '../base/network_error.js';
import { parseSjson, type SjsonValue } from './sjson.js';

/** A settings value as Lua sees it. */
export type SettingValue = string | number | boolean | SettingValue[] | { [key: string]: SettingValue };

function plain(value: SjsonValue): SettingValue | undefined {
  switch (value.kind) {
    case 'object': {
      const out: { [key: string]: SettingValue } = {};
      for (const entry of value.entries) {
        const v = plain(entry.value);
        if (v !== undefined) out[entry.key] = v;
      }
      return out;
    }
    case 'array':
      return value.items.map(plain).filter((v): v is SettingValue => v !== undefined);
    case 'null':
      return undefined;
    default:
      return value.value;
  }
}

/** The settings file's top-level table, or an empty one when the project has none. */
export function readSettings(file: string): { [key: string]: SettingValue } {
  if (!existsSync(file)) return {};
  return plain(parseSjson(readFileSync(file, 'utf8'), file)) as { [key: string]: SettingValue };
}

/** User settings: nested keys to strings, numbers and booleans, loaded once and saved on request. */
export class UserSettings {
  private readonly values: { [key: string]: SettingValue };

  constructor(readonly file: string) {
    this.values = readSettings(file);
  }

  /** The value at `path` (nested keys), or undefined. */
  get(path: readonly string[]): SettingValue | undefined {
    let at: SettingValue | undefined = this.values;
    for (const key of path) at = at !== undefined && typeof at === 'object' && !Array.isArray(at) && Object.hasOwn(at, key) ? at[key] : undefined;
    return at;
  }

  /** Set (or with undefined, remove) the value at `path`, making the tables on the way. */
  set(path: readonly string[], value: string | number | boolean | undefined, fn: string): void {
    let table = this.values;
    for (const key of path.slice(0, -1)) {
      const next = Object.hasOwn(table, key) ? table[key] : undefined;
      if (next !== undefined && (typeof next !== 'object' || Array.isArray(next))) throw new NetworkError(`${fn}: '${key}' holds a value, not a table of settings`);
      if (next === undefined) Object.defineProperty(table, key, { value: {}, writable: true, enumerable: true, configurable: true });
      table = table[key] as { [key: string]: SettingValue };
    }
    const last = path.at(-1)!;
    if (value === undefined) delete table[last];
    else Object.defineProperty(table, last, { value, writable: true, enumerable: true, configurable: true });
  }

  /** Write them to the file (JSON, which is SJSON too). */
  save(fn: string): void {
    try {
      writeFileSync(this.file, `${JSON.stringify(this.values, null, 2)}\n`);
    } catch (error) {
      throw new NetworkError(`${fn}: cannot write ${this.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
}
