/**
 * The platform service's protocol: JSON messages, one per line over TCP, or handed over as values
 * when the service is embedded in the process. A client sends requests `{id, op, ...}`; the service
 * answers each, in order, with `{re: id, ok: true, ...}` or `{re: id, ok: false, code, error}`, and
 * pushes `{push: ...}` when something changes that the client is part of (a lobby it is in, a
 * server it runs). Requests come from other processes: `parseRequest` checks every field and
 * names the one that is wrong.
 */
import { MAX_MEMBER_DATA_BYTES, setDataValue } from '../lobby/lobby_data.js';
import { FILTER_COMPARISONS, type FilterComparison, type LobbyFilter } from '../lobby/lobby_filter.js';
import { parsePeerId, type PeerId } from '../base/peer_id.js';

/** Who a user is on the service: a player on one of the platforms, or a Steam game server. */
export type Platform = 'steam' | 'psn' | 'xbox' | 'steam_server';
export const PLATFORMS: readonly Platform[] = ['steam', 'psn', 'xbox', 'steam_server'];

/** What the service keeps groups of players in. */
export type LobbyKind = 'steam_lobby' | 'psn_room' | 'xbox_session' | 'steam_server';
export const LOBBY_KINDS: readonly LobbyKind[] = ['steam_lobby', 'psn_room', 'xbox_session', 'steam_server'];

/** Steam lobby types; other kinds are always 'public'. */
export type LobbyType = 'public' | 'private' | 'friends_only' | 'invisible';
export const LOBBY_TYPES: readonly LobbyType[] = ['public', 'private', 'friends_only', 'invisible'];

/** One player of a Steam game server as the server browser's player list shows it. */
export interface ServerPlayer {
  peer: PeerId;
  score: number;
  /** Seconds on the server when the server last published its players. */
  playTime: number;
}

/** What a Steam game server publishes about itself (the server browser's columns). */
export interface ServerInfo {
  /** "ip:port" clients join by (Network.join_steam_server). */
  queryAddress: string;
  /** "ip:port" of the server's game socket (set by the service). */
  gameAddress: string;
  map: string;
  gameDescription: string;
  gamedir: string;
  version: string;
  dedicated: boolean;
  tags: string;
  /** Whether joining needs a password (the password itself never leaves the service). */
  password: boolean;
  appId: number;
  bots: number;
  /** Scores and play times the server published (SteamGameServer.set_score), for SteamServerBrowser.players. */
  players?: ServerPlayer[];
}

export interface Member {
  peer: PeerId;
  /** The member's game endpoint, "ip:port": peers connect there for channels and sessions. */
  address: string;
  /** Persona name / online id / gamertag. */
  name: string;
  /** Xbox Live: the signed-in user's xuid. */
  xuid?: string;
  /** The member's own data (set_member_data); members see it, browsers do not. */
  data?: Record<string, string>;
}

export interface LobbyView {
  id: string;
  kind: LobbyKind;
  type: LobbyType;
  name: string;
  /** The lobby host (a game server's own id for a server). */
  owner: PeerId;
  maxMembers: number;
  /** In join order; a server's members are its players, not itself. */
  members: Member[];
  data: Record<string, string>;
  gameSessionHost: PeerId | null;
  /** Xbox Live sessions: template, keywords and the handle invites and activities carry. */
  template?: string;
  keywords?: string[];
  handle?: string;
  /** Xbox Live: closed to joins (MultiplayerSession.set_closed). */
  closed?: boolean;
  server?: ServerInfo;
}

export interface LobbySpec {
  kind: LobbyKind;
  type: LobbyType;
  maxMembers: number;
  name: string;
  data: Record<string, string>;
  template?: string;
  keywords?: string[];
  /** Steam game servers: what the browser shows, and the password joiners must give. */
  server?: ServerInfo;
  password?: string;
  /** Xbox Live: xuids places are kept for. */
  reserved?: string[];
}

