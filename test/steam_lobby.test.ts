import { createTestVm, tempProject, type TestVm } from './helpers/lua.js';
import { LUA_LOBBY_REPORT, LUA_NUMBER_TYPE, linesOf, runPeers } from './helpers/peers.js';
import { platformVms, STEAM_CONFIG } from './helpers/platform.js';
import { testOnEachVm } from './helpers/vms.js';

const files = { 'global.network_config': STEAM_CONFIG };

/**
 * A Steam peer: prints `0 peer <id>` at init, runs `body` every frame after Network.update and
 * report(). `join_first(from)` (call it in body) browses from frame `from` and joins the first lobby
 * listed.
 */
const peer = (body: string, init = '') => `${LUA_LOBBY_REPORT}
function join_first(from)
  if lobby or frame < from then return end
  browser = browser or client:lobby_browser()
  if browser:is_refreshing() then return end
  local entry = browser:lobby(0)
  if entry then lobby = Network.join_steam_lobby(entry.id) else browser:refresh() end
end
-- pcall through a Lua function, so errors carry the calling script's file:line.
function try(label, f, ...) local ok, err = pcall(function(...) local r = f(...) return r end, ...) print(frame, label, ok, err) end
function init()
  client = Network.init_steam_client("global")
  print(frame, "peer", Network.peer_id())
  ${init}
end
function update(dt)
  frame = frame + 1
  Network.update(dt, {})
  ${body}
  report()
end
`;

const HOST = (max: number, extra = '') => peer(`if frame == 2 then lobby:set_data("mode", "ffa") end\n${extra}`, `lobby = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, ${max})`);

/** Peer ids by script name, from their `0 peer <id>` lines. */
function peerIds(stdout: string, names: string[]): string[] {
  return names.map((name) => linesOf(stdout, name)[0]!.split('\t')[2]!);
}

testOnEachVm('owner migration: when the lobby host leaves, the longest-present member becomes lobby_host and the host key follows; only the host changes the lobby, and the error names the function', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'a.lua': HOST(3, 'if frame == 30 then Network.leave_steam_lobby(lobby) lobby = nil print(frame, "left") end'),
      'b.lua': peer(`join_first(3)
        if frame == 20 then
          try("set_data", lobby.set_data, lobby, "mode", "duel")
          try("set_data_table", SteamLobby.set_data_table, lobby, { mode = "duel" })
          try("set_max_members", SteamLobby.set_max_members, lobby, 8)
          try("set_lobby_type", SteamLobby.set_lobby_type, lobby, Network.STEAM_LOBBY_PRIVATE)
          try("set_game_session_host", SteamLobby.set_game_session_host, lobby, Network.peer_id())
        end
        if frame == 40 then try("host key", lobby.set_data, lobby, "host", "abc") lobby:set_data("mode", "duel") end`),
      'c.lua': peer(`join_first(8)
        if frame == 50 then print(frame, "mode", lobby:data("mode")) end`),
      'd.lua': peer(`if frame == 55 then browser = client:lobby_browser() browser:refresh() end
        if frame == 57 then local e = browser:lobby(0) print(frame, "listed", e.host, e.mode, e.num_members, e.max_members) end`),
    },
    ['--frames', '60', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const [a, b, c] = peerIds(result.stdout, ['0:a', '1:b', '2:c']);
  const lines = (name: string) => linesOf(result.stdout, name).map((l) => l.replace(/^\d+\t/, ''));
  t.deepEqual(lines('0:a').slice(1), [
    `joined host=${a} data.host=${a} members=${a}`,
    `joined host=${a} data.host=${a} members=${a},${b}`,
    `joined host=${a} data.host=${a} members=${a},${b},${c}`,
    'left',
  ]);
  const bLines = lines('1:b');
  for (const fn of ['set_data', 'set_data_table', 'set_max_members', 'set_lobby_type', 'set_game_session_host']) {
    const line = bLines.find((l) => l.startsWith(`${fn}\t`));
    t.regex(line ?? '', new RegExp(`^${fn}\\tfalse\\t\\S*b\\.lua:\\d+: SteamLobby\\.${fn}: only the lobby host can do this \\(the lobby host is ${a}\\)$`), bLines.join('\n'));
  }
  t.true(bLines.includes(`joined host=${b} data.host=${b} members=${b},${c}`), bLines.join('\n'));
  t.regex(bLines.find((l) => l.startsWith('host key')) ?? '', /^host key\tfalse\t\S*b\.lua:\d+: SteamLobby\.set_data: the key 'host' is the lobby host's peer id, published by the platform$/);
  const cLines = lines('2:c');
  t.true(cLines.includes(`joined host=${b} data.host=${b} members=${b},${c}`), cLines.join('\n'));
  t.true(cLines.includes('mode\tduel'), 'the new host changes the data');
  t.true(lines('3:d').includes(`listed\t${b}\tduel\t2\t3`), lines('3:d').join('\n'));
});

