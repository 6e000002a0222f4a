/**
 * Issue 10 items 2 and 3, issue 20: wire efficiency of replication against the declared bits and against
 * @colyseus/schema, and the host's frame cost, on a scene of 1000 objects with 30% moving per frame
 * at 30 Hz and four peers (a host and three clients).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Encoder, schema, t } from '@colyseus/schema';
import { compileProject } from './compiled.js';
import { formatRatio, median, printTable, ratio } from './measure.js';
import { CHANGED_BITS, FRAME, Scene, type Move } from './scene.js';

const OBJECTS = 1000;
const MOVING = 0.3;
const FRAMES = 300;
/** Frames all three run first, untimed, so each is measured with its code compiled by the JIT (steady state). */
const WARM_UP_FRAMES = 300;
/** Frames of moves spread over the whole declared range, where framing positions saves nothing. */
const WHOLE_RANGE_FRAMES = 100;

/** How the colyseus scene stores a move: float32 components, or quantized as ours are. */
type ColyseusNumbers = 'float32' | 'quantized';

/**
 * The same scene in @colyseus/schema: given each frame the moves our scene made, it sets them
 * (colyseus tracks changes in its setters) and encodes the one patch every client receives.
 * `float32`: the closest types it has to ours (float32 components, uint16 ints); `quantized`: the
 * same quantization as ours, by hand: positions as int32 centimetres, rotations smallest-three
 * (the index of the largest component in a uint8, the other three as int16 of ±1/√2).
 */
class ColyseusScene {
  private readonly state;
  private readonly encoder: Encoder;

  constructor(private readonly numbers: ColyseusNumbers) {
    Encoder.BUFFER_SIZE = 512 * 1024;
    const Entity =
      numbers === 'float32'
        ? schema({ x: t.float32(), y: t.float32(), z: t.float32(), qx: t.float32(), qy: t.float32(), qz: t.float32(), qw: t.float32(), kind: t.uint16(), count: t.uint16() }, 'BenchEntity')
        : schema({ x: t.int32(), y: t.int32(), z: t.int32(), qx: t.int16(), qy: t.int16(), qz: t.int16(), qw: t.uint8(), kind: t.uint16(), count: t.uint16() }, 'BenchQuantizedEntity');
    const State = schema({ entities: t.array(Entity) }, numbers === 'float32' ? 'BenchState' : 'BenchQuantizedState');
    this.state = new State();
    for (let i = 0; i < OBJECTS; i++) this.state.entities.push(new Entity({ x: i % 600, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: numbers === 'float32' ? 1 : 3, kind: i % 1000, count: 0 }));
    this.encoder = new Encoder(this.state);
    this.encoder.encodeAll();
    this.encoder.discardChanges();
  }

  /** Set `moves`, then encode the patch; returns its bytes, the time of both in ms, and of encoding alone. */
  frame(moves: readonly Move[]): { bytes: number; frameMs: number; encodeMs: number } {
    const start = performance.now();
    for (const { index, position, rotation } of moves) {
      const e = this.state.entities[index]!;
      if (this.numbers === 'float32') {
        [e.x, e.y, e.z] = position;
        [e.qx, e.qy, e.qz, e.qw] = rotation;
      } else {
        [e.x, e.y, e.z] = [Math.round(position[0] * 100), Math.round(position[1] * 100), Math.round(position[2] * 100)];
        let largest = 0;
        for (let c = 1; c < 4; c++) if (Math.abs(rotation[c]!) > Math.abs(rotation[largest]!)) largest = c;
        const sign = rotation[largest]! < 0 ? -1 : 1;
        const rest = [0, 1, 2, 3].filter((c) => c !== largest).map((c) => Math.round(sign * rotation[c]! * Math.SQRT2 * 32767));
        [e.qx, e.qy, e.qz] = [rest[0]!, rest[1]!, rest[2]!];
        e.qw = largest;
      }
    }
    const encodeStart = performance.now();
    const bytes = this.encoder.encode().length;
    this.encoder.discardChanges();
    const end = performance.now();
    return { bytes, frameMs: end - start, encodeMs: end - encodeStart };
  }
}

const p90 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)]!;

/**
 * The table, our side compiled by tsc as the package ships it, in a child process: through tsx it
 * would run a development transform (20% slower here) while colyseus runs its published build.
 */
export function benchReplication(): void {
  const { out, remove } = compileProject();
  try {
    const module = pathToFileURL(path.join(out, 'bench', 'replication.bench.js')).href;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `(await import(${JSON.stringify(module)})).measureReplication();`], { stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`the compiled replication bench failed with status ${run.status}`);
  } finally {
    remove();
  }
}

