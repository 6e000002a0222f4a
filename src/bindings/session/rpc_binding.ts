/**
 * The global `RPC` table: one function per message of the running client's config,
 * `RPC.name(target, ...)`, where the target is a channel (newer scripts) or a peer id (older ones).
 * The table exists from the start, so `local RPC = RPC` captured before the client started keeps
 * working; `RPC[unknown]` is nil.
 */
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TNUMBER, LUA_TSTRING, LuaRaise } from '../../bridge/lua_api.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { ScriptNetwork } from '../network/network_binding.js';
import { NetworkValues } from '../network/network_value.js';
import type { RpcTarget } from '../../core/session/rpc.js';
import type { WireValue } from '../../core/config/network_type.js';

export function installRpc(vm: LuaVm, net: ScriptNetwork): void {
  const { bridge, L } = vm;
  const args = new LuaArgs(bridge);
  const values = new NetworkValues(vm);
  const table = vm.namespace('RPC');
  const defined = new Set<string>();

  // One handler for every message; the message name is the closure's second upvalue.
  const send = bridge.registerFunction((L) => {
    const name = bridge.toString(L, bridge.upvalueIndex(2))!;
    const fn = `RPC.${name}`;
    const message = net.config?.messages.get(name);
    const rpc = net.rpc;
    if (!message || !rpc) throw new LuaRaise(`${fn}: no network client is running with a config that has this message`);
    let target: RpcTarget;
    const targetType = bridge.type(L, 1);
    if (targetType === LUA_TNUMBER) target = { channel: net.channel(args.integer(L, 1, fn, 'channel'), fn) };
    else if (targetType === LUA_TSTRING) target = { peer: args.peerId(L, 1, fn) };
    else return args.bad(L, 1, fn, 'channel or peer id');
    const given = bridge.getTop(L) - 1;
    if (given !== message.args.length) throw new LuaRaise(`${fn}: ${message.args.length} argument(s) expected after the target, got ${given}`);
    const wire: WireValue[] = message.args.map((type, i) => values.read(L, i + 2, type, `bad argument #${i + 2} to '${fn}'`));
    rpc.send(message, target, wire);
    return 0;
  });

  net.onStart.push((config) => {
    vm.pushRef(table);
    for (const name of defined) {
      if (config.messages.has(name)) continue;
      bridge.pushNil(L);
      bridge.setField(L, -2, name);
    }
    defined.clear();
    for (const name of config.messages.keys()) {
      bridge.pushString(L, name);
      bridge.pushFunction(L, send, 1);
      bridge.setField(L, -2, name);
      defined.add(name);
    }
    bridge.setTop(L, -2);
  });
}
