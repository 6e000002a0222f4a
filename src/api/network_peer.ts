/**
 * One peer of a networked game driven from TypeScript: a LAN client with its lobby, game session and
 * RPCs, addressed by the names of the network config, with events on an EventEmitter.
 */
import { EventEmitter } from 'node:events';
import { WallClock, type Clock } from '../core/base/clock.js';
import { randomId, type PeerId } from '../core/base/peer_id.js';
import { Random } from '../core/base/random.js';
import type { NetworkConfig, ObjectType } from '../core/config/network_config.js';
import type { WireValue } from '../core/config/network_type.js';
import { LanClient } from '../core/lobby/lan_client.js';
import type { LanLobby, LobbyState } from '../core/lobby/lan_lobby.js';
import type { GameObject } from '../core/session/game_object.js';
import { GameSession } from '../core/session/game_session.js';
import { Rpc } from '../core/session/rpc.js';
import type { ScriptEvent } from '../core/session/script_event.js';
import type { DatagramNetwork } from '../core/transport/datagram_socket.js';
import { NetworkNode } from '../core/transport/network_node.js';
import { UdpNetwork } from '../core/transport/udp_network.js';
import type { PeerEvents } from './peer_events.js';
import { StingrayError, translateErrors } from './stingray_error.js';

/**
 * How to start a {@link NetworkPeer}. Only `config` is required: by default the peer binds a free
 * UDP port on every interface, on the wall clock, with a random peer id.
 *
 * @category Session
 */
export interface NetworkPeerOptions {
  /** The network config: its object types, messages and their value types. */
  readonly config: NetworkConfig;
  /** Where datagrams go: real UDP (the default) or a {@link NetworkSimulator}. */
  readonly network?: DatagramNetwork;
  /** The clock the protocol's timers read (default: the wall clock). */
  readonly clock?: Clock;
  /** Randomness for ids and the protocol (default: seeded from `Math.random`). */
  readonly random?: Random;
  /** The UDP port of the game socket (default 0: a free one, see {@link NetworkPeer.port}). */
  readonly port?: number;
  /** This peer's id, lowercase hex (default: a random one). */
  readonly peerId?: PeerId;
}

/**
 * A game object as the caller sees it: its id, type name and owner, and its fields by name.
 *
 * @category Session
 */
export interface GameObjectView {
  /** The id every peer of the session knows the object by. */
  readonly id: number;
  /** The object type's name in the network config. */
  readonly type: string;
  /** The peer that may change the object's fields. */
  readonly owner: PeerId;
  /** Field values by name, as the field types quantized them (a copy). */
  readonly fields: Readonly<Record<string, WireValue>>;
}

/**
 * One peer: a LAN client on its own game socket, the lobby it created or joined, its game session and
 * RPCs. Nothing happens between calls: {@link NetworkPeer.update} receives, emits the events of
 * {@link PeerEvents} and transmits, so call it once a frame.
 *
 * ```ts
 * const host = NetworkPeer.start({ config });
 * host.createLobby();
 * host.hostSession();
 * host.on('syncDone', ({ peer }) => console.log(`${peer} has every object`));
 * const ball = host.createObject('ball', { position: [0, 0, 0] });
 * host.setField(ball, 'position', [1.23456, 0, 0]); // returns the value the other peers will see
 * ```
 *
 * @category Session
 */
export class NetworkPeer extends EventEmitter<PeerEvents> {
  /** The network config the peer was started with. */
  readonly config: NetworkConfig;
  private readonly node: NetworkNode;
  private readonly client: LanClient;
  private readonly session: GameSession;
  private readonly rpc: Rpc;
  private readonly queue: ScriptEvent[] = [];
  private lobby: LanLobby | undefined;
  private lobbyStateSeen: LobbyState | undefined;
  private closed = false;

  private constructor(options: NetworkPeerOptions) {
    super();
    this.config = options.config;
    const random = options.random ?? new Random(Math.floor(Math.random() * 2 ** 32));
    this.node = new NetworkNode({ network: options.network ?? new UdpNetwork('0.0.0.0'), clock: options.clock ?? new WallClock(), random });
    this.client = new LanClient(this.node, options.config, options.port ?? 0, options.peerId ?? randomId(random));
    this.session = new GameSession(this.node, options.config, this.queue);
    this.rpc = new Rpc(this.node, options.config, this.client.channels, this.queue, () => this.session.inSession());
  }

