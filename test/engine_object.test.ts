import { createTestVm, tempProject } from './helpers/lua.js';
import { testOnEachVm, type VmUnderTest } from './helpers/vms.js';
import { TEST_NETWORK_CONFIG } from './helpers/peers.js';

class Door {
  isOpen = false;
  constructor(readonly name: string) {}
  label(): string {
    return this.name;
  }
}

/** A VM with a `Door` kind defined from TypeScript, the way every binding defines its objects. */
async function vmWithDoors(vm: VmUnderTest) {
  const t = await createTestVm({ luaApi: vm.luaApi });
  const { lua, objects } = t.vm;
  const { bridge } = lua;
  const doors = new Map<string, Door>();
  objects.defineKind('Door');
  lua.defineFunction('Door', 'create', (L) => {
    const door = new Door(bridge.toString(L, 1)!);
    doors.set(door.name, door);
    objects.push(L, 'Door', door);
    return 1;
  });
  lua.defineFunction('Door', 'find', (L) => {
    objects.push(L, 'Door', doors.get(bridge.toString(L, 1)!)!);
    return 1;
  });
  lua.defineFunction('Door', 'open', (L) => {
    objects.check<Door>(L, 1, 'Door', 'Door.open').isOpen = true;
    return 0;
  });
  lua.defineFunction('Door', 'is_open', (L) => {
    bridge.pushBoolean(L, objects.check<Door>(L, 1, 'Door', 'Door.is_open').isOpen);
    return 1;
  });
  lua.defineFunction('Door', 'demolish', (L) => {
    objects.release(objects.check<Door>(L, 1, 'Door', 'Door.demolish'));
    return 0;
  });
  return { ...t, doors };
}

testOnEachVm('a kind defined from TypeScript: method, static and field-call forms reach the same object', async (t, vmUnderTest) => {
  const { vm, run, doors } = await vmWithDoors(vmUnderTest);
  t.teardown(() => vm.close());
  const out = run(`
    local front, back = Door.create("front"), Door.create("back")
    front:open()
    print(Door.is_open(front), front.is_open(front), stingray.Door.is_open(front), back:is_open())
    print(front.no_such_function, front.open == Door.open, type(front), Script.type_name(front), tostring(front))
    print(Door.find("front") == front, rawequal(Door.find("front"), front), ({ [front] = "found by key" })[Door.find("front")])
  `);
  t.is(out, 'true\ttrue\ttrue\tfalse\nnil\ttrue\tuserdata\tDoor\tDoor (front)\ntrue\ttrue\tfound by key\n');
  t.true(doors.get('front')!.isOpen);
  t.false(doors.get('back')!.isOpen);
});

testOnEachVm('a TypeScript kind\'s namespace is writable: added and wrapped functions are seen through every object', async (t, vmUnderTest) => {
  const { vm, run } = await vmWithDoors(vmUnderTest);
  t.teardown(() => vm.close());
  const out = run(`
    local door = Door.create("side")
    function Door.knock(self) return "knock on " .. tostring(self) end
    local open = stingray.Door.open
    Door.open = function(self) print("opening " .. tostring(self)) open(self) end
    door:open()
    print(door:knock(), door:is_open(), stingray.Door == Door)
    print(select(2, pcall(function() door.colour = "red" end)))
  `);
  // Writing a field of an engine object is the VM's own error; Lua 5.4 names the kind (__name), LuaJIT says userdata.
  const refused = vmUnderTest.name === 'luajit' ? "attempt to index upvalue 'door' (a userdata value)" : "attempt to index a Door value (upvalue 'door')";
  t.is(out, `opening Door (side)\nknock on Door (side)\ttrue\ttrue\ntest.lua:8: ${refused}\n`);
});

testOnEachVm('a released object stays a Door in Lua but every call says it is gone', async (t, vmUnderTest) => {
  const { vm, run } = await vmWithDoors(vmUnderTest);
  t.teardown(() => vm.close());
  const out = run(`
    local front, back = Door.create("front"), Door.create("back")
    Door.demolish(back)
    print(tostring(back), Script.type_name(back), front:is_open())
    print(select(2, pcall(Door.is_open, back)))
    print(select(2, pcall(Door.is_open, newproxy())))
    print(select(2, pcall(Door.is_open, Vector3())))
  `);
  t.is(
    out,
    [
      'Door (destroyed)\tDoor\tfalse',
      "bad argument #1 to 'Door.is_open' (this Door was destroyed or shut down)",
      "bad argument #1 to 'Door.is_open' (Door expected, got userdata)",
      "bad argument #1 to 'Door.is_open' (Door expected, got table)",
      '',
    ].join('\n'),
  );
});

testOnEachVm('engine objects: method, static and field-call forms, unknown keys are nil, tostring names them', async (t, vmUnderTest) => {
  const root = tempProject({ 'global.network_config': TEST_NETWORK_CONFIG });
  const vm = await createTestVm({ root, luaApi: vmUnderTest.luaApi });
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

testOnEachVm('engine tables exist bare and under stingray, are the same tables, and are writable', async (t, vmUnderTest) => {
  const root = tempProject({ 'global.network_config': TEST_NETWORK_CONFIG });
  const vm = await createTestVm({ root, luaApi: vmUnderTest.luaApi });
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

testOnEachVm('calls on the wrong object or a dead one name the function and argument', async (t, vmUnderTest) => {
  const root = tempProject({ 'global.network_config': TEST_NETWORK_CONFIG });
  const vm = await createTestVm({ root, luaApi: vmUnderTest.luaApi });
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