/** Browse filters beyond `add_filter`: lobbies with at least `slots` free places, sorted near `near`. */
export interface FindQuery {
  kind: LobbyKind;
  filters: LobbyFilter[];
  near: { key: string; value: number }[];
  slots: number;
  limit: number;
  /** Xbox Live session browsing: the template, and keywords every session found has. */
  template?: string;
  keywords?: string[];
}

export interface ActivityDetails {
  xuid: string;
  handle: string;
  name: string;
  template: string;
  members: number;
  maxMembers: number;
  closed: boolean;
}

export type Request =
  /**
   * Sign in: `host:port` is where this user's game socket listens (the TCP server puts the address it
   * sees); `secret` is the signing-in process's own, which a user id stays bound to.
   */
  | { id: number; op: 'hello'; platform: Platform; user: PeerId; secret: string; host: string; port: number; name: string }
  | { id: number; op: 'create'; lobby: LobbySpec; xuid?: string }
  | { id: number; op: 'join'; lobby: string; password?: string; xuid?: string }
  | { id: number; op: 'join_server'; address: string; password?: string }
  | { id: number; op: 'join_session'; template: string; name: string; xuid: string }
  /** Leave a lobby; on Xbox Live, `xuid` names the local user leaving (the console stays for its others). */
  | { id: number; op: 'leave'; lobby: string; xuid?: string }
  | {
      id: number;
      op: 'update';
      lobby: string;
      data?: Record<string, string>;
      maxMembers?: number;
      gameSessionHost?: PeerId | null;
      type?: LobbyType;
      name?: string;
      removeMember?: PeerId;
      server?: Partial<ServerInfo>;
      keywords?: string[];
      closed?: boolean;
    }
  | { id: number; op: 'find'; query: FindQuery }
  | { id: number; op: 'lookup'; lobby: string }
  | { id: number; op: 'resolve'; user: PeerId }
  | { id: number; op: 'set_activity'; xuid: string; lobby: string | null }
  | { id: number; op: 'activity_details'; xuids: string[] }
  | { id: number; op: 'describe_handle'; handle: string }
  | { id: number; op: 'clean_sessions'; xuid: string }
  | { id: number; op: 'presence'; xuid: string; presence: string; active: boolean }
  | { id: number; op: 'invite'; lobby: string; to: string[]; text: string }
  /** SmartMatch: queue local user `xuid`'s session for a match in `hopper`; answered with the ticket. */
  | { id: number; op: 'smartmatch'; lobby: string; hopper: string; xuid: string; preserve: PreserveMode; attributes: string }
  | { id: number; op: 'cancel_smartmatch'; hopper: string; ticket: string }
  /** Set one key of this member's own data in a lobby it is in. */
  | { id: number; op: 'member_data'; lobby: string; key: string; value: string; xuid?: string };

export type Op = Request['op'];
/** A request as a client writes it: the link numbers it. */
export type Outgoing = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/** Why a request failed, for the client to map onto the engine's states. */
export type ErrorCode =
  | 'bad_request'
  | 'not_signed_in'
  | 'taken'
  | 'no_lobby'
  | 'no_server'
  | 'full'
  | 'wrong_password'
  | 'not_owner'
  | 'not_member'
  | 'no_user'
  | 'no_handle'
  | 'closed';

export interface Success {
  re: number;
  ok: true;
  lobby?: LobbyView;
  lobbies?: LobbyView[];
  address?: string;
  details?: ActivityDetails[];
  name?: string;
  template?: string;
  left?: number;
  ticket?: string;
}
export interface Failure {
  re: number;
  ok: false;
  code: ErrorCode;
  error: string;
}
export type Answer = Success | Failure;

/** PreserveSessionMode: whether a matched ticket keeps its own session as the target. */
export type PreserveMode = 'always' | 'never';
export const PRESERVE_MODES: readonly PreserveMode[] = ['always', 'never'];

