/**
 * Issue 20: scaling curves. The host's CPU per frame (median and p90 of its whole frame: setting
 * fields, receive, replicate, transmit) and the bytes per client as objects grow (at 4 peers) and as
 * peers grow (at 1000 objects), with the fitted exponent of CPU against size; and reliable RPCs per
 * frame through the transport. `BENCH_QUICK=1` runs small sizes only (a CI-sized run).
 */
import { ManualClock } from '../src/core/base/clock.js';
import { NetworkSimulator } from '../src/core/transport/network_simulator.js';
import { median, printTable } from './measure.js';
import { Scene } from './scene.js';
import { pair } from './transport.bench.js';

const QUICK = process.env.BENCH_QUICK === '1';
const MOVING = 0.3;
const FRAMES = QUICK ? 20 : 60;
const WARM_UP = 10;

interface Point {
  size: number;
  medianMs: number;
  p90Ms: number;
  bytesPerClient: number;
  packetsLost: number;
}

/** Run a scene of `clients` clients and `objects` objects, 30% moving per frame: the host's frame times and one client's bytes. */
function measureScene(clients: number, objects: number, size: number): Point {
  const scene = new Scene(clients, objects);
  const host = scene.host.node.host!;
  const connection = host.connectionTo(scene.clients[0]!.node.host!.peerId)!;
  for (let i = 0; i < WARM_UP; i++) scene.frame(scene.move(MOVING));
  const bytesBefore = connection.stats.bytesSent;
  const lostBefore = connection.stats.packetsLost;
  const times: number[] = [];
  for (let i = 0; i < FRAMES; i++) times.push(scene.frame(scene.move(MOVING)).hostMs);
  // Long enough for the last frames' packets to be acknowledged or declared lost.
  for (let i = 0; i < 15; i++) scene.frame();
  const sorted = [...times].sort((a, b) => a - b);
  return {
    size,
    medianMs: median(times),
    p90Ms: sorted[Math.floor(sorted.length * 0.9)]!,
    bytesPerClient: (connection.stats.bytesSent - bytesBefore) / FRAMES,
    packetsLost: connection.stats.packetsLost - lostBefore,
  };
}

/** The exponent b of ms ≈ a · size^b, least squares in log-log. */
function exponent(points: readonly Point[]): number {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => Math.log(p.medianMs));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

function printCurve(title: string, what: string, points: readonly Point[], target: string): void {
  printTable(title, [what, 'host frame median', 'p90', 'bytes per client per frame', 'packets to client 1 declared lost (perfect link)'], points.map((p) => [String(p.size), `${p.medianMs.toFixed(2)} ms`, `${p.p90Ms.toFixed(2)} ms`, Math.round(p.bytesPerClient).toLocaleString('en'), String(p.packetsLost)]));
  console.log(`fitted exponent of the median host frame in ${what}: ${exponent(points).toFixed(2)} (${target})`);
}

/** `perFrame` reliable 6-byte messages (an RPC's size) a frame from a1 to b22 for FRAMES frames on a perfect simulated link. */
function reliableRpcs(perFrame: number): string[] {
  const clock = new ManualClock();
  const [a, b] = pair(new NetworkSimulator(clock, 1), clock);
  let received = 0;
  b.onMessage = () => received++;
  const step = (): void => {
    clock.advance(1 / 30);
    a.receive();
    b.receive();
    a.transmit();
    b.transmit();
  };
  for (let i = 0; i < 100 && !a.connectionTo('b22'); i++) step();
  const connection = a.connectionTo('b22')!;
  const body = new Uint8Array(6);
  const times: number[] = [];
  let sent = 0;
  for (let frame = 0; frame < FRAMES && connection.state === 'connected'; frame++) {
    const start = performance.now();
    for (let i = 0; i < perFrame; i++) if (connection.sendReliable(body, 'bench')) sent++;
    clock.advance(1 / 30);
    a.receive();
    a.transmit();
    times.push(performance.now() - start);
    b.receive();
    b.transmit();
  }
  const queued = sent - received;
  let frames = 0;
  for (; frames < 600 && received < sent && connection.state === 'connected'; frames++) step();
  const state = connection.state === 'connected' ? `delivered all ${frames} frames after the last send (${queued.toLocaleString('en')} queued then)` : `connection ended: ${connection.reason.slice(0, 60)}`;
  return [perFrame.toLocaleString('en'), `${median(times).toFixed(2)} ms`, `${received.toLocaleString('en')} of ${(perFrame * FRAMES).toLocaleString('en')}`, state];
}

export function benchScaling(): void {
  const objectSizes = QUICK ? [100, 1000] : [100, 1000, 5000, 20000];
  const peerSizes = QUICK ? [2, 8] : [2, 8, 32, 64, 128];
  printCurve(
    `Scaling in objects: 4 peers (host + 3 clients), ${MOVING * 100}% of objects moving per frame, ${FRAMES} frames`,
    'objects',
    objectSizes.map((n) => measureScene(3, n, n)),
    'target ≤ 1.1; p90 at 20k objects target ≤ 33 ms',
  );
  printCurve(
    `Scaling in peers: 1000 objects, ${MOVING * 100}% moving per frame, ${FRAMES} frames`,
    'peers',
    peerSizes.map((n) => measureScene(n - 1, 1000, n)),
    'p90 at 128 peers target ≤ 16 ms',
  );
  const rpcSizes = QUICK ? [10, 100, 1000] : [10, 100, 1000, 10000];
  printTable(`Reliable RPCs per frame, one connection, perfect simulated link, ${FRAMES} frames, 4 MB buffers`, ['RPCs per frame', "sender's frame (queue + receive + transmit), median", 'delivered', 'then'], rpcSizes.map(reliableRpcs));
}
