/**
 * The local platform service: what the Steam, PSN and Xbox Live backends do for a game, emulated
 * for headless runs. It keeps the signed-in users (each with the game endpoint its peers connect
 * to), lobbies / rooms / multiplayer sessions with their members and data, Steam game servers, and
 * Xbox Live activities, session handles, presence and invites. Embedded in a process by default;
 * `stingray-net platform` serves it over TCP (platform_server.ts) so several processes share one
 * "Steam". It holds no timers: a user is gone when its connection closes.
 *
 * Lobby hosts migrate as the platforms do: when the owner leaves, the longest-present member takes
 * over, and the data key `host` always names the owner (shipped scripts filter on it). A game
 * server's lobby ends with its server.
 */
import { randomBytes } from 'node:crypto';
import { HOST_KEY } from '../lobby/lan_lobby.js';
import { assignData, dataValue, MAX_MEMBER_DATA_BYTES, memberDataBytes, setDataValue } from '../lobby/lobby_data.js';
import type { PreserveMode } from './platform_protocol.js';
import { passesFilters } from '../lobby/lobby_filter.js';
import type { PeerId } from '../base/peer_id.js';
import { PlatformAccounts } from './platform_accounts.js';
import {
  parseRequest,
  ProtocolError,
  type ActivityDetails,
  type ErrorCode,
  type FindQuery,
  type LobbyKind,
  type LobbySpec,
  type LobbyView,
  type Member,
  type Platform,
  type Request,
  type ServiceMessage,
  type Success,
} from './platform_protocol.js';

/** The kind of lobby each platform's users create and join. */
export const LOBBY_KIND_OF: Record<Platform, LobbyKind> = { steam: 'steam_lobby', psn: 'psn_room', xbox: 'xbox_session', steam_server: 'steam_server' };

/** One client's connection to the service (a TCP connection, or an embedded client). */
export interface ServiceConnection {
  readonly number: number;
}

interface User {
  readonly peer: PeerId;
  readonly platform: Platform;
  readonly address: string;
  readonly name: string;
  readonly connection: Connection;
  readonly lobbies: Set<string>;
}

interface Connection extends ServiceConnection {
  readonly deliver: (message: ServiceMessage) => void;
  /** The address the client connects from (TCP); its game socket is reached there. */
  readonly remoteHost: string | undefined;
  user: User | undefined;
}

interface Lobby extends LobbyView {
  password: string | undefined;
  /** Xbox Live: xuids with a place kept until they join. */
  reserved: string[];
}

class RequestRefused extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** SmartMatch tickets one user may have waiting, and tickets one hopper holds. */
export const MAX_TICKETS_PER_USER = 16;
export const MAX_TICKETS_PER_HOPPER = 4096;

/** A session waiting in a SmartMatch hopper. */
interface Ticket {
  id: string;
  user: User;
  lobby: Lobby;
  preserve: PreserveMode;
}

/** Lobbies one user may be in (or run) at a time. */
export const MAX_LOBBIES_PER_USER = 256;

/** How messages name each kind of lobby. */
const NOUNS: Record<LobbyKind, string> = { steam_lobby: 'Steam lobby', psn_room: 'PSN room', xbox_session: 'multiplayer session', steam_server: 'game server' };

/** Lobby ids shaped like each platform's: a Steam chat-lobby id, a PSN room id, an opaque number. */
const ID_BASES: Record<Exclude<LobbyKind, 'steam_server'>, bigint> = {
  steam_lobby: 0x0186_0000_0000_0000n,
  psn_room: 0x0004_0000_0000_0000n,
  xbox_session: 0x0002_0000_0000_0000n,
};

/**
 * The emulated Steam / PSN / Xbox Live backend: users, lobbies and rooms, game servers, Xbox Live
 * sessions and SmartMatch. Serve it to scripts in other processes with {@link PlatformServer}.
 *
 * @category Platform
 */
export class PlatformService {
  /** Requests refused because they did not parse (a bug or a hostile client). */
  malformedRequests = 0;