  /**
   * Open the game socket and start a peer.
   *
   * @throws {@link StingrayError} `REFUSED` when the port is taken or the peer id is not lowercase hex
   */
  static start(options: NetworkPeerOptions): NetworkPeer {
    const { peerId } = options;
    if (peerId !== undefined && (!/^[0-9a-f]{1,16}$/.test(peerId) || /^0+$/.test(peerId))) {
      throw new StingrayError('REFUSED', `NetworkPeer.start: peerId must be 1 to 16 lowercase hex digits, not 0; got '${peerId}'`);
    }
    try {
      return new NetworkPeer(options);
    } catch (error) {
      throw new StingrayError('REFUSED', `NetworkPeer.start: ${(error as Error).message}`, { cause: error });
    }
  }

  /** This peer's id, as the other peers see it. */
  get peerId(): PeerId {
    return this.client.peerId;
  }

  /** The UDP port of the game socket (the one bound when `port` was 0). */
  get port(): number {
    return this.node.requireHost('NetworkPeer').port;
  }

  // ---- the lobby --------------------------------------------------------------------------------

  /** Open a lobby on the game socket that peers join with {@link NetworkPeer.joinLobby}`("ip:port")`. */
  createLobby(maxMembers = 4): void {
    this.requireOpen('createLobby');
    this.requireNoLobby('createLobby');
    if (!Number.isInteger(maxMembers) || maxMembers < 1 || maxMembers > 64) throw new StingrayError('INVALID_VALUE', `createLobby: maxMembers must be a whole number 1..64, got ${maxMembers}`);
    this.lobby = translateErrors('createLobby', () => this.client.createLobby(undefined, maxMembers));
  }

  /** Join the lobby of the peer at `address` ("ip:port" of its game socket); `lobbyState` says when it is joined. */
  joinLobby(address: string): void {
    this.requireOpen('joinLobby');
    this.requireNoLobby('joinLobby');
    if (!/^[^:\s]+:\d{1,5}$/.test(address)) throw new StingrayError('INVALID_VALUE', `joinLobby: the address must be "ip:port", got '${address}'`);
    this.lobby = translateErrors('joinLobby', () => this.client.joinLobby(address, undefined));
  }

  /** The lobby's state: `'none'` before {@link NetworkPeer.createLobby} or {@link NetworkPeer.joinLobby}. */
  get lobbyState(): LobbyState | 'none' {
    return this.lobby?.state ?? 'none';
  }

  /** The peer ids of the lobby's members, the owner first (empty until joined). */
  lobbyMembers(): PeerId[] {
    return this.lobby?.memberIds() ?? [];
  }

  // ---- the game session -------------------------------------------------------------------------

  /** Host a game session: peers take part once added with {@link NetworkPeer.addPeer}. */
  hostSession(): void {
    this.requireOpen('hostSession');
    translateErrors('hostSession', () => this.session.makeHost());
  }

  /** Host: let `peer` (connected through the lobby) into the session; it receives every object, then `syncDone`. */
  addPeer(peer: PeerId): void {
    this.requireOpen('addPeer');
    if (this.session.role !== 'host') throw new StingrayError('NOT_IN_SESSION', 'addPeer: only the host of a session adds peers (call hostSession first)');
    translateErrors('addPeer', () => this.session.addPeer(peer));
  }

  /** Whether this peer is in a game session (its host, or added by one). */
  get inSession(): boolean {
    return this.session.inSession();
  }

  /** The session's host, once known. */
  get sessionHost(): PeerId | undefined {
    return this.session.host;
  }

  /** Every peer of the session, this one first (empty outside a session). */
  sessionPeers(): PeerId[] {
    return this.session.peers();
  }

  /** Leave the session (a host ends it for everyone); nothing to do outside one. */
  leaveSession(): void {
    if (this.closed || !this.session.inSession()) return;
    if (this.session.role === 'host') this.session.shutdownHost();
    else this.session.leave();
  }

  // ---- game objects -----------------------------------------------------------------------------