testOnEachVm('a full lobby refuses a join (state failed, with why); raising set_max_members lets it in', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'a.lua': HOST(2, 'if frame == 20 then lobby:set_max_members(3) end'),
      'b.lua': peer('join_first(3)'),
      'c.lua': peer(`join_first(8)
        if frame == 25 then Network.leave_steam_lobby(lobby) lobby = nil browser:refresh() end`),
    },
    ['--frames', '40', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const [a, b, c] = peerIds(result.stdout, ['0:a', '1:b', '2:c']);
  const cLines = linesOf(result.stdout, '2:c').map((l) => l.replace(/^\d+\t/, '').replace(/\b186[0-9a-f]{12}\b/g, '<lobby id>'));
  t.deepEqual(cLines.slice(1), [
    'joining host=nil data.host=nil members=',
    'failed host=nil data.host=nil members= why=Steam lobby <lobby id> is full (2 members)',
    'joining host=nil data.host=nil members=',
    `joined host=${a} data.host=${a} members=${a},${b},${c}`,
  ]);
});

testOnEachVm('SteamLobby.request_lobby_data fetches the data of a lobby not joined, for SteamMisc.get_lobby_data and get_lobby_data_by_key', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'a.lua': HOST(4, 'if frame == 2 then lobby:set_data("level", 7) end'),
      'b.lua': peer(`
        if frame == 3 then browser = client:lobby_browser() browser:refresh() end
        if frame == 5 then
          id = browser:lobby(0).id
          print(frame, "before", SteamMisc.get_lobby_data(id), SteamMisc.get_lobby_data_by_key(id, "mode"))
          SteamLobby.request_lobby_data(id)
          SteamLobby.request_lobby_data("1860000000000ff")
        end
        if frame == 7 then
          local data, keys = SteamMisc.get_lobby_data(id), {}
          for k, v in pairs(data) do keys[#keys + 1] = k .. "=" .. v end
          table.sort(keys)
          print(frame, "data", table.concat(keys, " "))
          print(frame, "by key", SteamMisc.get_lobby_data_by_key(id, "level"), SteamMisc.get_lobby_data_by_key(id, "nothing"))
          print(frame, "unknown lobby", SteamMisc.get_lobby_data("1860000000000ff"))
        end`),
    },
    ['--frames', '8', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const [a] = peerIds(result.stdout, ['0:a']);
  t.deepEqual(
    linesOf(result.stdout, '1:b').slice(1),
    ['5\tbefore\tnil\tnil', `7\tdata\thost=${a} level=7 mode=ffa`, '7\tby key\t7\tnil', '7\tunknown lobby\tnil'],
  );
});

