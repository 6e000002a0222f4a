/**
 * `LuaApi` over LuaJIT 2.1, the VM the games shipped on, embedded by the native addon of `native/`
 * (built at install time when libluajit-5.1-dev and a C compiler are there; absent otherwise).
 *
 * Each operation is one Node-API call into the addon, except the commonest of a bridged function:
 * its first arguments' types, numbers and booleans are read from a snapshot the trampoline takes,
 * and nil, boolean and number results and copies of stack values are queued in the call buffer
 * (shared memory), pushed by the trampoline when the function returns or by the next operation. bench/vm.bench.ts compares the per-call cost with wasmoon's.
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
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TNONE, LUA_TNUMBER, LUA_TSTRING, describeFailure, type LuaApi, type LuaCFunction, type LuaState } from './lua_api.js';

/** Lua 5.1's pseudo-indices (lua.h of LuaJIT). */
const LUA_REGISTRYINDEX = -10000;
const LUA_GLOBALSINDEX = -10002;

/** The call buffer's layout (native/luajit_addon.c: the trampoline). */
const CALL_STATE = 0;
const CALL_HANDLER = 1;
const CALL_NARGS = 2;
const CALL_TYPES = 3;
const SNAPSHOT_ARGS = 8;
const CALL_VALUES = CALL_TYPES + SNAPSHOT_ARGS;
const PENDING_COUNT = CALL_VALUES + SNAPSHOT_ARGS;
const PENDING = PENDING_COUNT + 1;
const MAX_PENDING = 16;
/** A queued lua_pushvalue, beside the Lua type codes. */
const PUSH_COPY = -2;

const TYPE_NAMES = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

/** What to do when the addon is missing, in one line. */
export const LUAJIT_BUILD_HINT =
  'the LuaJIT VM is not built: install libluajit-5.1-dev, pkg-config and a C compiler, then run `npm rebuild stingray-network` (or `npm run install` in a checkout)';

/** The addon's exports (native/luajit_addon.c); states and pointers are numbers. */
interface LuaJitAddon {
  /** Returns the [L, handlerId] of each call the trampoline makes to `dispatch`. */
  /** Returns the call buffer (see the layout above). */
  init(dispatch: () => number, unwinding: Error): Float64Array;
  newState(): LuaState;
  closeState(L: LuaState): void;
  pushFunction(L: LuaState, handlerId: number, extraUpvalues: number): void;
  stashTop(L: LuaState): void;
  stashMessage(L: LuaState, level: number, message: string): void;
  getTop(L: LuaState): number;
  setTop(L: LuaState, idx: number): number;
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
  setField(L: LuaState, idx: number, key: string): number;
  getGlobal(L: LuaState, name: string): number;
  setGlobal(L: LuaState, name: string): number;
  rawGetIndex(L: LuaState, idx: number, i: number): number;
  rawSetIndex(L: LuaState, idx: number, i: number): number;
  rawSet(L: LuaState, idx: number): number;
  rawLength(L: LuaState, idx: number): number;
  next(L: LuaState, idx: number): boolean;
  newTable(L: LuaState, arraySize: number, hashSize: number): void;
  getMetatable(L: LuaState, idx: number): boolean;
  setMetatable(L: LuaState, idx: number): number;
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

  /** The call buffer shared with the C trampoline. */
  private readonly call: Float64Array;
  /** The state whose call is being dispatched (0 for none): its arguments are in the snapshot and its pushes may be queued. */
  private callState: LuaState = 0;
  /** How many of its first arguments the snapshot still holds (a pop below them lowers it). */
  private snapshotArgs = 0;

  /** The addon; each of its operations first pushes what is queued. */
  private constructor(private readonly native: LuaJitAddon) {
    this.call = native.init(() => this.dispatch(), LUA_ERROR_UNWINDING);
  }

  /** Called by the C trampoline: the handler's result count, or -1 to raise the stashed error. */
  private dispatch(): number {
    const call = this.call;
    const L = call[CALL_STATE]!;
    const id = call[CALL_HANDLER]!;
    this.callState = L;
    this.snapshotArgs = Math.min(call[CALL_NARGS]!, SNAPSHOT_ARGS);
    try {
      return this.handlers[id]!(L, this.names[id]!);
    } catch (error) {
      if (error !== LUA_ERROR_UNWINDING) this.native.stashMessage(L, this.callerLevels[id]!, describeFailure(error));
      return -1;
    } finally {
      // Queued pushes stay for the trampoline; a call this one made into Lua has overwritten the buffer.
      this.callState = 0;
      this.snapshotArgs = 0;
    }
  }

  /** The snapshot's type of argument `idx` of the call being dispatched, or undefined when it has none. */
  private snapshotType(L: LuaState, idx: number): number | undefined {
    return L === this.callState && idx > 0 && idx <= this.snapshotArgs ? this.call[CALL_TYPES + idx - 1] : undefined;
  }

  /** After an operation that popped values of `L`, leaving `top`: the snapshot no longer holds what was above. */
  private popped(L: LuaState, top: number): void {
    if (L === this.callState && top < this.snapshotArgs) this.snapshotArgs = top;
  }

  /** lua_tolstring turns a number in its slot into a string. */
  private convertedToString(L: LuaState, idx: number): void {
    if (this.snapshotType(L, idx) === LUA_TNUMBER) this.call[CALL_TYPES + idx - 1] = LUA_TSTRING;
  }

  /** After an operation that may have changed any slot of `L`. */
  private changed(L: LuaState): void {
    if (L === this.callState) this.snapshotArgs = 0;
  }

