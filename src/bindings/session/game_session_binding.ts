/**
 * `Network.create_game_session` / `game_session` / `shutdown_game_session` and the `GameSession`
 * namespace: membership, game objects and their fields. Every function works both as
 * `GameSession.fn(session, ...)` and `session:fn(...)`.
 */
import type { GameObject } from '../../core/session/game_object.js';
import path from 'node:path';
import { GameSession } from '../../core/session/game_session.js';
import { ReplaySession } from '../../core/session/replay_session.js';
import type { ObjectType } from '../../core/config/network_config.js';
import type { WireValue } from '../../core/config/network_type.js';
import type { PeerId } from '../../core/base/peer_id.js';
import type { EngineObjects } from '../../bridge/engine_object.js';
import { GameObjectMirror, type SessionMirror } from './game_object_mirror.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TNUMBER, LUA_TSTRING, LUA_TTABLE, LuaRaise, type LuaApi, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { ScriptNetwork } from '../network/network_binding.js';
import { NetworkValues } from '../network/network_value.js';
import { ScriptCallbacks } from '../../bridge/script_callbacks.js';

const KIND = 'GameSession';

export function installGameSession(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork): void {
  const shared = gameSessionShared(vm, objects, net);
  installFunctions(vm, {
    Network: gameSessionNetworkFunctions(shared),
    [KIND]: { ...gameSessionMembershipFunctions(shared), ...gameSessionObjectsFunctions(shared), ...gameSessionObjectQueriesFunctions(shared) },
  });
}

/** Defines the GameSession kind, and builds what the function tables share. */
function gameSessionShared(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork) {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  const values = new NetworkValues(vm);
  const callbacks = new ScriptCallbacks(vm);
  objects.defineKind(KIND);
  /** The session argument; a replay session only for reading (`readOnly`), as it cannot change. */
  const session = (L: LuaState, fn: string): GameSession => {
    const s = objects.check<GameSession | ReplaySession>(L, 1, KIND, fn);
    if (s instanceof ReplaySession) throw new LuaRaise(`${fn}: a replay session only plays back what was recorded`);
    return s;
  };
  const readable = (L: LuaState, fn: string): GameSession | ReplaySession => objects.check<GameSession | ReplaySession>(L, 1, KIND, fn);

  // ---- Network ---------------------------------------------------------------------------------
  /** Each live session's userdata, and the Lua-side copy of its fields. */
  const mirrors = new Map<GameSession | ReplaySession, SessionMirror>();
  const pushSession = (L: LuaState, s: GameSession | ReplaySession): void => {
    objects.push(L, KIND, s);
    mirrors.set(s, mirror.attach(L, -1, s.objects));
  };
  const release = (s: GameSession | ReplaySession): void => {
    objects.release(s);
    const copy = mirrors.get(s);
    if (copy) mirror.detach(copy);
    mirrors.delete(s);
  };

  net.onStop.push(() => {
    if (net.session) release(net.session);
  });

  const { peerOf, objectArg, fieldArg, ownObject, readField, readFieldTable, pushPeers, callNow } = sessionArgumentReaders(bridge, args, values, callbacks, net);

  // ---- objects ---------------------------------------------------------------------------------
  // Answered on the Lua side from the mirror when they can be; these run for the rest.
  const mirror = new GameObjectMirror(vm, values, KIND, {
    field: (L) => {
      const fn = 'GameSession.game_object_field';
      const s = readable(L, fn);
      const object = objectArg(L, s, fn);
      const index = fieldArg(L, 3, object, fn);
      values.push(L, object.type.fields[index]!.type, object.values[index]!);
      return 1;
    },
    setField: (L) => {
      const fn = 'GameSession.set_game_object_field';
      const s = session(L, fn);
      const object = objectArg(L, s, fn);
      ownObject(s, object, fn);
      const index = fieldArg(L, 3, object, fn);
      s.setField(object, index, readField(L, 4, object, index, fn));
      mirrors.get(s)?.setByScript(L, object, index, 4);
      return 0;
    },
  });
  return { bridge, args, values, callbacks, session, readable, mirrors, pushSession, release, peerOf, objectArg, fieldArg, ownObject, readField, readFieldTable, pushPeers, callNow, mirror, vm, objects, net };
}
type GameSessionShared = ReturnType<typeof gameSessionShared>;

