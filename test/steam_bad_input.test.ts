import { tempProject, type TestVm } from './helpers/lua.js';
import { platformVms, STEAM_CONFIG } from './helpers/platform.js';
import { luaSweep, sweepResult } from './helpers/sweep.js';
import { testOnEachVm, type VmUnderTest } from './helpers/vms.js';

/**
 * Every function of the Steam namespaces and Network's Steam functions, called with garbage first
 * and, with the VM's live object of the namespace, with garbage after it.
 */
const SWEEP = luaSweep({
  namespaces: ['SteamClient', 'SteamLobby', 'SteamLobbyBrowser', 'SteamMisc', 'SteamGameServer', 'SteamGameServerLobby', 'SteamServerBrowser', 'Network'],
  include: 'ns ~= "Network" or name:find("steam")',
  garbage: ['nil', '{}', "'x'", '1.5', '-1', 'true', '2^53', "'ffffffffffffffffff'", "'constructor'", "'__proto__'", "'127.0.0.1:0'", 'lobby_id', 'dead_lobby', 'dead_server_lobby', 'dead_client', 'dead_server', 'dead_browser'],
  rest: ['nil', "'x'", '1.5', "'constructor'"],
  // They change what the rest of the run can do.
  skip: ['Network.init_steam_client', 'Network.shutdown_steam_client', 'Network.init_steam_server', 'Network.shutdown_steam_server'],
});

/** A Steam client VM and a Steam game server VM on one simulated network and platform service. */
async function steamVms(vmUnderTest: VmUnderTest): Promise<{ client: TestVm; server: TestVm; frames: (n: number) => void }> {
  const { vms, frames } = await platformVms(tempProject({ 'global.network_config': STEAM_CONFIG }), 2, vmUnderTest.luaApi);
  const [client, server] = vms as [TestVm, TestVm];
  return { client, server, frames };
}

testOnEachVm('every Steam function called with bad arguments, with and without a live object, gets a Lua error naming the function, never a JS failure', async (t, vmUnderTest) => {
  const { client, server, frames } = await steamVms(vmUnderTest);
  t.teardown(() => {
    client.vm.close();
    server.vm.close();
  });
  server.run(`
    dead_server = Network.init_steam_server("global", { server_name = "dead", max_players = 2, query_port = 27700 })
    Network.shutdown_steam_server(dead_server)
    steam_server = Network.init_steam_server("global", { server_name = "sweep", max_players = 2, query_port = 27701, password = "p" })
  `);
  client.run(`
    dead_client = Network.init_steam_client("global")
    dead_browser = dead_client:lobby_browser()
    Network.shutdown_steam_client(dead_client)
    steam_client = Network.init_steam_client("global")
    lobby = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4)
    dead_lobby = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4)
    Network.leave_steam_lobby(dead_lobby)
    browser = steam_client:lobby_browser()
    server_browser = steam_client:server_browser()
    server_lobby = Network.join_steam_server("127.0.0.1:27701", "p")
    dead_server_lobby = Network.join_steam_server("127.0.0.1:27701", "p")
  `);
  frames(10);
  client.run(`Network.leave_steam_server(dead_server_lobby) lobby_id = lobby:id()`);
  frames(2);
  t.is(client.run('print(lobby:state(), server_lobby:state())'), 'joined\tjoined\n', 'the sweep has a joined lobby and a joined game server lobby');
  const results = {
    client: client.run(`live = { SteamClient = steam_client, SteamLobby = lobby, SteamLobbyBrowser = browser, SteamServerBrowser = server_browser, SteamGameServerLobby = server_lobby }\n${SWEEP}`),
    server: server.run(`live = { SteamGameServer = steam_server }\n${SWEEP}`),
  };
  for (const [side, out] of Object.entries(results)) {
    const { calls, problems } = sweepResult(out);
    t.true(calls > 5000, `${side}: ${calls} calls`);
    t.deepEqual(problems, [], side);
  }
});
