import test from 'ava';
import { runCli, tempProject } from './helpers/lua.js';
import { TEST_NETWORK_CONFIG } from './helpers/peers.js';
import { inOrder, runHostAndClient, said, startOwned, startPlatform } from './helpers/platform.js';
import { testOnEachVm } from './helpers/vms.js';

const SESSION = 'test/fixtures/xbox/session.lua';

// One scenario per platform also runs its processes on LuaJIT (they are mostly waiting on the realtime clock).
testOnEachVm('Xbox Live across processes: a platform service, a host console with three sessions, a client console that browses by template and keyword, looks up the handle, joins, reads the host user\'s activity, is added to the game session by peer id; RPCs both ways; the host process ends and the session is the client\'s', async (t, vmUnderTest) => {
  const { hosted, joined } = await runHostAndClient(t, SESSION, vmUnderTest.flags);
  const [h, c] = [said(hosted, 'host'), said(joined, 'client')].map((lines) => /^peer ([0-9a-f]+) true$/.exec(lines[0] ?? '')?.[1] ?? 'none');
  t.regex(h!, /^9[0-9a-f]{12}$/, 'a console id: 0x0009, 40 random bits, a zero low byte for local users');
  t.not(h, c);
  // A local user's xuid is its console's id plus its user id, in decimal.
  const [hx, cx] = [h!, c!].map((peer) => BigInt(`0x${peer}`).toString());
  const handle = /^ready (\S+) true$/m.exec(said(hosted, 'host').join('\n'))?.[1] ?? 'none';
  t.regex(handle, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a GUID-shaped session handle');
  // The host may see the client among the members as soon as its own session is ready.
  inOrder(t, said(hosted, 'host'), [`peer ${h} true`, `ready ${handle} true`, `members ${hx}/${h},${cx}/${c}`, `synced ${c}`, `chat ${c} thanks true`]);
  const client = said(joined, 'client');
  t.deepEqual(client.slice(0, 6), [
    `peer ${c} true`,
    `found 1 game1 deathmatch ${h} 1/4`,
    'session working',
    'described game1 deathmatch',
    'session ready',
    `members ${hx}/${h},${cx}/${c} ${h}`,
  ]);
  // The host's chat and the activity job's answer come from two processes: either may be first.
  t.deepEqual(client.slice(6, 8).sort(), [`activity ${hx} game1 deathmatch true 2/4`, `chat ${h} hello from host true`]);
  // The host's process ended: its connection to the service closed, and the session passed on.
  t.deepEqual(client.slice(8), [`members ${cx}/${c} ${c}`, `host now ${c} ${cx}/${c}`]);
});

test('the Xbox Live session scenario also runs as two peers of one process, the same on every run', async (t) => {
  const run = () => runCli(['run', SESSION, '--peers', '2', '--simulate', 'latency=20ms,jitter=5ms', '--seed', '4', '--frames', '900']);
  const [first, second] = await Promise.all([run(), run()]);
  t.is(first.code, 0, first.stdout + first.stderr);
  t.is(first.stdout, second.stdout);
  t.regex(first.stdout, /\[1:session\] client: host now ([0-9a-f]+) \d+\/\1\n/);
});

test('the platform service killed: the Xbox Live session turns BROKEN, Network.fatal_error() true, and a job started afterwards FAILS saying why', async (t) => {
  const dir = tempProject({
    'global.network_config': TEST_NETWORK_CONFIG,
    'lost.lua': `
      local last, job, time = nil, nil, 0
      function init() Network.init_xboxlive_client("global") sid = Network.create_multiplayer_session_host(0, "game1", "deathmatch", 0, 4) end
      function update(dt)
        time = time + dt
        Network.update(dt, {})
        local line = MultiplayerSession.status(sid) .. " " .. tostring(Network.fatal_error())
        if line ~= last then print(line) last = line end
        if Network.fatal_error() and not job then job = Network.handle_to_description(0, "some-handle") end
        if job and Network.handle_to_description_status(job) ~= "working" then
          print(Network.handle_to_description_status(job), select(2, pcall(Network.handle_to_description_result, job)))
          Application.quit()
        end
        if time > 20 then print("timeout") Application.quit(3) end
      end`,
  });
  const { platform, address } = await startPlatform(t);
  const game = startOwned(t, ['run', `${dir}/lost.lua`, '--realtime', '--platform', address]);
  await game.waitFor(/^ready false$/m);
  platform.child.kill('SIGKILL');
  const result = await game.result;
  t.is(result.code, 0, result.stdout + result.stderr);
  const lost = `the platform service at ${address} closed the connection`;
  t.deepEqual(result.stdout.trimEnd().split('\n'), [
    'working false',
    'ready false',
    `[network] warning: Xbox Live client: ${lost}`,
    'broken true',
    `failed\tNetwork.handle_to_description_result: job 1 is failed (${lost}); read its result once Network.handle_to_description_status says COMPLETE`,
  ]);
});
