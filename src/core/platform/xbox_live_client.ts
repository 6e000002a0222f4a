/**
 * The Xbox Live subsystem (`Network.init_xboxlive_client`), on the platform service: a console
 * whose local users (numbered by the script) have xuids, multiplayer sessions found by name and
 * template, activities and presence, session handles, invites, and the asynchronous jobs scripts
 * poll for them.
 *
 * A console's peer id is an xuid-shaped 64-bit id (0x0009...); its local user n has the xuid
 * peer id + n, so xuids are unique across consoles and say which console a user is on.
 */
import { NetworkError } from '../base/network_error.js';
import type { NetworkNode, TransportConfig } from '../transport/network_node.js';
import { peerIdToBigInt, type PeerId } from '../base/peer_id.js';
import { PlatformClient } from './platform_client.js';
import type { PlatformLink } from './platform_link.js';
import type { Random } from '../base/random.js';
import { PlatformLobby } from './platform_lobby.js';
import type { LobbyView, Outgoing, PreserveMode, Push } from './platform_protocol.js';

/** Local users per console: ids 0..255. */
export const MAX_LOCAL_USERS = 256;

export type SessionStatus = 'working' | 'ready' | 'broken' | 'shutdown';

/** SmartMatchStatus. */
export type SmartMatchStatus = 'unknown' | 'searching' | 'found' | 'expired';

/** A session's SmartMatch: a ticket waiting in a hopper of the platform service until matched or out of time. */
interface SmartMatch {
  hopper: string;
  status: SmartMatchStatus;
  /** '' until the service answered. */
  ticket: string;
  startedAt: number;
  deadline: number;
  /** Once found: the session to meet in, and the seconds it took. */
  found?: { name: string; template: string; waited: number };
}

/** XboxLive.online_state: XboxOne.ONLINE once signed in to the service, OFFLINE when that failed. */
export type OnlineState = 'online' | 'offline' | 'unknown';

/** Sessions addressed as the Xbox Live session directory does: by template and name. */
const URI_PREFIX = '/serviceconfigs/00000000-0000-0000-0000-000000000000/sessionTemplates/';

export function sessionUri(template: string, name: string): string {
  return `${URI_PREFIX}${encodeURIComponent(template)}/sessions/${encodeURIComponent(name)}`;
}

/** The name and template of a session URI, or undefined if it is not one. */
export function parseSessionUri(uri: string): { name: string; template: string } | undefined {
  const match = new RegExp(`^${URI_PREFIX}([^/]+)/sessions/([^/]+)$`).exec(uri);
  return match ? { template: decodeURIComponent(match[1]!), name: decodeURIComponent(match[2]!) } : undefined;
}

export function xuidOf(console: PeerId, user: number): string {
  return (peerIdToBigInt(console) + BigInt(user)).toString();
}

/** A multiplayer session as one local user is in it. */
export class XboxMultiplayerSession extends PlatformLobby {
  /** Leaving was asked for; SHUTDOWN once the service answered. */
  private leaving = false;
  /** Work running in the session (set_activity): WORKING until it is answered. */
  private busy = 0;
  private shutDown = false;
  /** A newer view of the session came since has_session_changed was last asked. */
  private changed = false;
  private smartmatch: SmartMatch | undefined;

  constructor(
    client: XboxLiveClient,
    readonly sessionId: number,
    readonly user: number,
    request: Outgoing,
  ) {
    super(client, 'MultiplayerSession', request);
  }

  get xuid(): string {
    return xuidOf(this.self, this.user);
  }

  status(): SessionStatus {
    if (this.shutDown) return 'shutdown';
    if (this.failCode !== undefined) return 'broken';
    return this.isJoined && !this.leaving && this.busy === 0 ? 'ready' : 'working';
  }

  /** Make this session the user's activity (Network.set_activity): friends see it in activity details. */
  setActivity(fn: string): void {
    if (this.status() !== 'ready') throw new NetworkError(`${fn}: multiplayer session ${this.sessionId} is ${this.status()}, not ready`);
    this.busy++;
    this.client.request({ op: 'set_activity', xuid: this.xuid, lobby: this.id }, (answer) => {
      this.busy--;
      if (!answer.ok) this.fail(answer.code, `set_activity: ${answer.error}`);
    });
  }

