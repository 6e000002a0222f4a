import test from 'ava';
import { createTestVm, tempProject } from './helpers/lua.js';
import { linesOf, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { isolatedNetworkOptions } from '../src/bindings/network/network_binding.js';
import { LUA_FIELD_CHECK, LUA_SESSION, SESSION_CONFIG } from './helpers/session.js';

const files = { 'global.network_config': SESSION_CONFIG };
const lines = (output: string, peer: string): string[] => linesOf(output, peer).map((l) => l.replace(/^\d+\t/, ''));

testOnEachVm('field reads agree with the engine through remote updates, destroys, migration, a hot join and the session ending', async (t, vm) => {
  const host = `${LUA_SESSION}${LUA_FIELD_CHECK}
local joined = {}
local events = setmetatable({ game_object_sync_done = function(self, peer) joined[#joined + 1] = peer; synced = synced or frame end }, { __index = host_events })
function init()
  host_start("a1")
  units = {}
  for i = 1, 20 do units[i] = GameSession.create_game_object(session, "unit", unit_fields(i)) end
end
function update(dt)
  frame = frame + 1
  Network.update_receive(dt, events)
  if frame < 200 then
    for i, id in ipairs(units) do
      -- Some change two fields, some one: update messages mix field masks.
      if GameSession.game_object_owned(session, id) and GameSession.game_object_is_type(session, id, "unit") and (i + frame) % 3 ~= 2 then
        GameSession.set_game_object_field(session, id, "health", (i * 7 + frame) % 256)
        if (i + frame) % 3 == 0 then GameSession.set_game_object_field(session, id, "go_type", 1 + (i + frame) % 9) end
        if (i + frame) % 4 == 0 then GameSession.set_game_object_field(session, id, "position", Vector3(i, frame % 50, -i)) end
      end
    end
  end
  if synced and frame == synced + 30 then
    GameSession.destroy_game_object(session, units[3])
    GameSession.destroy_game_object(session, units[4])
    table.remove(units, 4)
    table.remove(units, 3)
    units[#units + 1] = GameSession.create_game_object(session, "pickup", { go_type = 2, flag = true })
  end
  if synced and frame == synced + 60 then
    -- Set last to 100 here, then given away: setting 100 again is no longer this peer's to do.
    GameSession.set_game_object_field(session, units[5], "health", 100)
    GameSession.migrate_game_object(session, units[5], joined[1])
    print("after migration", pcall(GameSession.set_game_object_field, session, units[5], "health", 100))
  end
  if frame <= 220 then check_fields(session, 30) end
  if frame == 220 then
    local kept = session
    Network.shutdown_game_session()
    print("after shutdown", pcall(GameSession.game_object_field, kept, 1, "health"))
    print("host", checked > 0, mismatches)
  end
  Network.update_transmit()
end`;
  const client = (peer: string, joinAt: number) => `${LUA_SESSION}${LUA_FIELD_CHECK}
local destroyed_reads = 0
local events = {
  game_object_destroyed = function(self, id)
    -- Still readable while the callback runs.
    if GameSession.game_object_field(session, id, "health") == GameSession.game_object_fields(session, id, {}).health then destroyed_reads = destroyed_reads + 1 end
  end,
  game_object_migrated_to_me = function(self, id) mine = id end,
  game_session_disconnect = function() ended = true end,
}
function init() client_start("${peer}") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame < ${joinAt} or ended_checked then return end
  if client_step() then
    if mine then GameSession.set_game_object_field(session, mine, "health", 7) end
    check_fields(session, 30)
  end
  if ended then
    check_fields(session, 30)
    print("${peer}", checked > 100, mismatches, destroyed_reads, GameSession.in_session(session))
    ended_checked = true
  end
end`;
  const result = await runPeers({ 'host.lua': host, 'early.lua': client('b2', 0), 'late.lua': client('c3', 100) }, ['--frames', '260', '--simulate', 'loss=0.2,latency=20ms', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout, '0:host'), [
    'after migration\tfalse\tGameSession.set_game_object_field: game object 7 (unit) is owned by b2, not this peer',
    'after shutdown\tfalse\tbad argument #1 to \'GameSession.game_object_field\' (this GameSession was destroyed or shut down)',
    'host\ttrue\t0',
  ]);
  // The late peer may join after the destroys.
  t.deepEqual(lines(result.stdout, '1:early'), ['b2\ttrue\t0\t2\tfalse']);
  t.regex(lines(result.stdout, '2:late').join('\n'), /^c3\ttrue\t0\t[02]\tfalse$/);
});

test('setting the value set last is answered on the Lua side, yet refusals and changes made otherwise still count', async (t) => {
  const root = tempProject(files);
  const { run, vm } = await createTestVm({ root, network: isolatedNetworkOptions(root) });
  t.teardown(() => vm.close());
  const out = run(`
Network.init_lan_client("global", 0, "a1")
session = Network.create_game_session()
session:make_game_session_host()
local id = session:create_game_object("unit", { go_type = 3, position = Vector3(1, 2, 3), rotation = Quaternion.identity(), health = 100, owner = Network.peer_id() })
local f, set = GameSession.game_object_field, GameSession.set_game_object_field
print(f(session, id, "go_type"), math.type(f(session, id, "go_type")), session:game_object_field(id, "health"), math.type(f(session, id, "health")), f(session, id, "owner"))
-- Out of range, however often: never remembered as set.
for i = 1, 2 do print(pcall(set, session, id, "health", 300)) end
print(pcall(set, session, id, "health"))
set(session, id, "health", 42.3)
set(session, id, "health", 42.3)
print(f(session, id, "health"))
-- Changed through the table form: setting the earlier value again changes it back.
session:set_game_object_fields(id, { health = 50 })
print(f(session, id, "health"))
set(session, id, "health", 42.3)
print(f(session, id, "health"))
session:set_game_object_field(id, "go_type", 3.0)
print(f(session, id, "go_type"), math.type(f(session, id, "go_type")))
-- Table values are made afresh for every read: changing one changes nothing else.
local p = f(session, id, "position")
p.x = 99
print(string.format("%.2f", f(session, id, "position").x))
print(pcall(f, {}, id, "health"))
print(pcall(f, session, id, "colour"))
print(pcall(f, session, "1", "health"))
print(pcall(f, session, 1.5, "health"))
GameSession.destroy_game_object(session, id)
print(pcall(f, session, id, "health"))
print(pcall(set, session, id, "health", 42.3))
`);
  t.deepEqual(out.trim().split('\n'), [
    '3\tinteger\t100\tfloat\ta1',
    "false\tGameSession.set_game_object_field: field 'health' of 'unit': type 'health' (float): 300 is out of range 0..255.75",
    "false\tGameSession.set_game_object_field: field 'health' of 'unit': type 'health' (float): 300 is out of range 0..255.75",
    "false\tGameSession.set_game_object_field: field 'health' of 'unit': type 'health' (float): nil is not a number",
    '42.25',
    '50',
    '42.25',
    '3\tinteger',
    '1.00',
    "false\tbad argument #1 to 'GameSession.game_object_field' (GameSession expected, got table)",
    "false\tGameSession.game_object_field: game object type 'unit' has no field 'colour'",
    'true\t42.25',
    "false\tbad argument #2 to 'GameSession.game_object_field' (game object id expected, got 1.5)",
    'false\tGameSession.game_object_field: no game object 1',
    'false\tGameSession.set_game_object_field: no game object 1',
  ]);
});
