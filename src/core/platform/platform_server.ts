/**
 * The platform service as its own process (`stingray-net platform`): JSON lines over TCP on
 * loopback, one connection per client. A client is signed out when its connection closes, so a
 * killed game process leaves its lobbies at once (a member takes each over).
 */
import net from 'node:net';
import { LineReader } from './platform_protocol.js';
import { PlatformService } from './platform_service.js';

/** Client connections held at once; past it the oldest connection that never sent a whole request is dropped, or else the newcomer is. */
export const MAX_CLIENT_CONNECTIONS = 256;
/** The longest request line a client may send, in characters: 64 KiB of lobby data escaped at worst, and the rest (answers may be longer). */
export const MAX_REQUEST_BYTES = 400 * 1024;
/** A connection must send a whole request this soon after connecting, and finish any line it starts this soon. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Connections a {@link PlatformServer} ended to protect itself.
 *
 * @category Platform
 */
export interface PlatformServerDrops {
  /** Connections that never sent a whole request, dropped to make room for a newcomer. */
  evicted: number;
  /** Newcomers refused: every held connection had already sent a request. */
  refused: number;
  /** Connections that sent nothing whole, or left a line unfinished, for REQUEST_TIMEOUT_MS. */
  timedOut: number;
  /** Connections that sent a line over MAX_REQUEST_BYTES. */
  oversized: number;
}

interface Client {
  socket: net.Socket;
  /** It has sent at least one whole request. */
  proven: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A {@link PlatformService} served over TCP, as `stingray-net platform` does: runs of
 * `stingray-net run ... --platform HOST:PORT` share it.
 *
 * @category Platform
 */
export class PlatformServer {
  /** Held connections, oldest first. */
  private readonly clients = new Map<net.Socket, Client>();
  /** Connections ended to protect the server, by reason. */
  readonly drops: PlatformServerDrops = { evicted: 0, refused: 0, timedOut: 0, oversized: 0 };

  private constructor(
    /** The service it serves. */
    readonly service: PlatformService,
    private readonly server: net.Server,
    /** The TCP port it listens on. */
    readonly port: number,
    private readonly requestTimeoutMs: number,
  ) {}

  /** Listen on `host:port` (port 0 picks a free one). */
  static listen(service: PlatformService, port: number, host = '127.0.0.1', requestTimeoutMs = REQUEST_TIMEOUT_MS): Promise<PlatformServer> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const platform = new PlatformServer(service, server, (server.address() as net.AddressInfo).port, requestTimeoutMs);
        server.on('connection', (socket) => platform.accept(socket));
        resolve(platform);
      });
    });
  }

  /** Connections held now. */
  get connections(): number {
    return this.clients.size;
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    if (this.clients.size >= MAX_CLIENT_CONNECTIONS && !this.evictUnproven()) {
      this.drops.refused++;
      socket.destroy();
      return;
    }
    const client: Client = { socket, proven: false, timer: undefined };
    this.clients.set(socket, client);
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    const connection = this.service.connect((message) => {
      if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n');
    }, socket.remoteAddress?.replace(/^::ffff:/, ''));
    const lines = new LineReader(MAX_REQUEST_BYTES);
    this.expectRequest(client);
    socket.on('data', (chunk: string) => {
      const whole = lines.push(chunk, (line) => {
        client.proven = true;
        this.service.receive(connection, line);
      });
      if (!whole) {
        this.service.malformedRequests++;
        this.drops.oversized++;
        socket.destroy();
        return;
      }
      // A proven client may stay silent; a started line must end.
      if (client.proven && !lines.partial) this.stopTimer(client);
      else if (client.timer === undefined) this.expectRequest(client);
    });
    socket.on('close', () => {
      this.stopTimer(client);
      this.clients.delete(socket);
      this.service.disconnect(connection);
    });
  }

  private expectRequest(client: Client): void {
    this.stopTimer(client);
    client.timer = setTimeout(() => {
      this.drops.timedOut++;
      client.socket.destroy();
    }, this.requestTimeoutMs);
    client.timer.unref();
  }

  private stopTimer(client: Client): void {
    if (client.timer !== undefined) clearTimeout(client.timer);
    client.timer = undefined;
  }

  /** Drop the oldest connection that never sent a whole request; false when there is none. */
  private evictUnproven(): boolean {
    for (const client of this.clients.values()) {
      if (client.proven) continue;
      this.drops.evicted++;
      this.stopTimer(client);
      this.clients.delete(client.socket);
      client.socket.destroy();
      return true;
    }
    return false;
  }

  /** Stop listening and close every client's connection (their users sign out). */
  close(): Promise<void> {
    for (const socket of this.clients.keys()) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