testOnEachVm('SteamLobbyBrowser: comparison filters, near, slots, max results, distance; private and friends_only lobbies are not listed, invisible and public are; set_lobby_type changes that', async (t, vmUnderTest) => {
  const host = peer(
    `if frame == 2 then
      for i, lobby in ipairs(lobbies) do lobby:set_data("level", levels[i]) lobby:set_data("name", names[i]) end
    end
    if frame == 40 then lobbies[2]:set_lobby_type(Network.STEAM_LOBBY_PUBLIC) lobbies[1]:set_lobby_type(Network.STEAM_LOBBY_FRIENDSONLY) end`,
    `types = { Network.STEAM_LOBBY_PUBLIC, Network.STEAM_LOBBY_PRIVATE, Network.STEAM_LOBBY_FRIENDS_ONLY, Network.STEAM_LOBBY_INVISIBLE, "public" }
    levels = { 1, 5, 7, 10, 20 }
    names = { "public1", "private5", "friends7", "invisible10", "small20" }
    lobbies = {}
    for i, type in ipairs(types) do lobbies[i] = Network.create_steam_lobby(type, i == 5 and 2 or 4) end`,
  );
  const browse = peer(`
    if frame == 5 then b = client:lobby_browser() end
    local B = SteamLobbyBrowser
    local steps = {
      [6] = function() end,
      [8] = function() b:add_filter("level", "5", B.GREATER) end,
      [10] = function() b:add_filter("level", "10", B.LESS_OR_EQUAL) end,
      [12] = function() b:add_filter("level", 10, B.NOT_EQUAL) end,
      [14] = function() b:add_filter("level", "7", B.LESS) b:add_filter("name", "public1", B.EQUAL) end,
      [16] = function() b:add_filter("level", "10", B.GREATER_OR_EQUAL) end,
      [18] = function() b:add_filter("name", "p", "greater") end,
      [20] = function() b:add_near_filter("level", 12) end,
      [22] = function() b:add_slots_filter(2) end,
      [24] = function() b:add_near_filter("level", 0) b:set_max_results(1) end,
      [26] = function() b:add_distance_filter(B.WORLD) b:add_distance_filter(B.CLOSE) end,
      [42] = function() end,
    }
    if steps[frame] then b:clear_filters() steps[frame]() b:refresh() end
    if steps[frame - 1] then
      local names = {}
      for i = 0, b:num_lobbies() - 1 do names[#names + 1] = b:lobby(i).name end
      print(frame - 1, table.concat(names, ","))
    end`);
  const result = await runPeers({ 'host.lua': host, 'browser.lua': browse }, ['--frames', '44', ...vmUnderTest.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(
    linesOf(result.stdout, '1:browser').slice(1),
    [
      '6\tpublic1,invisible10,small20',
      '8\tinvisible10,small20',
      '10\tpublic1,invisible10',
      '12\tpublic1,small20',
      '14\tpublic1',
      '16\tinvisible10,small20',
      '18\tpublic1,small20',
      '20\tinvisible10,small20,public1',
      '22\tpublic1,invisible10',
      '24\tpublic1',
      '26\tpublic1,invisible10,small20',
      '42\tprivate5,invisible10,small20',
    ],
  );
});

testOnEachVm('SteamLobby members() includes self and fills a buffer; lobby_host, id, game_session_host and channels before and after joining', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'a.lua': peer(
        `if frame == 3 then lobby:set_game_session_host(Network.peer_id()) end
        if frame == 3 then lobby:set_game_session_host(Network.peer_id()) end
        if frame == 12 then
          local buffer = { "x", "x", "x", "x", "x" }
          local members, count = lobby:members(buffer)
          print(frame, "buffer", members == buffer, #buffer, count, buffer[1] == Network.peer_id())
          try("open self", lobby.open_channel, lobby, Network.peer_id())
          try("open stranger", lobby.open_channel, lobby, "1100001deadbeef")
        end
        if frame == 20 then lobby:set_game_session_host() end`,
        `lobby = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4)
        print(frame, "before", lobby:state(), lobby:id(), #lobby:members(), select(2, lobby:members()), lobby:lobby_host(), lobby:game_session_host())
        try("open before", lobby.open_channel, lobby, Network.peer_id())`,
      ),
      'b.lua': peer(`join_first(3)
        if frame == 10 then print(frame, "session host", lobby:game_session_host() == lobby:lobby_host(), lobby:id()) end
        if frame == 10 then channel = lobby:open_channel(lobby:lobby_host(), "hello") end
        if frame == 18 then print(frame, "channel", Network.channel_state(channel)) lobby:close_channel(channel) end
        if frame == 22 then print(frame, "session host", lobby:game_session_host(), Network.channel_state(channel)) end`),
    },
    ['--frames', '24', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const a = linesOf(result.stdout, '0:a');
  t.true(a.includes('0\tbefore\tcreating\t0\t0\t0\tnil\tnil'), a.join('\n'));
  t.true(a.some((l) => /^0\topen before\tfalse\t\S*a\.lua:\d+: SteamLobby\.open_channel: the lobby is creating, not joined$/.test(l)), a.join('\n'));
  t.true(a.includes('12\tbuffer\ttrue\t2\t2\ttrue'), a.join('\n'));
  t.true(a.some((l) => /^12\topen self\tfalse\t\S*a\.lua:\d+: SteamLobby\.open_channel: cannot open a channel to this peer itself$/.test(l)), a.join('\n'));
  t.true(a.some((l) => /^12\topen stranger\tfalse\t\S*a\.lua:\d+: SteamLobby\.open_channel: peer 1100001deadbeef is not a member of lobby 186[0-9a-f]{12}$/.test(l)), a.join('\n'));
  const b = linesOf(result.stdout, '1:b');
  t.true(b.some((l) => /^10\tsession host\ttrue\t186[0-9a-f]{12}$/.test(l)), b.join('\n'));
  t.true(b.includes('18\tchannel\tconnected\t'), b.join('\n'));
  t.true(b.includes('22\tsession host\tnil\tdisconnected\tclosed'), b.join('\n'));
});

testOnEachVm('one network subsystem at a time: Steam after LAN, a Steam server after a Steam client and the reverse are Lua errors; after a shutdown the next one starts', async (t, vmUnderTest) => {
  const root = tempProject({ 'global.network_config': STEAM_CONFIG });
  const vm = await createTestVm({ root, luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.vm.close());
  const out = vm.run(`
    local settings = { server_name = "s", max_players = 2, query_port = 27600 }
    local function try(label, f, ...) local ok, err = pcall(function(...) local r = f(...) return r end, ...) print(label, ok, ok and "" or err) end
    local lan = Network.init_lan_client("global")
    try("steam after lan", Network.init_steam_client, "global")
    try("server after lan", Network.init_steam_server, "global", settings)
    Network.shutdown_lan_client(lan)
    local steam = Network.init_steam_client("global")
    print("steam", steam ~= nil, Network.fatal_error(), Network.peer_id():match("^110000%x+$") ~= nil)
    try("server after steam", Network.init_steam_server, "global", settings)
    try("lan after steam", Network.init_lan_client, "global")
    try("steam twice", Network.init_steam_client, "global")
    Network.shutdown_steam_client(steam)
    Network.shutdown_steam_client(steam)
    try("lobby after shutdown", Network.create_steam_lobby, Network.STEAM_LOBBY_PUBLIC, 4)
    try("dead client", SteamClient.lobby_browser, steam)
    local server = Network.init_steam_server("global", settings)
    print("server", SteamGameServer.id(server):match("^140000%x+$") ~= nil, Network.peer_id() == SteamGameServer.id(server))
    try("steam after server", Network.init_steam_client, "global")
    try("join without a client", Network.join_steam_server, "127.0.0.1:27600")
    Network.shutdown_steam_server(server)
    print("app id", SteamGameServer.app_id())
    local again = Network.init_steam_client("global")
    print("steam again", again ~= nil)
    Network.shutdown_steam_client(again)
    print("lan again", Network.init_lan_client("global") ~= nil)
  `);
  const already = (what: string, fn: string) => `false\ttest.lua:\\d+: Network.${fn}: a ${what} is already running; only one network subsystem at a time \\(shut it down first\\)`;
  const expected: (string | RegExp)[] = [
    new RegExp(`^steam after lan\t${already('LAN client', 'init_steam_client')}$`),
    new RegExp(`^server after lan\t${already('LAN client', 'init_steam_server')}$`),
    'steam\ttrue\tfalse\ttrue',
    new RegExp(`^server after steam\t${already('Steam client', 'init_steam_server')}$`),
    new RegExp(`^lan after steam\t${already('Steam client', 'init_lan_client')}$`),
    new RegExp(`^steam twice\t${already('Steam client', 'init_steam_client')}$`),
    /^lobby after shutdown\tfalse\ttest\.lua:\d+: Network\.create_steam_lobby: no Steam [Cc]lient is running \(call Network\.init_steam_client first\)$/,
    /^dead client\tfalse\ttest\.lua:\d+: .*SteamClient\.lobby_browser.*$/,
    'server\ttrue\ttrue',
    new RegExp(`^steam after server\t${already('Steam game server', 'init_steam_client')}$`),
    /^join without a client\tfalse\ttest\.lua:\d+: Network\.join_steam_server: no Steam [Cc]lient is running \(call Network\.init_steam_client first\)$/,
    'app id\t0',
    'steam again\ttrue',
    'lan again\ttrue',
  ];
  const lines = out.trim().split('\n');
  t.is(lines.length, expected.length, out);
  expected.forEach((want, i) => (typeof want === 'string' ? t.is(lines[i], want) : t.regex(lines[i] ?? '', want)));
});

testOnEachVm('a Steam function called before init_steam_client names the subsystem as its other errors do ("Steam client")', async (t, vmUnderTest) => {
  const root = tempProject({ 'global.network_config': STEAM_CONFIG });
  const vm = await createTestVm({ root, luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.vm.close());
  const out = vm.run(`
    print(select(2, pcall(function() local l = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4) return l end)))
    local steam = Network.init_steam_client("global")
    print(select(2, pcall(function() local s = Network.init_steam_client("global") return s end)))
  `);
  t.is(out, 'test.lua:2: Network.create_steam_lobby: no Steam client is running (call Network.init_steam_client first)\ntest.lua:4: Network.init_steam_client: a Steam client is already running; only one network subsystem at a time (shut it down first)\n');
});

testOnEachVm('lobby data keys that are names of JavaScript object members read as nil until set, and keep what is set', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'a.lua': HOST(4, `
        if frame == 3 then
          for _, key in ipairs({ "constructor", "toString", "__proto__", "hasOwnProperty" }) do try("data " .. key, lobby.data, lobby, key) end
          try("misc", SteamMisc.get_lobby_data_by_key, lobby:id(), "valueOf")
          lobby:set_data("__proto__", "x")
          lobby:set_data("constructor", "y")
        end
        if frame == 5 then print(frame, "set", lobby:data("__proto__"), lobby:data("constructor")) end`),
      'b.lua': peer(`
        if frame == 3 then browser = client:lobby_browser() browser:add_filter("toString", "x", SteamLobbyBrowser.EQUAL) try("refresh", browser.refresh, browser) end
        if frame == 5 then print(frame, "found", browser:is_refreshing(), browser:num_lobbies()) end`),
    },
    ['--frames', '6', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  t.deepEqual(linesOf(result.stdout, '0:a').filter((l) => !l.includes('host=')).slice(1), [
    '3\tdata constructor\ttrue\tnil',
    '3\tdata toString\ttrue\tnil',
    '3\tdata __proto__\ttrue\tnil',
    '3\tdata hasOwnProperty\ttrue\tnil',
    '3\tmisc\ttrue\tnil',
    '5\tset\tx\ty',
  ]);
  t.deepEqual(linesOf(result.stdout, '1:b').slice(1), ['3\trefresh\ttrue\tnil', '5\tfound\tfalse\t0']);
});

testOnEachVm('a lobby left before the service answered its create or join does not stay behind: not listed, no phantom member', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'creator.lua': peer('', 'Network.leave_steam_lobby(Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4))'),
      'a.lua': HOST(2),
      'b.lua': peer('if frame == 3 then browser = client:lobby_browser() browser:add_filter("mode", "ffa", SteamLobbyBrowser.EQUAL) browser:refresh() end if frame == 5 then Network.leave_steam_lobby(Network.join_steam_lobby(browser:lobby(0).id)) end'),
      'c.lua': peer(`if frame == 8 then browser = client:lobby_browser() browser:refresh() end
        if frame == 10 then
          for i = 0, browser:num_lobbies() - 1 do local e = browser:lobby(i) print(frame, "listed", e.mode, e.num_members) end
          lobby = Network.join_steam_lobby(browser:lobby(0).id)
        end`),
    },
    ['--frames', '14', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const [a, , c] = peerIds(result.stdout, ['1:a', '2:b', '3:c']);
  t.deepEqual(linesOf(result.stdout, '3:c').slice(1), ['10\tlisted\tffa\t1', '10\tjoining host=nil data.host=nil members=', `11\tjoined host=${a} data.host=${a} members=${a},${c}`]);
});

testOnEachVm('SteamClient.get_connection_info describes the connection to a lobby member (nil for a stranger) and the connection status goes to the log; abort_refresh stops a refresh', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'a.lua': HOST(4, `if frame == 20 then
          local info = client:get_connection_info(lobby:members()[2])
          print(frame, "info", info.state, info.address:match("^127%.0%.0%.1:%d+$") ~= nil, number_type(info.packets_sent), info.packets_sent > 0, number_type(info.bytes_received), info.ping > 0)
          print(frame, "stranger", client:get_connection_info("abc"))
          client:write_detailed_connection_status_to_log("abc")
        end`),
      'b.lua': peer(`if frame == 2 then browser = client:lobby_browser() browser:refresh() browser:abort_refresh() print(frame, "aborted", browser:is_refreshing()) end
        if frame == 4 then print(frame, "after abort", browser:num_lobbies()) end
        join_first(5)`),
    },
    ['--frames', '21', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const a = linesOf(result.stdout, '0:a');
  t.true(a.includes('20\tinfo\tconnected\ttrue\tinteger\ttrue\tinteger\ttrue'), a.join('\n'));
  t.true(a.includes('20\tstranger\tnil'), a.join('\n'));
  t.true(a.includes('[network] no connection to abc'), a.join('\n'));
  const b = linesOf(result.stdout, '1:b');
  t.deepEqual(b.slice(1, 3), ['2\taborted\tfalse', '4\tafter abort\t0']);
  t.true(b.some((l) => /^\d+\tjoined /.test(l)), b.join('\n'));
});

