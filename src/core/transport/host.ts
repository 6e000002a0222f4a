/**
 * A host: this peer's game socket and its connections to other peers. It runs the connection
 * handshake (both peer ids and the config hash), routes datagrams to connections by address,
 * drops and counts what does not belong, and drives each connection's timers and transmits.
 */
import type { Clock } from '../base/clock.js';
import { Connection, type TrafficMeter } from './connection.js';
import { endpointKey, type Datagram, type DatagramNetwork, type DatagramSocket, type Endpoint } from './datagram_socket.js';
import {
  decodePacket,
  encodeConnectAccept,
  encodeConnectChallenge,
  encodeConnectDeny,
  encodeConnectRequest,
  DenyReason,
  encodeDisconnect,
  PacketError,
  PacketType,
  type ConnectAccept,
  type ConnectChallenge,
  type ConnectDeny,
  type ConnectRequest,
  type DataPacket,
} from './packet.js';
import { peerIdFromBigInt, peerIdToBigInt, type PeerId } from '../base/peer_id.js';
import { CombinedLimiter, TokenBucket, UNLIMITED, type RateLimiter } from './qos.js';
import type { Random } from '../base/random.js';
import type { TransportSettings } from './transport_settings.js';
import { ConnectCookies } from './connect_cookie.js';

/** Outgoing connection attempts give up after this long without an answer. */
const CONNECT_TIMEOUT = 10;
/** Disconnect notices are sent a few times: they are not acknowledged. */
const DISCONNECT_COPIES = 3;
/** A connection's epoch: from the salt of the request that made it, which both sides know. */
function epochOf(salt: number): number {
  return salt >>> 16;
}

/** Connections a host keeps at most: a flood of connect requests cannot take all the memory. */
export const MAX_CONNECTIONS = 512;

export interface HostOptions {
  network: DatagramNetwork;
  /** 0 picks a free port. */
  port: number;
  peerId: PeerId;
  /** The network config hash (16 hex digits); peers with another config are refused. */
  configHash: string;
  clock: Clock;
  /** Shared with Network.set_* so changes apply at once. */
  settings: TransportSettings;
  reliableSendBufferSize: number;
  reliableReceiveBufferSize: number;
  random: Random;
  qos: QosSettings;
  meter?: TrafficMeter;
}

export interface QosSettings {
  enabled: boolean;
  minPeerKbps: number;
  initialPeerKbps: number;
  maxPeerKbps: number;
  /** Cap on the sum over all peers; Infinity for none. */
  maxTotalKbps: number;
  /** Peers exempted with Network.disable_qos_peer. */
  exempt: Set<PeerId>;
}

export function defaultQosSettings(): QosSettings {
  return { enabled: false, minPeerKbps: 0, initialPeerKbps: 0, maxPeerKbps: 0, maxTotalKbps: Infinity, exempt: new Set() };
}

export type HostEvent =
  | { type: 'connected'; connection: Connection }
  | { type: 'disconnected'; connection: Connection }
  /** An outgoing attempt failed: refused by the other side, or no answer. */
  | { type: 'refused'; endpoint: Endpoint; peer: PeerId | undefined; reason: string };

/** Datagrams dropped, by why. */
export interface DropCounters {
  /** Not a packet of this protocol, truncated or inconsistent. */
  malformed: number;
  /** Data from an address with no connection. */
  unknownSender: number;
  /** A handshake claiming a peer id already connected from another address, or this peer's own id. */
  spoofedPeerId: number;
  /** Handshake answers nobody asked for. */
  unexpected: number;
  /** Data packets of an earlier connection between the same addresses, arriving late. */
  stale: number;
  /**
   * Connection requests from the address of a connection that is not silent: only a peer that
   * restarted (its old connection gone quiet) may replace its connection with a new handshake.
   */
  liveAddress: number;
  /** Connection requests without a valid cookie: answered with a challenge, nothing kept. */
  challenged: number;
  /** Connection requests refused (config mismatch, wrong target). */
  refused: number;
}

