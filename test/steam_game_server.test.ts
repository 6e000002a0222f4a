import { linesOf, LUA_NUMBER_TYPE, runPeers } from './helpers/peers.js';
import { LUA_WATCH, STEAM_CONFIG } from './helpers/platform.js';
import { testOnEachVm } from './helpers/vms.js';

const files = { 'global.network_config': STEAM_CONFIG };

/** A Steam game server; `settings` is a Lua table body, `extra` runs every frame after Network.update. */
const server = (settings: string, extra = '', start = 'init') => `${LUA_WATCH}
events = {
  rpc_text = function(self, channel, text) print(frame, "text", text) RPC.rpc_text(channel, "pong " .. text) end,
  approve_channel = function(self, channel, peer, lobby_id) print(frame, "approve", peer, lobby_id == server:id()) return true end,
}
local function start() server = Network.init_steam_server("global", { ${settings} }) print(frame, "server", server:id(), server:state()) end
function init() if "${start}" == "init" then start() end end
local last, state
function update(dt)
  frame = frame + 1
  if frame == tonumber("${start}") then start() end
  Network.update(dt, events)
  if not server then return end
  if server:state() ~= state then state = server:state() print(frame, "state", state) end
  local members = table.concat(server:members(), ",")
  if members ~= last then print(frame, "members", members) last = members end
  ${extra}
end
`;

/** A player that calls Network.join_steam_server(`join`) at frame `at`, says ping to the server once joined, and runs `extra` every frame. */
const player = (at: number, join: string, extra = '') => `${LUA_WATCH}
events = { rpc_text = function(self, channel, text) print(frame, "text", text, channel == ch) end }
function init() client = Network.init_steam_client("global") print(frame, "peer", Network.peer_id()) end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame == ${at} then lobby = Network.join_steam_server(${join}) end
  watch("lobby", lobby)
  if lobby and lobby:state() == SteamGameServerLobby.JOINED and not ch then ch = lobby:open_channel() end
  if ch and not pinged and Network.channel_state(ch) == "connected" then pinged = true RPC.rpc_text(ch, "ping") end
  ${extra}
end
`;

const ARENA = 'server_name = "arena", max_players = 1, query_port = 27100, password = "secret", map = "dm1", gamedir = "g", server_version = "12", dedicated = true';

/** The peer id a script printed with `frame peer <id>`. */
const peerOf = (lines: string[]): string => lines.find((l) => /^\d+\tpeer\t/.test(l))!.split('\t')[2]!;
/** The lines after the frame number. */
const events = (lines: string[]): string[] => lines.map((l) => l.replace(/^\d+\t/, ''));

testOnEachVm('a Steam game server checks the password and its player limit; a joined player talks to it over a channel; leaving frees the slot', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'server.lua': server(ARENA),
      'wrong.lua': player(3, '"127.0.0.1:27100", "wrong"', 'if frame == 4 then print(frame, "fail_reason", lobby:fail_reason()) end'),
      'nopassword.lua': player(3, '"127.0.0.1:27100"'),
      'right.lua': player(5, '"127.0.0.1:27100", "secret"', 'if frame == 50 then print(frame, "server", lobby:server_name(), lobby:version(), table.concat(lobby:members(), ",") == Network.peer_id()) end if frame == 60 then Network.leave_steam_server(lobby) lobby = nil print(frame, "left") end'),
      'full.lua': player(30, '"127.0.0.1:27100", "secret"', 'if frame == 31 then print(frame, "fail_reason", lobby:fail_reason()) end'),
      'after.lua': player(70, '"127.0.0.1", 27100, "secret"'),
    },
    ['--frames', '100', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const right = linesOf(result.stdout, '3:right');
  const after = linesOf(result.stdout, '5:after');
  const serverId = linesOf(result.stdout, '0:server')[0]!.split('\t')[2]!;
  t.deepEqual(events(linesOf(result.stdout, '1:wrong')).slice(1), [
    'lobby\tjoining',
    'lobby\tfailed wrong password for game server arena',
    'fail_reason\tfailed\twrong password for game server arena',
  ]);
  t.deepEqual(events(linesOf(result.stdout, '2:nopassword')).slice(1), ['lobby\tjoining', 'lobby\tfailed game server arena needs a password']);
  t.deepEqual(events(right).slice(1), ['lobby\tjoining', 'lobby\tjoined', 'text\tpong ping\ttrue', 'server\tarena\t12\ttrue', 'left']);
  t.deepEqual(events(linesOf(result.stdout, '4:full')).slice(1), [
    'lobby\tjoining',
    'lobby\tserver_is_full game server arena is full (1 members)',
    'fail_reason\tserver_is_full\tgame server arena is full (1 members)',
  ]);
  t.deepEqual(events(after).slice(1), ['lobby\tjoining', 'lobby\tjoined', 'text\tpong ping\ttrue'], 'join_steam_server(ip, port, password) once the slot is free');
  t.deepEqual(events(linesOf(result.stdout, '0:server')), [
    `server\t${serverId}\tconnecting`,
    'state\tconnected',
    'members\t',
    `members\t${peerOf(right)}`,
    `approve\t${peerOf(right)}\ttrue`,
    'text\tping',
    'members\t',
    `members\t${peerOf(after)}`,
    `approve\t${peerOf(after)}\ttrue`,
    'text\tping',
  ]);
});