testOnEachVm('Network.create_connection reaches any signed-in Steam user by id, with no lobby between them, and returns the connection\'s id; an id nobody signed in with ends broken', async (t, vmUnderTest) => {
  const { vms, frames } = await platformVms(tempProject({ 'global.network_config': STEAM_CONFIG }), 2, vmUnderTest.luaApi);
  const [a, b] = vms as [TestVm, TestVm];
  t.teardown(() => vms.forEach((v) => v.vm.close()));
  const peerA = a.run('Network.init_steam_client("global") print(Network.peer_id())').trim();
  const ids = b.run(`${LUA_NUMBER_TYPE}
    Network.init_steam_client("global")
    Network.set_explicit_connections()
    local first = Network.create_connection("${peerA}")
    local second = Network.create_connection("110000100000042")
    print(number_type(first), first ~= second, Network.has_connection("${peerA}") == first, Network.has_connection("110000100000043"))`);
  t.is(ids.trim(), 'integer\ttrue\ttrue\tnil', 'create_connection returns the id has_connection answers, one per peer');
  frames(30);
  t.deepEqual(b.run(`print(Network.ping("${peerA}") > 0, Network.is_broken("${peerA}"), Network.is_broken("110000100000042"))`).trim(), 'true\tfalse\ttrue');
  t.regex(a.run('print(table.concat(Network.connections(), ","))'), new RegExp(`^${b.run('print(Network.peer_id())').trim()}\\n$`));
});

