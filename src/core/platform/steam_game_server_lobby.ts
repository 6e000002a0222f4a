/**
 * A player's place on a Steam game server (`Network.join_steam_server`): the service checks the
 * password and the free slots and reserves one; the player then connects to the server's game
 * socket, and the lobby is joined once that connection stands. A server that does not answer at the
 * address is asked again until the join times out, as a query to a server still starting would be.
 * `Network.reserve_steam_server` stops at the reserved slot ("reserved") until `join()` connects.
 * Server data arrives with the reservation and again on request (or every second once
 * `auto_update_data` is on).
 */
import { parseEndpoint } from '../transport/datagram_socket.js';
import { PlatformLobby, type PlatformLobbyState } from './platform_lobby.js';
import type { PlatformClient } from './platform_client.js';
import type { Answer, ErrorCode, LobbyView } from './platform_protocol.js';

/** Seconds a join keeps asking for a server that does not answer. */
export const SERVER_JOIN_TIMEOUT = 5;
/** Seconds between those questions. */
const RETRY_INTERVAL = 0.5;

/** Seconds between data refreshes once auto_update_data is on. */
const AUTO_UPDATE_INTERVAL = 1;

export class SteamGameServerLobby extends PlatformLobby {
  private deadline: number;
  private retryAt: number | undefined;
  /** Refresh the server's data every AUTO_UPDATE_INTERVAL (SteamGameServerLobby.auto_update_data). */
  autoRefresh = false;
  private nextRefresh = 0;

  constructor(
    client: PlatformClient,
    readonly address: string,
    private readonly password: string | undefined,
    /** Connect as soon as the slot is reserved (false: wait for join()). */
    private connectWhenReserved: boolean,
  ) {
    super(client, 'SteamGameServerLobby', { op: 'join_server', address, ...(password === undefined ? {} : { password }) });
    this.deadline = client.nodeOf.clock.now() + SERVER_JOIN_TIMEOUT;
  }

  /** Connect to a server whose slot was reserved (Network.reserve_steam_server). */
  connect(): void {
    if (this.connectWhenReserved) return;
    this.connectWhenReserved = true;
    this.deadline = this.client.nodeOf.clock.now() + SERVER_JOIN_TIMEOUT;
    if (this.state === 'reserved') {
      this.state = 'joining';
      this.connectToServer();
    }
  }

  /** Fetch the server's data again. */
  refresh(): void {
    if (!this.view || this.failCode !== undefined) return;
    this.client.request({ op: 'lookup', lobby: this.view.id }, (answer) => {
      if (answer.ok && this.view && this.failCode === undefined) this.view = { ...this.view, data: answer.lobby!.data, server: answer.lobby!.server };
    });
  }

  /** The server's own peer id, once the service named it. */
  get server(): string | undefined {
    return this.view?.owner;
  }

  protected override answered(answer: Answer): void {
    if (!this.abandoned && !answer.ok && answer.code === 'no_server' && this.client.nodeOf.clock.now() < this.deadline) {
      this.retryAt = this.client.nodeOf.clock.now() + RETRY_INTERVAL;
      return;
    }
    super.answered(answer);
  }

  /** The slot is reserved: connect to the server (or wait for join()); joined when connected. */
  override apply(view: LobbyView, _pushed: boolean): void {
    if (this.failCode !== undefined || this.state === 'failed') return;
    const first = this.view === undefined;
    this.view = view;
    if (!first) return;
    if (this.connectWhenReserved) this.connectToServer();
    else this.state = 'reserved';
  }

  private connectToServer(): void {
    const view = this.view!;
    const endpoint = parseEndpoint(view.server?.gameAddress ?? '');
    if (!endpoint) {
      this.fail('bad_request', `game server ${view.owner} published no game address`);
      return;
    }
    const node = this.client.nodeOf;
    node.addresses.set(view.owner, endpoint);
    node.connect(view.owner);
    this.tagged.add(view.owner);
  }

  protected override failedState(code: ErrorCode): PlatformLobbyState {
    if (code === 'full') return 'server_is_full';
    if (code === 'no_server') return 'timeout';
    return 'failed';
  }

  /** Players do not mesh with each other: only the server counts as a member here. */
  override members(): [] {
    return [];
  }

  /** The server's players as the service last showed them (SteamGameServerLobby.members). */
  players(): string[] {
    return this.isJoined ? (this.view?.members ?? []).map((m) => m.peer) : [];
  }

  override hasMember(peer: string): boolean {
    return peer === this.view?.owner;
  }

  override update(): void {
    const node = this.client.nodeOf;
    const now = node.clock.now();
    if (this.retryAt !== undefined && now >= this.retryAt) {
      this.retryAt = undefined;
      this.client.request({ op: 'join_server', address: this.address, ...(this.password === undefined ? {} : { password: this.password }) }, (answer) => this.answered(answer));
    }
    if (this.autoRefresh && this.view && now >= this.nextRefresh) {
      this.nextRefresh = now + AUTO_UPDATE_INTERVAL;
      this.refresh();
    }
    if (this.state !== 'joining' || !this.view) return;
    const connection = node.host?.connectionTo(this.view.owner);
    if (connection?.state === 'connected') {
      connection.users.add(this.tag());
      this.state = 'joined';
    } else if (!connection && now >= this.deadline) {
      this.fail('no_server', `no connection to game server ${this.view.owner} at ${this.view.server?.gameAddress}`);
    }
  }
}
