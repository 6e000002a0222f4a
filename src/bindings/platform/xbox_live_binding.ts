/**
 * The Xbox Live subsystem's Lua surface, on the emulated platform service: `Network.init_xboxlive_client`
 * and its multiplayer sessions (the `MultiplayerSession` namespace, by session id), session
 * browsing, activities, presence, invites, and the asynchronous jobs with their
 * `SessionJobStatus`. Local users are the integer user ids scripts pass (0..255); each has an xuid.
 *
 * Names the reference copy lost are this project's: `Network.send_invites`, `Network.take_invite`,
 * `MultiplayerSession.host` / `set_custom_property_json` / `open_channel` / `close_channel`
 * (docs/guide/platforms.md lists them).
 */
import { dataValue } from '../../core/lobby/lobby_data.js';
import { luaJitNumberText } from '../../core/wire/number_text.js';
import { NetworkError } from '../../core/base/network_error.js';
import { MAX_HOPPER_CHARS, MAX_INVITE_TEXT_CHARS, MAX_MATCH_ATTRIBUTES_CHARS, MAX_PRESENCE_CHARS, MAX_SESSION_KEYWORDS, MAX_XUIDS, type Success } from '../../core/platform/platform_protocol.js';
import { JOB_STATUSES, SessionJob } from '../../core/platform/session_job.js';
import { MAX_LOCAL_USERS, parseSessionUri, sessionUri, XboxLiveClient, type XboxMultiplayerSession } from '../../core/platform/xbox_live_client.js';
import type { EngineObjects } from '../../bridge/engine_object.js';
import { LuaArgs } from '../../bridge/lua_args.js';
import { LUA_TNUMBER, LUA_TTABLE, LuaRaise, type LuaApi, type LuaState } from '../../bridge/lua_api.js';
import { installFunctions, type Functions } from '../binding.js';
import type { LuaVm } from '../../bridge/lua_vm.js';
import type { ScriptNetwork } from '../network/network_binding.js';
import { defineChannelFunctions, pushRecord } from '../lobby/lobby_functions.js';
import { PlatformSlot } from './platform_slot.js';

const SESSION = 'MultiplayerSession';
const BROWSER = 'MultiplayerSessionBrowser';
/** Session names, templates, keywords and handles: at most this long. */
const MAX_NAME = 63;
/** A template's session size when the script gives none (the reference's default). */
const DEFAULT_MAX_MEMBERS = 100;

interface SessionFound {
  name: string;
  template: string;
  keywords: string[];
  handle: string;
  members: number;
  maxMembers: number;
  host: string;
}

export function installXboxLive(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork): void {
  const shared = xboxLiveShared(vm, objects, net);
  installFunctions(vm, {
    Network: { ...xboxLiveSessionsFunctions(shared), ...xboxLiveActivityFunctions(shared), ...xboxLivePresenceFunctions(shared) },
    [SESSION]: xboxLiveMultiplayerSessionFunctions(shared),
    [BROWSER]: xboxLiveMultiplayerSessionBrowserFunctions(shared),
  });
  const { bridge, args, clients, xbox, stringsArg, sessionArg } = shared;
  installSessionExtras(vm, { bridge, args, xbox, sessionArg, stringsArg });
  installXboxLiveUsers(vm, args, clients);
  showPlatformNamespaces(vm, false);
}

