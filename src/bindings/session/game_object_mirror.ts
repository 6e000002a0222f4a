/**
 * The Lua-side copy of game object fields that `GameSession.game_object_field` and
 * `set_game_object_field` answer from without a call into TypeScript (lua/game_object_mirror.lua):
 * per session userdata, every field value but arrays (Vector3 and Quaternion ones as their
 * components), written here whenever the session's GameObjects report a change, and the last value
 * this peer's script set on each object it owns. What the copy does not hold (array fields, unknown
 * objects and fields, bad arguments) goes to the TypeScript functions, which also raise every error.
 */
import type { GameObject } from '../../core/session/game_object.js';
import type { GameObjectWatcher, GameObjects } from '../../core/session/game_objects.js';
import type { NetworkType, QuaternionValue, Vector3Value } from '../../core/config/network_type.js';
import { LUA_TBOOLEAN, LUA_TNIL, LUA_TNUMBER, LUA_TSTRING, type LuaCFunction, type LuaState } from '../../bridge/lua_api.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { NetworkValues } from '../network/network_value.js';

/** How a field is copied: its value, its components (a fresh value is made of them per read), or not at all. */
const copyOf = (type: NetworkType): 'value' | 'components' | undefined =>
  type.kind === 'vector3' || type.kind === 'quaternion' ? 'components' : type.kind === 'array' ? undefined : 'value';

export class GameObjectMirror {
  private readonly valuesRef: number;
  private readonly vectorsRef: number;
  private readonly lastSetRef: number;
  private readonly objectsMetatableRef: number;

  /** Define `GameSession.game_object_field` and `set_game_object_field`, falling back to `engine`'s functions. */
  constructor(
    private readonly vm: LuaVm,
    private readonly values: NetworkValues,
    namespace: string,
    engine: { field: LuaCFunction; setField: LuaCFunction },
  ) {
    const { bridge, L } = vm;
    vm.runLuaFile('game_object_mirror.lua', 6, () => {
      bridge.pushFunction(L, bridge.registerFunction(engine.field, 2));
      bridge.pushFunction(L, bridge.registerFunction(engine.setField, 2));
      vm.pushValueTypeMetatable(L, false);
      vm.pushValueTypeMetatable(L, true);
      return 4;
    });
    this.objectsMetatableRef = vm.newRef(() => undefined);
    this.lastSetRef = vm.newRef(() => undefined);
    this.vectorsRef = vm.newRef(() => undefined);
    this.valuesRef = vm.newRef(() => undefined);
    vm.pushRef(vm.namespace(namespace));
    bridge.rotate(L, -3, 1);
    bridge.setField(L, -3, 'set_game_object_field');
    bridge.setField(L, -2, 'game_object_field');
    bridge.setTop(L, -2);
  }

  /** Mirror `objects` under the session userdata at `sessionIdx` until `detach`. */
  attach(L: LuaState, sessionIdx: number, objects: GameObjects): SessionMirror {
    const { vm } = this;
    const { bridge } = vm;
    const session = bridge.absIndex(L, sessionIdx);
    const keep = (): number => bridge.ref(L);
    bridge.pushValue(L, session);
    const refs = { session: keep(), values: 0, vectors: 0, lastSet: 0 };
    for (const [into, key] of [
      [this.valuesRef, 'values'],
      [this.vectorsRef, 'vectors'],
      [this.lastSetRef, 'lastSet'],
    ] as const) {
      vm.pushRef(into, L);
      bridge.pushValue(L, session);
      bridge.newTable(L);
      vm.pushRef(this.objectsMetatableRef, L);
      bridge.setMetatable(L, -2);
      bridge.pushValue(L, -1);
      refs[key] = keep();
      bridge.rawSet(L, -3);
      bridge.setTop(L, -2);
    }
    const mirror = new SessionMirror(vm, this.values, objects, refs);
    objects.watch(mirror);
    return mirror;
  }

  /** Forget a session's copy: its userdata reads through TypeScript again (and finds it gone). */
  detach(mirror: SessionMirror): void {
    const { vm } = this;
    const { bridge } = vm;
    mirror.objects.watch(undefined);
    for (const from of [this.valuesRef, this.vectorsRef, this.lastSetRef]) {
      vm.pushRef(from);
      vm.pushRef(mirror.refs.session);
      bridge.pushNil(vm.L);
      bridge.rawSet(vm.L, -3);
      bridge.setTop(vm.L, -2);
    }
    for (const ref of Object.values(mirror.refs)) vm.dropRef(ref);
  }
}

/**
 * One session's copy, kept current by its GameObjects. Writes go through the VM's main thread:
 * changes arrive from inside engine calls that may run on a coroutine, and the main thread's stack
 * is free to push on and pop back meanwhile.
 */
export class SessionMirror implements GameObjectWatcher {
  /** Objects with a last-set entry, so other changes know when there is one to clear. */
  private readonly lastSetObjects = new Set<number>();

