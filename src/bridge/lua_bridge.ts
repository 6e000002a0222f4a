/**
 * The one thin bridge over the Lua C API (Lua 5.4 compiled to WebAssembly by wasmoon).
 *
 * wasmoon's own high-level API costs 3.5 µs per call and 6 µs per callback (see
 * ../shared/notes/toolchain.md); every per-frame path goes through this bridge instead: TypeScript
 * functions registered as Lua C closures behind one trampoline, values read and pushed through
 * the module's raw WebAssembly exports. Nothing else in the project touches the Lua stack.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LUA_TNONE, describeFailure, type LuaApi, type LuaCFunction, type LuaState } from './lua_api.js';

export const LUA_OK = 0;
export const LUA_MULTRET = -1;
/** LUAI_MAXSTACK is 1,000,000 on 32-bit-int builds such as wasm32. */
export const LUA_REGISTRYINDEX = -1_000_000 - 1000;
export const upvalueIndex = (i: number): number => LUA_REGISTRYINDEX - i;

const TYPE_NAMES = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

/** The raw WebAssembly exports used by the bridge (pointers are numbers, lua_Integer is a BigInt). */
export interface LuaExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  luaL_newstate(): LuaState;
  luaL_openlibs(L: LuaState): void;
  lua_close(L: LuaState): void;
  lua_gettop(L: LuaState): number;
  lua_settop(L: LuaState, idx: number): void;
  lua_absindex(L: LuaState, idx: number): number;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_rotate(L: LuaState, idx: number, n: number): void;
  lua_checkstack(L: LuaState, n: number): number;
  lua_type(L: LuaState, idx: number): number;
  lua_isinteger(L: LuaState, idx: number): number;
  lua_tonumberx(L: LuaState, idx: number, isnum: number): number;
  lua_tointegerx(L: LuaState, idx: number, isnum: number): bigint;
  lua_toboolean(L: LuaState, idx: number): number;
  lua_tolstring(L: LuaState, idx: number, len: number): number;
  lua_touserdata(L: LuaState, idx: number): number;
  /** lua_Unsigned is 64-bit in this build: a BigInt. */
  lua_rawlen(L: LuaState, idx: number): bigint;
  lua_rawequal(L: LuaState, a: number, b: number): number;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushinteger(L: LuaState, n: bigint): void;
  lua_pushlstring(L: LuaState, s: number, len: number): number;
  lua_pushcclosure(L: LuaState, fn: number, n: number): void;
  lua_pushboolean(L: LuaState, b: number): void;
  lua_pushlightuserdata(L: LuaState, p: number): void;
  lua_getglobal(L: LuaState, name: number): number;
  lua_setglobal(L: LuaState, name: number): void;
  lua_gettable(L: LuaState, idx: number): number;
  lua_getfield(L: LuaState, idx: number, k: number): number;
  lua_setfield(L: LuaState, idx: number, k: number): void;
  lua_rawget(L: LuaState, idx: number): number;
  lua_rawset(L: LuaState, idx: number): void;
  lua_rawgeti(L: LuaState, idx: number, n: bigint): number;
  lua_rawseti(L: LuaState, idx: number, n: bigint): void;
  lua_rawgetp(L: LuaState, idx: number, p: number): number;
  lua_rawsetp(L: LuaState, idx: number, p: number): void;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_newuserdatauv(L: LuaState, size: number, nuvalue: number): number;
  lua_getmetatable(L: LuaState, idx: number): number;
  lua_setmetatable(L: LuaState, idx: number): number;
  lua_next(L: LuaState, idx: number): number;
  lua_pcallk(L: LuaState, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  lua_error(L: LuaState): number;
  lua_concat(L: LuaState, n: number): void;
  luaL_loadbufferx(L: LuaState, buf: number, size: number, name: number, mode: number): number;
  luaL_where(L: LuaState, level: number): void;
  luaL_ref(L: LuaState, t: number): number;
  luaL_unref(L: LuaState, t: number, ref: number): void;
  luaL_traceback(L: LuaState, L1: LuaState, msg: number, level: number): void;
}

/** Marks our engine-object userdata: [magic u32, handle u32]. */
const HANDLE_MAGIC = 0x5354_4e47; // "STNG"

/** Short strings remembered by address, at most (the cache starts over when full). */
const SHORT_STRING_CACHE = 4096;

