/**
 * Issue 10, items 2 and 3: wire efficiency of replication against the declared bits and against
 * @colyseus/schema, and the host's frame cost, on a scene of 1000 objects with 30% moving per frame
 * at 30 Hz and three client peers.
 */
import { Encoder, schema, t } from '@colyseus/schema';
import { median, printTable } from './measure.js';
import { CHANGED_BITS, FRAME, Scene } from './scene.js';

const OBJECTS = 1000;
const MOVING = 0.3;
const FRAMES = 300;

/** The same scene in @colyseus/schema: the closest types it has (float32 components, uint16 ints). */
function colyseusScene(frames: number, seedMoves: (frame: number) => boolean[]): { bytesPerSecond: number; encodeMs: number } {
  Encoder.BUFFER_SIZE = 512 * 1024;
  const Entity = schema({ x: t.float32(), y: t.float32(), z: t.float32(), qx: t.float32(), qy: t.float32(), qz: t.float32(), qw: t.float32(), kind: t.uint16(), count: t.uint16() }, 'BenchEntity');
  const State = schema({ entities: t.array(Entity) }, 'BenchState');
  const state = new State();
  for (let i = 0; i < OBJECTS; i++) state.entities.push(new Entity({ x: i % 600, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1, kind: i % 1000, count: 0 }));
  const encoder = new Encoder(state);
  encoder.encodeAll();
  encoder.discardChanges();
  let bytes = 0;
  const times: number[] = [];
  for (let frame = 0; frame < frames; frame++) {
    const moves = seedMoves(frame);
    state.entities.forEach((e, i) => {
      if (!moves[i]) return;
      // Arbitrary 3D movement and rotation, as the scene's objects move.
      const a = (frame * 7 + i) % 628 / 100;
      e.x = ((i * 13 + frame * 31) % 1200) - 600;
      e.y = (frame * 0.37 + i) % 100;
      e.z = ((i + frame) % 50) * 0.5;
      e.qx = Math.sin(a) * 0.5;
      e.qy = Math.cos(a) * 0.5;
      e.qz = Math.sin(a * 0.5) * 0.5;
      e.qw = Math.cos(a * 0.5) * 0.5;
    });
    const start = performance.now();
    bytes += encoder.encode().length;
    encoder.discardChanges();
    times.push(performance.now() - start);
  }
  return { bytesPerSecond: bytes / (frames * FRAME), encodeMs: median(times) };
}

export function benchReplication(): void {
  const scene = new Scene(3, OBJECTS);
  const host = scene.host.node.host!;
  const peer = scene.clients[0]!.node.host!.peerId;
  const connection = host.connectionTo(peer)!;
  const before = { bytes: connection.stats.bytesSent, packets: connection.stats.packetsSent };
  let moved = 0;
  const frameTimes: number[] = [];
  const encodeTimes: number[] = [];
  for (let frame = 0; frame < FRAMES; frame++) {
    moved += scene.move(MOVING);
    const { hostMs, encodeMs } = scene.frame();
    frameTimes.push(hostMs);
    encodeTimes.push(encodeMs / scene.clients.length);
  }
  const seconds = FRAMES * FRAME;
  const bytes = connection.stats.bytesSent - before.bytes;
  const packets = connection.stats.packetsSent - before.packets;
  const declaredBytes = (moved * CHANGED_BITS) / 8;
  for (let i = 0; i < 120; i++) scene.frame();
  const converged = scene.converged();

  // The same share of objects moves in the colyseus scene (same count per frame on average).
  let state = 12345;
  const coin = (): boolean => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32) < MOVING;
  const colyseus = colyseusScene(FRAMES, () => Array.from({ length: OBJECTS }, coin));

  const ours = bytes / seconds;
  printTable(`Replication: ${OBJECTS} objects, ${MOVING * 100}% moving per frame at 30 Hz, 3 client peers (converged: ${converged})`, ['what', 'figure'], [
    ['bytes on the wire per second per peer', `${Math.round(ours).toLocaleString('en')} B/s`],
    ['  ÷ declared bits of the changed fields (position + rotation)', `${(bytes / declaredBytes).toFixed(3)} (target ≤ 1.10 plus packet headers)`],
    ['  the same without the 4-byte packet headers', `${((bytes - packets * 4) / declaredBytes).toFixed(3)}`],
    ['@colyseus/schema, float32 components, per client', `${Math.round(colyseus.bytesPerSecond).toLocaleString('en')} B/s`],
    ['  colyseus ÷ ours', `${(colyseus.bytesPerSecond / ours).toFixed(2)}× (target ≥ 3×)`],
    ['encode per frame per peer: ours / colyseus', `${median(encodeTimes).toFixed(3)} ms / ${colyseus.encodeMs.toFixed(3)} ms`],
    ['host frame (receive + replicate + transmit), median / p90', `${median(frameTimes).toFixed(2)} ms / ${[...frameTimes].sort((a, b) => a - b)[Math.floor(FRAMES * 0.9)]!.toFixed(2)} ms`],
    ['  share of a 33 ms frame', `${((median(frameTimes) / (FRAME * 1000)) * 100).toFixed(1)}% (target ≤ 10%)`],
  ]);
}