export type Push =
  | { push: 'lobby'; lobby: LobbyView }
  /** A SmartMatch ticket was matched: its session is to meet in the target session `name` of `template`. */
  | { push: 'smartmatch'; ticket: string; name: string; template: string }
  /** This user (only its local user `xuid`, when given) is no longer in the lobby: removed, cleaned, or the lobby ended. */
  | { push: 'removed'; lobby: string; reason: string; xuid?: string }
  | { push: 'invite'; from: string; handle: string; text: string };

export type ServiceMessage = Answer | Push;

/** What a successful answer to each operation must carry, for the client to rely on it. */
export const ANSWER_FIELDS: Partial<Record<Op, readonly (keyof Success)[]>> = {
  create: ['lobby'],
  join: ['lobby'],
  join_server: ['lobby'],
  join_session: ['lobby'],
  update: ['lobby'],
  lookup: ['lobby'],
  find: ['lobbies'],
  resolve: ['address'],
  activity_details: ['details'],
  describe_handle: ['name', 'template'],
  clean_sessions: ['left'],
  smartmatch: ['ticket'],
  member_data: ['lobby'],
};

/** A request that is not one: the message names the field. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** The longest line either side accepts; longer ones end the connection. */
export const MAX_MESSAGE_BYTES = 1 << 20;

/** Cuts a TCP stream into message lines. */
export class LineReader {
  private pending = '';

  /** `maxBytes`: the longest line taken (MAX_MESSAGE_BYTES, or less for what clients send). */
  constructor(private readonly maxBytes = MAX_MESSAGE_BYTES) {}

  /** Whether part of a line has arrived and its end has not. */
  get partial(): boolean {
    return this.pending.length > 0;
  }

  /** Hand each complete line of `chunk` to `onLine`; false once a line grows past the limit. */
  push(chunk: string, onLine: (line: string) => void): boolean {
    this.pending += chunk;
    let end: number;
    while ((end = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 1);
      onLine(line);
    }
    return this.pending.length <= this.maxBytes;
  }
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(`${where}: an object expected`);
  return value as Json;
}

function text(o: Json, key: string, where: string, max = 4096): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ProtocolError(`${where}.${key}: a string expected`);
  if (value.length > max) throw new ProtocolError(`${where}.${key}: longer than ${max} characters`);
  return value;
}

function integer(o: Json, key: string, where: string, min: number, max: number): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new ProtocolError(`${where}.${key}: an integer in ${min}..${max} expected`);
  return value;
}

function flag(o: Json, key: string, where: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') throw new ProtocolError(`${where}.${key}: a boolean expected`);
  return value;
}

function oneOf<T extends string>(o: Json, key: string, where: string, options: readonly T[]): T {
  const value = text(o, key, where);
  if (!(options as readonly string[]).includes(value)) throw new ProtocolError(`${where}.${key}: one of ${options.join(', ')} expected`);
  return value as T;
}

function peer(o: Json, key: string, where: string): PeerId {
  const id = parsePeerId(text(o, key, where));
  if (id === undefined || id === '0') throw new ProtocolError(`${where}.${key}: a non-zero 64-bit hex id expected`);
  return id;
}

/** A process's secret: 32 to 64 hex digits. */
function secret(o: Json, key: string, where: string): string {
  const value = text(o, key, where, 64);
  if (!/^[0-9a-f]{32,64}$/.test(value)) throw new ProtocolError(`${where}.${key}: 32 to 64 hex digits expected`);
  return value;
}

function strings(o: Json, key: string, where: string, maxCount: number): string[] {
  const value = o[key];
  if (!Array.isArray(value) || value.length > maxCount) throw new ProtocolError(`${where}.${key}: an array of at most ${maxCount} strings expected`);
  return value.map((_, i) => text(value as unknown as Json, String(i), `${where}.${key}`));
}

