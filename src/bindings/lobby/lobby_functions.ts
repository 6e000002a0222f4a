/**
 * What the lobby objects of every subsystem (LanLobby, SteamLobby, PsnRoom, game server lobbies)
 * share on the Lua side: member lists into the script's buffer, lobby data tables, and channels.
 */
import type { Channels } from '../../core/transport/channel.js';
import { setDataValue } from '../../core/lobby/lobby_data.js';
import { FILTER_COMPARISONS, type FilterComparison, type LobbyFilter } from '../../core/lobby/lobby_filter.js';
import { NetworkError } from '../../core/base/network_error.js';
import type { PeerId } from '../../core/base/peer_id.js';
import type { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TSTRING, LUA_TTABLE, LuaRaise, type LuaApi, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';

/** Push a list of peer ids: into the table at `bufferIdx` when the script passed one (cleared of a longer earlier list), else a new table. */
export function pushPeerList(bridge: LuaApi, L: LuaState, peers: readonly PeerId[], bufferIdx: number): void {
  if (bridge.type(L, bufferIdx) === LUA_TTABLE) {
    const old = bridge.rawLength(L, bufferIdx);
    for (let i = peers.length + 1; i <= old; i++) {
      bridge.pushNil(L);
      bridge.rawSetIndex(L, bufferIdx, i);
    }
    bridge.pushValue(L, bufferIdx);
  } else {
    bridge.newTable(L, peers.length, 0);
  }
  peers.forEach((peer, i) => {
    bridge.pushString(L, peer);
    bridge.rawSetIndex(L, -2, i + 1);
  });
}

/** Push a string-keyed table of strings (lobby data), plus `extra` entries. */
export function pushStringTable(bridge: LuaApi, L: LuaState, entries: Iterable<[string, string]>, extra: Record<string, string> = {}): void {
  bridge.newTable(L);
  for (const [key, value] of [...entries, ...Object.entries(extra)]) {
    bridge.pushString(L, value);
    bridge.setField(L, -2, key);
  }
}

/** Push a new table of named fields (browser entries, members, job results): integers as Lua integers. */
export function pushRecord(bridge: LuaApi, L: LuaState, fields: Readonly<Record<string, string | number | boolean>>): void {
  bridge.newTable(L, 0, Object.keys(fields).length);
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') bridge.pushString(L, value);
    else if (typeof value === 'boolean') bridge.pushBoolean(L, value);
    else if (Number.isInteger(value)) bridge.pushInteger(L, value);
    else bridge.pushNumber(L, value);
    bridge.setField(L, -2, key);
  }
}

/** The string keys and values (numbers as LuaJIT prints them) of the table at `idx`. */
export function readStringTable(bridge: LuaApi, args: LuaArgs, L: LuaState, idx: number, fn: string): Record<string, string> {
  if (bridge.type(L, idx) !== LUA_TTABLE) args.bad(L, idx, fn, 'table');
  const out: Record<string, string> = {};
  bridge.pushNil(L);
  while (bridge.next(L, idx)) {
    if (bridge.type(L, -2) !== LUA_TSTRING) throw new LuaRaise(`bad argument #${idx} to '${fn}' (keys must be strings, got ${bridge.typeName(L, -2)})`);
    setDataValue(out, bridge.toString(L, -2)!, args.text(L, bridge.getTop(L), fn));
    bridge.setTop(L, -2);
  }
  return out;
}

/** A filter comparison (a `*.EQUAL`-style constant, or its string); `equal` when left out. */
export function comparisonArg(args: LuaArgs, L: LuaState, idx: number, fn: string): FilterComparison {
  const comparison = (args.optionalString(L, idx, fn, 'comparison') ?? 'equal') as FilterComparison;
  if (!FILTER_COMPARISONS.includes(comparison)) throw new LuaRaise(`bad argument #${idx} to '${fn}' (one of ${FILTER_COMPARISONS.join(', ')} expected, got '${comparison}')`);
  return comparison;
}

/** A lobby browser of any subsystem: LAN, Steam (lobbies and servers), PSN rooms. */
export interface LobbyBrowser {
  isRefreshing(): boolean;
  addFilter(filter: LobbyFilter): void;
  clearFilters(): void;
}