  /**
   * `idBits`: 48 random bits for each lobby, room or session id and handle, so an id cannot be
   * guessed from another (crypto by default; a seeded source keeps simulated runs repeatable).
   */
  constructor(private readonly idBits: () => bigint = cryptoIdBits) {}
  private readonly users = new Map<PeerId, User>();
  private readonly lobbies = new Map<string, Lobby>();
  /** Who may sign in as which user id, and whose xuids are whose: kept after a user signs out. */
  private readonly accounts = new PlatformAccounts();
  /** Xbox Live: session handle -> lobby id; xuid -> the lobby of its activity. */
  private readonly handles = new Map<string, string>();
  private readonly activities = new Map<string, string>();
  private readonly presence = new Map<string, { presence: string; active: boolean }>();
  private nextConnection = 1;
  /** SmartMatch hoppers: waiting tickets, oldest first. */
  private readonly hoppers = new Map<string, Ticket[]>();
  private nextTicket = 1;
  /** Pushes a request causes that must follow its answer (a SmartMatch found while answering the ticket). */
  private readonly afterAnswer: (() => void)[] = [];

  /**
   * A new client; `remoteHost` is the address it connects from, when it comes over the network.
   *
   * @internal
   */
  connect(deliver: (message: ServiceMessage) => void, remoteHost?: string): ServiceConnection {
    const connection: Connection = { number: this.nextConnection++, deliver, remoteHost, user: undefined };
    return connection;
  }

  /** A client's message, one line of JSON: answered at once through the connection's `deliver`. */
  /** @internal */
  receive(handle: ServiceConnection, line: string): void {
    const connection = handle as Connection;
    let message: unknown;
    let request: Request;
    try {
      message = JSON.parse(line);
      request = parseRequest(message);
    } catch (error) {
      if (!(error instanceof ProtocolError) && !(error instanceof SyntaxError)) throw error;
      this.malformedRequests++;
      const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
      connection.deliver({ re: typeof id === 'number' ? id : -1, ok: false, code: 'bad_request', error: error instanceof SyntaxError ? `not JSON: ${error.message}` : error.message });
      return;
    }
    try {
      connection.deliver({ re: request.id, ok: true, ...this.handle(connection, request) });
      for (const push of this.afterAnswer.splice(0)) push();
    } catch (error) {
      this.afterAnswer.length = 0;
      if (!(error instanceof RequestRefused)) throw error;
      connection.deliver({ re: request.id, ok: false, code: error.code, error: error.message });
    }
  }

  /** The client is gone: it leaves every lobby (its servers end) and its activities end. */
  /** @internal */
  disconnect(handle: ServiceConnection): void {
    const connection = handle as Connection;
    const user = connection.user;
    if (!user) return;
    connection.user = undefined;
    for (const [hopper, tickets] of this.hoppers) this.setTickets(hopper, tickets.filter((t) => t.user !== user));
    for (const id of [...user.lobbies]) this.leave(user, id, 'the user signed out');
    for (const xuid of this.accounts.xuidsOf(user.peer)) {
      this.activities.delete(xuid);
      this.presence.delete(xuid);
    }
    this.users.delete(user.peer);
    this.accounts.signOut(user.peer);
  }