interface Attempt {
  endpoint: Endpoint;
  expected: PeerId | undefined;
  salt: number;
  startedAt: number;
  lastSent: number;
  /** The cookie of the host's challenge, repeated in every request once it came. */
  cookie: Uint8Array | undefined;
}

interface ConnectionSalts {
  /** Salt of the request the peer sent us (0 when we initiated). */
  remote: number;
}

export class Host {
  readonly socket: DatagramSocket;
  readonly peerId: PeerId;
  readonly drops: DropCounters = { malformed: 0, unknownSender: 0, spoofedPeerId: 0, unexpected: 0, refused: 0, stale: 0, liveAddress: 0, challenged: 0 };
  private readonly events: HostEvent[] = [];
  /** Called with each message a connection completes (reliable in order, unreliable as they come). */
  onMessage: (connection: Connection, body: Uint8Array) => void = () => undefined;
  /** Called with LAN discovery datagrams that reach the game socket (lobbies found on the game port). */
  onDiscovery: ((datagram: Datagram) => void) | undefined;

  private readonly byAddress = new Map<string, Connection>();
  private readonly byPeer = new Map<PeerId, Connection>();
  private readonly salts = new WeakMap<Connection, ConnectionSalts>();
  /** The request salt of the last connection that ended, by address: a late copy of that request must not revive it. */
  private readonly endedSalts = new Map<string, number>();
  private readonly attempts = new Map<string, Attempt>();
  private readonly cookies = new ConnectCookies();
  private totalLimiter: TokenBucket | undefined;
  private readonly configHash: bigint;
  private readonly ownId: bigint;
  private closed = false;

  constructor(private readonly options: HostOptions) {
    this.socket = options.network.bind({ port: options.port });
    this.peerId = options.peerId;
    this.configHash = BigInt('0x' + options.configHash);
    this.ownId = peerIdToBigInt(options.peerId);
    this.applyQos();
  }

  get port(): number {
    return this.socket.local.port;
  }

  connections(): IterableIterator<Connection> {
    return this.byPeer.values();
  }

  connectionTo(peer: PeerId): Connection | undefined {
    return this.byPeer.get(peer);
  }

  /** Whether an outgoing attempt to `endpoint` is under way. */
  isConnecting(endpoint: Endpoint): boolean {
    return this.attempts.has(endpointKey(endpoint));
  }

  /** Start connecting to the peer at `endpoint` (no-op when connected or already trying). */
  connect(endpoint: Endpoint, expected?: PeerId): void {
    const key = endpointKey(endpoint);
    if (this.byAddress.has(key) || this.attempts.has(key)) return;
    const now = this.options.clock.now();
    this.attempts.set(key, { endpoint, expected, salt: (this.options.random.nextUint32() | 1) >>> 0, startedAt: now, lastSent: -Infinity, cookie: undefined });
  }

  /** Close the connection to `peer`, telling it why. */
  disconnect(peer: PeerId, reason: string): void {
    const connection = this.byPeer.get(peer);
    if (!connection) return;
    const notice = encodeDisconnect(connection.epoch, reason);
    for (let i = 0; i < DISCONNECT_COPIES; i++) this.socket.send(notice, connection.endpoint);
    connection.closedHere = true;
    connection.close(reason);
    this.forget(connection);
  }

  /** Apply changed QoS settings to every connection. */
  applyQos(): void {
    const qos = this.options.qos;
    this.totalLimiter = qos.enabled && Number.isFinite(qos.maxTotalKbps) ? new TokenBucket(qos.maxTotalKbps, qos.maxTotalKbps, qos.maxTotalKbps) : undefined;
    for (const connection of this.byPeer.values()) connection.rateLimiter = this.limiterFor(connection.peer);
  }