/**
 * What every lobby browser namespace shares: `is_refreshing(browser)`, `clear_filters(browser)` and
 * `add_filter(browser, key, value[, comparison])` (a namespace whose filters take other arguments
 * replaces that entry).
 */
export function lobbyBrowserFunctions(bridge: LuaApi, args: LuaArgs, browserArg: (L: LuaState, fn: string) => LobbyBrowser): Functions {
  return {
    is_refreshing: (L, fn) => {
      bridge.pushBoolean(L, browserArg(L, fn).isRefreshing());
      return 1;
    },
    add_filter: (L, fn) => {
      const browser = browserArg(L, fn);
      const key = args.string(L, 2, fn, 'key');
      const value = args.text(L, 3, fn);
      browser.addFilter({ key, value, comparison: comparisonArg(args, L, 4, fn) });
      return 0;
    },
    clear_filters: (L, fn) => {
      browserArg(L, fn).clearFilters();
      return 0;
    },
  };
}

/** A lobby a channel can be opened in. */
export interface ChannelLobby {
  readonly state: string;
  readonly id: string;
  readonly self: PeerId;
  hasMember(peer: PeerId): boolean;
}

/**
 * `open_channel(lobby, peer[, message])` and `close_channel(lobby, channel)` of a lobby namespace.
 * `defaultPeer` names the peer when the script leaves it out (a game server lobby's server).
 */
export function defineChannelFunctions(
  vm: LuaVm,
  args: LuaArgs,
  namespace: string,
  lobbyArg: (L: LuaState, fn: string) => ChannelLobby,
  channels: (fn: string) => Channels,
  defaultPeer?: (lobby: ChannelLobby) => PeerId | undefined,
): void {
  installFunctions(vm, {
    [namespace]: {
      open_channel: (L, fn) => {
        const lobby = lobbyArg(L, fn);
        const given = args.isNone(L, 2) ? defaultPeer?.(lobby) : undefined;
        const peer = given ?? args.peerId(L, 2, fn);
        const message = args.optionalString(L, 3, fn, 'message') ?? '';
        if (lobby.state !== 'joined') throw new NetworkError(`${fn}: the lobby is ${lobby.state}, not joined`);
        if (peer === lobby.self) throw new NetworkError(`${fn}: cannot open a channel to this peer itself`);
        if (!lobby.hasMember(peer)) throw new NetworkError(`${fn}: peer ${peer} is not a member of lobby ${lobby.id}`);
        vm.bridge.pushInteger(L, channels(fn).open(peer, lobby.id, message).id);
        return 1;
      },
      close_channel: (L, fn) => {
        lobbyArg(L, fn);
        const id = args.integer(L, 2, fn, 'channel');
        const all = channels(fn);
        if (!all.get(id)) throw new NetworkError(`${fn}: no channel ${id}`);
        all.close(id);
        return 0;
      },
    },
  });
}

/** A lobby whose members each have their own data. */
export interface MemberDataLobby {
  memberData(peer: PeerId, key: string): string | undefined;
  setMemberData(key: string, value: string, fn: string): void;
}

/** `set_member_data(lobby, key, value)`, `member_data(lobby, peer, key)` and `own_data(lobby, key)` of a lobby namespace. */
export function defineMemberDataFunctions(vm: LuaVm, args: LuaArgs, namespace: string, lobbyArg: (L: LuaState, fn: string) => MemberDataLobby & { readonly self: PeerId }): void {
  const bridge = vm.bridge;
  installFunctions(vm, {
    [namespace]: {
      set_member_data: (L, fn) => {
        const lobby = lobbyArg(L, fn);
        lobby.setMemberData(args.string(L, 2, fn, 'key'), args.text(L, 3, fn), fn);
        return 0;
      },
      member_data: (L, fn) => {
        const lobby = lobbyArg(L, fn);
        return bridge.pushStringOrNil(L, lobby.memberData(args.peerId(L, 2, fn), args.string(L, 3, fn, 'key')));
      },
      own_data: (L, fn) => {
        const lobby = lobbyArg(L, fn);
        return bridge.pushStringOrNil(L, lobby.memberData(lobby.self, args.string(L, 2, fn, 'key')));
      },
    },
  });
}
