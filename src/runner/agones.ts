/**
 * `stingray-net run --agones`: the run as an Agones game server, through the SDK sidecar
 * (`@google-cloud/agones-sdk`, loaded only with --agones; it connects to localhost at
 * `$AGONES_SDK_GRPC_PORT`, default 9357).
 *
 * - Ready when a script first hosts a LAN or platform lobby, a Steam game server or a game session
 *   (`--agones-ready hosting`), or when a script calls `Application.agones_ready()`.
 * - Health once a second from the frame loop, so a hung loop stops the pings and Agones restarts the server.
 * - Players through the SDK's alpha player tracking (PlayerConnect / PlayerDisconnect, feature gate
 *   PlayerTracking): the peers in the scripts' hosted lobbies and game sessions, by peer id.
 * - Labels: `--agones-label K=D` mirrors the hosted lobby's data D as label K; scripts set their own.
 * - Shutdown when the run ends (the scripts quit, a frame limit, or a graceful SIGTERM).
 *
 * Calls go out one after another in the order they were made (Ready before the first
 * PlayerConnect, Shutdown last), each bounded by a timeout. A failing sidecar is logged, once per
 * kind of call until it works again; it never stops the server.
 */
import type { AgonesSDK } from '@google-cloud/agones-sdk/src/agonesSDK.js';
import type { AgonesHooks } from '../bindings/application/agones_binding.js';
import { labelTextProblem } from '../bindings/application/agones_binding.js';
import type { PeerId } from '../core/base/peer_id.js';
import { LanClient } from '../core/lobby/lan_client.js';
import { PlatformClient } from '../core/platform/platform_client.js';
import type { LogLevel } from './run_log.js';
import { UsageError } from './run_options.js';
import type { ScriptPeer } from './script_peer.js';
import type { AgonesOptions } from './server_options.js';

/** Seconds between Health pings while frames run (Agones' default health period is 5 s). */
const HEALTH_INTERVAL = 1;
/** Seconds a call may take before it counts as failed and the next one goes. */
const CALL_TIMEOUT = 10;
/** Seconds the run's end waits for Shutdown (and what is queued before it) to reach the sidecar. */
const CLOSE_TIMEOUT = 5;

/** What the scripts host now: whether anything, who plays in it, and the hosted lobbies' data. */
interface Hosted {
  hosting: boolean;
  players: Set<PeerId>;
  lobbyData(key: string): string | undefined;
}

