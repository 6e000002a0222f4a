/**
 * Lua values ⇄ network config values, directed by the declared type: integers stay Lua integers,
 * Vector3/Quaternion values cross as their components, 64-bit ids as hex strings, arrays as
 * 1-based tables. Values a type refuses raise a Lua error that names where they were going.
 */
import { ArrayType, ValueError, type NetworkType, type QuaternionValue, type Vector3Value, type WireValue } from '../../core/config/network_type.js';
import { LUA_TBOOLEAN, LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LuaRaise, type LuaState } from '../../bridge/lua_api.js';
import type { LuaVm } from '../../bridge/lua_vm.js';

/** A Lua value no type accepts (a function, a plain table...), described by its Lua type. */
class Unconvertible {
  constructor(private readonly luaType: string) {}

  toString(): string {
    return `a ${this.luaType} value`;
  }
}

/** Elements read from a table for an array type, at most: more cannot be valid anyway. */
const ARRAY_READ_LIMIT = 65536;

export class NetworkValues {
  constructor(private readonly vm: LuaVm) {}

  /** The value at `idx` checked against `type`; `where` prefixes the error ("RPC.rpc_x argument #2"). */
  read(L: LuaState, idx: number, type: NetworkType, where: string): WireValue {
    try {
      return type.check(this.toJs(L, this.vm.bridge.absIndex(L, idx), type));
    } catch (error) {
      if (error instanceof ValueError) throw new LuaRaise(`${where}: ${error.message}`);
      throw error;
    }
  }

  private toJs(L: LuaState, idx: number, type: NetworkType): unknown {
    const { bridge } = this.vm;
    switch (bridge.type(L, idx)) {
      case LUA_TNUMBER:
        return bridge.toNumber(L, idx);
      case LUA_TSTRING:
        return bridge.toString(L, idx);
      case LUA_TBOOLEAN:
        return bridge.toBoolean(L, idx);
      case LUA_TTABLE:
        if (this.vm.isVector3(L, idx)) return this.components(L, idx, 3);
        if (this.vm.isQuaternion(L, idx)) return this.components(L, idx, 4);
        if (type instanceof ArrayType) return this.elements(L, idx, type.element);
        return new Unconvertible('table');
      default:
        return bridge.type(L, idx) <= 0 ? undefined : new Unconvertible(bridge.typeName(L, idx));
    }
  }

  private components(L: LuaState, idx: number, count: 3 | 4): number[] {
    const { bridge } = this.vm;
    const out: number[] = [];
    for (const key of ['x', 'y', 'z', 'w'].slice(0, count)) {
      bridge.getField(L, idx, key);
      out.push(bridge.toNumber(L, -1));
      bridge.setTop(L, -2);
    }
    return out;
  }

  private elements(L: LuaState, idx: number, element: NetworkType): unknown[] {
    const { bridge } = this.vm;
    const length = Math.min(bridge.rawLength(L, idx), ARRAY_READ_LIMIT);
    const out: unknown[] = [];
    for (let i = 1; i <= length; i++) {
      bridge.rawGetIndex(L, idx, i);
      out.push(this.toJs(L, bridge.getTop(L), element));
      bridge.setTop(L, -2);
    }
    return out;
  }

  /** Push a value of `type` as scripts expect it. */
  push(L: LuaState, type: NetworkType, value: WireValue): void {
    const { bridge } = this.vm;
    switch (type.kind) {
      case 'int':
        bridge.pushInteger(L, value as number);
        return;
      case 'float':
        bridge.pushNumber(L, value as number);
        return;
      case 'bool':
        bridge.pushBoolean(L, value as boolean);
        return;
      case 'vector3': {
        const [x, y, z] = value as Vector3Value;
        this.vm.pushVector3(L, x, y, z);
        return;
      }
      case 'quaternion': {
        const [x, y, z, w] = value as QuaternionValue;
        this.vm.pushQuaternion(L, x, y, z, w);
        return;
      }
      case 'array': {
        const element = (type as ArrayType).element;
        const values = value as readonly WireValue[];
        bridge.newTable(L, values.length, 0);
        values.forEach((v, i) => {
          this.push(L, element, v);
          bridge.rawSetIndex(L, -2, i + 1);
        });
        return;
      }
      default:
        bridge.pushString(L, value as string);
    }
  }
}
