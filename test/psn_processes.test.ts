import test from 'ava';
import net from 'node:net';
import { runCli, tempProject } from './helpers/lua.js';
import { TEST_NETWORK_CONFIG } from './helpers/peers.js';
import { runHostAndClient, said, startGame, startOwned, startPlatform } from './helpers/platform.js';

const ROOM = 'test/fixtures/psn/room.lua';

/** What follows "peer " in a role's first line. */
const peerOf = (lines: string[]): string => lines[0]?.replace(/^peer /, '') ?? 'none';

test('PSN across processes: a platform service, a host with two rooms, a client that finds the right one by its searchable attribute, joins, is added to the game session by peer id; RPCs both ways; the host process ends and the room is the client\'s', async (t) => {
  const { hosted, joined } = await runHostAndClient(t, ROOM);
  const h = peerOf(said(hosted, 'host'));
  const c = peerOf(said(joined, 'client'));
  t.regex(h, /^[0-9a-f]{1,16}$/, 'a 64-bit account id as a peer id');
  t.not(h, c);
  const room = /^room ([0-9a-f]+) arena true$/m.exec(said(hosted, 'host').join('\n'))?.[1] ?? 'none';
  t.deepEqual(said(hosted, 'host'), [`peer ${h}`, `room ${room} arena true`, `members ${h}`, `members ${h},${c}`, `synced ${c}`, `chat ${c} thanks true`]);
  t.deepEqual(said(joined, 'client'), [
    `peer ${c}`,
    `found 1 ${room} arena coop 7 ${h} 1/4`,
    'room joining',
    'room joined',
    `members ${h},${c} coop ${h}`,
    `chat ${h} hello from host true`,
    // The host's process ended: its connection to the service closed, and the room passed on.
    `members ${c} coop nil`,
    `owner now ${c} ${c} ${c}`,
  ]);
});

test('the PSN room scenario also runs as two peers of one process, the same on every run', async (t) => {
  const run = () => runCli(['run', ROOM, '--peers', '2', '--simulate', 'latency=20ms,jitter=5ms', '--seed', '4', '--frames', '900']);
  const [first, second] = await Promise.all([run(), run()]);
  t.is(first.code, 0, first.stdout + first.stderr);
  t.is(first.stdout, second.stdout);
  t.regex(first.stdout, /\[1:room\] client: owner now ([0-9a-f]+) \1 \1\n/);
});

test('the platform service killed: PsnClient.lost_context, failed and Network.fatal_error turn true and the room fails, in both processes', async (t) => {
  const { platform, address } = await startPlatform(t);
  const host = startGame(t, ROOM, address, ['--role', 'host', '--mode', 'hold']);
  const client = startGame(t, ROOM, address, ['--role', 'client', '--mode', 'hold']);
  await host.waitFor(/host: held room joined\n/);
  await client.waitFor(/client: held room joined\n/);
  platform.child.kill('SIGKILL');
  const lost = `failed (the platform service at ${address} closed the connection)`;
  for (const [role, game] of [['host', host], ['client', client]] as const) {
    const result = await game.result;
    t.is(result.code, 0, result.stdout + result.stderr);
    t.deepEqual(said(result, role).slice(-4), ['ready/failed/lost_context/fatal_error true false false false', 'held room joined', 'ready/failed/lost_context/fatal_error false true true true', `held room ${lost}`]);
  }
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('no platform service at --platform: a warning says why, PsnClient.failed and lost_context turn true, ready stays false, Network.fatal_error is true', async (t) => {
  const dir = tempProject({
    'global.network_config': TEST_NETWORK_CONFIG,
    'lost.lua': `
      local client, frames = nil, 0
      local function facts() return string.format("%s %s %s %s", client:ready(), client:failed(), client:lost_context(), Network.fatal_error()) end
      function init() client = Network.init_psn_client("global") print("start", facts()) end
      function update(dt)
        Network.update(dt, {})
        frames = frames + 1
        if client:failed() or frames > 300 then print("then", facts()) Application.quit() end
      end`,
  });
  const port = await closedPort();
  const result = await startOwned(t, ['run', `${dir}/lost.lua`, '--realtime', '--platform', `127.0.0.1:${port}`]).result;
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `start\tfalse false false false\n[network] warning: PSN client: cannot reach the platform service at 127.0.0.1:${port}: ECONNREFUSED\nthen\tfalse true true true\n`);
});
