/**
 * The PSN subsystem (`Network.init_psn_client`), on the platform service: a PSN user with a
 * 64-bit account id for its peer id and an online id, rooms (create, join, browse) with the
 * searchable integer attributes room browsers filter on, and external room data fetched by id.
 */
import type { NetworkNode, TransportConfig } from '../transport/network_node.js';
import { PlatformClient } from './platform_client.js';
import type { PlatformLink } from './platform_link.js';
import { PlatformLobby } from './platform_lobby.js';
import { PlatformLobbyBrowser } from './platform_lobby_browser.js';
import type { LobbyView } from './platform_protocol.js';
import { randomId } from '../base/peer_id.js';
import type { Random } from '../base/random.js';

/** Room data keys members set that browsers do not see (PsnRoom.set_data_internal). */
export const INTERNAL_DATA_KEY = '@internal';
/** The opaque room data string (PsnRoom.set_data) shows under this key, at most 255 bytes. */
export const EXTERNAL_DATA_KEY = 'data';
export const MAX_ROOM_DATA_BYTES = 255;

export class PsnClient extends PlatformClient {
  private browser: PlatformLobbyBrowser | undefined;

  /** `ids` draws this user's account id. */
  constructor(node: NetworkNode, config: TransportConfig, openLink: () => PlatformLink, ids: Random) {
    const peer = randomId(ids);
    super('PSN client', node, config, 0, { platform: 'psn', peer, name: `psn_${peer.slice(-6)}` }, openLink);
  }

  createRoom(name: string, maxMembers: number): PlatformLobby {
    return new PlatformLobby(this, 'PsnRoom', { op: 'create', lobby: { kind: 'psn_room', type: 'public', maxMembers, name, data: {} } });
  }

  joinRoom(id: string): PlatformLobby {
    return new PlatformLobby(this, 'PsnRoom', { op: 'join', lobby: id });
  }

  roomBrowser(): PlatformLobbyBrowser {
    this.browser ??= new PlatformLobbyBrowser(this, 'psn_room');
    return this.browser;
  }
}

/** External data of rooms by id (PsnRoomDataExternal): fetched on refresh, in the order asked. */
export class PsnRoomDataExternal {
  private entries: LobbyView[] = [];
  private waiting = 0;
  private generation = 0;

  constructor(private readonly client: PsnClient) {}

  refresh(ids: readonly string[]): void {
    const generation = ++this.generation;
    const found: (LobbyView | undefined)[] = new Array(ids.length);
    this.waiting = ids.length;
    if (ids.length === 0) this.entries = [];
    ids.forEach((id, i) => {
      this.client.request({ op: 'lookup', lobby: id }, (answer) => {
        if (generation !== this.generation) return;
        if (answer.ok) found[i] = answer.lobby;
        if (--this.waiting === 0) this.entries = found.filter((v): v is LobbyView => v !== undefined);
      });
    });
  }

  isRefreshing(): boolean {
    return this.waiting > 0;
  }

  count(): number {
    return this.entries.length;
  }

  at(index: number): LobbyView | undefined {
    return this.entries[index];
  }
}
