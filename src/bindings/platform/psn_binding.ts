/**
 * The PSN subsystem's Lua surface, on the emulated platform service: `Network.init_psn_client`,
 * `create_psn_room`, `join_psn_room`, `leave_psn_room`, `shutdown_psn_client`, and `PsnClient`,
 * `PsnRoom`, `PsnRoomBrowser` and `PsnRoomDataExternal`.
 *
 * Rooms are integer handles, as `create_psn_room` returns them: every `PsnRoom` function takes
 * the handle first. Member and browser indices are 0-based, as the LAN and Steam browsers' are.
 */
import { dataValue } from '../../core/lobby/lobby_data.js';
import { FILTER_COMPARISONS } from '../../core/lobby/lobby_filter.js';
import { NetworkError } from '../../core/base/network_error.js';
import type { PlatformLobby } from '../../core/platform/platform_lobby.js';
import type { PlatformLobbyBrowser } from '../../core/platform/platform_lobby_browser.js';
import { MAX_LOBBY_NAME_CHARS, type LobbyView } from '../../core/platform/platform_protocol.js';
import { EXTERNAL_DATA_KEY, INTERNAL_DATA_KEY, MAX_ROOM_DATA_BYTES, PsnClient, PsnRoomDataExternal } from '../../core/platform/psn_client.js';
import type { EngineObjects } from '../../bridge/engine_object.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TTABLE, LuaRaise, type LuaCFunction, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { ScriptNetwork } from '../network/network_binding.js';
import { comparisonArg, defineChannelFunctions, lobbyBrowserFunctions, pushRecord } from '../lobby/lobby_functions.js';
import { PlatformSlot } from './platform_slot.js';

const CLIENT = 'PsnClient';
const ROOM = 'PsnRoom';
const BROWSER = 'PsnRoomBrowser';
const EXTERNAL = 'PsnRoomDataExternal';
/** Searchable integer attributes of a room (PsnRoom.SEARCHABLE_INTEGER_ID_1..7), filtered on by room browsers. */
const SEARCHABLE = Array.from({ length: 7 }, (_, i) => `searchable_integer_id_${i + 1}`);

export function installPsn(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork): void {
  const shared = psnShared(vm, objects, net);
  installFunctions(vm, {
    Network: psnNetworkFunctions(shared),
    [CLIENT]: psnClientFunctions(shared),
    [ROOM]: psnRoomFunctions(shared),
    [BROWSER]: psnBrowserFunctions(shared),
    [EXTERNAL]: psnExternalFunctions(shared),
  });
}

