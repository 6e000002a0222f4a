/**
 * The `Application` namespace: what a headless runner can provide of the engine's application
 * object (arguments, quitting, time, hashing). Scripts extend the table with their own functions.
 */
import { luaJitNumberText } from '../../core/wire/number_text.js';
import { murmurHash64Hex } from '../../core/wire/murmur_hash.js';
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, LuaRaise } from '../../bridge/lua_api.js';
import { installFunctions } from '../binding.js';
import { exitCodeArgument, type LuaVm } from '../../bridge/lua_vm.js';

export interface ApplicationHost {
  /** The script's own arguments (those after `--`, plus `--peer-index i`). */
  readonly argv: readonly string[];
  /** Seconds since the run started, on the runner's clock. */
  timeSinceLaunch(): number;
  /** Ask the runner to stop this script after the current frame. */
  quit(code: number): void;
}

export function installApplication(vm: LuaVm, host: ApplicationHost): void {
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
    },
  });
}
