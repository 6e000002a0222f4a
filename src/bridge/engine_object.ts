/**
 * Engine objects (clients, lobbies, browsers, sessions) as Lua userdata.
 *
 * Each kind has a metatable whose `__index` is its namespace table, so `obj:fn()`, `NS.fn(obj)` and
 * `obj.fn(obj)` all work and unknown keys give nil (scripts probe `lobby.kick`); `__name` feeds
 * `Script.type_name` and `__tostring` names the object. The same object always pushes the same
 * userdata, so scripts can compare and use them as table keys.
 */
import { LUA_TUSERDATA, LuaRaise, type LuaState } from './lua_api.js';
import type { LuaVm } from './lua_vm.js';

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
    bridge.setMetatable(L, -2);
    this.cacheRef = bridge.ref(L);
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
    this.metatables.set(kind, bridge.ref(L));
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
      bridge.rotate(L, -2, 1);
      bridge.setTop(L, -2);
      return;
    }
    bridge.setTop(L, -2);
    bridge.pushHandleUserdata(L, handle);
    const metatable = this.metatables.get(kind);
    if (metatable === undefined) throw new Error(`engine object kind ${kind} was not defined`);
    this.vm.pushRef(metatable, L);
    bridge.setMetatable(L, -2);
    bridge.pushValue(L, -1);
    bridge.rawSetIndex(L, -3, handle);
    bridge.rotate(L, -2, 1);
    bridge.setTop(L, -2);
  }

  /** Forget `object`: its userdata stays valid Lua but every call on it reports it destroyed. */
  release(object: object): void {
    const handle = this.handles.get(object);
    if (handle === undefined) return;
    this.entries.delete(handle);
    this.handles.delete(object);
  }

  private entryAt(L: LuaState, idx: number): Entry | undefined {
    const handle = this.vm.bridge.handleAt(L, idx);
    return handle === 0 ? undefined : this.entries.get(handle);
  }

  /** The userdata's kind from its metatable, for messages about released objects. */
  private kindAt(L: LuaState, idx: number): string | undefined {
    const { bridge } = this.vm;
    if (bridge.type(L, idx) !== LUA_TUSERDATA || !bridge.getMetatable(L, idx)) return undefined;
    bridge.getField(L, -1, '__name');
    const kind = bridge.toString(L, -1);
    bridge.setTop(L, -3);
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
