/**
 * `--metrics [HOST:]PORT`: Prometheus metrics of the run (prom-client, text format) at `/metrics`
 * and a liveness answer at `/healthz` (200 while frames run, 503 once the frame loop has stalled).
 *
 * Per-connection gauges are labelled by script peer and remote peer and read at scrape time from
 * the live connections only, so their series end with the connection: what remotes can make us
 * store is bounded by the connections the scripts accept. RPC names come from the network config.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Rpc } from '../core/session/rpc.js';
import type { Connection } from '../core/transport/connection.js';
import { RunTraffic } from './run_traffic.js';
import type { ScriptPeer } from './script_peer.js';

/** A frame loop silent this long (seconds) is stalled: /healthz fails so an orchestrator restarts the server. */
const STALL_SECONDS = 10;

export class RunMetrics {
  readonly registry = new Registry();
  private readonly frameTime = new Histogram({
    name: 'stingray_frame_seconds',
    help: 'Wall time of one frame: every script update(dt) and its network work',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.033, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly luaErrors = new Counter({ name: 'stingray_lua_errors_total', help: 'Scripts stopped by a Lua error', registers: [this.registry] });
  private readonly rpcs = new Counter({ name: 'stingray_rpcs_total', help: 'RPCs sent and received, by message name', labelNames: ['direction', 'message'], registers: [this.registry] });
  private readonly rpcSeen = new WeakMap<Rpc, { sent: Map<string, number>; received: Map<string, number> }>();
  private lastFrameAt: number;

  private constructor(
    private readonly server: Server,
    private readonly peers: readonly ScriptPeer[],
    traffic: RunTraffic,
    private readonly now: () => number,
  ) {
    this.lastFrameAt = now();
    const registers = [this.registry];
    const total = (name: string, help: string, read: () => number): void =>
      void new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    total('stingray_bytes_received_total', 'UDP payload bytes received on game connections', () => traffic.totals.bytesIn);
    total('stingray_bytes_sent_total', 'UDP payload bytes sent on game connections', () => traffic.totals.bytesOut);
    total('stingray_packets_received_total', 'Packets received on game connections', () => traffic.totals.packetsIn);
    total('stingray_packets_sent_total', 'Packets sent on game connections', () => traffic.totals.packetsOut);
    total('stingray_packets_lost_total', 'Packets given up on as lost (their reliable contents are resent)', () => traffic.totals.packetsLost);
    total('stingray_reliable_resends_total', 'Reliable records sent again because their packet was not acknowledged in time', () => traffic.totals.reliableResends);
    new Gauge({
      name: 'stingray_peers',
      help: 'Connected remote peers, over all scripts of the run',
      registers,
      collect() {
        this.set(traffic.connections);
      },
    });
    const perConnection = (name: string, help: string, read: (c: Connection) => number): void =>
      void new Gauge({
        name,
        help,
        labelNames: ['script', 'remote'],
        registers,
        collect() {
          this.reset();
          for (const { peer, connection } of RunTraffic.connectionsOf(peers)) {
            if (connection.state === 'connected') this.set({ script: peer.label, remote: connection.peer }, read(connection));
          }
        },
      });
    perConnection('stingray_connection_rtt_seconds', 'Smoothed round-trip time per connection', (c) => c.rtt);
    perConnection('stingray_connection_packets_lost', 'Packets lost per connection so far', (c) => c.stats.packetsLost);
    perConnection('stingray_connection_reliable_resends', 'Reliable records resent per connection so far', (c) => c.stats.reliableResends);
    perConnection('stingray_connection_bytes_sent', 'Bytes sent per connection so far', (c) => c.stats.bytesSent);
    perConnection('stingray_connection_bytes_received', 'Bytes received per connection so far', (c) => c.stats.bytesReceived);
    new Gauge({
      name: 'stingray_game_objects',
      help: 'Game objects in the scripts\' game sessions, by object type',
      labelNames: ['script', 'type'],
      registers,
      collect() {
        this.reset();
        for (const peer of peers) {
          if (peer.state !== 'running') continue;
          const counts = new Map<string, number>();
          for (const object of peer.vm.network.session?.objects.values() ?? []) counts.set(object.type.name, (counts.get(object.type.name) ?? 0) + 1);
          for (const [type, count] of counts) this.set({ script: peer.label, type }, count);
        }
      },
    });
    server.on('request', (request, response) => {
      const url = request.url ?? '';
      if (url === '/healthz') {
        const healthy = this.now() - this.lastFrameAt < STALL_SECONDS;
        response.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' }).end(healthy ? 'ok\n' : `no frame for ${STALL_SECONDS} s\n`);
      } else if (url === '/metrics') {
        this.registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
          (error: unknown) => response.writeHead(500).end(String(error)),
        );
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /healthz\n');
      }
    });
  }

  /** Serve on `host:port` (port 0 picks a free one; read it from `port`). */
  static async serve(host: string, port: number, peers: readonly ScriptPeer[], traffic: RunTraffic, now: () => number): Promise<RunMetrics> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new RunMetrics(server, peers, traffic, now);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** A frame ran in `seconds`: record it and the RPCs it sent and received. */
  frame(seconds: number): void {
    this.lastFrameAt = this.now();
    this.frameTime.observe(seconds);
    for (const peer of this.peers) {
      const rpc = peer.state === 'running' ? peer.vm.network.rpc : undefined;
      if (!rpc) continue;
      const seen = this.rpcSeen.get(rpc) ?? { sent: new Map<string, number>(), received: new Map<string, number>() };
      this.rpcSeen.set(rpc, seen);
      for (const [direction, counts, last] of [['sent', rpc.sentByName, seen.sent], ['received', rpc.receivedByName, seen.received]] as const) {
        for (const [message, count] of counts) {
          const delta = count - (last.get(message) ?? 0);
          if (delta > 0) this.rpcs.inc({ direction, message }, delta);
          last.set(message, count);
        }
      }
    }
  }

  luaError(): void {
    this.luaErrors.inc();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