/** Defines the Xbox Live constants, and builds what the function tables share. */
function xboxLiveShared(vm: LuaVm, objects: EngineObjects, net: ScriptNetwork) {
  const { bridge } = vm;
  const args = new LuaArgs(bridge);
  for (const status of JOB_STATUSES) vm.defineConstant('SessionJobStatus', status.toUpperCase(), status);
  for (const status of ['working', 'ready', 'broken', 'shutdown']) vm.defineConstant(SESSION, status.toUpperCase(), status);
  for (const status of ['unknown', 'searching', 'found', 'expired']) vm.defineConstant('SmartMatchStatus', status.toUpperCase(), status);
  for (const state of ['online', 'offline', 'unknown']) vm.defineConstant('XboxOne', state.toUpperCase(), state);
  // Who may join (restriction) and who sees a session (visibility), as activity details report them.
  for (const restriction of ['none', 'local', 'followed', 'unknown']) vm.defineConstant('MultiplayerSessionRestriction', restriction.toUpperCase(), restriction);
  for (const visibility of ['any', 'private', 'visible', 'full', 'open', 'unknown']) vm.defineConstant('MultiplayerSessionVisibility', visibility.toUpperCase(), visibility);
  for (const mode of ['always', 'never']) vm.defineConstant('PreserveSessionMode', mode.toUpperCase(), mode);

  const clients = new PlatformSlot<XboxLiveClient>(objects, net, args, 'XboxLiveClient', 'Xbox Live client', 'init_xboxlive_client');
  const xbox = (fn: string): XboxLiveClient => clients.running(fn);
  const { jobs, startJob, jobStatus, completed, freeJob } = xboxJobs(bridge, args);
  /** The one clean_sessions job a script can have running. */
  const cleaning: { job?: SessionJob<number> | undefined } = {};
  const { userArg, nameArg, stringsArg } = xboxArgumentReaders(bridge, args);

  const sessionArg = (L: LuaState, idx: number, fn: string): XboxMultiplayerSession => xbox(fn).session(args.integer(L, idx, fn, 'session id'), fn);

  // ---- sessions ---------------------------------------------------------------------------------
  const createHost = (L: LuaState, fn: string, user: number, name: string, template: string, maxMembers: number, keywords: string[], reserved: string[]): number => {
    const client = xbox(fn);
    const id = client.openSession(user, {
      op: 'create',
      lobby: { kind: 'xbox_session', type: 'public', maxMembers, name, data: {}, template, keywords, reserved },
      xuid: client.xuid(user),
    });
    bridge.pushInteger(L, id);
    return 1;
  };
  const joinSession = (L: LuaState, fn: string, user: number, name: string, template: string): number => {
    const client = xbox(fn);
    bridge.pushInteger(L, client.openSession(user, { op: 'join_session', name, template, xuid: client.xuid(user) }));
    return 1;
  };

  defineChannelFunctions(vm, args, SESSION, (L, fn) => sessionArg(L, 1, fn), (fn) => xbox(fn).channels);

  // ---- activity, presence, invites ----------------------------------------------------------------
  /** send_invites(user_id, session_id, friend_xuids[, custom_invite_id]): invite those users to the session. */
  // MultiplayerSession.invite_friends_list(user_id, session_id, xuids[, custom_invite_id]) in the
  // reference; the Network page copy shows the same call, its name lost, which was Network.send_invites here.
  for (const [namespace, name] of [['Network', 'send_invites'], [SESSION, 'invite_friends_list']] as const) {
    vm.defineFunction(namespace, name, (L) => {
      const fn = `${namespace}.${name}`;
      userArg(L, 1, fn);
      const session = sessionArg(L, 2, fn);
      const to = stringsArg(L, 3, fn, 'friend xuids', false, MAX_XUIDS);
      const custom = textArg(args, L, 4, fn, 'custom invite id', MAX_INVITE_TEXT_CHARS, true);
      if (!session.isJoined) throw new NetworkError(`${fn}: multiplayer session ${session.sessionId} is ${session.status()}`);
      xbox(fn).request({ op: 'invite', lobby: session.id, to, text: custom }, (answer) => {
        if (!answer.ok) net.log('warnings', `warning: ${fn}: ${answer.error}`);
      });
      return 0;
    });
  }

  // ---- session browsing ---------------------------------------------------------------------------
  const pushFound = (L: LuaState, found: readonly SessionFound[]): number => {
    bridge.newTable(L, found.length, 0);
    found.forEach((session, i) => {
      pushRecord(bridge, L, { session_name: session.name, session_template_name: session.template, handle: session.handle, host: session.host, members: session.members, max_members: session.maxMembers });
      bridge.rawSetIndex(L, -2, i + 1);
    });
    return 1;
  };
  return { bridge, args, clients, xbox, jobs, startJob, jobStatus, completed, freeJob, cleaning, userArg, nameArg, stringsArg, sessionArg, createHost, joinSession, pushFound, vm, objects, net };
}
type XboxLiveShared = ReturnType<typeof xboxLiveShared>;

