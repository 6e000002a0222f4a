/**
 * A lobby on the platform service as one member sees it: a Steam lobby, a PSN room or an Xbox Live
 * multiplayer session. The service holds the truth (members in join order, the owner, the data);
 * this keeps the latest view it sent, connects to the other members' game sockets (a full mesh,
 * so channels and sessions work between any two, as in LAN play) and sends the owner's changes.
 *
 * The owner's own changes show at once; views the service sends while some of them are still on
 * their way keep the local data, so a value never flips back and forth.
 */
import { parseEndpoint } from '../transport/datagram_socket.js';
import { HOST_KEY } from '../lobby/lan_lobby.js';
import { assignData, dataValue, MAX_MEMBER_DATA_BYTES, memberDataBytes, setDataValue, type LobbyData } from '../lobby/lobby_data.js';
import { NetworkError } from '../base/network_error.js';
import type { PeerId } from '../base/peer_id.js';
import type { PlatformClient } from './platform_client.js';
import { lobbyDataChars, MAX_LOBBY_DATA_CHARS, type Answer, type ErrorCode, type LobbyType, type LobbyView, type Member, type Outgoing } from './platform_protocol.js';

/** A lobby's state; a Steam game server lobby also reports reserved, server_is_full and timeout. */
export type PlatformLobbyState = 'creating' | 'joining' | 'joined' | 'failed' | 'reserved' | 'server_is_full' | 'timeout';

export class PlatformLobby {
  state: PlatformLobbyState;
  /** Why the lobby failed ("" otherwise), and the service's code for it. */
  reason = '';
  failCode: ErrorCode | undefined;
  view: LobbyView | undefined;
  /** Owner changes sent and not yet answered. */
  private pendingUpdates = 0;
  /** This member's own data as it set it: the service's views may not have caught up. */
  private readonly ownData: LobbyData = {};
  private left = false;
  /** Members whose connections carry this lobby's tag. */
  protected readonly tagged = new Set<PeerId>();

  /** Create or join: the service's answer (in a later update) makes the lobby joined or failed. */
  constructor(
    protected readonly client: PlatformClient,
    /** How errors name this kind of lobby ("SteamLobby"). */
    readonly namespace: string,
    request: Outgoing,
  ) {
    this.state = request.op === 'create' ? 'creating' : 'joining';
    client.lobbies.add(this);
    client.request(request, (answer) => this.answered(answer));
  }

  get id(): string {
    return this.view?.id ?? '0';
  }

  get self(): PeerId {
    return this.client.peerId;
  }

  get isJoined(): boolean {
    return this.state === 'joined';
  }

  get isOwner(): boolean {
    return this.isJoined && this.view?.owner === this.self;
  }

  /** The lobby host, once joined. */
  owner(): PeerId | undefined {
    return this.isJoined ? this.view?.owner : undefined;
  }

  members(): Member[] {
    return this.isJoined ? (this.view?.members ?? []) : [];
  }

  memberIds(): PeerId[] {
    return this.members().map((m) => m.peer);
  }

  hasMember(peer: PeerId): boolean {
    return this.members().some((m) => m.peer === peer);
  }

  data(key: string): string | undefined {
    return this.view ? dataValue(this.view.data, key) : undefined;
  }

  /** A member's own data value for `key` (this peer's as it set it). */
  memberData(peer: PeerId, key: string): string | undefined {
    if (peer === this.self) return dataValue(this.ownData, key);
    const data = this.members().find((m) => m.peer === peer)?.data;
    return data ? dataValue(data, key) : undefined;
  }

