/**
 * The Steam subsystem's Lua surface, on the emulated platform service: `Network.init_steam_client`
 * and its lobbies (`SteamClient`, `SteamLobby`, `SteamLobbyBrowser`, `SteamMisc`), and Steam game
 * servers (`Network.init_steam_server`, `SteamGameServer`, `join_steam_server` and its
 * `SteamGameServerLobby`, `SteamServerBrowser`).
 */
import { parseEndpoint } from '../../core/transport/datagram_socket.js';
import { dataValue } from '../../core/lobby/lobby_data.js';
import type { PlatformLobby } from '../../core/platform/platform_lobby.js';
import type { PlatformLobbyBrowser } from '../../core/platform/platform_lobby_browser.js';
import { LOBBY_TYPES, type LobbyType, type LobbyView } from '../../core/platform/platform_protocol.js';
import { SteamClient } from '../../core/platform/steam_client.js';
import { SteamGameServer, type SteamServerSettings } from '../../core/platform/steam_game_server.js';
import type { SteamGameServerLobby } from '../../core/platform/steam_game_server_lobby.js';
import type { SteamServerBrowser } from '../../core/platform/steam_server_browser.js';
import { SteamPingThread } from '../../core/platform/steam_ping_thread.js';
import type { PlatformClient } from '../../core/platform/platform_client.js';
import { NetworkError } from '../../core/base/network_error.js';
import type { EngineObjects } from '../../bridge/engine_object.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LUA_TUSERDATA, LuaRaise, type LuaApi, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { ScriptNetwork } from '../network/network_binding.js';
import { PlatformSlot } from './platform_slot.js';
import { defineChannelFunctions, defineMemberDataFunctions, lobbyBrowserFunctions, pushPeerList, pushRecord, pushStringTable, readStringTable } from '../lobby/lobby_functions.js';
import { FILTER_COMPARISONS } from '../../core/lobby/lobby_filter.js';

const CLIENT = 'SteamClient';
const LOBBY = 'SteamLobby';
const BROWSER = 'SteamLobbyBrowser';
const SERVER = 'SteamGameServer';
const SERVER_LOBBY = 'SteamGameServerLobby';
const SERVER_BROWSER = 'SteamServerBrowser';
const PING_THREAD = 'SteamPingThread';

/** Steam's distance filters; on one machine every lobby is close, so each keeps every lobby. */
const DISTANCES = ['close', 'default', 'far', 'world'];
/** What SteamServerBrowser.refresh lists. */
const SERVER_LISTS = ['internet', 'lan', 'favorites', 'friends', 'history'];

export function installSteam(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork): void {
  const shared = steamShared(vm, objects, net);
  installFunctions(vm, {
    Network: steamNetworkFunctions(shared),
    [CLIENT]: steamClientFunctions(shared),
    [LOBBY]: steamLobbyFunctions(shared),
    SteamMisc: steamMiscFunctions(shared),
    [BROWSER]: steamLobbyBrowserFunctions(shared),
    [SERVER]: { ...steamServerSettingsFunctions(shared), ...steamServerMembersFunctions(shared) },
    [SERVER_LOBBY]: steamGameServerLobbyFunctions(shared),
    [SERVER_BROWSER]: steamServerBrowserFunctions(shared),
  });
}