testOnEachVm('joining an address where no game server answers ends in timeout; one that starts within the timeout is joined; its shutdown fails the lobby', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'nobody.lua': player(1, '"127.0.0.1:27200"', 'if frame == 140 then print(frame, "still", lobby:state()) end if frame == 220 then print(frame, "fail_reason", lobby:fail_reason()) end'),
      'early.lua': player(1, '"127.0.0.1:27201"'),
      'late.lua': server('server_name = "late", max_players = 4, query_port = 27201', 'if frame == 150 then Network.shutdown_steam_server(server) server = nil end', '60'),
    },
    ['--frames', '220', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  t.deepEqual(events(linesOf(result.stdout, '0:nobody')).slice(1), [
    'lobby\tjoining',
    'still\tjoining',
    'lobby\ttimeout no game server answers at 127.0.0.1:27200',
    'fail_reason\ttimeout\tno game server answers at 127.0.0.1:27200',
  ]);
  t.deepEqual(events(linesOf(result.stdout, '1:early')).slice(1), ['lobby\tjoining', 'lobby\tjoined', 'text\tpong ping\ttrue', 'lobby\tfailed the game server shut down']);
});

testOnEachVm('a game server removes a player: its lobby fails with the reason; reserve_steam_server holds a slot until join(); server data reaches players on request or by auto update', async (t, vmUnderTest) => {
  const serverFrames = `
    if frame == 10 then server:set_data("mode", "ctf") end
    if frame == 40 then
      local first = server:members()[1]
      print(frame, "name", server:name(first):match("^player %d+$") ~= nil, server:has_license(first), server:has_license("abc"))
      server:remove_member(first)
      print(frame, "removed", first == server:members()[1])
    end
    if frame == 50 then server:set_data("round", "2") end`;
  const result = await runPeers(
    {
      'server.lua': server('server_name = "ctf", max_players = 2, query_port = 27300, game_description = "Capture", app_id = 480', serverFrames),
      'first.lua': player(2, '"127.0.0.1:27300"', `
        if frame == 25 then lobby:request_data() end
        if frame == 30 then print(frame, "data", lobby:data("mode"), lobby:game_description(), lobby:game_session_host()) end`),
      'second.lua': `${LUA_WATCH}
        function init() client = Network.init_steam_client("global") end
        function update(dt)
          frame = frame + 1
          Network.update(dt, {})
          if frame == 2 then lobby = Network.reserve_steam_server("127.0.0.1:27300") lobby:auto_update_data() end
          if frame == 20 then lobby:join() end
          if frame == 30 then print(frame, "data", lobby:data("mode")) end
          if frame == 100 then print(frame, "data", lobby:data("round")) end
          watch("lobby", lobby)
        end`,
    },
    ['--frames', '100', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const serverId = events(linesOf(result.stdout, '0:server'))[0]!.split('\t')[1];
  const first = events(linesOf(result.stdout, '1:first'));
  // The dedicated server hosts the game session itself.
  t.deepEqual(first.slice(1), ['lobby\tjoining', 'lobby\tjoined', 'text\tpong ping\ttrue', `data\tctf\tCapture\t${serverId}`, 'lobby\tfailed removed by the game server']);
  t.deepEqual(events(linesOf(result.stdout, '2:second')), ['lobby\tjoining', 'lobby\treserved', 'lobby\tjoining', 'lobby\tjoined', 'data\tctf', 'data\t2']);
  const serverLines = events(linesOf(result.stdout, '0:server'));
  t.true(serverLines.includes('name\ttrue\tuser_has_license\tuser_has_not_license'), serverLines.join('\n'));
  t.true(serverLines.includes('removed\tfalse'), serverLines.join('\n'));
});

testOnEachVm('SteamServerBrowser lists the game servers with their steam_server_info, filters them (map, gamedir, password, notfull, tags, data), and keeps favorites and history lists', async (t, vmUnderTest) => {
  const browse = `${LUA_NUMBER_TYPE}${LUA_WATCH}
    local steps, step = {}, 0
    local function names()
      local out = {}
      for i = 0, browser:num_servers() - 1 do out[#out + 1] = browser:server(i).server_name end
      table.sort(out)
      return table.concat(out, ",")
    end
    local function list(label, which, filters)
      browser:clear_filters()
      for key, value in pairs(filters or {}) do browser:add_filter(key, value) end
      browser:refresh(which)
      steps[#steps + 1] = function() print(label, names()) end
    end
    local queue = {
      function() browser:refresh() print("refreshing", browser:is_refreshing()) steps[#steps + 1] = function()
        for i = 0, browser:num_servers() - 1 do
          local s, keys = browser:server(i), {}
          for k, v in pairs(s) do keys[#keys + 1] = k .. "=" .. tostring(v) .. ":" .. (number_type(v) or type(v)) end
          table.sort(keys)
          if s.server_name == "arena" then print("arena", table.concat(keys, " ")) end
        end
        print("all", names()) end end,
      function() list("map dm1", nil, { map = "dm1" }) end,
      function() list("gamedir g", SteamServerBrowser.INTERNET, { gamedir = "g" }) end,
      function() list("password 1", nil, { password = "1" }) end,
      function() list("password 0", nil, { password = "0" }) end,
      function() list("tags", nil, { gametagsand = "ctf" }) end,
      function() list("data", nil, { mode = "coop" }) end,
      function() list("two keys", nil, { gamedir = "g", dedicated = "1" }) end,
      function() lobby = Network.join_steam_server("127.0.0.1:27401", "secret") end,
      function() list("notfull", nil, { notfull = "1" }) end,
      function() list("history", SteamServerBrowser.HISTORY) end,
      function() browser:add_favorite("127.0.0.1", 0, 27402) list("favorites", SteamServerBrowser.FAVORITES) end,
      function() print("favorite flag", browser:server(0).favorite) browser:remove_favorite("127.0.0.1", 0, 27402) list("no favorites", SteamServerBrowser.FAVORITES) end,
      function() list("friends", SteamServerBrowser.FRIENDS) end,
      function() list("lan", SteamServerBrowser.LAN) end,
      function()
        for i = 0, browser:num_servers() - 1 do
          if browser:server(i).server_name == "duel" then print("data_all", browser:data_all(i).mode, browser:server(99), browser:data_all(99)) print("before", browser:is_fetching_data(i)) browser:request_data(i) duel = i end
        end
        print("fetching", browser:is_fetching_data(duel))
      end,
      function() print("fetched", browser:is_fetching_data(duel)) end,
    }
    function init() client = Network.init_steam_client("global") browser = client:server_browser() end
    function update(dt)
      frame = frame + 1
      Network.update(dt, {})
      if frame < 5 or frame % 3 ~= 0 or browser:is_refreshing() then return end
      for _, f in ipairs(steps) do f() end
      steps = {}
      step = step + 1
      if queue[step] then queue[step]() else Application.quit() end
    end`;
  const result = await runPeers(
    {
      'arena.lua': server('server_name = "arena", max_players = 1, query_port = 27401, password = "secret", map = "dm1", gamedir = "g", server_version = "12", dedicated = true, game_description = "Arena", server_port = 27411'),
      'duel.lua': server('server_name = "duel", max_players = 4, query_port = 27402, map = "dm2", gamedir = "g"', 'if frame == 2 then server:set_game_tags("ctf,fast") server:set_data("mode", "coop") end'),
      'other.lua': server('server_name = "other", max_players = 4, query_port = 27403, map = "dm1", gamedir = "h", dedicated = true'),
      'browser.lua': browse,
    },
    ['--frames', '200', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const lines = events(linesOf(result.stdout, '3:browser'));
  const arenaId = events(linesOf(result.stdout, '0:arena'))[0]!.split('\t')[1];
  t.is(
    lines.find((l) => l.startsWith('arena')),
    'arena\t' +
      [
        'connection_port=27411:integer',
        'dedicated=true:boolean',
        'favorite=false:boolean',
        'game_description=Arena:string',
        'gamedir=g:string',
        'ip_address=2130706433:integer',
        'map=dm1:string',
        'max_players=1:integer',
        'num_bots=0:integer',
        'num_players=0:integer',
        'password=true:boolean',
        'ping=0:integer',
        'query_port=27401:integer',
        'secure=true:boolean',
        'server_name=arena:string',
        'server_version=12:integer',
        `steam_id=${arenaId}:string`,
        'tags=:string',
      ].join(' '),
  );
  t.deepEqual(
    lines.filter((l) => !l.startsWith('arena')),
    [
      'refreshing\ttrue',
      'all\tarena,duel,other',
      'map dm1\tarena,other',
      'gamedir g\tarena,duel',
      'password 1\tarena',
      'password 0\tduel,other',
      'tags\tduel',
      'data\tduel',
      'two keys\tarena',
      'notfull\tduel,other',
      'history\tarena',
      'favorites\tduel',
      'favorite flag\ttrue',
      'no favorites\t',
      'friends\t',
      'lan\tarena,duel,other',
      'data_all\tcoop\tnil\tnil',
      'before\tfalse\tfalse',
      'fetching\ttrue\tfalse',
      'fetched\tfalse\ttrue',
    ],
  );
});

testOnEachVm('a second game server on a query port another one answers at cannot be listed: it stays disconnected, says why, and Network.fatal_error() is true', async (t, vmUnderTest) => {
  const report = 'if frame == 5 then print(frame, "fatal", Network.fatal_error()) end';
  const result = await runPeers({ 'first.lua': server('server_name = "one", max_players = 2', report), 'second.lua': server('server_name = "two", max_players = 2', report) }, ['--frames', '6', ...vmUnderTest.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(events(linesOf(result.stdout, '0:first')).slice(1), ['state\tconnected', 'members\t', 'fatal\tfalse']);
  t.deepEqual(events(linesOf(result.stdout, '1:second')).slice(1), [
    '[network] warning: Steam game server: the game server could not be listed: a game server already answers at 127.0.0.1:27016',
    'state\tdisconnected',
    'members\t',
    'fatal\ttrue',
  ]);
});

testOnEachVm('leaving a game server before the service answered the join frees the slot', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'server.lua': server('server_name = "one", max_players = 1, query_port = 27500'),
      'quitter.lua': player(3, '"127.0.0.1:27500"', 'if frame == 3 then Network.leave_steam_server(lobby) lobby = nil end'),
      'player.lua': player(10, '"127.0.0.1:27500"'),
    },
    // Frames enough for the handshake's challenge round trip, the channel and one ping and pong.
    ['--frames', '30', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  t.deepEqual(events(linesOf(result.stdout, '2:player')).slice(1), ['lobby\tjoining', 'lobby\tjoined', 'text\tpong ping\ttrue']);
  // The quitter holds the slot until the service's answer comes, then gives it up.
  const serverLines = events(linesOf(result.stdout, '0:server'));
  const joiner = peerOf(linesOf(result.stdout, '2:player'));
  t.is(serverLines.filter((l) => l.startsWith('members\t')).at(-1), `members\t${joiner}`, serverLines.join('\n'));
  t.deepEqual(serverLines.slice(-2), [`approve\t${joiner}\ttrue`, 'text\tping']);
});

testOnEachVm('SteamServerBrowser data, num_server and refresh_server; set_server_name shows in the browser and the players\' lobby; SteamLobbyBrowser.data', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'server.lua': server('server_name = "duel", max_players = 4, query_port = 27600, map = "dm2"', 'if frame == 2 then server:set_data("mode", "coop") end if frame == 20 then server:set_server_name("duel two") end'),
      'host.lua': `${LUA_WATCH}
        function init() client = Network.init_steam_client("global") lobby = Network.create_steam_lobby(Network.STEAM_LOBBY_PUBLIC, 4) end
        function update(dt) frame = frame + 1 Network.update(dt, {}) if frame == 3 then lobby:set_data("level", "docks") end end`,
      'browser.lua': `${LUA_WATCH}
        function init() client = Network.init_steam_client("global") end
        function update(dt)
          frame = frame + 1
          Network.update(dt, {})
          if frame == 10 then servers = client:server_browser() servers:refresh() lobbies = client:lobby_browser() lobbies:refresh() end
          if frame == 14 then
            print(frame, "servers", servers:num_servers(), servers:num_server(), servers:server(0).server_name, servers:data(0, "mode"), servers:data(0, "nothing"), servers:data(5, "mode"))
            print(frame, "lobbies", lobbies:data(0, "level"), lobbies:data(0, "nothing"), lobbies:data(3, "level"))
          end
          if frame == 24 then servers:refresh_server(0) end
          if frame == 28 then print(frame, "renamed", servers:server(0).server_name) end
        end`,
    },
    ['--frames', '30', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  t.deepEqual(events(linesOf(result.stdout, '2:browser')), ['servers\t1\t1\tduel\tcoop\tnil\tnil', 'lobbies\tdocks\tnil\tnil', 'renamed\tduel two']);
});

testOnEachVm('SteamGameServer.set_score and SteamServerBrowser.request_players / is_fetching_players / players: each player\'s name, score and play time', async (t, vmUnderTest) => {
  const result = await runPeers(
    {
      'server.lua': server('server_name = "arena", max_players = 4, query_port = 27700', `
        local players = server:members()
        if frame == 30 and players[1] then
          server:set_score(players[1], 12)
          print(frame, "score a stranger", pcall(server.set_score, server, "110000100000abc", 1))
        end`),
      'player.lua': player(2, '"127.0.0.1:27700"'),
      'browser.lua': `${LUA_WATCH}
        function init() client = Network.init_steam_client("global") end
        function update(dt)
          frame = frame + 1
          Network.update(dt, {})
          if frame == 40 then servers = client:server_browser() servers:refresh() end
          if frame == 44 then
            print(frame, "before", servers:players(0), servers:is_fetching_players(0))
            servers:request_players(0)
            print(frame, "asked", servers:is_fetching_players(0))
          end
          if frame == 48 then
            local list = servers:players(0)
            print(frame, "players", #list, list[1].name:match("^player %d+$") ~= nil, list[1].score, list[1].play_time > 0.5, list[1].play_time < 2, servers:is_fetching_players(0))
            print(frame, "out of range", servers:players(9))
          end
        end`,
    },
    ['--frames', '50', ...vmUnderTest.flags],
    files,
  );
  t.is(result.code, 0, result.stderr);
  const serverLines = events(linesOf(result.stdout, '0:server'));
  t.true(serverLines.includes('score a stranger\tfalse\tSteamGameServer.set_score: 110000100000abc is not a player on this server'), serverLines.join('\n'));
  t.deepEqual(events(linesOf(result.stdout, '2:browser')), ['before\tnil\tfalse\tfalse', 'asked\ttrue\tfalse', 'players\t1\ttrue\t12\ttrue\ttrue\tfalse\ttrue', 'out of range\tnil']);
});