/** `Network.init_xboxlive_client` to `Network.free_multiplayer_session`. */
function xboxLiveSessionsFunctions({ bridge, args, clients, xbox, jobs, cleaning, userArg, nameArg, stringsArg, sessionArg, createHost, joinSession, vm, net }: XboxLiveShared): Functions {
  return {
    init_xboxlive_client: (L, fn) => {
      const results = clients.start(L, fn, (config) => new XboxLiveClient(net.node, config, () => net.openPlatformLink(), net.platformIds()), false);
      showPlatformNamespaces(vm, true);
      return results;
    },
    shutdown_xboxlive_client: (L, fn) => {
      clients.shutdown(L, fn);
      showPlatformNamespaces(vm, false);
      for (const map of Object.values(jobs)) map.clear();
      cleaning.job = undefined;
      return 0;
    },
    xboxlive_client_exists: (L) => {
      bridge.pushBoolean(L, clients.current !== undefined && !clients.current.isShutDown);
      return 1;
    },
    create_multiplayer_session_host: (L, fn) => {
      const user = userArg(L, 1, fn);
      const name = nameArg(L, 2, fn, 'session name');
      const template = nameArg(L, 3, fn, 'session template name');
      const min = args.isNone(L, 4) ? 0 : args.count(L, 4, fn, 'min members', 0, 100);
      const max = (args.isNone(L, 5) ? 0 : args.count(L, 5, fn, 'max members', 0, 100)) || DEFAULT_MAX_MEMBERS;
      if (min > max) throw new LuaRaise(`bad argument #4 to '${fn}' (min members ${min} is more than max members ${max})`);
      return createHost(L, fn, user, name, template, max, stringsArg(L, 6, fn, 'keywords', true, MAX_SESSION_KEYWORDS), stringsArg(L, 7, fn, 'reserved xbox user ids', true, MAX_XUIDS));
    },
    create_multiplayer_session_client: (L, fn) => {
      const user = userArg(L, 1, fn);
      const name = nameArg(L, 2, fn, 'session name');
      const template = nameArg(L, 3, fn, 'session template name');
      stringsArg(L, 4, fn, 'reserved xbox user ids', true, MAX_XUIDS);
      return joinSession(L, fn, user, name, template);
    },
    /** The deprecated form: host or client by a flag. */
    create_multiplayer_session: (L, fn) => {
      const user = userArg(L, 1, fn);
      const name = nameArg(L, 2, fn, 'session name');
      const template = nameArg(L, 3, fn, 'session template name');
      const asHost = args.boolean(L, 4, fn);
      const keywords = stringsArg(L, 5, fn, 'keywords', true, MAX_SESSION_KEYWORDS);
      return asHost ? createHost(L, fn, user, name, template, DEFAULT_MAX_MEMBERS, keywords, []) : joinSession(L, fn, user, name, template);
    },
    /** Another local user joins a session this console is in. */
    join_local_multiplayer_session: (L, fn) => {
      const user = userArg(L, 1, fn);
      const session = sessionArg(L, 2, fn);
      if (session.status() !== 'ready') throw new NetworkError(`${fn}: multiplayer session ${session.sessionId} is ${session.status()}; wait until it is ready`);
      if (session.members().some((m) => m.xuid === xbox(fn).xuid(user))) throw new NetworkError(`${fn}: user ${user} is already in multiplayer session ${session.sessionId}`);
      return joinSession(L, fn, user, session.view!.name, session.view!.template ?? '');
    },
    free_multiplayer_session: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      const status = session.status();
      if (status !== 'shutdown' && status !== 'broken') throw new NetworkError(`${fn}: multiplayer session ${session.sessionId} is ${status}; leave it (MultiplayerSession.leave) and wait for SHUTDOWN first`);
      if (status === 'broken') session.leave();
      xbox(fn).sessions.delete(session.sessionId);
      return 0;
    },
  };
}

