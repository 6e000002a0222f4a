import { createTestVm, tempProject } from './helpers/lua.js';
import { SESSION_CONFIG } from './helpers/session.js';
import { luaSweep, sweepResult } from './helpers/sweep.js';
import { testOnEachVm } from './helpers/vms.js';

/** Every engine function, called with wrong types, nil, out-of-range values and dead objects. */
const SETUP = `
client = Network.init_lan_client("global")
local lobby = Network.create_lan_lobby(4)
session = Network.create_game_session()
GameSession.make_game_session_host(session)
dead_lobby = Network.create_lan_lobby(4)
Network.leave_lan_lobby(dead_lobby)
dead_client = client
`;

const SWEEP = luaSweep({
  namespaces: ['Network', 'GameSession', 'LanClient', 'LanLobby', 'LanLobbyBrowser', 'RPC'],
  garbage: ['nil', '{}', "'x'", '1.5', '-1', 'true', '2^53', 'dead_lobby', 'dead_client', 'session', "'ffffffffffffffffff'"],
  rest: ['nil', "'x'", '1.5'],
  // Functions that change what the rest of the run can do are not called.
  // Network.open_network_log writes the file it is given (test/api_surface.test.ts covers it).
  skip: ['Network.shutdown_lan_client', 'Network.shutdown_game_session', 'Network.init_lan_client', 'Network.open_network_log'],
});

testOnEachVm('every engine function called with bad arguments gets a Lua error naming the function, never a JS failure', async (t, vmUnderTest) => {
  const root = tempProject({ 'global.network_config': SESSION_CONFIG });
  const vm = await createTestVm({ root, luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.vm.close());
  const { calls, problems } = sweepResult(vm.run(SETUP + SWEEP));
  t.true(calls > 1000, `${calls} calls`);
  t.deepEqual(problems, []);
});