  private handle(connection: Connection, request: Request): Omit<Success, 're' | 'ok'> {
    if (request.op === 'hello') {
      if (connection.user) throw new RequestRefused('bad_request', `already signed in as ${connection.user.peer}`);
      const refused = this.accounts.signIn(request.user, request.secret);
      if (refused !== undefined) throw new RequestRefused('taken', refused);
      const address = `${connection.remoteHost ?? request.host}:${request.port}`;
      const user: User = { peer: request.user, platform: request.platform, address, name: request.name, connection, lobbies: new Set() };
      this.users.set(user.peer, user);
      connection.user = user;
      return {};
    }
    const user = connection.user;
    if (!user) throw new RequestRefused('not_signed_in', `sign in first (hello), then ${request.op}`);
    switch (request.op) {
      case 'create':
        return { lobby: this.create(user, request.lobby, request.xuid) };
      case 'join':
        return { lobby: this.join(user, this.lobbyOf(user, request.lobby), request.password, request.xuid) };
      case 'join_server': {
        const server = [...this.lobbies.values()].find((l) => l.kind === 'steam_server' && l.server!.queryAddress === request.address);
        if (!server) throw new RequestRefused('no_server', `no game server answers at ${request.address}`);
        return { lobby: this.join(user, server, request.password, undefined) };
      }
      case 'join_session': {
        this.claimXuid(user, request.xuid);
        const session = [...this.lobbies.values()].find((l) => l.kind === 'xbox_session' && l.template === request.template && l.name === request.name);
        if (!session) throw new RequestRefused('no_lobby', `no multiplayer session '${request.name}' of template '${request.template}'`);
        return { lobby: this.join(user, session, undefined, request.xuid) };
      }
      case 'leave':
        if (!user.lobbies.has(request.lobby)) throw new RequestRefused('not_member', `${user.peer} is not in lobby ${request.lobby}`);
        this.leave(user, request.lobby, 'left', request.xuid);
        return {};
      case 'update':
        return { lobby: this.update(user, request) };
      case 'find':
        return { lobbies: this.find(user, request.query) };
      case 'lookup': {
        const lobby = this.lobbyOf(user, request.lobby);
        return { lobby: user.lobbies.has(lobby.id) ? view(lobby) : withoutMembersOnlyData(view(lobby)) };
      }
      case 'resolve': {
        const other = this.users.get(request.user);
        if (!other) throw new RequestRefused('no_user', `user ${request.user} is not signed in`);
        return { address: other.address };
      }
      case 'set_activity':
        this.claimXuid(user, request.xuid);
        if (request.lobby === null) {
          this.activities.delete(request.xuid);
        } else {
          const lobby = this.lobbyOf(user, request.lobby);
          if (!lobby.members.some((m) => m.xuid === request.xuid)) throw new RequestRefused('not_member', `${request.xuid} is not a member of session '${lobby.name}'`);
          this.activities.set(request.xuid, lobby.id);
        }
        return {};
      case 'activity_details':
        return { details: request.xuids.flatMap((xuid) => this.activityOf(xuid)) };
      case 'describe_handle': {
        const lobby = this.lobbies.get(this.handles.get(request.handle) ?? '');
        if (!lobby) throw new RequestRefused('no_handle', `no session has the handle '${request.handle}'`);
        return { name: lobby.name, template: lobby.template ?? '' };
      }
      case 'clean_sessions': {
        this.claimXuid(user, request.xuid);
        const stale = [...user.lobbies].filter((id) => this.lobbies.get(id)?.members.some((m) => m.xuid === request.xuid));
        for (const id of stale) {
          this.leave(user, id, 'sessions cleaned', request.xuid);
          connection.deliver({ push: 'removed', lobby: id, reason: 'the session was cleaned (Network.clean_sessions)', xuid: request.xuid });
        }
        return { left: stale.length };
      }
      case 'presence':
        this.claimXuid(user, request.xuid);
        this.presence.set(request.xuid, { presence: request.presence, active: request.active });
        return {};
      case 'invite': {
        const lobby = this.lobbyOf(user, request.lobby);
        if (!user.lobbies.has(lobby.id)) throw new RequestRefused('not_member', `${user.peer} is not in session '${lobby.name}'`);
        for (const xuid of request.to) {
          const owner = this.accounts.xuidOwner(xuid);
          const to = owner === undefined ? undefined : this.users.get(owner);
          if (!to) throw new RequestRefused('no_user', `no signed-in user has the xuid ${xuid}`);
          to.connection.deliver({ push: 'invite', from: user.peer, handle: lobby.handle ?? lobby.id, text: request.text });
        }
        return {};
      }
      case 'member_data':
        return { lobby: this.setMemberData(user, request) };
      case 'smartmatch':
        return { ticket: this.smartmatch(user, request) };
      case 'cancel_smartmatch': {
        const tickets = this.hoppers.get(request.hopper) ?? [];
        this.setTickets(request.hopper, tickets.filter((t) => !(t.id === request.ticket && t.user === user)));
        return {};
      }
    }
  }