/** `Network.set_activity` to `Network.free_handle_to_description`. */
function xboxLiveActivityFunctions({ bridge, args, xbox, jobs, startJob, jobStatus, completed, freeJob, cleaning, userArg, stringsArg, sessionArg }: XboxLiveShared): Functions {
  return {
    set_activity: (L, fn) => {
      const user = userArg(L, 1, fn);
      const session = sessionArg(L, 2, fn);
      if (session.user !== user) throw new NetworkError(`${fn}: multiplayer session ${session.sessionId} belongs to user ${session.user}, not ${user}`);
      session.setActivity(fn);
      return 0;
    },
    clear_activity: (L, fn) => {
      const user = userArg(L, 1, fn);
      const client = xbox(fn);
      jobs.clearActivity.set(user, new SessionJob(client, { op: 'set_activity', xuid: client.xuid(user), lobby: null }, () => null));
      return 0;
    },
    clear_activity_status: (L, fn) => {
      bridge.pushString(L, jobs.clearActivity.get(userArg(L, 1, fn))?.status ?? 'not_running');
      return 1;
    },
    clean_sessions: (L, fn) => {
      const user = userArg(L, 1, fn);
      const client = xbox(fn);
      cleaning.job = new SessionJob(client, { op: 'clean_sessions', xuid: client.xuid(user) }, (answer) => answer.left ?? 0);
      return 0;
    },
    clean_sessions_status: (L) => {
      bridge.pushString(L, cleaning.job?.status ?? 'not_running');
      return 1;
    },
    get_activity_details: (L, fn) => {
      userArg(L, 1, fn);
      const xuids = stringsArg(L, 2, fn, 'xuids', false, MAX_XUIDS);
      bridge.pushInteger(L, startJob(jobs.activityDetails, new SessionJob(xbox(fn), { op: 'activity_details', xuids }, (answer) => answer.details ?? [])));
      return 1;
    },
    get_activity_details_status: (L, fn) => jobStatus(jobs.activityDetails, L, fn, 'activity details id'),
    get_activity_details_result: (L, fn) => {
      const details = completed(jobs.activityDetails, L, fn, 'activity details id', 'Network.get_activity_details_status') ?? [];
      bridge.newTable(L, details.length, 0);
      details.forEach((detail, i) => {
        pushRecord(bridge, L, {
          xbox_user_id: detail.xuid,
          session_name: detail.name,
          session_template_name: detail.template,
          handle: detail.handle,
          members: detail.members,
          max_members: detail.maxMembers,
          closed: detail.closed,
          visibility: detail.closed ? 'full' : 'open',
          join_restriction: 'none',
        });
        bridge.rawSetIndex(L, -2, i + 1);
      });
      return 1;
    },
    free_get_activity_details: (L, fn) => freeJob(jobs.activityDetails, L, fn, 'activity details id'),
    handle_to_description: (L, fn) => {
      userArg(L, 1, fn);
      const handle = args.string(L, 2, fn, 'session handle');
      if (handle === '' || handle.length > MAX_NAME) throw new LuaRaise(`bad argument #2 to '${fn}' (a session handle of 1 to ${MAX_NAME} characters expected, got ${handle.length})`);
      bridge.pushInteger(L, startJob(jobs.handles, new SessionJob(xbox(fn), { op: 'describe_handle', handle }, (answer) => ({ name: answer.name ?? '', template: answer.template ?? '' }))));
      return 1;
    },
    handle_to_description_status: (L, fn) => jobStatus(jobs.handles, L, fn, 'session lookup id'),
    handle_to_description_result: (L, fn) => {
      const description = completed(jobs.handles, L, fn, 'session lookup id', 'Network.handle_to_description_status');
      bridge.pushString(L, description.name);
      bridge.pushString(L, description.template);
      return 2;
    },
    free_handle_to_description: (L, fn) => freeJob(jobs.handles, L, fn, 'session lookup id'),
    /** set_presence(user_id, presence_id[, is_active_in_title]): a job that frees itself (NOT_RUNNING once done). */
  };
}

/** `Network.set_presence` to `Network.free_session_browsing`. */
function xboxLivePresenceFunctions({ bridge, args, xbox, jobs, startJob, jobStatus, freeJob, userArg, nameArg, stringsArg }: XboxLiveShared): Functions {
  return {
    set_presence: (L, fn) => {
      const user = userArg(L, 1, fn);
      const presence = textArg(args, L, 2, fn, 'presence id', MAX_PRESENCE_CHARS, false);
      const active = args.isNone(L, 3) ? true : args.boolean(L, 3, fn);
      const client = xbox(fn);
      bridge.pushInteger(L, startJob(jobs.presence, new SessionJob(client, { op: 'presence', xuid: client.xuid(user), presence, active }, () => null, true)));
      return 1;
    },
    set_presence_status: (L, fn) => jobStatus(jobs.presence, L, fn, 'set presence job id'),
    /** take_invite(): the oldest invite this console received, as {handle, from, custom_invite_id}, or nil. */
    take_invite: (L, fn) => {
      const invite = xbox(fn).takeInvite();
      if (!invite) {
        bridge.pushNil(L);
        return 1;
      }
      pushRecord(bridge, L, { handle: invite.handle, from: invite.from, custom_invite_id: invite.text });
      return 1;
    },
    /** start_session_browsing(user_id, template[, keywords]): sessions of a template having every keyword. */
    start_session_browsing: (L, fn) => {
      userArg(L, 1, fn);
      const template = nameArg(L, 2, fn, 'session template name');
      const keywords = stringsArg(L, 3, fn, 'keywords', true, MAX_SESSION_KEYWORDS);
      const query = { kind: 'xbox_session' as const, filters: [], near: [], slots: 0, limit: 100, template, keywords };
      const job = new SessionJob(xbox(fn), { op: 'find', query }, (answer) =>
        answer.lobbies!.map((s) => ({ name: s.name, template: s.template ?? '', keywords: s.keywords ?? [], handle: s.handle ?? '', members: s.members.length, maxMembers: s.maxMembers, host: s.owner })),
      );
      bridge.pushInteger(L, startJob(jobs.browsers, job));
      return 1;
    },
    free_session_browsing: (L, fn) => freeJob(jobs.browsers, L, fn, 'session browser id'),
  };
}