/** Builds what the Steam function tables share, and defines the functions shared with other lobbies. */
function steamShared(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork) {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  defineSteamNames(vm, objects);
  const clients = new PlatformSlot<SteamClient>(objects, net, args, CLIENT, 'Steam client', 'init_steam_client');
  const servers = new PlatformSlot<SteamGameServer>(objects, net, args, SERVER, 'Steam game server', 'init_steam_server');
  /** Lobby data fetched with SteamLobby.request_lobby_data, by lobby id, for SteamMisc. */
  const fetched = new Map<string, Record<string, string>>();
  /** Servers a SteamServerBrowser knows besides what the service lists. */
  const favorites = new Set<string>();
  const history = new Set<string>();

  const steamClient = (fn: string): SteamClient => clients.running(fn);
  const steamServer = (fn: string): SteamGameServer => servers.running(fn);
  const lobbyArg = (L: LuaState, fn: string): PlatformLobby => objects.check<PlatformLobby>(L, 1, LOBBY, fn);
  const serverArg = (L: LuaState, fn: string): SteamGameServer => objects.check<SteamGameServer>(L, 1, SERVER, fn);
  const serverLobbyArg = (L: LuaState, fn: string): SteamGameServerLobby => objects.check<SteamGameServerLobby>(L, 1, SERVER_LOBBY, fn);
  /** A lobby's state, and why when it failed. */
  const pushState = (L: LuaState, lobby: PlatformLobby): number => {
    bridge.pushString(L, lobby.state);
    if (lobby.failCode === undefined) return 1;
    bridge.pushString(L, lobby.reason);
    return 2;
  };
  // ---- SteamClient ---------------------------------------------------------------------------
  const clientArg = (L: LuaState, fn: string): SteamClient => objects.check<SteamClient>(L, 1, CLIENT, fn);

  // ---- SteamLobby ------------------------------------------------------------------------------
  defineChannelFunctions(vm, args, LOBBY, lobbyArg, (fn) => steamClient(fn).channels);
  defineMemberDataFunctions(vm, args, LOBBY, lobbyArg);

  // ---- SteamMisc -----------------------------------------------------------------------------
  /** Data of a lobby: joined lobbies' own, else what request_lobby_data fetched (nil before it arrived). */
  const lobbyData = (L: LuaState, fn: string): Record<string, string> | undefined => {
    const id = args.id(L, 1, fn, 'lobby id');
    for (const lobby of steamClient(fn).lobbies) if (lobby.id === id && lobby.isJoined) return lobby.view!.data;
    return fetched.get(id);
  };

  // ---- SteamLobbyBrowser -----------------------------------------------------------------------
  const browserArg = (L: LuaState, fn: string): PlatformLobbyBrowser => objects.check<PlatformLobbyBrowser>(L, 1, BROWSER, fn);
  const lobbyEntry = (L: LuaState, fn: string, withIdentity: boolean): number => pushLobbyEntry(bridge, args, browserArg(L, fn), L, fn, withIdentity);

  // ---- Network: Steam game servers -------------------------------------------------------------
  /** join_steam_server("ip:port"[, password]) or join_steam_server("ip", port[, password]). */
  const serverAddress = (L: LuaState, fn: string): { address: string; password: string | undefined } => {
    const split = bridge.type(L, 2) === LUA_TNUMBER;
    const text = split ? `${args.string(L, 1, fn, 'server ip')}:${args.count(L, 2, fn, 'query port', 1, 65535)}` : args.string(L, 1, fn, 'server address (ip:port)');
    if (!parseEndpoint(text)) throw new LuaRaise(`bad argument #1 to '${fn}' (an IPv4 address and query port like 127.0.0.1:27016 expected, got '${text}')`);
    const password = args.optionalString(L, split ? 3 : 2, fn, 'password');
    history.add(text);
    return { address: text, password };
  };

  const serverSettings = (L: LuaState, fn: string): SteamServerSettings => serverSettingsArg(bridge, args, L, fn);

  // ---- SteamGameServer -----------------------------------------------------------------------
  defineChannelFunctions(vm, args, SERVER, (L, fn) => serverArg(L, fn).listing, (fn) => steamServer(fn).channels);

  // ---- SteamGameServerLobby --------------------------------------------------------------------
  defineChannelFunctions(vm, args, SERVER_LOBBY, serverLobbyArg, (fn) => steamClient(fn).channels, (lobby) => (lobby as SteamGameServerLobby).server);
  installPingThread(vm, objects, args);

  // ---- SteamServerBrowser ----------------------------------------------------------------------
  const serverBrowserArg = (L: LuaState, fn: string): SteamServerBrowser => objects.check<SteamServerBrowser>(L, 1, SERVER_BROWSER, fn);
  const serverAt = (L: LuaState, fn: string): LobbyView | undefined => serverBrowserArg(L, fn).at(args.integer(L, 2, fn, 'server index (0-based)'));
  defineServerBrowserRequests(vm, bridge, args, serverBrowserArg);
  const favoriteArg = (L: LuaState, fn: string): string => {
    serverBrowserArg(L, fn);
    const ip = args.string(L, 2, fn, 'ip');
    args.count(L, 3, fn, 'connection port', 0, 65535);
    const address = `${ip}:${args.count(L, 4, fn, 'query port', 1, 65535)}`;
    if (!parseEndpoint(address)) throw new LuaRaise(`bad argument #2 to '${fn}' (an IPv4 address a.b.c.d expected, got '${ip}')`);
    return address;
  };
  return { bridge, args, clients, servers, fetched, favorites, history, steamClient, steamServer, lobbyArg, serverArg, serverLobbyArg, pushState, clientArg, lobbyData, browserArg, lobbyEntry, serverAddress, serverSettings, serverBrowserArg, serverAt, favoriteArg, vm, objects, net };
}
type SteamShared = ReturnType<typeof steamShared>;