/** Defines the PSN kinds and constants, and builds what the function tables share. */
function psnShared(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork) {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  for (const kind of [CLIENT, BROWSER, EXTERNAL]) objects.defineKind(kind);
  // WAITING_TO_CREATE: the engine's state before a create is sent; the emulation sends it at once, so rooms report CREATING.
  for (const state of ['waiting_to_create', 'creating', 'joining', 'joined', 'failed']) vm.defineConstant(ROOM, state.toUpperCase(), state);
  for (const id of SEARCHABLE) vm.defineConstant(ROOM, id.toUpperCase(), id);
  for (const comparison of FILTER_COMPARISONS) vm.defineConstant(BROWSER, comparison.toUpperCase(), comparison);

  const clients = new PlatformSlot<PsnClient>(objects, net, args, CLIENT, 'PSN client', 'init_psn_client');
  /** Room handles as scripts hold them. */
  const rooms = new Map<number, PlatformLobby>();
  let nextRoom = 1;
  const addRoom = (room: PlatformLobby): number => {
    const handle = nextRoom++;
    rooms.set(handle, room);
    return handle;
  };
  const roomArg = (L: LuaState, fn: string): PlatformLobby => {
    const handle = args.integer(L, 1, fn, 'room (the number create_psn_room or join_psn_room returned)');
    const room = rooms.get(handle);
    if (!room) throw new LuaRaise(`bad argument #1 to '${fn}' (no PSN room ${handle}: never created, or left)`);
    return room;
  };

  // ---- PsnClient -------------------------------------------------------------------------------
  const clientArg = (L: LuaState, fn: string): PsnClient => objects.check<PsnClient>(L, 1, CLIENT, fn);

  // ---- PsnRoom ---------------------------------------------------------------------------------
  /** The opaque string room browsers show (at most 255 bytes). */
  const roomData = (key: string): LuaCFunction => (L, fn) => {
    const room = roomArg(L, fn);
    const value = args.string(L, 2, fn, 'room data');
    if (Buffer.byteLength(value) > MAX_ROOM_DATA_BYTES) throw new LuaRaise(`bad argument #2 to '${fn}' (room data is at most ${MAX_ROOM_DATA_BYTES} bytes, got ${Buffer.byteLength(value)})`);
    room.setData({ [key]: value }, fn);
    return 0;
  };
  /** A room name the service takes: refused here, or the room would show it until the service refused it. */
  const roomNameArg = (L: LuaState, idx: number, fn: string): string => {
    const name = args.string(L, idx, fn, 'room name');
    if (name.length > MAX_LOBBY_NAME_CHARS) throw new LuaRaise(`bad argument #${idx} to '${fn}' (a room name is at most ${MAX_LOBBY_NAME_CHARS} characters, got ${name.length})`);
    return name;
  };
  const searchableArg = (L: LuaState, idx: number, fn: string): string => {
    const id = args.string(L, idx, fn, 'attribute (a PsnRoom.SEARCHABLE_INTEGER_ID_* constant)');
    if (!SEARCHABLE.includes(id)) throw new LuaRaise(`bad argument #${idx} to '${fn}' (one of the PsnRoom.SEARCHABLE_INTEGER_ID_1..7 constants expected, got '${id}')`);
    return id;
  };
  defineChannelFunctions(vm, args, ROOM, roomArg, (fn) => clients.running(fn).channels);

  // ---- PsnRoomBrowser --------------------------------------------------------------------------
  const browserArg = (L: LuaState, fn: string): PlatformLobbyBrowser => objects.check<PlatformLobbyBrowser>(L, 1, BROWSER, fn);

  /** A network_psn_room_info table: id, name, data, members, owner and the searchable attributes. */
  const pushRoomInfo = (L: LuaState, room: LobbyView): void => {
    const owner = room.members.find((m) => m.peer === room.owner);
    const searchable = Object.fromEntries(SEARCHABLE.filter((id) => dataValue(room.data, id) !== undefined).map((id) => [id, Number(dataValue(room.data, id))]));
    pushRecord(bridge, L, {
      id: room.id,
      name: room.name,
      data: dataValue(room.data, EXTERNAL_DATA_KEY) ?? '',
      owner: room.owner,
      room_owner_np_id: owner?.name ?? '',
      num_members: room.members.length,
      max_members: room.maxMembers,
      ...searchable,
    });
  };

  // ---- PsnRoomDataExternal ---------------------------------------------------------------------
  const externalArg = (L: LuaState, fn: string): PsnRoomDataExternal => objects.check<PsnRoomDataExternal>(L, 1, EXTERNAL, fn);
  return { bridge, args, clients, rooms, addRoom, roomArg, clientArg, roomData, roomNameArg, searchableArg, browserArg, pushRoomInfo, externalArg, vm, objects, net };
}
type PsnShared = ReturnType<typeof psnShared>;