/** Emscripten unwinds `lua_error` (a C longjmp) as a JS throw of this value. */
const LONGJMP = Infinity;

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/**
 * Process-wide bridge: every Lua VM of the process lives in the one WebAssembly module that
 * wasmoon loads, so one trampoline and one handler table serve all of them.
 */
export class LuaBridge implements LuaApi {
  private static loading: Promise<LuaBridge> | undefined;

  /** Load (once per process) the WebAssembly Lua and capture its raw exports. */
  static load(): Promise<LuaBridge> {
    LuaBridge.loading ??= LuaBridge.instantiate();
    return LuaBridge.loading;
  }

  private static async instantiate(): Promise<LuaBridge> {
    const { exports, addFunction } = await loadWasmoonExports();
    return new LuaBridge(exports, addFunction);
  }

  /** The raw Lua C API exports of the WebAssembly module (only this file calls them). */
  private readonly api: LuaExports;
  readonly dialect = 'lua5.4';
  readonly registryIndex = LUA_REGISTRYINDEX;
  private readonly handlers: LuaCFunction[] = [];
  private readonly callerLevels: number[] = [];
  private readonly names: string[] = [];
  private readonly trampoline: number;
  private heap: Uint8Array;
  private heap32: Uint32Array;
  private readonly scratch: { ptr: number; size: number };
  /** A size_t out-parameter for lua_tolstring. */
  private readonly lengthSlot: number;
  private readonly cStrings = new Map<string, number>();
  /** Decoded short strings by address, checked against their bytes on use. */
  private readonly shortStrings = new Map<number, { bytes: Uint8Array; text: string }>();

  private constructor(api: LuaExports, addFunction: (fn: (L: number) => number) => number) {
    this.api = api;
    this.heap = new Uint8Array(api.memory.buffer);
    this.heap32 = new Uint32Array(api.memory.buffer);
    this.lengthSlot = api.malloc(8);
    this.scratch = { ptr: api.malloc(256), size: 256 };
    this.trampoline = addFunction((L) => this.dispatch(L));
  }

  private dispatch(L: LuaState): number {
    const id = this.api.lua_touserdata(L, upvalueIndex(1));
    let failure: unknown;
    try {
      return this.handlers[id]!(L, this.names[id]!);
    } catch (error) {
      if (error === LONGJMP) throw error; // a Lua error already unwinding: let it pass
      failure = error;
    }
    // Outside the catch so the longjmp of lua_error is not caught by it.
    return this.raise(L, describeFailure(failure), this.callerLevels[id]);
  }

  /** Raise a Lua error carrying `message`, prefixed with the file:line of the Lua function `level` calls up. */
  raise(L: LuaState, message: string, level = 1): never {
    this.api.luaL_where(L, level);
    this.pushString(L, message);
    this.api.lua_concat(L, 2);
    this.api.lua_error(L);
    throw new Error('unreachable: lua_error returned');
  }

  registerFunction(fn: LuaCFunction, callerLevel = 1, name = ''): number {
    this.handlers.push(fn);
    this.callerLevels.push(callerLevel);
    this.names.push(name);
    return this.handlers.length - 1;
  }

  /** Push a C closure for a registered handler; `extraUpvalues` values on the stack become upvalues 2.. */
  pushFunction(L: LuaState, handlerId: number, extraUpvalues = 0): void {
    this.api.lua_pushlightuserdata(L, handlerId);
    if (extraUpvalues > 0) this.api.lua_rotate(L, -1 - extraUpvalues, 1);
    this.api.lua_pushcclosure(L, this.trampoline, 1 + extraUpvalues);
  }

  /** Current view of the WebAssembly memory (memory growth replaces the buffer). */
  private bytes(): Uint8Array {
    // Growing the memory detaches the old buffer, which then has length 0: cheaper to check than
    // the memory's buffer getter.
    if (this.heap.length === 0) {
      this.heap = new Uint8Array(this.api.memory.buffer);
      this.heap32 = new Uint32Array(this.api.memory.buffer);
    }
    return this.heap;
  }

  /** Current 32-bit view of the WebAssembly memory. */
  private words(): Uint32Array {
    this.bytes();
    return this.heap32;
  }

  /** Length written by the last lua_tolstring (size_t is 32-bit on wasm32). */
  private lastLength(): number {
    this.bytes();
    return this.heap32[this.lengthSlot >> 2]!;
  }

