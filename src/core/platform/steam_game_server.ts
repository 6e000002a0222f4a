/**
 * A Steam game server (`Network.init_steam_server`), on the platform service: a dedicated server or
 * a listen server with a game-server Steam id, listed for the server browser under its query
 * address, with a password and a player limit the service enforces when players join. Players
 * connect to its game socket; it sees them in `members()` and can remove them.
 */
import type { NetworkNode, TransportConfig } from '../transport/network_node.js';
import type { PeerId } from '../base/peer_id.js';
import { PlatformClient } from './platform_client.js';
import type { PlatformLink } from './platform_link.js';
import { PlatformLobby } from './platform_lobby.js';
import type { ErrorCode, LobbyView, Member, ServerInfo } from './platform_protocol.js';
import { NetworkError } from '../base/network_error.js';
import type { Random } from '../base/random.js';
import { randomAccount } from './steam_client.js';

/** A Steam id of a game server: universe 1, account type 4 (anonymous game server). */
export function steamServerId(account: number): PeerId {
  return (0x0140_0000_0000_0000n | BigInt(account >>> 0)).toString(16);
}

/** What `network_steam_server_settings` says, read by the binding. */
export interface SteamServerSettings {
  serverName: string;
  maxPlayers: number;
  /** The game socket's port (0: any free port). */
  gamePort: number;
  /** Where players join (`Network.join_steam_server("ip:port")`). */
  queryPort: number;
  /** The address to publish ("0.0.0.0": the one the service sees). */
  ipAddress: string;
  map: string;
  gameDescription: string;
  gamedir: string;
  version: string;
  dedicated: boolean;
  password: string;
  appId: number;
}

/** The server's own listing: it owns it without being one of its members, and players connect to it. */
export class ServerListing extends PlatformLobby {
  protected override connectMembers(before: readonly Member[]): void {
    super.connectMembers(before, false);
  }

  /** A server nobody can find (its query address taken, say) cannot work: the subsystem fails with it. */
  protected override fail(code: ErrorCode, reason: string): void {
    super.fail(code, reason);
    this.client.lose(`the game server could not be listed: ${reason}`);
  }

  /** Change what the server browser shows. */
  publish(server: Partial<ServerInfo>, fn: string): void {
    this.requireOwner(fn);
    Object.assign(this.view!.server!, server);
    this.change({ server });
  }

  /** Players' scores (SteamGameServer.set_score) and when each was first seen here, by peer. */
  private readonly scores = new Map<PeerId, number>();
  private readonly since = new Map<PeerId, number>();

  setScore(peer: PeerId, score: number, fn: string): void {
    this.requireOwner(fn);
    if (!this.hasMember(peer)) throw new NetworkError(`${fn}: ${peer} is not a player on this server`);
    this.scores.set(peer, score);
    this.publishPlayers(fn);
  }

  override apply(view: LobbyView, pushed: boolean): void {
    super.apply(view, pushed);
    if (!this.isOwner) return;
    const now = this.client.nodeOf.clock.now();
    const players = new Set(this.memberIds());
    let changed = false;
    for (const peer of players) {
      if (this.since.has(peer)) continue;
      this.since.set(peer, now);
      changed = true;
    }
    for (const peer of [...this.since.keys()]) {
      if (players.has(peer)) continue;
      this.since.delete(peer);
      this.scores.delete(peer);
      changed = true;
    }
    if (changed) this.publishPlayers('SteamGameServer');
  }

  /** The player list the server browser shows: every player's score, and play time as of now. */
  private publishPlayers(fn: string): void {
    const now = this.client.nodeOf.clock.now();
    const players = this.memberIds().map((peer) => ({ peer, score: this.scores.get(peer) ?? 0, playTime: now - (this.since.get(peer) ?? now) }));
    this.publish({ players }, fn);
  }
}

export class SteamGameServer extends PlatformClient {
  readonly listing: ServerListing;

  constructor(
    node: NetworkNode,
    config: TransportConfig,
    openLink: () => PlatformLink,
    readonly settings: SteamServerSettings,
    ids: Random,
  ) {
    super('Steam game server', node, config, settings.gamePort, { platform: 'steam_server', peer: steamServerId(randomAccount(ids)), name: settings.serverName }, openLink);
    const server: ServerInfo = {
      queryAddress: `${settings.ipAddress}:${settings.queryPort}`,
      gameAddress: '',
      map: settings.map,
      gameDescription: settings.gameDescription,
      gamedir: settings.gamedir,
      version: settings.version,
      dedicated: settings.dedicated,
      tags: '',
      password: settings.password !== '',
      appId: settings.appId,
      bots: 0,
    };
    this.listing = new ServerListing(this, 'SteamGameServer', {
      op: 'create',
      lobby: { kind: 'steam_server', type: 'public', maxMembers: settings.maxPlayers, name: settings.serverName, data: {}, server, ...(settings.password === '' ? {} : { password: settings.password }) },
    });
  }

  /** Listed on the service and reachable: "connected" (to Steam's master server, as the engine put it). */
  get connected(): boolean {
    return this.listing.isJoined && this.signIn === 'ready';
  }
}
