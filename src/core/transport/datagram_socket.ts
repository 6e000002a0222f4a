/**
 * The datagram layer under the transport: real UDP sockets (udp_network.ts) or the in-process
 * network simulator (network_simulator.ts), behind one interface.
 */
import { NetworkError } from '../base/network_error.js';

/** An IPv4 address and port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface Datagram {
  readonly data: Uint8Array;
  readonly from: Endpoint;
}

export interface DatagramSocket {
  /** The address and port this socket is bound to (port 0 was replaced by the chosen port). */
  readonly local: Endpoint;
  send(data: Uint8Array, to: Endpoint): void;
  /** Everything received since the last call, in arrival order. */
  receive(): Datagram[];
  close(): void;
}

export interface BindOptions {
  /** 0 picks a free port. */
  port: number;
  /** Share the port with other sockets (LAN lobby discovery): all of them receive broadcasts. */
  shared?: boolean;
  /** Allow sending to the broadcast address. */
  broadcast?: boolean;
}

/**
 * Where a peer's datagrams go: {@link UdpNetwork} (real UDP) or {@link NetworkSimulator}.
 *
 * @category Transport
 */
export interface DatagramNetwork {
  /**
   * Bind synchronously; throws BindError when the port is taken.
   *
   * @internal
   */
  bind(options: BindOptions): DatagramSocket;
  /**
   * Where broadcasts go (LAN discovery).
   *
   * @internal
   */
  readonly broadcastAddress: string;
}

export class BindError extends NetworkError {
  constructor(
    readonly port: number,
    readonly code: string,
  ) {
    super(code === 'EADDRINUSE' ? `port ${port} is already in use` : `cannot bind port ${port}: ${code}`);
    this.name = 'BindError';
  }
}

export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.address}:${endpoint.port}`;
}

/** Parse "a.b.c.d:port"; undefined when malformed. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const port = Number(match[5]);
  if (octets.some((o) => o > 255) || port < 1 || port > 65535) return undefined;
  return { address: octets.join('.'), port };
}