/** `MultiplayerSession.*`. */
function xboxLiveMultiplayerSessionFunctions({ bridge, args, xbox, jobs, startJob, jobStatus, completed, freeJob, sessionArg }: XboxLiveShared): Functions {
  return {
    status: (L, fn) => {
      bridge.pushString(L, sessionArg(L, 1, fn).status());
      return 1;
    },
    members: (L, fn) => {
      const members = sessionArg(L, 1, fn).members();
      bridge.newTable(L, members.length, 0);
      members.forEach((member, i) => {
        pushRecord(bridge, L, { gamertag: member.name, peer: member.peer, xbox_user_id: member.xuid ?? '', custom_properties: memberProperties(member.data) });
        bridge.rawSetIndex(L, -2, i + 1);
      });
      return 1;
    },
    leave: (L, fn) => {
      sessionArg(L, 1, fn).leave();
      return 0;
    },
    host: (L, fn) => {
      return bridge.pushStringOrNil(L, sessionArg(L, 1, fn).owner());
    },
    multiplayer_correlation_id: (L, fn) => {
      return bridge.pushStringOrNil(L, sessionArg(L, 1, fn).view?.handle);
    },
    /** set_custom_property_json(session_id, key, json): the host's custom session property. */
    set_custom_property_json: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      const key = args.string(L, 2, fn, 'custom property key');
      session.setData({ [`custom:${key}`]: jsonArg(args, L, 3, fn) }, fn);
      return 0;
    },
    custom_property_json: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      const key = `custom:${args.string(L, 2, fn, 'custom property key')}`;
      if (!session.isJoined) throw new NetworkError(`${fn}: multiplayer session ${session.sessionId} is ${session.status()}`);
      bridge.pushInteger(L, startJob(jobs.properties, new SessionJob(xbox(fn), { op: 'lookup', lobby: session.id }, (answer) => dataValue(answer.lobby!.data, key))));
      return 1;
    },
    custom_property_json_status: (L, fn) => jobStatus(jobs.properties, L, fn, 'session lookup id'),
    custom_property_json_result: (L, fn) => {
      const json = completed(jobs.properties, L, fn, 'session lookup id', 'MultiplayerSession.custom_property_json_status');
      return bridge.pushStringOrNil(L, json);
    },
    free_custom_property_json: (L, fn) => freeJob(jobs.properties, L, fn, 'session lookup id'),
  };
}

/** `MultiplayerSessionBrowser.*`. */
function xboxLiveMultiplayerSessionBrowserFunctions({ jobs, jobStatus, completed, stringsArg, pushFound }: XboxLiveShared): Functions {
  return {
    status: (L, fn) => jobStatus(jobs.browsers, L, fn, 'session browser id'),
    result: (L, fn) => pushFound(L, completed(jobs.browsers, L, fn, 'session browser id', 'MultiplayerSessionBrowser.status')),
    result_filtered: (L, fn) => {
      const found = completed(jobs.browsers, L, fn, 'session browser id', 'MultiplayerSessionBrowser.status');
      const keywords = stringsArg(L, 2, fn, 'keywords', false, MAX_SESSION_KEYWORDS);
      return pushFound(L, found.filter((session) => keywords.every((k) => session.keywords.includes(k))));
    },
  };
}


/** XboxLive and XboxOne are nil until an Xbox Live client runs: scripts probe for XboxLive to tell they are on Xbox. */
function showPlatformNamespaces(vm: LuaVm, shown: boolean): void {
  for (const name of ['XboxLive', 'XboxOne']) vm.showNamespace(name, shown);
}

/** What the MultiplayerSession extras need from the Xbox Live binding. */
interface SessionExtras {
  bridge: LuaApi;
  args: LuaArgs;
  xbox: (fn: string) => XboxLiveClient;
  sessionArg: (L: LuaState, idx: number, fn: string) => XboxMultiplayerSession;
  stringsArg: (L: LuaState, idx: number, fn: string, what: string, optional: boolean, max: number) => string[];
}

/** MultiplayerSession's host, keywords, closing, change flag, groups, URIs, SmartMatch and member properties; MultiplayerSessionGroup. */
function installSessionExtras(vm: LuaVm, extras: SessionExtras): void {
  const { bridge, args, xbox } = extras;
  installFunctions(vm, {
    [SESSION]: { ...sessionViewFunctions(extras), ...sessionMatchFunctions(extras) },
    MultiplayerSessionGroup: {
      master_session: (L, fn) => {
        const group = args.integer(L, 1, fn, 'session group id');
        const client = xbox(fn);
        if (client.groupSessions(group).length === 0) return bridge.pushStringOrNil(L, undefined);
        bridge.pushInteger(L, group);
        return 1;
      },
      all_sessions_have_status: (L, fn) => {
        const group = args.integer(L, 1, fn, 'session group id');
        const status = args.string(L, 2, fn, 'session status (a MultiplayerSession status constant)');
        const sessions = xbox(fn).groupSessions(group);
        bridge.pushBoolean(L, sessions.length > 0 && sessions.every((session) => session.status() === status));
        return 1;
      },
    },
  });
}

