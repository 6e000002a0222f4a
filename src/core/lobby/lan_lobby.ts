/**
 * A LAN lobby: a group of peers with shared key/value data, owned by one of them (the lobby host).
 *
 * The owner keeps the authoritative member list (owner first, then in join order) and data, and
 * sends a full snapshot to every member whenever either changes. Members connect to each other (a
 * full mesh, so channels can open between any two) and, when the owner leaves or is lost, the
 * longest-present remaining member takes over: every member computes the same successor from the
 * same list. The owner answers discovery queries with the lobby's id, its game port and data, and
 * publishes its own peer id under the data key `host`. Each member also has its own key/value data
 * (`set_member_data`): a member sends its changes to the owner, whose snapshots carry every member's.
 *
 * States change only while the client updates, never in the call that caused them.
 */
import { NetworkError } from '../base/network_error.js';
import { MalformedError } from '../wire/byte_reader.js';
import type { Connection } from '../transport/connection.js';
import { endpointKey, parseEndpoint, type Datagram, type DatagramSocket, type Endpoint } from '../transport/datagram_socket.js';
import { decodeDiscovery, discoveryReplyBytes, encodeDiscoveryReply, MAX_DISCOVERY_REPLY_BYTES } from './lan_discovery.js';
import { Service, type NetworkNode } from '../transport/network_node.js';
import { NO_PEER, peerIdFromBigInt, peerIdToBigInt, type PeerId } from '../base/peer_id.js';
import { MAX_MEMBER_DATA_BYTES, memberDataBytes } from './lobby_data.js';
import { lobbyEnvelopeLayout, LobbyMessageType, type LobbyEnvelope, type LobbyMessage } from './lobby_message.js';
import { writeMessage } from '../wire/byte_stream.js';

/**
 * A lobby's state: `'creating'` / `'joining'` until the owner answers, then `'joined'`, or `'failed'`.
 *
 * @category Lobby
 */
export type LobbyState = 'creating' | 'joining' | 'joined' | 'failed';



/** The data key under which the owner's peer id is published. */
export const HOST_KEY = 'host';

interface Member {
  peer: PeerId;
  /** Game endpoint as the owner sees it ("" for the owner itself). */
  address: string;
  /** The member's own data (LanLobby.set_member_data). */
  data: Map<string, string>;
}


export class LanLobby {
  state: LobbyState;
  /** Why the lobby failed ("" otherwise). */
  reason = '';
  /** A 64-bit id as lowercase hex; "0" until a peer joining by address learns it. */
  id: string;
  owner: PeerId | undefined;
  maxMembers: number;
  gameSessionHost: PeerId | undefined;
  readonly data = new Map<string, string>();
  private members: Member[] = [];
  /** This peer's member data as it set it: the owner's snapshots may not have caught up. */
  private readonly ownData = new Map<string, string>();
  private snapshotDue = false;
  private joinRequested = false;
  private left = false;

  /** The public lobby port the owner answers discovery on (0: its game port); a new owner takes it over. */
  private lobbyPort: number;

  private constructor(
    private readonly node: NetworkNode,
    state: LobbyState,
    id: string,
    maxMembers: number,
    /** A socket on the shared lobby port, or undefined to answer discovery on the game port. */
    private discoverySocket: DatagramSocket | undefined,
    /** Where a joiner sends its join request. */
    private readonly joinTarget: Endpoint | undefined,
    /** Binds the shared lobby port (a member that becomes the owner keeps the lobby findable there). */
    private readonly bindLobbyPort: (port: number) => DatagramSocket,
  ) {
    this.lobbyPort = discoverySocket?.local.port ?? 0;
    this.state = state;
    this.id = id;
    this.maxMembers = maxMembers;
  }

  static create(node: NetworkNode, id: string, maxMembers: number, discoverySocket: DatagramSocket | undefined, bindLobbyPort: (port: number) => DatagramSocket): LanLobby {
    const lobby = new LanLobby(node, 'creating', id, maxMembers, discoverySocket, undefined, bindLobbyPort);
    const self = node.requireHost('create_lan_lobby').peerId;
    lobby.owner = self;
    lobby.members = [{ peer: self, address: '', data: lobby.ownData }];
    lobby.data.set(HOST_KEY, self);
    return lobby;
  }

  static join(node: NetworkNode, target: Endpoint, lobbyId: string, discoverySocket: DatagramSocket | undefined, bindLobbyPort: (port: number) => DatagramSocket): LanLobby {
    const lobby = new LanLobby(node, 'joining', lobbyId, 0, discoverySocket, target, bindLobbyPort);
    node.requireHost('join_lan_lobby').connect(target);
    return lobby;
  }