/** This subsystem's `Network.*` functions. */
function steamNetworkFunctions({ args, clients, servers, steamClient, lobbyArg, serverLobbyArg, serverAddress, serverSettings, objects, net }: SteamShared): Functions {
  return {
    init_steam_client: (L, fn) => clients.start(L, fn, (config) => new SteamClient(net.node, config, () => net.openPlatformLink(), net.platformIds())),
    shutdown_steam_client: (L, fn) => clients.shutdown(L, fn),
    create_steam_lobby: (L, fn) => {
      const type = lobbyTypeArg(args, L, 1, fn);
      const maxMembers = args.count(L, 2, fn, 'max members', 1, 250);
      objects.push(L, LOBBY, steamClient(fn).createLobby(type, maxMembers));
      return 1;
    },
    join_steam_lobby: (L, fn) => {
      const id = args.id(L, 1, fn, 'lobby id');
      objects.push(L, LOBBY, steamClient(fn).joinLobby(id));
      return 1;
    },
    leave_steam_lobby: (L, fn) => {
      const lobby = lobbyArg(L, fn);
      lobby.leave();
      objects.release(lobby);
      return 0;
    },
    init_steam_server: (L, fn) => {
      return servers.start(L, fn, (config) => {
        const settings = serverSettings(L, fn);
        return new SteamGameServer(net.node, config, () => net.openPlatformLink(), settings, net.platformIds());
      });
    },
    shutdown_steam_server: (L, fn) => servers.shutdown(L, fn),
    join_steam_server: (L, fn) => {
      const { address, password } = serverAddress(L, fn);
      objects.push(L, SERVER_LOBBY, steamClient(fn).joinServer(address, password, true));
      return 1;
    },
    /** Reserve a slot without connecting yet; SteamGameServerLobby.join connects. */
    reserve_steam_server: (L, fn) => {
      const { address, password } = serverAddress(L, fn);
      objects.push(L, SERVER_LOBBY, steamClient(fn).joinServer(address, password, false));
      return 1;
    },
    leave_steam_server: (L, fn) => {
      const lobby = serverLobbyArg(L, fn);
      lobby.leave();
      objects.release(lobby);
      return 0;
    },
  };
}

/** `SteamClient.*`. */
function steamClientFunctions({ bridge, args, clientArg, objects, net }: SteamShared): Functions {
  return {
    lobby_browser: (L, fn) => {
      objects.push(L, BROWSER, clientArg(L, fn).lobbyBrowser());
      return 1;
    },
    server_browser: (L, fn) => {
      objects.push(L, SERVER_BROWSER, clientArg(L, fn).serverBrowser());
      return 1;
    },
    /** The connection to `peer` as scripts see it (ping in seconds, bytes and packets both ways). */
    get_connection_info: (L, fn) => {
      const c = clientArg(L, fn);
      const peer = args.peerId(L, 2, fn);
      const connection = c.nodeOf.host?.connectionTo(peer);
      if (!connection) {
        bridge.pushNil(L);
        return 1;
      }
      const stats = Object.fromEntries(Object.entries(connection.stats).filter(([, value]) => typeof value === 'number').map(([key, value]) => [snakeCase(key), value as number]));
      pushRecord(bridge, L, { state: connection.state, address: `${connection.endpoint.address}:${connection.endpoint.port}`, ping: connection.rtt, ...stats });
      return 1;
    },
    write_detailed_connection_status_to_log: (L, fn) => {
      const c = clientArg(L, fn);
      const peer = args.isNone(L, 2) ? undefined : args.peerId(L, 2, fn);
      const connections = [...(c.nodeOf.host?.connections() ?? [])].filter((connection) => peer === undefined || connection.peer === peer);
      if (connections.length === 0) net.writeLog(`[network] ${peer === undefined ? 'no connections' : `no connection to ${peer}`}\n`);
      for (const connection of connections) {
        const stats = Object.entries(connection.stats).map(([key, value]) => `${snakeCase(key)}=${value}`);
        net.writeLog(`[network] ${connection.peer} at ${connection.endpoint.address}:${connection.endpoint.port}: ${connection.state}, ping ${Math.round(connection.rtt * 1000)} ms, ${stats.join(' ')}\n`);
      }
      return 0;
    },
  };
}