/** This subsystem's `Network.*` functions. */
function psnNetworkFunctions({ bridge, args, clients, rooms, addRoom, roomArg, roomNameArg, net }: PsnShared): Functions {
  return {
    init_psn_client: (L, fn) => clients.start(L, fn, (config) => new PsnClient(net.node, config, () => net.openPlatformLink(), net.platformIds())),
    shutdown_psn_client: (L, fn) => {
      const result = clients.shutdown(L, fn);
      if (!clients.current) rooms.clear();
      return result;
    },
    create_psn_room: (L, fn) => {
      const name = roomNameArg(L, 1, fn);
      const maxMembers = args.count(L, 2, fn, 'max members', 1, 64);
      bridge.pushInteger(L, addRoom(clients.running(fn).createRoom(name, maxMembers)));
      return 1;
    },
    join_psn_room: (L, fn) => {
      const id = args.id(L, 1, fn, 'room id');
      bridge.pushInteger(L, addRoom(clients.running(fn).joinRoom(id)));
      return 1;
    },
    leave_psn_room: (L, fn) => {
      const room = roomArg(L, fn);
      room.leave();
      rooms.delete(args.integer(L, 1, fn));
      return 0;
    },
  };
}

/** `PsnClient.*`. */
function psnClientFunctions({ bridge, clientArg, objects }: PsnShared): Functions {
  return {
    ready: (L, fn) => {
      bridge.pushBoolean(L, clientArg(L, fn).signIn === 'ready');
      return 1;
    },
    failed: (L, fn) => {
      bridge.pushBoolean(L, clientArg(L, fn).signIn === 'failed');
      return 1;
    },
    /** The network context is lost once the PSN service cannot be reached. */
    lost_context: (L, fn) => {
      bridge.pushBoolean(L, clientArg(L, fn).fatalError !== undefined);
      return 1;
    },
    room_browser: (L, fn) => {
      objects.push(L, BROWSER, clientArg(L, fn).roomBrowser());
      return 1;
    },
    room_data_external: (L, fn) => {
      objects.push(L, EXTERNAL, new PsnRoomDataExternal(clientArg(L, fn)));
      return 1;
    },
  };
}

/** `PsnRoom.*`. */
function psnRoomFunctions({ bridge, args, roomArg, roomData, roomNameArg, searchableArg }: PsnShared): Functions {
  return {
    state: (L, fn) => {
      const room = roomArg(L, fn);
      bridge.pushString(L, room.state);
      if (room.failCode === undefined) return 1;
      bridge.pushString(L, room.reason);
      return 2;
    },
    sce_np_room_id: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).view?.id),
    id: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).view?.id),
    name: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).view?.name),
    num_members: (L, fn) => {
      bridge.pushInteger(L, roomArg(L, fn).members().length);
      return 1;
    },
    /** member(room, index): {handle, np_id, peer_id} of the member at a 0-based index, or nil. */
    member: (L, fn) => {
      const member = roomArg(L, fn).members()[args.integer(L, 2, fn, 'member index (0-based)')];
      if (!member) return bridge.pushStringOrNil(L, undefined);
      pushRecord(bridge, L, { handle: member.name, np_id: member.name, peer_id: member.peer });
      return 1;
    },
    owner: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).owner()),
    lobby_host: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).owner()),
    game_session_host: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).view?.gameSessionHost),
    set_game_session_host: (L, fn) => {
      const room = roomArg(L, fn);
      room.setGameSessionHost(args.isNone(L, 2) ? null : args.peerId(L, 2, fn), fn);
      return 0;
    },
    set_data: roomData(EXTERNAL_DATA_KEY),
    set_data_internal: roomData(INTERNAL_DATA_KEY),
    data: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).data(EXTERNAL_DATA_KEY)),
    data_internal: (L, fn) => bridge.pushStringOrNil(L, roomArg(L, fn).data(INTERNAL_DATA_KEY)),
    set_name: (L, fn) => {
      const room = roomArg(L, fn);
      room.setName(roomNameArg(L, 2, fn), fn);
      return 0;
    },
    set_max_members: (L, fn) => {
      roomArg(L, fn).setMaxMembers(args.count(L, 2, fn, 'max members', 1, 64), fn);
      return 0;
    },
    /** set_searchable_attribute(room, PsnRoom.SEARCHABLE_INTEGER_ID_n, value): what room browsers filter on. */
    set_searchable_attribute: (L, fn) => {
      const room = roomArg(L, fn);
      const id = searchableArg(L, 2, fn);
      room.setData({ [id]: String(args.count(L, 3, fn, 'attribute value', 0, 0xffffffff)) }, fn);
      return 0;
    },
    searchable_attribute: (L, fn) => {
      const value = roomArg(L, fn).data(searchableArg(L, 2, fn));
      if (value === undefined) bridge.pushNil(L);
      else bridge.pushInteger(L, Number(value));
      return 1;
    },
  };
}