/** Characters of a lobby's data (keys and values) at most, on every platform. */
export const MAX_LOBBY_DATA_CHARS = 65536;
/** Characters of a lobby's name at most. */
export const MAX_LOBBY_NAME_CHARS = 1024;
/** Keywords of an Xbox Live session at most (created with, set, or browsed for). */
export const MAX_SESSION_KEYWORDS = 64;
/** Xbox user ids in one request (reservations, invites, activity details) at most. */
export const MAX_XUIDS = 100;
/** Characters of a SmartMatch hopper name, its attributes' JSON, a presence id and an invite's text at most. */
export const MAX_HOPPER_CHARS = 256;
export const MAX_MATCH_ATTRIBUTES_CHARS = 4096;
export const MAX_PRESENCE_CHARS = 256;
export const MAX_INVITE_TEXT_CHARS = 1024;

/** Characters of `data`'s keys and values. */
export function lobbyDataChars(data: Readonly<Record<string, string>>): number {
  let chars = 0;
  for (const [k, v] of Object.entries(data)) chars += k.length + v.length;
  return chars;
}

/** Lobby data: string keys to string values, MAX_LOBBY_DATA_CHARS at most in all. */
function dataTable(o: Json, key: string, where: string): Record<string, string> {
  const table = object(o[key], `${where}.${key}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(table)) {
    if (typeof v !== 'string') throw new ProtocolError(`${where}.${key}.${k}: a string expected`);
    setDataValue(out, k, v);
  }
  if (lobbyDataChars(out) > MAX_LOBBY_DATA_CHARS) throw new ProtocolError(`${where}.${key}: more than ${MAX_LOBBY_DATA_CHARS} characters of data`);
  return out;
}

const SERVER_TEXT_KEYS = ['queryAddress', 'gameAddress', 'map', 'gameDescription', 'gamedir', 'version', 'tags'] as const;

function serverInfo(o: Json, where: string, partial: boolean): Partial<ServerInfo> {
  const out: Partial<ServerInfo> = {};
  for (const key of SERVER_TEXT_KEYS) if (!partial || o[key] !== undefined) out[key] = text(o, key, where, 1024);
  if (!partial || o.dedicated !== undefined) out.dedicated = flag(o, 'dedicated', where);
  if (!partial || o.password !== undefined) out.password = flag(o, 'password', where);
  if (!partial || o.appId !== undefined) out.appId = integer(o, 'appId', where, 0, 2 ** 32 - 1);
  if (!partial || o.bots !== undefined) out.bots = integer(o, 'bots', where, 0, 65535);
  if (o.players !== undefined) {
    if (!Array.isArray(o.players) || o.players.length > 65535) throw new ProtocolError(`${where}.players: an array of at most 65535 players expected`);
    out.players = o.players.map((p: unknown, i: number) => {
      const player = object(p, `${where}.players.${i}`);
      const at = `${where}.players.${i}`;
      const playTime = player.playTime;
      if (typeof playTime !== 'number' || !(playTime >= 0)) throw new ProtocolError(`${at}.playTime: a number of seconds expected`);
      return { peer: peer(player, 'peer', at), score: integer(player, 'score', at, -(2 ** 31), 2 ** 31 - 1), playTime };
    });
  }
  return out;
}

function lobbySpec(o: Json, where: string): LobbySpec {
  const kind = oneOf(o, 'kind', where, LOBBY_KINDS);
  const spec: LobbySpec = {
    kind,
    type: oneOf(o, 'type', where, LOBBY_TYPES),
    maxMembers: integer(o, 'maxMembers', where, 1, 65535),
    name: text(o, 'name', where, MAX_LOBBY_NAME_CHARS),
    data: dataTable(o, 'data', where),
  };
  if (o.template !== undefined) spec.template = text(o, 'template', where, 256);
  if (o.keywords !== undefined) spec.keywords = strings(o, 'keywords', where, MAX_SESSION_KEYWORDS);
  if (o.password !== undefined) spec.password = text(o, 'password', where, 256);
  if (o.reserved !== undefined) spec.reserved = strings(o, 'reserved', where, MAX_XUIDS);
  if (kind === 'steam_server') spec.server = serverInfo(object(o.server, `${where}.server`), `${where}.server`, false) as ServerInfo;
  return spec;
}

function findQuery(o: Json, where: string): FindQuery {
  const filters = o.filters;
  const near = o.near;
  if (!Array.isArray(filters) || filters.length > 64) throw new ProtocolError(`${where}.filters: an array of at most 64 filters expected`);
  if (!Array.isArray(near) || near.length > 64) throw new ProtocolError(`${where}.near: an array of at most 64 filters expected`);
  const query: FindQuery = {
    kind: oneOf(o, 'kind', where, LOBBY_KINDS),
    filters: filters.map((f: unknown, i) => {
      const filter = object(f, `${where}.filters.${i}`);
      return { key: text(filter, 'key', `${where}.filters.${i}`), value: text(filter, 'value', `${where}.filters.${i}`), comparison: oneOf<FilterComparison>(filter, 'comparison', `${where}.filters.${i}`, FILTER_COMPARISONS) };
    }),
    near: near.map((f: unknown, i) => {
      const filter = object(f, `${where}.near.${i}`);
      const value = filter.value;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtocolError(`${where}.near.${i}.value: a number expected`);
      return { key: text(filter, 'key', `${where}.near.${i}`), value };
    }),
    slots: integer(o, 'slots', where, 0, 65535),
    limit: integer(o, 'limit', where, 1, 1000),
  };
  if (o.template !== undefined) query.template = text(o, 'template', where, 256);
  if (o.keywords !== undefined) query.keywords = strings(o, 'keywords', where, MAX_SESSION_KEYWORDS);
  return query;
}

/** A request from its JSON value; throws ProtocolError naming the wrong field. */
export function parseRequest(value: unknown): Request {
  const o = object(value, 'request');
  const id = integer(o, 'id', 'request', 0, Number.MAX_SAFE_INTEGER);
  const op = text(o, 'op', 'request', 64);
  const w = `request ${op}`;
  switch (op) {
    case 'hello':
      return { id, op, platform: oneOf(o, 'platform', w, PLATFORMS), user: peer(o, 'user', w), secret: secret(o, 'secret', w), host: text(o, 'host', w, 64), port: integer(o, 'port', w, 1, 65535), name: text(o, 'name', w, 256) };
    case 'create': {
      const request: Request = { id, op, lobby: lobbySpec(object(o.lobby, `${w}.lobby`), `${w}.lobby`) };
      if (o.xuid !== undefined) request.xuid = text(o, 'xuid', w, 64);
      return request;
    }
    case 'join': {
      const request: Request = { id, op, lobby: text(o, 'lobby', w, 64) };
      if (o.password !== undefined) request.password = text(o, 'password', w, 256);
      if (o.xuid !== undefined) request.xuid = text(o, 'xuid', w, 64);
      return request;
    }
    case 'join_server': {
      const request: Request = { id, op, address: text(o, 'address', w, 64) };
      if (o.password !== undefined) request.password = text(o, 'password', w, 256);
      return request;
    }
    case 'join_session':
      return { id, op, template: text(o, 'template', w, 256), name: text(o, 'name', w, 256), xuid: text(o, 'xuid', w, 64) };
    case 'leave': {
      const request: Request = { id, op, lobby: text(o, 'lobby', w, 64) };
      if (o.xuid !== undefined) request.xuid = text(o, 'xuid', w, 64);
      return request;
    }
    case 'lookup':
      return { id, op, lobby: text(o, 'lobby', w, 64) };
    case 'update': {
      const request: Extract<Request, { op: 'update' }> = { id, op, lobby: text(o, 'lobby', w, 64) };
      if (o.data !== undefined) request.data = dataTable(o, 'data', w);
      if (o.maxMembers !== undefined) request.maxMembers = integer(o, 'maxMembers', w, 1, 65535);
      if (o.gameSessionHost === null) request.gameSessionHost = null;
      else if (o.gameSessionHost !== undefined) request.gameSessionHost = peer(o, 'gameSessionHost', w);
      if (o.type !== undefined) request.type = oneOf(o, 'type', w, LOBBY_TYPES);
      if (o.name !== undefined) request.name = text(o, 'name', w, MAX_LOBBY_NAME_CHARS);
      if (o.removeMember !== undefined) request.removeMember = peer(o, 'removeMember', w);
      if (o.server !== undefined) request.server = serverInfo(object(o.server, `${w}.server`), `${w}.server`, true);
      if (o.keywords !== undefined) request.keywords = strings(o, 'keywords', w, MAX_SESSION_KEYWORDS);
      if (o.closed !== undefined) request.closed = flag(o, 'closed', w);
      return request;
    }
    case 'find':
      return { id, op, query: findQuery(object(o.query, `${w}.query`), `${w}.query`) };
    case 'resolve':
      return { id, op, user: peer(o, 'user', w) };
    case 'set_activity':
      return { id, op, xuid: text(o, 'xuid', w, 64), lobby: o.lobby === null ? null : text(o, 'lobby', w, 64) };
    case 'activity_details':
      return { id, op, xuids: strings(o, 'xuids', w, MAX_XUIDS) };
    case 'describe_handle':
      return { id, op, handle: text(o, 'handle', w, 64) };
    case 'clean_sessions':
      return { id, op, xuid: text(o, 'xuid', w, 64) };
    case 'presence':
      return { id, op, xuid: text(o, 'xuid', w, 64), presence: text(o, 'presence', w, MAX_PRESENCE_CHARS), active: flag(o, 'active', w) };
    case 'invite':
      return { id, op, lobby: text(o, 'lobby', w, 64), to: strings(o, 'to', w, MAX_XUIDS), text: text(o, 'text', w, MAX_INVITE_TEXT_CHARS) };
    case 'smartmatch':
      return {
        id,
        op,
        lobby: text(o, 'lobby', w, 64),
        hopper: text(o, 'hopper', w, MAX_HOPPER_CHARS),
        xuid: text(o, 'xuid', w, 64),
        preserve: oneOf(o, 'preserve', w, PRESERVE_MODES),
        attributes: text(o, 'attributes', w, MAX_MATCH_ATTRIBUTES_CHARS),
      };
    case 'cancel_smartmatch':
      return { id, op, hopper: text(o, 'hopper', w, MAX_HOPPER_CHARS), ticket: text(o, 'ticket', w, 128) };
    case 'member_data': {
      const request: Request = { id, op, lobby: text(o, 'lobby', w, 64), key: text(o, 'key', w, MAX_MEMBER_DATA_BYTES), value: text(o, 'value', w, MAX_MEMBER_DATA_BYTES) };
      if (o.xuid !== undefined) request.xuid = text(o, 'xuid', w, 64);
      return request;
    }
    default:
      throw new ProtocolError(`request.op: unknown operation '${op}'`);
  }
}

function member(value: unknown, where: string): Member {
  const o = object(value, where);
  const m: Member = { peer: peer(o, 'peer', where), address: text(o, 'address', where, 64), name: text(o, 'name', where, 256) };
  if (o.xuid !== undefined) m.xuid = text(o, 'xuid', where, 64);
  if (o.data !== undefined) m.data = dataTable(o, 'data', where);
  return m;
}

function activityDetails(value: unknown, where: string): ActivityDetails {
  const o = object(value, where);
  return {
    xuid: text(o, 'xuid', where, 64),
    handle: text(o, 'handle', where, 64),
    name: text(o, 'name', where, MAX_LOBBY_NAME_CHARS),
    template: text(o, 'template', where, 256),
    members: integer(o, 'members', where, 0, 65535),
    maxMembers: integer(o, 'maxMembers', where, 0, 65535),
    closed: flag(o, 'closed', where),
  };
}

/** A lobby as the service describes it; throws ProtocolError naming the wrong field. */
export function parseLobbyView(value: unknown, where = 'lobby'): LobbyView {
  const o = object(value, where);
  const members = o.members;
  if (!Array.isArray(members) || members.length > 65535) throw new ProtocolError(`${where}.members: an array expected`);
  const view: LobbyView = {
    id: text(o, 'id', where, 64),
    kind: oneOf(o, 'kind', where, LOBBY_KINDS),
    type: oneOf(o, 'type', where, LOBBY_TYPES),
    name: text(o, 'name', where, MAX_LOBBY_NAME_CHARS),
    owner: peer(o, 'owner', where),
    maxMembers: integer(o, 'maxMembers', where, 1, 65535),
    members: members.map((m: unknown, i) => member(m, `${where}.members.${i}`)),
    data: dataTable(o, 'data', where),
    gameSessionHost: o.gameSessionHost === null ? null : peer(o, 'gameSessionHost', where),
  };
  if (o.template !== undefined) view.template = text(o, 'template', where, 256);
  if (o.keywords !== undefined) view.keywords = strings(o, 'keywords', where, MAX_SESSION_KEYWORDS);
  if (o.handle !== undefined) view.handle = text(o, 'handle', where, 64);
  if (o.closed !== undefined) view.closed = flag(o, 'closed', where);
  if (o.server !== undefined) view.server = serverInfo(object(o.server, `${where}.server`), `${where}.server`, false) as ServerInfo;
  return view;
}

/** What a client accepts from the service: an answer or a push, every lobby in it checked. */
export function parseServiceMessage(value: unknown): ServiceMessage {
  const o = object(value, 'message');
  if (typeof o.re === 'number') {
    if (o.ok === false) return { re: o.re, ok: false, code: text(o, 'code', 'answer', 64) as ErrorCode, error: text(o, 'error', 'answer') };
    if (o.ok !== true) throw new ProtocolError('answer.ok: a boolean expected');
    const answer: Success = { re: o.re, ok: true };
    if (o.lobby !== undefined) answer.lobby = parseLobbyView(o.lobby, 'answer.lobby');
    if (o.lobbies !== undefined) {
      if (!Array.isArray(o.lobbies)) throw new ProtocolError('answer.lobbies: an array expected');
      answer.lobbies = o.lobbies.map((l: unknown, i) => parseLobbyView(l, `answer.lobbies.${i}`));
    }
    if (o.details !== undefined) {
      if (!Array.isArray(o.details)) throw new ProtocolError('answer.details: an array expected');
      answer.details = o.details.map((d: unknown, i) => activityDetails(d, `answer.details.${i}`));
    }
    if (o.address !== undefined) answer.address = text(o, 'address', 'answer', 64);
    if (o.name !== undefined) answer.name = text(o, 'name', 'answer', MAX_LOBBY_NAME_CHARS);
    if (o.template !== undefined) answer.template = text(o, 'template', 'answer', 256);
    if (o.left !== undefined) answer.left = integer(o, 'left', 'answer', 0, 65535);
    if (o.ticket !== undefined) answer.ticket = text(o, 'ticket', 'answer', 128);
    return answer;
  }
  switch (o.push) {
    case 'lobby':
      return { push: 'lobby', lobby: parseLobbyView(o.lobby, 'push.lobby') };
    case 'removed': {
      const push: Push = { push: 'removed', lobby: text(o, 'lobby', 'push', 64), reason: text(o, 'reason', 'push') };
      if (o.xuid !== undefined) push.xuid = text(o, 'xuid', 'push', 64);
      return push;
    }
    case 'invite':
      return { push: 'invite', from: text(o, 'from', 'push', 64), handle: text(o, 'handle', 'push', 64), text: text(o, 'text', 'push') };
    case 'smartmatch':
      return { push: 'smartmatch', ticket: text(o, 'ticket', 'push', 128), name: text(o, 'name', 'push', MAX_LOBBY_NAME_CHARS), template: text(o, 'template', 'push', 256) };
    default:
      throw new ProtocolError('message: neither an answer nor a known push');
  }
}