/** `SteamLobby.*`. */
function steamLobbyFunctions({ bridge, args, fetched, steamClient, lobbyArg, pushState }: SteamShared): Functions {
  return {
    state: (L, fn) => pushState(L, lobbyArg(L, fn)),
    id: (L, fn) => {
      bridge.pushString(L, lobbyArg(L, fn).id);
      return 1;
    },
    members: (L, fn) => {
      const ids = lobbyArg(L, fn).memberIds();
      pushPeerList(bridge, L, ids, 2);
      bridge.pushInteger(L, ids.length);
      return 2;
    },
    lobby_host: (L, fn) => bridge.pushStringOrNil(L, lobbyArg(L, fn).owner()),
    data: (L, fn) => {
      const lobby = lobbyArg(L, fn);
      return bridge.pushStringOrNil(L, lobby.data(args.string(L, 2, fn, 'key')));
    },
    set_data: (L, fn) => {
      const lobby = lobbyArg(L, fn);
      lobby.setData({ [args.string(L, 2, fn, 'key')]: args.text(L, 3, fn) }, fn);
      return 0;
    },
    set_data_table: (L, fn) => {
      const lobby = lobbyArg(L, fn);
      lobby.setData(readStringTable(bridge, args, L, 2, fn), fn);
      return 0;
    },
    set_max_members: (L, fn) => {
      lobbyArg(L, fn).setMaxMembers(args.count(L, 2, fn, 'max members', 1, 250), fn);
      return 0;
    },
    set_lobby_type: (L, fn) => {
      lobbyArg(L, fn).setType(lobbyTypeArg(args, L, 2, fn), fn);
      return 0;
    },
    game_session_host: (L, fn) => bridge.pushStringOrNil(L, lobbyArg(L, fn).view?.gameSessionHost),
    set_game_session_host: (L, fn) => {
      const lobby = lobbyArg(L, fn);
      lobby.setGameSessionHost(args.isNone(L, 2) ? null : args.peerId(L, 2, fn), fn);
      return 0;
    },
    /** request_lobby_data(lobby or lobby id): fetch the data of any lobby (joined or not) for SteamMisc to read. */
    request_lobby_data: (L, fn) => {
      const lobby = bridge.type(L, 1) === LUA_TUSERDATA ? lobbyArg(L, fn) : undefined;
      const id = lobby ? lobby.id : args.id(L, 1, fn, 'SteamLobby or lobby id');
      steamClient(fn).request({ op: 'lookup', lobby: id }, (answer) => {
        if (answer.ok) fetched.set(id, answer.lobby!.data);
        else fetched.delete(id);
      });
      return 0;
    },
  };
}

/** `SteamMisc.*`. */
function steamMiscFunctions({ bridge, args, lobbyData }: SteamShared): Functions {
  return {
    get_lobby_data: (L, fn) => {
      const data = lobbyData(L, fn);
      if (data) pushStringTable(bridge, L, Object.entries(data));
      else bridge.pushNil(L);
      return 1;
    },
    get_lobby_data_by_key: (L, fn) => {
      const data = lobbyData(L, fn);
      const key = args.string(L, 2, fn, 'key');
      return bridge.pushStringOrNil(L, data ? dataValue(data, key) : undefined);
    },
  };
}

/** `SteamLobbyBrowser.*`. */
function steamLobbyBrowserFunctions({ bridge, args, browserArg, lobbyEntry }: SteamShared): Functions {
  return {
    ...browserBasics(bridge, args, browserArg, 'num_lobbies'),
    lobby: (L, fn) => lobbyEntry(L, fn, true),
    data_all: (L, fn) => lobbyEntry(L, fn, false),
    data: (L, fn) => {
      const lobby = browserArg(L, fn).at(args.integer(L, 2, fn, 'lobby index (0-based)'));
      const key = args.string(L, 3, fn, 'key');
      return bridge.pushStringOrNil(L, lobby ? dataValue(lobby.data, key) : undefined);
    },
    add_near_filter: (L, fn) => {
      const browser = browserArg(L, fn);
      browser.addNearFilter(args.string(L, 2, fn, 'key'), args.number(L, 3, fn, 'value'));
      return 0;
    },
    add_slots_filter: (L, fn) => {
      const browser = browserArg(L, fn);
      browser.setSlots(args.count(L, 2, fn, 'free slots', 0, 250));
      return 0;
    },
    add_distance_filter: (L, fn) => {
      browserArg(L, fn);
      const distance = args.string(L, 2, fn, 'distance (a SteamLobbyBrowser.CLOSE/DEFAULT/FAR/WORLD constant)');
      if (!DISTANCES.includes(distance)) throw new LuaRaise(`bad argument #2 to '${fn}' (one of ${DISTANCES.join(', ')} expected, got '${distance}')`);
      return 0;
    },
    set_max_results: (L, fn) => {
      browserArg(L, fn).setLimit(args.count(L, 2, fn, 'max results', 1, 1000));
      return 0;
    },
    refresh: (L, fn) => {
      browserArg(L, fn).refresh();
      return 0;
    },
  };
}

