/**
 * Introspection of the running client's `.network_config` from Lua: `Network.type_info`,
 * `message_info`, `object_info`, `object_has_field`, `type_index`, `pack_unpack`, the data-type
 * constants, and `Network.config_hash(name)`, which works before any client exists.
 */
import { NetworkConfigError, type NetworkConfig } from '../../core/config/network_config.js';
import { TYPE_KINDS, type NetworkType, type TypeInfo } from '../../core/config/network_type.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LuaRaise, type LuaApi, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { ScriptNetwork } from './network_binding.js';
import { NetworkValues } from './network_value.js';

export function installNetworkConfig(vm: LuaVm, net: ScriptNetwork): void {
  for (const kind of TYPE_KINDS) vm.defineConstant('Network', kind.toUpperCase(), kind);
  const view = new ConfigView(vm, net);
  installFunctions(vm, { Network: { ...infoFunctions(view), ...valueFunctions(view) } });
}

/** `type_info`, `message_info`, `object_info`, `object_has_field`, `type_index`: the config's entries as tables. */
function infoFunctions(view: ConfigView): Functions {
  const { bridge, args } = view;
  return {
    type_info: (L, fn) => {
      view.pushTypeInfo(L, view.lookup((c) => c.types, L, fn, 'type'));
      return 1;
    },
    message_info: (L, fn) => {
      const message = view.lookup((c) => c.messages, L, fn, 'message');
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
        view.pushTypeInfo(L, type);
        bridge.rawSetIndex(L, -2, i + 1);
      });
      bridge.setField(L, -2, 'arguments');
      bridge.pushBoolean(L, message.sessionBound);
      bridge.setField(L, -2, 'session_bound');
      bridge.pushBoolean(L, message.reliable);
      bridge.setField(L, -2, 'reliable');
      view.setNumber(L, 'priority', message.priority, Number.isInteger(message.priority));
      return 1;
    },
    object_info: (L, fn) => {
      const object = view.lookup((c) => c.objects, L, fn, 'object type');
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
      view.setNumber(L, 'priority', object.priority, Number.isInteger(object.priority));
      view.setNumber(L, 'update_rate', object.updateRate, Number.isInteger(object.updateRate));
      return 1;
    },
    object_has_field: (L, fn) => {
      const object = view.lookup((c) => c.objects, L, fn, 'object type');
      bridge.pushBoolean(L, object.fieldIndex.has(args.string(L, 2, fn, 'field name')));
      return 1;
    },
    type_index: (L, fn) => {
      bridge.pushInteger(L, view.lookup((c) => c.types, L, fn, 'type').index);
      return 1;
    },
  };
}

/** `pack_unpack` (a value through its type's quantization) and `config_hash`. */
function valueFunctions(view: ConfigView): Functions {
  const { bridge, args, values, net } = view;
  return {
    pack_unpack: (L, fn) => {
      const c = view.config(fn);
      const index = args.integer(L, 1, fn, 'type index');
      const type = c.typeAt(index);
      if (!type) throw new LuaRaise(`bad argument #1 to '${fn}' (no type with index ${index} in ${c.file})`);
      values.push(L, type, type.quantize(values.read(L, 2, type, `bad argument #2 to '${fn}'`)));
      return 1;
    },
    config_hash: (L, fn) => {
      const name = args.string(L, 1, fn, 'config resource name');
      let config: NetworkConfig;
      try {
        config = net.options.loadConfig(name);
      } catch (error) {
        if (error instanceof NetworkConfigError) throw new LuaRaise(`${fn}: ${error.message}`);
        throw error;
      }
      bridge.pushString(L, config.hash);
      return 1;
    },
  };
}

/** What the config functions share: the running config and how its entries are shown to Lua. */
class ConfigView {
  readonly bridge: LuaApi;
  readonly args: LuaArgs;
  readonly values: NetworkValues;

  constructor(
    vm: LuaVm,
    readonly net: ScriptNetwork,
  ) {
    this.bridge = vm.bridge;
    this.args = new LuaArgs(vm.bridge);
    this.values = new NetworkValues(vm);
  }

  config(fn: string): NetworkConfig {
    if (!this.net.config) throw new LuaRaise(`${fn}: no network config loaded (call Network.init_lan_client(config) first)`);
    return this.net.config;
  }

  /** The entry named by argument 1 in one of the config's tables. */
  lookup<T>(pick: (c: NetworkConfig) => ReadonlyMap<string, T>, L: LuaState, fn: string, what: string): T {
    const c = this.config(fn);
    const name = this.args.string(L, 1, fn, `${what} name`);
    const found = pick(c).get(name);
    if (found === undefined) throw new LuaRaise(`${fn}: no ${what} '${name}' in ${c.file}`);
    return found;
  }

  /** Set `key` of the table on top to `value` (if any), an integer or a float. */
  setNumber(L: LuaState, key: string, value: number | undefined, integer: boolean): void {
    const { bridge } = this;
    if (value === undefined) return;
    if (integer) bridge.pushInteger(L, value);
    else bridge.pushNumber(L, value);
    bridge.setField(L, -2, key);
  }

  /** A type's network_type_info table. */
  pushTypeInfo(L: LuaState, type: NetworkType): void {
    const { bridge } = this;
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
    this.setNumber(L, 'interpolation_threshold', type.interpolationThreshold, false);
    this.setNumber(L, 'min', info.min, info.type === 'int');
    this.setNumber(L, 'max', info.max, info.type === 'int');
    this.setNumber(L, 'bits', info.bits, true);
    this.setNumber(L, 'tolerance', info.tolerance, false);
    this.setNumber(L, 'max_size', info.max_size, true);
    if (info.element !== undefined) {
      bridge.pushString(L, info.element);
      bridge.setField(L, -2, 'element');
    }
  }
}
