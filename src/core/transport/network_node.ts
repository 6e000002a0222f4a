/**
 * One peer's network state, as one script VM sees it through `Network.*`: the timers and QoS
 * settings, the host (game socket and connections) of the running network subsystem, the services
 * that share each connection (channels, lobbies, sessions, RPCs), connection bookkeeping for the
 * explicit-connection API, and the peers' known game addresses.
 */
import { NetworkError } from '../base/network_error.js';
import { ByteReader, MalformedError } from '../wire/byte_reader.js';
import type { Clock } from '../base/clock.js';
import type { Connection, DeliveryCallback, TrafficMeter } from './connection.js';
import type { DatagramNetwork, Endpoint } from './datagram_socket.js';
import { Host, defaultQosSettings, type HostEvent, type QosSettings } from './host.js';
import type { PeerId } from '../base/peer_id.js';
import type { Random } from '../base/random.js';
import { defaultTransportSettings, type TransportSettings } from './transport_settings.js';

/** What a process gives each peer: where datagrams go, what time it is, where randomness comes from. */
export interface NetworkEnvironment {
  readonly network: DatagramNetwork;
  readonly clock: Clock;
  readonly random: Random;
  readonly meter?: TrafficMeter;
}

/** The first byte of every message body says which service it belongs to. */
export const enum Service {
  Channel = 1,
  Lobby = 2,
  Session = 3,
  Rpc = 4,
}

/** How the network log names a received message whose handler names no finer category (or that did not decode). */
const SERVICE_TAGS: Record<number, string> = { [Service.Channel]: 'channel', [Service.Lobby]: 'lobby', [Service.Session]: 'session', [Service.Rpc]: 'rpc' };

/** What the transport needs of a network config. */
export interface TransportConfig {
  /** 16 lowercase hex digits; peers with another hash are refused. */
  readonly hash: string;
  readonly reliableSendBufferSize: number;
  readonly reliableReceiveBufferSize: number;
}

/** Messages kept for a service without a handler, at most. */
const MAX_BACKLOG = 4096;
/** Peers whose connection ended, remembered (oldest forgotten first) so sends to them are dropped, not refused. */
export const MAX_DEPARTED_PEERS = 1024;

/**
 * Handles one message; returns the network log category the sender tagged it with (an RPC's name,
 * `objects: <type>`, ...) when it is finer than the service's, so both ends count it alike.
 */
export type ServiceHandler = (connection: Connection, message: ByteReader) => string | void;
export type ConnectionListener = (event: HostEvent) => void;

export class NetworkNode {
  readonly settings: TransportSettings = defaultTransportSettings();
  readonly qos: QosSettings = defaultQosSettings();
  /** Network.set_explicit_connections: scripts create and destroy connections themselves. */
  explicitConnections = false;
  /** Messages dropped because their body did not decode (a bug or a hostile peer). */
  malformedMessages = 0;
  /** Game endpoints of peers learnt from lobbies, so connections can be made to them. */
  readonly addresses = new Map<PeerId, Endpoint>();
  /** Peers whose connection broke, with why, until the script destroys or remakes it. */
  readonly broken = new Map<PeerId, string>();
  /** Connections made by Network.create_connection. */
  readonly scriptConnections = new Set<PeerId>();
  /** Network.has_connection's ids: one per peer, kept while its connection (or broken record) lasts. */
  private readonly connectionIds = new Map<PeerId, number>();
  private nextConnectionId = 1;
  private hostInstance: Host | undefined;
  private readonly handlers = new Map<Service, ServiceHandler>();
  /** Messages for a service nobody handles yet (a session message before create_game_session). */
  private readonly backlog = new Map<Service, { connection: Connection; body: Uint8Array }[]>();
  /** Messages dropped because the backlog of an unhandled service was full. */
  backlogDropped = 0;
  private readonly listeners: ConnectionListener[] = [];
  /** Peers that were connected and are no longer, most recent last. */
  private readonly departed = new Set<PeerId>();
  /** Messages a script sent to a peer or channel that had already gone, dropped. */
  droppedToDeparted = 0;
  /** Where routine events a script may want to know of are told (the script's network log). */
  notice: (text: string) => void = () => undefined;

  constructor(readonly environment: NetworkEnvironment) {}

  get clock(): Clock {
    return this.environment.clock;
  }

  get host(): Host | undefined {
    return this.hostInstance;
  }

  /** The running host, or an error naming what the script forgot. */
  requireHost(fn: string): Host {
    if (!this.hostInstance) throw new NetworkError(`${fn}: no network client is running (start one with a Network.init_*_client function)`);
    return this.hostInstance;
  }

  /** Open the game socket. Throws BindError when the port is taken. */
  start(port: number, peerId: PeerId, config: TransportConfig): Host {
    if (this.hostInstance) throw new NetworkError('a network client is already running');
    const host = new Host({
      network: this.environment.network,
      port,
      peerId,
      configHash: config.hash,
      clock: this.environment.clock,
      settings: this.settings,
      reliableSendBufferSize: config.reliableSendBufferSize,
      reliableReceiveBufferSize: config.reliableReceiveBufferSize,
      random: this.environment.random,
      qos: this.qos,
      meter: this.environment.meter,
    });
    host.onMessage = (connection, body) => this.dispatch(connection, body);
    this.hostInstance = host;
    return host;
  }

  /** Close the game socket, telling every peer why. */
  stop(reason: string): void {
    const host = this.hostInstance;
    if (!host) return;
    host.close(reason);
    this.hostInstance = undefined;
    this.broken.clear();
    this.departed.clear();
    this.scriptConnections.clear();
    this.addresses.clear();
    this.backlog.clear();
    // The subsystem's services go with it; the next one registers its own.
    this.handlers.clear();
    this.listeners.length = 0;
  }

