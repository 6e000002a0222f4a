/**
 * The run's traffic as running totals: connections keep their own counts and vanish when they end,
 * so each frame adds what every live connection gained since the last look.
 */
import type { Connection } from '../core/transport/connection.js';
import type { ScriptPeer } from './script_peer.js';

export interface TrafficTotals {
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  packetsLost: number;
  reliableResends: number;
}

const zero = (): TrafficTotals => ({ bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, packetsLost: 0, reliableResends: 0 });

export class RunTraffic {
  readonly totals: TrafficTotals = zero();
  /** Connected peers over all scripts, as of the last `sample`. */
  connections = 0;
  private readonly seen = new WeakMap<Connection, TrafficTotals>();

  /** Live connections of the running peers' hosts. */
  static *connectionsOf(peers: readonly ScriptPeer[]): Iterable<{ peer: ScriptPeer; connection: Connection }> {
    for (const peer of peers) {
      if (peer.state !== 'running') continue;
      const host = peer.vm.network.node.host;
      if (!host) continue;
      for (const connection of host.connections()) yield { peer, connection };
    }
  }

  sample(peers: readonly ScriptPeer[]): void {
    let connected = 0;
    for (const { connection } of RunTraffic.connectionsOf(peers)) {
      if (connection.state === 'connected') connected++;
      const now: TrafficTotals = {
        bytesIn: connection.stats.bytesReceived,
        bytesOut: connection.stats.bytesSent,
        packetsIn: connection.stats.packetsReceived,
        packetsOut: connection.stats.packetsSent,
        packetsLost: connection.stats.packetsLost,
        reliableResends: connection.stats.reliableResends,
      };
      const before = this.seen.get(connection) ?? zero();
      for (const key of Object.keys(now) as (keyof TrafficTotals)[]) this.totals[key] += now[key] - before[key];
      this.seen.set(connection, now);
    }
    this.connections = connected;
  }
}