/** `SteamGameServer.app_id` to `SteamGameServer.set_server_name`. */
function steamServerSettingsFunctions({ bridge, args, servers, serverArg }: SteamShared): Functions {
  return {
    app_id: (L) => {
      const running = servers.current;
      bridge.pushInteger(L, running && !running.isShutDown ? running.settings.appId : 0);
      return 1;
    },
    id: (L, fn) => {
      bridge.pushString(L, serverArg(L, fn).peerId);
      return 1;
    },
    state: (L, fn) => {
      const s = serverArg(L, fn);
      // Connecting until the service has listed it; disconnected once that failed or the service was lost.
      bridge.pushString(L, s.connected ? 'connected' : s.listing.state === 'creating' && s.signIn !== 'failed' ? 'connecting' : 'disconnected');
      return 1;
    },
    set_score: (L, fn) => {
      const s = serverArg(L, fn);
      s.listing.setScore(args.peerId(L, 2, fn), args.integer(L, 3, fn, 'score'), fn);
      return 0;
    },
    set_server_name: (L, fn) => {
      const s = serverArg(L, fn);
      s.listing.setName(args.string(L, 2, fn, 'name'), fn);
      return 0;
    },
  };
}

/** `SteamGameServer.members` to `SteamGameServer.country_code`. */
function steamServerMembersFunctions({ bridge, args, serverArg }: SteamShared): Functions {
  return {
    members: (L, fn) => {
      const ids = serverArg(L, fn).listing.memberIds();
      pushPeerList(bridge, L, ids, 2);
      bridge.pushInteger(L, ids.length);
      return 2;
    },
    name: (L, fn) => {
      const s = serverArg(L, fn);
      const peer = args.peerId(L, 2, fn);
      bridge.pushString(L, s.listing.members().find((m) => m.peer === peer)?.name ?? '');
      return 1;
    },
    remove_member: (L, fn) => {
      const s = serverArg(L, fn);
      const peer = args.peerId(L, 2, fn);
      s.listing.removeMember(peer, fn);
      s.nodeOf.host?.connectionTo(peer)?.users.delete(s.listing.tag());
      return 0;
    },
    /** Take in what the service said now (Network.update does it every frame as well). */
    run_callbacks: (L, fn) => {
      serverArg(L, fn).update();
      return 0;
    },
    set_map: (L, fn) => {
      serverArg(L, fn).listing.publish({ map: args.string(L, 2, fn, 'map') }, fn);
      return 0;
    },
    set_game_tags: (L, fn) => {
      serverArg(L, fn).listing.publish({ tags: args.string(L, 2, fn, 'tags') }, fn);
      return 0;
    },
    set_max_members: (L, fn) => {
      serverArg(L, fn).listing.setMaxMembers(args.count(L, 2, fn, 'max members', 1, 65535), fn);
      return 0;
    },
    data: (L, fn) => {
      return bridge.pushStringOrNil(L, serverArg(L, fn).listing.data(args.string(L, 2, fn, 'key')));
    },
    set_data: (L, fn) => {
      serverArg(L, fn).listing.setData({ [args.string(L, 2, fn, 'key')]: args.text(L, 3, fn) }, fn);
      return 0;
    },
    /** Every user signed in to the emulated Steam owns the game. */
    has_license: (L, fn) => {
      const s = serverArg(L, fn);
      bridge.pushString(L, s.listing.hasMember(args.peerId(L, 2, fn)) ? 'user_has_license' : 'user_has_not_license');
      return 1;
    },
    /** The country of this machine's locale (Steam geolocates the server's address; a loopback address has no country). */
    country_code: (L, fn) => {
      serverArg(L, fn);
      bridge.pushString(L, new Intl.Locale(Intl.DateTimeFormat().resolvedOptions().locale).maximize().region ?? '');
      return 1;
    },
  };
}

/** `SteamGameServerLobby.*`. */
function steamGameServerLobbyFunctions({ bridge, args, serverLobbyArg, pushState }: SteamShared): Functions {
  return {
    state: (L, fn) => pushState(L, serverLobbyArg(L, fn)),
    fail_reason: (L, fn) => {
      const lobby = serverLobbyArg(L, fn);
      if (lobby.failCode === undefined) return bridge.pushStringOrNil(L, undefined);
      bridge.pushString(L, lobby.state);
      bridge.pushString(L, lobby.reason);
      return 2;
    },
    join: (L, fn) => {
      serverLobbyArg(L, fn).connect();
      return 0;
    },
    game_session_host: (L, fn) => {
      const lobby = serverLobbyArg(L, fn);
      // A dedicated server hosts the game session itself unless its listing names another host.
      return bridge.pushStringOrNil(L, lobby.isJoined ? (lobby.view?.gameSessionHost ?? lobby.server) : undefined);
    },
    data: (L, fn) => {
      const lobby = serverLobbyArg(L, fn);
      return bridge.pushStringOrNil(L, lobby.data(args.string(L, 2, fn, 'key')));
    },
    request_data: (L, fn) => {
      serverLobbyArg(L, fn).refresh();
      return 0;
    },
    auto_update_data: (L, fn) => {
      serverLobbyArg(L, fn).autoRefresh = true;
      return 0;
    },
    game_description: (L, fn) => bridge.pushStringOrNil(L, serverLobbyArg(L, fn).view?.server?.gameDescription),
    server_name: (L, fn) => bridge.pushStringOrNil(L, serverLobbyArg(L, fn).view?.name),
    version: (L, fn) => bridge.pushStringOrNil(L, serverLobbyArg(L, fn).view?.server?.version),
    members: (L, fn) => {
      const ids = serverLobbyArg(L, fn).players();
      pushPeerList(bridge, L, ids, 2);
      bridge.pushInteger(L, ids.length);
      return 2;
    },
  };
}

