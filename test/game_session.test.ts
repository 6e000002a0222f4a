import { linesOf, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { LUA_SESSION, SESSION_CONFIG } from './helpers/session.js';

const files = { 'global.network_config': SESSION_CONFIG };
const strip = (lines: string[]): string[] => lines.map((l) => l.replace(/^\d+\t/, ''));

testOnEachVm('hot join: a peer added to a running session gets every object, then the host hears sync done; fields replicate within tolerance', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({
  game_object_sync_done = function(self, peer) print(frame, "sync done", peer, "objects", #GameSession.objects_owned_by(session, Network.peer_id())) end,
  game_object_created = function(self, id, owner)
    theirs = id
    print(frame, "created", owner, GameSession.game_object_field(session, id, "health"))
  end,
}, { __index = host_events })
function init()
  host_start("a1")
  units = {}
  for i = 1, 150 do units[i] = GameSession.create_game_object(session, "unit", unit_fields(i)) end
  pickup = GameSession.create_game_object(session, "pickup", { go_type = 2, flag = false })
end
function update(dt)
  frame = frame + 1
  Network.update_receive(dt, events)
  -- Written every frame, as scripts do; only changes travel.
  for i, id in ipairs(units) do
    GameSession.set_game_object_field(session, id, "position", Vector3(i, math.min(frame, 60) * 0.5, 0))
  end
  if frame == 60 then GameSession.set_game_object_field(session, pickup, "flag", true) end
  if frame == 110 then print(frame, "client unit health", GameSession.game_object_field(session, theirs, "health")) end
  Network.update_transmit()
end`;
  const client = `${LUA_SESSION}
local created = 0
local events = {
  game_object_created = function(self, id, owner) created = created + 1 end,
}
function init() client_start("b2") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if client_step() and not mine then
    print("in session", GameSession.game_session_host(session), table.concat(GameSession.peers(session), ","), table.concat(GameSession.other_peers(session), ","))
    mine = GameSession.create_game_object(session, "unit", unit_fields(-1))
    GameSession.set_game_object_field(session, mine, "health", 42.3)
  end
  if frame == 110 then
    print("created", created)
    local worst, n = 0, 0
    for i = 1, 150 do
      local p = GameSession.game_object_field(session, i, "position")
      worst = math.max(worst, math.abs(p.x - i), math.abs(p.y - 30))
      n = n + 1
    end
    print("positions", n, worst <= 0.01)
    print("pickup flag", GameSession.game_object_field(session, 151, "flag"), GameSession.game_object_is_type(session, 151, "pickup"))
    print("owner", GameSession.game_object_owner(session, 1), GameSession.game_object_owned(session, 1), GameSession.game_object_owned(session, mine))
  end
end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client }, ['--frames', '112', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  const hostLines = strip(linesOf(result.stdout, '0:host'));
  const clientLines = strip(linesOf(result.stdout, '1:client'));
  // The client's own object may arrive before or after its sync completes; its later write arrives too.
  t.deepEqual([...hostLines].sort(), ['client unit health\t42.25', 'created\tb2\t100', 'sync done\tb2\tobjects\t151']);
  t.is(hostLines.at(-1), 'client unit health\t42.25');
  t.deepEqual(clientLines, ['in session\ta1\tb2,a1\ta1', 'created\t151', 'positions\t150\ttrue', 'pickup flag\ttrue\ttrue', 'owner\ta1\tfalse\ttrue']);
});

testOnEachVm('writing what you do not own, unknown fields and out-of-range values are Lua errors naming them', async (t, vm) => {
  const script = `${LUA_SESSION}
function init()
  host_start("a1")
  local id = GameSession.create_game_object(session, "unit", unit_fields(1))
  print(pcall(GameSession.set_game_object_field, session, id, "speed", 1))
  print(pcall(GameSession.set_game_object_field, session, id, "health", 300))
  print(pcall(GameSession.set_game_object_field, session, id, "position", "here"))
  print(pcall(GameSession.create_game_object, session, "unit", { go_type = 1 }))
  print(pcall(GameSession.create_game_object, session, "tank", {}))
  print(pcall(GameSession.game_object_field, session, 999, "health"))
  print(pcall(session.set_game_object_fields, session, id, { health = 10, colour = 1 }))
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, [...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split('\n'), [
    "false\tGameSession.set_game_object_field: game object type 'unit' has no field 'speed'",
    "false\tGameSession.set_game_object_field: field 'health' of 'unit': type 'health' (float): 300 is out of range 0..255.75",
    `false\tGameSession.set_game_object_field: field 'position' of 'unit': type 'position' (vector3): "here" is not a Vector3`,
    "false\tGameSession.create_game_object: 'unit' needs a value for every field; missing position, rotation, health, owner",
    "false\tGameSession.create_game_object: no object type 'tank' in " + result.stdout.split("no object type 'tank' in ")[1]!.split('\n')[0],
    'false\tGameSession.game_object_field: no game object 999',
    "false\tGameSession.set_game_object_fields: game object type 'unit' has no field 'colour'",
  ]);
});

testOnEachVm('single player: a host session without peers creates, writes, reads and destroys objects', async (t, vm) => {
  const script = `${LUA_SESSION}
function init()
  host_start("a1")
  local id = GameSession.create_game_object(session, "unit", unit_fields(3))
  GameSession.set_game_object_fields(session, id, { health = 12.5, position = Vector3(1, 2, 3) })
  local out = GameSession.game_object_fields(session, id, {})
  -- Values read back as the wire delivers them: on the type's grid, within one step.
  local p = out.position
  print(number_type(id), out.health, math.abs(p.x - 1) < 0.01 and math.abs(p.z - 3) < 0.01, out.owner == Network.peer_id(), GameSession.in_session(session))
  local flat = {}
  print("array", GameSession.game_object_fields_array(session, id, flat), flat[1], flat[3])
  print("has", GameSession.has_game_object_field(session, id, "rotation"), GameSession.has_game_object_field(session, id, "nope"))
  GameSession.destroy_game_object(session, id)
  print("exists", GameSession.game_object_exists(session, id), #GameSession.other_peers(session), GameSession.game_session_host(session) == Network.peer_id())
  Network.shutdown_game_session()
  Network.shutdown_game_session()
  print("after", Network.game_session())
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, [...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split('\n'), [
    'integer\t12.5\ttrue\ttrue\ttrue',
    'array\t10\tgo_type\tposition',
    'has\ttrue\tfalse',
    'exists\tfalse\t0\ttrue',
    'after\tnil',
  ]);
});

testOnEachVm('a string field too large for one update message is refused where it is set, naming the field and the limit; the session goes on', async (t, vm) => {
  const config = SESSION_CONFIG.replace('objects = {', 'objects = {\n  player = { fields = [ { name = "name" type = "name" } { name = "go_type" type = "lookup" } ] }');
  const host = `${LUA_SESSION}
local events = setmetatable({
  game_object_sync_done = function(self, peer)
    print(pcall(GameSession.set_game_object_field, session, player, "name", string.rep("x", 3000)))
    print(pcall(GameSession.set_game_object_fields, session, player, { go_type = 9, name = string.rep("y", 3000) }))
    print(pcall(GameSession.create_game_object, session, "player", { name = string.rep("z", 3000), go_type = 1 }))
    print("name", #GameSession.game_object_field(session, player, "name"), "go_type", GameSession.game_object_field(session, player, "go_type"), "objects", #GameSession.objects_owned_by(session, Network.peer_id()))
    GameSession.set_game_object_field(session, player, "name", string.rep("w", 400))
  end,
}, { __index = host_events })
function init()
  host_start("a1")
  player = GameSession.create_game_object(session, "player", { name = "short", go_type = 1 })
end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
end`;
  const client = `${LUA_SESSION}
function init() client_start("b2") end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  if client_step() and frame == 119 then print("name", #GameSession.game_object_field(session, 1, "name")) end
end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client }, ['--frames', '120', ...vm.flags], { 'global.network_config': config });
  t.is(result.code, 0, result.stderr);
  const [set, setMany, create, after] = strip(linesOf(result.stdout, '0:host'));
  for (const [fn, refused] of [['set_game_object_field', set], ['set_game_object_fields', setMany], ['create_game_object', create]] as const) {
    t.regex(refused ?? '', new RegExp(`^false\\t(host\\.lua:\\d+: )?GameSession\\.${fn}: the fields of a 'player' object would take 30\\d\\d bytes \\(field 'name' 3002 bytes\\); an object's fields must fit in one update message, at most \\d+ bytes for this type$`));
  }
  t.is(after, 'name\t5\tgo_type\t1\tobjects\t1', 'nothing was changed or created');
  t.deepEqual(strip(linesOf(result.stdout, '1:client')), ['name\t400']);
});