/** This subsystem's `Network.*` functions. */
function gameSessionNetworkFunctions({ bridge, args, session, pushSession, release, objects, net }: GameSessionShared): Functions {
  return {
    create_game_session: (L, fn) => {
      net.requireSubsystem(fn);
      if (net.session) throw new LuaRaise(`${fn}: a game session already exists; shut it down first (Network.shutdown_game_session)`);
      const created = new GameSession(net.node, net.config!, net.events);
      created.onRemoteChange = (object, index) =>
        net.networkLog?.event(net.node.clock.now(), { event: 'field', id: object.id, field: object.type.fields[index]!.name, value: object.values[index] });
      net.session = created;
      pushSession(L, created);
      return 1;
    },
    create_replay_session: (L, fn) => {
      const file = args.string(L, 1, fn, 'network log file');
      const peer = args.isNone(L, 2) ? undefined : args.peerId(L, 2, fn);
      if (!net.config) throw new LuaRaise(`${fn}: start a network client with the recorded config first (Network.init_lan_client)`);
      if (net.replay) release(net.replay);
      net.replay = new ReplaySession(path.resolve(file), net.config, net.events, peer);
      pushSession(L, net.replay);
      return 1;
    },
    shutdown_replay_session: () => {
      if (net.replay) release(net.replay);
      net.replay = undefined;
      return 0;
    },
    game_session: (L) => {
      if (net.session) objects.push(L, KIND, net.session);
      else bridge.pushNil(L);
      return 1;
    },
    shutdown_game_session: () => {
      const current = net.session;
      if (!current) return 0;
      release(current);
      current.close();
      net.session = undefined;
      return 0;
    },
  };
}

/** `GameSession.make_game_session_host` to `GameSession.other_peers`. */
function gameSessionMembershipFunctions({ bridge, session, readable, peerOf, pushPeers, callNow }: GameSessionShared): Functions {
  return {
    make_game_session_host: (L, fn) => {
      session(L, fn).makeHost();
      return 0;
    },
    migrate_game_session_host: (L, fn) => {
      session(L, fn).migrateHost();
      return 0;
    },
    game_session_host: (L, fn) => {
      return bridge.pushStringOrNil(L, readable(L, fn).host);
    },
    join: (L, fn) => {
      const s = session(L, fn);
      s.join(peerOf(L, 2, fn));
      return 0;
    },
    add_peer: (L, fn) => {
      const s = session(L, fn);
      s.addPeer(peerOf(L, 2, fn));
      return 0;
    },
    remove_peer: (L, fn) => {
      const s = session(L, fn);
      const peer = peerOf(L, 2, fn);
      const destroyed = s.removePeer(peer);
      // Fields stay readable while each callback runs.
      try {
        for (const object of destroyed) callNow(L, 3, 'game_object_destroyed', object.id, peer);
      } finally {
        for (const object of destroyed) s.forget(object);
      }
      return 0;
    },
    in_session: (L, fn) => {
      bridge.pushBoolean(L, readable(L, fn).inSession());
      return 1;
    },
    leave: (L, fn) => {
      const s = session(L, fn);
      s.leaving = true;
      s.leave();
      return 0;
    },
    disconnect_from_host: (L, fn) => {
      session(L, fn).disconnectFromHost();
      return 0;
    },
    shutdown_game_session_host: (L, fn) => {
      session(L, fn).shutdownHost();
      return 0;
    },
    wants_to_leave: (L, fn) => bridge.pushStringOrNil(L, session(L, fn).takeWantsToLeave()),
    broken_connection: (L, fn) => bridge.pushStringOrNil(L, session(L, fn).takeBrokenConnection()),
    peers: (L, fn) => {
      pushPeers(L, readable(L, fn).peers());
      return 1;
    },
    synchronizing_peers: (L, fn) => {
      pushPeers(L, readable(L, fn).syncPeers(false));
      return 1;
    },
    synchronized_peers: (L, fn) => {
      pushPeers(L, readable(L, fn).syncPeers(true));
      return 1;
    },
    host_error: (L, fn) => {
      bridge.pushBoolean(L, readable(L, fn).hostError);
      return 1;
    },
    other_peers: (L, fn) => {
      pushPeers(L, readable(L, fn).otherPeers());
      return 1;
    },
  };
}