  /** Receive the messages of `service`, starting with those that waited for a handler. */
  handle(service: Service, handler: ServiceHandler): void {
    this.handlers.set(service, handler);
    const waiting = this.backlog.get(service) ?? [];
    this.backlog.delete(service);
    for (const { connection, body } of waiting) if (connection.state === 'connected') this.dispatch(connection, body);
  }

  /** Stop handling `service`; its messages wait again. */
  unhandle(service: Service): void {
    this.handlers.delete(service);
  }

  /** Be told of connections made, lost and refused. */
  listen(listener: ConnectionListener): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** Hand a message to its service and meter it (a message waiting for its handler is metered once handled). */
  private dispatch(connection: Connection, body: Uint8Array): void {
    const reader = new ByteReader(body);
    let category: string | void = undefined;
    try {
      const service = reader.u8() as Service;
      const handler = this.handlers.get(service);
      if (!handler) {
        if (service < Service.Channel || service > Service.Rpc) throw new MalformedError(`message for unknown service ${service}`);
        const waiting = this.backlog.get(service) ?? [];
        if (waiting.length < MAX_BACKLOG) {
          waiting.push({ connection, body });
          this.backlog.set(service, waiting);
          return;
        }
        this.backlogDropped++;
      } else {
        category = handler(connection, reader);
      }
    } catch (error) {
      if (!(error instanceof MalformedError)) throw error;
      this.malformedMessages++;
    }
    this.environment.meter?.received(connection.peer, category || (SERVICE_TAGS[body[0]!] ?? 'unknown'), body.length);
  }

  /**
   * Queue a message for `peer`. Reliable messages that overflow the send buffer end the
   * connection (with a reason) and return false, as does a peer without a connection.
   * `notify` hears whether the message arrived: for reliable ones once acknowledged (true), for
   * unreliable ones true when its packet was acknowledged, false when lost or not sent.
   */
  send(peer: PeerId, service: Service, payload: Uint8Array, reliable: boolean, tag: string, notify?: DeliveryCallback): boolean {
    const body = new Uint8Array(payload.length + 1);
    body[0] = service;
    body.set(payload, 1);
    return this.sendFramed(peer, body, reliable, tag, notify);
  }

  /**
   * `send` of a body that already starts with its service byte: one body can go to several
   * peers (the connections only read it).
   */
  sendFramed(peer: PeerId, body: Uint8Array, reliable: boolean, tag: string, notify?: DeliveryCallback): boolean {
    const connection = this.hostInstance?.connectionTo(peer);
    if (!connection || connection.state !== 'connected') {
      if (!reliable) notify?.(false, peer);
      return false;
    }
    if (reliable) return connection.sendReliable(body, tag, notify && (() => notify(true, peer)));
    connection.sendUnreliable(body, tag, notify);
    return true;
  }

  /** Connect to `peer` at its known address (nothing to do when connected or connecting). */
  connect(peer: PeerId): boolean {
    const host = this.hostInstance;
    const endpoint = this.addresses.get(peer);
    if (!host || !endpoint) return false;
    if (!host.connectionTo(peer)) host.connect(endpoint, peer);
    return true;
  }

  /** The id of the connection to `peer` (made, being made or broken), or undefined when there is none. */
  connectionId(peer: PeerId): number | undefined {
    if (!this.hostInstance?.connectionTo(peer) && !this.broken.has(peer) && !this.scriptConnections.has(peer)) {
      this.connectionIds.delete(peer);
      return undefined;
    }
    let id = this.connectionIds.get(peer);
    if (id === undefined) this.connectionIds.set(peer, (id = this.nextConnectionId++));
    return id;
  }

  isConnected(peer: PeerId): boolean {
    return this.hostInstance?.connectionTo(peer)?.state === 'connected';
  }

  /** Whether `peer` was connected and its connection has ended (it left, timed out or was dropped). */
  hasDeparted(peer: PeerId): boolean {
    return this.departed.has(peer) && !this.isConnected(peer);
  }

  /**
   * Count and log a message for a peer or channel that has gone: a peer may leave at any moment,
   * even between sending an RPC and the script answering it, so this is routine, not an error.
   */
  dropForDeparted(what: string): void {
    this.droppedToDeparted++;
    this.notice(`${what}: dropped, the other side has gone`);
  }

  /** Receive datagrams, deliver messages to the services, then report connection events. */
  receive(): void {
    const host = this.hostInstance;
    if (!host) return;
    host.receive();
    this.flushEvents(host);
  }

  /** Send what is due on every connection. */
  transmit(): void {
    const host = this.hostInstance;
    if (!host) return;
    host.transmit();
    this.flushEvents(host);
  }

  private flushEvents(host: Host): void {
    for (const event of host.takeEvents()) {
      if (event.type === 'connected') {
        this.broken.delete(event.connection.peer);
        this.departed.delete(event.connection.peer);
      } else if (event.type === 'disconnected') {
        if (!event.connection.closedHere) this.broken.set(event.connection.peer, event.connection.reason);
        this.rememberDeparted(event.connection.peer);
      }
      for (const listener of [...this.listeners]) listener(event);
    }
  }

  private rememberDeparted(peer: PeerId): void {
    this.departed.delete(peer);
    this.departed.add(peer);
    if (this.departed.size > MAX_DEPARTED_PEERS) this.departed.delete(this.departed.values().next().value!);
  }
}
