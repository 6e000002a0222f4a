/**
 * Issue 10, items 2 and 3: wire efficiency of replication against the declared bits and against
 * @colyseus/schema, and the host's frame cost, on a scene of 1000 objects with 30% moving per frame
 * at 30 Hz and four peers (a host and three clients).
 */
import { Encoder, schema, t } from '@colyseus/schema';
import { formatRatio, median, printTable, ratio } from './measure.js';
import { CHANGED_BITS, FRAME, Scene, type Move } from './scene.js';

const OBJECTS = 1000;
const MOVING = 0.3;
const FRAMES = 300;
/** Frames of moves spread over the whole declared range, where framing positions saves nothing. */
const WHOLE_RANGE_FRAMES = 100;

/**
 * The same scene in @colyseus/schema, with the closest types it has (float32 components, uint16
 * ints): given each frame the moves our scene made, it encodes the patch all clients receive.
 */
class ColyseusScene {
  private readonly state;
  private readonly encoder: Encoder;

  constructor() {
    Encoder.BUFFER_SIZE = 512 * 1024;
    const Entity = schema({ x: t.float32(), y: t.float32(), z: t.float32(), qx: t.float32(), qy: t.float32(), qz: t.float32(), qw: t.float32(), kind: t.uint16(), count: t.uint16() }, 'BenchEntity');
    const State = schema({ entities: t.array(Entity) }, 'BenchState');
    this.state = new State();
    for (let i = 0; i < OBJECTS; i++) this.state.entities.push(new Entity({ x: i % 600, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, kind: i % 1000, count: 0 }));
    this.encoder = new Encoder(this.state);
    this.encoder.encodeAll();
    this.encoder.discardChanges();
  }

  /** Apply `moves`, then encode the patch; returns its bytes and the encoding time in ms. */
  frame(moves: readonly Move[]): { bytes: number; encodeMs: number } {
    for (const { index, position, rotation } of moves) {
      const e = this.state.entities[index]!;
      [e.x, e.y, e.z] = position;
      [e.qx, e.qy, e.qz, e.qw] = rotation;
    }
    const start = performance.now();
    const bytes = this.encoder.encode().length;
    this.encoder.discardChanges();
    return { bytes, encodeMs: performance.now() - start };
  }
}

export function benchReplication(): void {
  const scene = new Scene(3, OBJECTS);
  const colyseus = new ColyseusScene();
  const host = scene.host.node.host!;
  const peer = scene.clients[0]!.node.host!.peerId;
  const connection = host.connectionTo(peer)!;
  const before = { bytes: connection.stats.bytesSent, packets: connection.stats.packetsSent };
  let moved = 0;
  let colyseusBytes = 0;
  const frameTimes: number[] = [];
  const ourEncodes: number[] = [];
  const colyseusEncodes: number[] = [];
  // Frame by frame, the two in turns: the same moves, timed moments apart.
  for (let frame = 0; frame < FRAMES; frame++) {
    const moves = scene.move(MOVING);
    moved += moves.length;
    const { hostMs, encodeMs } = scene.frame();
    frameTimes.push(hostMs);
    ourEncodes.push(encodeMs / scene.clients.length);
    const patch = colyseus.frame(moves);
    colyseusBytes += patch.bytes;
    colyseusEncodes.push(patch.encodeMs);
  }
  const seconds = FRAMES * FRAME;
  const bytes = connection.stats.bytesSent - before.bytes;
  const packets = connection.stats.packetsSent - before.packets;
  const declaredBytes = (moved * CHANGED_BITS) / 8;
  const wholeRangeStart = connection.stats.bytesSent;
  let wholeRangeColyseus = 0;
  for (let frame = 0; frame < WHOLE_RANGE_FRAMES; frame++) {
    const moves = scene.move(MOVING, true);
    scene.frame();
    wholeRangeColyseus += colyseus.frame(moves).bytes;
  }
  const wholeRangeRatio = wholeRangeColyseus / (connection.stats.bytesSent - wholeRangeStart);
  for (let i = 0; i < 120; i++) scene.frame();
  const converged = scene.converged();

  const ours = bytes / seconds;
  const theirs = colyseusBytes / seconds;
  // Per packet: the 6-byte data packet header (nothing lost), the record header, the service byte.
  const headerBytes = 6 + 2 + 1;
  printTable(`Replication: ${OBJECTS} objects, ${MOVING * 100}% moving in 3D per frame at 30 Hz in a level 1200 × 100 × 25 m, 4 peers (a host and 3 clients; converged: ${converged})`, ['what', 'figure'], [
    ['bytes on the wire per second per client', `${Math.round(ours).toLocaleString('en')} B/s`],
    ['  ÷ declared bits of the changed fields (position + rotation)', `${(bytes / declaredBytes).toFixed(3)} (target ≤ 1.10 plus packet headers)`],
    [`  the same without the ${headerBytes} bytes of packet, record and service headers`, `${((bytes - packets * headerBytes) / declaredBytes).toFixed(3)}`],
    ['@colyseus/schema, float32 components, the same moves, per client', `${Math.round(theirs).toLocaleString('en')} B/s`],
    ['  colyseus ÷ ours', `${(theirs / ours).toFixed(2)}× (target ≥ 3×)`],
    ['  the same with positions anywhere in the declared range (nothing to frame)', `${wholeRangeRatio.toFixed(2)}×`],
    ['encode per frame per client: ours / colyseus (medians)', `${median(ourEncodes).toFixed(3)} ms / ${median(colyseusEncodes).toFixed(3)} ms`],
    ['  ours ÷ colyseus, median of frames (quartiles)', `${formatRatio(ratio(ourEncodes, colyseusEncodes, 0.25))} (target ≤ 1, no slower)`],
    ['host frame (receive + replicate + transmit), median / p90', `${median(frameTimes).toFixed(2)} ms / ${[...frameTimes].sort((a, b) => a - b)[Math.floor(FRAMES * 0.9)]!.toFixed(2)} ms`],
    ['  share of a 33 ms frame', `${((median(frameTimes) / (FRAME * 1000)) * 100).toFixed(1)}% (target ≤ 10%)`],
  ]);
}
