/**
 * The LAN subsystem's Lua surface: `Network.init_lan_client` / `shutdown_lan_client` / lobby
 * functions, and the `LanClient`, `LanLobby` and `LanLobbyBrowser` objects.
 */
import { BindError } from '../../core/transport/datagram_socket.js';
import { LanClient } from '../../core/lobby/lan_client.js';
import type { LanLobby } from '../../core/lobby/lan_lobby.js';
import type { LanLobbyBrowser } from '../../core/lobby/lan_lobby_browser.js';
import { FILTER_COMPARISONS } from '../../core/lobby/lobby_filter.js';
import { randomId } from '../../core/base/peer_id.js';
import type { EngineObjects } from '../../bridge/engine_object.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TNUMBER, LuaRaise, type LuaApi, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import { defineChannelFunctions, defineMemberDataFunctions, lobbyBrowserFunctions, pushPeerList, readStringTable } from './lobby_functions.js';
import type { ScriptNetwork } from '../network/network_binding.js';

const CLIENT = 'LanClient';
const LOBBY = 'LanLobby';
const BROWSER = 'LanLobbyBrowser';

export function installLan(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork): void {
  const lan = new LanScope(vm, objects, net);
  objects.defineKind(CLIENT);
  objects.defineKind(LOBBY);
  objects.defineKind(BROWSER);
  for (const state of ['creating', 'joining', 'joined', 'failed']) vm.defineConstant(LOBBY, state.toUpperCase(), state);
  for (const comparison of FILTER_COMPARISONS) vm.defineConstant(BROWSER, comparison.toUpperCase(), comparison);
  defineChannelFunctions(vm, lan.args, LOBBY, lan.lobbyArg, (fn) => lan.running(fn).channels);
  defineMemberDataFunctions(vm, lan.args, LOBBY, lan.lobbyArg);
  installFunctions(vm, {
    Network: networkFunctions(lan),
    [CLIENT]: clientFunctions(lan),
    [LOBBY]: lobbyFunctions(lan),
    [BROWSER]: browserFunctions(lan),
  });
}

/** What the LAN functions share: the VM's helpers and the running client. */
class LanScope {
  readonly bridge: LuaApi;
  readonly args: LuaArgs;
  client: LanClient | undefined;

  constructor(
    vm: LuaVm,
    readonly objects: EngineObjects,
    readonly net: ScriptNetwork,
  ) {
    this.bridge = vm.bridge;
    this.args = new LuaArgs(vm.bridge);
  }

  running(fn: string): LanClient {
    if (!this.client || this.client.isShutDown) throw new LuaRaise(`${fn}: no LAN client is running (call Network.init_lan_client first)`);
    return this.client;
  }

  readonly clientArg = (L: LuaState, fn: string): LanClient => this.objects.check<LanClient>(L, 1, CLIENT, fn);
  readonly lobbyArg = (L: LuaState, fn: string): LanLobby => this.objects.check<LanLobby>(L, 1, LOBBY, fn);
  readonly browserArg = (L: LuaState, fn: string): LanLobbyBrowser => this.objects.check<LanLobbyBrowser>(L, 1, BROWSER, fn);

  /** Forget the objects of a client that shut down. */
  release(c: LanClient): void {
    for (const lobby of c.lobbies) this.objects.release(lobby);
    for (const browser of c.browsers) this.objects.release(browser);
    this.objects.release(c);
  }

  /** `lobby(browser, index)` and `data_all(browser, index)`: the data of a lobby found, with its id and address for `lobby`. */
  pushFound(L: LuaState, fn: string, withIdentity: boolean): number {
    const { bridge } = this;
    const found = this.browserArg(L, fn).lobby(this.args.integer(L, 2, fn, 'lobby index (0-based)'));
    if (!found) {
      bridge.pushNil(L);
      return 1;
    }
    bridge.newTable(L, 0, found.data.size + 2);
    for (const [key, value] of found.data) {
      bridge.pushString(L, value);
      bridge.setField(L, -2, key);
    }
    if (withIdentity) {
      bridge.pushString(L, found.id);
      bridge.setField(L, -2, 'id');
      bridge.pushString(L, found.address);
      bridge.setField(L, -2, 'address');
    }
    return 1;
  }
}