/** MultiplayerSession: host, keywords, closing, the change flag, the group and URIs. */
function sessionViewFunctions({ bridge, args, xbox, sessionArg, stringsArg }: SessionExtras): Functions {
  return {
    host_peer: (L, fn) => bridge.pushStringOrNil(L, sessionArg(L, 1, fn).owner()),
    keywords: (L, fn) => {
      const keywords = sessionArg(L, 1, fn).view?.keywords ?? [];
      bridge.newTable(L, keywords.length, 0);
      keywords.forEach((keyword, i) => {
        bridge.pushString(L, keyword);
        bridge.rawSetIndex(L, -2, i + 1);
      });
      return 1;
    },
    set_keywords: (L, fn) => {
      args.count(L, 1, fn, 'user id', 0, MAX_LOCAL_USERS - 1);
      const session = sessionArg(L, 2, fn);
      session.setKeywords(stringsArg(L, 3, fn, 'keywords', true, MAX_SESSION_KEYWORDS), fn);
      return 0;
    },
    set_closed: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      session.setClosed(args.boolean(L, 2, fn), fn);
      return 0;
    },
    has_session_changed: (L, fn) => {
      bridge.pushBoolean(L, sessionArg(L, 1, fn).takeChanged());
      return 1;
    },
    group_id: (L, fn) => {
      bridge.pushInteger(L, xbox(fn).groupOf(sessionArg(L, 1, fn)));
      return 1;
    },
    session_id_to_uri: (L, fn) => {
      const id = args.string(L, 1, fn, 'session id (its correlation id)');
      const view = [...xbox(fn).sessions.values()].find((session) => session.view?.handle === id || session.id === id)?.view;
      if (!view) throw new NetworkError(`${fn}: no multiplayer session of this console has the id '${id}'`);
      bridge.pushString(L, sessionUri(view.template ?? '', view.name));
      return 1;
    },
    session_uri_to_description: (L, fn) => {
      const uri = args.string(L, 1, fn, 'session URI');
      const description = parseSessionUri(uri);
      if (!description) throw new LuaRaise(`bad argument #1 to '${fn}' (a session URI /serviceconfigs/<scid>/sessionTemplates/<template>/sessions/<name> expected, got '${uri}')`);
      bridge.pushString(L, description.name);
      bridge.pushString(L, description.template);
      return 2;
    },
    // SmartMatch, on the platform service's emulated hoppers.
  };
}

/** MultiplayerSession: SmartMatch tickets and the current user's member properties. */
function sessionMatchFunctions({ bridge, args, sessionArg }: SessionExtras): Functions {
  return {
    start_smartmatch: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      const hopper = textArg(args, L, 2, fn, 'hopper name', MAX_HOPPER_CHARS, false);
      const timeout = args.number(L, 3, fn, 'timeout (seconds)');
      if (!(timeout > 0) || !Number.isFinite(timeout)) throw new LuaRaise(`bad argument #3 to '${fn}' (a positive number of seconds expected, got ${timeout})`);
      const preserve = args.string(L, 4, fn, 'preserve mode (a PreserveSessionMode constant)');
      if (preserve !== 'always' && preserve !== 'never') throw new LuaRaise(`bad argument #4 to '${fn}' (PreserveSessionMode.ALWAYS or NEVER expected, got '${preserve}')`);
      const attributes = args.isNone(L, 5) ? '{}' : jsonArg(args, L, 5, fn);
      if (attributes.length > MAX_MATCH_ATTRIBUTES_CHARS) throw new LuaRaise(`bad argument #5 to '${fn}' (attributes are at most ${MAX_MATCH_ATTRIBUTES_CHARS} characters of JSON, got ${attributes.length})`);
      session.startSmartmatch(hopper, timeout, preserve, attributes, fn);
      return 0;
    },
    smartmatch_status: (L, fn) => {
      bridge.pushString(L, sessionArg(L, 1, fn).smartmatchStatus());
      return 1;
    },
    start_smartmatch_result: (L, fn) => {
      const started = sessionArg(L, 1, fn).smartmatchTicket();
      if (!started) throw new NetworkError(`${fn}: no SmartMatch was started in this session (MultiplayerSession.start_smartmatch)`);
      bridge.pushString(L, started.ticket);
      bridge.pushNumber(L, started.waited);
      return 2;
    },
    smartmatch_result: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      const found = session.smartmatchFound();
      if (!found) throw new NetworkError(`${fn}: the SmartMatch of session ${session.sessionId} is ${session.smartmatchStatus()}, not found`);
      bridge.pushString(L, found.name);
      bridge.pushString(L, found.template);
      bridge.pushNumber(L, found.waited);
      return 3;
    },
    delete_smartmatch_ticket: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      session.deleteTicket(args.string(L, 2, fn, 'hopper name'), args.string(L, 3, fn, 'ticket id'));
      return 0;
    },
    set_current_user_member_custom_property_json: (L, fn) => {
      const session = sessionArg(L, 1, fn);
      const key = args.string(L, 2, fn, 'custom property key');
      session.setMemberData(`custom:${key}`, jsonArg(args, L, 3, fn), fn);
      return 0;
    },
  };
}

