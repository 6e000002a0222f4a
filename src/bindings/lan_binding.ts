/**
 * The LAN subsystem's Lua surface: `Network.init_lan_client` / `shutdown_lan_client` / lobby
 * functions, and the `LanClient`, `LanLobby` and `LanLobbyBrowser` objects.
 */
import { BindError } from '../core/transport/datagram_socket.js';
import { LanClient } from '../core/lobby/lan_client.js';
import type { LanLobby } from '../core/lobby/lan_lobby.js';
import type { LanLobbyBrowser } from '../core/lobby/lan_lobby_browser.js';
import { FILTER_COMPARISONS } from '../core/lobby/lobby_filter.js';
import { randomId } from '../core/base/peer_id.js';
import type { EngineObjects } from '../bridge/engine_object.js';
import { LuaArgs } from '../bridge/lua_args.js';
import { LUA_TNUMBER, LuaRaise, type LuaState } from '../bridge/lua_bridge.js';
import type { LuaVm } from '../bridge/lua_vm.js';
import { comparisonArg, defineChannelFunctions, defineMemberDataFunctions, pushPeerList, readStringTable } from './lobby_functions.js';
import type { ScriptNetwork } from './network_binding.js';

const CLIENT = 'LanClient';
const LOBBY = 'LanLobby';
const BROWSER = 'LanLobbyBrowser';

