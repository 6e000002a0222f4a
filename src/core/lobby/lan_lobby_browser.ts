/**
 * A LAN lobby browser: `refresh(port)` broadcasts a discovery query to the lobby port and gathers
 * the replies for a short window; the list seen by scripts is replaced when the window closes.
 * Filters (`add_filter`) keep only lobbies whose data compares as asked.
 */
import { MalformedError } from '../wire/byte_reader.js';
import type { Clock } from '../base/clock.js';
import type { DatagramNetwork, DatagramSocket, Endpoint } from '../transport/datagram_socket.js';
import { decodeDiscovery, encodeDiscoveryQuery } from './lan_discovery.js';
import { passesFilters, type LobbyFilter } from './lobby_filter.js';
import { peerIdFromBigInt, type PeerId } from '../base/peer_id.js';
import type { Random } from '../base/random.js';

/** How long a refresh listens for replies, in seconds. */
export const REFRESH_TIME = 0.5;
/** Lobbies one refresh lists, at most; later replies are dropped and counted. */
export const MAX_LOBBIES_PER_REFRESH = 256;
/** Lobbies one refresh takes from one IP address, at most (several hosts on one machine share it). */
export const MAX_LOBBIES_PER_ADDRESS = 64;
/** Bytes of replies one refresh takes in, at most. */
export const MAX_REPLY_BYTES_PER_REFRESH = 256 * 1024;

export interface FoundLobby {
  readonly id: string;
  /** The owner's game endpoint as "ip:port": join_lan_lobby(address) connects there. */
  readonly address: string;
  readonly endpoint: Endpoint;
  readonly owner: PeerId;
  readonly maxMembers: number;
  readonly members: number;
  readonly data: ReadonlyMap<string, string>;
}

export class LanLobbyBrowser {
  private socket: DatagramSocket | undefined;
  private lobbies: FoundLobby[] = [];
  private pending = new Map<string, FoundLobby>();
  /** This refresh's replies: bytes taken in, lobbies per source address. */
  private pendingBytes = 0;
  private pendingBySource = new Map<string, number>();
  private refreshUntil = -Infinity;
  private nonce = 0;
  private readonly filters: LobbyFilter[] = [];
  /** Replies that did not decode. */
  malformed = 0;
  /** Replies beyond a refresh's caps (lobbies, bytes, lobbies per address), dropped. */
  overLimit = 0;

  constructor(
    private readonly network: DatagramNetwork,
    private readonly clock: Clock,
    private readonly random: Random,
    /** Told of every lobby found, so join_lan_lobby(id) can find its address. */
    private readonly onFound: (lobby: FoundLobby) => void,
  ) {}

  refresh(port: number): void {
    this.socket ??= this.network.bind({ port: 0, broadcast: true });
    this.nonce = this.random.nextUint32();
    this.pending = new Map();
    this.pendingBytes = 0;
    this.pendingBySource = new Map();
    this.refreshUntil = this.clock.now() + REFRESH_TIME;
    this.socket.send(encodeDiscoveryQuery(this.nonce), { address: this.network.broadcastAddress, port });
  }

  /** Until the update that publishes the refresh's list: on a wall clock the window can close between two updates, and the old list must not be read as the new one. */
  isRefreshing(): boolean {
    return this.refreshUntil !== -Infinity;
  }

  lobbyCount(): number {
    return this.lobbies.length;
  }

  lobby(index: number): FoundLobby | undefined {
    return this.lobbies[index];
  }

  addFilter(filter: LobbyFilter): void {
    this.filters.push(filter);
  }

  clearFilters(): void {
    this.filters.length = 0;
  }

  /** Gather replies; publish the list when the refresh window closes. */
  update(): void {
    if (!this.socket) return;
    for (const datagram of this.socket.receive()) {
      let reply;
      try {
        reply = decodeDiscovery(datagram.data);
      } catch (error) {
        if (!(error instanceof MalformedError)) throw error;
        this.malformed++;
        continue;
      }
      if (reply.kind !== 'reply' || reply.nonce !== this.nonce) continue;
      const fromSource = this.pendingBySource.get(datagram.from.address) ?? 0;
      if (this.pending.size >= MAX_LOBBIES_PER_REFRESH || fromSource >= MAX_LOBBIES_PER_ADDRESS || this.pendingBytes + datagram.data.length > MAX_REPLY_BYTES_PER_REFRESH) {
        this.overLimit++;
        continue;
      }
      this.pendingBySource.set(datagram.from.address, fromSource + 1);
      this.pendingBytes += datagram.data.length;
      const endpoint = { address: datagram.from.address, port: reply.gamePort };
      const found: FoundLobby = {
        id: peerIdFromBigInt(reply.lobbyId),
        address: `${endpoint.address}:${endpoint.port}`,
        endpoint,
        owner: peerIdFromBigInt(reply.owner),
        maxMembers: reply.maxMembers,
        members: reply.members,
        data: reply.data,
      };
      this.onFound(found);
      if (this.passes(found)) this.pending.set(found.id, found);
    }
    if (this.refreshUntil !== -Infinity && this.clock.now() >= this.refreshUntil) {
      this.lobbies = [...this.pending.values()];
      this.refreshUntil = -Infinity;
    }
  }

  private passes(lobby: FoundLobby): boolean {
    return passesFilters(lobby.data, this.filters);
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
