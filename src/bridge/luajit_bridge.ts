/**
 * `LuaApi` over LuaJIT 2.1, the VM the games shipped on, embedded by the native addon of `native/`
 * (built at install time when libluajit-5.1-dev and a C compiler are there; absent otherwise).
 *
 * Each operation is one Node-API call into the addon (the bench compares this with wasmoon's path).
 * Lua errors never unwind through JavaScript: a bridged function that raises (`LuaRaise`, `raise`,
 * `raiseTop`) has the error value stashed in the Lua state and throws `LUA_ERROR_UNWINDING`; the
 * dispatcher answers -1 and the addon's C trampoline raises the stashed value once back in C.
 * Operations that can run a metamethod (`getField`, `setField`, `getGlobal`, `setGlobal`) run it
 * protected in C and unwind the same way when it fails.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LUA_TNONE, describeFailure, type LuaApi, type LuaCFunction, type LuaState } from './lua_api.js';

/** Lua 5.1's pseudo-indices (lua.h of LuaJIT). */
const LUA_REGISTRYINDEX = -10000;
const LUA_GLOBALSINDEX = -10002;

const TYPE_NAMES = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

/** What to do when the addon is missing, in one line. */
export const LUAJIT_BUILD_HINT =
  'the LuaJIT VM is not built: install libluajit-5.1-dev, pkg-config and a C compiler, then run `npm rebuild stingray-network` (or `npm run install` in a checkout)';

/** The addon's exports (native/luajit_addon.c); states and pointers are numbers. */
interface LuaJitAddon {
  init(dispatch: (L: LuaState, id: number) => number, unwinding: Error): void;
  newState(): LuaState;
  closeState(L: LuaState): void;
  pushFunction(L: LuaState, handlerId: number, extraUpvalues: number): void;
  stashTop(L: LuaState): void;
  stashMessage(L: LuaState, level: number, message: string): void;
  getTop(L: LuaState): number;
  setTop(L: LuaState, idx: number): void;
  absIndex(L: LuaState, idx: number): number;
  pushValue(L: LuaState, idx: number): void;
  rotate(L: LuaState, idx: number, n: number): void;
  checkStack(L: LuaState, n: number): boolean;
  type(L: LuaState, idx: number): number;
  toNumber(L: LuaState, idx: number): number;
  numberOrNaN(L: LuaState, idx: number): number;
  toBoolean(L: LuaState, idx: number): boolean;
  toString(L: LuaState, idx: number): string | undefined;
  toBytes(L: LuaState, idx: number): Uint8Array | undefined;
  toUserdata(L: LuaState, idx: number): number;
  rawEqual(L: LuaState, a: number, b: number): boolean;
  pushNil(L: LuaState): void;
  pushNumber(L: LuaState, n: number): void;
  pushBoolean(L: LuaState, b: boolean): void;
  pushString(L: LuaState, s: string): void;
  pushBytes(L: LuaState, bytes: Uint8Array): void;
  pushLightUserdata(L: LuaState, p: number): void;
  pushEmptyUserdata(L: LuaState): void;
  pushHandleUserdata(L: LuaState, handle: number): void;
  handleAt(L: LuaState, idx: number): number;
  getField(L: LuaState, idx: number, key: string): number;
  setField(L: LuaState, idx: number, key: string): void;
  getGlobal(L: LuaState, name: string): number;
  setGlobal(L: LuaState, name: string): void;
  rawGetIndex(L: LuaState, idx: number, i: number): number;
  rawSetIndex(L: LuaState, idx: number, i: number): void;
  rawSet(L: LuaState, idx: number): void;
  rawLength(L: LuaState, idx: number): number;
  next(L: LuaState, idx: number): boolean;
  newTable(L: LuaState, arraySize: number, hashSize: number): void;
  getMetatable(L: LuaState, idx: number): boolean;
  setMetatable(L: LuaState, idx: number): void;
  ref(L: LuaState): number;
  unref(L: LuaState, ref: number): void;
  load(L: LuaState, source: Uint8Array, chunkName: string): boolean;
  pcall(L: LuaState, nargs: number, nresults: number, handlerIdx: number): boolean;
}

/**
 * Thrown through TypeScript while a Lua error is on its way (its value stashed in the Lua state).
 * Like wasmoon's unwinding value, never catch it: the dispatcher of the calling trampoline does.
 */