  /** A NUL-terminated copy of `s` that lives as long as the process (for keys and names used repeatedly). */
  cString(s: string): number {
    let ptr = this.cStrings.get(s);
    if (ptr === undefined) {
      const encoded = utf8Encoder.encode(s);
      ptr = this.api.malloc(encoded.length + 1);
      const heap = this.bytes();
      heap.set(encoded, ptr);
      heap[ptr + encoded.length] = 0;
      this.cStrings.set(s, ptr);
    }
    return ptr;
  }

  private scratchOf(size: number): number {
    if (size > this.scratch.size) {
      this.api.free(this.scratch.ptr);
      this.scratch.size = Math.max(size, this.scratch.size * 2);
      this.scratch.ptr = this.api.malloc(this.scratch.size);
    }
    return this.scratch.ptr;
  }

  // ---- reading values -------------------------------------------------------------------------

  type(L: LuaState, idx: number): number {
    return this.api.lua_type(L, idx);
  }

  typeName(L: LuaState, idx: number): string {
    const t = this.api.lua_type(L, idx);
    return t === LUA_TNONE ? 'no value' : TYPE_NAMES[t]!;
  }

  toNumber(L: LuaState, idx: number): number {
    return this.api.lua_tonumberx(L, idx, 0);
  }

  /** The number at `idx`, or NaN when it is not a number (one call instead of a type check and a read). */
  numberOrNaN(L: LuaState, idx: number): number {
    const n = this.api.lua_tonumberx(L, idx, this.lengthSlot);
    return this.words()[this.lengthSlot >> 2] === 0 ? NaN : n;
  }

  isInteger(L: LuaState, idx: number): boolean {
    return this.api.lua_isinteger(L, idx) !== 0;
  }
  toInteger64(L: LuaState, idx: number): bigint {
    return this.api.lua_tointegerx(L, idx, 0);
  }

  toUserdata(L: LuaState, idx: number): number {
    return this.api.lua_touserdata(L, idx);
  }

  rawEqual(L: LuaState, a: number, b: number): boolean {
    return this.api.lua_rawequal(L, a, b) !== 0;
  }


  toBoolean(L: LuaState, idx: number): boolean {
    return this.api.lua_toboolean(L, idx) !== 0;
  }

  /** The bytes of the string (or number, converted in place by Lua) at `idx`, or undefined. */
  toBytes(L: LuaState, idx: number): Uint8Array | undefined {
    const ptr = this.api.lua_tolstring(L, idx, this.lengthSlot);
    if (ptr === 0) return undefined;
    const len = this.lastLength();
    return this.heap.slice(ptr, ptr + len);
  }

  /** The string at `idx` decoded as UTF-8, or undefined when it is neither a string nor a number. */
  toString(L: LuaState, idx: number): string | undefined {
    const ptr = this.api.lua_tolstring(L, idx, this.lengthSlot);
    if (ptr === 0) return undefined;
    const len = this.lastLength();
    const heap = this.heap;
    if (len <= 32) {
      // Short strings (field names, keys, ids) repeat every frame. Lua interns them, so the same
      // address usually holds the same text: reuse the decoded text after checking the bytes.
      const cached = this.shortStrings.get(ptr);
      if (cached && cached.bytes.length === len) {
        let same = true;
        for (let i = 0; i < len && same; i++) same = heap[ptr + i] === cached.bytes[i];
        if (same) return cached.text;
      }
      let text = '';
      for (let i = ptr; i < ptr + len; i++) {
        const c = heap[i]!;
        if (c >= 0x80) return utf8Decoder.decode(heap.subarray(ptr, ptr + len));
        text += String.fromCharCode(c);
      }
      if (this.shortStrings.size >= SHORT_STRING_CACHE) this.shortStrings.clear();
      this.shortStrings.set(ptr, { bytes: heap.slice(ptr, ptr + len), text });
      return text;
    }
    return utf8Decoder.decode(heap.subarray(ptr, ptr + len));
  }


  // ---- pushing values -------------------------------------------------------------------------

  pushNil(L: LuaState): void {
    this.api.lua_pushnil(L);
  }

  pushNumber(L: LuaState, n: number): void {
    this.api.lua_pushnumber(L, n);
  }

  /** Push an integer subtype (prints as `3`, not `3.0`). */
  pushInteger(L: LuaState, n: number): void {
    this.api.lua_pushinteger(L, BigInt(n));
  }