  get self(): PeerId {
    return this.node.requireHost('LanLobby').peerId;
  }

  get isOwner(): boolean {
    return this.state === 'joined' && this.owner === this.self;
  }

  /** Member peer ids, self included once joined; a kicked member still sees the others, without itself. */
  memberIds(): PeerId[] {
    return this.state === 'joined' || this.state === 'failed' ? this.members.map((m) => m.peer) : [];
  }

  hasMember(peer: PeerId): boolean {
    return this.memberIds().includes(peer);
  }

  get hasDiscoverySocket(): boolean {
    return this.discoverySocket !== undefined;
  }

  /** Whether this lobby is joining through the owner at `endpoint` ("ip:port"). */
  joinsVia(endpoint: string): boolean {
    return this.joinTarget !== undefined && endpointKey(this.joinTarget) === endpoint;
  }

  label(): string {
    return `${this.id}, ${this.state}`;
  }

  // ---- script requests (owner only where the engine allows only the host) -----------------

  setData(key: string, value: string): void {
    this.setDataTable([[key, value]], 'LanLobby.set_data');
  }

  /** Set every entry, or (when one is refused) none: the whole table is checked before any is stored. */
  setDataTable(entries: readonly [string, string][], fn: string): void {
    this.requireOwner(fn.slice(fn.indexOf('.') + 1));
    const next = new Map(this.data);
    for (const [key, value] of entries) {
      if (key === HOST_KEY && value !== this.self) throw new NetworkError(`${fn}: the key '${HOST_KEY}' is the lobby host's peer id, published by the engine`);
      next.set(key, value);
    }
    this.checkDataSize(next, fn);
    for (const [key, value] of entries) this.data.set(key, value);
    this.snapshotDue = true;
  }

  /** A member's own data value for `key` (this peer's as it set it). */
  memberData(peer: PeerId, key: string): string | undefined {
    if (peer === this.self) return this.ownData.get(key);
    return this.members.find((m) => m.peer === peer)?.data.get(key);
  }

  /** Set this peer's member data; the owner passes it on to every member. */
  setMemberData(key: string, value: string, fn = 'LanLobby.set_member_data'): void {
    if (this.state !== 'joined') throw new NetworkError(`${fn}: the lobby is ${this.state}, not joined`);
    const bytes = memberDataBytes(this.ownData, key, value);
    if (bytes > MAX_MEMBER_DATA_BYTES) throw new NetworkError(`${fn}: this member's data would take ${bytes} bytes; at most ${MAX_MEMBER_DATA_BYTES}`);
    this.ownData.set(key, value);
    if (this.isOwner) this.snapshotDue = true;
    else
      this.sendTo(this.owner!, { type: LobbyMessageType.MemberData, key, value });
  }

  setMaxMembers(count: number): void {
    this.requireOwner('set_max_members');
    this.maxMembers = count;
    this.snapshotDue = true;
  }

  setGameSessionHost(peer: PeerId): void {
    this.requireOwner('set_game_session_host');
    this.gameSessionHost = peer;
    this.snapshotDue = true;
  }

  kick(peer: PeerId): void {
    this.requireOwner('kick');
    if (peer === this.self) throw new NetworkError('LanLobby.kick: the lobby host cannot kick itself');
    const at = this.members.findIndex((m) => m.peer === peer);
    if (at < 0) throw new NetworkError(`LanLobby.kick: peer ${peer} is not a member of lobby ${this.id}`);
    this.members.splice(at, 1);
    this.sendTo(peer, { type: LobbyMessageType.Kick, reason: 'kicked by the lobby host' });
    this.snapshotDue = true;
  }

  private requireOwner(fn: string): void {
    if (!this.isOwner) {
      const who = this.state === 'joined' ? `the lobby host is ${this.owner}` : `the lobby is ${this.state}`;
      throw new NetworkError(`LanLobby.${fn}: only the lobby host can do this (${who})`);
    }
  }

  /** Refuse lobby data that would not fit in a discovery reply. */
  private checkDataSize(data: ReadonlyMap<string, string>, fn: string): void {
    const bytes = discoveryReplyBytes(data);
    if (bytes > MAX_DISCOVERY_REPLY_BYTES) throw new NetworkError(`${fn}: lobby data would take ${bytes} bytes; at most ${MAX_DISCOVERY_REPLY_BYTES} fit in a discovery reply`);
  }

  /** Leave: tell the owner, or as owner tell everyone (a member takes over). */
  leave(): void {
    if (this.left) return;
    this.left = true;
    if (this.state === 'joined') {
      for (const member of this.members) if (member.peer !== this.self) this.sendTo(member.peer, { type: LobbyMessageType.Leave });
    }
    this.discoverySocket?.close();
    this.state = 'failed';
    this.reason = 'left';
  }

