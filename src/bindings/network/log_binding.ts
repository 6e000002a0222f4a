/**
 * Network-wide settings and diagnostics: `Network.log(level)` and its constants, `ignore_rpc_log`,
 * `write_dump_tag`, `write_debug_output_to_log`, `set_config_value`, `default_network_address` and
 * the table-cache hint (`init_table_cache` / `shutdown_table_cache`).
 *
 * Log levels, quietest first: `silent` prints nothing; `warnings` (the default) prints what looks
 * like a script mistake (an RPC without a handler); `messages` (also `"info"`) adds connections made,
 * lost and refused; `spew` adds every RPC sent and received and every dump tag.
 */
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { NetworkLog, NetworkLogFile } from '../../core/transport/network_log.js';
import type { TransportSettings } from '../../core/transport/transport_settings.js';
import { MAX_MTU, MIN_MTU } from '../../core/transport/transport_settings.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TTABLE, LuaRaise, type LuaApi } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import { LOG_LEVELS, type LogLevel, type ScriptNetwork } from './network_binding.js';

/** `Network.set_config_value` keys: the transport settings, by the names of their setters. */
const CONFIG_VALUES: Record<string, keyof TransportSettings> = {
  max_transmit_rate: 'minTransmitInterval',
  keep_alive_time: 'keepAliveTime',
  keep_alive_time_connecting: 'keepAliveTimeConnecting',
  max_receiver_lost_time: 'receiverLostTime',
  resend_time: 'resendTime',
  mtu: 'mtu',
};

export function installLog(vm: LuaVm, net: ScriptNetwork): void {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  for (const level of LOG_LEVELS) vm.defineConstant('Network', level.toUpperCase(), level);

  installFunctions(vm, { Network: { ...logFunctions(net, args), ...settingFunctions(net, args, bridge) } });
}

/** The log level, dump tags, the network log file and the debug output. */
function logFunctions(net: ScriptNetwork, args: LuaArgs): Functions {
  return {
    log: (L, fn) => {
      const given = args.string(L, 1, fn, 'log level').toLowerCase();
      const level = given === 'info' ? 'messages' : given;
      if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new LuaRaise(`bad argument #1 to '${fn}' (one of ${LOG_LEVELS.join(', ')} or info expected, got '${given}')`);
      net.logLevel = level as LogLevel;
      return 0;
    },
    ignore_rpc_log: (L, fn) => {
      net.ignoredRpcs.add(args.string(L, 1, fn, 'RPC name'));
      return 0;
    },
    write_dump_tag: (L, fn) => {
      const text = args.text(L, 1, fn);
      net.log('spew', `dump tag: ${text}`);
      net.networkLog?.tag(text, net.node.clock.now());
      return 0;
    },
    open_network_log: (L, fn) => {
      const file = args.string(L, 1, fn, 'file path');
      if (net.networkLog) throw new LuaRaise(`${fn}: a network log is already being written; close it first`);
      try {
        net.networkLog = new NetworkLog(new NetworkLogFile(path.resolve(file)), 'script');
      } catch (error) {
        throw new LuaRaise(`${fn}: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      net.networkLog.peer = net.node.host?.peerId;
      return 0;
    },
    close_network_log: () => {
      net.networkLog?.close();
      net.networkLog = undefined;
      return 0;
    },
    write_debug_output_to_log: () => {
      const host = net.node.host;
      if (!host) {
        net.log('messages', 'no network client is running');
        return 0;
      }
      net.log('messages', `peer ${host.peerId} on port ${host.port}; dropped datagrams: ${JSON.stringify(host.drops)}`);
      for (const connection of host.connections()) {
        const s = connection.stats;
        net.log('messages', `  ${connection.peer}: ping ${(connection.rtt * 1000).toFixed(0)} ms, sent ${s.packetsSent} packets / ${s.bytesSent} bytes, received ${s.packetsReceived} / ${s.bytesReceived}, lost ${s.packetsLost}, send buffer left ${connection.reliableSendBufferLeft}`);
      }
      return 0;
    },
  };
}

/** Transport settings, the default address and the table-cache hint. */
function settingFunctions(net: ScriptNetwork, args: LuaArgs, bridge: LuaApi): Functions {
  return {
    set_config_value: (L, fn) => {
      const key = args.string(L, 1, fn, 'key');
      const setting = CONFIG_VALUES[key];
      if (!setting) throw new LuaRaise(`${fn}: unknown key '${key}' (known: ${Object.keys(CONFIG_VALUES).join(', ')})`);
      const value = args.number(L, 2, fn, 'value');
      if (!(value > 0)) throw new LuaRaise(`bad argument #2 to '${fn}' (a positive number expected, got ${value})`);
      net.node.settings[setting] = setting === 'mtu' ? Math.min(MAX_MTU, Math.max(MIN_MTU, Math.trunc(value))) : value;
      return 0;
    },
    // This machine's LAN address, or loopback when it has none.
    default_network_address: (L) => {
      const address = Object.values(networkInterfaces())
        .flat()
        .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
      bridge.pushString(L, address ?? '127.0.0.1');
      return 1;
    },
    // DT's optimisation hint: the names must exist in the running client's config.
    init_table_cache: (L, fn) => {
      const config = net.config;
      if (!config) throw new LuaRaise(`${fn}: no network client is running`);
      const check = (idx: number, what: string, known: ReadonlyMap<string, unknown>): void => {
        if (args.isNone(L, idx)) return;
        if (bridge.type(L, idx) !== LUA_TTABLE) args.bad(L, idx, fn, `table of ${what} names`);
        for (let i = 1; i <= bridge.rawLength(L, idx); i++) {
          bridge.rawGetIndex(L, idx, i);
          const name = bridge.toString(L, -1);
          bridge.setTop(L, -2);
          if (name === undefined || !known.has(name)) throw new LuaRaise(`${fn}: no ${what} '${name}' in ${config.file}`);
        }
      };
      check(1, 'message', config.messages);
      check(2, 'object type', config.objects);
      return 0;
    },
    // Lookups by name are always O(1) here: the cache holds nothing to release.
    shutdown_table_cache: () => 0,
  };
}