/** `Network.init_lan_client`, `shutdown_lan_client` and the LAN lobby functions. */
function networkFunctions(lan: LanScope): Functions {
  const { bridge, args, objects, net } = lan;
  return {
    init_lan_client: (L, fn) => {
      const configName = args.string(L, 1, fn, 'config name');
      const port = args.isNone(L, 2) ? 0 : args.count(L, 2, fn, 'game port', 0, 65535);
      let peer: string;
      if (args.isNone(L, 3)) {
        peer = randomId(net.node.environment.random);
      } else {
        peer = args.peerId(L, 3, fn);
        if (peer === '0') throw new LuaRaise(`bad argument #3 to '${fn}' (peer id 0 means "none" and cannot be used)`);
      }
      net.checkNoSubsystem(fn);
      const config = net.options.loadConfig(configName);
      try {
        lan.client = new LanClient(net.node, config, port, peer);
      } catch (error) {
        // The engine returns nil when the port is taken ("port probably in use"); say why as a second value.
        if (!(error instanceof BindError)) throw error;
        bridge.pushNil(L);
        bridge.pushString(L, `${fn}: ${error.message}`);
        return 2;
      }
      net.start(lan.client, config);
      objects.push(L, CLIENT, lan.client);
      return 1;
    },
    shutdown_lan_client: (L, fn) => {
      if (objects.released(L, 1, CLIENT)) return 0;
      const c = objects.optional<LanClient>(L, 1, CLIENT, fn) ?? lan.client;
      if (!c || c.isShutDown) return 0;
      lan.release(c);
      if (net.subsystem === c) net.stop();
      else c.shutdown();
      if (lan.client === c) lan.client = undefined;
      return 0;
    },
    create_lan_lobby: (L, fn) => {
      const c = lan.running(fn);
      // (lobby_port, max_members) in older scripts, (max_members) in newer ones.
      const twoArgs = !args.isNone(L, 2);
      const lobbyPort = twoArgs ? args.count(L, 1, fn, 'lobby port', 1, 65535) : undefined;
      const maxMembers = args.count(L, twoArgs ? 2 : 1, fn, 'max members', 1, 65535);
      objects.push(L, LOBBY, c.createLobby(lobbyPort, maxMembers));
      return 1;
    },
    join_lan_lobby: (L, fn) => {
      const c = lan.running(fn);
      const target = bridge.type(L, 1) === LUA_TNUMBER ? args.id(L, 1, fn, 'address or lobby id') : args.string(L, 1, fn, 'address or lobby id');
      const lobbyPort = args.isNone(L, 2) ? undefined : args.count(L, 2, fn, 'lobby port', 0, 65535);
      objects.push(L, LOBBY, c.joinLobby(target, lobbyPort));
      return 1;
    },
    leave_lan_lobby: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      lan.client?.leaveLobby(lobby);
      objects.release(lobby);
      return 0;
    },
  };
}

/** `LanClient`: its lobby browsers. */
function clientFunctions(lan: LanScope): Functions {
  const { objects } = lan;
  return {
    lobby_browser: (L, fn) => {
      objects.push(L, BROWSER, lan.clientArg(L, fn).lobbyBrowser());
      return 1;
    },
    create_lobby_browser: (L, fn) => {
      objects.push(L, BROWSER, lan.clientArg(L, fn).createBrowser());
      return 1;
    },
    destroy_lobby_browser: (L, fn) => {
      const c = lan.clientArg(L, fn);
      const browser = objects.check<LanLobbyBrowser>(L, 2, BROWSER, fn);
      c.destroyBrowser(browser);
      objects.release(browser);
      return 0;
    },
  };
}

/** `LanLobby`: state, members, data, kicks and the game session host. */
function lobbyFunctions(lan: LanScope): Functions {
  const { bridge, args } = lan;
  return {
    state: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      bridge.pushString(L, lobby.state);
      if (lobby.state !== 'failed') return 1;
      bridge.pushString(L, lobby.reason);
      return 2;
    },
    members: (L, fn) => {
      const ids = lan.lobbyArg(L, fn).memberIds();
      pushPeerList(bridge, L, ids, 2);
      bridge.pushInteger(L, ids.length);
      return 2;
    },
    lobby_host: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      if (lobby.state === 'joined' && lobby.owner !== undefined) bridge.pushString(L, lobby.owner);
      else bridge.pushNil(L);
      return 1;
    },
    id: (L, fn) => {
      bridge.pushString(L, lan.lobbyArg(L, fn).id);
      return 1;
    },
    data: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      return bridge.pushStringOrNil(L, lobby.data.get(args.string(L, 2, fn, 'key')));
    },
    set_data: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      lobby.setData(args.string(L, 2, fn, 'key'), args.text(L, 3, fn));
      return 0;
    },
    set_data_table: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      lobby.setDataTable(Object.entries(readStringTable(bridge, args, L, 2, fn)), fn);
      return 0;
    },
    /** kick(lobby, peer): a member's peer id, or its zero-based place in members(). */
    kick: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      if (bridge.type(L, 2) !== LUA_TNUMBER) {
        lobby.kick(args.peerId(L, 2, fn));
        return 0;
      }
      const members = lobby.memberIds();
      const index = args.integer(L, 2, fn, 'member index (zero-based)');
      const peer = members[index];
      if (peer === undefined) throw new LuaRaise(`bad argument #2 to '${fn}' (member index ${index} is not in 0..${members.length - 1})`);
      lobby.kick(peer);
      return 0;
    },
    set_max_members: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      lobby.setMaxMembers(args.count(L, 2, fn, 'max members', 1, 65535));
      return 0;
    },
    game_session_host: (L, fn) => {
      return bridge.pushStringOrNil(L, lan.lobbyArg(L, fn).gameSessionHost);
    },
    set_game_session_host: (L, fn) => {
      const lobby = lan.lobbyArg(L, fn);
      lobby.setGameSessionHost(args.peerId(L, 2, fn));
      return 0;
    },
  };
}

/** `LanLobbyBrowser`: the lobby browser functions every subsystem shares, refreshing on a port and the lobbies found. */
function browserFunctions(lan: LanScope): Functions {
  const { bridge, args, objects } = lan;
  return {
    ...lobbyBrowserFunctions(bridge, args, lan.browserArg),
    refresh: (L, fn) => {
      const browser = lan.browserArg(L, fn);
      browser.refresh(args.count(L, 2, fn, 'lobby port', 1, 65535));
      return 0;
    },
    num_lobbies: (L, fn) => {
      bridge.pushInteger(L, lan.browserArg(L, fn).lobbyCount());
      return 1;
    },
    lobby: (L, fn) => lan.pushFound(L, fn, true),
    data_all: (L, fn) => lan.pushFound(L, fn, false),
    destroy: (L, fn) => {
      const browser = lan.browserArg(L, fn);
      lan.client?.destroyBrowser(browser);
      objects.release(browser);
      return 0;
    },
  };
}
