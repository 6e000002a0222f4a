/**
 * A game session: the peers playing one game and their replicated game objects.
 *
 * Star topology: the host admits peers (`add_peer`), relays every object creation, update and
 * destruction between them, and hands out blocks of object ids so every peer can create objects
 * and get their id at once. A peer added to a running session is sent every existing object,
 * spread over frames within its reliable send buffer, then a sync marker; its acknowledgement gives
 * the host's script `game_object_sync_done`. Field updates travel unreliably, packed per peer by
 * the replicator; creations, destructions and membership travel reliably, so RPCs (also reliable,
 * on the same stream) arrive after the objects created before them.
 */
import { ByteReader, MalformedError } from '../wire/byte_reader.js';
import { readMessage, writeMessage } from '../wire/byte_stream.js';
import type { Connection } from '../transport/connection.js';
import { GameObject } from './game_object.js';
import { GameObjects } from './game_objects.js';
import type { NetworkConfig, ObjectType, WireValue } from '../config/network_config.js';
import { MAX_VALUE_CODES } from '../config/network_type.js';
import { NetworkError } from '../base/network_error.js';
import { Service, type NetworkNode } from '../transport/network_node.js';
import { ObjectReplicator } from './object_replicator.js';
import type { PeerId } from '../base/peer_id.js';
import type { ScriptEvent } from './script_event.js';
import { SessionMessage, sessionMessageLayout, type SessionPacket } from './session_message.js';

export type SessionRole = 'none' | 'host' | 'client';

/** Ids handed to a peer at a time, and when to ask for more. */
const ID_BLOCK = 128;
const ID_LOW_WATER = 32;
/** Existing objects sent to a newly added peer per frame, at most. */
const SYNC_PER_FRAME = 64;
/** The codes of the field value being written. */
const fieldCodes = new Int32Array(MAX_VALUE_CODES);

interface IdBlock {
  next: number;
  end: number;
}

interface Member {
  /** Objects still to send before SyncDone (host side, hot join). */
  syncQueue: number[];
  syncDoneSent: boolean;
  /** The peer acknowledged SyncDone: it has every object. */
  synced: boolean;
}

export class GameSession {
  role: SessionRole = 'none';
  /** The host's peer id once known. */
  host: PeerId | undefined;
  /** Client side: the host this peer joined (`join(session, channel)`), if said. */
  expectedHost: PeerId | undefined;
  readonly objects = new GameObjects();
  /** Host: admitted peers. Client: the session's other peers as the host lists them. */
  private readonly members = new Map<PeerId, Member>();
  private clientPeers: PeerId[] = [];
  /** Client: the host said SyncDone (this peer has every object). */
  private syncedWithHost = false;
  /** Client: the last session ended because the connection to its host was lost (GameSession.host_error). */
  hostError = false;
  /** Client: the host of the last session this peer was in, once that session ended. */
  private endedBy: PeerId | undefined;
  private readonly wantsToLeave: PeerId[] = [];
  private readonly brokenPeers: PeerId[] = [];
  private readonly ids: IdBlock[] = [];
  private idRequested = false;
  /** Host: the next id block to hand out. */
  private nextBlockStart = 1;
  private readonly replicator: ObjectReplicator;
  private closed = false;
  private readonly stopListening: () => void;

  constructor(
    private readonly node: NetworkNode,
    readonly config: NetworkConfig,
    /** Script callbacks, in arrival order, for the next Network.update*. */
    private readonly events: ScriptEvent[],
  ) {
    this.replicator = new ObjectReplicator(node, config);
    node.handle(Service.Session, (connection, r) => this.onMessage(connection, r));
    this.stopListening = node.listen((event) => {
      if (event.type === 'disconnected') this.onConnectionLost(event.connection.peer);
    });
  }

  /** Update entries received for objects gone here or no longer the sender's to change, skipped. */
  get skippedUpdateEntries(): number {
    return this.replicator.skippedEntries;
  }

  get self(): PeerId {
    return this.node.requireHost('GameSession').peerId;
  }

  /** One past the largest usable object id: `type_info("game_object_id").max` is the "no object" sentinel. */
  private get idLimit(): number {
    return this.config.objectIdLimit;
  }

  inSession(): boolean {
    return this.role !== 'none';
  }

  /** Every peer of the session, self included. */
  peers(): PeerId[] {
    if (this.role === 'none') return [];
    const others = this.role === 'host' ? [...this.members.keys()] : this.clientPeers.filter((p) => p !== this.self);
    return [this.self, ...others];
  }

