/**
 * SteamPingThread: keeps round-trip times to chosen peers current. In the engine a background thread
 * pinged them through Steam; here each added peer gets a connection (reached through the platform
 * service by its id when no lobby gave its address), whose keep-alives measure the round trip.
 * Connections the thread opened close again when it stops pinging their peer, unless something else
 * (a lobby, a session, the script) uses them by then.
 */
import { NetworkError } from '../base/network_error.js';
import type { PeerId } from '../base/peer_id.js';
import type { PlatformClient } from './platform_client.js';

/** What connections the thread keeps list among their users (Network.is_used). */
const USER_TAG = 'SteamPingThread';

/** Peers one thread pings at most. */
export const MAX_PING_PEERS = 256;

export class SteamPingThread {
  private readonly peers = new Set<PeerId>();
  /** Peers the thread connected to itself. */
  private readonly opened = new Set<PeerId>();
  private destroyed = false;
  private readonly unlisten: () => void;

  constructor(private readonly client: PlatformClient) {
    // A connection the thread asked for is tagged once it stands.
    this.unlisten = client.nodeOf.listen((event) => {
      if (event.type === 'connected' && this.peers.has(event.connection.peer)) event.connection.users.add(USER_TAG);
    });
  }

  addPeer(peer: PeerId, fn: string): void {
    this.requireAlive(fn);
    if (peer === this.client.peerId) throw new NetworkError(`${fn}: cannot ping this peer itself`);
    if (this.peers.has(peer)) return;
    if (this.peers.size >= MAX_PING_PEERS) throw new NetworkError(`${fn}: a ping thread pings at most ${MAX_PING_PEERS} peers`);
    this.peers.add(peer);
    const node = this.client.nodeOf;
    const connection = node.host?.connectionTo(peer);
    if (connection) {
      connection.users.add(USER_TAG);
      return;
    }
    this.opened.add(peer);
    if (node.addresses.has(peer)) node.connect(peer);
    else this.client.resolveUser(peer, (failure) => failure === undefined && this.peers.has(peer) && node.connect(peer));
  }

  /** The latest round-trip time to `peer` in seconds, 0 until one was measured. */
  ping(peer: PeerId, fn: string): number {
    this.requireAlive(fn);
    if (!this.peers.has(peer)) throw new NetworkError(`${fn}: peer ${peer} is not pinged by this thread (add_peer first)`);
    const connection = this.client.nodeOf.host?.connectionTo(peer);
    return connection?.state === 'connected' ? connection.rtt : 0;
  }

  removePeer(peer: PeerId, fn: string): void {
    this.requireAlive(fn);
    this.forget(peer);
  }

  /** Stop: every peer is forgotten; a second call does nothing. */
  destroy(): void {
    for (const peer of [...this.peers]) this.forget(peer);
    this.unlisten();
    this.destroyed = true;
  }

  private forget(peer: PeerId): void {
    if (!this.peers.delete(peer)) return;
    const node = this.client.nodeOf;
    const connection = node.host?.connectionTo(peer);
    connection?.users.delete(USER_TAG);
    if (this.opened.delete(peer) && connection && connection.users.size === 0 && !node.scriptConnections.has(peer)) node.host!.disconnect(peer, 'ping thread stopped');
  }

  private requireAlive(fn: string): void {
    if (this.destroyed || this.client.isShutDown) throw new NetworkError(`${fn}: the ping thread was destroyed${this.destroyed ? '' : ' with its Steam client or server'}`);
  }
}
