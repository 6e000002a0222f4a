/**
 * The Lua operations the engine surface needs, as an interface: reading arguments, pushing values,
 * tables, registry references, engine-object userdata, C closures, errors and protected calls.
 *
 * `LuaBridge` (wasmoon's Lua 5.4 in WebAssembly) and `LuaJitBridge` (LuaJIT 2.1 in a native addon)
 * implement it. Bindings, engine objects, argument readers and script callbacks are written against
 * this interface only, so either VM runs them without a binding changing. Stack indices, type codes and
 * results follow the Lua C API of the same name (`setTop` is `lua_settop`, and so on).
 */
import { NetworkError } from '../core/base/network_error.js';

/** A Lua state (or coroutine) a bridged function runs on; an opaque handle of the implementation. */
export type LuaState = number;

/**
 * A TypeScript function callable from Lua: reads its arguments from `L`, pushes results, returns
 * their count. `fn` is the Lua name it was registered under (`'LanLobby.set_data'`), for its errors.
 */
export type LuaCFunction = (L: LuaState, fn: string) => number;

export const LUA_TNONE = -1;
export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TLIGHTUSERDATA = 2;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_TFUNCTION = 6;
export const LUA_TUSERDATA = 7;
export const LUA_TTHREAD = 8;

/** Thrown by a bridged function to raise a Lua error; the message is what the script sees. */
export class LuaRaise extends Error {}

/** The Lua error message for what a bridged function threw. */
export function describeFailure(error: unknown): string {
  if (error instanceof LuaRaise || error instanceof NetworkError) return error.message;
  // An unexpected JS failure still surfaces as a Lua error the script can see, never a crash.
  if (error instanceof Error) return `internal error: ${error.message}`;
  return `internal error: ${String(error)}`;
}

/** The Lua a VM speaks: Lua 5.4 needs the prelude's LuaJIT shims (bit, unpack, setfenv, number text...); LuaJIT has them. */
export type LuaDialect = 'lua5.4' | 'luajit';

export interface LuaApi {
  /** Which Lua this is (the prelude loads its LuaJIT shims only on Lua 5.4). */
  readonly dialect: LuaDialect;
  /** The pseudo-index of the registry (it differs between Lua builds). */
  readonly registryIndex: number;
  /** The pseudo-index of upvalue `i` (1-based) of the running C closure. */
  upvalueIndex(i: number): number;

  // ---- the stack ----
  getTop(L: LuaState): number;
  setTop(L: LuaState, idx: number): void;
  absIndex(L: LuaState, idx: number): number;
  pushValue(L: LuaState, idx: number): void;
  rotate(L: LuaState, idx: number, n: number): void;
  /** Whether the stack can grow by `n` slots. */
  checkStack(L: LuaState, n: number): boolean;

  // ---- reading values ----
  type(L: LuaState, idx: number): number;
  /** Lua's name for the type at `idx` ('no value' past the top). */
  typeName(L: LuaState, idx: number): string;
  toNumber(L: LuaState, idx: number): number;
  /** The number at `idx`, or NaN when it is not a number. */
  numberOrNaN(L: LuaState, idx: number): number;
  isInteger(L: LuaState, idx: number): boolean;
  /** The integer at `idx` with all its 64 bits. */
  toInteger64(L: LuaState, idx: number): bigint;
  toBoolean(L: LuaState, idx: number): boolean;
  /** The string (or number, converted in place) at `idx` decoded as UTF-8, or undefined. */
  toString(L: LuaState, idx: number): string | undefined;
  /** The bytes of the string (or number) at `idx`, or undefined. */
  toBytes(L: LuaState, idx: number): Uint8Array | undefined;
  /** The pointer of a light userdata (or the block of a full one) at `idx`, 0 for anything else. */
  toUserdata(L: LuaState, idx: number): number;
  rawEqual(L: LuaState, a: number, b: number): boolean;

