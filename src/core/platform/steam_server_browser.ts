/**
 * The Steam server browser: the game servers listed on the platform service, narrowed by Steam's
 * server filter keys and by list (this client's favorites and history; nobody has Steam friends
 * in the emulation, so the friends list is empty). `request_data` fetches one server's data again.
 */
import { dataValue } from '../lobby/lobby_data.js';
import { PlatformLobbyBrowser } from './platform_lobby_browser.js';
import type { PlatformClient } from './platform_client.js';
import type { LobbyView } from './platform_protocol.js';

export class SteamServerBrowser extends PlatformLobbyBrowser {
  private only: ((view: LobbyView) => boolean) | undefined;
  private readonly serverFilters: [string, string][] = [];
  private fetching = 0;
  /** Servers (by id) whose data or player list was asked for: true once it arrived. */
  private readonly requested = { data: new Map<string, boolean>(), players: new Map<string, boolean>() };

  constructor(client: PlatformClient) {
    super(client, 'steam_server');
  }

  /** Refresh, keeping only servers `only` accepts (a favorites or history list). */
  refreshList(only: ((view: LobbyView) => boolean) | undefined): void {
    this.only = only;
    this.refresh();
  }

  protected override select(found: LobbyView[]): LobbyView[] {
    this.requested.data.clear();
    this.requested.players.clear();
    return found.filter((view) => (this.only?.(view) ?? true) && this.serverFilters.every(([key, value]) => matchesServerFilter(view, key, value)));
  }

  /** One of Steam's server filter keys, or a server data key that must equal `value`. */
  addServerFilter(key: string, value: string): void {
    this.serverFilters.push([key, value]);
  }

  override clearFilters(): void {
    super.clearFilters();
    this.serverFilters.length = 0;
  }

  /** Fetch the server at `index` again (its data, player count and player list); `what` was asked for. */
  refreshEntry(index: number, what: 'data' | 'players'): void {
    const view = this.results[index];
    if (!view) return;
    this.fetching++;
    const requests = this.requested[what];
    requests.set(view.id, false);
    this.client.request({ op: 'lookup', lobby: view.id }, (answer) => {
      this.fetching--;
      const at = this.results.indexOf(view);
      if (answer.ok && at >= 0) this.results[at] = answer.lobby!;
      if (requests.has(view.id)) requests.set(view.id, true);
    });
  }

  /** is_fetching_data / is_fetching_players of the server at `index`: whether it is on its way, and whether it arrived. */
  requestState(index: number, what: 'data' | 'players'): [fetching: boolean, arrived: boolean] {
    const state = this.requested[what].get(this.results[index]?.id ?? '');
    return [state === false, state === true];
  }

  /** The player list of the server at `index` once request_players brought it: names, scores, play times. */
  players(index: number): { name: string; score: number; playTime: number }[] | undefined {
    const view = this.results[index];
    if (!view || this.requested.players.get(view.id) !== true) return undefined;
    return (view.server?.players ?? []).map((p) => ({ name: view.members.find((m) => m.peer === p.peer)?.name ?? '', score: p.score, playTime: p.playTime }));
  }


}

const truthy = (value: string): boolean => value !== '0' && value !== 'false' && value !== '';

/** Steam's filter keys as the server list applies them. */
function matchesServerFilter(view: LobbyView, key: string, value: string): boolean {
  const info = view.server!;
  const tags = info.tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const wanted = value.split(',').map((t) => t.trim()).filter((t) => t !== '');
  switch (key) {
    case 'map':
      return info.map === value;
    case 'gamedir':
      return info.gamedir === value;
    case 'dedicated':
      return info.dedicated === truthy(value);
    case 'secure':
      return true;
    case 'password':
      return info.password === truthy(value);
    case 'notfull':
      return !truthy(value) || view.members.length < view.maxMembers;
    case 'hasplayers':
      return !truthy(value) || view.members.length > 0;
    case 'noplayers':
      return !truthy(value) || view.members.length === 0;
    case 'gametagsand':
      return wanted.every((t) => tags.includes(t));
    case 'gametagsnor':
      return !wanted.some((t) => tags.includes(t));
    case 'name_match':
      return wildcard(value).test(view.name);
    case 'version_match':
      return wildcard(value).test(info.version);
    case 'gameaddr':
      return value.includes(':') ? info.gameAddress === value : info.gameAddress.startsWith(`${value}:`);
    default:
      return dataValue(view.data, key) === value;
  }
}

/** Steam's `*` wildcards as a whole-string pattern. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