  otherPeers(): PeerId[] {
    return this.peers().slice(1);
  }

  /** Peers whose objects are all here (client: the host, once it said so), or still on their way. */
  syncPeers(done: boolean): PeerId[] {
    if (this.role === 'client') return this.syncedWithHost === done ? [this.host!] : [];
    return [...this.members].filter(([, member]) => member.synced === done).map(([peer]) => peer);
  }

  // ---- membership -----------------------------------------------------------------------------

  makeHost(): void {
    if (this.role === 'host') return;
    if (this.role === 'client') throw new NetworkError(`GameSession.make_game_session_host: this peer is already in ${this.host}'s session`);
    this.role = 'host';
    this.host = this.self;
    this.ids.push(this.allocateBlock());
  }

  join(host: PeerId): void {
    // The host may have added this peer before its join call: joining the same host again is nothing new.
    if (this.role === 'client' && this.host === host) return;
    if (this.role !== 'none') throw new NetworkError(`GameSession.join: already in a session (hosted by ${this.host})`);
    this.expectedHost = host;
  }

  addPeer(peer: PeerId): void {
    this.requireRole('host', 'GameSession.add_peer');
    if (peer === this.self) throw new NetworkError('GameSession.add_peer: the host is always in its own session');
    if (this.members.has(peer)) return;
    if (!this.node.isConnected(peer)) throw new NetworkError(`GameSession.add_peer: no connection to peer ${peer}`);
    const block = this.allocateBlock();
    this.send(peer, { type: SessionMessage.Add, idStart: block.next, idCount: block.end - block.next, peers: [this.self, ...this.members.keys(), peer] });
    this.members.set(peer, { syncQueue: [...this.objects.keys()], syncDoneSent: false, synced: false });
    this.node.host?.connectionTo(peer)?.users.add('game session');
    this.broadcastMembers(peer);
  }

  /**
   * Host: drop `peer`. Its objects are destroyed for everyone else and returned still readable;
   * call `forget` on them once the script's callbacks have run.
   */
  removePeer(peer: PeerId): GameObject[] {
    this.requireRole('host', 'GameSession.remove_peer');
    if (!this.members.has(peer)) throw new NetworkError(`GameSession.remove_peer: peer ${peer} is not in the session`);
    this.members.delete(peer);
    this.node.host?.connectionTo(peer)?.users.delete('game session');
    this.send(peer, { type: SessionMessage.Removed, reason: 'removed by the host' });
    const destroyed: GameObject[] = [];
    for (const object of this.objects.values()) {
      object.dropReplica(peer);
      if (object.owner !== peer) continue;
      this.broadcastDestroy(object, peer, undefined);
      destroyed.push(object);
    }
    this.broadcastMembers(undefined);
    return destroyed;
  }

  leave(): void {
    if (this.alreadyEnded('GameSession.leave')) return;
    this.requireRole('client', 'GameSession.leave');
    this.send(this.host!, { type: SessionMessage.Leave, forced: false });
  }

  disconnectFromHost(): void {
    if (this.alreadyEnded('GameSession.disconnect_from_host')) return;
    this.requireRole('client', 'GameSession.disconnect_from_host');
    this.send(this.host!, { type: SessionMessage.Leave, forced: true });
    this.endClient(undefined);
  }

  shutdownHost(): void {
    this.requireRole('host', 'GameSession.shutdown_game_session_host');
    for (const peer of this.members.keys()) {
      this.send(peer, { type: SessionMessage.Removed, reason: 'the host ended the session' });
      this.node.host?.connectionTo(peer)?.users.delete('game session');
    }
    this.members.clear();
    this.objects.clear();
    this.role = 'none';
    this.host = undefined;
  }

  /**
   * Host: hand the host role to the longest-present member (GameSession.migrate_game_session_host).
   * Every member must have every object first (game_object_sync_done); this peer stays in the
   * session as a client of the new host, and objects keep their owners.
   */
  migrateHost(): PeerId {
    const fn = 'GameSession.migrate_game_session_host';
    this.requireRole('host', fn);
    const syncing = [...this.members].find(([, member]) => !member.syncDoneSent);
    if (syncing) throw new NetworkError(`${fn}: peer ${syncing[0]} is still being sent the session's objects; migrate after its game_object_sync_done`);
    const successor = [...this.members.keys()].find((peer) => this.node.isConnected(peer));
    if (!successor) throw new NetworkError(`${fn}: no peer in the session to take the host role`);
    const peers = [successor, this.self, ...[...this.members.keys()].filter((p) => p !== successor)];
    for (const peer of this.members.keys()) {
      this.send(peer, { type: SessionMessage.HostMigrate, successor, nextBlockStart: this.nextBlockStart, peers });
      if (peer !== successor) this.node.host?.connectionTo(peer)?.users.delete('game session');
    }
    this.members.clear();
    this.becomeClientOf(successor, peers);
    return successor;
  }