export const LUA_ERROR_UNWINDING = new Error('a Lua error is unwinding (raised outside a call from Lua)');

/** The folder holding binding.gyp: the checkout, or the installed package (this file is then in dist/src/bridge/). */
function packageRoot(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../..'), path.resolve(here, '../../..')].find((dir) => existsSync(path.join(dir, 'binding.gyp')));
}

function loadAddon(): LuaJitAddon | undefined {
  const root = packageRoot();
  if (root === undefined) return undefined;
  try {
    const load = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => LuaJitAddon;
    return load(root);
  } catch {
    return undefined; // not built: node-gyp-build found no binary
  }
}

/** Process-wide, like LuaBridge: one addon, one trampoline and one handler table serve every state. */
export class LuaJitBridge implements LuaApi {
  private static instance: LuaJitBridge | undefined | null;

  /** Whether the addon is built (it is optional). */
  static available(): boolean {
    return LuaJitBridge.load() !== undefined;
  }

  /** The bridge, or undefined when the addon is not built (see LUAJIT_BUILD_HINT). */
  static load(): LuaJitBridge | undefined {
    if (LuaJitBridge.instance === undefined) {
      const addon = loadAddon();
      LuaJitBridge.instance = addon ? new LuaJitBridge(addon) : null;
    }
    return LuaJitBridge.instance ?? undefined;
  }

  readonly dialect = 'luajit';
  readonly registryIndex = LUA_REGISTRYINDEX;
  private readonly handlers: LuaCFunction[] = [];
  private readonly callerLevels: number[] = [];
  private readonly names: string[] = [];

  private constructor(private readonly native: LuaJitAddon) {
    native.init((L, id) => this.dispatch(L, id), LUA_ERROR_UNWINDING);
  }

  /** Called by the C trampoline: the handler's result count, or -1 to raise the stashed error. */
  private dispatch(L: LuaState, id: number): number {
    try {
      return this.handlers[id]!(L, this.names[id]!);
    } catch (error) {
      if (error !== LUA_ERROR_UNWINDING) this.native.stashMessage(L, this.callerLevels[id]!, describeFailure(error));
      return -1;
    }
  }

  registerFunction(fn: LuaCFunction, callerLevel = 1, name = ''): number {
    this.handlers.push(fn);
    this.callerLevels.push(callerLevel);
    this.names.push(name);
    return this.handlers.length - 1;
  }

  pushFunction(L: LuaState, handlerId: number, extraUpvalues = 0): void {
    this.native.pushFunction(L, handlerId, extraUpvalues);
  }

  raise(L: LuaState, message: string, level = 1): never {
    this.native.stashMessage(L, level, message);
    throw LUA_ERROR_UNWINDING;
  }

  raiseTop(L: LuaState): never {
    this.native.stashTop(L);
    throw LUA_ERROR_UNWINDING;
  }

  load(L: LuaState, source: string | Uint8Array, chunkName: string): boolean {
    return this.native.load(L, typeof source === 'string' ? Buffer.from(source) : source, chunkName);
  }

  pcall(L: LuaState, nargs: number, nresults: number, handlerIdx: number): boolean {
    return this.native.pcall(L, nargs, nresults, handlerIdx);
  }

  newState(): LuaState {
    const L = this.native.newState();
    if (L === 0) throw new Error('could not create a LuaJIT state (out of memory)');
    return L;
  }

  closeState(L: LuaState): void {
    this.native.closeState(L);
  }

  // ---- the stack --------------------------------------------------------------------------------

  upvalueIndex(i: number): number {
    return LUA_GLOBALSINDEX - i;
  }
  getTop(L: LuaState): number {
    return this.native.getTop(L);
  }
  setTop(L: LuaState, idx: number): void {
    this.native.setTop(L, idx);
  }
  absIndex(L: LuaState, idx: number): number {
    return this.native.absIndex(L, idx);
  }
  pushValue(L: LuaState, idx: number): void {
    this.native.pushValue(L, idx);
  }
  rotate(L: LuaState, idx: number, n: number): void {
    this.native.rotate(L, idx, n);
  }
  checkStack(L: LuaState, n: number): boolean {
    return this.native.checkStack(L, n);
  }

  // ---- reading values ---------------------------------------------------------------------------