  private claimXuid(user: User, xuid: string): void {
    const refused = this.accounts.claimXuid(user.peer, xuid);
    if (refused !== undefined) throw new RequestRefused('taken', refused);
  }

  private lobbyOf(user: User, id: string): Lobby {
    const lobby = this.lobbies.get(id.toLowerCase());
    if (!lobby || (lobby.kind !== LOBBY_KIND_OF[user.platform] && lobby.kind !== 'steam_server')) throw new RequestRefused('no_lobby', `no ${NOUNS[LOBBY_KIND_OF[user.platform]]} ${id}`);
    return lobby;
  }

  /** One user's lobbies are bounded, so one client cannot grow the shared service without end. */
  private checkLobbyCount(user: User): void {
    if (user.lobbies.size >= MAX_LOBBIES_PER_USER) throw new RequestRefused('full', `${user.peer} is in ${MAX_LOBBIES_PER_USER} lobbies already; leave one first`);
  }

  private create(user: User, spec: LobbySpec, xuid: string | undefined): LobbyView {
    if (spec.kind !== LOBBY_KIND_OF[user.platform]) throw new RequestRefused('bad_request', `a ${user.platform} user cannot create a ${spec.kind}`);
    this.checkLobbyCount(user);
    let id: string;
    const lobby: Lobby = {
      id: '',
      kind: spec.kind,
      type: spec.kind === 'steam_lobby' ? spec.type : 'public',
      name: spec.name,
      owner: user.peer,
      maxMembers: spec.maxMembers,
      members: [],
      data: { ...spec.data },
      gameSessionHost: null,
      password: spec.password,
      reserved: spec.reserved ?? [],
    };
    if (spec.kind === 'steam_server') {
      // A server's lobby is the server itself: its id is the server's Steam id, joined by its query address.
      if (user.lobbies.size > 0) throw new RequestRefused('bad_request', `${user.peer} already runs a game server`);
      const server = { ...spec.server! };
      if (server.queryAddress.startsWith('0.0.0.0:')) server.queryAddress = `${hostOf(user.address)}:${server.queryAddress.slice(8)}`;
      if ([...this.lobbies.values()].some((l) => l.server?.queryAddress === server.queryAddress)) throw new RequestRefused('taken', `a game server already answers at ${server.queryAddress}`);
      lobby.server = { ...server, gameAddress: user.address, password: spec.password !== undefined && spec.password !== '' };
      id = user.peer;
    } else {
      id = this.newLobbyId(spec.kind);
      lobby.members.push(memberOf(user, xuid));
      lobby.data[HOST_KEY] = user.peer;
    }
    if (spec.kind === 'xbox_session') {
      if (xuid === undefined) throw new RequestRefused('bad_request', 'a multiplayer session needs the xuid of its user');
      // Checked before the xuid is claimed: a refused create leaves nothing behind.
      if ([...this.lobbies.values()].some((l) => l.kind === 'xbox_session' && l.template === spec.template && l.name === spec.name)) throw new RequestRefused('taken', `a multiplayer session '${spec.name}' of template '${spec.template}' exists`);
      this.claimXuid(user, xuid);
      lobby.template = spec.template ?? '';
      lobby.keywords = spec.keywords ?? [];
      lobby.handle = sessionHandle(this.idBits());
      this.handles.set(lobby.handle, id);
    }
    lobby.id = id;
    this.lobbies.set(id, lobby);
    user.lobbies.add(id);
    return view(lobby);
  }

  /** A lobby id of `kind`'s id range not in use: its low 48 bits random. */
  private newLobbyId(kind: Exclude<LobbyKind, 'steam_server'>): string {
    for (;;) {
      const id = (ID_BASES[kind] + this.idBits()).toString(16);
      if (!this.lobbies.has(id)) return id;
    }
  }