  /** After a host migration: this peer is a client of `host`, its own objects replicated to it alone. */
  private becomeClientOf(host: PeerId, peers: PeerId[]): void {
    this.role = 'client';
    this.host = host;
    this.expectedHost = host;
    this.clientPeers = peers;
    this.syncedWithHost = true;
    // An id request to the old host may go unanswered: ask the new one.
    this.idRequested = false;
    for (const object of this.objects.values()) {
      object.dropReplicas();
      if (object.owner !== this.self) continue;
      object.replicaFor(host).markCreated();
      // A creation the old host got but did not pass on yet reaches everyone through the new one.
      this.sendCreate(host, this.replicator.encodeCreate(object), () => undefined);
    }
  }

  /** After a host migration: this peer hosts; every other peer has every object already. */
  private becomeHost(peers: PeerId[], nextBlockStart: number): void {
    this.role = 'host';
    this.host = this.self;
    this.expectedHost = undefined;
    this.clientPeers = [];
    this.nextBlockStart = Math.max(this.nextBlockStart, nextBlockStart);
    for (const peer of peers) {
      if (peer === this.self) continue;
      this.members.set(peer, { syncQueue: [], syncDoneSent: true, synced: true });
      const connection = this.node.host?.connectionTo(peer);
      if (connection) connection.users.add('game session');
      else this.brokenPeers.push(peer);
    }
    for (const object of this.objects.values()) {
      object.dropReplicas();
      for (const peer of this.replicaPeers(object)) object.replicaFor(peer).markCreated();
    }
  }

  takeWantsToLeave(): PeerId | undefined {
    return this.wantsToLeave.shift();
  }

  takeBrokenConnection(): PeerId | undefined {
    return this.brokenPeers.shift();
  }

  private requireRole(role: SessionRole, fn: string): void {
    if (this.role === role) return;
    const now = this.role === 'none' ? 'not in a session' : `the session ${this.role === 'host' ? 'host' : `a client of ${this.host}`}`;
    throw new NetworkError(`${fn}: only the session ${role} can do this, and this peer is ${now}`);
  }

  private allocateBlock(): IdBlock {
    const start = this.nextBlockStart;
    const end = Math.min(start + ID_BLOCK, this.idLimit);
    this.nextBlockStart = end;
    return { next: start, end };
  }

  private broadcastMembers(except: PeerId | undefined): void {
    const peers = [this.self, ...this.members.keys()];
    for (const peer of this.members.keys()) if (peer !== except) this.send(peer, { type: SessionMessage.Members, peers });
  }

  /**
   * Host: queue a member's departure for the script, once: a peer that leaves as its network shuts
   * down sends a leave and then loses its connection, and must be removed only once.
   */
  private reportDeparture(queue: PeerId[], peer: PeerId): void {
    if (!this.wantsToLeave.includes(peer) && !this.brokenPeers.includes(peer)) queue.push(peer);
  }

  private onConnectionLost(peer: PeerId): void {
    if (this.role === 'host' && this.members.has(peer)) this.reportDeparture(this.brokenPeers, peer);
    else if (this.role === 'client' && peer === this.host) {
      this.hostError = true;
      this.endClient(peer);
    }
  }

  /** The client is out: tell the script once (unless it left by itself) and drop every object. */
  private endClient(disconnectedBy: PeerId | undefined): void {
    if (this.role !== 'client') return;
    this.endedBy = this.host;
    if (disconnectedBy !== undefined) this.events.push({ name: 'game_session_disconnect', peer: disconnectedBy });
    this.objects.clear();
    this.clientPeers = [];
    this.ids.length = 0;
    this.idRequested = false;
    this.role = 'none';
    this.host = undefined;
  }

