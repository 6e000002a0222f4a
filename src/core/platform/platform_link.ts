/**
 * A peer's link to the platform service: requests out, answers and pushes in. What arrives is read
 * only when the platform client updates, so lobby states change inside `Network.update*`, as the
 * engine's did. The service runs embedded in the process (DirectLink) or as its own process that
 * several processes share (TcpLink to `stingray-net platform`); both carry the same JSON lines.
 */
import net from 'node:net';
import { endpointKey, type Endpoint } from '../transport/datagram_socket.js';
import { LineReader, MAX_MESSAGE_BYTES, parseServiceMessage, ProtocolError, type Outgoing, type ServiceMessage } from './platform_protocol.js';
import { PlatformService, type ServiceConnection } from './platform_service.js';

/** Where the platform service is: embedded in this process, or a `stingray-net platform` at an endpoint. */
export type PlatformAccess = PlatformService | Endpoint;

export function openPlatformLink(access: PlatformAccess): PlatformLink {
  return access instanceof PlatformService ? new DirectLink(access) : new TcpLink(access);
}

export interface PlatformLink {
  /** Send a request; its answer will carry `re` equal to the number returned. */
  request(message: Outgoing): number;
  /** Everything the service sent since the last call, in order. */
  receive(): ServiceMessage[];
  /** Why the service cannot be reached any more; undefined while the link works. */
  readonly lost: string | undefined;
  /** Messages from the service that did not parse, dropped. */
  readonly malformed: number;
  close(): void;
}

/** Numbering requests and keeping what arrived until the client reads it. */
abstract class QueuedLink implements PlatformLink {
  lost: string | undefined;
  malformed = 0;
  private inbox: ServiceMessage[] = [];
  private nextId = 1;

  /** Write one request line to the service. */
  protected abstract write(line: string): void;
  abstract close(): void;

  request(message: Outgoing): number {
    const id = this.nextId++;
    if (this.lost === undefined) this.write(JSON.stringify({ id, ...message }));
    return id;
  }

  /** A line from the service. */
  protected accept(line: string): void {
    try {
      this.inbox.push(parseServiceMessage(JSON.parse(line)));
    } catch (error) {
      if (!(error instanceof SyntaxError) && !(error instanceof ProtocolError)) throw error;
      this.malformed++;
    }
  }

  receive(): ServiceMessage[] {
    const received = this.inbox;
    this.inbox = [];
    return received;
  }
}

/** The service in this process: the same JSON lines, handed over without a socket. */
export class DirectLink extends QueuedLink {
  private readonly connection: ServiceConnection;

  constructor(private readonly service: PlatformService) {
    super();
    this.connection = service.connect((message) => this.accept(JSON.stringify(message)));
  }

  protected write(line: string): void {
    this.service.receive(this.connection, line);
  }

  close(): void {
    if (this.lost !== undefined) return;
    this.lost = 'the link was closed';
    this.service.disconnect(this.connection);
  }
}

/** A `stingray-net platform` process, over TCP. Requests written before the connection is up wait in the socket. */
export class TcpLink extends QueuedLink {
  private readonly lines = new LineReader();
  private readonly socket: net.Socket;

  constructor(endpoint: Endpoint) {
    super();
    const where = endpointKey(endpoint);
    this.socket = net.connect({ host: endpoint.address, port: endpoint.port });
    this.socket.setNoDelay(true);
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      if (this.lines.push(chunk, (line) => this.accept(line))) return;
      this.malformed++;
      this.lost ??= `the platform service sent a message over ${MAX_MESSAGE_BYTES} bytes`;
      this.socket.destroy();
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => {
      this.lost ??= `cannot reach the platform service at ${where}: ${error.code ?? error.message}`;
    });
    this.socket.on('close', () => {
      this.lost ??= `the platform service at ${where} closed the connection`;
    });
  }

  protected write(line: string): void {
    this.socket.write(line + '\n');
  }

  close(): void {
    this.lost ??= 'the link was closed';
    // Send what is queued (leave requests), then let the process exit without waiting for the service.
    this.socket.end();
    this.socket.unref();
  }
}