function hostedBy(peers: readonly ScriptPeer[]): Hosted {
  const hosted: Hosted = { hosting: false, players: new Set(), lobbyData: () => undefined };
  const lobbies: ((key: string) => string | undefined)[] = [];
  const addPlayers = (members: readonly PeerId[], self: PeerId): void => {
    hosted.hosting = true;
    for (const member of members) if (member !== self) hosted.players.add(member);
  };
  for (const peer of peers) {
    if (peer.state !== 'running') continue;
    const net = peer.vm.network;
    const subsystem = net.subsystem;
    if (subsystem instanceof LanClient && !subsystem.isShutDown) {
      for (const lobby of subsystem.lobbies) {
        if (!lobby.isOwner) continue;
        addPlayers(lobby.memberIds(), lobby.self);
        lobbies.push((key) => lobby.data.get(key));
      }
    } else if (subsystem instanceof PlatformClient && !subsystem.isShutDown) {
      // A Steam game server's listing is one of its lobbies, owned by the server.
      for (const lobby of subsystem.lobbies) {
        if (!lobby.isOwner) continue;
        addPlayers(lobby.memberIds(), lobby.self);
        lobbies.push((key) => lobby.data(key));
      }
    }
    const session = net.session;
    if (session?.role === 'host') addPlayers(session.otherPeers(), session.self);
  }
  hosted.lobbyData = (key) => {
    for (const data of lobbies) {
      const value = data(key);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  return hosted;
}

function withTimeout<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class AgonesLink implements AgonesHooks {
  /** The calls made so far, chained: each starts when the one before it has ended. */
  private calls: Promise<void>;
  private connected = false;
  /** The run ended: nothing more is sent. */
  private closed = false;
  private hostedOnce = false;
  private lastHealthAt = -Infinity;
  private readonly players = new Set<PeerId>();
  /** Label → the value last sent for it. */
  private readonly labels = new Map<string, string>();
  /** Call name → the error last logged for it, so a sidecar that keeps failing is not logged every second. */
  private readonly failing = new Map<string, string>();

  private constructor(
    private readonly sdk: AgonesSDK,
    private readonly options: AgonesOptions,
    private readonly log: (level: LogLevel, message: string) => void,
    private readonly now: () => number,
  ) {
    this.calls = this.connect();
  }

  /**
   * Wait until the sidecar answers (it may start after this process). sdk.connect() waits 30 s in
   * one piece that closing the client does not end, which would hold a finished run open: wait in
   * one-second steps instead, until connected or closed.
   */
  private async connect(): Promise<void> {
    const client = (this.sdk as unknown as { client: { waitForReady(deadline: number, done: (error?: Error) => void): void } }).client;
    let said = false;
    while (!this.closed) {
      try {
        await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 1000, (error) => (error ? reject(error) : resolve())));
        this.connected = true;
        this.log('info', `connected to the SDK sidecar at ${this.address}`);
        return;
      } catch (error) {
        if (!said && !this.closed) this.log('warn', `the SDK sidecar at ${this.address} is not answering yet (${(error as Error).message}); calls wait until it does`);
        said = true;
      }
    }
  }

  /** Load the SDK (an optional dependency) and start connecting to the sidecar; frames need not wait. */
  static async open(options: AgonesOptions, log: (level: LogLevel, message: string) => void, now: () => number): Promise<AgonesLink> {
    let sdk: typeof AgonesSDK;
    try {
      // The package is CommonJS whose module.exports is the class, while its typings declare an ES default export.
      sdk = (await import('@google-cloud/agones-sdk')).default as unknown as typeof AgonesSDK;
    } catch (error) {
      throw new UsageError(`--agones needs the package @google-cloud/agones-sdk, an optional dependency that is not installed (npm install @google-cloud/agones-sdk@1.61.0): ${(error as Error).message}`);
    }
    return new AgonesLink(new sdk(), options, log, now);
  }

  get address(): string {
    return `localhost:${this.sdk.port}`;
  }

  ready(): void {
    this.call('Ready', () => this.sdk.ready());
  }

  setLabel(key: string, value: string): void {
    this.labels.set(key, value);
    this.call('SetLabel', () => this.sdk.setLabel(key, value));
  }

  /** After each frame: Ready on first hosting, players that came and went, mirrored labels, Health. */
  frame(peers: readonly ScriptPeer[]): void {
    const hosted = hostedBy(peers);
    if (hosted.hosting && !this.hostedOnce) {
      this.hostedOnce = true;
      if (this.options.ready === 'hosting') this.ready();
    }
    for (const player of hosted.players) {
      if (this.players.has(player)) continue;
      this.players.add(player);
      this.call('PlayerConnect', () => this.sdk.alpha.playerConnect(player));
    }
    for (const player of this.players) {
      if (hosted.players.has(player)) continue;
      this.players.delete(player);
      this.call('PlayerDisconnect', () => this.sdk.alpha.playerDisconnect(player));
    }
    for (const [label, dataKey] of this.options.labels) {
      const value = hosted.lobbyData(dataKey);
      if (value === undefined || value === this.labels.get(label)) continue;
      const problem = labelTextProblem(value, 'value');
      if (problem === undefined) this.setLabel(label, value);
      else {
        this.labels.set(label, value); // said once, not every frame
        this.log('warn', `--agones-label ${label}=${dataKey}: lobby data ${problem}; the label keeps its last value`);
      }
    }
    const now = this.now();
    if (this.connected && now - this.lastHealthAt >= HEALTH_INTERVAL) {
      this.lastHealthAt = now;
      this.sdk.health((error: unknown) => {
        this.failed('Health', error);
        // The SDK keeps one Health stream; once it broke, the next ping must open a new one.
        (this.sdk as unknown as { healthStream: unknown }).healthStream = undefined;
      });
    }
  }

  /**
   * Shutdown after every call still queued, then let go of the sidecar. Waits at most
   * CLOSE_TIMEOUT seconds, also for a sidecar not reached yet (a short run may end before it answers).
   */
  async close(): Promise<void> {
    this.call('Shutdown', () => this.sdk.shutdown());
    await withTimeout(this.calls, CLOSE_TIMEOUT, 'Shutdown').catch(() =>
      this.log('warn', `Shutdown not sent: ${this.connected ? 'the calls before it' : `the SDK sidecar at ${this.address}`} did not answer within ${CLOSE_TIMEOUT} s`),
    );
    this.closed = true;
    this.sdk.close();
  }

  private call(name: string, request: () => Promise<unknown>): void {
    this.calls = this.calls.then(async () => {
      if (this.closed) return;
      try {
        await withTimeout(request(), CALL_TIMEOUT, name);
      } catch (error) {
        this.failed(name, error);
        return;
      }
      if (this.failing.delete(name)) this.log('info', `${name} works again`);
      this.log(name === 'Ready' || name === 'Shutdown' ? 'info' : 'debug', name);
    });
  }

  private failed(name: string, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    if (this.failing.get(name) === text) return;
    this.failing.set(name, text);
    this.log('warn', `${name} failed: ${text}`);
  }
}
