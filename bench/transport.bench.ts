/**
 * The transport: bytes of packet header in steady state, and reliable messages per second through
 * real loopback UDP in one process and through the network simulator.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ManualClock, WallClock, type Clock } from '../src/core/base/clock.js';
import type { DatagramNetwork } from '../src/core/transport/datagram_socket.js';
import { Host, defaultQosSettings } from '../src/core/transport/host.js';
import { NetworkSimulator } from '../src/core/transport/network_simulator.js';
import { Random } from '../src/core/base/random.js';
import { defaultTransportSettings } from '../src/core/transport/transport_settings.js';
import { UdpNetwork } from '../src/core/transport/udp_network.js';
import { printTable } from './measure.js';

/** Two hosts a1 and b22 on `network`, a1 connecting to b22, with 4 MB reliable buffers and no pacing between transmits. */
export function pair(network: DatagramNetwork, clock: Clock): [Host, Host] {
  const make = (peerId: string): Host => {
    const settings = defaultTransportSettings();
    settings.minTransmitInterval = 0; // measure the transport, not the frame pacing
    return new Host({ network, port: 0, peerId, configHash: '0011223344556677', clock, settings, reliableSendBufferSize: 1 << 22, reliableReceiveBufferSize: 1 << 22, random: new Random(peerId.length), qos: defaultQosSettings() });
  };
  const a = make('a1');
  const b = make('b22');
  a.connect(b.socket.local, 'b22');
  return [a, b];
}

/** Messages of `size` bytes a -> b until `count` arrived; returns messages per second of wall time. */
async function throughput(network: DatagramNetwork, clock: Clock, advance: () => void, count: number, size: number): Promise<number> {
  const [a, b] = pair(network, clock);
  let received = 0;
  b.onMessage = () => received++;
  for (let i = 0; i < 1000 && !a.connectionTo('b22'); i++) {
    advance();
    a.receive();
    b.receive();
    a.transmit();
    b.transmit();
    await yieldToEventLoop();
  }
  const connection = a.connectionTo('b22')!;
  const body = new Uint8Array(size);
  let sent = 0;
  const start = performance.now();
  while (received < count) {
    while (sent < count && sent - received < 2000) {
      connection.sendReliable(body, 'bench');
      sent++;
    }
    advance();
    a.receive();
    b.receive();
    a.transmit();
    b.transmit();
    await yieldToEventLoop();
  }
  const seconds = (performance.now() - start) / 1000;
  a.close('done');
  b.close('done');
  return count / seconds;
}

/** Seconds from queuing a reliable message to its delivery, through 10% loss at a 100 ms round trip. */
function reliableDelivery(): number[] {
  const clock = new ManualClock();
  const [a, b] = pair(new NetworkSimulator(clock, 3, { loss: 0.1, latency: 0.05, jitter: 0, duplicate: 0, reorder: 0 }), clock);
  const sentAt: number[] = [];
  const delays: number[] = [];
  b.onMessage = (_connection, body) => delays.push(clock.now() - sentAt[new DataView(body.buffer, body.byteOffset).getUint32(0, true)]!);
  for (let frame = 0; frame < 30 * 60; frame++) {
    clock.advance(1 / 30);
    a.receive();
    b.receive();
    const connection = a.connectionTo('b22');
    if (connection && frame > 60) {
      const body = new Uint8Array(16);
      new DataView(body.buffer).setUint32(0, sentAt.length, true);
      sentAt.push(clock.now());
      connection.sendReliable(body, 'bench');
    }
    a.transmit();
    b.transmit();
  }
  return delays.sort((x, y) => x - y);
}

export async function benchTransport(): Promise<void> {
  // Steady state: both sides exchange a small message every frame over a clean link.
  const clock = new ManualClock();
  const simulator = new NetworkSimulator(clock, 1);
  const [a, b] = pair(simulator, clock);
  let headerBytes = 0;
  let packets = 0;
  for (let frame = 0; frame < 600; frame++) {
    clock.advance(1 / 30);
    a.receive();
    b.receive();
    const ab = a.connectionTo('b22');
    const ba = b.connectionTo('a1');
    if (ab && ba) {
      ab.sendUnreliable(new Uint8Array(20), 'bench');
      ba.sendUnreliable(new Uint8Array(20), 'bench');
      if (frame > 60) {
        const before = ab.stats.bytesSent;
        const packetsBefore = ab.stats.packetsSent;
        a.transmit();
        headerBytes += ab.stats.bytesSent - before - (1 + 20) * (ab.stats.packetsSent - packetsBefore);
        packets += ab.stats.packetsSent - packetsBefore;
        b.transmit();
        continue;
      }
    }
    a.transmit();
    b.transmit();
  }

  const wall = new WallClock();
  const udp = await throughput(new UdpNetwork('127.0.0.1'), wall, () => undefined, 100_000, 32);
  const simClock = new ManualClock();
  const simulated = await throughput(new NetworkSimulator(simClock, 2), simClock, () => simClock.advance(0.001), 100_000, 32);
  const delays = reliableDelivery();
  const percentile = (p: number): string => `${(delays[Math.floor(delays.length * p)]! * 1000).toFixed(0)} ms`;
  printTable('Transport', ['what', 'figure'], [
    ['packet header in steady state (data packet, record header excluded)', `${(headerBytes / packets).toFixed(2)} bytes`],
    ['reliable 32-byte messages through loopback UDP, one process', `${Math.round(udp).toLocaleString('en')} msgs/s`],
    ['the same through the network simulator', `${Math.round(simulated).toLocaleString('en')} msgs/s`],
    ['reliable delivery through 10% loss at 100 ms round trip, p50 / p99 (resend time 200 ms)', `${percentile(0.5)} / ${percentile(0.99)}`],
  ]);
}
