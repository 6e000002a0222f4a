/**
 * What the report shows, gathered from a network log's lines (network_log_reader.ts): per connection
 * (peer and remote) the bytes by category in each direction, packets, losses, resends and RTT in
 * time buckets; totals per category, connection, object type and field; the tags and peer names.
 */
import type { NetworkLogLine, TrafficLine } from './network_log_reader.js';

/** Bucket widths (ms) the analyzer picks from when none is given: multiples of 100 ms, so 30 and 60 fps frames fill every bucket evenly. */
const NICE_BUCKETS_MS = [100, 200, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
/** Buckets per series at most when the width is picked automatically (uPlot draws this many points per series quickly; the page stays a few MB for an hour). */
export const MAX_AUTO_BUCKETS = 1500;

/** Sums per time bucket, growing as later buckets arrive. */
export class Buckets {
  readonly values: number[] = [];

  add(index: number, value: number): void {
    while (this.values.length <= index) this.values.push(0);
    this.values[index]! += value;
  }

  /** `count` buckets, each the sum of `factor` of these. */
  merged(factor: number, count: number): number[] {
    const out = new Array<number>(count).fill(0);
    this.values.forEach((v, i) => {
      const at = Math.floor(i / factor);
      if (at < count) out[at]! += v;
    });
    return out;
  }
}

/** Per category: sums per bucket. */
export class CategoryBuckets {
  readonly byCategory = new Map<string, Buckets>();

  add(index: number, traffic: Record<string, number>): void {
    for (const [category, bytes] of Object.entries(traffic)) {
      let b = this.byCategory.get(category);
      if (!b) this.byCategory.set(category, (b = new Buckets()));
      b.add(index, bytes);
    }
  }
}

/** Totals of one category on one connection, or across connections. */
export interface CategoryTotals {
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  bytesResent: number;
}

/** One peer's traffic with one remote, as the peer logged it. */
export class ConnectionTraffic {
  readonly sent = new CategoryBuckets();
  readonly received = new CategoryBuckets();
  readonly packetsSent = new Buckets();
  readonly packetsReceived = new Buckets();
  readonly lost = new Buckets();
  readonly resent = new Buckets();
  readonly rttSumBuckets = new Buckets();
  readonly rttSampleBuckets = new Buckets();
  readonly totals = new Map<string, CategoryTotals>();
  packets: [number, number] = [0, 0];
  lostPackets = 0;
  rttSum = 0;
  rttSamples = 0;

  constructor(
    readonly peer: string,
    readonly remote: string,
  ) {}

  add(index: number, line: TrafficLine): void {
    this.sent.add(index, line.sent);
    this.received.add(index, line.received);
    this.packetsSent.add(index, line.packets[0]);
    this.packetsReceived.add(index, line.packets[1]);
    this.packets[0] += line.packets[0];
    this.packets[1] += line.packets[1];
    this.lost.add(index, line.lost);
    this.lostPackets += line.lost;
    let resent = 0;
    for (const bytes of Object.values(line.resent)) resent += bytes;
    this.resent.add(index, resent);
    if (line.rtt !== undefined) {
      this.rttSumBuckets.add(index, line.rtt);
      this.rttSampleBuckets.add(index, 1);
      this.rttSum += line.rtt;
      this.rttSamples++;
    }
    const total = (category: string): CategoryTotals => {
      let t = this.totals.get(category);
      if (!t) this.totals.set(category, (t = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, bytesResent: 0 }));
      return t;
    };
    for (const [c, n] of Object.entries(line.sent)) total(c).bytesSent += n;
    for (const [c, n] of Object.entries(line.received)) total(c).bytesReceived += n;
    for (const [c, n] of Object.entries(line.messages[0])) total(c).messagesSent += n;
    for (const [c, n] of Object.entries(line.messages[1])) total(c).messagesReceived += n;
    for (const [c, n] of Object.entries(line.resent)) total(c).bytesResent += n;
  }
}

export interface Tag {
  time: number;
  peer: string;
  text: string;
}

/** One object type's field: the bits of its values in updates each way, and the values other peers' updates changed. */
export interface FieldCount {
  type: string;
  field: string;
  bitsSent: number;
  bitsReceived: number;
  /** Values applied on the receiving peers (from the replay events). */
  changes: number;
}

/** Gathers a log's lines; `bucketMs` fixes the bucket width, else it is picked when the log is read. */
export class TrafficModel {
  readonly names = new Map<string, string>();
  readonly connections = new Map<string, ConnectionTraffic>();
  readonly tags: Tag[] = [];
  duration = 0;
  private readonly objectTypes = new Map<string, string>();
  private readonly fieldCounts = new Map<string, FieldCount>();
  /** Objects created on each peer, by type. */
  readonly created = new Map<string, number>();