  private join(user: User, lobby: Lobby, password: string | undefined, xuid: string | undefined): LobbyView {
    if (lobby.kind === 'steam_server') {
      if (user.platform !== 'steam') throw new RequestRefused('bad_request', `only Steam clients join game servers`);
      if (lobby.password && password !== lobby.password) throw new RequestRefused('wrong_password', password === undefined ? `game server ${lobby.name} needs a password` : `wrong password for game server ${lobby.name}`);
    }
    // On Xbox Live each local user of a console is a member of its own.
    if (!lobby.members.some((m) => m.peer === user.peer && m.xuid === xuid)) {
      if (lobby.closed) throw new RequestRefused('closed', `${NOUNS[lobby.kind]} ${lobby.name || lobby.id} is closed to joins`);
      const kept = lobby.reserved.filter((r) => r !== xuid && !lobby.members.some((m) => m.xuid === r)).length;
      if (lobby.members.length + kept >= lobby.maxMembers) throw new RequestRefused('full', `${NOUNS[lobby.kind]} ${lobby.name || lobby.id} is full (${lobby.maxMembers} members)`);
      this.checkLobbyCount(user);
      if (xuid !== undefined) this.claimXuid(user, xuid);
      lobby.members.push(memberOf(user, xuid));
      user.lobbies.add(lobby.id);
      this.publish(lobby, user);
    }
    return view(lobby);
  }

  private update(user: User, request: Extract<Request, { op: 'update' }>): LobbyView {
    const lobby = this.lobbyOf(user, request.lobby);
    if (lobby.owner !== user.peer) throw new RequestRefused('not_owner', `only the host of lobby ${lobby.id} (${lobby.owner}) can change it`);
    if (request.data) assignData(lobby.data, request.data);
    if (request.maxMembers !== undefined) lobby.maxMembers = request.maxMembers;
    if (request.gameSessionHost !== undefined) lobby.gameSessionHost = request.gameSessionHost;
    if (request.type !== undefined && lobby.kind === 'steam_lobby') lobby.type = request.type;
    if (request.name !== undefined) lobby.name = request.name;
    if (request.keywords !== undefined && lobby.kind === 'xbox_session') lobby.keywords = request.keywords;
    if (request.closed !== undefined && lobby.kind === 'xbox_session') lobby.closed = request.closed;
    // A server lists only its own players.
    if (request.server?.players) request.server.players = request.server.players.filter((p) => lobby.members.some((m) => m.peer === p.peer));
    if (request.server && lobby.server) Object.assign(lobby.server, request.server, { password: lobby.server.password, queryAddress: lobby.server.queryAddress, gameAddress: lobby.server.gameAddress });
    if (request.removeMember !== undefined) {
      const removed = this.users.get(request.removeMember);
      if (!lobby.members.some((m) => m.peer === request.removeMember) || !removed) throw new RequestRefused('not_member', `${request.removeMember} is not a member of ${lobby.id}`);
      this.removeMember(lobby, removed);
      removed.connection.deliver({ push: 'removed', lobby: lobby.id, reason: lobby.kind === 'steam_server' ? 'removed by the game server' : 'kicked by the lobby host' });
    }
    this.publish(lobby, user);
    return view(lobby);
  }

  private setMemberData(user: User, request: Extract<Request, { op: 'member_data' }>): LobbyView {
    const lobby = this.lobbyOf(user, request.lobby);
    // On Xbox Live the local user it is for.
    const member = user.lobbies.has(lobby.id) ? lobby.members.find((m) => m.peer === user.peer && (request.xuid === undefined || m.xuid === request.xuid)) : undefined;
    if (!member) throw new RequestRefused('not_member', `${user.peer} is not a member of ${lobby.id}`);
    const bytes = memberDataBytes(Object.entries(member.data ?? {}), request.key, request.value);
    if (bytes > MAX_MEMBER_DATA_BYTES) throw new RequestRefused('bad_request', `this member's data would take ${bytes} bytes; at most ${MAX_MEMBER_DATA_BYTES}`);
    setDataValue((member.data ??= {}), request.key, request.value);
    this.publish(lobby, user);
    return view(lobby);
  }