  private limiterFor(peer: PeerId): RateLimiter {
    const qos = this.options.qos;
    if (!qos.enabled || qos.exempt.has(peer)) return UNLIMITED;
    const peerBucket = new TokenBucket(qos.initialPeerKbps, qos.minPeerKbps, Math.max(qos.initialPeerKbps, qos.maxPeerKbps));
    return this.totalLimiter ? new CombinedLimiter([peerBucket, this.totalLimiter]) : peerBucket;
  }

  // ---- receiving ------------------------------------------------------------------------------

  /** Process every datagram that arrived, then the connections' timers. */
  receive(): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    for (const datagram of this.socket.receive()) {
      if (this.onDiscovery && (datagram.data[0]! & 0x07) === PacketType.Discovery) {
        this.onDiscovery(datagram);
        continue;
      }
      let packet;
      try {
        packet = decodePacket(datagram.data);
      } catch (error) {
        if (!(error instanceof PacketError)) throw error;
        this.drops.malformed++;
        continue;
      }
      switch (packet.type) {
        case PacketType.ConnectRequest:
          this.onConnectRequest(packet, datagram.from, now);
          break;
        case PacketType.ConnectChallenge:
          this.onConnectChallenge(packet, datagram.from);
          break;
        case PacketType.ConnectAccept:
          this.onConnectAccept(packet, datagram.from, now);
          break;
        case PacketType.ConnectDeny:
          this.onConnectDeny(packet, datagram.from);
          break;
        case PacketType.Data:
          this.onData(packet, datagram.data.length, datagram.from, now);
          break;
        case PacketType.Disconnect: {
          const connection = this.byAddress.get(endpointKey(datagram.from));
          if (!connection) {
            this.drops.unknownSender++;
            break;
          }
          if (packet.epoch !== connection.epoch) {
            this.drops.stale++;
            break;
          }
          connection.close(`disconnected by ${connection.peer}: ${packet.reason}`);
          this.forget(connection);
          break;
        }
      }
    }
    for (const connection of [...this.byPeer.values()]) {
      connection.tick(now);
      if (connection.state === 'disconnected') this.endLocally(connection);
    }
  }

  /**
   * A connection this side ended (timeout, send buffer overflow): tell the peer why, in case it
   * still hears us, and forget it.
   */
  private endLocally(connection: Connection): void {
    this.socket.send(encodeDisconnect(connection.epoch, connection.reason), connection.endpoint);
    this.forget(connection);
  }

  /** Deny with a reason code only: an unproven requester learns nothing of this host's config. */
  private refuse(to: Endpoint, request: ConnectRequest, reason: DenyReason): void {
    this.drops.refused++;
    this.socket.send(encodeConnectDeny({ from: this.ownId, salt: request.salt, reason }), to);
  }

  private onConnectRequest(request: ConnectRequest, from: Endpoint, now: number): void {
    if (request.configHash !== this.configHash) {
      this.refuse(from, request, DenyReason.ConfigMismatch);
      return;
    }
    if (request.to !== 0n && request.to !== this.ownId) {
      this.refuse(from, request, DenyReason.WrongPeer);
      return;
    }
    const peer = peerIdFromBigInt(request.from);
    if (request.from === this.ownId) {
      this.drops.spoofedPeerId++;
      this.refuse(from, request, DenyReason.OwnPeerId);
      return;
    }
    const key = endpointKey(from);
    if (this.endedSalts.get(key) === request.salt) {
      this.drops.stale++;
      return;
    }
    const known = this.byPeer.get(peer);
    if (known && endpointKey(known.endpoint) !== key) {
      this.drops.spoofedPeerId++;
      this.refuse(from, request, DenyReason.PeerIdInUse);
      return;
    }
    const existing = this.byAddress.get(key);
    // Both sides asking at once: the one with the larger peer id answers, the other waits for that
    // answer, so one handshake (one epoch) makes the connection.
    if (!existing && this.attempts.has(key) && this.ownId < request.from) return;
    if (existing && existing.peer === peer) {
      const salts = this.salts.get(existing)!;
      const simultaneousOpen = salts.remote === 0 && existing.stats.packetsReceived === 0;
      if (salts.remote === request.salt || simultaneousOpen) {
        salts.remote = request.salt;
        this.socket.send(encodeConnectAccept({ from: this.ownId, to: request.from, salt: request.salt }), from);
        return;
      }
    }
    if (existing && now - existing.lastReceiveTime < this.silenceBeforeReplacing()) {
      this.drops.liveAddress++;
      return;
    }
    // State only for an address that proved it receives: it echoes the cookie sent there.
    if (!this.cookies.check(request.cookie, from, request.from, request.salt, now)) {
      this.drops.challenged++;
      this.socket.send(encodeConnectChallenge({ salt: request.salt, cookie: this.cookies.make(from, request.from, request.salt, now) }), from);
      return;
    }
    if (!existing && this.byPeer.size >= MAX_CONNECTIONS) {
      this.refuse(from, request, DenyReason.Full);
      return;
    }
    if (existing) {
      // The peer at this address restarted: the old connection is gone.
      existing.close(`${existing.peer} reconnected`);
      this.forget(existing);
    }
    this.attempts.delete(key);
    this.establish(peer, from, request.salt, epochOf(request.salt), now);
    this.socket.send(encodeConnectAccept({ from: this.ownId, to: request.from, salt: request.salt }), from);
  }

  /**
   * How long a connection must have heard nothing before a new handshake from its address replaces
   * it: twice the keep-alive resend time, so a live peer's keep-alives always arrive first, while a
   * restarted one (retrying every keepAliveTimeConnecting) gets through within a few seconds.
   */
  private silenceBeforeReplacing(): number {
    return 2 * this.options.settings.keepAliveResendTime;
  }

  private onConnectChallenge(challenge: ConnectChallenge, from: Endpoint): void {
    const attempt = this.attempts.get(endpointKey(from));
    if (!attempt || attempt.salt !== challenge.salt) {
      this.drops.unexpected++;
      return;
    }
    attempt.cookie = challenge.cookie.slice();
    // Answer at once rather than at the next resend.
    attempt.lastSent = -Infinity;
  }

  private onConnectAccept(accept: ConnectAccept, from: Endpoint, now: number): void {
    const key = endpointKey(from);
    const attempt = this.attempts.get(key);
    if (!attempt || attempt.salt !== accept.salt || accept.to !== this.ownId) {
      if (!this.byAddress.has(key)) this.drops.unexpected++;
      return;
    }
    this.attempts.delete(key);
    const peer = peerIdFromBigInt(accept.from);
    if (attempt.expected !== undefined && attempt.expected !== peer) {
      this.events.push({ type: 'refused', endpoint: from, peer: attempt.expected, reason: `expected peer ${attempt.expected} at ${key}, but ${peer} answered` });
      return;
    }
    const known = this.byPeer.get(peer);
    if (known) {
      this.drops.spoofedPeerId++;
      this.events.push({ type: 'refused', endpoint: from, peer, reason: `peer id ${peer} is already connected from ${endpointKey(known.endpoint)}` });
      return;
    }
    this.establish(peer, from, 0, epochOf(attempt.salt), now);
  }

  private onConnectDeny(deny: ConnectDeny, from: Endpoint): void {
    const key = endpointKey(from);
    const attempt = this.attempts.get(key);
    if (!attempt || attempt.salt !== deny.salt) {
      this.drops.unexpected++;
      return;
    }
    this.attempts.delete(key);
    this.events.push({ type: 'refused', endpoint: from, peer: attempt.expected, reason: denyText(deny.reason, peerIdFromBigInt(deny.from), key, this.options.configHash, attempt.expected) });
  }

  private onData(packet: DataPacket, size: number, from: Endpoint, now: number): void {
    const connection = this.byAddress.get(endpointKey(from));
    if (!connection) {
      this.drops.unknownSender++;
      return;
    }
    if (packet.epoch !== connection.epoch) {
      this.drops.stale++;
      return;
    }
    for (const body of connection.receivePacket(packet, size, now)) {
      this.onMessage(connection, body);
      if (this.closed) return;
    }
  }

  private establish(peer: PeerId, endpoint: Endpoint, remoteSalt: number, epoch: number, now: number): Connection {
    const o = this.options;
    const connection = new Connection(peer, endpoint, epoch, o.settings, o.reliableSendBufferSize, o.reliableReceiveBufferSize, now, this.limiterFor(peer), o.meter);
    connection.state = 'connected';
    this.salts.set(connection, { remote: remoteSalt });
    this.byAddress.set(endpointKey(endpoint), connection);
    this.byPeer.set(peer, connection);
    this.events.push({ type: 'connected', connection });
    return connection;
  }

  private forget(connection: Connection): void {
    const key = endpointKey(connection.endpoint);
    const remote = this.salts.get(connection)?.remote;
    if (remote) {
      if (this.endedSalts.size >= MAX_CONNECTIONS) this.endedSalts.clear();
      this.endedSalts.set(key, remote);
    }
    if (this.byAddress.get(key) === connection) this.byAddress.delete(key);
    if (this.byPeer.get(connection.peer) === connection) {
      this.byPeer.delete(connection.peer);
      this.events.push({ type: 'disconnected', connection });
    }
  }

  // ---- transmitting ---------------------------------------------------------------------------

  /** Send handshakes and every connection's due packets. */
  transmit(): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    const settings = this.options.settings;
    for (const [key, attempt] of this.attempts) {
      if (now - attempt.startedAt >= CONNECT_TIMEOUT) {
        this.attempts.delete(key);
        this.events.push({ type: 'refused', endpoint: attempt.endpoint, peer: attempt.expected, reason: `no answer from ${key} within ${CONNECT_TIMEOUT} s` });
        continue;
      }
      // A connection being set up repeats its request at the connecting keep-alive interval.
      if (now - attempt.lastSent >= settings.keepAliveTimeConnecting) {
        attempt.lastSent = now;
        const to = attempt.expected === undefined ? 0n : peerIdToBigInt(attempt.expected);
        this.socket.send(encodeConnectRequest({ from: this.ownId, to, configHash: this.configHash, salt: attempt.salt, cookie: attempt.cookie }), attempt.endpoint);
      }
    }
    for (const connection of [...this.byPeer.values()]) {
      for (const packet of connection.transmit(now)) this.socket.send(packet, connection.endpoint);
      // A send buffer overflow ends the connection while building packets.
      if (connection.state === 'disconnected') this.endLocally(connection);
    }
  }

  /** Take the events that happened since the last call. */
  takeEvents(): HostEvent[] {
    return this.events.splice(0);
  }

  /** Send what is queued (a shutdown's leave notices), tell every peer goodbye and release the socket. */
  close(reason: string): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    for (const connection of this.byPeer.values()) {
      for (const packet of connection.transmit(now, true)) this.socket.send(packet, connection.endpoint);
    }
    for (const peer of [...this.byPeer.keys()]) this.disconnect(peer, reason);
    this.closed = true;
    this.socket.close();
  }
}

/** What a deny's code means, told from the requester's side (the host sends no more than the code). */
function denyText(reason: DenyReason, host: PeerId, address: string, ownConfigHash: string, expected: PeerId | undefined): string {
  switch (reason) {
    case DenyReason.ConfigMismatch:
      return `network config mismatch: ${host} at ${address} does not use config hash ${ownConfigHash}`;
    case DenyReason.WrongPeer:
      return `wrong peer: ${address} is ${host}, not ${expected ?? 'the peer asked for'}`;
    case DenyReason.OwnPeerId:
      return `peer id refused by ${host}: it is ${host}'s own id`;
    case DenyReason.PeerIdInUse:
      return `peer id refused by ${host}: already connected from another address`;
    case DenyReason.Full:
      return `${host} has too many connections (${MAX_CONNECTIONS})`;
  }
}
