import test from 'ava';
import { createTestVm, tempProject } from './helpers/lua.js';
import { TEST_NETWORK_CONFIG } from './helpers/peers.js';

test('engine objects: method, static and field-call forms, unknown keys are nil, tostring names them', async (t) => {
  const root = tempProject({ 'global.network_config': TEST_NETWORK_CONFIG });
  const vm = await createTestVm({ root });
  t.teardown(() => vm.vm.close());
  const out = vm.run(`
    local client = Network.init_lan_client("global", 0, "abc")
    local lobby = Network.create_lan_lobby(4)
    print(lobby:state(), LanLobby.state(lobby), lobby.state(lobby), stingray.LanLobby.state(lobby))
    print(lobby.kick ~= nil, lobby.no_such_function, client.lobby_browser ~= nil)
    print(tostring(client), tostring(lobby):match("^LanLobby %(%x+, creating%)$") ~= nil, Script.type_name(lobby))
    print(client:lobby_browser() == client:lobby_browser(), lobby == lobby)
    local seen = { [lobby] = "used as a key" }
    print(seen[Network.game_session() or lobby])
  `);
  t.is(out, 'creating\tcreating\tcreating\tcreating\ntrue\tnil\ttrue\nLanClient (abc on port 49152)\ttrue\tLanLobby\ntrue\ttrue\nused as a key\n');
});

test('engine tables exist bare and under stingray, are the same tables, and are writable', async (t) => {
  const root = tempProject({ 'global.network_config': TEST_NETWORK_CONFIG });
  const vm = await createTestVm({ root });
  t.teardown(() => vm.vm.close());
  const out = vm.run(`
    local same = true
    for _, name in ipairs({ "Network", "GameSession", "RPC", "LanLobby", "LanClient", "LanLobbyBrowser", "Application", "Vector3", "Quaternion", "Script" }) do
      same = same and _G[name] ~= nil and _G[name] == stingray[name]
    end
    print(same)
    -- Scripts add functions and wrap engine ones.
    Network.is_active = function() return true end
    local original = Network.peer_id
    stingray.Network.peer_id = function() return "wrapped " .. tostring(original()) end
    print(stingray.Network.is_active(), Network.peer_id())
    local client = Network.init_lan_client("global")
    LanClient.extra = function(self) return "extended" end
    print(client:extra())
  `);
  t.is(out, 'true\ntrue\twrapped nil\nextended\n');
});

test('calls on the wrong object or a dead one name the function and argument', async (t) => {
  const root = tempProject({ 'global.network_config': TEST_NETWORK_CONFIG });
  const vm = await createTestVm({ root });
  t.teardown(() => vm.vm.close());
  const out = vm.run(`
    local client = Network.init_lan_client("global")
    local lobby = Network.create_lan_lobby(4)
    print(pcall(LanLobby.state, client))
    print(pcall(LanLobby.state, {}))
    print(pcall(LanLobby.state))
    Network.leave_lan_lobby(lobby)
    print(pcall(lobby.state, lobby))
  `);
  t.is(
    out,
    [
      "false\tbad argument #1 to 'LanLobby.state' (LanLobby expected, got LanClient)",
      "false\tbad argument #1 to 'LanLobby.state' (LanLobby expected, got table)",
      "false\tbad argument #1 to 'LanLobby.state' (LanLobby expected, got no value)",
      "false\tbad argument #1 to 'LanLobby.state' (this LanLobby was destroyed or shut down)",
      '',
    ].join('\n'),
  );
});