  /**
   * Queue a session in a hopper. The oldest ticket waiting there from another console is matched
   * with it: both are told to meet in the older ticket's session (or the new one's, when only it
   * must keep its session: PreserveSessionMode.ALWAYS).
   */
  private smartmatch(user: User, request: Extract<Request, { op: 'smartmatch' }>): string {
    const lobby = this.lobbyOf(user, request.lobby);
    if (lobby.kind !== 'xbox_session' || !lobby.members.some((m) => m.peer === user.peer && m.xuid === request.xuid)) {
      throw new RequestRefused('not_member', `${request.xuid} is not a member of session '${lobby.name}'`);
    }
    const tickets = this.hoppers.get(request.hopper) ?? [];
    let mine = 0;
    for (const waiting of this.hoppers.values()) for (const t of waiting) if (t.user === user) mine++;
    if (mine >= MAX_TICKETS_PER_USER) throw new RequestRefused('bad_request', `at most ${MAX_TICKETS_PER_USER} SmartMatch tickets may wait per console`);
    if (tickets.length >= MAX_TICKETS_PER_HOPPER) throw new RequestRefused('full', `hopper '${request.hopper}' holds ${MAX_TICKETS_PER_HOPPER} tickets`);
    const ticket: Ticket = { id: `${request.hopper}/${this.nextTicket++}`, user, lobby, preserve: request.preserve };
    const partner = tickets.find((t) => t.user !== user && t.lobby !== lobby);
    if (!partner) {
      this.setTickets(request.hopper, [...tickets, ticket]);
      return ticket.id;
    }
    this.setTickets(request.hopper, tickets.filter((t) => t !== partner));
    const target = ticket.preserve === 'always' && partner.preserve !== 'always' ? lobby : partner.lobby;
    // Told after the answer to this request, so the ticket is known when its match arrives.
    this.afterAnswer.push(() => {
      for (const matched of [partner, ticket]) matched.user.connection.deliver({ push: 'smartmatch', ticket: matched.id, name: target.name, template: target.template ?? '' });
    });
    return ticket.id;
  }

  private setTickets(hopper: string, tickets: Ticket[]): void {
    if (tickets.length === 0) this.hoppers.delete(hopper);
    else this.hoppers.set(hopper, tickets);
  }

  private find(user: User, query: FindQuery): LobbyView[] {
    if (query.kind !== LOBBY_KIND_OF[user.platform] && query.kind !== 'steam_server') throw new RequestRefused('bad_request', `a ${user.platform} user cannot browse ${query.kind}s`);
    const near = query.near[0];
    const found = [...this.lobbies.values()].filter(
      (l) =>
        l.kind === query.kind &&
        (l.type === 'public' || l.type === 'invisible') &&
        l.maxMembers - l.members.length >= query.slots &&
        passesFilters(l.data, query.filters) &&
        (query.template === undefined || l.template === query.template) &&
        (query.keywords ?? []).every((k) => l.keywords?.includes(k)) &&
        l.closed !== true,
    );
    const distance = (lobby: Lobby): number => Math.abs(Number(dataValue(lobby.data, near!.key) ?? Infinity) - near!.value);
    if (near) found.sort((a, b) => distance(a) - distance(b));
    return found.slice(0, query.limit).map((lobby) => withoutMembersOnlyData(view(lobby)));
  }

  private activityOf(xuid: string): ActivityDetails[] {
    const lobby = this.lobbies.get(this.activities.get(xuid) ?? '');
    if (!lobby) return [];
    return [{ xuid, handle: lobby.handle ?? lobby.id, name: lobby.name, template: lobby.template ?? '', members: lobby.members.length, maxMembers: lobby.maxMembers, closed: lobby.closed === true || lobby.members.length >= lobby.maxMembers }];
  }