  // ---- protocol ---------------------------------------------------------------------------

  /** Once per update, after the client received: advance states, answer discovery, send snapshots. */
  update(): void {
    if (this.left) return;
    if (this.state === 'creating') {
      this.state = 'joined';
      this.snapshotDue = true;
    }
    if (this.state === 'joining' && this.joinTarget && !this.node.host!.isConnecting(this.joinTarget)) {
      const connected = [...this.node.host!.connections()].find((c) => endpointKey(c.endpoint) === endpointKey(this.joinTarget!));
      if (connected && !this.joinRequested) {
        this.joinRequested = true;
        this.sendTo(connected.peer, { type: LobbyMessageType.JoinRequest });
      }
    }
    if (this.discoverySocket) for (const datagram of this.discoverySocket.receive()) this.onDiscovery(datagram, this.discoverySocket);
    if (this.isOwner && this.snapshotDue) {
      this.snapshotDue = false;
      for (const member of this.members) if (member.peer !== this.self) this.sendSnapshot(member.peer);
    }
  }

  /** A discovery query reached us (on the lobby port or the game port). */
  onDiscovery(datagram: Datagram, socket: DatagramSocket): void {
    let query;
    try {
      query = decodeDiscovery(datagram.data);
    } catch (error) {
      if (!(error instanceof MalformedError)) throw error;
      this.node.malformedMessages++;
      return;
    }
    if (query.kind !== 'query' || !this.isOwner) return;
    const reply = encodeDiscoveryReply({
      nonce: query.nonce,
      lobbyId: peerIdToBigInt(this.id),
      gamePort: this.node.host!.port,
      owner: peerIdToBigInt(this.self),
      maxMembers: this.maxMembers,
      members: this.members.length,
      data: this.data,
    });
    socket.send(reply, datagram.from);
  }

  /** The connection to the join target failed. */
  onRefused(endpoint: Endpoint, reason: string): void {
    if (this.state === 'joining' && this.joinTarget && endpointKey(endpoint) === endpointKey(this.joinTarget)) this.fail(`cannot reach the lobby host at ${endpointKey(endpoint)}: ${reason}`);
  }

  /** A connection to a peer was lost. */
  onDisconnected(connection: Connection): void {
    const peer = connection.peer;
    if (this.state === 'joining' && this.joinTarget && endpointKey(connection.endpoint) === endpointKey(this.joinTarget)) {
      this.fail(`lost the connection to the lobby host: ${connection.reason}`);
      return;
    }
    if (this.state !== 'joined' || !this.members.some((m) => m.peer === peer)) return;
    this.removeMember(peer);
  }

  /** Does a join request name this lobby? (id 0: whatever lobby the owner runs.) */
  matches(lobbyId: bigint): boolean {
    return lobbyId === 0n || lobbyId === peerIdToBigInt(this.id);
  }

  /** @internal A lobby message for this lobby arrived (LanClient routes them). */
  onMessage(connection: Connection, { lobbyId, message }: LobbyEnvelope): void {
    const peer = connection.peer;
    switch (message.type) {
      case LobbyMessageType.JoinRequest: {
        if (!this.isOwner) {
          this.sendTo(peer, { type: LobbyMessageType.JoinDeny, reason: `${this.self} is not the host of lobby ${this.id}` });
          return;
        }
        if (this.members.some((m) => m.peer === peer)) return;
        if (this.members.length >= this.maxMembers) {
          this.sendTo(peer, { type: LobbyMessageType.JoinDeny, reason: `lobby ${this.id} is full (${this.maxMembers} members)` });
          return;
        }
        this.members.push({ peer, address: endpointKey(connection.endpoint), data: new Map() });
        connection.users.add(`lobby ${this.id}`);
        this.snapshotDue = true;
        return;
      }
      case LobbyMessageType.JoinDeny: {
        if (this.state === 'joining') this.fail(message.reason);
        return;
      }
      case LobbyMessageType.Snapshot:
        this.onSnapshot(connection, lobbyId, message);
        return;
      case LobbyMessageType.Leave:
        if (this.state === 'joined') this.removeMember(peer);
        return;
      case LobbyMessageType.Kick: {
        if (this.state === 'joined' && peer === this.owner) {
          this.members = this.members.filter((m) => m.peer !== this.self);
          this.fail(message.reason);
        }
        return;
      }
      case LobbyMessageType.MemberData: {
        const { key, value } = message;
        const member = this.isOwner ? this.members.find((m) => m.peer === peer) : undefined;
        if (!member) return;
        if (memberDataBytes(member.data, key, value) > MAX_MEMBER_DATA_BYTES) throw new MalformedError(`member data of ${peer} beyond ${MAX_MEMBER_DATA_BYTES} bytes`);
        member.data.set(key, value);
        this.snapshotDue = true;
        return;
      }
    }
  }