  pushBoolean(L: LuaState, b: boolean): void {
    this.api.lua_pushboolean(L, b ? 1 : 0);
  }

  /** Push a string, or nil when there is none; returns 1, the count of results a Lua function gives. */
  pushStringOrNil(L: LuaState, s: string | null | undefined): number {
    if (s === undefined || s === null) this.pushNil(L);
    else this.pushString(L, s);
    return 1;
  }

  pushString(L: LuaState, s: string): void {
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const ptr = this.scratchOf(n);
      const heap = this.bytes();
      for (let i = 0; i < n; i++) heap[ptr + i] = s.charCodeAt(i);
      this.api.lua_pushlstring(L, ptr, n);
      return;
    }
    this.pushBytes(L, utf8Encoder.encode(s));
  }

  pushBytes(L: LuaState, bytes: Uint8Array): void {
    const ptr = this.scratchOf(bytes.length);
    this.bytes().set(bytes, ptr);
    this.api.lua_pushlstring(L, ptr, bytes.length);
  }
  pushLightUserdata(L: LuaState, p: number): void {
    this.api.lua_pushlightuserdata(L, p);
  }

  pushEmptyUserdata(L: LuaState): void {
    this.api.lua_newuserdatauv(L, 0, 0);
  }


  newTable(L: LuaState, arraySize = 0, hashSize = 0): void {
    this.api.lua_createtable(L, arraySize, hashSize);
  }

  // ---- tables and globals ---------------------------------------------------------------------

  /** `t[key]` with metamethods, pushed on the stack; returns the value's type. */
  getField(L: LuaState, tableIdx: number, key: string): number {
    return this.api.lua_getfield(L, tableIdx, this.cString(key));
  }

  /** `t[key] = top of stack` (pops it). */
  setField(L: LuaState, tableIdx: number, key: string): void {
    this.api.lua_setfield(L, tableIdx, this.cString(key));
  }

  getGlobal(L: LuaState, name: string): number {
    return this.api.lua_getglobal(L, this.cString(name));
  }

  setGlobal(L: LuaState, name: string): void {
    this.api.lua_setglobal(L, this.cString(name));
  }

  /** `t[i]` without metamethods, pushed; returns the value's type. */
  rawGetIndex(L: LuaState, tableIdx: number, i: number): number {
    return this.api.lua_rawgeti(L, tableIdx, BigInt(i));
  }

  /** `t[i] = top of stack` without metamethods (pops it). */
  rawSetIndex(L: LuaState, tableIdx: number, i: number): void {
    this.api.lua_rawseti(L, tableIdx, BigInt(i));
  }

  rawLength(L: LuaState, idx: number): number {
    return Number(this.api.lua_rawlen(L, idx));
  }
  rawSet(L: LuaState, tableIdx: number): void {
    this.api.lua_rawset(L, tableIdx);
  }

  next(L: LuaState, tableIdx: number): boolean {
    return this.api.lua_next(L, tableIdx) !== 0;
  }

  getMetatable(L: LuaState, idx: number): boolean {
    return this.api.lua_getmetatable(L, idx) !== 0;
  }

  setMetatable(L: LuaState, idx: number): void {
    this.api.lua_setmetatable(L, idx);
  }

  ref(L: LuaState): number {
    return this.api.luaL_ref(L, LUA_REGISTRYINDEX);
  }

  unref(L: LuaState, ref: number): void {
    this.api.luaL_unref(L, LUA_REGISTRYINDEX, ref);
  }

  // ---- engine-object userdata -------------------------------------------------------------------

  pushHandleUserdata(L: LuaState, handle: number): void {
    const block = this.api.lua_newuserdatauv(L, 8, 0);
    const words = this.words();
    words[block >> 2] = HANDLE_MAGIC;
    words[(block >> 2) + 1] = handle;
  }

  handleAt(L: LuaState, idx: number): number {
    // 0 for anything but userdata. A foreign userdata smaller than ours reads neighbouring memory
    // here: harmless in wasm, and its bytes will not hold our magic and a live handle.
    const block = this.api.lua_touserdata(L, idx);
    if (block === 0) return 0;
    const words = this.words();
    return words[block >> 2] === HANDLE_MAGIC ? words[(block >> 2) + 1]! : 0;
  }


  // ---- running code ---------------------------------------------------------------------------

  /** Compile `source` as a chunk named `chunkName` (use `@path` so errors name the file); pushes the function or the error. */
  load(L: LuaState, source: string | Uint8Array, chunkName: string): boolean {
    const bytes = typeof source === 'string' ? utf8Encoder.encode(source) : source;
    const name = this.cString(chunkName);
    const ptr = this.api.malloc(bytes.length + 1);
    this.bytes().set(bytes, ptr);
    try {
      return this.api.luaL_loadbufferx(L, ptr, bytes.length, name, 0) === LUA_OK;
    } finally {
      this.api.free(ptr);
    }
  }

  /** Protected call with the function at `handlerIdx` as message handler; returns true on success. */
  pcall(L: LuaState, nargs: number, nresults: number, handlerIdx: number): boolean {
    return this.api.lua_pcallk(L, nargs, nresults, handlerIdx, 0, 0) === LUA_OK;
  }
  raiseTop(L: LuaState): never {
    this.api.lua_error(L);
    throw new Error('unreachable: lua_error returned');
  }

  // ---- the stack --------------------------------------------------------------------------------

  upvalueIndex(i: number): number {
    return upvalueIndex(i);
  }

  getTop(L: LuaState): number {
    return this.api.lua_gettop(L);
  }

  setTop(L: LuaState, idx: number): void {
    this.api.lua_settop(L, idx);
  }

  absIndex(L: LuaState, idx: number): number {
    return this.api.lua_absindex(L, idx);
  }

  pushValue(L: LuaState, idx: number): void {
    this.api.lua_pushvalue(L, idx);
  }

  rotate(L: LuaState, idx: number, n: number): void {
    this.api.lua_rotate(L, idx, n);
  }

  checkStack(L: LuaState, n: number): boolean {
    return this.api.lua_checkstack(L, n) !== 0;
  }

  // ---- states -----------------------------------------------------------------------------------

  newState(): LuaState {
    const L = this.api.luaL_newstate();
    if (L === 0) throw new Error('could not create a Lua state (out of memory)');
    this.api.luaL_openlibs(L);
    return L;
  }

  closeState(L: LuaState): void {
    this.api.lua_close(L);
  }

}