  /**
   * MultiplayerSession.start_smartmatch: wait in `hopper` for another console's ticket, for at most
   * `timeout` seconds; `preserve` ALWAYS asks to keep this session as the one both meet in.
   */
  startSmartmatch(hopper: string, timeout: number, preserve: PreserveMode, attributes: string, fn: string): void {
    if (this.status() !== 'ready') throw new NetworkError(`${fn}: multiplayer session ${this.sessionId} is ${this.status()}, not ready`);
    if (this.smartmatch?.status === 'searching') throw new NetworkError(`${fn}: multiplayer session ${this.sessionId} is already searching in hopper '${this.smartmatch.hopper}'`);
    const now = this.client.nodeOf.clock.now();
    const match: SmartMatch = { hopper, status: 'searching', ticket: '', startedAt: now, deadline: now + timeout };
    this.smartmatch = match;
    this.client.request({ op: 'smartmatch', lobby: this.id, hopper, xuid: this.xuid, preserve, attributes }, (answer) => {
      if (answer.ok) match.ticket = answer.ticket!;
      else if (match.status === 'searching') match.status = 'expired';
    });
  }

  smartmatchStatus(): SmartMatchStatus {
    return this.smartmatch?.status ?? 'unknown';
  }

  /** The ticket and the seconds it has waited (start_smartmatch_result), once searching began. */
  smartmatchTicket(): { ticket: string; waited: number } | undefined {
    const match = this.smartmatch;
    if (!match) return undefined;
    return { ticket: match.ticket, waited: (match.found?.waited ?? this.client.nodeOf.clock.now() - match.startedAt) };
  }

  smartmatchFound(): SmartMatch['found'] {
    return this.smartmatch?.found;
  }

  /** The service matched ticket `ticket`: meet in `name` of `template`. */
  matched(ticket: string, name: string, template: string): boolean {
    const match = this.smartmatch;
    if (match?.ticket !== ticket || match.status !== 'searching') return false;
    match.status = 'found';
    match.found = { name, template, waited: this.client.nodeOf.clock.now() - match.startedAt };
    return true;
  }

  /** MultiplayerSession.delete_smartmatch_ticket: stop waiting (the ticket is gone from the hopper). */
  deleteTicket(hopper: string, ticket: string): void {
    const match = this.smartmatch;
    this.client.request({ op: 'cancel_smartmatch', hopper, ticket }, () => undefined);
    if (match?.ticket === ticket && match.hopper === hopper) this.smartmatch = undefined;
  }

  override update(): void {
    super.update();
    const match = this.smartmatch;
    if (match?.status !== 'searching' || this.client.nodeOf.clock.now() < match.deadline) return;
    match.status = 'expired';
    if (match.ticket !== '') this.client.request({ op: 'cancel_smartmatch', hopper: match.hopper, ticket: match.ticket }, () => undefined);
  }

  /** MultiplayerSession.set_keywords: the host replaces what session browsing matches. */
  setKeywords(keywords: string[], fn: string): void {
    this.requireOwner(fn);
    this.view!.keywords = keywords;
    this.change({ keywords });
  }

  /** MultiplayerSession.set_closed: a closed session refuses joins and is not listed. */
  setClosed(closed: boolean, fn: string): void {
    this.requireOwner(fn);
    this.view!.closed = closed;
    this.change({ closed });
  }

  /** Whether the session changed since the last call (MultiplayerSession.has_session_changed). */
  takeChanged(): boolean {
    const changed = this.changed;
    this.changed = false;
    return changed;
  }

  override apply(view: LobbyView, pushed: boolean): void {
    super.apply(view, pushed);
    this.changed = true;
  }

  protected override memberXuid(): string {
    return this.xuid;
  }

  /** MultiplayerSession.leave: working until the service let the user go, then shutdown. */
  override leave(): void {
    if (this.leaving || this.shutDown) return;
    this.leaving = true;
    if (!this.isJoined) {
      this.shutDown = true;
      this.release();
      return;
    }
    this.client.request(this.leaveRequest(this.id), () => {
      this.shutDown = true;
      this.release();
    });
  }

  protected override isMemberOf(view: LobbyView): boolean {
    return view.members.some((m) => m.peer === this.self && m.xuid === this.xuid);
  }