export function installLan(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork): void {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  objects.defineKind(CLIENT);
  objects.defineKind(LOBBY);
  objects.defineKind(BROWSER);
  for (const state of ['creating', 'joining', 'joined', 'failed']) vm.defineConstant(LOBBY, state.toUpperCase(), state);
  for (const comparison of FILTER_COMPARISONS) vm.defineConstant(BROWSER, comparison.toUpperCase(), comparison);

  let client: LanClient | undefined;
  const running = (fn: string): LanClient => {
    if (!client || client.isShutDown) throw new LuaRaise(`${fn}: no LAN client is running (call Network.init_lan_client first)`);
    return client;
  };
  const lobbyArg = (L: LuaState, fn: string): LanLobby => objects.check<LanLobby>(L, 1, LOBBY, fn);
  const browserArg = (L: LuaState, fn: string): LanLobbyBrowser => objects.check<LanLobbyBrowser>(L, 1, BROWSER, fn);
  const release = (c: LanClient): void => {
    for (const lobby of c.lobbies) objects.release(lobby);
    for (const browser of c.browsers) objects.release(browser);
    objects.release(c);
  };

  // ---- Network ---------------------------------------------------------------------------------
  vm.defineFunction('Network', 'init_lan_client', (L) => {
    const fn = 'Network.init_lan_client';
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
      client = new LanClient(net.node, config, port, peer);
    } catch (error) {
      // The engine returns nil when the port is taken ("port probably in use"); say why as a second value.
      if (!(error instanceof BindError)) throw error;
      bridge.pushNil(L);
      bridge.pushString(L, `${fn}: ${error.message}`);
      return 2;
    }
    net.start(client, config);
    objects.push(L, CLIENT, client);
    return 1;
  });

  vm.defineFunction('Network', 'shutdown_lan_client', (L) => {
    if (objects.released(L, 1, CLIENT)) return 0;
    const c = objects.optional<LanClient>(L, 1, CLIENT, 'Network.shutdown_lan_client') ?? client;
    if (!c || c.isShutDown) return 0;
    release(c);
    if (net.subsystem === c) net.stop();
    else c.shutdown();
    if (client === c) client = undefined;
    return 0;
  });

  vm.defineFunction('Network', 'create_lan_lobby', (L) => {
    const fn = 'Network.create_lan_lobby';
    const c = running(fn);
    // (lobby_port, max_members) in older scripts, (max_members) in newer ones.
    const twoArgs = !args.isNone(L, 2);
    const lobbyPort = twoArgs ? args.count(L, 1, fn, 'lobby port', 1, 65535) : undefined;
    const maxMembers = args.count(L, twoArgs ? 2 : 1, fn, 'max members', 1, 65535);
    objects.push(L, LOBBY, c.createLobby(lobbyPort, maxMembers));
    return 1;
  });

  vm.defineFunction('Network', 'join_lan_lobby', (L) => {
    const fn = 'Network.join_lan_lobby';
    const c = running(fn);
    const target = bridge.type(L, 1) === LUA_TNUMBER ? args.id(L, 1, fn, 'address or lobby id') : args.string(L, 1, fn, 'address or lobby id');
    const lobbyPort = args.isNone(L, 2) ? undefined : args.count(L, 2, fn, 'lobby port', 0, 65535);
    objects.push(L, LOBBY, c.joinLobby(target, lobbyPort));
    return 1;
  });

  vm.defineFunction('Network', 'leave_lan_lobby', (L) => {
    const lobby = lobbyArg(L, 'Network.leave_lan_lobby');
    client?.leaveLobby(lobby);
    objects.release(lobby);
    return 0;
  });

  // ---- LanClient ------------------------------------------------------------------------------
  const clientArg = (L: LuaState, fn: string): LanClient => objects.check<LanClient>(L, 1, CLIENT, fn);
  vm.defineFunction(CLIENT, 'lobby_browser', (L) => {
    objects.push(L, BROWSER, clientArg(L, 'LanClient.lobby_browser').lobbyBrowser());
    return 1;
  });
  vm.defineFunction(CLIENT, 'create_lobby_browser', (L) => {
    objects.push(L, BROWSER, clientArg(L, 'LanClient.create_lobby_browser').createBrowser());
    return 1;
  });
  vm.defineFunction(CLIENT, 'destroy_lobby_browser', (L) => {
    const c = clientArg(L, 'LanClient.destroy_lobby_browser');
    const browser = objects.check<LanLobbyBrowser>(L, 2, BROWSER, 'LanClient.destroy_lobby_browser');
    c.destroyBrowser(browser);
    objects.release(browser);
    return 0;
  });

  // ---- LanLobby -------------------------------------------------------------------------------
  vm.defineFunction(LOBBY, 'state', (L) => {
    const lobby = lobbyArg(L, 'LanLobby.state');
    bridge.pushString(L, lobby.state);
    if (lobby.state !== 'failed') return 1;
    bridge.pushString(L, lobby.reason);
    return 2;
  });
  vm.defineFunction(LOBBY, 'members', (L) => {
    const ids = lobbyArg(L, 'LanLobby.members').memberIds();
    pushPeerList(bridge, L, ids, 2);
    bridge.pushInteger(L, ids.length);
    return 2;
  });
  vm.defineFunction(LOBBY, 'lobby_host', (L) => {
    const lobby = lobbyArg(L, 'LanLobby.lobby_host');
    if (lobby.state === 'joined' && lobby.owner !== undefined) bridge.pushString(L, lobby.owner);
    else bridge.pushNil(L);
    return 1;
  });
  vm.defineFunction(LOBBY, 'id', (L) => {
    bridge.pushString(L, lobbyArg(L, 'LanLobby.id').id);
    return 1;
  });
  vm.defineFunction(LOBBY, 'data', (L) => {
    const lobby = lobbyArg(L, 'LanLobby.data');
    return bridge.pushStringOrNil(L, lobby.data.get(args.string(L, 2, 'LanLobby.data', 'key')));
  });
  vm.defineFunction(LOBBY, 'set_data', (L) => {
    const fn = 'LanLobby.set_data';
    const lobby = lobbyArg(L, fn);
    lobby.setData(args.string(L, 2, fn, 'key'), args.text(L, 3, fn));
    return 0;
  });
  vm.defineFunction(LOBBY, 'set_data_table', (L) => {
    const fn = 'LanLobby.set_data_table';
    const lobby = lobbyArg(L, fn);
    lobby.setDataTable(Object.entries(readStringTable(bridge, args, L, 2, fn)), fn);
    return 0;
  });
  /** kick(lobby, peer): a member's peer id, or its zero-based place in members(). */
  vm.defineFunction(LOBBY, 'kick', (L) => {
    const fn = 'LanLobby.kick';
    const lobby = lobbyArg(L, fn);
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
  });
  vm.defineFunction(LOBBY, 'set_max_members', (L) => {
    const lobby = lobbyArg(L, 'LanLobby.set_max_members');
    lobby.setMaxMembers(args.count(L, 2, 'LanLobby.set_max_members', 'max members', 1, 65535));
    return 0;
  });
  vm.defineFunction(LOBBY, 'game_session_host', (L) => {
    return bridge.pushStringOrNil(L, lobbyArg(L, 'LanLobby.game_session_host').gameSessionHost);
  });
  vm.defineFunction(LOBBY, 'set_game_session_host', (L) => {
    const lobby = lobbyArg(L, 'LanLobby.set_game_session_host');
    lobby.setGameSessionHost(args.peerId(L, 2, 'LanLobby.set_game_session_host'));
    return 0;
  });
  defineChannelFunctions(vm, args, LOBBY, lobbyArg, (fn) => running(fn).channels);
  defineMemberDataFunctions(vm, args, LOBBY, lobbyArg);

  // ---- LanLobbyBrowser ------------------------------------------------------------------------
  vm.defineFunction(BROWSER, 'refresh', (L) => {
    const browser = browserArg(L, 'LanLobbyBrowser.refresh');
    browser.refresh(args.count(L, 2, 'LanLobbyBrowser.refresh', 'lobby port', 1, 65535));
    return 0;
  });
  vm.defineFunction(BROWSER, 'is_refreshing', (L) => {
    bridge.pushBoolean(L, browserArg(L, 'LanLobbyBrowser.is_refreshing').isRefreshing());
    return 1;
  });
  vm.defineFunction(BROWSER, 'num_lobbies', (L) => {
    bridge.pushInteger(L, browserArg(L, 'LanLobbyBrowser.num_lobbies').lobbyCount());
    return 1;
  });
  const pushFound = (L: LuaState, fn: string, withIdentity: boolean): number => {
    const found = browserArg(L, fn).lobby(args.integer(L, 2, fn, 'lobby index (0-based)'));
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
  };
  vm.defineFunction(BROWSER, 'lobby', (L) => pushFound(L, 'LanLobbyBrowser.lobby', true));
  vm.defineFunction(BROWSER, 'data_all', (L) => pushFound(L, 'LanLobbyBrowser.data_all', false));
  vm.defineFunction(BROWSER, 'add_filter', (L) => {
    const fn = 'LanLobbyBrowser.add_filter';
    const browser = browserArg(L, fn);
    const key = args.string(L, 2, fn, 'key');
    const value = args.text(L, 3, fn);
    browser.addFilter({ key, value, comparison: comparisonArg(args, L, 4, fn) });
    return 0;
  });
  vm.defineFunction(BROWSER, 'clear_filters', (L) => {
    browserArg(L, 'LanLobbyBrowser.clear_filters').clearFilters();
    return 0;
  });
  vm.defineFunction(BROWSER, 'destroy', (L) => {
    const browser = browserArg(L, 'LanLobbyBrowser.destroy');
    client?.destroyBrowser(browser);
    objects.release(browser);
    return 0;
  });
}