  /** `user` leaves lobby `id` (only its local user `xuid`, when given). */
  private leave(user: User, id: string, reason: string, xuid?: string): void {
    const lobby = this.lobbies.get(id);
    if (!lobby) {
      user.lobbies.delete(id);
      return;
    }
    if (lobby.kind === 'steam_server' && lobby.owner === user.peer) {
      this.end(lobby, 'the game server shut down');
      return;
    }
    this.removeMember(lobby, user, xuid);
    if (lobby.kind !== 'steam_server' && lobby.members.length === 0) {
      this.end(lobby, reason);
      return;
    }
    this.publish(lobby, undefined);
  }

  private removeMember(lobby: Lobby, user: User, xuid?: string): void {
    const leaving = (m: Member): boolean => m.peer === user.peer && (xuid === undefined || m.xuid === xuid);
    for (const member of lobby.members) if (leaving(member) && member.xuid !== undefined && this.activities.get(member.xuid) === lobby.id) this.activities.delete(member.xuid);
    lobby.members = lobby.members.filter((m) => !leaving(m));
    if (lobby.members.some((m) => m.peer === user.peer)) return;
    user.lobbies.delete(lobby.id);
    if (lobby.gameSessionHost === user.peer) lobby.gameSessionHost = null;
    // The longest-present member takes over, as the platforms hand lobby ownership on.
    if (lobby.owner === user.peer && lobby.kind !== 'steam_server' && lobby.members.length > 0) {
      lobby.owner = lobby.members[0]!.peer;
      lobby.data[HOST_KEY] = lobby.owner;
    }
  }

  private end(lobby: Lobby, reason: string): void {
    this.lobbies.delete(lobby.id);
    if (lobby.handle) this.handles.delete(lobby.handle);
    for (const member of lobby.members) {
      const user = this.users.get(member.peer);
      if (!user) continue;
      user.lobbies.delete(lobby.id);
      user.connection.deliver({ push: 'removed', lobby: lobby.id, reason });
    }
    this.users.get(lobby.owner)?.lobbies.delete(lobby.id);
  }

  /** Tell every member (and a server its players) of the lobby as it is now, except `except`, whose answer says it. */
  private publish(lobby: Lobby, except: User | undefined): void {
    const message: ServiceMessage = { push: 'lobby', lobby: view(lobby) };
    const told = new Set<PeerId>();
    for (const peer of [lobby.owner, ...lobby.members.map((m) => m.peer)]) {
      if (told.has(peer) || peer === except?.peer) continue;
      told.add(peer);
      const user = this.users.get(peer);
      if (user?.lobbies.has(lobby.id)) user.connection.deliver(structuredClone(message));
    }
  }
}

function memberOf(user: User, xuid: string | undefined): Member {
  return xuid === undefined ? { peer: user.peer, address: user.address, name: user.name } : { peer: user.peer, address: user.address, name: user.name, xuid };
}

function view(lobby: Lobby): LobbyView {
  const { password: _password, reserved: _reserved, ...rest } = lobby;
  return structuredClone(rest);
}

/** Browsers do not see member data, nor data keys starting with '@' (a PSN room's internal data): only members do. */
function withoutMembersOnlyData(lobby: LobbyView): LobbyView {
  for (const key of Object.keys(lobby.data)) if (key.startsWith('@')) delete lobby.data[key];
  for (const member of lobby.members) delete member.data;
  return lobby;
}

function hostOf(address: string): string {
  return address.slice(0, address.lastIndexOf(':'));
}

/** A GUID-shaped session handle, as Xbox Live hands them out. */
function sessionHandle(bits: bigint): string {
  return `5e551000-0000-4000-8000-${bits.toString(16).padStart(12, '0')}`;
}

function cryptoIdBits(): bigint {
  return BigInt(`0x${randomBytes(6).toString('hex')}`);
}
