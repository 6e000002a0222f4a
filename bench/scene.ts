/**
 * The bench scene of issue 10: 1000 objects (a 17-bit-per-component position, a quaternion
 * rotation, two ints) owned by a host, replicated to client peers over the network simulator,
 * driven from TypeScript (the same core the Lua bindings drive).
 */
import { ManualClock } from '../src/core/base/clock.js';
import type { GameObject } from '../src/core/session/game_object.js';
import { GameSession } from '../src/core/session/game_session.js';
import { LanClient } from '../src/core/lobby/lan_client.js';
import { NetworkConfig, type ObjectType } from '../src/core/config/network_config.js';
import { NetworkNode } from '../src/core/transport/network_node.js';
import { NetworkSimulator } from '../src/core/transport/network_simulator.js';
import { Random } from '../src/core/base/random.js';
import type { QuaternionValue, Vector3Value } from '../src/core/config/network_type.js';
import type { ScriptEvent } from '../src/core/session/script_event.js';

export const SCENE_CONFIG = new NetworkConfig(
  'scene',
  `reliable_send_buffer_size = 1048576
   reliable_receive_buffer_size = 1048576
   types = {
     game_object_id = { type = "int" min = 0 max = 65535 }
     position = { type = "vector3" min = -655.35 max = 655.35 bits = 17 }
     rotation = { type = "quaternion" bits = 16 }
     lookup = { type = "int" min = 0 max = 1023 }
     count = { type = "int" min = 0 max = 65535 }
   }
   objects = { unit = { fields = [
     { name = "position" type = "position" } { name = "rotation" type = "rotation" }
     { name = "kind" type = "lookup" } { name = "count" type = "count" }
   ] } }`,
);
export const UNIT: ObjectType = SCENE_CONFIG.objects.get('unit')!;
/** Declared bits of the fields that change each frame: position and rotation. */
export const CHANGED_BITS = UNIT.fields[0]!.type.bits! + UNIT.fields[1]!.type.bits!;
export const FRAME = 1 / 30;

/** One object's move in a frame: which (its index in `objects`), and where to. */
export interface Move {
  index: number;
  position: Vector3Value;
  rotation: QuaternionValue;
}

export interface ScenePeer {
  node: NetworkNode;
  client: LanClient;
  session: GameSession;
  events: ScriptEvent[];
}

export class Scene {
  readonly clock = new ManualClock();
  readonly network: NetworkSimulator;
  readonly peers: ScenePeer[] = [];
  readonly objects: GameObject[] = [];
  private readonly random = new Random(7);

  constructor(clients: number, objectCount: number) {
    this.network = new NetworkSimulator(this.clock, 1);
    for (let i = 0; i <= clients; i++) {
      const node = new NetworkNode({ network: this.network, clock: this.clock, random: new Random(i + 1) });
      const client = new LanClient(node, SCENE_CONFIG, 0, (0xa0 + i).toString(16));
      const events: ScriptEvent[] = [];
      this.peers.push({ node, client, events, session: new GameSession(node, SCENE_CONFIG, events) });
    }
    const host = this.host;
    host.client.createLobby(undefined, clients + 1);
    host.session.makeHost();
    for (let i = 0; i < objectCount; i++) {
      const angle = this.random.next() * Math.PI;
      this.objects.push(host.session.createObject(UNIT, [[i % 600, 0, 0], [0, 0, Math.sin(angle / 2), Math.cos(angle / 2)], i % 1000, 0]));
    }
    this.frame();
    const address = `127.0.0.1:${host.node.host!.port}`;
    const lobbies = this.clients.map((p) => p.client.joinLobby(address, undefined));
    for (let i = 0; i < 600 && lobbies.some((l) => l.state !== 'joined'); i++) this.frame();
    for (const p of this.clients) host.session.addPeer(p.node.host!.peerId);
    for (let i = 0; i < 3000 && !this.converged(); i++) this.frame();
    if (!this.converged()) throw new Error('the scene did not converge');
  }

  get host(): ScenePeer {
    return this.peers[0]!;
  }

  get clients(): ScenePeer[] {
    return this.peers.slice(1);
  }

  /** Every client has every object with the host's values. */
  converged(): boolean {
    return this.clients.every(
      (p) =>
        p.session.inSession() &&
        this.objects.every((o) => {
          const copy = p.session.objects.get(o.id);
          return copy !== undefined && copy.values.every((v, f) => JSON.stringify(v) === JSON.stringify(o.values[f]));
        }),
    );
  }

  /**
   * Choose how `share` of the objects move anywhere in 3D (position and rotation), as a game frame
   * would; `frame(moves)` applies them. Values are given before quantization. Anywhere in a level
   * 1200 m wide, 100 m deep and 25 m high, or with `wholeRange` anywhere in the declared ±655.35 m cube.
   */
  move(share: number, wholeRange = false): Move[] {
    const moves: Move[] = [];
    const [width, depth, height] = wholeRange ? [1310.7, 1310.7, 1310.7] : [1200, 100, 25];
    const [x0, y0, z0] = wholeRange ? [-655.35, -655.35, -655.35] : [-600, 0, 0];
    for (let index = 0; index < this.objects.length; index++) {
      if (this.random.next() >= share) continue;
      const position: Vector3Value = [x0 + this.random.next() * width, y0 + this.random.next() * depth, z0 + this.random.next() * height];
      // A uniformly random rotation (Shoemake's method).
      const [u, v, w] = [this.random.next(), this.random.next(), this.random.next()];
      const a = Math.sqrt(1 - u);
      const b = Math.sqrt(u);
      const rotation: QuaternionValue = [a * Math.sin(2 * Math.PI * v), a * Math.cos(2 * Math.PI * v), b * Math.sin(2 * Math.PI * w), b * Math.cos(2 * Math.PI * w)];
      moves.push({ index, position, rotation });
    }
    return moves;
  }

  /**
   * One frame for everyone, the host first setting the fields of `moves` (quantizing and change
   * tracking, as `set_game_object_field` does). Returns the host's times in ms: its whole frame (setting fields,
   * receive, replicate, transmit) and the replication encoding alone (`GameSession.transmit`).
   */
  frame(moves: readonly Move[] = []): { hostMs: number; encodeMs: number } {
    this.clock.advance(FRAME);
    let hostMs = 0;
    let encodeMs = 0;
    for (const [i, p] of this.peers.entries()) {
      const start = performance.now();
      if (i === 0) {
        for (const move of moves) {
          const object = this.objects[move.index]!;
          p.session.setField(object, 0, move.position);
          p.session.setField(object, 1, move.rotation);
        }
      }
      p.client.update();
      p.events.length = 0;
      const encodeStart = performance.now();
      p.session.transmit();
      if (i === 0) encodeMs = performance.now() - encodeStart;
      p.client.transmit();
      if (i === 0) hostMs = performance.now() - start;
    }
    return { hostMs, encodeMs };
  }
}
