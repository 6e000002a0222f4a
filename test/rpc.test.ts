import { linesOf, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { LUA_SESSION, SESSION_CONFIG } from './helpers/session.js';

const files = { 'global.network_config': SESSION_CONFIG };

testOnEachVm('100 RPCs of every argument kind arrive in order, on channels and by peer id, through a catch-all __index table', async (t, vm) => {
  const host = `${LUA_SESSION}
local received = {}
-- A catch-all callback table, as the shipped event delegates build: every name resolves through __index.
local events = setmetatable({}, { __index = function(tbl, name)
  if name == "rpc_request_join" then return host_events.rpc_request_join end
  if name == "approve_channel" then return function() return true end end
  return function(self, sender, ...)
    if name == "rpc_everything" then
      local id, count, position, rotation, health, speed, flag, peer, text, hash, ids = ...
      received[#received + 1] = count
      if count == 99 then
        print("last", number_type(sender), number_type(id), id, string.format("%.2f %.2f", position.x, position.z),
          string.format("%.3f", rotation.w), health, speed, flag, peer, text, hash, #ids, ids[3])
      end
    elseif name == "rpc_note" then
      print("note", type(sender), sender == Network.peer_id() and "self" or "peer", ...)
    end
  end
end })
function init() host_start("a1") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame == 80 then
    local in_order = #received == 100
    for i = 1, #received do in_order = in_order and received[i] == i - 1 end
    print("received", #received, in_order)
  end
end`;
  const client = `${LUA_SESSION}
client_sending_once("b2", function()
  for i = 0, 99 do
    RPC.rpc_everything(channel, 65535, i, Vector3(1.25, -2, 655.35), Quaternion(Vector3(0, 0, 1), 0.5), 10.25, -1.5,
      i % 2 == 0, "110000100000000", "héllo", "deadbeef00000001", { 1, 2, 3 })
  end
  -- Older scripts name the peer instead of a channel.
  RPC.rpc_note(lobby:lobby_host(), "by peer id")
end)`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client }, ['--frames', '81', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(
    linesOf(result.stdout, '0:host').map((l) => l.replace(/^\d+\t/, '')),
    ['last\tinteger\tinteger\t65535\t1.25 655.35\t0.969\t10.25\t-1.5\tfalse\t110000100000000\théllo\tdeadbeef00000001\t3\t3', 'note\tstring\tpeer\tby peer id', 'received\t100\ttrue'],
  );
});

testOnEachVm('RPC arguments are checked against the declared types; RPC[unknown] is nil; captured tables keep working', async (t, vm) => {
  const script = `${LUA_SESSION}
local captured = RPC
print("before", RPC.rpc_note, RPC.nope)
function init()
  host_start("a1")
  print("captured", captured.rpc_note ~= nil, RPC.nope, stingray.RPC == RPC)
  print(pcall(RPC.rpc_count, "ffff", 1))
  print(pcall(RPC.rpc_note, "ffff"))
  print(pcall(RPC.rpc_note, "ffff", 1))
  print(pcall(RPC.rpc_note, "ffff", "a", "b"))
  print(pcall(RPC.rpc_note, {}, "a"))
  print(pcall(RPC.rpc_note, 7, "a"))
  print(pcall(RPC.rpc_everything, "ffff", 65536, 0, Vector3(0, 0, 0), Quaternion.identity(), 0, 0, true, "1", "x", "1", {}))
  print(pcall(RPC.rpc_everything, "ffff", 1, 0, Vector3(0, 0, 0), Quaternion.identity(), 0, 0, true, "1", "x", "1", { 1, 2, 3, 4, 5, 6, 7, 8, 9 }))
  Network.shutdown_game_session()
  print(pcall(RPC.rpc_count, "ffff", 1))
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, [...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split('\n'), [
    'before\tnil\tnil',
    'captured\ttrue\tnil\ttrue',
    'false\tRPC.rpc_count: no connection to peer ffff',
    'false\tRPC.rpc_note: 1 argument(s) expected after the target, got 0',
    `false\tbad argument #2 to 'RPC.rpc_note': type 'name' (string): 1 is not a string`,
    'false\tRPC.rpc_note: 1 argument(s) expected after the target, got 2',
    "false\tbad argument #1 to 'RPC.rpc_note' (channel or peer id expected, got table)",
    'false\tRPC.rpc_note: no channel 7',
    "false\tbad argument #2 to 'RPC.rpc_everything': type 'game_object_id' (int): 65536 is out of range 0..65535",
    "false\tbad argument #12 to 'RPC.rpc_everything': type 'ids' (array): an array of 9 is longer than max_size 8",
    'false\tRPC.rpc_count: the message is session bound and this peer is not in a game session',
  ]);
});