  /**
   * A client's way out when the host (or the network) already ended its session: nothing left to
   * leave, so a log line rather than an error. Scripts make this call on their way out whatever
   * happened first.
   */
  private alreadyEnded(fn: string): boolean {
    if (this.role !== 'none' || this.endedBy === undefined) return false;
    this.node.notice(`${fn}: the session hosted by ${this.endedBy} has already ended; nothing to leave`);
    return true;
  }

  // ---- objects --------------------------------------------------------------------------------

  private nextId(): number {
    const block = this.ids[0];
    if (!block) throw new NetworkError('GameSession.create_game_object: no object ids left (the host has not answered the request for more yet)');
    const id = block.next++;
    if (block.next >= block.end) this.ids.shift();
    const left = this.ids.reduce((n, b) => n + b.end - b.next, 0);
    if (left < ID_LOW_WATER) {
      if (this.role === 'host') {
        const more = this.allocateBlock();
        if (more.end > more.next) this.ids.push(more);
      } else if (!this.idRequested) {
        this.idRequested = true;
        this.send(this.host!, { type: SessionMessage.IdRequest });
      }
    }
    return id;
  }

  /** Create an object owned by this peer from checked field values (in field order), quantized here. */
  createObject(type: ObjectType, values: WireValue[]): GameObject {
    if (this.role === 'none') throw new NetworkError('GameSession.create_game_object: not in a session');
    const quantized = values.map((value, i) => type.fields[i]!.type.quantize(value));
    this.replicator.checkFits(type, quantized, 'GameSession.create_game_object');
    const object = new GameObject(this.nextId(), type, this.self, quantized);
    this.introduce(object);
    return object;
  }

  destroyObject(object: GameObject): void {
    if (object.owner !== this.self && this.role !== 'host') {
      throw new NetworkError(`GameSession.destroy_game_object: object ${object.id} belongs to ${object.owner}; only its owner or the host destroys it`);
    }
    this.broadcastDestroy(object, this.self, undefined);
    this.forget(object);
  }

  /** A field write by the owner (a checked value, quantized here): changed values are marked for every peer holding a copy. */
  setField(object: GameObject, index: number, value: WireValue): void {
    // Only a field whose size depends on its value can make the object's entry outgrow a message.
    if (object.type.fields[index]!.type.bits === undefined) this.replicator.checkFits(object.type, object.values, 'GameSession.set_game_object_field', index, value);
    this.writeField(object, index, value);
  }

  /** Several field writes by the owner, all or none: `changes` maps field indices to checked values. */
  setFields(object: GameObject, changes: ReadonlyMap<number, WireValue>): void {
    this.replicator.checkFits(object.type, object.values.map((value, i) => (changes.has(i) ? changes.get(i)! : value)), 'GameSession.set_game_object_fields');
    for (const [index, value] of changes) this.writeField(object, index, value);
  }

  private writeField(object: GameObject, index: number, value: WireValue): void {
    const type = object.type.fields[index]!.type;
    const codes = type.codes;
    if (codes) {
      // Quantized through its codes, which the object keeps: worked out once, not at every send.
      codes.write(value, fieldCodes, 0);
      const quantized = codes.valueOf(fieldCodes, 0);
      if (type.equalWithinTolerance(object.values[index]!, quantized)) return;
      object.setCoded(index, quantized, fieldCodes, 0);
    } else {
      const quantized = type.quantize(value);
      if (type.equalWithinTolerance(object.values[index]!, quantized)) return;
      object.setValue(index, quantized);
    }
    object.markDirty(index);
  }

  /** Host: give `object` to `owner`. */
  migrate(object: GameObject, owner: PeerId): PeerId {
    this.requireRole('host', 'GameSession.migrate_game_object');
    if (owner !== this.self && !this.members.has(owner)) throw new NetworkError(`GameSession.migrate_game_object: peer ${owner} is not in the session`);
    const old = object.owner;
    if (old === owner) return old;
    this.changeOwner(object, owner);
    for (const peer of this.members.keys()) {
      this.send(peer, { type: SessionMessage.Migrate, id: object.id, owner, old });
    }
    return old;
  }

  private changeOwner(object: GameObject, owner: PeerId): void {
    object.owner = owner;
    object.updatedBy.fill(-Infinity);
    // The new owner sends updates; everyone else only receives them (the host relays).
    object.dropReplicas();
    for (const peer of this.replicaPeers(object)) object.replicaFor(peer).markCreated();
  }

  objectsOwnedBy(peer: PeerId): GameObject[] {
    return [...this.objects.values()].filter((o) => o.owner === peer);
  }