  private onSnapshot(connection: Connection, lobbyId: bigint, snapshot: Extract<LobbyMessage, { type: LobbyMessageType.Snapshot }>): void {
    const { lobbyPort, maxMembers, data } = snapshot;
    const sessionHost = peerIdFromBigInt(snapshot.sessionHost);
    const members: Member[] = snapshot.members.map((m) => ({ peer: peerIdFromBigInt(m.peer), address: m.address, data: m.data }));
    if (this.left || (this.state !== 'joining' && this.state !== 'joined')) return;
    // Only the owner's snapshots count: after a migration, late ones from the old owner are ignored.
    if (this.state === 'joined' && connection.peer !== this.owner) return;
    const self = this.self;
    if (!members.some((m) => m.peer === self)) return;
    this.id = peerIdFromBigInt(lobbyId);
    this.owner = connection.peer;
    this.lobbyPort = lobbyPort;
    this.maxMembers = maxMembers;
    this.gameSessionHost = sessionHost === NO_PEER ? undefined : sessionHost;
    this.data.clear();
    for (const [k, v] of data) this.data.set(k, v);
    members[0] = { ...members[0]!, peer: connection.peer, address: endpointKey(connection.endpoint) };
    // This peer's own data is what it set, whatever the owner had seen of it.
    for (const member of members) if (member.peer === self) member.data = this.ownData;
    this.members = members;
    connection.users.add(`lobby ${this.id}`);
    this.state = 'joined';
    this.meshConnect();
  }

  /** Connect to the members that joined before us (they accept; later ones connect to us). */
  private meshConnect(): void {
    const self = this.self;
    for (const member of this.members) {
      if (member.peer === self) break;
      const endpoint = parseEndpoint(member.address);
      if (!endpoint) continue;
      this.node.addresses.set(member.peer, endpoint);
      this.node.connect(member.peer);
    }
    for (const member of this.members) {
      const endpoint = parseEndpoint(member.address);
      if (endpoint && member.peer !== self) this.node.addresses.set(member.peer, endpoint);
    }
  }

  private removeMember(peer: PeerId): void {
    const wasOwner = peer === this.owner;
    this.members = this.members.filter((m) => m.peer !== peer);
    if (this.gameSessionHost === peer) this.gameSessionHost = undefined;
    if (!wasOwner) {
      if (this.isOwner) this.snapshotDue = true;
      return;
    }
    // Migration: the longest-present remaining member becomes the owner.
    const successor = this.members[0]?.peer;
    this.owner = successor;
    if (successor === undefined) return;
    this.data.set(HOST_KEY, successor);
    if (successor === this.self) {
      this.takeOver();
      return;
    }
    this.node.connect(successor);
    // A change on its way to the old owner may be lost: the new one hears this member's data anew.
    for (const [key, value] of this.ownData)
      this.sendTo(successor, { type: LobbyMessageType.MemberData, key, value });
  }

  /** This member is the owner now: answer discovery on the lobby's public port, send the new snapshot. */
  private takeOver(): void {
    this.snapshotDue = true;
    if (this.discoverySocket || this.lobbyPort === 0) return;
    try {
      this.discoverySocket = this.bindLobbyPort(this.lobbyPort);
    } catch (error) {
      // The lobby stays reachable by address and on the game port; browsers on the public port miss it.
      if (!(error instanceof NetworkError)) throw error;
    }
  }

  private fail(reason: string): void {
    if (this.state !== 'joined') this.members = [];
    this.state = 'failed';
    this.reason = reason;
  }

  private sendSnapshot(peer: PeerId): void {
    this.sendTo(peer, {
      type: LobbyMessageType.Snapshot,
      lobbyPort: this.lobbyPort,
      maxMembers: this.maxMembers,
      sessionHost: peerIdToBigInt(this.gameSessionHost ?? NO_PEER),
      members: this.members.map((m) => ({ peer: peerIdToBigInt(m.peer), address: m.address, data: m.data })),
      data: this.data,
    });
  }

  private sendTo(peer: PeerId, message: LobbyMessage): void {
    this.node.send(peer, Service.Lobby, writeMessage(lobbyEnvelopeLayout, { lobbyId: peerIdToBigInt(this.id), message }), true, 'lobby');
  }
}