/** `GameSession.create_game_object` to `GameSession.game_object_fields_array`. */
function gameSessionObjectsFunctions({ bridge, args, values, session, readable, objectArg, ownObject, readFieldTable, net }: GameSessionShared): Functions {
  return {
    create_game_object: (L, fn) => {
      const s = session(L, fn);
      const typeName = args.string(L, 2, fn, 'object type name');
      const type = net.config!.objects.get(typeName);
      if (!type) throw new LuaRaise(`${fn}: no object type '${typeName}' in ${net.config!.file}`);
      const fields = readFieldTable(L, 3, type, fn, true);
      bridge.pushInteger(L, s.createObject(type, type.fields.map((_, i) => fields.get(i)!)).id);
      return 1;
    },
    destroy_game_object: (L, fn) => {
      const s = session(L, fn);
      s.destroyObject(objectArg(L, s, fn));
      return 0;
    },
    set_game_object_fields: (L, fn) => {
      const s = session(L, fn);
      const object = objectArg(L, s, fn);
      ownObject(s, object, fn);
      s.setFields(object, readFieldTable(L, 3, object.type, fn, false));
      return 0;
    },
    game_object_fields: (L, fn) => {
      const s = readable(L, fn);
      const object = objectArg(L, s, fn);
      if (bridge.type(L, 3) === LUA_TTABLE) bridge.pushValue(L, 3);
      else bridge.newTable(L, 0, object.type.fields.length);
      object.type.fields.forEach((field, i) => {
        values.push(L, field.type, object.values[i]!);
        bridge.setField(L, -2, field.name);
      });
      return 1;
    },
    game_object_fields_array: (L, fn) => {
      const s = readable(L, fn);
      const object = objectArg(L, s, fn);
      if (bridge.type(L, 3) !== LUA_TTABLE) args.bad(L, 3, fn, 'table to fill');
      let n = 0;
      object.type.fields.forEach((field, i) => {
        bridge.pushString(L, field.name);
        bridge.rawSetIndex(L, 3, ++n);
        values.push(L, field.type, object.values[i]!);
        bridge.rawSetIndex(L, 3, ++n);
      });
      bridge.pushInteger(L, n);
      return 1;
    },
  };
}

/** `GameSession.has_game_object_field` to `GameSession.migrate_game_object`. */
function gameSessionObjectQueriesFunctions({ bridge, args, session, readable, objectArg, callNow }: GameSessionShared): Functions {
  return {
    has_game_object_field: (L, fn) => {
      const s = readable(L, fn);
      const object = objectArg(L, s, fn);
      bridge.pushBoolean(L, object.type.fieldIndex.has(args.string(L, 3, fn, 'field name')));
      return 1;
    },
    game_object_exists: (L, fn) => {
      const s = readable(L, fn);
      const object = s.objects.get(args.integer(L, 2, fn, 'game object id'));
      bridge.pushBoolean(L, object !== undefined && !object.destroyed);
      return 1;
    },
    game_object_owner: (L, fn) => {
      const s = readable(L, fn);
      bridge.pushString(L, objectArg(L, s, fn).owner);
      return 1;
    },
    game_object_owned: (L, fn) => {
      const s = readable(L, fn);
      bridge.pushBoolean(L, objectArg(L, s, fn).owner === s.self);
      return 1;
    },
    game_object_is_type: (L, fn) => {
      const s = readable(L, fn);
      bridge.pushBoolean(L, objectArg(L, s, fn).type.name === args.string(L, 3, fn, 'object type name'));
      return 1;
    },
    objects_owned_by: (L, fn) => {
      const s = readable(L, fn);
      const owned = s.objectsOwnedBy(args.peerId(L, 2, fn));
      bridge.newTable(L, owned.length, 0);
      owned.forEach((object, i) => {
        bridge.pushInteger(L, object.id);
        bridge.rawSetIndex(L, -2, i + 1);
      });
      return 1;
    },
    /** set_game_object_priority(session, id, [peer,] priority): towards one peer (the reference's form) or every peer. */
    set_game_object_priority: (L, fn) => {
      const s = session(L, fn);
      const object = objectArg(L, s, fn);
      const towards = bridge.type(L, 3) === LUA_TSTRING ? args.peerId(L, 3, fn) : undefined;
      const at = towards === undefined ? 3 : 4;
      const priority = args.number(L, at, fn, 'priority');
      if (!(priority > 0) || !Number.isFinite(priority)) throw new LuaRaise(`bad argument #${at} to '${fn}' (a positive priority expected, got ${priority})`);
      if (towards === undefined) object.priority = priority;
      else (object.peerPriority ??= new Map()).set(towards, priority);
      return 0;
    },
    migrate_game_object: (L, fn) => {
      const s = session(L, fn);
      const object = objectArg(L, s, fn);
      const owner = args.peerId(L, 3, fn);
      const old = s.migrate(object, owner);
      if (old === owner) return 0;
      if (owner === s.self) callNow(L, 4, 'game_object_migrated_to_me', object.id, old);
      else if (old === s.self) callNow(L, 4, 'game_object_migrated_away', object.id, owner);
      return 0;
    },
  };
}