export function measureReplication(): void {
  const scene = new Scene(3, OBJECTS);
  const colyseus = new ColyseusScene('float32');
  const quantized = new ColyseusScene('quantized');
  for (let frame = 0; frame < WARM_UP_FRAMES; frame++) {
    const moves = scene.move(MOVING);
    scene.frame(moves);
    colyseus.frame(moves);
    quantized.frame(moves);
  }
  const host = scene.host.node.host!;
  const peer = scene.clients[0]!.node.host!.peerId;
  const connection = host.connectionTo(peer)!;
  const before = { bytes: connection.stats.bytesSent, packets: connection.stats.packetsSent };
  let moved = 0;
  let colyseusBytes = 0;
  let quantizedBytes = 0;
  const frameTimes: number[] = [];
  const ourEncodes: number[] = [];
  const colyseusEncodes: number[] = [];
  const colyseusFrames: number[] = [];
  const quantizedEncodes: number[] = [];
  // Frame by frame, the three in turns: the same moves, timed moments apart.
  for (let frame = 0; frame < FRAMES; frame++) {
    const moves = scene.move(MOVING);
    moved += moves.length;
    const { hostMs, encodeMs } = scene.frame(moves);
    frameTimes.push(hostMs);
    ourEncodes.push(encodeMs);
    const patch = colyseus.frame(moves);
    colyseusBytes += patch.bytes;
    colyseusEncodes.push(patch.encodeMs);
    colyseusFrames.push(patch.frameMs);
    const quantizedPatch = quantized.frame(moves);
    quantizedBytes += quantizedPatch.bytes;
    quantizedEncodes.push(quantizedPatch.encodeMs);
  }
  const seconds = FRAMES * FRAME;
  const bytes = connection.stats.bytesSent - before.bytes;
  const packets = connection.stats.packetsSent - before.packets;
  const declaredBytes = (moved * CHANGED_BITS) / 8;
  const wholeRangeStart = connection.stats.bytesSent;
  let wholeRangeColyseus = 0;
  for (let frame = 0; frame < WHOLE_RANGE_FRAMES; frame++) {
    const moves = scene.move(MOVING, true);
    scene.frame(moves);
    wholeRangeColyseus += colyseus.frame(moves).bytes;
  }
  const wholeRangeRatio = wholeRangeColyseus / (connection.stats.bytesSent - wholeRangeStart);
  for (let i = 0; i < 120; i++) scene.frame();
  const converged = scene.converged();

  const ours = bytes / seconds;
  const theirs = colyseusBytes / seconds;
  const theirsQuantized = quantizedBytes / seconds;
  // Per packet: the 6-byte data packet header (nothing lost), the record header, the service byte.
  const headerBytes = 6 + 2 + 1;
  const ms = (values: number[]): string => `${median(values).toFixed(3)} ms`;
  printTable(`Replication: ${OBJECTS} objects, ${MOVING * 100}% moving in 3D per frame at 30 Hz in a level 1200 × 100 × 25 m, 4 peers (a host and 3 clients; converged: ${converged}); ours compiled by tsc, colyseus as published`, ['what', 'figure'], [
    ['bytes on the wire per second per client', `${Math.round(ours).toLocaleString('en')} B/s`],
    ['  ÷ declared bits of the changed fields (position + rotation)', `${(bytes / declaredBytes).toFixed(3)} (target ≤ 1.10 plus packet headers)`],
    [`  the same without the ${headerBytes} bytes of packet, record and service headers`, `${((bytes - packets * headerBytes) / declaredBytes).toFixed(3)}`],
    ['@colyseus/schema, float32 components, the same moves, per client (patch bytes, no packet headers)', `${Math.round(theirs).toLocaleString('en')} B/s: ${(theirs / ours).toFixed(2)}× ours (target ≥ 3×)`],
    ['  the same with positions anywhere in the declared range (nothing to frame)', `${wholeRangeRatio.toFixed(2)}× ours`],
    ['@colyseus/schema quantized as ours (int32 cm positions, smallest-three int16 rotations)', `${Math.round(theirsQuantized).toLocaleString('en')} B/s: ${(theirsQuantized / ours).toFixed(2)}× ours (target ≥ 3×)`],
    ['encode per frame for all 3 clients, median: ours (GameSession.transmit) / colyseus float32 / quantized (encode())', `${ms(ourEncodes)} / ${ms(colyseusEncodes)} / ${ms(quantizedEncodes)}`],
    ['  ours ÷ colyseus float32, median of frames (quartiles)', `${formatRatio(ratio(ourEncodes, colyseusEncodes, 0.25))} (target ≤ 1, no slower)`],
    ['  ours ÷ colyseus quantized, median of frames (quartiles)', `${formatRatio(ratio(ourEncodes, quantizedEncodes, 0.25))}`],
    ['host frame (set fields + receive + replicate + transmit), median / p90', `${median(frameTimes).toFixed(2)} ms / ${p90(frameTimes).toFixed(2)} ms`],
    ['  ÷ colyseus setting the fields + encoding, median of frames (quartiles)', `${formatRatio(ratio(frameTimes, colyseusFrames, 0.25))}`],
    ['  share of a 33 ms frame (median)', `${((median(frameTimes) / (FRAME * 1000)) * 100).toFixed(1)}% (target ≤ 10%)`],
  ]);
}