  /** Peers this side sends `object`'s changes to: the host's members but the owner; a client's host. */
  private replicaPeers(object: GameObject): PeerId[] {
    if (this.role === 'host') return [...this.members.keys()].filter((p) => p !== object.owner && this.members.get(p)!.syncDoneSent);
    return object.owner === this.self && this.host ? [this.host] : [];
  }

  private queueCreate(peer: PeerId, object: GameObject): void {
    const replica = object.replicaFor(peer);
    const body = this.replicator.encodeCreate(object);
    this.sendCreate(peer, body, () => {
      replica.markCreated();
      // Changes made while the creation was on its way go out now.
      if (replica.dirtyCount > 0 || object.shared.dirtyCount > 0) object.queue();
    });
  }

  private broadcastDestroy(object: GameObject, by: PeerId, except: PeerId | undefined): void {
    const targets = this.role === 'host' ? [...this.members.keys()] : this.host ? [this.host] : [];
    for (const peer of targets) {
      if (peer === except) continue;
      this.send(peer, { type: SessionMessage.Destroy, id: object.id, by });
    }
  }

  forget(object: GameObject): void {
    object.destroyed = true;
    this.objects.delete(object.id);
    for (const member of this.members.values()) {
      const at = member.syncQueue.indexOf(object.id);
      if (at >= 0) member.syncQueue.splice(at, 1);
    }
  }

  // ---- receiving ------------------------------------------------------------------------------

  /** Returns the network log category of object creations and updates (the rest count as `session`). */
  private onMessage(connection: Connection, r: ByteReader): string | void {
    const peer = connection.peer;
    const m = readMessage(sessionMessageLayout, r);
    switch (m.type) {
      case SessionMessage.Add: {
        const { idStart: start, idCount: count, peers } = m;
        if (this.role !== 'none' || (this.expectedHost !== undefined && this.expectedHost !== peer)) {
          this.send(peer, { type: SessionMessage.Leave, forced: true });
          return;
        }
        this.role = 'client';
        this.host = peer;
        this.endedBy = undefined;
        this.hostError = false;
        this.syncedWithHost = false;
        this.clientPeers = peers;
        this.ids.push({ next: start, end: start + count });
        connection.users.add('game session');
        return;
      }
      case SessionMessage.Members:
        this.clientPeers = m.peers;
        return;
      case SessionMessage.IdRequest:
        if (this.role === 'host' && this.members.has(peer)) {
          const block = this.allocateBlock();
          this.send(peer, { type: SessionMessage.IdBlock, idStart: block.next, idCount: block.end - block.next });
        }
        return;
      case SessionMessage.IdBlock: {
        if (this.role === 'client' && peer === this.host) {
          this.ids.push({ next: m.idStart, end: m.idStart + m.idCount });
          this.idRequested = false;
        }
        return;
      }
      case SessionMessage.SyncDone:
        if (this.role === 'client' && peer === this.host) {
          this.syncedWithHost = true;
          this.send(peer, { type: SessionMessage.SyncAck });
        }
        return;
      case SessionMessage.SyncAck: {
        const member = this.role === 'host' ? this.members.get(peer) : undefined;
        if (!member) return;
        member.synced = true;
        this.events.push({ name: 'game_object_sync_done', peer });
        return;
      }
      case SessionMessage.Leave: {
        if (this.role !== 'host' || !this.members.has(peer)) return;
        this.reportDeparture(m.forced ? this.brokenPeers : this.wantsToLeave, peer);
        return;
      }
      case SessionMessage.Removed: {
        if (this.role === 'client' && peer === this.host) {
          const leaving = this.leaving;
          this.endClient(leaving ? undefined : peer);
        }
        return;
      }
      case SessionMessage.Create:
        this.onCreate(peer, m.body);
        return 'object create';
      case SessionMessage.Destroy: {
        this.onDestroy(peer, m.id, m.by);
        return;
      }
      case SessionMessage.Update:
        return this.onUpdate(connection, m.body);
      case SessionMessage.HostMigrate: {
        const { successor, nextBlockStart, peers } = m;
        if (this.role !== 'client' || peer !== this.host || !peers.includes(successor)) return;
        if (successor === this.self) this.becomeHost(peers, nextBlockStart);
        else this.becomeClientOf(successor, peers);
        return;
      }
      case SessionMessage.Migrate: {
        const { id, owner, old } = m;
        const object = this.objects.get(id);
        if (!object || peer !== this.host) return;
        this.changeOwner(object, owner);
        if (owner === this.self) this.events.push({ name: 'game_object_migrated_to_me', id, peer: old });
        else if (old === this.self) this.events.push({ name: 'game_object_migrated_away', id, peer: owner });
        return;
      }
    }
  }

