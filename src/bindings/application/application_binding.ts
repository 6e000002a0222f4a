/**
 * The `Application` namespace: what a headless runner can provide of the engine's application
 * object (arguments, quitting, time, hashing, the project's settings and the user settings, build
 * identifier, GUIDs). Scripts extend the table with their own functions.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { readSettings, UserSettings, type SettingValue } from '../../core/config/settings_file.js';
import { luaJitNumberText } from '../../core/wire/number_text.js';
import { murmurHash64Hex } from '../../core/wire/murmur_hash.js';
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LuaRaise, type LuaApi, type LuaCFunction, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions } from '../binding.js';
import { exitCodeArgument, type LuaVm } from '../../bridge/lua_vm.js';
import { agonesFunctions, type AgonesHooks } from './agones_binding.js';

export interface ApplicationHost {
  /** The script's own arguments (those after `--`, plus `--peer-index i`). */
  readonly argv: readonly string[];
  /** Seconds since the run started, on the runner's clock. */
  timeSinceLaunch(): number;
  /** Ask the runner to stop this script after the current frame. */
  quit(code: number): void;
  /** Present when the run was started with --agones: what Application.agones_* do. */
  readonly agones?: AgonesHooks | undefined;
}

/** The project's settings under the resource root (SJSON; none: an empty table), and where user settings live. */
export const SETTINGS_FILE = 'settings.ini';
export const USER_SETTINGS_FILE = 'user_settings.config';

/** Application.build_identifier() when settings.ini gives no `build_identifier`. */
export const HEADLESS_BUILD_IDENTIFIER = 'headless';

function pushSetting(bridge: LuaApi, L: LuaState, value: SettingValue | undefined): void {
  if (value === undefined) bridge.pushNil(L);
  else if (typeof value === 'string') bridge.pushString(L, value);
  else if (typeof value === 'boolean') bridge.pushBoolean(L, value);
  else if (typeof value === 'number') {
    if (Number.isInteger(value)) bridge.pushInteger(L, value);
    else bridge.pushNumber(L, value);
  } else if (Array.isArray(value)) {
    bridge.newTable(L, value.length, 0);
    value.forEach((item, i) => {
      pushSetting(bridge, L, item);
      bridge.rawSetIndex(L, -2, i + 1);
    });
  } else {
    bridge.newTable(L, 0, Object.keys(value).length);
    for (const [key, item] of Object.entries(value)) {
      pushSetting(bridge, L, item);
      bridge.setField(L, -2, key);
    }
  }
}

/** `root`: the resource root, where the settings files are. */
export function installApplication(vm: LuaVm, host: ApplicationHost, root: string): void {
  const { bridge } = vm;
  installFunctions(vm, {
    Application: {
      argv: (L) => {
        bridge.newTable(L, host.argv.length, 0);
        host.argv.forEach((arg, i) => {
          bridge.pushString(L, arg);
          bridge.rawSetIndex(L, -2, i + 1);
        });
        return 1;
      },
      quit: (L, fn) => {
        host.quit(exitCodeArgument(bridge, L, 1, fn));
        return 0;
      },
      time_since_launch: (L) => {
        bridge.pushNumber(L, host.timeSinceLaunch());
        return 1;
      },
      // Deterministic across processes: MurmurHash64A over the arguments' text, NUL-separated.
      make_hash: (L, fn) => {
        const parts: string[] = [];
        const count = bridge.getTop(L);
        for (let i = 1; i <= count; i++) {
          const type = bridge.type(L, i);
          if (type === LUA_TSTRING) parts.push(bridge.toString(L, i)!);
          else if (type === LUA_TNUMBER) parts.push(bridge.isInteger(L, i) ? bridge.toString(L, i)! : luaJitNumberText(bridge.toNumber(L, i)));
          else if (type === LUA_TBOOLEAN) parts.push(bridge.toBoolean(L, i) ? 'true' : 'false');
          else if (type === LUA_TNIL) parts.push('nil');
          else throw new LuaRaise(`bad argument #${i} to '${fn}' (string, number or boolean expected, got ${bridge.typeName(L, i)})`);
        }
        bridge.pushString(L, murmurHash64Hex(parts.join('\0')));
        return 1;
      },
      ...settingsFunctions(bridge, root),
      ...agonesFunctions(vm, host.agones),
    },
  });
}

/** settings, build_identifier, guid and the user settings, read from `root` when first asked for. */
function settingsFunctions(bridge: LuaApi, root: string): Record<string, LuaCFunction> {
  // Read when first asked for: a run that never looks at settings never parses them.
  let settings: ReturnType<typeof readSettings> | undefined;
  let userSettings: UserSettings | undefined;
  const projectSettings = (): ReturnType<typeof readSettings> => (settings ??= readSettings(path.join(root, SETTINGS_FILE)));
  const user = (): UserSettings => (userSettings ??= new UserSettings(path.join(root, USER_SETTINGS_FILE)));
  /** Arguments first..last as setting keys. */
  const keys = (L: LuaState, fn: string, first: number, last: number): string[] => {
    const names: string[] = [];
    for (let i = first; i <= last; i++) {
      if (bridge.type(L, i) !== LUA_TSTRING) throw new LuaRaise(`bad argument #${i} to '${fn}' (a setting name expected, got ${bridge.typeName(L, i)})`);
      names.push(bridge.toString(L, i)!);
    }
    if (names.length === 0) throw new LuaRaise(`bad argument #${first} to '${fn}' (a setting name expected, got no value)`);
    return names;
  };

  return {
    settings: (L) => {
      pushSetting(bridge, L, projectSettings());
      return 1;
    },
    build_identifier: (L) => {
      const id = projectSettings()['build_identifier'];
      bridge.pushString(L, typeof id === 'string' ? id : HEADLESS_BUILD_IDENTIFIER);
      return 1;
    },
    guid: (L) => {
      bridge.pushString(L, randomUUID());
      return 1;
    },
    /** user_setting(key, ...): the value under the nested keys, or nil. */
    user_setting: (L, fn) => {
      pushSetting(bridge, L, user().get(keys(L, fn, 1, bridge.getTop(L))));
      return 1;
    },
    /** set_user_setting(key, ..., value): a string, number or boolean; nil removes it. */
    set_user_setting: (L, fn) => {
      const top = bridge.getTop(L);
      const path = keys(L, fn, 1, top - 1);
      const type = bridge.type(L, top);
      let value: string | number | boolean | undefined;
      if (type === LUA_TSTRING) value = bridge.toString(L, top)!;
      else if (type === LUA_TNUMBER) value = bridge.toNumber(L, top);
      else if (type === LUA_TBOOLEAN) value = bridge.toBoolean(L, top);
      else if (type !== LUA_TNIL) throw new LuaRaise(`bad argument #${top} to '${fn}' (a string, number, boolean or nil value expected, got ${bridge.typeName(L, top)})`);
      user().set(path, value, fn);
      return 0;
    },
    save_user_settings: (_L, fn) => {
      user().save(fn);
      return 0;
    },
  };
}