  /**
   * Create a game object owned by this peer, every field given by name; values are checked and
   * quantized by the fields' types. Returns the object's id.
   *
   * @throws {@link StingrayError} `UNKNOWN_OBJECT_TYPE`, `UNKNOWN_FIELD` (a field missing or unknown),
   *   `INVALID_VALUE`, `NOT_IN_SESSION`
   */
  createObject(type: string, fields: Readonly<Record<string, WireValue>>): number {
    this.requireOpen('createObject');
    const objectType = this.config.objects.get(type);
    if (!objectType) throw new StingrayError('UNKNOWN_OBJECT_TYPE', `createObject: no object type '${type}' in ${this.config.file} (${knownNames(this.config.objects)})`);
    for (const name of Object.keys(fields)) fieldIndex(objectType, name, 'createObject');
    const values = objectType.fields.map((field) => {
      if (!Object.hasOwn(fields, field.name)) throw new StingrayError('UNKNOWN_FIELD', `createObject: field '${field.name}' of '${type}' is missing (give every field)`);
      return quantized(field.type, fields[field.name]!, `createObject: field '${field.name}'`);
    });
    if (!this.session.inSession()) throw new StingrayError('NOT_IN_SESSION', 'createObject: not in a game session (hostSession, or be added by a host)');
    return translateErrors('createObject', () => this.session.createObject(objectType, values)).id;
  }

  /**
   * Set one field of an object this peer owns; returns the value as the type quantized it (what the
   * other peers will read).
   *
   * @throws {@link StingrayError} `UNKNOWN_OBJECT`, `UNKNOWN_FIELD`, `INVALID_VALUE`, `NOT_OWNER`
   */
  setField(id: number, name: string, value: WireValue): WireValue {
    return this.setFields(id, { [name]: value })[name]!;
  }

  /**
   * Set several fields of an object this peer owns, all or none; returns the values as quantized.
   *
   * @throws {@link StingrayError} `UNKNOWN_OBJECT`, `UNKNOWN_FIELD`, `INVALID_VALUE`, `NOT_OWNER`
   */
  setFields(id: number, fields: Readonly<Record<string, WireValue>>): Record<string, WireValue> {
    this.requireOpen('setFields');
    const object = this.object(id, 'setFields');
    if (object.owner !== this.session.self) throw new StingrayError('NOT_OWNER', `setFields: object ${id} belongs to ${object.owner}; only its owner changes its fields`);
    const changes = new Map<number, WireValue>();
    const result: Record<string, WireValue> = {};
    for (const [name, value] of Object.entries(fields)) {
      const index = fieldIndex(object.type, name, 'setFields');
      changes.set(index, (result[name] = quantized(object.type.fields[index]!.type, value, `setFields: field '${name}'`)));
    }
    translateErrors('setFields', () => this.session.setFields(object, changes));
    return result;
  }

  /**
   * Read one field of a game object by name.
   *
   * @throws {@link StingrayError} `UNKNOWN_OBJECT`, `UNKNOWN_FIELD`
   */
  field(id: number, name: string): WireValue {
    const object = this.object(id, 'field');
    return object.values[fieldIndex(object.type, name, 'field')]!;
  }

  /**
   * A game object's id, type, owner and fields by name.
   *
   * @throws {@link StingrayError} `UNKNOWN_OBJECT`
   */
  gameObject(id: number): GameObjectView {
    return view(this.object(id, 'gameObject'));
  }

  /** Every game object this peer holds, its own and the session's others. */
  gameObjects(): GameObjectView[] {
    return [...this.session.objects.values()].map(view);
  }

  /**
   * Destroy a game object (its owner, or the host, may).
   *
   * @throws {@link StingrayError} `UNKNOWN_OBJECT`, `REFUSED` (another peer's object, not the host)
   */
  destroyObject(id: number): void {
    this.requireOpen('destroyObject');
    const object = this.object(id, 'destroyObject');
    translateErrors('destroyObject', () => this.session.destroyObject(object));
  }

  // ---- RPCs -------------------------------------------------------------------------------------

  /**
   * Send the config's message `message` to `peer` with its arguments in order, checked and quantized
   * by their types (a reliable message arrives once, in order; an unreliable one may not).
   *
   * @throws {@link StingrayError} `UNKNOWN_MESSAGE`, `INVALID_VALUE` (also for a wrong argument count),
   *   `REFUSED` (no connection to the peer; a session-bound message outside a session)
   */
  send(message: string, peer: PeerId, ...args: WireValue[]): void {
    this.requireOpen('send');
    const type = this.config.messages.get(message);
    if (!type) throw new StingrayError('UNKNOWN_MESSAGE', `send: no message '${message}' in ${this.config.file} (${knownNames(this.config.messages)})`);
    if (args.length !== type.args.length) throw new StingrayError('INVALID_VALUE', `send: '${message}' takes ${type.args.length} arguments, got ${args.length}`);
    const values = type.args.map((argType, i) => quantized(argType, args[i]!, `send: argument ${i + 1} of '${message}'`));
    translateErrors('send', () => this.rpc.send(type, { peer }, values));
  }