  /** Set by the binding while a client's leave is under way, so the host's answer is no surprise. */
  leaving = false;
  /** Told of every field value another peer's update changed here (the network log records them). */
  onRemoteChange: ((object: GameObject, index: number) => void) | undefined;

  private senderMayChange(peer: PeerId, object: GameObject): boolean {
    // The host relays everything; a client only takes changes from the host, and the host only from the owner.
    return this.role === 'client' ? peer === this.host : object.owner === peer;
  }

  private onCreate(peer: PeerId, body: Uint8Array): void {
    const object = this.replicator.decodeCreate(body);
    if (this.role === 'none' || this.objects.has(object.id)) return;
    if (this.role === 'host' && (!this.members.has(peer) || object.owner !== peer)) throw new MalformedError(`${peer} sent object ${object.id} owned by ${object.owner}`);
    if (this.role === 'client' && peer !== this.host) return;
    this.introduce(object);
    this.events.push({ name: 'game_object_created', id: object.id, owner: object.owner });
  }

  /** A new object: sent to whoever holds copies, and queued for peers still being synced. */
  private introduce(object: GameObject): void {
    object.pending = this.replicator.pending;
    this.objects.set(object.id, object);
    for (const peer of this.replicaPeers(object)) this.queueCreate(peer, object);
    for (const [peer, member] of this.members) if (!member.syncDoneSent && peer !== object.owner) member.syncQueue.push(object.id);
  }

  private onDestroy(peer: PeerId, id: number, by: PeerId): void {
    const object = this.objects.get(id);
    if (!object || !this.senderMayChange(peer, object)) return;
    if (this.role === 'host') this.broadcastDestroy(object, by, peer);
    // Readable during the callback: forgotten once it returns.
    this.events.push({ name: 'game_object_destroyed', id, peer: by, release: () => this.forget(object) });
  }

  private onUpdate(connection: Connection, body: Uint8Array): string {
    const meter = this.node.environment.meter;
    return this.replicator.applyUpdate(body, connection.packetOrdinal, (id) => {
      const object = this.objects.get(id);
      return object && this.senderMayChange(connection.peer, object) ? object : undefined;
    }, (object, index) => {
      // The host passes the change on to everyone else.
      if (this.role === 'host') object.markDirty(index, connection.peer);
      this.onRemoteChange?.(object, index);
    }, meter?.logsFields() ? (field, bits) => meter.fieldBits(connection.peer, 'received', field, bits) : undefined);
  }

  // ---- transmitting ---------------------------------------------------------------------------

  /** Before the transport transmits: hot-join syncs, then changed fields. */
  transmit(): void {
    if (this.role === 'host') this.advanceSyncs();
    if (this.role !== 'none') this.replicator.transmit();
  }

  private advanceSyncs(): void {
    for (const [peer, member] of this.members) {
      if (member.syncDoneSent) continue;
      let budget = SYNC_PER_FRAME;
      while (member.syncQueue.length > 0 && budget-- > 0) {
        const left = this.node.host?.connectionTo(peer)?.reliableSendBufferLeft ?? 0;
        const object = this.objects.get(member.syncQueue[0]!);
        if (object && left < this.config.reliableSendBufferSize / 4) break;
        member.syncQueue.shift();
        if (object && object.owner !== peer) this.queueCreate(peer, object);
      }
      if (member.syncQueue.length === 0) {
        member.syncDoneSent = true;
        this.send(peer, { type: SessionMessage.SyncDone });
      }
    }
  }

  // ---- sending --------------------------------------------------------------------------------

  private send(peer: PeerId, message: SessionPacket): void {
    this.node.send(peer, Service.Session, writeMessage(sessionMessageLayout, message), true, 'session');
  }

  private sendCreate(peer: PeerId, body: Uint8Array, onAcked: () => void): void {
    this.node.send(peer, Service.Session, writeMessage(sessionMessageLayout, { type: SessionMessage.Create, body }), true, 'object create', onAcked);
  }

  /** The session is shut down (Network.shutdown_game_session). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.role === 'host') this.shutdownHost();
    else if (this.role === 'client') this.disconnectFromHost();
    this.node.unhandle(Service.Session);
    this.stopListening();
  }
}

