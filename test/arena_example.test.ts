import test from 'ava';
import { freeUdpPort } from './helpers/ports.js';
import { runCli } from './helpers/lua.js';

const EXAMPLE = 'lua/examples/arena.lua';

test('the arena example: three peers in one process on a lossy simulated network', async (t) => {
  const result = await runCli(['run', EXAMPLE, '--peers', '3', '--simulate', 'loss=0.1,latency=40ms,jitter=10ms', '--seed', '3', '--frames', '600']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /\[0:arena\] host: game over with 2 other players/);
  t.is(result.stdout.match(/\[[12]:arena\] client: the host [0-9a-f]+ ended the game/g)?.length, 2);
  // Every peer saw the two other players appear, and the host got both chats.
  for (const peer of ['0', '1', '2']) t.is(result.stdout.match(new RegExp(`\\[${peer}:arena\\] \\w+: player \\d+ of [0-9a-f]+ appeared`, 'g'))?.length, 2, result.stdout);
  t.is(result.stdout.match(/\[0:arena\] host: chat from [0-9a-f]+: hello from/g)?.length, 2);
});

test('the arena example across two processes over UDP', async (t) => {
  const port = String(await freeUdpPort());
  const udp = ['--realtime', '--broadcast', '127.255.255.255', '--frames', '900'];
  // The host's game runs 3 s from when the client's player appeared, however long the client takes to start.
  const host = runCli(['run', EXAMPLE, ...udp, '--', '--role', 'host', '--lobby-port', port, '--seconds', '3', '--players', '1']);
  const client = await runCli(['run', EXAMPLE, ...udp, '--', '--role', 'client', '--lobby-port', port]);
  const hosted = await host;
  t.is(hosted.code, 0, hosted.stderr);
  t.is(client.code, 0, client.stderr);
  t.regex(hosted.stdout, /host: [0-9a-f]+ has every object\nhost: player \d+ of [0-9a-f]+ appeared at Vector3\(/);
  t.regex(hosted.stdout, /host: chat from [0-9a-f]+: hello from [0-9a-f]+\n[\s\S]*host: game over with 1 other players/);
  t.regex(client.stdout, /client: player 1 of [0-9a-f]+ appeared[\s\S]*client: the host [0-9a-f]+ ended the game/);
});