/** The XboxLive namespace: the console's local users, its online state and the invites it received. */
function installXboxLiveUsers(vm: LuaVm, args: LuaArgs, clients: PlatformSlot<XboxLiveClient>): void {
  const { bridge } = vm;
  const xbox = (fn: string): XboxLiveClient => clients.running(fn);
  const pushUser = (L: LuaState, client: XboxLiveClient, user: number): void =>
    pushRecord(bridge, L, { id: user, xbox_user_id: client.xuid(user), signed_in: true, guest: false });
  installFunctions(vm, {
    XboxLive: {
      online_state: (L, fn) => {
        bridge.pushString(L, xbox(fn).onlineState);
        return 1;
      },
      num_users: (L, fn) => {
        bridge.pushInteger(L, xbox(fn).users.size);
        return 1;
      },
      users: (L, fn) => {
        const client = xbox(fn);
        const users = [...client.users].sort((a, b) => a - b);
        for (const user of users) pushUser(L, client, user);
        return users.length;
      },
      user_info: (L, fn) => {
        const client = xbox(fn);
        const user = args.count(L, 1, fn, 'user id', 0, MAX_LOCAL_USERS - 1);
        if (!client.users.has(user)) throw new NetworkError(`${fn}: user ${user} has not signed in on this console (users sign in when a script first uses them)`);
        pushUser(L, client, user);
        return 1;
      },
      user_cache_changed: (L, fn) => {
        bridge.pushBoolean(L, xbox(fn).takeUsersChanged());
        return 1;
      },
      has_new_game_invite: (L, fn) => {
        bridge.pushBoolean(L, xbox(fn).hasNewInvite);
        return 1;
      },
      last_game_invite: (L, fn) => {
        const invite = xbox(fn).lastInvite();
        if (!invite) return bridge.pushStringOrNil(L, undefined);
        pushRecord(bridge, L, { handle: invite.handle, from: invite.from, custom_invite_id: invite.text });
        return 1;
      },
    },
  });
}

/** A member's custom properties (set_current_user_member_custom_property_json) as one JSON object text. */
function memberProperties(data: Readonly<Record<string, string>> | undefined): string {
  const properties = Object.entries(data ?? {}).filter(([key]) => key.startsWith('custom:'));
  return `{${properties.map(([key, json]) => `${JSON.stringify(key.slice('custom:'.length))}:${json}`).join(',')}}`;
}

/**
 * A string argument of at most `max` characters ('' when optional and absent): the service refuses
 * longer ones, after the call had returned as if it worked.
 */
function textArg(args: LuaArgs, L: LuaState, idx: number, fn: string, what: string, max: number, optional: boolean): string {
  const text = optional ? (args.optionalString(L, idx, fn, what) ?? '') : args.string(L, idx, fn, what);
  if (text.length > max) throw new LuaRaise(`bad argument #${idx} to '${fn}' (${what} is at most ${max} characters, got ${text.length})`);
  return text;
}

/** A JSON text argument, refused when it does not parse. */
function jsonArg(args: LuaArgs, L: LuaState, idx: number, fn: string): string {
  const json = args.string(L, idx, fn, 'JSON text');
  try {
    JSON.parse(json);
  } catch (error) {
    throw new LuaRaise(`bad argument #${idx} to '${fn}' (JSON expected: ${(error as Error).message})`);
  }
  return json;
}

