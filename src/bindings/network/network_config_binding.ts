/**
 * Introspection of the running client's `.network_config` from Lua: `Network.type_info`,
 * `message_info`, `object_info`, `object_has_field`, `type_index`, `pack_unpack`, the data-type
 * constants, and `Network.config_hash(name)`, which works before any client exists.
 */
import type { NetworkConfig } from '../../core/config/network_config.js';
import { TYPE_KINDS, type NetworkType, type TypeInfo } from '../../core/config/network_type.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LuaRaise, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { ScriptNetwork } from './network_binding.js';
import { NetworkValues } from './network_value.js';

export function installNetworkConfig(vm: LuaVm, net: ScriptNetwork): void {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  const values = new NetworkValues(vm);
  for (const kind of TYPE_KINDS) vm.defineConstant('Network', kind.toUpperCase(), kind);

  const config = (fn: string): NetworkConfig => {
    if (!net.config) throw new LuaRaise(`${fn}: no network config loaded (call Network.init_lan_client(config) first)`);
    return net.config;
  };
  /** The entry named by argument 1 in one of the config's tables. */
  const lookup = <T>(pick: (c: NetworkConfig) => ReadonlyMap<string, T>, L: LuaState, fn: string, what: string): T => {
    const c = config(fn);
    const name = args.string(L, 1, fn, `${what} name`);
    const found = pick(c).get(name);
    if (found === undefined) throw new LuaRaise(`${fn}: no ${what} '${name}' in ${c.file}`);
    return found;
  };
  const setNumber = (L: LuaState, key: string, value: number | undefined, integer: boolean): void => {
    if (value === undefined) return;
    if (integer) bridge.pushInteger(L, value);
    else bridge.pushNumber(L, value);
    bridge.setField(L, -2, key);
  };
  const pushTypeInfo = (L: LuaState, type: NetworkType): void => {
    const info: TypeInfo = type.info;
    bridge.newTable(L, 0, 11);
    bridge.pushString(L, info.type);
    bridge.setField(L, -2, 'type');
    // `id` is the reference's name for it; `name` is kept for scripts written against this project.
    for (const key of ['id', 'name']) {
      bridge.pushString(L, type.name);
      bridge.setField(L, -2, key);
    }
    bridge.pushBoolean(L, type.interpolated);
    bridge.setField(L, -2, 'interpolated');
    setNumber(L, 'interpolation_threshold', type.interpolationThreshold, false);
    setNumber(L, 'min', info.min, info.type === 'int');
    setNumber(L, 'max', info.max, info.type === 'int');
    setNumber(L, 'bits', info.bits, true);
    setNumber(L, 'tolerance', info.tolerance, false);
    setNumber(L, 'max_size', info.max_size, true);
    if (info.element !== undefined) {
      bridge.pushString(L, info.element);
      bridge.setField(L, -2, 'element');
    }
  };

  installFunctions(vm, {
    Network: {
      type_info: (L, fn) => {
        pushTypeInfo(L, lookup((c) => c.types, L, fn, 'type'));
        return 1;
      },
      message_info: (L, fn) => {
        const message = lookup((c) => c.messages, L, fn, 'message');
        bridge.newTable(L, 0, 6);
        bridge.pushString(L, message.name);
        bridge.setField(L, -2, 'name');
        bridge.newTable(L, message.args.length, 0);
        message.args.forEach((type, i) => {
          bridge.pushString(L, type.name);
          bridge.rawSetIndex(L, -2, i + 1);
        });
        bridge.setField(L, -2, 'args');
        // The reference's `arguments`: each argument's network_type_info.
        bridge.newTable(L, message.args.length, 0);
        message.args.forEach((type, i) => {
          pushTypeInfo(L, type);
          bridge.rawSetIndex(L, -2, i + 1);
        });
        bridge.setField(L, -2, 'arguments');
        bridge.pushBoolean(L, message.sessionBound);
        bridge.setField(L, -2, 'session_bound');
        bridge.pushBoolean(L, message.reliable);
        bridge.setField(L, -2, 'reliable');
        setNumber(L, 'priority', message.priority, Number.isInteger(message.priority));
        return 1;
      },
      object_info: (L, fn) => {
        const object = lookup((c) => c.objects, L, fn, 'object type');
        bridge.newTable(L, 0, 4);
        bridge.pushString(L, object.name);
        bridge.setField(L, -2, 'name');
        bridge.newTable(L, object.fields.length, 0);
        object.fields.forEach((field, i) => {
          bridge.newTable(L, 0, 2);
          bridge.pushString(L, field.name);
          bridge.setField(L, -2, 'name');
          bridge.pushString(L, field.type.name);
          bridge.setField(L, -2, 'type');
          bridge.rawSetIndex(L, -2, i + 1);
        });
        bridge.setField(L, -2, 'fields');
        setNumber(L, 'priority', object.priority, Number.isInteger(object.priority));
        setNumber(L, 'update_rate', object.updateRate, Number.isInteger(object.updateRate));
        return 1;
      },
      object_has_field: (L, fn) => {
        const object = lookup((c) => c.objects, L, fn, 'object type');
        bridge.pushBoolean(L, object.fieldIndex.has(args.string(L, 2, fn, 'field name')));
        return 1;
      },
      type_index: (L, fn) => {
        bridge.pushInteger(L, lookup((c) => c.types, L, fn, 'type').index);
        return 1;
      },
      pack_unpack: (L, fn) => {
        const c = config(fn);
        const index = args.integer(L, 1, fn, 'type index');
        const type = c.typeAt(index);
        if (!type) throw new LuaRaise(`bad argument #1 to '${fn}' (no type with index ${index} in ${c.file})`);
        values.push(L, type, type.quantize(values.read(L, 2, type, `bad argument #2 to '${fn}'`)));
        return 1;
      },
      config_hash: (L, fn) => {
        const name = args.string(L, 1, fn, 'config resource name');
        bridge.pushString(L, net.options.loadConfig(name).hash);
        return 1;
      },
    },
  });
}
