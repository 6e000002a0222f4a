/**
 * Calling into the script's callback table: `tbl[name](tbl, ...)`, looked up with ordinary indexing
 * (the table's `__index` is honoured, as the shipped event delegates rely on) and called protected,
 * with the traceback handler, so a failing callback never leaves the engine half-way.
 */
import { LUA_TFUNCTION, LUA_TNIL, LuaRaise, type LuaState } from './lua_bridge.js';
import type { LuaVm } from './lua_vm.js';

/** A callback raised a Lua error; its message carries the callback's traceback. */
export class CallbackError extends LuaRaise {}

export class ScriptCallbacks {
  constructor(private readonly vm: LuaVm) {}

  /** Push the traceback message handler; returns its absolute index (pop it with lua_settop when done). */
  pushHandler(L: LuaState): number {
    this.vm.pushTraceback(L);
    return this.vm.bridge.api.lua_gettop(L);
  }

  /**
   * Call `tbl[name](tbl, <pushed args>)` where the callback table sits at absolute index `tableIdx`
   * and the handler from `pushHandler` at `handlerIdx`. `pushArgs` pushes the arguments and returns
   * their count. Returns the callback's first result (`true`/`false` for booleans, undefined if none
   * or nil) — or `missing` when `tbl[name]` is nil. Throws CallbackError if the callback fails.
   */
  call(
    L: LuaState,
    tableIdx: number,
    handlerIdx: number,
    name: string,
    pushArgs: (L: LuaState) => number,
  ): { missing: true } | { missing: false; result: boolean | undefined } {
    const { bridge } = this.vm;
    const api = bridge.api;
    const top = api.lua_gettop(L);
    const type = bridge.getField(L, tableIdx, name);
    if (type === LUA_TNIL) {
      api.lua_settop(L, top);
      return { missing: true };
    }
    if (type !== LUA_TFUNCTION && !callable(this.vm, L)) {
      const got = bridge.typeName(L, -1);
      api.lua_settop(L, top);
      throw new CallbackError(`callback '${name}' is a ${got} value, not a function`);
    }
    api.lua_pushvalue(L, tableIdx);
    const nargs = 1 + pushArgs(L);
    if (!bridge.pcall(L, nargs, 1, handlerIdx)) {
      const message = bridge.toString(L, -1) ?? `(error object is a ${bridge.typeName(L, -1)} value)`;
      api.lua_settop(L, top);
      throw new CallbackError(message);
    }
    const resultType = bridge.type(L, -1);
    const result = resultType === LUA_TNIL ? undefined : bridge.toBoolean(L, -1);
    api.lua_settop(L, top);
    return { missing: false, result };
  }
}

/** Values with a __call metamethod are callable too. */
function callable(vm: LuaVm, L: LuaState): boolean {
  const { bridge } = vm;
  if (bridge.api.lua_getmetatable(L, -1) === 0) return false;
  const type = bridge.getField(L, -1, '__call');
  bridge.api.lua_settop(L, -3);
  return type === LUA_TFUNCTION;
}