  // ---- the frame --------------------------------------------------------------------------------

  /**
   * One frame: receive what arrived, emit the events it brings (in arrival order), then send what is
   * due. An exception from a listener propagates; the events after it are emitted by the next update.
   */
  update(): void {
    this.requireOpen('update');
    this.client.update();
    this.emitLobbyState();
    this.emitQueued();
    this.session.transmit();
    this.client.transmit();
  }

  /** Leave the session and the lobby and close the socket, telling the peers; a second call does nothing. */
  close(): void {
    if (this.closed) return;
    this.leaveSession();
    this.session.close();
    this.client.shutdown();
    this.closed = true;
  }

  private emitLobbyState(): void {
    const lobby = this.lobby;
    if (!lobby || lobby.state === this.lobbyStateSeen) return;
    this.lobbyStateSeen = lobby.state;
    this.emit('lobbyState', { state: lobby.state, reason: lobby.reason });
  }

  private emitQueued(): void {
    const queue = this.queue;
    let next = 0;
    try {
      while (next < queue.length) this.emitEvent(queue[next++]!);
    } finally {
      queue.splice(0, next);
    }
  }

  private emitEvent(event: ScriptEvent): void {
    switch (event.name) {
      case 'game_object_created':
        this.emit('objectCreated', { id: event.id, type: this.session.objects.get(event.id)?.type.name ?? '', peer: event.owner });
        return;
      case 'game_object_destroyed':
        try {
          this.emit('objectDestroyed', { id: event.id, type: this.session.objects.get(event.id)?.type.name ?? '', peer: event.peer });
        } finally {
          event.release();
        }
        return;
      case 'game_object_migrated_to_me':
        this.emit('objectMigratedToMe', { id: event.id, peer: event.peer });
        return;
      case 'game_object_migrated_away':
        this.emit('objectMigratedAway', { id: event.id, peer: event.peer });
        return;
      case 'game_object_sync_done':
        this.emit('syncDone', { peer: event.peer });
        return;
      case 'game_session_disconnect':
        this.emit('sessionDisconnect', { peer: event.peer });
        return;
      case 'rpc':
        this.emit('rpc', { message: event.message, from: event.from, args: event.args });
    }
  }

  private object(id: number, method: string): GameObject {
    const object = Number.isInteger(id) ? this.session.objects.get(id) : undefined;
    if (!object) throw new StingrayError('UNKNOWN_OBJECT', `${method}: no game object ${id} here (never created, or destroyed)`);
    return object;
  }

  private requireOpen(method: string): void {
    if (this.closed) throw new StingrayError('CLOSED', `${method}: the peer is closed`);
  }

  private requireNoLobby(method: string): void {
    if (this.lobby) throw new StingrayError('REFUSED', `${method}: this peer is already in a lobby (${this.lobby.state})`);
  }
}

function view(object: GameObject): GameObjectView {
  const fields: Record<string, WireValue> = {};
  object.type.fields.forEach((field, i) => (fields[field.name] = object.values[i]!));
  return { id: object.id, type: object.type.name, owner: object.owner, fields };
}

function fieldIndex(type: ObjectType, name: string, method: string): number {
  const index = type.fieldIndex.get(name);
  if (index === undefined) throw new StingrayError('UNKNOWN_FIELD', `${method}: object type '${type.name}' has no field '${name}' (${type.fields.map((f) => f.name).join(', ')})`);
  return index;
}

/** The value as the wire delivers it, or an INVALID_VALUE error naming `what`. */
function quantized(type: { check(value: unknown): WireValue; quantize(value: WireValue): WireValue }, value: unknown, what: string): WireValue {
  return translateErrors(what, () => type.quantize(type.check(value)));
}

function knownNames(map: ReadonlyMap<string, unknown>): string {
  const names = [...map.keys()];
  return names.length === 0 ? 'it has none' : `known: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}`;
}