testOnEachVm('SteamLobby member data: each member sets its own, every member sees everyone\'s, own_data at once; a browser does not see it; bounded', async (t, vmUnderTest) => {
  const show = `
    if lobby and lobby:state() == "joined" then
      local parts = {}
      for _, member in ipairs(lobby:members()) do parts[#parts + 1] = tostring(lobby:member_data(member, "class")) end
      local line = table.concat(parts, " ")
      if line ~= shown then print(frame, "classes", line); shown = line end
    end`;
  const result = await runPeers(
    {
      'a.lua': HOST(3, `${show}
        if frame == 2 then lobby:set_member_data("class", "mage") print(frame, "own", lobby:own_data("class")) end`),
      'b.lua': peer(`join_first(3)
        ${show}
        if lobby and lobby:state() == "joined" and not set then
          set = true
          print(frame, "before", lobby:own_data("class"))
          lobby:set_member_data("class", 7)
          print(frame, "own", lobby:own_data("class"))
          try("too much", lobby.set_member_data, lobby, "notes", string.rep("x", 5000))
        end`),
      'c.lua': peer(`if frame == 30 then browser = client:lobby_browser() browser:refresh() end
        if frame == 33 then local e = browser:lobby(0) print(frame, "browser sees", e.num_members, e.class) end`),
    },
    ['--frames', '40', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const lines = (name: string) => linesOf(result.stdout, name).map((l) => l.replace(/^\d+\t/, ''));
  t.is(lines('0:a').filter((l) => l.startsWith('classes')).at(-1), 'classes\tmage 7');
  t.is(lines('1:b').filter((l) => l.startsWith('classes')).at(-1), 'classes\tmage 7');
  t.true(lines('0:a').includes('own\tmage'));
  t.true(lines('1:b').includes('before\tnil') && lines('1:b').includes('own\t7'), lines('1:b').join('\n'));
  t.true(lines('1:b').some((l) => l.startsWith('too much\tfalse\t') && l.endsWith("SteamLobby.set_member_data: this member's data would take 5011 bytes; at most 4096")), lines('1:b').join('\n'));
  t.true(lines('2:c').includes('browser sees\t2\tnil'), lines('2:c').join('\n'));
});

testOnEachVm('SteamPingThread(client) pings any signed-in user by id: ping is the round trip once connected, the connection is in use meanwhile and closes when the peer is removed; a destroyed thread is an error to use', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'b.lua': HOST(4),
      'a.lua': peer(`
        if frame == 2 then browser = client:lobby_browser() browser:refresh() end
        if frame == 8 then
          B = browser:lobby(0).host
          thread = SteamPingThread(client)
          thread:add_peer(B)
          try("self", thread.add_peer, thread, Network.peer_id())
          try("unknown", thread.ping, thread, "110000100000abc")
          try("no client", SteamPingThread, {})
        end
        if frame == 40 then print(frame, "ping", thread:ping(B) > 0.09 and thread:ping(B) < 0.2, Network.is_used(B)) thread:remove_peer(B) end
        if frame == 45 then print(frame, "connection", Network.has_connection(B)) thread:destroy() thread:destroy() end
        if frame == 46 then try("destroyed", SteamPingThread.add_peer, thread, B) end`),
    },
    ['--frames', '46', '--simulate', 'latency=50ms', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const lines = linesOf(result.stdout, '1:a').slice(1).map((l) => l.replace(/^\d+\t/, '').replace(/\/tmp\/[^:]+:\d+: /, '@: '));
  t.deepEqual(lines, [
    'self\tfalse\t@: SteamPingThread.add_peer: cannot ping this peer itself',
    'unknown\tfalse\t@: SteamPingThread.ping: peer 110000100000abc is not pinged by this thread (add_peer first)',
    "no client\tfalse\t@: bad argument #2 to 'SteamPingThread' (SteamClient or SteamGameServer expected, got table)",
    'ping\ttrue\ttrue',
    'connection\tnil',
    "destroyed\tfalse\t@: bad argument #1 to 'SteamPingThread.add_peer' (this SteamPingThread was destroyed or shut down)",
  ]);
});

testOnEachVm('state-changing Steam lobby functions that fail change nothing: each refused call leaves the lobby as it was, and it stays writable', async (t, vmUnderTest) => {
  const host = `
function init()
  client = Network.init_steam_client("global")
  lobby = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4)
end
local function snapshot()
  return table.concat({ lobby:state(), tostring(lobby:lobby_host()), tostring(lobby:data("k")), tostring(lobby:data("big")),
    tostring(lobby:data("host")), table.concat(lobby:members(), ","), tostring(lobby:game_session_host()) }, " ")
end
local bad = {
  { "set_data over the size limit", function() lobby:set_data("big", string.rep("x", 70000)) end },
  { "set_data over the limit on an existing key", function() lobby:set_data("k", string.rep("x", 70000)) end },
  { "set_data of the host key", function() lobby:set_data("host", "ffff") end },
  { "set_data_table with one value too big", function() lobby:set_data_table({ k = "w", big = string.rep("x", 70000) }) end },
  { "set_max_members of a string", function() lobby:set_max_members("many") end },
  { "set_lobby_type of garbage", function() lobby:set_lobby_type("nope") end },
  { "set_game_session_host of garbage", function() lobby:set_game_session_host({}) end },
}
frame = 0
function update(dt)
  Network.update(dt, {})
  frame = frame + 1
  if not ready and lobby:state() == "joined" then
    ready = frame
    lobby:set_data("k", "v")
  elseif ready and frame == ready + 5 then
    for _, case in ipairs(bad) do
      local before = snapshot()
      local ok, err = pcall(case[2])
      print(case[1], ok and "accepted" or "refused", before == snapshot() and "unchanged" or "CHANGED", ok and "" or err)
    end
    lobby:set_data("k", "w")
  elseif ready and frame == ready + 10 then
    print("then", lobby:data("k"), tostring(lobby:data("big")))
    Application.quit()
  end
end`;
  const result = await runPeers({ 'host.lua': host }, ['--frames', '90', ...vmUnderTest.flags], files);
  t.is(result.code, 0, result.stderr);
  // One peer: its lines carry no prefix.
  const lines = result.stdout.trim().split('\n');
  t.is(lines.length, 8, lines.join('\n'));
  for (const line of lines.slice(0, 7)) t.regex(line, /\trefused\tunchanged\t\S+: /);
  t.regex(lines[0]!, /SteamLobby\.set_data: lobby data is at most 65536 characters of keys and values in all; this would make it \d+$/);
  t.is(lines[7], 'then\tw\tnil');
});