  /** Set this member's own data; the service passes it on to every member. */
  setMemberData(key: string, value: string, fn: string): void {
    if (!this.isJoined) throw new NetworkError(`${fn}: the ${this.namespace} is ${this.state}, not joined`);
    const bytes = memberDataBytes(Object.entries(this.ownData), key, value);
    if (bytes > MAX_MEMBER_DATA_BYTES) throw new NetworkError(`${fn}: this member's data would take ${bytes} bytes; at most ${MAX_MEMBER_DATA_BYTES}`);
    setDataValue(this.ownData, key, value);
    const xuid = this.memberXuid();
    // The service tells every other member; this one learns it from the answer (as pushed: owner changes in flight stay).
    this.client.request({ op: 'member_data', lobby: this.id, key, value, ...(xuid === undefined ? {} : { xuid }) }, (answer) => answer.ok && this.apply(answer.lobby!, true));
  }

  /** Which of this console's users the member is, where a console has several (Xbox Live). */
  protected memberXuid(): string | undefined {
    return undefined;
  }

  label(): string {
    return `${this.id}, ${this.state}`;
  }

  /** What connections used by this lobby list among their users (Network.is_used). */
  tag(): string {
    return `${this.namespace} ${this.id}`;
  }

  // ---- the owner's changes ------------------------------------------------------------------

  setData(entries: Record<string, string>, fn: string): void {
    this.requireOwner(fn);
    if (HOST_KEY in entries && entries[HOST_KEY] !== this.self) throw new NetworkError(`${fn}: the key '${HOST_KEY}' is the lobby host's peer id, published by the platform`);
    // Refused here, before anything changes: the service would refuse it, and the lobby would hold it until then.
    const chars = lobbyDataChars({ ...this.view!.data, ...entries });
    if (chars > MAX_LOBBY_DATA_CHARS) throw new NetworkError(`${fn}: lobby data is at most ${MAX_LOBBY_DATA_CHARS} characters of keys and values in all; this would make it ${chars}`);
    assignData(this.view!.data, entries);
    this.change({ data: entries });
  }

  setMaxMembers(count: number, fn: string): void {
    this.requireOwner(fn);
    this.view!.maxMembers = count;
    this.change({ maxMembers: count });
  }

  setGameSessionHost(peer: PeerId | null, fn: string): void {
    this.requireOwner(fn);
    this.view!.gameSessionHost = peer;
    this.change({ gameSessionHost: peer });
  }

  setType(type: LobbyType, fn: string): void {
    this.requireOwner(fn);
    this.view!.type = type;
    this.change({ type });
  }

  setName(name: string, fn: string): void {
    this.requireOwner(fn);
    this.view!.name = name;
    this.change({ name });
  }

  /** Remove a member (a kick, or a game server dropping a player). */
  removeMember(peer: PeerId, fn: string): void {
    this.requireOwner(fn);
    if (peer === this.self) throw new NetworkError(`${fn}: the lobby host cannot remove itself (leave instead)`);
    if (!this.hasMember(peer)) throw new NetworkError(`${fn}: ${peer} is not a member of ${this.namespace} ${this.id}`);
    this.view!.members = this.view!.members.filter((m) => m.peer !== peer);
    this.change({ removeMember: peer });
  }

  protected requireOwner(fn: string): void {
    if (this.isOwner) return;
    const why = this.isJoined ? `the lobby host is ${this.view!.owner}` : `the ${this.namespace} is ${this.state}`;
    throw new NetworkError(`${fn}: only the lobby host can do this (${why})`);
  }

  protected change(fields: Omit<Extract<Outgoing, { op: 'update' }>, 'op' | 'lobby'>): void {
    this.pendingUpdates++;
    this.client.request({ op: 'update', lobby: this.id, ...fields }, (answer) => {
      this.pendingUpdates--;
      // The answer shows the lobby before the owner's later changes still on their way: keep those,
      // as for a pushed view, or set_game_session_host after set_data reads nil for a moment.
      if (answer.ok) this.apply(answer.lobby!, this.pendingUpdates > 0);
      // Refused (ownership moved on meanwhile): take the service's view instead of the local change.
      else this.client.request({ op: 'lookup', lobby: this.id }, (truth) => truth.ok && this.apply(truth.lobby!, false));
    });
  }

