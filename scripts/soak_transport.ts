/**
 * The transport soak: two peers on the network simulator exchanging reliable messages of mixed
 * sizes both ways, with random reconnects, on a bad network (default: 1 s latency, ±100 ms jitter,
 * 25% loss, 25% duplication). Every message is verified: within a connection, messages arrive in
 * order, intact and once; across reconnects numbering goes on, and only messages still unacknowledged
 * when a connection ended may be missing.
 *
 *   node --import=tsx scripts/soak_transport.ts [virtual minutes, default 10] [seed] [conditions]
 */
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../src/core/base/clock.js';
import type { Connection } from '../src/core/transport/connection.js';
import { Host, defaultQosSettings } from '../src/core/transport/host.js';
import { NetworkSimulator, parseLinkConditions } from '../src/core/transport/network_simulator.js';
import { Random } from '../src/core/base/random.js';
import { defaultTransportSettings } from '../src/core/transport/transport_settings.js';

export interface SoakResult {
  seconds: number;
  sent: number;
  delivered: number;
  reconnects: number;
  /** Verification failures (out of order, corrupted, duplicated): must be empty. */
  failures: string[];
}

const FRAME = 1 / 30;

interface Side {
  host: Host;
  next: number;
  /** The last number received from the other side. */
  last: number;
}

function body(n: number, random: Random): Uint8Array {
  const size = random.next() < 0.9 ? 8 + Math.floor(random.next() * 200) : 1200 + Math.floor(random.next() * 3600);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  view.setUint32(4, size, true);
  for (let i = 8; i < size; i++) out[i] = (n * 31 + i) & 0xff;
  return out;
}

function check(bytes: Uint8Array): number | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  if (view.getUint32(4, true) !== bytes.length) return undefined;
  for (let i = 8; i < bytes.length; i++) if (bytes[i] !== ((n * 31 + i) & 0xff)) return undefined;
  return n;
}

export function soak(seconds: number, seed: number, conditions = 'latency=1s,jitter=100ms,loss=0.25,dup=0.25'): SoakResult {
  const clock = new ManualClock();
  const network = new NetworkSimulator(clock, seed, parseLinkConditions(conditions));
  const random = new Random(seed);
  const result: SoakResult = { seconds, sent: 0, delivered: 0, reconnects: 0, failures: [] };
  const settings = defaultTransportSettings();
  settings.receiverLostTime = 20;
  const make = (peerId: string): Side => {
    const host = new Host({ network, port: 0, peerId, configHash: '0011223344556677', clock, settings, reliableSendBufferSize: 1 << 20, reliableReceiveBufferSize: 1 << 18, random: new Random(seed + peerId.length), qos: defaultQosSettings() });
    const side: Side = { host, next: 0, last: -1 };
    host.onMessage = (_connection, bytes) => {
      const n = check(bytes);
      if (n === undefined) result.failures.push(`${peerId}: a corrupted message at ${clock.now().toFixed(1)} s`);
      else if (n <= side.last) result.failures.push(`${peerId}: message ${n} after ${side.last} (duplicate or out of order)`);
      else {
        side.last = n;
        result.delivered++;
      }
    };
    return side;
  };
  const a = make('a1');
  const b = make('b22');
  let nextReconnect = 20 + random.next() * 40;
  const connection = (from: Side, to: Side): Connection | undefined => from.host.connectionTo(to.host.peerId);
  for (let frame = 0; frame * FRAME < seconds; frame++) {
    clock.advance(FRAME);
    a.host.receive();
    b.host.receive();
    a.host.takeEvents();
    b.host.takeEvents();
    if (!connection(a, b) && !a.host.isConnecting(b.host.socket.local)) a.host.connect(b.host.socket.local, b.host.peerId);
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const c = connection(from, to);
      if (!c) continue;
      for (let k = 0; k < 4 && c.reliableSendBufferLeft > 64 * 1024; k++) {
        c.sendReliable(body(from.next++, random), 'soak');
        result.sent++;
      }
    }
    if (clock.now() >= nextReconnect && connection(a, b)) {
      a.host.disconnect(b.host.peerId, 'soak reconnect');
      result.reconnects++;
      nextReconnect = clock.now() + 20 + random.next() * 40;
    }
    a.host.transmit();
    b.host.transmit();
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [minutes, seed, conditions] = process.argv.slice(2);
  const started = performance.now();
  const r = soak(Number(minutes ?? 10) * 60, Number(seed ?? 1), conditions);
  console.log(`${r.seconds} virtual s in ${((performance.now() - started) / 1000).toFixed(1)} s: ${r.sent} sent, ${r.delivered} delivered and verified, ${r.reconnects} reconnects, ${r.failures.length} failures`);
  for (const failure of r.failures.slice(0, 20)) console.log(`  ${failure}`);
  process.exitCode = r.failures.length === 0 ? 0 : 1;
}
