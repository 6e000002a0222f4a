/**
 * The platform service's TCP server under slowloris: connections that never finish a request are
 * bounded in number, in buffered bytes and in time, while a signed-in client keeps being served.
 */
import test from 'ava';
import { once } from 'node:events';
import net from 'node:net';
import { TcpLink } from '../src/core/platform/platform_link.js';
import type { Answer, Outgoing } from '../src/core/platform/platform_protocol.js';
import { MAX_CLIENT_CONNECTIONS, MAX_REQUEST_BYTES, PlatformServer } from '../src/core/platform/platform_server.js';
import { PlatformService } from '../src/core/platform/platform_service.js';
import { receiveAll, TEST_SECRET } from './helpers/platform.js';

const FIND: Outgoing = { op: 'find', query: { kind: 'steam_lobby', filters: [], near: [], slots: 0, limit: 5 } };

async function serve(t: import('ava').ExecutionContext, requestTimeoutMs?: number): Promise<PlatformServer> {
  const server = await PlatformServer.listen(new PlatformService(), 0, '127.0.0.1', requestTimeoutMs);
  t.teardown(() => server.close());
  return server;
}

/** A signed-in Steam client over a real TCP link. */
async function signIn(t: import('ava').ExecutionContext, server: PlatformServer): Promise<TcpLink> {
  const link = new TcpLink({ address: '127.0.0.1', port: server.port });
  t.teardown(() => link.close());
  link.request({ op: 'hello', platform: 'steam', secret: TEST_SECRET, user: '110000100000042', host: '127.0.0.1', port: 5042, name: 'player' });
  const [answer] = await receiveAll(link, 1);
  t.like(answer, { ok: true });
  return link;
}

/** Milliseconds for one find request's answer. */
async function roundTrip(link: TcpLink): Promise<number> {
  const start = performance.now();
  link.request(FIND);
  const answers = (await receiveAll(link, 1)).filter((m): m is Answer => 're' in m);
  if (answers[0]?.ok !== true) throw new Error(`no answer: ${link.lost}`);
  return performance.now() - start;
}

/** Open a socket that sends the start of a line and never its end. */
async function slowloris(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('{"id":1,"op":"hel');
  return socket;
}

test(`slowloris: ${MAX_CLIENT_CONNECTIONS + 64} connections that never finish a line hold at most ${MAX_CLIENT_CONNECTIONS} slots, and a signed-in client keeps its answers`, async (t) => {
  const server = await serve(t);
  const player = await signIn(t, server);
  const before = await roundTrip(player);
  const rssBefore = process.memoryUsage().rss;
  const attackers: net.Socket[] = [];
  t.teardown(() => attackers.forEach((s) => s.destroy()));
  for (let i = 0; i < MAX_CLIENT_CONNECTIONS + 64; i++) attackers.push(await slowloris(server.port));
  const during = await roundTrip(player);

  t.true(server.connections <= MAX_CLIENT_CONNECTIONS, `${server.connections} held`);
  t.true(server.drops.evicted >= 64, `evicted ${server.drops.evicted}`);
  t.is(server.drops.refused, 0, 'room was made by dropping connections that never sent a request');
  t.is(player.lost, undefined, 'the signed-in client kept its connection');
  t.log(`round trip before ${before.toFixed(1)} ms, during ${during.toFixed(1)} ms; held ${server.connections}, evicted ${server.drops.evicted}; RSS ${(rssBefore / 2 ** 20).toFixed(1)} -> ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`);
});

test('a connection that sends no whole request in time, or leaves a line unfinished, is closed; a signed-in silent client is not', async (t) => {
  const server = await serve(t, 300);
  const player = await signIn(t, server);
  const silent = net.connect(server.port, '127.0.0.1');
  silent.on('error', () => undefined);
  const half = await slowloris(server.port);
  await Promise.all([once(silent, 'close'), once(half, 'close')]);
  t.is(server.drops.timedOut, 2);
  await roundTrip(player);
  t.is(player.lost, undefined, 'a client that finished its requests may stay quiet');
});

test(`a request line over ${MAX_REQUEST_BYTES} characters ends that connection only`, async (t) => {
  const server = await serve(t);
  const player = await signIn(t, server);
  const flood = net.connect(server.port, '127.0.0.1');
  flood.on('error', () => undefined);
  await once(flood, 'connect');
  flood.write('x'.repeat(MAX_REQUEST_BYTES + 1));
  await once(flood, 'close');
  t.is(server.drops.oversized, 1);
  await roundTrip(player);
});
