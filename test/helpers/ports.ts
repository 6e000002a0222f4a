/** Ports for tests that start processes on real UDP. */
import dgram from 'node:dgram';

/**
 * A UDP port on loopback that was free a moment ago: bound at port 0 (the kernel picks it) and read
 * back. For a LAN lobby port that another process must bind and its players must be told.
 */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}
