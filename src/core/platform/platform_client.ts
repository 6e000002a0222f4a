/**
 * What the Steam, PSN and Xbox Live subsystems share: this peer's game socket (the same transport,
 * channels, sessions and RPCs as LAN play), its sign-in on the platform service, and the lobbies it
 * is in. Lobby membership and data live on the service; peers meet through it and then talk
 * directly, game socket to game socket, as platform P2P networking does.
 *
 * Everything the service says is taken in during `update()`, so states change only inside
 * `Network.update*`.
 */
import { randomBytes } from 'node:crypto';
import { parseEndpoint } from '../transport/datagram_socket.js';
import { Channels } from '../transport/channel.js';
import type { Host } from '../transport/host.js';
import type { NetworkNode, TransportConfig } from '../transport/network_node.js';
import type { PeerId } from '../base/peer_id.js';
import type { PlatformLink } from './platform_link.js';
import type { PlatformLobby } from './platform_lobby.js';
import { ANSWER_FIELDS, type Answer, type LobbyView, type Op, type Outgoing, type Platform, type Push } from './platform_protocol.js';

export type SignInState = 'signing_in' | 'ready' | 'failed';

/**
 * This process's secret: the platform service binds a user id to the first secret it signed in with,
 * so no other process can sign in as one of this process's users, even after they signed out.
 */
const PROCESS_SECRET = randomBytes(16).toString('hex');

export interface PlatformIdentity {
  readonly platform: Platform;
  readonly peer: PeerId;
  /** Persona name, online id or gamertag, as other users see it. */
  readonly name: string;
}

export class PlatformClient {
  signIn: SignInState = 'signing_in';
  /** Why signing in failed or the service was lost ("" otherwise). */
  failure = '';
  readonly channels: Channels;
  readonly lobbies = new Set<PlatformLobby>();
  /** Pushes no lobby took (invites), for the subsystem to read. */
  readonly unclaimed: Push[] = [];
  private readonly link: PlatformLink;
  private readonly waiting = new Map<number, { op: Op; onAnswer: (answer: Answer) => void }>();
  /** Answers the service sent without what their request needs, taken as failures. */
  incompleteAnswers = 0;
  /** Requests made after the service was lost, refused at the next update. */
  private readonly refused: (() => void)[] = [];
  private shutDown = false;

  constructor(
    /** How errors and messages name the subsystem ("Steam client"). */
    readonly name: string,
    protected readonly node: NetworkNode,
    config: TransportConfig,
    gamePort: number,
    readonly identity: PlatformIdentity,
    /** Opened once the game socket is up (a port in use fails first, leaving no link behind). */
    openLink: () => PlatformLink,
  ) {
    const host = node.start(gamePort, identity.peer, config);
    this.link = openLink();
    this.channels = new Channels(node);
    node.listen((event) => {
      if (event.type !== 'connected') return;
      for (const lobby of this.lobbies) if (lobby.hasMember(event.connection.peer)) event.connection.users.add(lobby.tag());
    });
    this.request({ op: 'hello', platform: identity.platform, user: identity.peer, secret: PROCESS_SECRET, host: reachableHost(host), port: host.port, name: identity.name }, (answer) => {
      if (answer.ok) this.signIn = 'ready';
      else this.lose(answer.error);
    });
  }

  /** Why this subsystem can no longer work: signing in was refused or the service was lost. */
  get fatalError(): string | undefined {
    return this.signIn === 'failed' ? this.failure : undefined;
  }

  get peerId(): PeerId {
    return this.identity.peer;
  }

  get isShutDown(): boolean {
    return this.shutDown;
  }

  /** A push no lobby takes (an invite, a SmartMatch found): kept for the script to take by default. */
  protected onPush(push: Push): void {
    this.unclaimed.push(push);
  }