/** Reading a session function's arguments, and answering with peers and callbacks. */
function sessionArgumentReaders(bridge: LuaApi, args: LuaArgs, values: NetworkValues, callbacks: ScriptCallbacks, net: ScriptNetwork) {
  /** A channel (newer scripts) or a peer id (older ones), as the peer it names. */
  const peerOf = (L: LuaState, idx: number, fn: string): PeerId => {
    const type = bridge.type(L, idx);
    if (type === LUA_TNUMBER) return net.channel(args.integer(L, idx, fn, 'channel'), fn).peer;
    if (type === LUA_TSTRING) return args.peerId(L, idx, fn);
    return args.bad(L, idx, fn, 'channel or peer id');
  };
  const objectArg = (L: LuaState, s: GameSession | ReplaySession, fn: string): GameObject => {
    const fast = bridge.numberOrNaN(L, 2);
    const id = Number.isInteger(fast) ? fast : args.integer(L, 2, fn, 'game object id');
    const object = s.objects.get(id);
    if (!object) throw new LuaRaise(`${fn}: no game object ${id}`);
    return object;
  };
  const fieldArg = (L: LuaState, idx: number, object: GameObject, fn: string): number => {
    const name = bridge.type(L, idx) === LUA_TSTRING ? bridge.toString(L, idx)! : args.string(L, idx, fn, 'field name');
    const index = object.type.fieldIndex.get(name);
    if (index === undefined) throw new LuaRaise(`${fn}: game object type '${object.type.name}' has no field '${name}'`);
    return index;
  };
  const ownObject = (s: GameSession, object: GameObject, fn: string): void => {
    if (object.owner !== s.self) throw new LuaRaise(`${fn}: game object ${object.id} (${object.type.name}) is owned by ${object.owner}, not this peer`);
  };
  const readField = (L: LuaState, idx: number, object: GameObject, index: number, fn: string): WireValue => {
    const field = object.type.fields[index]!;
    return values.read(L, idx, field.type, `${fn}: field '${field.name}' of '${object.type.name}'`);
  };
  /** Fields named in the table at `idx` (absolute), in field order; unknown names are errors. */
  const readFieldTable = (L: LuaState, idx: number, type: ObjectType, fn: string, all: boolean): Map<number, WireValue> => {
    if (bridge.type(L, idx) !== LUA_TTABLE) args.bad(L, idx, fn, 'table of field values');
    const out = new Map<number, WireValue>();
    bridge.pushNil(L);
    while (bridge.next(L, idx)) {
      const key = bridge.type(L, -2) === LUA_TSTRING ? bridge.toString(L, -2)! : undefined;
      const index = key === undefined ? undefined : type.fieldIndex.get(key);
      if (index === undefined) throw new LuaRaise(`${fn}: game object type '${type.name}' has no field ${key === undefined ? `(key is a ${bridge.typeName(L, -2)})` : `'${key}'`}`);
      const field = type.fields[index]!;
      out.set(index, values.read(L, -1, field.type, `${fn}: field '${field.name}' of '${type.name}'`));
      bridge.setTop(L, -2);
    }
    if (all) {
      const missing = type.fields.filter((_, i) => !out.has(i)).map((f) => f.name);
      if (missing.length > 0) throw new LuaRaise(`${fn}: '${type.name}' needs a value for every field; missing ${missing.join(', ')}`);
    }
    return out;
  };
  const pushPeers = (L: LuaState, peers: readonly PeerId[]): void => {
    bridge.newTable(L, peers.length, 0);
    peers.forEach((peer, i) => {
      bridge.pushString(L, peer);
      bridge.rawSetIndex(L, -2, i + 1);
    });
  };
  /** Call `tbl[name](tbl, id, peer)` on a callback table given to remove_peer / migrate_game_object. */
  const callNow = (L: LuaState, tableIdx: number, name: string, id: number, peer: PeerId): void => {
    if (bridge.type(L, tableIdx) !== LUA_TTABLE) return;
    const handler = callbacks.pushHandler(L);
    try {
      callbacks.call(L, tableIdx, handler, name, (L) => {
        bridge.pushInteger(L, id);
        bridge.pushString(L, peer);
        return 2;
      });
    } finally {
      bridge.setTop(L, handler - 1);
    }
  };
  return { peerOf, objectArg, fieldArg, ownObject, readField, readFieldTable, pushPeers, callNow };
}
