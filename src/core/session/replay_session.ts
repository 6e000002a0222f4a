/**
 * A replay session (`Network.create_replay_session(log)`): the game session one peer saw, read back
 * from its network log. Each `Network.update` plays one recorded frame: objects appear, change and
 * go as they did, and the same callbacks reach the callback table, RPCs included. Read-only: the
 * GameSession read functions work on it, writes are refused.
 */
import { readFileSync } from 'node:fs';
import { GameObject } from './game_object.js';
import { GameObjects } from './game_objects.js';
import type { NetworkConfig, WireValue } from '../config/network_config.js';
import { NetworkError } from '../base/network_error.js';
import type { PeerId } from '../base/peer_id.js';
import type { ScriptEvent } from './script_event.js';

interface RecordedEvent {
  frame: number;
  event: string;
  [key: string]: unknown;
}

export class ReplaySession {
  readonly objects = new GameObjects();
  readonly host: PeerId | undefined;
  /** The peer whose session this was. */
  readonly self: PeerId;
  private readonly frames: RecordedEvent[][];
  private next = 0;

  constructor(
    file: string,
    private readonly config: NetworkConfig,
    private readonly events: ScriptEvent[],
    peer?: PeerId,
  ) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new NetworkError(`Network.create_replay_session: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const lines = text.split('\n').filter((l) => l.includes('"event"'));
    const recorded: (RecordedEvent & { peer: string })[] = [];
    for (const [n, line] of lines.entries()) {
      try {
        recorded.push(JSON.parse(line) as RecordedEvent & { peer: string });
      } catch {
        throw new NetworkError(`Network.create_replay_session: ${file}: event line ${n + 1} is not JSON`);
      }
    }
    const self = peer ?? recorded[0]?.peer;
    if (self === undefined) throw new NetworkError(`Network.create_replay_session: ${file} holds no session events to replay`);
    this.self = self;
    const own = recorded.filter((e) => e.peer === self);
    if (own.length === 0) throw new NetworkError(`Network.create_replay_session: ${file} holds no session events of peer ${self}`);
    const byFrame = new Map<number, RecordedEvent[]>();
    for (const e of own) {
      const list = byFrame.get(e.frame) ?? [];
      list.push(e);
      byFrame.set(e.frame, list);
    }
    this.frames = [...byFrame.keys()].sort((a, b) => a - b).map((f) => byFrame.get(f)!);
    this.host = own.find((e) => e.event === 'host')?.other as PeerId | undefined;
  }

  /** Frames not played yet. */
  get remaining(): number {
    return this.frames.length - this.next;
  }

  inSession(): boolean {
    return true;
  }

  peers(): PeerId[] {
    const owners = new Set<PeerId>([this.self]);
    for (const o of this.objects.values()) owners.add(o.owner);
    return [...owners];
  }

  otherPeers(): PeerId[] {
    return this.peers().filter((p) => p !== this.self);
  }

  /** A recording has every object from the start: every peer is synchronized. */
  syncPeers(done: boolean): PeerId[] {
    return done ? this.otherPeers() : [];
  }

  /** A replay has no host to lose. */
  readonly hostError = false;

  objectsOwnedBy(peer: PeerId): GameObject[] {
    return [...this.objects.values()].filter((o) => o.owner === peer);
  }

  /** Play the next recorded frame: apply its changes and queue its callbacks. */
  step(): void {
    const frame = this.frames[this.next++];
    if (!frame) return;
    for (const e of frame) {
      switch (e.event) {
        case 'game_object_created': {
          const type = this.config.objects.get(String(e.type));
          if (!type) throw new NetworkError(`Network.update: the replayed object type '${String(e.type)}' is not in ${this.config.file}`);
          this.objects.set(Number(e.id), new GameObject(Number(e.id), type, String(e.owner), e.values as WireValue[]));
          this.events.push({ name: 'game_object_created', id: Number(e.id), owner: String(e.owner) });
          break;
        }
        case 'field': {
          const object = this.objects.get(Number(e.id));
          const index = object?.type.fieldIndex.get(String(e.field));
          if (object && index !== undefined) object.setValue(index, e.value as WireValue);
          break;
        }
        case 'game_object_destroyed': {
          const id = Number(e.id);
          this.events.push({ name: 'game_object_destroyed', id, peer: String(e.other), release: () => this.objects.delete(id) });
          break;
        }
        case 'game_object_migrated_to_me':
        case 'game_object_migrated_away': {
          const object = this.objects.get(Number(e.id));
          if (object) object.owner = e.event === 'game_object_migrated_to_me' ? this.self : String(e.other);
          this.events.push({ name: e.event, id: Number(e.id), peer: String(e.other) });
          break;
        }
        case 'game_object_sync_done':
        case 'game_session_disconnect':
          this.events.push({ name: e.event, peer: String(e.other) });
          break;
        case 'rpc':
          this.events.push({ name: 'rpc', message: String(e.message), from: e.from as number | PeerId, args: e.args as WireValue[] });
          break;
      }
    }
  }
}