  // ---- what the service says ------------------------------------------------------------------

  protected answered(answer: Answer): void {
    if (this.abandoned) {
      // Left before the service answered: what it created or joined for us is given up now.
      if (answer.ok) this.client.request(this.leaveRequest(answer.lobby!.id), () => undefined);
      return;
    }
    if (!answer.ok) {
      this.fail(answer.code, answer.error);
      return;
    }
    this.apply(answer.lobby!, false);
    this.client.share(answer.lobby!, this);
  }

  /** Whether this member is in the view. */
  protected isMemberOf(view: LobbyView): boolean {
    return view.members.some((m) => m.peer === this.self);
  }

  /** Whether a `removed` push for this lobby means this object (one local user's, on Xbox Live). */
  isFor(_xuid: string | undefined): boolean {
    return true;
  }

  /** The request that takes this member out of lobby `id`. */
  protected leaveRequest(id: string): Outgoing {
    return { op: 'leave', lobby: id };
  }

  /** Left (or shut down) before the service answered the create or join: its answer is undone. */
  protected get abandoned(): boolean {
    return this.left;
  }

  /** The service's view of the lobby. A pushed view never overrides the owner's changes in flight. */
  apply(view: LobbyView, pushed: boolean): void {
    if (this.left || this.failCode !== undefined) return;
    if (pushed && this.pendingUpdates > 0 && this.view) {
      const { data, maxMembers, gameSessionHost, type, name, keywords, closed, server } = this.view;
      view = { ...view, data, maxMembers, gameSessionHost, type, name, keywords, closed, server };
    }
    const before = this.members();
    this.view = view;
    if (!this.isMemberOf(view) && view.kind !== 'steam_server') {
      this.fail('not_member', `no longer a member of ${this.namespace} ${view.id}`);
      return;
    }
    this.state = 'joined';
    this.connectMembers(before);
  }

  /** Connect to the members that joined before this peer (later ones connect to it); tag live connections. */
  protected connectMembers(before: readonly Member[], connectEarlier = true): void {
    const node = this.client.nodeOf;
    const members = this.members();
    let earlier = true;
    for (const member of members) {
      if (member.peer === this.self) {
        earlier = false;
        continue;
      }
      const endpoint = parseEndpoint(member.address);
      if (!endpoint) continue;
      node.addresses.set(member.peer, endpoint);
      if (earlier && connectEarlier) node.connect(member.peer);
      node.host?.connectionTo(member.peer)?.users.add(this.tag());
      this.tagged.add(member.peer);
    }
    for (const gone of before) if (!members.some((m) => m.peer === gone.peer)) this.untag(gone.peer);
  }

  protected untag(peer: PeerId): void {
    if (!this.tagged.delete(peer)) return;
    this.client.nodeOf.host?.connectionTo(peer)?.users.delete(this.tag());
  }

  /** The service removed this peer (kicked, the lobby ended) or was lost. */
  removed(reason: string): void {
    if (this.left) return;
    this.fail('not_member', reason);
  }

  /** The state a failure leaves (game server lobbies tell timeouts and full servers apart). */
  protected failedState(_code: ErrorCode): PlatformLobbyState {
    return 'failed';
  }

  protected fail(code: ErrorCode, reason: string): void {
    for (const peer of [...this.tagged]) this.untag(peer);
    this.state = this.failedState(code);
    this.failCode = code;
    this.reason = reason;
  }

  /** Once per client update, after the service's messages. */
  update(): void {}

  leave(): void {
    if (this.left) return;
    // A game server slot is held from the service's answer on, before the connection stands.
    if (this.view && this.failCode === undefined) this.client.request(this.leaveRequest(this.id), () => undefined);
    for (const peer of [...this.tagged]) this.untag(peer);
    this.left = true;
    this.state = 'failed';
    this.reason = 'left';
    this.client.forget(this);
  }
}
