import { LUA_NUMBER_TYPE, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';

const CONFIG = `
reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  game_object_id = { type = "int" min = 0 max = 65535 }
  health = { type = "float" min = 0 max = 8191.5 bits = 15 tolerance = 0.5 }
  position = { type = "vector3" min = -655.35 max = 655.35 bits = 17 tolerance = 0.01 interpolated = true interpolation_threshold = 2.5 }
  rotation = { type = "quaternion" bits = 19 }
  peer_id = { type = "int64" }
  ids = { type = "array" element = "game_object_id" max_size = 16 }
}
objects = {
  player_unit = { priority = 2 update_rate = 0.05 fields = [ { name = "position" type = "position" } { name = "health" type = "health" } ] }
}
messages = {
  rpc_ping = { args = [ "game_object_id" ] session_bound = false }
  rpc_spawn = { args = [ "position" "rotation" "ids" ] }
}
`;

testOnEachVm('type, object and message info, type indices and pack_unpack read the client\'s config', async (t, vmUnderTest) => {
  const script = `${LUA_NUMBER_TYPE}
function init()
  local before = Network.config_hash("global")
  print("hash before init", #before, before == Network.config_hash("global"))
  print(pcall(Network.type_info, "health"))
  Network.init_lan_client("global")
  local id = Network.type_info("game_object_id")
  print("id", id.type, id.min, id.max, id.bits, number_type(id.max), Network.INT == id.type)
  local h = Network.type_info("health")
  print("health", h.type, h.min, h.max, h.bits, h.tolerance)
  local ids = Network.type_info("ids")
  print("ids", ids.type, ids.max_size, ids.element, Network.ARRAY, Network.VECTOR3, Network.UINT64)
  local m = Network.message_info("rpc_ping")
  print("rpc_ping", m.session_bound, m.reliable, #m.args, m.args[1])
  print("rpc_spawn", Network.message_info("rpc_spawn").session_bound)
  local o = Network.object_info("player_unit")
  print("player_unit", #o.fields, o.fields[1].name, o.fields[2].type, o.priority, o.update_rate)
  print("has", Network.object_has_field("player_unit", "health"), Network.object_has_field("player_unit", "rotation"))
  print("index", Network.type_index("game_object_id"), Network.type_index("health"))
  print("pack int", Network.pack_unpack(Network.type_index("game_object_id"), 7.0), number_type(Network.pack_unpack(0, 7.0)))
  -- Quantized to the type's grid: within one step, and packing again changes nothing.
  local health = Network.type_index("health")
  local h1 = Network.pack_unpack(health, 100.1)
  print("pack health", h1 ~= 100.1, math.abs(h1 - 100.1) <= 8191.5 / 32767, Network.pack_unpack(health, h1) == h1)
  local position = Network.type_index("position")
  local p = Network.pack_unpack(position, Vector3(1.004, -2, 655.35))
  local step = 1310.7 / 131071
  print("pack position", math.abs(p.x - 1.004) <= step, math.abs(p.y + 2) <= step, math.abs(p.z - 655.35) <= step, Script.type_name(p), Network.pack_unpack(position, p) == p)
  print("pack ids", table.concat(Network.pack_unpack(Network.type_index("ids"), { 1, 2, 3 }), ","))
  print(pcall(Network.pack_unpack, Network.type_index("game_object_id"), 70000))
  print(pcall(Network.pack_unpack, Network.type_index("ids"), { 1, "x" }))
  print(pcall(Network.type_info, "nope"))
  print(pcall(Network.config_hash, "missing"))
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, vmUnderTest.flags, { 'global.network_config': CONFIG });
  t.is(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  t.deepEqual(lines.slice(0, 2), [
    'hash before init\t16\ttrue',
    'false\tNetwork.type_info: no network config loaded (call Network.init_lan_client(config) first)',
  ]);
  t.deepEqual(lines.slice(2, 13), [
    'id\tint\t0\t65535\t16\tinteger\ttrue',
    'health\tfloat\t0\t8191.5\t15\t0.5',
    'ids\tarray\t16\tgame_object_id\tarray\tvector3\tuint64',
    'rpc_ping\tfalse\ttrue\t1\tgame_object_id',
    'rpc_spawn\ttrue',
    'player_unit\t2\tposition\thealth\t2\t0.05',
    'has\ttrue\tfalse',
    'index\t0\t1',
    'pack int\t7\tinteger',
    'pack health\ttrue\ttrue\ttrue',
    'pack position\ttrue\ttrue\ttrue\tVector3\ttrue',
  ]);
  t.is(lines[13], 'pack ids\t1,2,3');
  t.regex(lines[14]!, /^false\tbad argument #2 to 'Network\.pack_unpack': type 'game_object_id' \(int\): 70000 is out of range 0\.\.65535$/);
  t.regex(lines[15]!, /^false\tbad argument #2 to 'Network\.pack_unpack': type 'ids' \(array\) element 2: type 'game_object_id' \(int\): "x" is not a number$/);
  t.regex(lines[16]!, /^false\tNetwork\.type_info: no type 'nope' in .*global\.network_config$/);
  t.regex(lines[17]!, /^false\tNetwork\.config_hash: network config resource 'missing' not found: no file '.*missing\.network_config'/);
});

testOnEachVm('type_info has the reference\'s id, interpolated and interpolation_threshold; message_info has arguments, each a network_type_info', async (t, vmUnderTest) => {
  const script = `
function init()
  Network.init_lan_client("global")
  local p = Network.type_info("position")
  print("position", p.id, p.name, p.interpolated, p.interpolation_threshold)
  local h = Network.type_info("health")
  print("health", h.id, h.interpolated, h.interpolation_threshold)
  local m = Network.message_info("rpc_spawn")
  print("rpc_spawn", #m.arguments, m.arguments[1].id, m.arguments[1].type, m.arguments[1].interpolated, m.arguments[3].max_size)
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, vmUnderTest.flags, { 'global.network_config': CONFIG });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split('\n'), ['position\tposition\tposition\ttrue\t2.5', 'health\thealth\tfalse\tnil', 'rpc_spawn\t3\tposition\tvector3\ttrue\t16']);
});

testOnEachVm('a network config nested 10,000 levels deep is refused with a Lua error naming the file and line, not a stack overflow', async (t, vmUnderTest) => {
  const deep = `types = { t = { type = "int" min = 0 max = 1 } }\nmessages = { m = { args = ${'['.repeat(10_000)}${']'.repeat(10_000)} } }\n`;
  const result = await runPeers({ 'a.lua': 'function init() print(pcall(Network.init_lan_client, "deep")) end function update() Application.quit() end' }, ['--frames', '1', ...vmUnderTest.flags], { 'deep.network_config': deep });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /false\t.*deep\.network_config:2:\d+: nested deeper than 64 levels of objects and arrays/);
});
