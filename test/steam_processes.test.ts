import test from 'ava';
import { freeUdpPort } from './helpers/ports.js';
import net from 'node:net';
import { parseEndpoint } from '../src/core/transport/datagram_socket.js';
import { TcpLink } from '../src/core/platform/platform_link.js';
import type { Answer, ServiceMessage } from '../src/core/platform/platform_protocol.js';
import { runCli } from './helpers/lua.js';
import { inOrder, receiveAll, runHostAndClient, said, startGame, startPlatform, TEST_SECRET } from './helpers/platform.js';
import { testOnEachVm } from './helpers/vms.js';

const LOBBY = 'test/fixtures/steam/lobby.lua';
const SERVER = 'test/fixtures/steam/server.lua';

// One scenario per platform also runs its processes on LuaJIT (they are mostly waiting on the realtime clock).
testOnEachVm('Steam lobby across processes: a platform service, a host and a client that browses with filters, joins, joins the game session, RPCs both ways', async (t, vmUnderTest) => {
  const { hosted, joined } = await runHostAndClient(t, LOBBY, vmUnderTest.flags);
  const hostPeer = said(hosted, 'host')[0]?.replace('peer ', '');
  const clientPeer = said(joined, 'client')[0]?.replace('peer ', '');
  t.regex(hostPeer ?? '', /^110000[0-9a-f]{9}$/, 'a Steam id of an individual user');
  t.regex(clientPeer ?? '', /^110000[0-9a-f]{9}$/);
  const lobbyId = /^lobby ([0-9a-f]+) open$/m.exec(said(hosted, 'host').join('\n'))?.[1] ?? 'none';
  inOrder(t, said(hosted, 'host'), [
    `lobby ${lobbyId} open`,
    `members ${hostPeer}`,
    `members ${hostPeer},${clientPeer}`,
    `approve ${clientPeer} ${lobbyId} session`,
    `synced ${clientPeer}`,
    `chat ${clientPeer} thanks true`,
  ]);
  inOrder(t, said(joined, 'client'), [
    `found ${lobbyId} ffa 3 ${hostPeer} 1/4`,
    `joined ${hostPeer},${clientPeer} ${hostPeer}`,
    `chat ${hostPeer} hello from host true`,
    // The host left: the lobby is the client's, and its host key says so.
    `host now ${clientPeer} ${clientPeer} ${clientPeer}`,
  ]);
});

test('two processes run with the same --seed sign in as different Steam users and play together', async (t) => {
  const { hosted, joined } = await runHostAndClient(t, LOBBY, ['--seed', '3']);
  const hostPeer = said(hosted, 'host')[0];
  const clientPeer = said(joined, 'client')[0];
  t.not(hostPeer, clientPeer);
  t.true(said(joined, 'client').some((l) => l.startsWith('chat ') && l.endsWith(' hello from host true')), joined.stdout);
});

test('the Steam lobby scenario also runs as two peers of one process, the same on every run', async (t) => {
  const run = () => runCli(['run', LOBBY, '--peers', '2', '--simulate', 'latency=20ms,jitter=5ms', '--seed', '4', '--frames', '900']);
  const [first, second] = await Promise.all([run(), run()]);
  t.is(first.code, 0, first.stderr);
  t.is(first.stdout, second.stdout);
  t.regex(first.stdout, /\[1:lobby\] client: host now ([0-9a-f]+) \1 \1\n/);
});

test('Steam game server across processes: a wrong password fails with the reason, the right one joins and talks to the server over a channel', async (t) => {
  const { address } = await startPlatform(t);
  const queryPort = String(await freeUdpPort());
  const server = startGame(t, SERVER, address, ['--role', 'server', '--query-port', queryPort]);
  const [, serverId] = await server.waitFor(/server: state connected\n/).then(() => /server: server ([0-9a-f]+)/.exec(server.stdout())!);
  const player = (password: string) => startGame(t, SERVER, address, ['--role', 'player', '--query-port', queryPort, '--password', password]).result;
  const wrong = await player('wrong');
  const right = await player('secret');
  const served = await server.result;
  for (const result of [wrong, right, served]) t.is(result.code, 0, result.stdout + result.stderr);
  t.regex(serverId!, /^1400000[0-9a-f]{8}$/, 'a Steam id of a game server');
  const listed = `listed arena dm1 ${queryPort} true 0/1 ${serverId}`;
  t.deepEqual(said(wrong, 'player').slice(1), [listed, 'lobby joining', 'lobby failed (wrong password for game server arena)']);
  t.deepEqual(said(right, 'player').slice(1), [listed, 'lobby joining', 'lobby joined', 'text pong ping']);
  const playerPeer = said(right, 'player')[0]!.replace('peer ', '');
  inOrder(t, said(served, 'server'), ['state connected', `members ${playerPeer}`, `approve ${playerPeer} ${serverId}`, 'text ping', 'members ']);
});