  /** Queue a plain value to push on the dispatched call's state; false when it must be pushed now. */
  private queue(L: LuaState, type: number, value: number): boolean {
    const call = this.call;
    const count = call[PENDING_COUNT]!;
    if (L !== this.callState || count >= MAX_PENDING) return false;
    call[PENDING + 2 * count] = type;
    call[PENDING + 2 * count + 1] = value;
    call[PENDING_COUNT] = count + 1;
    return true;
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
    const ok = this.native.pcall(L, nargs, nresults, handlerIdx);
    this.changed(L);
    return ok;
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
    this.popped(L, this.native.setTop(L, idx));
  }
  absIndex(L: LuaState, idx: number): number {
    return this.native.absIndex(L, idx);
  }
  pushValue(L: LuaState, idx: number): void {
    if (!this.queue(L, PUSH_COPY, idx)) this.native.pushValue(L, idx);
  }
  rotate(L: LuaState, idx: number, n: number): void {
    this.native.rotate(L, idx, n);
    this.changed(L);
  }
  checkStack(L: LuaState, n: number): boolean {
    return this.native.checkStack(L, n);
  }

  // ---- reading values ---------------------------------------------------------------------------

  type(L: LuaState, idx: number): number {
    return this.snapshotType(L, idx) ?? this.native.type(L, idx);
  }
  typeName(L: LuaState, idx: number): string {
    const t = this.type(L, idx);
    return t === LUA_TNONE ? 'no value' : TYPE_NAMES[t]!;
  }
  toNumber(L: LuaState, idx: number): number {
    const type = this.snapshotType(L, idx);
    if (type === LUA_TNUMBER) return this.call[CALL_VALUES + idx - 1]!;
    if (type !== undefined && type !== LUA_TSTRING) return 0;
    return this.native.toNumber(L, idx);
  }
  numberOrNaN(L: LuaState, idx: number): number {
    const type = this.snapshotType(L, idx);
    if (type === LUA_TNUMBER) return this.call[CALL_VALUES + idx - 1]!;
    if (type !== undefined && type !== LUA_TSTRING) return NaN;
    return this.native.numberOrNaN(L, idx);
  }
  /** LuaJIT numbers are all doubles: there is no integer subtype. */
  isInteger(): boolean {
    return false;
  }
  toInteger64(L: LuaState, idx: number): bigint {
    const n = this.toNumber(L, idx);
    return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
  }
  toBoolean(L: LuaState, idx: number): boolean {
    const type = this.snapshotType(L, idx);
    if (type === LUA_TBOOLEAN) return this.call[CALL_VALUES + idx - 1] !== 0;
    if (type !== undefined) return type !== LUA_TNIL && type !== LUA_TNONE;
    return this.native.toBoolean(L, idx);
  }
  toString(L: LuaState, idx: number): string | undefined {
    const text = this.native.toString(L, idx);
    this.convertedToString(L, idx);
    return text;
  }
  toBytes(L: LuaState, idx: number): Uint8Array | undefined {
    const bytes = this.native.toBytes(L, idx);
    this.convertedToString(L, idx);
    return bytes;
  }
  toUserdata(L: LuaState, idx: number): number {
    return this.native.toUserdata(L, idx);
  }
  rawEqual(L: LuaState, a: number, b: number): boolean {
    return this.native.rawEqual(L, a, b);
  }

  // ---- pushing values ---------------------------------------------------------------------------

  pushNil(L: LuaState): void {
    if (!this.queue(L, LUA_TNIL, 0)) this.native.pushNil(L);
  }
  pushNumber(L: LuaState, n: number): void {
    if (!this.queue(L, LUA_TNUMBER, n)) this.native.pushNumber(L, n);
  }
  /** A LuaJIT number: whole ones print as `3` already. */
  pushInteger(L: LuaState, n: number): void {
    this.pushNumber(L, n);
  }
  pushBoolean(L: LuaState, b: boolean): void {
    if (!this.queue(L, LUA_TBOOLEAN, b ? 1 : 0)) this.native.pushBoolean(L, b);
  }
  pushString(L: LuaState, s: string): void {
    this.native.pushString(L, s);
  }
  pushStringOrNil(L: LuaState, s: string | null | undefined): number {
    if (s === undefined || s === null) this.pushNil(L);
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
    this.popped(L, this.native.setField(L, tableIdx, key));
  }
  getGlobal(L: LuaState, name: string): number {
    return this.native.getGlobal(L, name);
  }
  setGlobal(L: LuaState, name: string): void {
    this.popped(L, this.native.setGlobal(L, name));
  }
  rawGetIndex(L: LuaState, tableIdx: number, i: number): number {
    return this.native.rawGetIndex(L, tableIdx, i);
  }
  rawSetIndex(L: LuaState, tableIdx: number, i: number): void {
    this.popped(L, this.native.rawSetIndex(L, tableIdx, i));
  }
  rawSet(L: LuaState, tableIdx: number): void {
    this.popped(L, this.native.rawSet(L, tableIdx));
  }
  rawLength(L: LuaState, idx: number): number {
    return this.native.rawLength(L, idx);
  }
  next(L: LuaState, tableIdx: number): boolean {
    const more = this.native.next(L, tableIdx);
    this.changed(L);
    return more;
  }
  getMetatable(L: LuaState, idx: number): boolean {
    return this.native.getMetatable(L, idx);
  }
  setMetatable(L: LuaState, idx: number): void {
    this.popped(L, this.native.setMetatable(L, idx));
  }
  ref(L: LuaState): number {
    const ref = this.native.ref(L);
    this.changed(L);
    return ref;
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