/** The real `WebAssembly.instantiate`, as it was when this module loaded. */
const realInstantiate = WebAssembly.instantiate.bind(WebAssembly);

/**
 * Load wasmoon's Lua module and reach the raw exports of its WebAssembly instance, which wasmoon
 * keeps private. Its distribution (a UMD bundle) is evaluated as a CommonJS module whose
 * `WebAssembly` is a private object: the real one, except that `instantiate` keeps the exports of
 * the instance holding the Lua C API. No global is touched, so other modules instantiating
 * meanwhile (Node's own HTTP parser does) see the real WebAssembly.
 */
export async function loadWasmoonExports(): Promise<{ exports: LuaExports; addFunction: (fn: (L: number) => number) => number }> {
  const dist = createRequire(import.meta.url).resolve('wasmoon');
  let captured: LuaExports | undefined;
  const instantiate = async (...args: Parameters<typeof WebAssembly.instantiate>) => {
    const result = (await (realInstantiate as (...a: unknown[]) => Promise<unknown>)(...args)) as WebAssembly.WebAssemblyInstantiatedSource | WebAssembly.Instance;
    const instance = 'instance' in result ? result.instance : result;
    const exports = instance.exports as unknown as Partial<LuaExports>;
    if (typeof exports.lua_gettop === 'function') captured = exports as LuaExports;
    return result;
  };
  const privateWebAssembly = Object.create(WebAssembly, { instantiate: { value: instantiate } }) as typeof WebAssembly;
  const module = { exports: {} as { LuaFactory?: new () => { getLuaModule(): Promise<{ module: { addFunction(fn: unknown, signature: string): number } }> } } };
  new Function('exports', 'require', 'module', '__filename', '__dirname', 'WebAssembly', readFileSync(dist, 'utf8'))(
    module.exports,
    createRequire(dist),
    module,
    dist,
    path.dirname(dist),
    privateWebAssembly,
  );
  if (!module.exports.LuaFactory) throw new Error(`could not load wasmoon from ${dist}`);
  const lua = await new module.exports.LuaFactory().getLuaModule();
  if (!captured) throw new Error('could not reach the Lua WebAssembly exports of wasmoon');
  return { exports: captured, addFunction: (fn) => lua.module.addFunction(fn, 'ii') };
}