/** `SteamServerBrowser.*`. */
function steamServerBrowserFunctions({ bridge, args, favorites, history, serverBrowserArg, serverAt, favoriteArg }: SteamShared): Functions {
  return {
    ...browserBasics(bridge, args, serverBrowserArg, 'num_servers'),
    // The Release 1.0 reference's name for num_servers.
    num_server: (L, fn) => {
      bridge.pushInteger(L, serverBrowserArg(L, fn).count());
      return 1;
    },
    refresh: (L, fn) => {
      const browser = serverBrowserArg(L, fn);
      const list = args.optionalString(L, 2, fn, 'server list (a SteamServerBrowser.INTERNET/LAN/FAVORITES/FRIENDS/HISTORY constant)') ?? 'internet';
      if (!SERVER_LISTS.includes(list)) throw new LuaRaise(`bad argument #2 to '${fn}' (one of ${SERVER_LISTS.join(', ')} expected, got '${list}')`);
      // Favorites and history are this client's own lists; no user has Steam friends here.
      const only = list === 'favorites' ? favorites : list === 'history' ? history : list === 'friends' ? new Set<string>() : undefined;
      browser.refreshList(only ? (view) => only.has(view.server!.queryAddress) : undefined);
      return 0;
    },
    server: (L, fn) => {
      const view = serverAt(L, fn);
      if (!view) return bridge.pushStringOrNil(L, undefined);
      pushServerInfo(bridge, favorites, L, view);
      return 1;
    },
    data_all: (L, fn) => {
      const view = serverAt(L, fn);
      if (!view) return bridge.pushStringOrNil(L, undefined);
      pushStringTable(bridge, L, Object.entries(view.data));
      return 1;
    },
    data: (L, fn) => {
      const view = serverAt(L, fn);
      const key = args.string(L, 3, fn, 'key');
      return bridge.pushStringOrNil(L, view ? dataValue(view.data, key) : undefined);
    },
    players: (L, fn) => {
      const players = serverBrowserArg(L, fn).players(args.integer(L, 2, fn, 'server index (0-based)'));
      if (!players) return bridge.pushStringOrNil(L, undefined);
      bridge.newTable(L, players.length, 0);
      players.forEach((player, i) => {
        pushRecord(bridge, L, { name: player.name, score: player.score, play_time: player.playTime });
        bridge.rawSetIndex(L, -2, i + 1);
      });
      return 1;
    },
    /** add_filter(table) or add_filter(key, value): Steam's server filter keys (map, gamedir, dedicated, ...) or server data keys. */
    add_filter: (L, fn) => {
      const browser = serverBrowserArg(L, fn);
      const filters = bridge.type(L, 2) === LUA_TTABLE ? readStringTable(bridge, args, L, 2, fn) : { [args.string(L, 2, fn, 'filter key or table')]: args.text(L, 3, fn) };
      for (const [key, value] of Object.entries(filters)) browser.addServerFilter(key, value);
      return 0;
    },
    add_favorite: (L, fn) => {
      favorites.add(favoriteArg(L, fn));
      return 0;
    },
    remove_favorite: (L, fn) => {
      favorites.delete(favoriteArg(L, fn));
      return 0;
    },
  };
}


function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `SteamPingThread(client_or_server)` and its methods. */
function installPingThread(vm: LuaVm, objects: EngineObjects, args: LuaArgs): void {
  const { bridge, L } = vm;
  const threadArg = (L: LuaState, fn: string): SteamPingThread => objects.check<SteamPingThread>(L, 1, PING_THREAD, fn);
  // The namespace table is callable: SteamPingThread(client) makes a thread (arguments: the table, then the client).
  const create = bridge.registerFunction((L) => {
    const fn = 'SteamPingThread';
    const client = objects.check<PlatformClient>(L, 2, [CLIENT, SERVER], fn);
    if (client.isShutDown) throw new NetworkError(`${fn}: that Steam ${client instanceof SteamGameServer ? 'game server' : 'client'} was shut down`);
    objects.push(L, PING_THREAD, new SteamPingThread(client));
    return 1;
  });
  vm.pushRef(vm.namespace(PING_THREAD));
  bridge.newTable(L, 0, 1);
  bridge.pushFunction(L, create);
  bridge.setField(L, -2, '__call');
  bridge.setMetatable(L, -2);
  bridge.setTop(L, -2);
  installFunctions(vm, {
    [PING_THREAD]: {
      add_peer: (L, fn) => {
        threadArg(L, fn).addPeer(args.peerId(L, 2, fn), fn);
        return 0;
      },
      remove_peer: (L, fn) => {
        threadArg(L, fn).removePeer(args.peerId(L, 2, fn), fn);
        return 0;
      },
      ping: (L, fn) => {
        bridge.pushNumber(L, threadArg(L, fn).ping(args.peerId(L, 2, fn), fn));
        return 1;
      },
      destroy: (L, fn) => {
        // Destroying it again is a cleanup call on something already ended: nothing happens.
        if (objects.released(L, 1, PING_THREAD)) return 0;
        const thread = threadArg(L, fn);
        thread.destroy();
        objects.release(thread);
        return 0;
      },
    },
  });
}

