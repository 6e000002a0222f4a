import { linesOf, LUA_JOINER, LUA_NUMBER_TYPE, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { LUA_SESSION, SESSION_CONFIG } from './helpers/session.js';

/** Prints each watched channel's state and reason when they change. */
const WATCH = `${LUA_NUMBER_TYPE}
frame = 0
watched = {}
local seen = {}
function watch_channels()
  for _, ch in ipairs(watched) do
    local state, why = Network.channel_state(ch)
    local line = state .. " (" .. why .. ")"
    if seen[ch] ~= line then seen[ch] = line; print(frame, "channel", ch, line) end
  end
end
`;

const HOST = `${WATCH}
local events = {
  approve_channel = function(self, channel, peer, lobby_id, message)
    print(frame, "approve?", number_type(channel), peer, lobby_id == lobby:id(), message, Network.peer_id(channel))
    watched[#watched + 1] = channel
    return message ~= "deny"
  end,
}
function init()
  Network.init_lan_client("global", 0, "a1")
  lobby = Network.create_lan_lobby(4000, 4)
end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  watch_channels()
end
`;

const CLIENT = `${WATCH}${LUA_JOINER}
function init() start_client("b2") end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  join_when_found("address") -- by the host's game address, as older scripts do
  if lobby and not host and lobby:lobby_host() then
    host = lobby:lobby_host()
    for _, message in ipairs({ "connection", "deny", "session" }) do
      local ch = lobby:open_channel(host, message)
      watched[#watched + 1] = ch
      print(frame, "opened", number_type(ch), ch, Network.channel_state(ch), Network.peer_id(ch))
    end
  end
  if frame == 40 then lobby:close_channel(watched[3]); print(frame, "closing", Network.channel_state(watched[3])) end
  watch_channels()
end
`;

testOnEachVm('channels open with approval, are refused by approve_channel, close on both sides, and coexist', async (t, vm) => {
  const result = await runPeers({ 'host.lua': HOST, 'client.lua': CLIENT }, ['--frames', '60', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const host = linesOf(result.stdout, '0:host').map((l) => l.replace(/^\d+\t/, ''));
  const joined = linesOf(result.stdout, '1:client').map((l) => l.replace(/^\d+\t/, ''));

  t.deepEqual(joined.slice(0, 3), ['opened\tinteger\t1\tconnecting\ta1', 'opened\tinteger\t2\tconnecting\ta1', 'opened\tinteger\t3\tconnecting\ta1']);
  t.deepEqual(
    host.filter((l) => l.startsWith('approve?')),
    ['approve?\tinteger\tb2\ttrue\tconnection\tb2', 'approve?\tinteger\tb2\ttrue\tdeny\tb2', 'approve?\tinteger\tb2\ttrue\tsession\tb2'],
  );
  // Each side numbers its own channels.
  t.true(joined.includes('channel\t1\tconnected ()'), joined.join('\n'));
  t.true(joined.includes('channel\t2\tdisconnected (refused by the peer)'), joined.join('\n'));
  t.true(joined.includes('channel\t3\tconnected ()'));
  t.true(joined.includes('closing\tdisconnecting\tclosed'));
  t.true(joined.includes('channel\t3\tdisconnected (closed)'));
  t.true(host.includes('channel\t1\tconnected ()'));
  t.true(host.includes('channel\t2\tdisconnected (refused)'));
  t.true(host.includes('channel\t3\tdisconnected (closed by b2)'), host.join('\n'));
  // The first channel is untouched by the others closing.
  t.false(joined.includes('channel\t1\tdisconnected'));
});

testOnEachVm('a channel to a peer that is lost ends with the connection\'s reason', async (t, vm) => {
  const host = HOST.replace('watch_channels()\nend', 'watch_channels()\n  if frame == 30 then Network.shutdown_lan_client() end\nend');
  const client = `${WATCH}${LUA_JOINER}
function init() start_client("b2") end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  join_when_found("id")
  if lobby and lobby:lobby_host() and #watched == 0 then watched[1] = lobby:open_channel(lobby:lobby_host()) end
  watch_channels()
end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client }, ['--frames', '45', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const joined = linesOf(result.stdout, '1:client').map((l) => l.replace(/^\d+\t/, ''));
  t.deepEqual(joined, ['channel\t1\tconnecting ()', 'channel\t1\tconnected ()', 'channel\t1\tdisconnected (disconnected by a1: the peer shut down its network client)']);
});

testOnEachVm('channel_state of an unknown channel is disconnected, and bad arguments name the function', async (t, vm) => {
  const script = `
function init()
  Network.init_lan_client("global")
  local lobby = Network.create_lan_lobby(4)
  print(Network.channel_state(99))
  print(pcall(Network.channel_state, "x"))
  print(pcall(Network.peer_id, 99))
  print(pcall(lobby.open_channel, lobby, "beef"))
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, [...vm.flags]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split('\n'), [
    'disconnected\tno channel 99',
    "false\tbad argument #1 to 'Network.channel_state' (channel expected, got string)",
    'false\tNetwork.peer_id: no channel 99',
    'false\tLanLobby.open_channel: the lobby is creating, not joined',
  ]);
});

testOnEachVm('closing a channel delivers every reliable message queued on it before the close', async (t, vm) => {
  const host = `${LUA_SESSION}
local got = 0
local events = setmetatable({
  rpc_note = function(self, channel, text)
    got = got + 1
    if text ~= "note " .. got then print("out of order", text) end
    watched[1] = channel
  end,
}, { __index = host_events })
watched = {}
function init() host_start("a1") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if watched[1] and not reported and Network.channel_state(watched[1]) == "disconnected" then
    reported = true
    print("notes before the close", got, select(2, Network.channel_state(watched[1])))
  end
end`;
  const client = `${LUA_SESSION}
function init() client_start("b2") end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  client_step()
  if channel and not closed and Network.channel_state(channel) == "connected" then
    for i = 1, 200 do RPC.rpc_note(channel, "note " .. i) end
    lobby:close_channel(channel)
    closed = true
    print("closing", Network.channel_state(channel))
  end
  if closed and not done and Network.channel_state(channel) == "disconnected" then done = true; print("closed", select(2, Network.channel_state(channel))) end
end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client }, ['--frames', '300', '--simulate', 'loss=0.2,latency=30ms', ...vm.flags], { 'global.network_config': SESSION_CONFIG });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(linesOf(result.stdout, '0:host'), ['notes before the close\t200\tclosed by b2']);
  t.deepEqual(linesOf(result.stdout, '1:client'), ['closing\tdisconnecting\tclosed', 'closed\tclosed']);
});
