/**
 * Browsing the platform service: Steam's lobby and server browsers, PSN's room browser and Xbox
 * Live's session browsing are one search with filters, answered by the service. `refresh()` asks;
 * the browser is refreshing until the answer arrives (in a later update) and then holds the list.
 */
import type { LobbyFilter } from '../lobby/lobby_filter.js';
import type { PlatformClient } from './platform_client.js';
import type { LobbyKind, LobbyView } from './platform_protocol.js';

/** Steam returns at most 50 lobbies unless asked for more. */
export const DEFAULT_RESULT_LIMIT = 50;

export class PlatformLobbyBrowser {
  private readonly filters: LobbyFilter[] = [];
  private readonly near: { key: string; value: number }[] = [];
  private slots = 0;
  private limit = DEFAULT_RESULT_LIMIT;
  protected results: LobbyView[] = [];
  /** Numbers refreshes, so an aborted one's late answer is ignored. */
  private generation = 0;
  private refreshing = false;
  /** Why the last refresh failed ("" otherwise). */
  failure = '';

  constructor(
    protected readonly client: PlatformClient,
    readonly kind: LobbyKind,
  ) {}

  refresh(): void {
    const generation = ++this.generation;
    this.refreshing = true;
    const query = { kind: this.kind, filters: [...this.filters], near: [...this.near], slots: this.slots, limit: this.limit };
    this.client.request({ op: 'find', query }, (answer) => {
      if (generation !== this.generation) return;
      this.refreshing = false;
      this.failure = answer.ok ? '' : answer.error;
      this.results = answer.ok ? this.select(answer.lobbies!) : [];
    });
  }

  /** What of the service's answer the browser keeps (the Steam server browser filters further). */
  protected select(found: LobbyView[]): LobbyView[] {
    return found;
  }

  /** Stop waiting for the refresh under way; the previous list stays. */
  abort(): void {
    this.generation++;
    this.refreshing = false;
  }

  isRefreshing(): boolean {
    return this.refreshing;
  }

  count(): number {
    return this.results.length;
  }

  at(index: number): LobbyView | undefined {
    return this.results[index];
  }

  addFilter(filter: LobbyFilter): void {
    this.filters.push(filter);
  }

  /** Sort results by how close `key` is to `value`. */
  addNearFilter(key: string, value: number): void {
    this.near.push({ key, value });
  }

  /** Only lobbies with at least `slots` free places. */
  setSlots(slots: number): void {
    this.slots = slots;
  }

  setLimit(limit: number): void {
    this.limit = limit;
  }

  clearFilters(): void {
    this.filters.length = 0;
    this.near.length = 0;
    this.slots = 0;
    this.limit = DEFAULT_RESULT_LIMIT;
  }
}
