/**
 * Calling into the script's callback table: `tbl[name](tbl, ...)`, looked up with ordinary indexing
 * (the table's `__index` is honoured, as the shipped event delegates rely on) and called protected,
 * with the traceback handler, so a failing callback never leaves the engine half-way.
 *
 * Frames dispatch many events, so the parts of a call are separate (`prepare`, push the arguments,
 * `invoke`) and allocate nothing; peer ids come from a Lua-side cache of strings, as copying a
 * string into Lua costs more than the rest of the call.
 */
import { LUA_TFUNCTION, LUA_TNIL, LuaRaise, type LuaState } from './lua_api.js';
import type { LuaVm } from './lua_vm.js';

/** A callback raised a Lua error; its message carries the callback's traceback. */
export class CallbackError extends LuaRaise {}

/** Strings kept in the cache, at most (it starts over when full). */
const CACHED_STRINGS = 1024;

export class ScriptCallbacks {
  /** Registry table of cached strings by their index in `cached`. */
  private readonly stringsRef: number;
  private readonly cached = new Map<string, number>();

  constructor(private readonly vm: LuaVm) {
    this.stringsRef = vm.newRef(() => vm.bridge.newTable(vm.L, CACHED_STRINGS, 0));
  }

  /**
   * Push the traceback message handler (and, above it, the string cache); returns the handler's
   * absolute index, which the other functions take. Pop both with `lua_settop(L, handlerIdx - 1)`.
   */
  pushHandler(L: LuaState): number {
    this.vm.pushTraceback(L);
    this.vm.pushRef(this.stringsRef, L);
    return this.vm.bridge.getTop(L) - 1;
  }

  /** Push `s`, a string callbacks get again and again (a peer id), from the cache. */
  pushString(L: LuaState, handlerIdx: number, s: string): void {
    const { bridge } = this.vm;
    const strings = handlerIdx + 1;
    let index = this.cached.get(s);
    if (index !== undefined) {
      bridge.rawGetIndex(L, strings, index);
      return;
    }
    if (this.cached.size >= CACHED_STRINGS) this.cached.clear();
    index = this.cached.size + 1;
    this.cached.set(s, index);
    bridge.pushString(L, s);
    bridge.pushValue(L, -1);
    bridge.rawSetIndex(L, strings, index);
  }

  /**
   * Push `tbl[name]` and `tbl` (the table at absolute index `tableIdx`), ready for the arguments;
   * false, with nothing pushed, when `tbl[name]` is nil. Throws CallbackError when it cannot be called.
   */
  prepare(L: LuaState, tableIdx: number, name: string): boolean {
    const { bridge } = this.vm;
    const type = bridge.getField(L, tableIdx, name);
    if (type === LUA_TNIL) {
      bridge.setTop(L, -2);
      return false;
    }
    if (type !== LUA_TFUNCTION && !callable(this.vm, L)) {
      const got = bridge.typeName(L, -1);
      bridge.setTop(L, -2);
      throw new CallbackError(`callback '${name}' is a ${got} value, not a function`);
    }
    bridge.pushValue(L, tableIdx);
    return true;
  }

  /**
   * Call what `prepare` pushed with the `nargs` arguments pushed since, leaving the stack as it was
   * before `prepare`; returns the callback's first result if `withResult` (`true`/`false` for
   * booleans, undefined if none or nil). Throws CallbackError if the callback fails.
   */
  invoke(L: LuaState, handlerIdx: number, nargs: number, withResult = false): boolean | undefined {
    const { bridge } = this.vm;
    if (!bridge.pcall(L, 1 + nargs, withResult ? 1 : 0, handlerIdx)) {
      const message = bridge.toString(L, -1) ?? `(error object is a ${bridge.typeName(L, -1)} value)`;
      bridge.setTop(L, -2);
      throw new CallbackError(message);
    }
    if (!withResult) return undefined;
    const result = bridge.type(L, -1) === LUA_TNIL ? undefined : bridge.toBoolean(L, -1);
    bridge.setTop(L, -2);
    return result;
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
    if (!this.prepare(L, tableIdx, name)) return { missing: true };
    return { missing: false, result: this.invoke(L, handlerIdx, pushArgs(L), true) };
  }
}

/** Values with a __call metamethod are callable too. */
function callable(vm: LuaVm, L: LuaState): boolean {
  const { bridge } = vm;
  if (!bridge.getMetatable(L, -1)) return false;
  const type = bridge.getField(L, -1, '__call');
  bridge.setTop(L, -3);
  return type === LUA_TFUNCTION;
}