  override isFor(xuid: string | undefined): boolean {
    return xuid === undefined || xuid === this.xuid;
  }

  protected override leaveRequest(id: string): Outgoing {
    return { op: 'leave', lobby: id, xuid: this.xuid };
  }

  protected override get abandoned(): boolean {
    return this.leaving;
  }

  /** Gone from the service: stop mirroring it (the script frees it with free_multiplayer_session). */
  private release(): void {
    this.removed('left');
    this.client.forget(this);
  }
}

export class XboxLiveClient extends PlatformClient {
  readonly sessions = new Map<number, XboxMultiplayerSession>();
  private nextSession = 1;
  /** Local users the console knows: user 0 is signed in from the start, others once a script uses them. */
  readonly users = new Set<number>([0]);
  /** A user was added since XboxLive.user_cache_changed was last asked. */
  private usersChanged = false;
  /** The newest invite received, and whether XboxLive.last_game_invite has shown it. */
  private latestInvite: Extract<Push, { push: 'invite' }> | undefined;
  private inviteIsNew = false;

  /** `ids` draws the console's id. */
  constructor(node: NetworkNode, config: TransportConfig, openLink: () => PlatformLink, ids: Random) {
    // 0x0009 and 40 random bits, the low byte left for local users.
    const high = (ids.nextUint32() & 0xff) | 0x0009_00;
    const peer = ((BigInt(high) << 40n) | (BigInt(ids.nextUint32()) << 8n)).toString(16);
    super('Xbox Live client', node, config, 0, { platform: 'xbox', peer, name: `xbox ${peer.slice(-6)}` }, openLink);
  }

  xuid(user: number): string {
    return xuidOf(this.peerId, user);
  }

  /** Create (as host) or join (by name and template) a session for a local user; returns its id. */
  openSession(user: number, request: Outgoing): number {
    this.useUser(user);
    const id = this.nextSession++;
    this.sessions.set(id, new XboxMultiplayerSession(this, id, user, request));
    return id;
  }

  session(id: number, fn: string): XboxMultiplayerSession {
    const session = this.sessions.get(id);
    if (!session) throw new NetworkError(`${fn}: no multiplayer session ${id} (never created, or freed)`);
    return session;
  }

  /** A local user signs in on first use. */
  useUser(user: number): void {
    if (this.users.has(user)) return;
    this.users.add(user);
    this.usersChanged = true;
  }

  takeUsersChanged(): boolean {
    const changed = this.usersChanged;
    this.usersChanged = false;
    return changed;
  }

  get onlineState(): OnlineState {
    return this.signIn === 'ready' ? 'online' : this.signIn === 'failed' ? 'offline' : 'unknown';
  }

  /**
   * The sessions of this console's users in one service session form a group (several local users
   * playing together); its id is the first of them, the master session.
   */
  groupOf(session: XboxMultiplayerSession): number {
    if (session.id === '0') return session.sessionId;
    let master = session.sessionId;
    for (const [id, other] of this.sessions) if (other.id === session.id && id < master) master = id;
    return master;
  }

  groupSessions(group: number): XboxMultiplayerSession[] {
    return [...this.sessions.values()].filter((s) => this.groupOf(s) === group);
  }

  /** Invites are kept for take_invite and remembered as the newest; a SmartMatch found goes to its session. */
  protected override onPush(push: Push): void {
    if (push.push === 'smartmatch') {
      for (const session of this.sessions.values()) if (session.matched(push.ticket, push.name, push.template)) break;
      return;
    }
    if (push.push === 'invite') {
      this.latestInvite = push;
      this.inviteIsNew = true;
    }
    super.onPush(push);
  }

  get hasNewInvite(): boolean {
    return this.inviteIsNew;
  }

  /** The newest invite received (XboxLive.last_game_invite); it is no longer new once read. */
  lastInvite(): Extract<Push, { push: 'invite' }> | undefined {
    this.inviteIsNew = false;
    return this.latestInvite;
  }

  /** Received invites not read yet, oldest first. */
  takeInvite(): Extract<Push, { push: 'invite' }> | undefined {
    const at = this.unclaimed.findIndex((p) => p.push === 'invite');
    return at < 0 ? undefined : (this.unclaimed.splice(at, 1)[0] as Extract<Push, { push: 'invite' }>);
  }
}
