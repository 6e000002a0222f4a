/**
 * Real UDP sockets (node:dgram). Binding is synchronous: with a lookup that answers at once,
 * dgram binds inside bind() and reports EADDRINUSE there, so `Network.init_lan_client` can fail
 * in the call that caused it, as in the engine.
 */
import dgram from 'node:dgram';
import { BindError, type BindOptions, type Datagram, type DatagramNetwork, type DatagramSocket, type Endpoint } from './datagram_socket.js';

/** Addresses here are always IPv4 literals: answer at once, so bind() and send() stay synchronous. */
const literalLookup = (address: string, _family: unknown, callback: (error: Error | null, address: string, family: number) => void): void =>
  callback(null, address, 4);

const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

class UdpSocket implements DatagramSocket {
  readonly local: Endpoint;
  private queue: Datagram[] = [];

  constructor(
    private readonly socket: dgram.Socket,
    local: Endpoint,
  ) {
    this.local = local;
    socket.on('message', (message, remote) => {
      this.queue.push({
        data: new Uint8Array(message.buffer, message.byteOffset, message.byteLength),
        from: { address: remote.address, port: remote.port },
      });
    });
  }

  send(data: Uint8Array, to: Endpoint): void {
    this.socket.send(data, to.port, to.address, (error) => {
      // A send error (unreachable port, network down) is a lost datagram, as UDP loses them anyway.
      void error;
    });
  }

  receive(): Datagram[] {
    const received = this.queue;
    this.queue = [];
    return received;
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Real UDP sockets (node:dgram) for peers on this machine or the LAN.
 *
 * @category Transport
 */
export class UdpNetwork implements DatagramNetwork {
  /**
   * @param bindAddress the interface game sockets listen on ("0.0.0.0" for LAN play, "127.0.0.1"
   *   to stay on this machine). Shared (lobby) sockets always bind 0.0.0.0 so they receive broadcasts.
   * @param broadcastAddress where LAN discovery broadcasts go.
   */
  constructor(
    private readonly bindAddress = '0.0.0.0',
    /** @internal */
    readonly broadcastAddress = '255.255.255.255',
  ) {}

  /** @internal */
  bind(options: BindOptions): DatagramSocket {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: options.shared === true, lookup: literalLookup as never });
    let failure: NodeJS.ErrnoException | undefined;
    socket.once('error', (error) => {
      failure = error;
    });
    socket.bind(options.port, options.shared ? '0.0.0.0' : this.bindAddress);
    if (failure) {
      socket.close();
      throw new BindError(options.port, failure.code ?? failure.message);
    }
    // Later socket errors (ICMP port unreachable and the like) are dropped datagrams, not crashes.
    socket.on('error', () => undefined);
    if (options.broadcast) socket.setBroadcast(true);
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch {
      // The OS may cap the buffer; the default still works.
    }
    const address = socket.address();
    return new UdpSocket(socket, { address: address.address === '0.0.0.0' ? '127.0.0.1' : address.address, port: address.port });
  }
}