  type(L: LuaState, idx: number): number {
    return this.native.type(L, idx);
  }
  typeName(L: LuaState, idx: number): string {
    const t = this.native.type(L, idx);
    return t === LUA_TNONE ? 'no value' : TYPE_NAMES[t]!;
  }
  toNumber(L: LuaState, idx: number): number {
    return this.native.toNumber(L, idx);
  }
  numberOrNaN(L: LuaState, idx: number): number {
    return this.native.numberOrNaN(L, idx);
  }
  /** LuaJIT numbers are all doubles: there is no integer subtype. */
  isInteger(): boolean {
    return false;
  }
  toInteger64(L: LuaState, idx: number): bigint {
    const n = this.native.toNumber(L, idx);
    return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
  }
  toBoolean(L: LuaState, idx: number): boolean {
    return this.native.toBoolean(L, idx);
  }
  toString(L: LuaState, idx: number): string | undefined {
    return this.native.toString(L, idx);
  }
  toBytes(L: LuaState, idx: number): Uint8Array | undefined {
    return this.native.toBytes(L, idx);
  }
  toUserdata(L: LuaState, idx: number): number {
    return this.native.toUserdata(L, idx);
  }
  rawEqual(L: LuaState, a: number, b: number): boolean {
    return this.native.rawEqual(L, a, b);
  }

  // ---- pushing values ---------------------------------------------------------------------------

  pushNil(L: LuaState): void {
    this.native.pushNil(L);
  }
  pushNumber(L: LuaState, n: number): void {
    this.native.pushNumber(L, n);
  }
  /** A LuaJIT number: whole ones print as `3` already. */
  pushInteger(L: LuaState, n: number): void {
    this.native.pushNumber(L, n);
  }
  pushBoolean(L: LuaState, b: boolean): void {
    this.native.pushBoolean(L, b);
  }
  pushString(L: LuaState, s: string): void {
    this.native.pushString(L, s);
  }
  pushStringOrNil(L: LuaState, s: string | null | undefined): number {
    if (s === undefined || s === null) this.native.pushNil(L);
    else this.native.pushString(L, s);
    return 1;
  }
  pushBytes(L: LuaState, bytes: Uint8Array): void {
    this.native.pushBytes(L, bytes);
  }
  pushLightUserdata(L: LuaState, p: number): void {
    this.native.pushLightUserdata(L, p);
  }
  pushEmptyUserdata(L: LuaState): void {
    this.native.pushEmptyUserdata(L);
  }

  // ---- tables, metatables, globals, the registry ------------------------------------------------

  newTable(L: LuaState, arraySize = 0, hashSize = 0): void {
    this.native.newTable(L, arraySize, hashSize);
  }
  getField(L: LuaState, tableIdx: number, key: string): number {
    return this.native.getField(L, tableIdx, key);
  }
  setField(L: LuaState, tableIdx: number, key: string): void {
    this.native.setField(L, tableIdx, key);
  }
  getGlobal(L: LuaState, name: string): number {
    return this.native.getGlobal(L, name);
  }
  setGlobal(L: LuaState, name: string): void {
    this.native.setGlobal(L, name);
  }
  rawGetIndex(L: LuaState, tableIdx: number, i: number): number {
    return this.native.rawGetIndex(L, tableIdx, i);
  }
  rawSetIndex(L: LuaState, tableIdx: number, i: number): void {
    this.native.rawSetIndex(L, tableIdx, i);
  }
  rawSet(L: LuaState, tableIdx: number): void {
    this.native.rawSet(L, tableIdx);
  }
  rawLength(L: LuaState, idx: number): number {
    return this.native.rawLength(L, idx);
  }
  next(L: LuaState, tableIdx: number): boolean {
    return this.native.next(L, tableIdx);
  }
  getMetatable(L: LuaState, idx: number): boolean {
    return this.native.getMetatable(L, idx);
  }
  setMetatable(L: LuaState, idx: number): void {
    this.native.setMetatable(L, idx);
  }
  ref(L: LuaState): number {
    return this.native.ref(L);
  }
  unref(L: LuaState, ref: number): void {
    this.native.unref(L, ref);
  }

  // ---- engine-object userdata -------------------------------------------------------------------

  pushHandleUserdata(L: LuaState, handle: number): void {
    this.native.pushHandleUserdata(L, handle);
  }
  handleAt(L: LuaState, idx: number): number {
    return this.native.handleAt(L, idx);
  }
}