  // ---- pushing values ----
  pushNil(L: LuaState): void;
  pushNumber(L: LuaState, n: number): void;
  /** Push an integer subtype (prints as `3`, not `3.0`). */
  pushInteger(L: LuaState, n: number): void;
  pushBoolean(L: LuaState, b: boolean): void;
  pushString(L: LuaState, s: string): void;
  /** Push a string, or nil when there is none; returns 1, the count of results a Lua function gives. */
  pushStringOrNil(L: LuaState, s: string | null | undefined): number;
  pushBytes(L: LuaState, bytes: Uint8Array): void;
  pushLightUserdata(L: LuaState, p: number): void;
  /** Push a new full userdata without contents (`newproxy`). */
  pushEmptyUserdata(L: LuaState): void;

  // ---- tables, metatables, globals, the registry ----
  newTable(L: LuaState, arraySize?: number, hashSize?: number): void;
  /** `t[key]` with metamethods, pushed; returns the value's type. */
  getField(L: LuaState, tableIdx: number, key: string): number;
  /** `t[key] = top of stack` (pops it). */
  setField(L: LuaState, tableIdx: number, key: string): void;
  getGlobal(L: LuaState, name: string): number;
  setGlobal(L: LuaState, name: string): void;
  /** `t[i]` without metamethods, pushed; returns the value's type. */
  rawGetIndex(L: LuaState, tableIdx: number, i: number): number;
  /** `t[i] = top of stack` without metamethods (pops it). */
  rawSetIndex(L: LuaState, tableIdx: number, i: number): void;
  /** `t[k] = v` without metamethods, k and v the top two values (pops both). */
  rawSet(L: LuaState, tableIdx: number): void;
  rawLength(L: LuaState, idx: number): number;
  /** lua_next: pops a key, pushes the next key and value; false (nothing pushed) at the end. */
  next(L: LuaState, tableIdx: number): boolean;
  /** Push the metatable of the value at `idx`; false (nothing pushed) when it has none. */
  getMetatable(L: LuaState, idx: number): boolean;
  /** Pop a table and make it the metatable of the value at `idx`. */
  setMetatable(L: LuaState, idx: number): void;
  /** Pop the top value into the registry; returns its reference. */
  ref(L: LuaState): number;
  unref(L: LuaState, ref: number): void;

  // ---- engine-object userdata ----
  /** Push a new full userdata that carries `handle` (a positive 32-bit number) as our own object. */
  pushHandleUserdata(L: LuaState, handle: number): void;
  /** The handle of our userdata at `idx`, or 0 for anything else. */
  handleAt(L: LuaState, idx: number): number;

  // ---- functions, errors, running code ----
  /**
   * Register a handler once under its Lua name `name` (which it receives as `fn`); returns the id
   * to push it with `pushFunction`. Its errors name the line that called it, or with `callerLevel`
   * 2 the line that called the Lua function calling it.
   */
  registerFunction(fn: LuaCFunction, callerLevel?: number, name?: string): number;
  /** Push a C closure for a registered handler; `extraUpvalues` values on the stack become upvalues 2.. */
  pushFunction(L: LuaState, handlerId: number, extraUpvalues?: number): void;
  /** Raise a Lua error carrying `message`, prefixed with the file:line of the Lua function `level` calls up. */
  raise(L: LuaState, message: string, level?: number): never;
  /** Raise the value on top of the stack as a Lua error (lua_error). */
  raiseTop(L: LuaState): never;
  /** Compile `source` as a chunk named `chunkName`; pushes the function or the error message. */
  load(L: LuaState, source: string | Uint8Array, chunkName: string): boolean;
  /** Protected call with the function at `handlerIdx` as message handler; returns true on success. */
  pcall(L: LuaState, nargs: number, nresults: number, handlerIdx: number): boolean;

  // ---- states ----
  /** A new Lua state with the standard libraries open. */
  newState(): LuaState;
  closeState(L: LuaState): void;
}
