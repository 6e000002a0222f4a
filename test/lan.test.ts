import { LUA_JOINER, LUA_LOBBY_REPORT as REPORT, linesOf, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';

const HOST = `${REPORT}
function init()
  client = Network.init_lan_client("global", 0, "a1")
  lobby = Network.create_lan_lobby(4000, 3)
  print("after create", lobby:state(), number_type(#lobby:members()))
end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  if frame == 1 then lobby:set_data("mode", 3); lobby:set_data("ratio", 0.5); lobby:set_data("name", "arena") end
  report()
end
`;

const joiner = (peer: string, extra = '') => `${REPORT}
function init()
  client = Network.init_lan_client("global", 0, "${peer}")
  browser = client:lobby_browser()
end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  if frame == 5 then browser:refresh(4000); print("refreshing", browser:is_refreshing()) end
  if frame > 5 and not lobby and not browser:is_refreshing() then
    print("found", browser:num_lobbies(), browser:lobby(1))
    local entry = browser:lobby(0)
    print("entry", entry.id == browser:data_all(0).id, entry.host, entry.mode, entry.ratio, entry.name, entry.address ~= nil)
    lobby = Network.join_lan_lobby(entry.id)
    print("after join", lobby:state(), lobby:lobby_host())
  end
  report()
  ${extra}
end
`;

testOnEachVm('a lobby is created, found by a browser, joined; states change only inside Network.update', async (t, vm) => {
  const result = await runPeers({ 'host.lua': HOST, 'client.lua': joiner('b2') }, ['--frames', '40', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const host = linesOf(result.stdout, '0:host');
  const client = linesOf(result.stdout, '1:client');
  t.deepEqual(host.slice(0, 2), ['after create\tcreating\tinteger', '1\tjoined host=a1 data.host=a1 members=a1']);
  t.true(host.some((l) => /^\d+\tjoined host=a1 data.host=a1 members=a1,b2$/.test(l)), host.join('\n'));
  t.deepEqual(client.slice(0, 3), ['refreshing\ttrue', 'found\t1\tnil', 'entry\tfalse\ta1\t3\t0.5\tarena\ttrue']);
  t.is(client[3], 'after join\tjoining\tnil');
  t.regex(client[4]!, /^\d+\tjoining host=nil data.host=nil members=$/);
  t.regex(client[5]!, /^\d+\tjoined host=a1 data.host=a1 members=a1,b2$/);
});

testOnEachVm('when the lobby host leaves, the longest-present member takes over; a kicked member fails', async (t, vm) => {
  const host = HOST.replace('report()\nend', 'report()\n  if frame == 60 then Network.leave_lan_lobby(lobby); lobby = nil; print("left") end\nend');
  const result = await runPeers(
    {
      'host.lua': host,
      // By zero-based member index: b2 owns the lobby by then, c3 is its second member.
      'first.lua': joiner('b2', 'if frame == 100 then print("kick out of range", pcall(lobby.kick, lobby, 2)) lobby:kick(1) end'),
      'second.lua': joiner('c3', 'if frame == 90 then print("kick by member", pcall(lobby.kick, lobby, "b2")) end'),
    },
    ['--frames', '130', ...vm.flags],
  );
  t.is(result.code, 0, result.stderr);
  const first = linesOf(result.stdout, '1:first');
  const second = linesOf(result.stdout, '2:second');
  t.true(first.some((l) => /joined host=b2 data.host=b2 members=b2,c3$/.test(l)), first.join('\n'));
  t.true(second.some((l) => /joined host=b2 data.host=b2 members=b2,c3$/.test(l)), second.join('\n'));
  t.true(second.some((l) => l.startsWith('kick by member\tfalse\t') && l.includes("LanLobby.kick: only the lobby host can do this (the lobby host is b2)")));
  t.regex(second.at(-1)!, /failed host=nil data.host=b2 members=b2 why=kicked by the lobby host$/);
  t.regex(first.at(-1)!, /joined host=b2 data.host=b2 members=b2$/);
  t.true(first.includes("kick out of range\tfalse\tbad argument #2 to 'LanLobby.kick' (member index 2 is not in 0..1)"), first.join('\n'));
});

testOnEachVm('joining a full lobby fails with the reason; lobby data is the host\'s to write', async (t, vm) => {
  const host = HOST.replace('create_lan_lobby(4000, 3)', 'create_lan_lobby(4000, 1)');
  const client = joiner('b2', 'if lobby and lobby:state() == "failed" and not shown then shown = true; print("set_data", pcall(lobby.set_data, lobby, "k", "v")) end');
  const result = await runPeers({ 'host.lua': host, 'client.lua': client }, ['--frames', '40', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const lines = linesOf(result.stdout, '1:client');
  t.true(lines.some((l) => /failed host=nil data.host=nil members= why=lobby [0-9a-f]+ is full \(1 members\)$/.test(l)), lines.join('\n'));
  t.true(lines.some((l) => l.startsWith('set_data\tfalse\t') && l.includes('only the lobby host can do this (the lobby is failed)')));
});

testOnEachVm('browser filters keep the lobbies whose data compares as asked', async (t, vm) => {
  const browse = (filters: string) => `
function init() client = Network.init_lan_client("global", 0, "b2"); browser = client:create_lobby_browser(); ${filters} end
frame = 0
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  if frame == 5 then browser:refresh(4000) end
  if frame == 30 then print("found", browser:num_lobbies()); client:destroy_lobby_browser(browser) end
end`;
  const result = await runPeers(
    {
      'host.lua': HOST,
      'equal.lua': browse('browser:add_filter("mode", 3, LanLobbyBrowser.EQUAL)'),
      'greater.lua': browse('browser:add_filter("mode", "10", "greater")'),
      'cleared.lua': browse('browser:add_filter("name", "other"); browser:clear_filters()'),
    },
    ['--frames', '35', ...vm.flags],
  );
  t.is(result.code, 0, result.stderr);
  t.deepEqual(linesOf(result.stdout, '1:equal'), ['found\t1']);
  t.deepEqual(linesOf(result.stdout, '2:greater'), ['found\t0']);
  t.deepEqual(linesOf(result.stdout, '3:cleared'), ['found\t1']);
});

testOnEachVm('one network subsystem at a time; shutdown is idempotent and kills the objects', async (t, vm) => {
  const script = `
function init()
  local client = Network.init_lan_client("global")
  print("peer id", type(Network.peer_id()), Network.peer_id() == Network.peer_id():lower())
  print("second", pcall(Network.init_lan_client, "global"))
  local lobby = Network.create_lan_lobby(2)
  Network.shutdown_lan_client(client)
  Network.shutdown_lan_client(client)
  print("peer id after", Network.peer_id())
  print("dead lobby", pcall(lobby.state, lobby))
  print("again", Network.init_lan_client("global", 0, 255) ~= nil, Network.peer_id())
  Application.quit()
end`;
  const result = await runPeers({ 'solo.lua': script }, [...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  t.is(lines[0], 'peer id\tstring\ttrue');
  t.regex(lines[1]!, /^second\tfalse\tNetwork\.init_lan_client: a LAN client is already running; only one network subsystem at a time/);
  t.is(lines[2], 'peer id after\tnil');
  t.regex(lines[3]!, /^dead lobby\tfalse\t.*bad argument #1 to 'LanLobby\.state' \(this LanLobby was destroyed or shut down\)/);
  t.is(lines[4], 'again\ttrue\tff');
});

testOnEachVm('a peer with another network config is refused, and the reason names its own hash (the host reveals only a reason code)', async (t, vm) => {
  const client = joiner('b2').replace('"global"', '"other"');
  const other = 'reliable_send_buffer_size = 32768\nreliable_receive_buffer_size = 32768\ntypes = {}\nobjects = {}\nmessages = { rpc_other = { args = [] } }\n';
  const result = await runPeers({ 'host.lua': HOST, 'client.lua': client }, ['--frames', '40', ...vm.flags], { 'other.network_config': other });
  t.is(result.code, 0, result.stderr);
  const lines = linesOf(result.stdout, '1:client');
  t.true(lines.some((l) => /failed .* why=cannot reach the lobby host at .*: network config mismatch: a1 at 127\.0\.0\.1:\d+ does not use config hash [0-9a-f]{16}$/.test(l)), lines.join('\n'));
});

testOnEachVm('lobby data tables, numbers stored as LuaJIT prints them, max members, the game session host, member buffers', async (t, vm) => {
  const host = `${REPORT}
function init()
  client = Network.init_lan_client("global", 0, "a1")
  lobby = Network.create_lan_lobby(4000, 2)
end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  if frame == 1 then
    lobby:set_data_table({ num_players = 1.0, ratio = 2.5, name = "arena", private = false })
    lobby:set_game_session_host(Network.peer_id())
    lobby:set_max_members(3)
    print("data", lobby:data("num_players"), lobby:data("ratio"), lobby:data("private"), lobby:game_session_host())
    print(pcall(lobby.set_data_table, lobby, { [1] = "x" }))
  end
end`;
  const clientScript = (peer: string) => `${REPORT}
function init()
  client = Network.init_lan_client("global", 0, "${peer}")
  browser = client:create_lobby_browser()
end
local buffer = { "stale", "stale", "stale", "stale" }
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  if frame == 5 then browser:refresh(4000) end
  if frame > 5 and not lobby and not browser:is_refreshing() and browser:num_lobbies() > 0 then
    local entry = browser:data_all(0)
    print("entry", entry.num_players, entry.ratio, entry.name, entry.id)
    lobby = Network.join_lan_lobby(browser:lobby(0).address)
    browser:destroy()
    print("destroyed browser", pcall(browser.num_lobbies, browser))
  end
  if frame == 40 then
    local members, count = lobby:members(buffer)
    print("members", members == buffer, count, #buffer, lobby:game_session_host(), lobby:state())
  end
end`;
  const result = await runPeers({ 'host.lua': host, 'one.lua': clientScript('b2'), 'two.lua': clientScript('c3') }, ['--frames', '41', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(linesOf(result.stdout, '0:host'), ['data\t1\t2.5\tfalse\ta1', "false\tbad argument #2 to 'LanLobby.set_data_table' (keys must be strings, got number)"]);
  for (const peer of ['1:one', '2:two']) {
    const lines = linesOf(result.stdout, peer);
    t.deepEqual(lines.slice(0, 2), ['entry\t1\t2.5\tarena\tnil', "destroyed browser\tfalse\tbad argument #1 to 'LanLobbyBrowser.num_lobbies' (this LanLobbyBrowser was destroyed or shut down)"]);
    t.is(lines[2], 'members\ttrue\t3\t3\ta1\tjoined');
  }
});

/** Lua: `show_member_data(...)` prints each member's "ready" as this peer sees it, in member order, when that changes. */
const SHOW_MEMBER_DATA = `
local shown
function show_member_data()
  if not lobby or lobby:state() ~= "joined" then return end
  local parts = {}
  for _, peer in ipairs(lobby:members()) do parts[#parts + 1] = peer .. "=" .. tostring(lobby:member_data(peer, "ready")) end
  local line = table.concat(parts, " ")
  if line ~= shown then print("ready", line); shown = line end
end
`;

testOnEachVm('member data: each member sets its own, every member sees everyone\'s; own_data at once; bounded; kept through a lobby host migration', async (t, vm) => {
  const host = `${SHOW_MEMBER_DATA}${HOST.replace('report()\nend', `report()
  show_member_data()
  if frame == 2 then lobby:set_member_data("ready", "no") end
  if frame == 60 then Network.leave_lan_lobby(lobby); lobby = nil; print("left") end
end`)}`;
  const member = (peer: string, ready: string) =>
    `${SHOW_MEMBER_DATA}${joiner(peer, `show_member_data()
  if lobby and lobby:state() == "joined" and not set then
    set = true
    print("before", lobby:own_data("ready"))
    lobby:set_member_data("ready", ${ready})
    print("own", lobby:own_data("ready"), number_type(lobby:own_data("ready")))
    print(pcall(lobby.set_member_data, lobby, "big", string.rep("x", 5000)))
    print("own big", lobby:own_data("big"))
  end`)}`;
  const result = await runPeers({ 'host.lua': host, 'first.lua': member('b2', '1'), 'second.lua': member('c3', '"yes"') }, ['--frames', '100', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const ready = (peer: string) => linesOf(result.stdout, peer).filter((l) => l.startsWith('ready\t'));
  t.is(ready('0:host').at(-1), 'ready\ta1=no b2=1 c3=yes', 'the lobby host sees every member\'s data');
  t.is(ready('2:second').at(-2), 'ready\ta1=no b2=1 c3=yes', 'so does a member');
  // After the host left, b2 owns the lobby and still knows c3's data, as c3 knows b2's.
  t.is(ready('1:first').at(-1), 'ready\tb2=1 c3=yes');
  t.is(ready('2:second').at(-1), 'ready\tb2=1 c3=yes');
  const second = linesOf(result.stdout, '2:second');
  t.true(second.includes('before\tnil'));
  t.true(second.includes('own\tyes\tnil'));
  t.true(second.includes("false\tLanLobby.set_member_data: this member's data would take 5011 bytes; at most 4096"), second.join('\n'));
  t.true(second.includes('own big\tnil'), 'a refused value is not kept');
  t.true(linesOf(result.stdout, '1:first').includes('own\t1\tnil'), 'numbers are stored as the text LuaJIT prints');
});

testOnEachVm('state-changing lobby functions that fail change nothing: each refused call leaves the lobby as it was, and it is still found and writable', async (t, vm) => {
  const host = `
function init()
  Network.init_lan_client("global", 0, "a1")
  lobby = Network.create_lan_lobby(4000, 8)
end
local function snapshot()
  return table.concat({ LanLobby.state(lobby), tostring(LanLobby.lobby_host(lobby)), tostring(LanLobby.data(lobby, "k")), tostring(LanLobby.data(lobby, "big")),
    tostring(LanLobby.data(lobby, "host")), table.concat(LanLobby.members(lobby), ","), tostring(LanLobby.game_session_host(lobby)),
    tostring(LanLobby.member_data(lobby, "a1", "m")), tostring(LanLobby.member_data(lobby, "a1", "big")) }, " ")
end
local bad = {
  { "set_data over the size limit", function() LanLobby.set_data(lobby, "big", string.rep("x", 70000)) end },
  { "set_data over the limit on an existing key", function() LanLobby.set_data(lobby, "k", string.rep("x", 70000)) end },
  { "set_data of the host key", function() LanLobby.set_data(lobby, "host", "ffff") end },
  { "set_data_table with one value too big", function() LanLobby.set_data_table(lobby, { k = "w", big = string.rep("x", 70000) }) end },
  { "set_member_data over the limit", function() LanLobby.set_member_data(lobby, "big", string.rep("x", 5000)) end },
  { "kick of a non-member", function() LanLobby.kick(lobby, "beef") end },
  { "kick of itself", function() LanLobby.kick(lobby, "a1") end },
  { "set_max_members of a string", function() LanLobby.set_max_members(lobby, "many") end },
  { "set_game_session_host of garbage", function() LanLobby.set_game_session_host(lobby, {}) end },
}
frame = 0
function update(dt)
  Network.update(dt, {})
  frame = frame + 1
  if not ready and LanLobby.state(lobby) == "joined" then
    ready = true
    LanLobby.set_data(lobby, "k", "v")
    LanLobby.set_member_data(lobby, "m", "1")
    for _, case in ipairs(bad) do
      local before = snapshot()
      local ok = pcall(case[2])
      local after = snapshot()
      print(case[1], ok and "accepted" or "refused", before == after and "unchanged" or ("CHANGED " .. before .. " -> " .. after))
    end
    LanLobby.set_data(lobby, "k", "w")
    print("then set_data", LanLobby.data(lobby, "k"))
  end
end`;
  const browser = `${LUA_JOINER}
function init() start_client("b2") end
frame = 0
function update(dt)
  Network.update(dt, {})
  frame = frame + 1
  if frame > 10 and not seen and not browser:is_refreshing() then
    local entry = browser:lobby(0)
    if entry and entry.k then seen = true; print("found", entry.k) else browser:refresh(4000) end
  end
end`;
  const result = await runPeers({ 'host.lua': host, 'browser.lua': browser }, ['--frames', '120', ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  const lines = linesOf(result.stdout, '0:host');
  t.is(lines.length, 10, lines.join('\n'));
  for (const line of lines.slice(0, 9)) t.regex(line, /\trefused\tunchanged$/);
  t.is(lines[9], 'then set_data\tw');
  t.deepEqual(linesOf(result.stdout, '1:browser'), ['found\tw']);
});