/** The Steam kinds and constants. */
function defineSteamNames(vm: LuaVm, objects: EngineObjects): void {
  for (const kind of [CLIENT, LOBBY, BROWSER, SERVER, SERVER_LOBBY, SERVER_BROWSER, PING_THREAD]) objects.defineKind(kind);
  for (const type of LOBBY_TYPES) vm.defineConstant('Network', `STEAM_LOBBY_${type.toUpperCase()}`, type);
  // WotR/WotV spell it without the underscore.
  vm.defineConstant('Network', 'STEAM_LOBBY_FRIENDSONLY', 'friends_only');
  for (const state of ['creating', 'joining', 'joined', 'failed']) vm.defineConstant(LOBBY, state.toUpperCase(), state);
  for (const comparison of FILTER_COMPARISONS) vm.defineConstant(BROWSER, comparison.toUpperCase(), comparison);
  for (const distance of DISTANCES) vm.defineConstant(BROWSER, distance.toUpperCase(), distance);
  for (const state of ['connecting', 'connected', 'disconnected', 'user_has_license', 'user_has_not_license']) vm.defineConstant(SERVER, state.toUpperCase(), state);
  for (const state of ['joining', 'reserved', 'joined', 'failed', 'server_is_full', 'timeout']) vm.defineConstant(SERVER_LOBBY, state.toUpperCase(), state);
  for (const list of SERVER_LISTS) vm.defineConstant(SERVER_BROWSER, list.toUpperCase(), list);
}

/** The network_steam_server_settings table at argument 2: server_name and max_players are required. */
function serverSettingsArg(bridge: LuaApi, args: LuaArgs, L: LuaState, fn: string): SteamServerSettings {
  if (bridge.type(L, 2) !== LUA_TTABLE) args.bad(L, 2, fn, 'settings table (network_steam_server_settings)');
  const field = (key: string, kind: 'string' | 'number' | 'boolean', required = false): string | number | boolean | undefined => {
    const type = bridge.getField(L, 2, key);
    let value: string | number | boolean | undefined;
    if (type === LUA_TSTRING && kind === 'string') value = bridge.toString(L, -1)!;
    else if (type === LUA_TNUMBER && kind === 'number') value = bridge.toNumber(L, -1);
    else if (type === LUA_TNUMBER && kind === 'string') value = bridge.toString(L, -1)!;
    else if (kind === 'boolean' && type > 0) value = bridge.toBoolean(L, -1);
    const got = bridge.typeName(L, -1);
    bridge.setTop(L, -2);
    if (value === undefined && (type > 0 || required)) throw new LuaRaise(`bad argument #2 to '${fn}' (settings.${key}: ${kind} expected, got ${got})`);
    return value;
  };
  const port = (key: string, fallback: number): number => {
    const value = (field(key, 'number') as number | undefined) ?? fallback;
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new LuaRaise(`bad argument #2 to '${fn}' (settings.${key}: a port 0..65535 expected, got ${value})`);
    return value;
  };
  const maxPlayers = field('max_players', 'number', true) as number;
  if (!Number.isInteger(maxPlayers) || maxPlayers < 1 || maxPlayers > 65535) throw new LuaRaise(`bad argument #2 to '${fn}' (settings.max_players: an integer 1..65535 expected, got ${maxPlayers})`);
  const ip = (field('ip_address', 'string') as string | undefined) ?? '0.0.0.0';
  if (!parseEndpoint(`${ip}:1`)) throw new LuaRaise(`bad argument #2 to '${fn}' (settings.ip_address: an IPv4 address a.b.c.d expected, got '${ip}')`);
  return {
    serverName: field('server_name', 'string', true) as string,
    maxPlayers,
    gamePort: port('server_port', port('game_port', 0)),
    queryPort: port('query_port', 27016),
    ipAddress: ip,
    map: (field('map', 'string') as string | undefined) ?? '',
    gameDescription: (field('game_description', 'string') as string | undefined) ?? '',
    gamedir: (field('gamedir', 'string') as string | undefined) ?? '',
    version: (field('server_version', 'string') as string | undefined) ?? '',
    dedicated: (field('dedicated', 'boolean') as boolean | undefined) ?? false,
    password: (field('password', 'string') as string | undefined) ?? '',
    appId: (field('app_id', 'number') as number | undefined) ?? 0,
  };
}

