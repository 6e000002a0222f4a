/**
 * The network simulator: an in-process datagram network on a virtual clock, with loss, latency,
 * jitter, duplication and reordering per direction, seeded so a run repeats exactly. It stands in
 * for UDP under the transport (tests, `stingray-net run --simulate ...`); it cannot reach other
 * processes.
 */
import type { Clock } from '../base/clock.js';
import { BindError, endpointKey, type BindOptions, type Datagram, type DatagramNetwork, type DatagramSocket, type Endpoint } from './datagram_socket.js';
import { Random } from '../base/random.js';

/**
 * How a simulated link treats datagrams (`parseLinkConditions("loss=0.05,latency=0.1")` or a preset).
 *
 * @category Transport
 */
export interface LinkConditions {
  /** Probability a datagram is lost, 0..1. */
  loss: number;
  /** One-way delay in seconds. */
  latency: number;
  /** Each datagram's delay varies uniformly by ± this many seconds. */
  jitter: number;
  /** Probability a datagram is delivered twice, 0..1. */
  duplicate: number;
  /** Probability a datagram is held back by an extra latency, arriving after later ones, 0..1. */
  reorder: number;
}

export const PERFECT_LINK: LinkConditions = { loss: 0, latency: 0, jitter: 0, duplicate: 0, reorder: 0 };

/**
 * Datagrams the simulator handled so far.
 *
 * @category Transport
 */
export interface SimulatorStats {
  /** Datagrams sockets sent. */
  sent: number;
  /** Datagrams the link conditions dropped. */
  lost: number;
  /** Extra copies the link conditions made. */
  duplicated: number;
  /** Datagrams handed to a socket. */
  delivered: number;
}

const SIMULATED_HOST = '127.0.0.1';
const FIRST_EPHEMERAL_PORT = 49152;

interface InFlight {
  deliverAt: number;
  sentAt: number;
  order: number;
  datagram: Datagram;
}

/** Binary min-heap of datagrams by delivery time, ties in sending order. */
class DeliveryQueue {
  private readonly items: InFlight[] = [];

  get size(): number {
    return this.items.length;
  }

  private before(a: InFlight, b: InFlight): boolean {
    return a.deliverAt < b.deliverAt || (a.deliverAt === b.deliverAt && a.order < b.order);
  }

  push(item: InFlight): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  peek(): InFlight | undefined {
    return this.items[0];
  }

  pop(): InFlight | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && this.before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

export class SimulatedSocket implements DatagramSocket {
  /** @internal */
  readonly queue = new DeliveryQueue();
  closed = false;

  constructor(
    private readonly network: NetworkSimulator,
    readonly local: Endpoint,
    readonly shared: boolean,
  ) {}

  send(data: Uint8Array, to: Endpoint): void {
    if (!this.closed) this.network.transmit(this, data, to);
  }

  /** Datagrams due by now that were sent in an earlier frame (as real UDP delivers between frames). */
  receive(): Datagram[] {
    const now = this.network.clock.now();
    const received: Datagram[] = [];
    for (let next = this.queue.peek(); next && next.deliverAt <= now && next.sentAt < now; next = this.queue.peek()) {
      received.push(this.queue.pop()!.datagram);
    }
    return received;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.network.unbind(this);
  }
}

/**
 * An in-process network on virtual time: every peer on 127.0.0.1, datagrams delivered when the
 * clock passes their arrival time, lost, delayed, duplicated or reordered as the link conditions say.
 * Deterministic for a seed.
 *
 * @category Transport
 */
export class NetworkSimulator implements DatagramNetwork {
  /** @internal */
  readonly broadcastAddress = '255.255.255.255';
  /** What happened to the datagrams so far. */
  readonly stats: SimulatorStats = { sent: 0, lost: 0, duplicated: 0, delivered: 0 };
  private readonly random: Random;
  private readonly sockets = new Map<number, SimulatedSocket[]>();
  private readonly links = new Map<string, LinkConditions>();
  private nextPort = FIRST_EPHEMERAL_PORT;
  private order = 0;

  /**
   * @param clock the clock datagrams travel on (a ManualClock the caller advances, usually)
   * @param seed the seed of the losses and delays
   * @param defaultConditions every link's conditions (default: perfect)
   */
  constructor(
    /** The clock datagrams travel on. */
    readonly clock: Clock,
    seed = 1,
    private defaultConditions: LinkConditions = PERFECT_LINK,
  ) {
    this.random = new Random(seed);
  }