test('the platform service killed: Network.fatal_error() turns true and the lobby fails, in every process', async (t) => {
  const { platform, address } = await startPlatform(t);
  const host = startGame(t, LOBBY, address, ['--role', 'host', '--mode', 'hold']);
  const client = startGame(t, LOBBY, address, ['--role', 'client', '--mode', 'hold']);
  await client.waitFor(/client: lobby joined\n/);
  await host.waitFor(/host: members [0-9a-f]+,[0-9a-f]+\n/);
  platform.child.kill('SIGKILL');
  for (const [role, game] of [['host', host], ['client', client]] as const) {
    const result = await game.result;
    t.is(result.code, 0, result.stdout + result.stderr);
    const lines = said(result, role);
    inOrder(t, lines, ['fatal_error false', 'lobby joined', 'fatal_error true']);
    t.regex(lines.at(-1)!, new RegExp(`^lobby failed \\(the platform service at ${address.replace(/\./g, '\\.')} closed the connection\\)$`), lines.join('\n'));
  }
});

/** Hello as `user`, then `requests`, over a real TCP link; every answer (pushes left out). */
async function converse(address: string, requests: object[], user = '110000100000077'): Promise<{ answers: Answer[]; link: TcpLink }> {
  const link = new TcpLink(parseEndpoint(address)!);
  link.request({ op: 'hello', platform: 'steam', secret: TEST_SECRET, user, host: '127.0.0.1', port: 5077, name: 'probe' });
  for (const request of requests) link.request(request as never);
  const answers = (await receiveAll(link, requests.length + 1)).filter((m: ServiceMessage): m is Answer => 're' in m);
  return { answers, link };
}

/** A raw line to the platform service; the line it answers. */
function rawLine(address: string, line: string): Promise<string> {
  const endpoint = parseEndpoint(address)!;
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint.port, endpoint.address, () => socket.write(line + '\n'));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) {
        socket.destroy();
        resolve(text.slice(0, text.indexOf('\n')));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

test('the platform service process answers garbage lines with bad_request naming the problem, and keeps serving', async (t) => {
  const { platform, address } = await startPlatform(t);
  t.like(JSON.parse(await rawLine(address, 'hello?')), { re: -1, ok: false, code: 'bad_request' });
  t.like(JSON.parse(await rawLine(address, '{"id":9,"op":"hello","platform":"steam"}')), { re: 9, ok: false, code: 'bad_request', error: 'request hello.user: a string expected' });
  const { answers, link } = await converse(address, [{ op: 'find', query: { kind: 'steam_lobby', filters: [], near: [], slots: 0, limit: 5 } }]);
  link.close();
  t.deepEqual(answers.map((a) => a.ok), [true, true]);
  t.is(platform.child.exitCode, null);
});

test('one client browsing with a filter on the key "constructor" does not bring the shared platform service down', async (t) => {
  const { platform, address } = await startPlatform(t);
  const filter = (key: string) => ({ op: 'find', query: { kind: 'steam_lobby', filters: [{ key, value: 'x', comparison: 'equal' }], near: [], slots: 0, limit: 5 } });
  const create = { op: 'create', lobby: { kind: 'steam_lobby', type: 'public', maxMembers: 4, name: '', data: {} } };
  const { answers, link } = await converse(address, [create, filter('constructor'), filter('__proto__')]);
  link.close();
  t.deepEqual(
    answers.map((a) => (a.ok ? 'ok' : a.code)),
    ['ok', 'ok', 'ok', 'ok'],
    `every request answered; the platform service printed: ${platform.stdout()}${platform.stderr()}`,
  );
  t.is(platform.child.exitCode, null, 'the platform service still runs');
});

test('the host process killed: its lobby passes to the client process, whose host key says so; another process cannot sign in as the gone host', async (t) => {
  const { address } = await startPlatform(t);
  const host = startGame(t, LOBBY, address, ['--role', 'host', '--mode', 'hold']);
  const client = startGame(t, LOBBY, address, ['--role', 'client', '--mode', 'hold']);
  const [, hostPeer] = (await client.waitFor(/client: host ([0-9a-f]+) key \1\n/))!;
  await host.waitFor(/host: members [0-9a-f]+,[0-9a-f]+\n/);
  host.child.kill('SIGKILL');
  await client.waitFor(/client: host me key me\n/);
  const { answers: [intruder], link } = await converse(address, [], hostPeer!);
  link.close();
  t.like(intruder, { ok: false, code: 'taken', error: `user ${hostPeer} belongs to another process (its secret does not match)` });
  client.child.kill('SIGKILL');
  const lines = said(client.stdout(), 'client');
  inOrder(t, lines, ['lobby joined', `host ${hostPeer} key ${hostPeer}`, 'host me key me']);
  t.false(lines.some((l) => l.startsWith('lobby failed') || l === 'fatal_error true'), lines.join('\n'));
});

test('no platform service at the --platform address: Network.fatal_error() is true and the lobby fails saying why', async (t) => {
  // A port nothing listens on: one the kernel just handed out and was closed again.
  const free = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const result = await startGame(t, LOBBY, `127.0.0.1:${free}`, ['--role', 'host', '--mode', 'hold', '--seconds', '10']).result;
  t.is(result.code, 0, result.stdout + result.stderr);
  const lines = said(result, 'host');
  t.true(lines.includes('fatal_error true'), lines.join('\n'));
  t.is(lines.at(-1), `lobby failed (cannot reach the platform service at 127.0.0.1:${free}: ECONNREFUSED)`);
});
