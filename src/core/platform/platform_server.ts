/**
 * The platform service as its own process (`stingray-net platform`): JSON lines over TCP on
 * loopback, one connection per client. A client is signed out when its connection closes, so a
 * killed game process leaves its lobbies at once (a member takes each over).
 */
import net from 'node:net';
import { LineReader } from './platform_protocol.js';
import { PlatformService } from './platform_service.js';

/**
 * A {@link PlatformService} served over TCP on loopback, as `stingray-net platform` does: runs of
 * `stingray-net run ... --platform 127.0.0.1:PORT` share it.
 *
 * @category Platform
 */
export class PlatformServer {
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    /** The service it serves. */
    readonly service: PlatformService,
    private readonly server: net.Server,
    /** The TCP port it listens on. */
    readonly port: number,
  ) {}

  /** Listen on `host:port` (port 0 picks a free one). */
  static listen(service: PlatformService, port: number, host = '127.0.0.1'): Promise<PlatformServer> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const platform = new PlatformServer(service, server, (server.address() as net.AddressInfo).port);
        server.on('connection', (socket) => platform.accept(socket));
        resolve(platform);
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    const connection = this.service.connect((message) => {
      if (!socket.destroyed) socket.write(JSON.stringify(message) + '\n');
    }, socket.remoteAddress?.replace(/^::ffff:/, ''));
    const lines = new LineReader();
    socket.on('data', (chunk: string) => {
      if (!lines.push(chunk, (line) => this.service.receive(connection, line))) {
        // Nobody sends a megabyte without a newline by accident: drop the client.
        this.service.malformedRequests++;
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.service.disconnect(connection);
    });
  }

  /** Stop listening and close every client's connection (their users sign out). */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
