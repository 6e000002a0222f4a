/**
 * The Steam subsystem for players (`Network.init_steam_client`), on the platform service: a Steam
 * user with a Steam id for its peer id, Steam lobbies (create, join, browse), and joining Steam
 * game servers.
 */
import type { NetworkNode, TransportConfig } from '../transport/network_node.js';
import type { PeerId } from '../base/peer_id.js';
import { PlatformClient } from './platform_client.js';
import type { PlatformLink } from './platform_link.js';
import { PlatformLobby } from './platform_lobby.js';
import { PlatformLobbyBrowser } from './platform_lobby_browser.js';
import type { LobbyType } from './platform_protocol.js';
import type { Random } from '../base/random.js';
import { SteamGameServerLobby } from './steam_game_server_lobby.js';
import { SteamServerBrowser } from './steam_server_browser.js';

/** A Steam id of an individual user: universe 1 (public), account type 1, instance 1, then the account. */
export function steamUserId(account: number): PeerId {
  return (0x0110_0001_0000_0000n | BigInt(account >>> 0)).toString(16);
}

/** A random non-zero 32-bit account number. */
export function randomAccount(random: Random): number {
  return random.nextUint32() || 1;
}

export class SteamClient extends PlatformClient {
  private browser: PlatformLobbyBrowser | undefined;
  private servers: SteamServerBrowser | undefined;

  /** `ids` draws this user's account number. */
  constructor(node: NetworkNode, config: TransportConfig, openLink: () => PlatformLink, ids: Random) {
    const account = randomAccount(ids);
    super('Steam client', node, config, 0, { platform: 'steam', peer: steamUserId(account), name: `player ${account}` }, openLink);
  }

  /** Where a signed-in Steam user's game socket is (Network.create_connection to a user by id). */
  resolvePeer(peer: PeerId, done: (failure: string | undefined) => void): void {
    this.resolveUser(peer, done);
  }

  createLobby(type: LobbyType, maxMembers: number): PlatformLobby {
    return new PlatformLobby(this, 'SteamLobby', { op: 'create', lobby: { kind: 'steam_lobby', type, maxMembers, name: '', data: {} } });
  }

  joinLobby(id: string): PlatformLobby {
    return new PlatformLobby(this, 'SteamLobby', { op: 'join', lobby: id });
  }

  /** Join a game server; `connect` false only reserves the slot (SteamGameServerLobby.join connects). */
  joinServer(address: string, password: string | undefined, connect: boolean): SteamGameServerLobby {
    return new SteamGameServerLobby(this, address, password, connect);
  }

  lobbyBrowser(): PlatformLobbyBrowser {
    this.browser ??= new PlatformLobbyBrowser(this, 'steam_lobby');
    return this.browser;
  }

  serverBrowser(): SteamServerBrowser {
    this.servers ??= new SteamServerBrowser(this);
    return this.servers;
  }
}
