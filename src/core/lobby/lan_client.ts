/**
 * The LAN network subsystem (`Network.init_lan_client`): this peer's game socket, its lobbies and
 * lobby browsers, and the channels opened inside lobbies.
 */
import { NetworkError } from '../base/network_error.js';
import { ByteReader, MalformedError } from '../wire/byte_reader.js';
import { Channels } from '../transport/channel.js';
import type { Connection } from '../transport/connection.js';
import { BindError, endpointKey, parseEndpoint, type DatagramSocket, type Endpoint } from '../transport/datagram_socket.js';
import { LanLobby } from './lan_lobby.js';
import { lobbyEnvelopeLayout } from './lobby_message.js';
import { readMessage } from '../wire/byte_stream.js';
import { LanLobbyBrowser, type FoundLobby } from './lan_lobby_browser.js';
import { Service, type NetworkNode, type TransportConfig } from '../transport/network_node.js';
import { peerIdFromBigInt, randomId, type PeerId } from '../base/peer_id.js';

/** Lobbies remembered for join_lan_lobby(id), the most recently seen first kept. */
export const MAX_FOUND_LOBBIES = 1024;

export class LanClient {
  readonly name = 'LAN client';
  readonly channels: Channels;
  readonly lobbies = new Set<LanLobby>();
  readonly browsers = new Set<LanLobbyBrowser>();
  private sharedBrowser: LanLobbyBrowser | undefined;
  /** Lobbies any browser found, by id, so join_lan_lobby(id) can reach them. */
  private readonly found = new Map<string, FoundLobby>();
  private shutDown = false;

  constructor(
    private readonly node: NetworkNode,
    config: TransportConfig,
    gamePort: number,
    peerId: PeerId,
  ) {
    const host = node.start(gamePort, peerId, config);
    this.channels = new Channels(node);
    node.handle(Service.Lobby, (connection, r) => this.onLobbyMessage(connection, r));
    host.onDiscovery = (datagram) => {
      for (const lobby of this.lobbies) if (lobby.isOwner && !lobby.hasDiscoverySocket) lobby.onDiscovery(datagram, host.socket);
    };
    node.listen((event) => {
      for (const lobby of this.lobbies) {
        if (event.type === 'disconnected') lobby.onDisconnected(event.connection);
        else if (event.type === 'refused') lobby.onRefused(event.endpoint, event.reason);
      }
    });
  }

  get peerId(): PeerId {
    return this.node.requireHost('LanClient').peerId;
  }

  get isShutDown(): boolean {
    return this.shutDown;
  }

  label(): string {
    return `${this.peerId} on port ${this.node.host?.port ?? '-'}`;
  }

  /** A lobby on `lobbyPort` (shared between processes), or on the game port when undefined. */
  createLobby(lobbyPort: number | undefined, maxMembers: number): LanLobby {
    const socket = lobbyPort === undefined ? undefined : this.bindLobbyPort(lobbyPort);
    const lobby = LanLobby.create(this.node, randomId(this.node.environment.random), maxMembers, socket, (port) => this.bindLobbyPort(port));
    this.lobbies.add(lobby);
    return lobby;
  }

  /** Join by "ip:port" (the owner's game endpoint) or by the id a browser found. */
  joinLobby(addressOrId: string, lobbyPort: number | undefined): LanLobby {
    let target: Endpoint | undefined = parseEndpoint(addressOrId);
    let lobbyId = '0';
    if (!target) {
      const found = this.found.get(addressOrId.toLowerCase());
      if (!found) throw new NetworkError(`Network.join_lan_lobby: no lobby with id '${addressOrId}' was found by a lobby browser (refresh one first), and it is not an ip:port address`);
      target = found.endpoint;
      lobbyId = found.id;
    }
    const socket = lobbyPort === undefined || lobbyPort === 0 ? undefined : this.bindLobbyPort(lobbyPort);
    const lobby = LanLobby.join(this.node, target, lobbyId, socket, (port) => this.bindLobbyPort(port));
    this.lobbies.add(lobby);
    return lobby;
  }

  leaveLobby(lobby: LanLobby): void {
    lobby.leave();
    this.lobbies.delete(lobby);
  }

  private bindLobbyPort(port: number): DatagramSocket {
    try {
      return this.node.environment.network.bind({ port, shared: true });
    } catch (error) {
      if (error instanceof BindError) throw new NetworkError(`cannot listen on lobby port ${port}: ${error.message}`);
      throw error;
    }
  }

  /** The client's one browser (older scripts). */
  lobbyBrowser(): LanLobbyBrowser {
    this.sharedBrowser ??= this.createBrowser();
    return this.sharedBrowser;
  }

  createBrowser(): LanLobbyBrowser {
    const env = this.node.environment;
    const browser = new LanLobbyBrowser(env.network, env.clock, env.random, (lobby) => this.remember(lobby));
    this.browsers.add(browser);
    return browser;
  }

  /** Keep a found lobby for join_lan_lobby(id): the most recently seen MAX_FOUND_LOBBIES. */
  private remember(lobby: FoundLobby): void {
    this.found.delete(lobby.id);
    this.found.set(lobby.id, lobby);
    if (this.found.size > MAX_FOUND_LOBBIES) this.found.delete(this.found.keys().next().value!);
  }

  destroyBrowser(browser: LanLobbyBrowser): void {
    browser.close();
    this.browsers.delete(browser);
    if (browser === this.sharedBrowser) this.sharedBrowser = undefined;
  }

  private onLobbyMessage(connection: Connection, r: ByteReader): void {
    const envelope = readMessage(lobbyEnvelopeLayout, r);
    const lobby = this.routeLobbyMessage(connection, envelope.lobbyId);
    if (!lobby) throw new MalformedError(`lobby message for unknown lobby ${peerIdFromBigInt(envelope.lobbyId)} from ${connection.peer}`);
    lobby.onMessage(connection, envelope);
  }

  private routeLobbyMessage(connection: Connection, lobbyId: bigint): LanLobby | undefined {
    for (const lobby of this.lobbies) if (lobby.state !== 'joining' && lobby.matches(lobbyId)) return lobby;
    // A lobby joined by address learns its id from the owner's first answer.
    for (const lobby of this.lobbies) if (lobby.state === 'joining' && lobby.joinsVia(endpointKey(connection.endpoint))) return lobby;
    return undefined;
  }

  /** Receive: deliver messages, then advance lobbies and browsers. */
  update(): void {
    this.node.receive();
    for (const lobby of this.lobbies) lobby.update();
    for (const browser of this.browsers) browser.update();
  }

  transmit(): void {
    this.node.transmit();
  }

  shutdown(): void {
    if (this.shutDown) return;
    for (const lobby of this.lobbies) lobby.leave();
    this.lobbies.clear();
    for (const browser of this.browsers) browser.close();
    this.browsers.clear();
    this.channels.clear('the LAN client shut down');
    this.node.stop('the peer shut down its network client');
    this.shutDown = true;
  }
}