  /** Conditions for every link without its own. */
  setConditions(conditions: LinkConditions): void {
    this.defaultConditions = conditions;
  }

  /** Conditions for datagrams from one port to another (one direction). */
  setLinkConditions(fromPort: number, toPort: number, conditions: LinkConditions): void {
    this.links.set(`${fromPort}>${toPort}`, conditions);
  }

  /** @internal */
  bind(options: BindOptions): DatagramSocket {
    let port = options.port;
    if (port === 0) {
      while (this.sockets.has(this.nextPort)) this.nextPort++;
      port = this.nextPort++;
    }
    const bound = this.sockets.get(port) ?? [];
    if (bound.length > 0 && !(options.shared && bound.every((s) => s.shared))) throw new BindError(port, 'EADDRINUSE');
    const socket = new SimulatedSocket(this, { address: SIMULATED_HOST, port }, options.shared === true);
    bound.push(socket);
    this.sockets.set(port, bound);
    return socket;
  }

  /** @internal */
  unbind(socket: SimulatedSocket): void {
    const bound = (this.sockets.get(socket.local.port) ?? []).filter((s) => s !== socket);
    if (bound.length > 0) this.sockets.set(socket.local.port, bound);
    else this.sockets.delete(socket.local.port);
  }

  /** @internal */
  transmit(from: SimulatedSocket, data: Uint8Array, to: Endpoint): void {
    const bound = this.sockets.get(to.port) ?? [];
    const broadcast = to.address === this.broadcastAddress || to.address.endsWith('.255');
    // A unicast to a shared port reaches one socket, as with SO_REUSEADDR; broadcasts reach all.
    const targets = broadcast ? bound : bound.slice(0, 1);
    for (const target of targets) {
      this.stats.sent++;
      const conditions = this.links.get(`${from.local.port}>${to.port}`) ?? this.defaultConditions;
      if (this.random.next() < conditions.loss) {
        this.stats.lost++;
        continue;
      }
      const copies = this.random.next() < conditions.duplicate ? 2 : 1;
      if (copies === 2) this.stats.duplicated++;
      for (let i = 0; i < copies; i++) {
        const now = this.clock.now();
        let delay = conditions.latency + (this.random.next() * 2 - 1) * conditions.jitter;
        if (this.random.next() < conditions.reorder) delay += conditions.latency + conditions.jitter;
        target.queue.push({
          deliverAt: now + Math.max(0, delay),
          sentAt: now,
          order: this.order++,
          datagram: { data: data.slice(), from: from.local },
        });
        this.stats.delivered++;
      }
    }
  }

  /** Datagrams still travelling (for tests that wait until the network is quiet). */
  inFlight(): number {
    let total = 0;
    for (const bound of this.sockets.values()) for (const socket of bound) total += socket.queue.size;
    return total;
  }

  /**
   * The socket bound at `endpoint`, if any (for tests).
   *
   * @internal
   */
  socketAt(endpoint: Endpoint): DatagramSocket | undefined {
    return this.sockets.get(endpoint.port)?.find((s) => endpointKey(s.local) === endpointKey(endpoint));
  }
}

/**
 * Parse `loss=0.25,latency=200ms,jitter=100ms,dup=0.25,reorder=0.1` (latencies in s or ms).
 *
 * @category Transport
 */
export function parseLinkConditions(text: string): LinkConditions {
  const conditions: LinkConditions = { ...PERFECT_LINK };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value] = part.split('=') as [string, string | undefined];
    if (value === undefined) throw new Error(`simulator setting '${part}' needs a value (key=value)`);
    const seconds = (): number => {
      const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value);
      if (!match) throw new Error(`simulator setting ${key}: '${value}' is not a duration (e.g. 200ms or 0.2s)`);
      return Number(match[1]) / (match[2] === 'ms' ? 1000 : 1);
    };
    const probability = (): number => {
      const p = Number(value);
      if (!(p >= 0 && p <= 1)) throw new Error(`simulator setting ${key}: '${value}' is not a probability between 0 and 1`);
      return p;
    };
    switch (key) {
      case 'loss':
        conditions.loss = probability();
        break;
      case 'latency':
        conditions.latency = seconds();
        break;
      case 'jitter':
        conditions.jitter = seconds();
        break;
      case 'dup':
      case 'duplicate':
        conditions.duplicate = probability();
        break;
      case 'reorder':
        conditions.reorder = probability();
        break;
      default:
        throw new Error(`unknown simulator setting '${key}' (known: loss, latency, jitter, dup, reorder)`);
    }
  }
  return conditions;
}