  /** Ask the service where a signed-in user's game socket is, and note it for connecting there. */
  resolveUser(peer: PeerId, done: (failure: string | undefined) => void): void {
    this.request({ op: 'resolve', user: peer }, (answer) => {
      const endpoint = answer.ok ? parseEndpoint(answer.address!) : undefined;
      if (endpoint) this.nodeOf.addresses.set(peer, endpoint);
      done(endpoint ? undefined : answer.ok ? `the platform service gave no address for ${peer}` : answer.error);
    });
  }

  get nodeOf(): NetworkNode {
    return this.node;
  }

  label(): string {
    return `${this.identity.peer} on port ${this.node.host?.port ?? '-'}`;
  }

  /** Send a request; `onAnswer` runs during a later update. */
  request(message: Outgoing, onAnswer: (answer: Answer) => void): void {
    const lost = this.link.lost;
    if (lost !== undefined) {
      // Answered like any other: in the next update, never inside the script's call.
      this.refused.push(() => onAnswer({ re: -1, ok: false, code: 'not_signed_in', error: this.failure || lost }));
      return;
    }
    this.waiting.set(this.link.request(message), { op: message.op, onAnswer });
  }

  /** Receive datagrams and what the service said, then advance lobbies. */
  update(): void {
    this.node.receive();
    for (const message of this.link.receive()) {
      if ('re' in message) {
        const waiting = this.waiting.get(message.re);
        this.waiting.delete(message.re);
        waiting?.onAnswer(this.complete(waiting.op, message));
      } else if (message.push === 'lobby') {
        this.share(message.lobby, undefined);
      } else if (message.push === 'removed') {
        for (const lobby of this.lobbies) if (lobby.id === message.lobby && lobby.isFor(message.xuid)) lobby.removed(message.reason);
      } else {
        this.onPush(message);
      }
    }
    for (const refuse of this.refused.splice(0)) refuse();
    if (this.link.lost !== undefined) this.lose(this.link.lost);
    for (const lobby of this.lobbies) lobby.update();
  }

  /**
   * The service's view of a lobby for every lobby object of it here but `from` (which has it): on
   * Xbox Live each local user of the console holds its own object of a session they share.
   */
  share(view: LobbyView, from: PlatformLobby | undefined): void {
    for (const lobby of this.lobbies) if (lobby !== from && lobby.id === view.id) lobby.apply(view, true);
  }

  /** A success without the fields its operation needs is a failure (the service is not ours, or broken). */
  private complete(op: Op, answer: Answer): Answer {
    if (!answer.ok) return answer;
    const missing = (ANSWER_FIELDS[op] ?? []).filter((field) => answer[field] === undefined);
    if (missing.length === 0) return answer;
    this.incompleteAnswers++;
    return { re: answer.re, ok: false, code: 'bad_request', error: `the platform service answered ${op} without ${missing.join(', ')}` };
  }

  transmit(): void {
    this.node.transmit();
  }

  /** Signing in was refused, the service went away, or what the subsystem is for failed: every lobby fails with it. */
  lose(reason: string): void {
    if (this.signIn === 'failed') return;
    this.signIn = 'failed';
    this.failure = reason;
    for (const lobby of this.lobbies) lobby.removed(reason);
    this.onFailure?.(reason);
  }

  /** Told once when signing in fails or the service is lost (the binding logs it). */
  onFailure: ((reason: string) => void) | undefined;

  /** Forget a lobby left or failed (its userdata goes with it). */
  forget(lobby: PlatformLobby): void {
    this.lobbies.delete(lobby);
  }

  shutdown(): void {
    if (this.shutDown) return;
    for (const lobby of this.lobbies) lobby.leave();
    this.lobbies.clear();
    this.channels.clear(`the ${this.name} shut down`);
    this.node.stop('the peer shut down its network client');
    this.link.close();
    this.shutDown = true;
  }
}

/** The address other peers on this machine reach the game socket at. */
function reachableHost(host: Host): string {
  const address = host.socket.local.address;
  return address === '0.0.0.0' ? '127.0.0.1' : address;
}