/** Session jobs as scripts hold them: integer ids per kind, their status, result and freeing. */
function xboxJobs(bridge: LuaApi, args: LuaArgs) {
  /** Jobs by kind and id; a freed or unknown id reads "not_running". */
  const jobs = {
    activityDetails: new Map<number, SessionJob<Success['details']>>(),
    handles: new Map<number, SessionJob<{ name: string; template: string }>>(),
    presence: new Map<number, SessionJob<null>>(),
    properties: new Map<number, SessionJob<string | undefined>>(),
    browsers: new Map<number, SessionJob<SessionFound[]>>(),
    clearActivity: new Map<number, SessionJob<null>>(),
  };
  let nextJob = 1;
  const startJob = <T>(map: Map<number, SessionJob<T>>, job: SessionJob<T>): number => {
    const id = nextJob++;
    map.set(id, job);
    return id;
  };
  const jobStatus = <T>(map: Map<number, SessionJob<T>>, L: LuaState, fn: string, what: string): number => {
    bridge.pushString(L, map.get(args.integer(L, 1, fn, what))?.status ?? 'not_running');
    return 1;
  };
  /** A finished job's result: reading it before COMPLETE is an error, as the reference says. */
  const completed = <T>(map: Map<number, SessionJob<T>>, L: LuaState, fn: string, what: string, statusFn: string): T => {
    const id = args.integer(L, 1, fn, what);
    const job = map.get(id);
    if (!job) throw new LuaRaise(`${fn}: no job ${id} (never started, or freed)`);
    if (job.status !== 'complete') throw new LuaRaise(`${fn}: job ${id} is ${job.status}${job.failure ? ` (${job.failure})` : ''}; read its result once ${statusFn} says COMPLETE`);
    return job.result as T;
  };
  const freeJob = <T>(map: Map<number, SessionJob<T>>, L: LuaState, fn: string, what: string): number => {
    const id = args.integer(L, 1, fn, what);
    const job = map.get(id);
    if (!job) throw new LuaRaise(`${fn}: no job ${id} (never started, or freed already)`);
    if (job.status !== 'complete' && job.status !== 'failed') throw new LuaRaise(`${fn}: job ${id} is ${job.status}; free it once it is COMPLETE or FAILED`);
    map.delete(id);
    return 0;
  };
  return { jobs, startJob, jobStatus, completed, freeJob };
}

/** The Xbox Live functions' user, name and string-list arguments. */
function xboxArgumentReaders(bridge: LuaApi, args: LuaArgs) {
  const userArg = (L: LuaState, idx: number, fn: string): number => args.count(L, idx, fn, 'user id', 0, MAX_LOCAL_USERS - 1);
  /** Names and templates: non-empty, all lower-case, at most 63 characters. */
  const nameArg = (L: LuaState, idx: number, fn: string, what: string): string => {
    const name = args.string(L, idx, fn, what);
    if (name === '' || name.length > MAX_NAME) throw new LuaRaise(`bad argument #${idx} to '${fn}' (${what} must be 1 to ${MAX_NAME} characters, got ${name.length})`);
    if (name !== name.toLowerCase()) throw new LuaRaise(`bad argument #${idx} to '${fn}' (${what} must be all lower-case characters, got '${name}')`);
    return name;
  };
  /**
   * A number in a string list as its digits when whole: xuids are 64-bit integers, and LuaJIT's numbers
   * are doubles, whose own text ("2.7827113082381e+15") would lose the digits.
   */
  const numberText = (L: LuaState, idx: number): string => {
    if (bridge.isInteger(L, idx)) return bridge.toString(L, idx)!;
    const n = bridge.toNumber(L, idx);
    return Number.isInteger(n) ? BigInt(n).toString() : luaJitNumberText(n);
  };
  /** An optional array of at most `max` strings (numbers as their text), each non-empty and at most 63 characters. */
  const stringsArg = (L: LuaState, idx: number, fn: string, what: string, optional: boolean, max: number): string[] => {
    if (optional && args.isNone(L, idx)) return [];
    if (bridge.type(L, idx) !== LUA_TTABLE) args.bad(L, idx, fn, `table of ${what}`);
    const count = bridge.rawLength(L, idx);
    if (count > max) throw new LuaRaise(`bad argument #${idx} to '${fn}' (at most ${max} ${what}, got ${count})`);
    const out: string[] = [];
    for (let i = 1; i <= count; i++) {
      bridge.rawGetIndex(L, idx, i);
      const top = bridge.getTop(L);
      const value = bridge.type(L, top) === LUA_TNUMBER ? numberText(L, top) : bridge.toString(L, top);
      bridge.setTop(L, -2);
      if (value === undefined || value === '' || value.length > MAX_NAME) throw new LuaRaise(`bad argument #${idx} to '${fn}' (${what}[${i}] must be a non-empty string of at most ${MAX_NAME} characters)`);
      out.push(value);
    }
    return out;
  };
  return { userArg, nameArg, stringsArg };
}