  constructor(
    private readonly vm: LuaVm,
    private readonly values: NetworkValues,
    readonly objects: GameObjects,
    readonly refs: { readonly session: number; readonly values: number; readonly vectors: number; readonly lastSet: number },
  ) {}

  added(object: GameObject): void {
    const { bridge, L } = this.vm;
    const fields = object.type.fields;
    bridge.checkStack(L, 6);
    this.vm.pushRef(this.refs.values);
    bridge.newTable(L, 0, fields.length);
    let vectors = false;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const copy = copyOf(field.type);
      vectors ||= copy === 'components';
      if (copy !== 'value') continue;
      this.values.push(L, field.type, object.values[i]!);
      bridge.setField(L, -2, field.name);
    }
    bridge.rawSetIndex(L, -2, object.id);
    bridge.setTop(L, -2);
    if (!vectors) return;
    this.vm.pushRef(this.refs.vectors);
    bridge.newTable(L);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (copyOf(field.type) !== 'components') continue;
      const components = object.values[i] as Vector3Value | QuaternionValue;
      bridge.newTable(L, components.length, 0);
      this.writeComponents(components);
      bridge.setField(L, -2, field.name);
    }
    bridge.rawSetIndex(L, -2, object.id);
    bridge.setTop(L, -2);
  }

  changed(object: GameObject, index: number): void {
    const field = object.type.fields[index]!;
    const copy = copyOf(field.type);
    const { bridge, L } = this.vm;
    if (copy === 'value') {
      bridge.checkStack(L, 4);
      this.vm.pushRef(this.refs.values);
      bridge.rawGetIndex(L, -1, object.id);
      this.values.push(L, field.type, object.values[index]!);
      bridge.setField(L, -2, field.name);
      bridge.setTop(L, -3);
    } else if (copy === 'components') {
      bridge.checkStack(L, 5);
      this.vm.pushRef(this.refs.vectors);
      bridge.rawGetIndex(L, -1, object.id);
      bridge.getField(L, -1, field.name);
      this.writeComponents(object.values[index] as Vector3Value | QuaternionValue);
      bridge.setTop(L, -4);
    }
    // A change the script did not make here (an update, a set of several fields) voids its last set.
    if (this.lastSetObjects.has(object.id)) this.clearLastSet(object, field.name);
  }

  /** Set the table on top of the stack to `components` (1 = x, 2 = y...). */
  private writeComponents(components: Vector3Value | QuaternionValue): void {
    const { bridge, L } = this.vm;
    for (let c = 0; c < components.length; c++) {
      bridge.pushNumber(L, components[c]!);
      bridge.rawSetIndex(L, -2, c + 1);
    }
  }

  ownerChanged(object: GameObject): void {
    if (this.lastSetObjects.has(object.id)) this.clearLastSet(object, undefined);
  }

  removed(object: GameObject): void {
    const { bridge, L } = this.vm;
    bridge.checkStack(L, 3);
    for (const table of [this.refs.values, this.refs.vectors]) {
      this.vm.pushRef(table);
      bridge.pushNil(L);
      bridge.rawSetIndex(L, -2, object.id);
      bridge.setTop(L, -2);
    }
    if (this.lastSetObjects.has(object.id)) this.clearLastSet(object, undefined);
  }

  /** The script at `L` set field `index` of `object`, which it owns, to the value at absolute index `valueIdx`. */
  setByScript(L: LuaState, object: GameObject, index: number, valueIdx: number): void {
    const { bridge } = this.vm;
    const type = bridge.type(L, valueIdx);
    // Only values compared by value: a table the script set may change after the call.
    if (type !== LUA_TNUMBER && type !== LUA_TSTRING && type !== LUA_TBOOLEAN) return;
    bridge.checkStack(L, 4);
    this.vm.pushRef(this.refs.lastSet, L);
    if (bridge.rawGetIndex(L, -1, object.id) === LUA_TNIL) {
      bridge.setTop(L, -2);
      bridge.newTable(L);
      bridge.pushValue(L, -1);
      bridge.rawSetIndex(L, -3, object.id);
    }
    bridge.pushValue(L, valueIdx);
    bridge.setField(L, -2, object.type.fields[index]!.name);
    bridge.setTop(L, -3);
    this.lastSetObjects.add(object.id);
  }

  /** Clear the object's last set `field`, or all of them. */
  private clearLastSet(object: GameObject, field: string | undefined): void {
    const { bridge, L } = this.vm;
    bridge.checkStack(L, 3);
    this.vm.pushRef(this.refs.lastSet);
    if (field === undefined) {
      bridge.pushNil(L);
      bridge.rawSetIndex(L, -2, object.id);
      this.lastSetObjects.delete(object.id);
    } else {
      bridge.rawGetIndex(L, -1, object.id);
      bridge.pushNil(L);
      bridge.setField(L, -2, field);
      bridge.setTop(L, -2);
    }
    bridge.setTop(L, -2);
  }
}
