/**
 * Two (or more) transport hosts on the network simulator, driven frame by frame on a virtual clock.
 */
import { ManualClock } from '../../src/core/base/clock.js';
import type { Connection } from '../../src/core/transport/connection.js';
import type { DatagramNetwork, DatagramSocket, BindOptions } from '../../src/core/transport/datagram_socket.js';
import { Host, defaultQosSettings, type HostEvent, type QosSettings } from '../../src/core/transport/host.js';
import { NetworkSimulator, parseLinkConditions } from '../../src/core/transport/network_simulator.js';
import { Random } from '../../src/core/base/random.js';
import { defaultTransportSettings, type TransportSettings } from '../../src/core/transport/transport_settings.js';

export const FRAME = 1 / 30;

/** A network that records the size of every datagram sent through it. */
class MeasuredNetwork implements DatagramNetwork {
  largestDatagram = 0;

  constructor(private readonly inner: DatagramNetwork) {}

  get broadcastAddress(): string {
    return this.inner.broadcastAddress;
  }

  bind(options: BindOptions): DatagramSocket {
    const socket = this.inner.bind(options);
    return {
      local: socket.local,
      send: (data, to) => {
        this.largestDatagram = Math.max(this.largestDatagram, data.length);
        socket.send(data, to);
      },
      receive: () => socket.receive(),
      close: () => socket.close(),
    };
  }
}

export interface TestHost {
  host: Host;
  settings: TransportSettings;
  qos: QosSettings;
  events: HostEvent[];
  received: Uint8Array[];
}

export class SimulatedPeers {
  readonly clock = new ManualClock();
  readonly simulator: NetworkSimulator;
  readonly network: MeasuredNetwork;
  readonly hosts: TestHost[] = [];

  constructor(conditions = '', seed = 1) {
    this.simulator = new NetworkSimulator(this.clock, seed, parseLinkConditions(conditions));
    this.network = new MeasuredNetwork(this.simulator);
  }

  add(peerId: string, options: { configHash?: string; sendBuffer?: number; receiveBuffer?: number } = {}): TestHost {
    const settings = defaultTransportSettings();
    const qos = defaultQosSettings();
    const host = new Host({
      network: this.network,
      port: 0,
      peerId,
      configHash: options.configHash ?? '00112233445566aa',
      clock: this.clock,
      settings,
      reliableSendBufferSize: options.sendBuffer ?? 32768,
      reliableReceiveBufferSize: options.receiveBuffer ?? 32768,
      random: new Random(this.hosts.length + 1),
      qos,
    });
    const entry: TestHost = { host, settings, qos, events: [], received: [] };
    host.onMessage = (_connection, body) => entry.received.push(body);
    this.hosts.push(entry);
    return entry;
  }

  /** Run frames (receive, `each`, transmit) until `done()` or `maxFrames`; returns the frames run. */
  run(maxFrames: number, done: () => boolean = () => false, each: () => void = () => undefined): number {
    for (let frame = 0; frame < maxFrames; frame++) {
      if (done()) return frame;
      this.clock.advance(FRAME);
      for (const h of this.hosts) {
        h.host.receive();
        h.events.push(...h.host.takeEvents());
      }
      each();
      for (const h of this.hosts) {
        h.host.transmit();
        h.events.push(...h.host.takeEvents());
      }
    }
    return maxFrames;
  }

  /** Connect `a` to `b` and run until both sides are connected. */
  connect(a: TestHost, b: TestHost): [Connection, Connection] {
    a.host.connect(b.host.socket.local, b.host.peerId);
    this.run(600, () => a.host.connectionTo(b.host.peerId) !== undefined && b.host.connectionTo(a.host.peerId) !== undefined);
    const ab = a.host.connectionTo(b.host.peerId);
    const ba = b.host.connectionTo(a.host.peerId);
    if (!ab || !ba) throw new Error(`${a.host.peerId} and ${b.host.peerId} did not connect`);
    return [ab, ba];
  }
}

/** A message body carrying its sequence number, of `size` bytes (at least 4). */
export function numbered(n: number, size: number): Uint8Array {
  const body = new Uint8Array(Math.max(4, size));
  new DataView(body.buffer).setUint32(0, n, true);
  for (let i = 4; i < body.length; i++) body[i] = (n + i) & 0xff;
  return body;
}

export function numberOf(body: Uint8Array): number {
  return new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(0, true);
}

/** Whether a body is intact: its filler bytes follow from its number. */
export function intact(body: Uint8Array, size: number): boolean {
  if (body.length !== Math.max(4, size)) return false;
  const n = numberOf(body);
  for (let i = 4; i < body.length; i++) if (body[i] !== ((n + i) & 0xff)) return false;
  return true;
}