/** `PsnRoomBrowser.*`. */
function psnBrowserFunctions({ bridge, args, searchableArg, browserArg, pushRoomInfo }: PsnShared): Functions {
  return {
    ...lobbyBrowserFunctions(bridge, args, browserArg),
    refresh: (L, fn) => {
      const browser = browserArg(L, fn);
      // While a refresh is under way another has no effect, as the reference says.
      if (!browser.isRefreshing()) browser.refresh();
      return 0;
    },
    num_rooms: (L, fn) => {
      bridge.pushInteger(L, browserArg(L, fn).count());
      return 1;
    },
    room: (L, fn) => {
      const room = browserArg(L, fn).at(args.integer(L, 2, fn, 'room index (0-based)'));
      if (!room) return bridge.pushStringOrNil(L, undefined);
      pushRoomInfo(L, room);
      return 1;
    },
    room_owner_np_id: (L, fn) => {
      const room = browserArg(L, fn).at(args.integer(L, 2, fn, 'room index (0-based)'));
      return bridge.pushStringOrNil(L, room?.members.find((m) => m.peer === room.owner)?.name);
    },
    /** add_filter(browser, PsnRoom.SEARCHABLE_INTEGER_ID_n, value[, comparison]) on a searchable integer attribute. */
    add_filter: (L, fn) => {
      const browser = browserArg(L, fn);
      const id = searchableArg(L, 2, fn);
      browser.addFilter({ key: id, value: String(args.integer(L, 3, fn, 'attribute value')), comparison: comparisonArg(args, L, 4, fn) });
      return 0;
    },
  };
}

/** `PsnRoomDataExternal.*`. */
function psnExternalFunctions({ bridge, args, rooms, pushRoomInfo, externalArg }: PsnShared): Functions {
  return {
    /** refresh(self, room_ids): fetch the external data of those rooms (ids as room browsers give them). */
    refresh: (L, fn) => {
      const external = externalArg(L, fn);
      if (bridge.type(L, 2) !== LUA_TTABLE) args.bad(L, 2, fn, 'table of room ids');
      const count = bridge.rawLength(L, 2);
      if (count > 64) throw new NetworkError(`${fn}: at most 64 rooms at a time, got ${count}`);
      const ids: string[] = [];
      for (let i = 1; i <= count; i++) {
        bridge.rawGetIndex(L, 2, i);
        ids.push(args.id(L, bridge.getTop(L), fn, `room id (entry ${i})`));
        bridge.setTop(L, -2);
      }
      external.refresh(ids);
      return 0;
    },
    is_refreshing: (L, fn) => {
      bridge.pushBoolean(L, externalArg(L, fn).isRefreshing());
      return 1;
    },
    num_entries: (L, fn) => {
      bridge.pushInteger(L, externalArg(L, fn).count());
      return 1;
    },
    entry: (L, fn) => {
      const room = externalArg(L, fn).at(args.integer(L, 2, fn, 'entry index (0-based)'));
      if (!room) return bridge.pushStringOrNil(L, undefined);
      pushRoomInfo(L, room);
      return 1;
    },
    all_entries: (L, fn) => {
      const external = externalArg(L, fn);
      bridge.newTable(L, external.count(), 0);
      for (let i = 0; i < external.count(); i++) {
        pushRoomInfo(L, external.at(i)!);
        bridge.rawSetIndex(L, -2, i + 1);
      }
      return 1;
    },
  };
}

