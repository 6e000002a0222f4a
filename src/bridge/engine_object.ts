/**
 * Engine objects (clients, lobbies, browsers, sessions) as Lua userdata.
 *
 * Each kind has a metatable whose `__index` is its namespace table, so `obj:fn()`, `NS.fn(obj)` and
 * `obj.fn(obj)` all work and unknown keys give nil (scripts probe `lobby.kick`); `__name` feeds
 * `Script.type_name` and `__tostring` names the object. The same object always pushes the same
 * userdata, so scripts can compare and use them as table keys.
 */
import { LUA_REGISTRYINDEX, LUA_TUSERDATA, LuaRaise, type LuaState } from './lua_bridge.js';
import type { LuaVm } from './lua_vm.js';

/** Marks our userdata: [magic u32, handle u32]. */
const MAGIC = 0x5354_4e47; // "STNG"

interface Entry {
  kind: string;
  object: object;
}

export class EngineObjects {
  private readonly entries = new Map<number, Entry>();
  private readonly handles = new WeakMap<object, number>();
  private readonly metatables = new Map<string, number>();
  private nextHandle = 1;
  /** Registry table handle -> userdata, weak-valued so unused userdata can be collected. */
  private readonly cacheRef: number;

  constructor(private readonly vm: LuaVm) {
    const { bridge, L } = vm;
    bridge.newTable(L);
    bridge.newTable(L);
    bridge.pushString(L, 'v');
    bridge.setField(L, -2, '__mode');
    bridge.api.lua_setmetatable(L, -2);
    this.cacheRef = bridge.api.luaL_ref(L, LUA_REGISTRYINDEX);
  }

  /** Declare an object kind ("LanLobby") whose methods live in the namespace table of the same name. */
  defineKind(kind: string, namespace = kind): void {
    if (this.metatables.has(kind)) return;
    const { bridge, L } = this.vm;
    bridge.newTable(L);
    bridge.pushString(L, kind);
    bridge.setField(L, -2, '__name');
    this.vm.pushRef(this.vm.namespace(namespace));
    bridge.setField(L, -2, '__index');
    bridge.pushFunction(
      L,
      bridge.registerFunction((L) => {
        const entry = this.entryAt(L, 1);
        bridge.pushString(L, entry ? describe(entry) : `${kind} (destroyed)`);
        return 1;
      }),
    );
    bridge.setField(L, -2, '__tostring');
    this.metatables.set(kind, bridge.api.luaL_ref(L, LUA_REGISTRYINDEX));
  }

  /** Push the userdata of `object` (created on first push). */
  push(L: LuaState, kind: string, object: object): void {
    const { bridge } = this.vm;
    let handle = this.handles.get(object);
    if (handle === undefined) {
      handle = this.nextHandle++;
      this.handles.set(object, handle);
      this.entries.set(handle, { kind, object });
    }
    this.vm.pushRef(this.cacheRef, L);
    if (bridge.rawGetIndex(L, -1, handle) === LUA_TUSERDATA) {
      bridge.api.lua_rotate(L, -2, 1);
      bridge.api.lua_settop(L, -2);
      return;
    }
    bridge.api.lua_settop(L, -2);
    const block = bridge.api.lua_newuserdatauv(L, 8, 0);
    const words = bridge.words();
    words[block >> 2] = MAGIC;
    words[(block >> 2) + 1] = handle;
    const metatable = this.metatables.get(kind);
    if (metatable === undefined) throw new Error(`engine object kind ${kind} was not defined`);
    this.vm.pushRef(metatable, L);
    bridge.api.lua_setmetatable(L, -2);
    bridge.api.lua_pushvalue(L, -1);
    bridge.rawSetIndex(L, -3, handle);
    bridge.api.lua_rotate(L, -2, 1);
    bridge.api.lua_settop(L, -2);
  }

  /** Forget `object`: its userdata stays valid Lua but every call on it reports it destroyed. */
  release(object: object): void {
    const handle = this.handles.get(object);
    if (handle === undefined) return;
    this.entries.delete(handle);
    this.handles.delete(object);
  }

  private entryAt(L: LuaState, idx: number): Entry | undefined {
    const { bridge } = this.vm;
    // lua_touserdata is 0 for anything but userdata. A foreign userdata smaller than ours reads neighbouring memory here: harmless in wasm, and its
    // bytes will not hold our magic and a live handle.
    const block = bridge.toUserdata(L, idx);
    if (block === 0) return undefined;
    const at = block >> 2;
    const words = bridge.words();
    if (words[at] !== MAGIC) return undefined;
    return this.entries.get(words[at + 1]!);
  }

  /** The userdata's kind from its metatable, for messages about released objects. */
  private kindAt(L: LuaState, idx: number): string | undefined {
    const { bridge } = this.vm;
    if (bridge.type(L, idx) !== LUA_TUSERDATA || bridge.api.lua_getmetatable(L, idx) === 0) return undefined;
    bridge.getField(L, -1, '__name');
    const kind = bridge.toString(L, -1);
    bridge.api.lua_settop(L, -3);
    return kind;
  }

  /** The object of `kind` at argument `idx`, or a Lua error naming the function and argument. */
  check<T extends object>(L: LuaState, idx: number, kinds: string | readonly string[], fn: string): T {
    // The common case first, without allocating: the right kind of live object.
    const found = this.entryAt(L, idx);
    if (found && found.kind === kinds) return found.object as T;
    const entry = found;
    const accepted = typeof kinds === 'string' ? [kinds] : kinds;
    if (entry && accepted.includes(entry.kind)) return entry.object as T;
    const expected = accepted.join(' or ');
    if (!entry) {
      const kind = this.kindAt(L, idx);
      if (kind && accepted.includes(kind)) {
        throw new LuaRaise(`bad argument #${idx} to '${fn}' (this ${kind} was destroyed or shut down)`);
      }
    }
    const got = entry ? entry.kind : (this.kindAt(L, idx) ?? this.vm.bridge.typeName(L, idx));
    throw new LuaRaise(`bad argument #${idx} to '${fn}' (${expected} expected, got ${got})`);
  }

  /** Whether `idx` holds a userdata of `kind` whose object was released (shut down, left, destroyed). */
  released(L: LuaState, idx: number, kind: string): boolean {
    return this.entryAt(L, idx) === undefined && this.kindAt(L, idx) === kind;
  }

  /** Like check, but nil/none gives undefined. */
  optional<T extends object>(L: LuaState, idx: number, kinds: string | readonly string[], fn: string): T | undefined {
    if (this.vm.bridge.type(L, idx) <= 0) return undefined;
    return this.check<T>(L, idx, kinds, fn);
  }
}

function describe(entry: Entry): string {
  const label = (entry.object as { label?: () => string }).label?.();
  return label ? `${entry.kind} (${label})` : entry.kind;
}
