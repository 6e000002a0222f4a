import test from 'ava';
import { freeUdpPort } from './helpers/ports.js';
import { runCli, startCli } from './helpers/lua.js';
import { testOnEachVm } from './helpers/vms.js';

const EXAMPLE = 'lua/examples/lan_lobby.lua';

testOnEachVm('the LAN example runs across two processes over UDP on loopback', async (t, vm) => {
  const port = String(await freeUdpPort());
  const udp = ['--realtime', '--broadcast', '127.255.255.255', '--frames', '600', ...vm.flags];
  const host = startCli(['run', EXAMPLE, ...udp, '--', '--role', 'host', '--lobby-port', port]);
  await host.waitFor(/host: lobby [0-9a-f]+ is open/);
  const client = await runCli(['run', EXAMPLE, ...udp, '--', '--role', 'client', '--lobby-port', port]);
  const hosted = await host.result;
  t.is(client.code, 0, client.stderr);
  t.is(hosted.code, 0, hosted.stderr);
  const lobbyId = /host: lobby ([0-9a-f]+) is open/.exec(hosted.stdout)?.[1];
  t.truthy(lobbyId, hosted.stdout);
  t.regex(client.stdout, new RegExp(`client: found lobby ${lobbyId} hosted by [0-9a-f]+ \\(game patrol, up to 8 players\\)`));
  t.regex(client.stdout, /client: channel 1 to [0-9a-f]+ connected, ping \d+ ms/);
  t.regex(hosted.stdout, /host: [0-9a-f]+ asks for a "connection" channel \(1\) in lobby [0-9a-f]+\nhost: 2 members, all channels approved/);
});

test('the LAN example runs three peers in one process on the simulator', async (t) => {
  const result = await runCli(['run', EXAMPLE, '--peers', '3', '--simulate', 'loss=0.1,latency=50ms,jitter=20ms', '--seed', '5', '--frames', '900', '--', '--members', '3']);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout.match(/client: channel 1 to [0-9a-f]+ connected/g)?.length, 2, result.stdout);
  t.regex(result.stdout, /\[0:lan_lobby\] host: 3 members, all channels approved/);
});