  constructor(
    /** The width lines are gathered at: the one asked for, or the smallest nice one. */
    readonly baseBucketMs: number,
    readonly bucketFixed: boolean,
  ) {}

  static forBucket(bucketMs: number | undefined): TrafficModel {
    return bucketMs === undefined ? new TrafficModel(NICE_BUCKETS_MS[0]!, false) : new TrafficModel(bucketMs, true);
  }

  /** The bucket a line's time falls in: bucket k holds the frames that end in (k·width, (k+1)·width]. */
  private bucketOf(time: number): number {
    return Math.max(0, Math.ceil((time * 1000) / this.baseBucketMs - 1e-6) - 1);
  }

  add(line: NetworkLogLine): void {
    this.duration = Math.max(this.duration, line.time);
    switch (line.kind) {
      case 'name':
        this.names.set(line.peer, line.name);
        return;
      case 'tag':
        this.tags.push({ time: line.time, peer: line.peer, text: line.text });
        return;
      case 'traffic': {
        this.addFieldBits(line.fields[0], 'bitsSent');
        this.addFieldBits(line.fields[1], 'bitsReceived');
        const key = `${line.peer} ${line.remote}`;
        let c = this.connections.get(key);
        if (!c) this.connections.set(key, (c = new ConnectionTraffic(line.peer, line.remote)));
        c.add(this.bucketOf(line.time), line);
        return;
      }
      case 'event':
        this.addEvent(line.peer, line.event, line.fields);
    }
  }

  private fieldCount(type: string, field: string): FieldCount {
    const key = `${type}.${field}`;
    let count = this.fieldCounts.get(key);
    if (!count) this.fieldCounts.set(key, (count = { type, field, bitsSent: 0, bitsReceived: 0, changes: 0 }));
    return count;
  }

  private addFieldBits(bits: Record<string, number>, direction: 'bitsSent' | 'bitsReceived'): void {
    for (const [key, n] of Object.entries(bits)) {
      const dot = key.lastIndexOf('.');
      this.fieldCount(key.slice(0, dot), key.slice(dot + 1))[direction] += n;
    }
  }

  private addEvent(peer: string, event: string, fields: Record<string, unknown>): void {
    const object = `${peer} ${String(fields.id)}`;
    if (event === 'game_object_created' && typeof fields.type === 'string') {
      this.objectTypes.set(object, fields.type);
      this.created.set(fields.type, (this.created.get(fields.type) ?? 0) + 1);
    } else if (event === 'field' && typeof fields.field === 'string') {
      this.fieldCount(this.objectTypes.get(object) ?? '?', fields.field).changes++;
    } else if (event === 'game_object_destroyed') {
      this.objectTypes.delete(object);
    }
  }

  get fields(): FieldCount[] {
    return [...this.fieldCounts.values()];
  }

  /** The bucket width shown: the fixed one, or the smallest nice width keeping at most MAX_AUTO_BUCKETS buckets. */
  get bucketMs(): number {
    if (this.bucketFixed) return this.baseBucketMs;
    const ms = this.duration * 1000;
    return NICE_BUCKETS_MS.find((w) => ms / w <= MAX_AUTO_BUCKETS) ?? NICE_BUCKETS_MS[NICE_BUCKETS_MS.length - 1]!;
  }

  /** How many base buckets make one shown bucket, and how many shown buckets there are. */
  get layout(): { factor: number; count: number } {
    const factor = Math.round(this.bucketMs / this.baseBucketMs);
    return { factor, count: Math.max(1, Math.ceil(((this.duration * 1000) / this.bucketMs) - 1e-6)) };
  }

  /** A peer as the runner names it, with its id: `[0:host] 8bfeaf62b36e94a7`. */
  label(peer: string): string {
    const name = this.names.get(peer);
    return name ? `[${name}] ${peer}` : peer;
  }

  /** Totals per category over every connection. */
  categoryTotals(): Map<string, CategoryTotals> {
    const all = new Map<string, CategoryTotals>();
    for (const c of this.connections.values()) {
      for (const [category, t] of c.totals) {
        const sum = all.get(category) ?? { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, bytesResent: 0 };
        sum.bytesSent += t.bytesSent;
        sum.bytesReceived += t.bytesReceived;
        sum.messagesSent += t.messagesSent;
        sum.messagesReceived += t.messagesReceived;
        sum.bytesResent += t.bytesResent;
        all.set(category, sum);
      }
    }
    return all;
  }
}