/** What both Steam browsers add to every lobby browser's functions: abort_refresh and their count function. */
function browserBasics(bridge: LuaApi, args: LuaArgs, arg: (L: LuaState, fn: string) => PlatformLobbyBrowser, countName: string): Functions {
return {
  ...lobbyBrowserFunctions(bridge, args, arg),
  [countName]: (L, fn) => {
    bridge.pushInteger(L, arg(L, fn).count());
    return 1;
  },
  abort_refresh: (L, fn) => {
    arg(L, fn).abort();
    return 0;
  },
};
}

/** SteamServerBrowser's per-server requests and their progress. */
function defineServerBrowserRequests(vm: LuaVm, bridge: LuaApi, args: LuaArgs, serverBrowserArg: (L: LuaState, fn: string) => SteamServerBrowser): void {
  // request_data fetches the server's data, refresh_server the whole entry, request_players its
  // player list: one lookup serves all three.
  for (const [name, what] of [['request_data', 'data'], ['refresh_server', 'data'], ['request_players', 'players']] as const) {
    vm.defineFunction(SERVER_BROWSER, name, (L) => {
      const fn = `SteamServerBrowser.${name}`;
      serverBrowserArg(L, fn).refreshEntry(args.integer(L, 2, fn, 'server index (0-based)'), what);
      return 0;
    });
  }
  // Whether the request for server i is on its way, and whether it arrived.
  for (const [name, what] of [['is_fetching_data', 'data'], ['is_fetching_players', 'players']] as const) {
    vm.defineFunction(SERVER_BROWSER, name, (L) => {
      const fn = `SteamServerBrowser.${name}`;
      const [fetching, arrived] = serverBrowserArg(L, fn).requestState(args.integer(L, 2, fn, 'server index (0-based)'), what);
      bridge.pushBoolean(L, fetching);
      bridge.pushBoolean(L, arrived);
      return 2;
    });
  }
}

/** The browser's lobby at argument 2: its data, and with `withIdentity` its id, name and member counts. */
function pushLobbyEntry(bridge: LuaApi, args: LuaArgs, browser: PlatformLobbyBrowser, L: LuaState, fn: string, withIdentity: boolean): number {
  const lobby = browser.at(args.integer(L, 2, fn, 'lobby index (0-based)'));
  if (!lobby) return bridge.pushStringOrNil(L, undefined);
  const identity: Record<string, string> = withIdentity ? { id: lobby.id, name: dataValue(lobby.data, 'name') ?? lobby.name } : {};
  pushStringTable(bridge, L, Object.entries(lobby.data), identity);
  if (withIdentity) {
    bridge.pushInteger(L, lobby.members.length);
    bridge.setField(L, -2, 'num_members');
    bridge.pushInteger(L, lobby.maxMembers);
    bridge.setField(L, -2, 'max_members');
  }
  return 1;
}

/** A Network.STEAM_LOBBY_* constant (FRIENDSONLY as friends_only). */
function lobbyTypeArg(args: LuaArgs, L: LuaState, idx: number, fn: string): LobbyType {
  const type = args.string(L, idx, fn, 'lobby type (a Network.STEAM_LOBBY_* constant)').toLowerCase().replace('friendsonly', 'friends_only') as LobbyType;
  if (!LOBBY_TYPES.includes(type)) throw new LuaRaise(`bad argument #${idx} to '${fn}' (one of ${LOBBY_TYPES.join(', ')} expected, got '${type}')`);
  return type;
}

/** A steam_server_info table. */
function pushServerInfo(bridge: LuaApi, favorites: ReadonlySet<string>, L: LuaState, view: LobbyView): void {
  const info = view.server!;
  const query = parseEndpoint(info.queryAddress)!;
  pushRecord(bridge, L, {
    server_name: view.name,
    map: info.map,
    game_description: info.gameDescription,
    tags: info.tags,
    steam_id: view.owner,
    gamedir: info.gamedir,
    ip_address: query.address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0),
    query_port: query.port,
    connection_port: parseEndpoint(info.gameAddress)?.port ?? 0,
    max_players: view.maxMembers,
    num_players: view.members.length,
    num_bots: info.bots,
    ping: 0,
    server_version: Number.parseInt(info.version, 10) || 0,
    password: info.password,
    secure: true,
    dedicated: info.dedicated,
    favorite: favorites.has(info.queryAddress),
  });
}
