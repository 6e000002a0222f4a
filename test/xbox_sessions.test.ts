import { readFileSync } from 'node:fs';
import path from 'node:path';
import { consoleLines, LUA_CONSOLE, LUA_XBOX, XBOX_ROOT } from './helpers/consoles.js';
import { linesOf, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';

const HOST = 'Network.create_multiplayer_session_host';

testOnEachVm('session names and templates must be lower-case, 1 to 63 characters; keywords and reserved xuids non-empty and at most 63; handles 1 to 63; user ids 0..255: each a Lua error naming the function and the argument', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local long, longest = string.rep("k", 64), string.rep("k", 63)
    print(try(${HOST}, 0, "Game1", "deathmatch"))
    print(try(${HOST}, 0, "game1", "DeathMatch"))
    print(try(${HOST}, 0, "", "deathmatch"))
    print(try(${HOST}, 0, long, "deathmatch"))
    print(try(${HOST}, 0, "game1", "deathmatch", 0, 4, { "" }))
    print(try(${HOST}, 0, "game1", "deathmatch", 0, 4, { "ffa", long }))
    print(try(${HOST}, 0, "game1", "deathmatch", 0, 4, {}, { "" }))
    print(try(${HOST}, 0, "game1", "deathmatch", 5, 4))
    print(try(${HOST}, 256, "game1", "deathmatch"))
    print(try(${HOST}, -1, "game1", "deathmatch"))
    print(try(Network.create_multiplayer_session_client, 0, "Game1", "deathmatch"))
    print(try(Network.create_multiplayer_session, 0, "game1", "DM", true))
    print(try(Network.start_session_browsing, 0, "Deathmatch"))
    print(try(Network.start_session_browsing, 0, "deathmatch", { long }))
    print(try(Network.handle_to_description, 0, long))
    print(try(Network.handle_to_description, 0, ""))
    print("longest", number_type(${HOST}(0, longest, longest, 0, 4, { longest })), number_type(Network.handle_to_description(0, longest)))
  `,
    vmUnderTest.luaApi,
  );
  const bad = (n: number, fn: string, what: string) => `error: @: bad argument #${n} to '${fn}' (${what})`;
  t.deepEqual(out, [
    bad(2, HOST, "session name must be all lower-case characters, got 'Game1'"),
    bad(3, HOST, "session template name must be all lower-case characters, got 'DeathMatch'"),
    bad(2, HOST, 'session name must be 1 to 63 characters, got 0'),
    bad(2, HOST, 'session name must be 1 to 63 characters, got 64'),
    bad(6, HOST, 'keywords[1] must be a non-empty string of at most 63 characters'),
    bad(6, HOST, 'keywords[2] must be a non-empty string of at most 63 characters'),
    bad(7, HOST, 'reserved xbox user ids[1] must be a non-empty string of at most 63 characters'),
    bad(4, HOST, 'min members 5 is more than max members 4'),
    bad(1, HOST, 'user id must be between 0 and 255, got 256'),
    bad(1, HOST, 'user id must be between 0 and 255, got -1'),
    bad(2, 'Network.create_multiplayer_session_client', "session name must be all lower-case characters, got 'Game1'"),
    bad(3, 'Network.create_multiplayer_session', "session template name must be all lower-case characters, got 'DM'"),
    bad(2, 'Network.start_session_browsing', "session template name must be all lower-case characters, got 'Deathmatch'"),
    bad(3, 'Network.start_session_browsing', 'keywords[1] must be a non-empty string of at most 63 characters'),
    bad(2, 'Network.handle_to_description', 'a session handle of 1 to 63 characters expected, got 64'),
    bad(2, 'Network.handle_to_description', 'a session handle of 1 to 63 characters expected, got 0'),
    'longest\tinteger\tinteger',
  ]);
});

testOnEachVm('a whole number among keywords or reserved xuids reads as its digits (on LuaJIT too, where numbers are doubles)', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local sid = host("game1")
    MultiplayerSession.set_keywords(0, sid, { 2782711308238081, 2^53, 1.5, 7 })
    print(table.concat(MultiplayerSession.keywords(sid), ","))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, ['2782711308238081,9007199254740992,1.5,7']);
});

testOnEachVm('MultiplayerSession.leave: WORKING, then SHUTDOWN; free_multiplayer_session before SHUTDOWN is an error, after it the session id is gone', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local sid = ${HOST}(0, "game1", "deathmatch", 0, 4)
    print(number_type(sid), MultiplayerSession.status(sid), try(Network.free_multiplayer_session, sid))
    settle(function() return MultiplayerSession.status(sid) ~= "working" end, "host")
    print(MultiplayerSession.status(sid), MultiplayerSession.host(sid) == Network.peer_id(), try(Network.free_multiplayer_session, sid))
    MultiplayerSession.leave(sid)
    print(MultiplayerSession.status(sid), try(Network.free_multiplayer_session, sid))
    print("updates", settle(function() return MultiplayerSession.status(sid) ~= "working" end, "leave"))
    print(MultiplayerSession.status(sid), #MultiplayerSession.members(sid))
    Network.free_multiplayer_session(sid)
    print(try(MultiplayerSession.status, sid))
    print(try(Network.free_multiplayer_session, sid))
  `,
    vmUnderTest.luaApi,
  );
  const notYet = (status: string) => `error: @: Network.free_multiplayer_session: multiplayer session 1 is ${status}; leave it (MultiplayerSession.leave) and wait for SHUTDOWN first`;
  t.deepEqual(out, [
    `integer\tworking\t${notYet('working')}`,
    `ready\ttrue\t${notYet('ready')}`,
    `working\t${notYet('working')}`,
    'updates\t1',
    'shutdown\t0',
    'error: @: MultiplayerSession.status: no multiplayer session 1 (never created, or freed)',
    'error: @: Network.free_multiplayer_session: no multiplayer session 1 (never created, or freed)',
  ]);
});

testOnEachVm('join_local_multiplayer_session adds a second local user: both session ids list two members with different xuids on the same peer; not before READY, not twice', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local sid = ${HOST}(0, "game1", "deathmatch", 0, 4)
    print(try(Network.join_local_multiplayer_session, 1, sid))
    settle(function() return MultiplayerSession.status(sid) == "ready" end, "host")
    print(try(Network.join_local_multiplayer_session, 0, sid))
    local second = Network.join_local_multiplayer_session(1, sid)
    print(second ~= sid, MultiplayerSession.status(second))
    settle(function() return MultiplayerSession.status(second) ~= "working" end, "second user")
    print(MultiplayerSession.status(second), try(Network.join_local_multiplayer_session, 1, sid))
    for _, id in ipairs({ sid, second }) do
      local m = MultiplayerSession.members(id)
      print(#m, m[1] and m[1].peer == Network.peer_id(), m[2] and m[2].peer == Network.peer_id(),
        m[2] and tonumber(m[2].xbox_user_id) - tonumber(m[1].xbox_user_id))
    end
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    'error: @: Network.join_local_multiplayer_session: multiplayer session 1 is working; wait until it is ready',
    'error: @: Network.join_local_multiplayer_session: user 0 is already in multiplayer session 1',
    'true\tworking',
    'ready\terror: @: Network.join_local_multiplayer_session: user 1 is already in multiplayer session 1',
    // The second user's xuid is the first's plus one: one console, two users.
    '2\ttrue\ttrue\t1',
    '2\ttrue\ttrue\t1',
  ]);
});

testOnEachVm('the deprecated create_multiplayer_session hosts (true) or joins by name (false)', async (t, vmUnderTest) => {
  const out = await runPeers(
    {
      'host.lua': `${LUA_CONSOLE}
        function init() Network.init_xboxlive_client("global") sid = Network.create_multiplayer_session(0, "game1", "deathmatch", true, { "ffa" }) end
        function update(dt)
          Network.update(dt, events)
          local count = MultiplayerSession.status(sid) == "ready" and #MultiplayerSession.members(sid)
          if count == 2 then two = true print("two members") end
          -- Until the client has looked and gone.
          if two and count == 1 then Application.quit() end
        end`,
      'client.lua': `${LUA_CONSOLE}
        function init() Network.init_xboxlive_client("global") end
        function update(dt)
          Network.update(dt, events)
          if not sid then
            browsing = browsing or Network.start_session_browsing(0, "deathmatch", { "ffa" })
            if MultiplayerSessionBrowser.status(browsing) ~= "complete" then return end
            local found = MultiplayerSessionBrowser.result(browsing)
            Network.free_session_browsing(browsing)
            browsing = nil
            if found[1] then sid = Network.create_multiplayer_session(0, found[1].session_name, found[1].session_template_name, false) end
          elseif MultiplayerSession.status(sid) ~= "working" then
            print(MultiplayerSession.status(sid), MultiplayerSession.host(sid) ~= Network.peer_id())
            Application.quit()
          end
        end`,
    },
    ['--frames', '300', ...vmUnderTest.flags],
    { 'global.network_config': readFileSync(path.join(XBOX_ROOT, 'global.network_config'), 'utf8') },
  );
  t.is(out.code, 0, out.stderr);
  t.deepEqual([...linesOf(out.stdout, '0:host'), ...linesOf(out.stdout, '1:client')], ['two members', 'ready\ttrue']);
});

/**
 * Three consoles: the host opens "lobby1"; the client joins it by name, so the host learns its
 * xuid and opens "game2" for 2 with a place reserved for it. A friend (not reserved) finds game2
 * with one member and fails to join (BROKEN), then joins lobby1 to say so. The host invites the
 * client to game2; the client takes the invite, looks up its handle and joins (READY). The friend,
 * seeing game2 with two members of two, tries again: BROKEN (full).
 */
const INVITES = {
  'host.lua': `${LUA_CONSOLE}
    function init() Network.init_xboxlive_client("global") lobby = ${HOST}(0, "lobby1", "lobby", 0, 8) end
    function update(dt)
      Network.update(dt, events)
      local members = MultiplayerSession.members(lobby)
      if #members == 2 and not game then
        guest = members[2].xbox_user_id
        -- An xuid reserved as the integer the reference names.
        game = ${HOST}(0, "game2", "deathmatch", 0, 2, {}, { tonumber(guest) })
      end
      if #members == 3 and not invited then
        invited = true
        Network.send_invites(0, game, { guest }, "come_play")
        Network.send_invites(0, game, { "12345" })
        print("invited")
      end
      if game and #MultiplayerSession.members(game) == 2 and not said then
        said = true
        local m = MultiplayerSession.members(game)
        print("game2 members", m[1].peer == Network.peer_id(), m[2].xbox_user_id == guest)
      end
    end`,
  'client.lua': `${LUA_CONSOLE}
    function init() Network.init_xboxlive_client("global") print("no invite", Network.take_invite()) end
    function update(dt)
      Network.update(dt, events)
      if not lobby or MultiplayerSession.status(lobby) == "broken" then
        if lobby then Network.free_multiplayer_session(lobby) end
        lobby = Network.create_multiplayer_session_client(0, "lobby1", "lobby")
      end
      local invite = Network.take_invite()
      if invite then
        print("invite", invite.from == MultiplayerSession.host(lobby), invite.custom_invite_id, #invite.handle)
        lookup = Network.handle_to_description(0, invite.handle)
      end
      if lookup and Network.handle_to_description_status(lookup) == "complete" then
        local name, template = Network.handle_to_description_result(lookup)
        print("described", name, template)
        Network.free_handle_to_description(lookup)
        lookup = nil
        game = Network.create_multiplayer_session_client(0, name, template)
      end
      if game and MultiplayerSession.status(game) ~= "working" and not said then
        said = true
        print("game2", MultiplayerSession.status(game), #MultiplayerSession.members(game), Network.take_invite())
      end
    end`,
  'friend.lua': `${LUA_CONSOLE}
    function init() Network.init_xboxlive_client("global") end
    local tries = 0
    function update(dt)
      Network.update(dt, events)
      if game and MultiplayerSession.status(game) == "broken" then
        print("game2", MultiplayerSession.status(game))
        Network.free_multiplayer_session(game)
        game = nil
        lobby = lobby or Network.create_multiplayer_session_client(0, "lobby1", "lobby")
      end
      if game or tries == 2 then return end
      browsing = browsing or Network.start_session_browsing(0, "deathmatch")
      if MultiplayerSessionBrowser.status(browsing) ~= "complete" then return end
      local s = MultiplayerSessionBrowser.result(browsing)[1]
      Network.free_session_browsing(browsing)
      browsing = nil
      -- The first try as soon as game2 shows, the second once it is full.
      if s and s.members == tries + 1 then
        tries = tries + 1
        print("found", s.session_name, s.members .. "/" .. s.max_members)
        game = Network.create_multiplayer_session_client(0, s.session_name, s.session_template_name)
      end
    end`,
};

testOnEachVm('reservations keep places, invites carry the handle to the invited console (send_invites, take_invite), and a full session makes a joining client\'s session BROKEN', async (t, vmUnderTest) => {
  const out = await runPeers(INVITES, ['--frames', '400', ...vmUnderTest.flags], { 'global.network_config': readFileSync(path.join(XBOX_ROOT, 'global.network_config'), 'utf8') });
  t.is(out.code, 0, out.stderr);
  // Inviting an xuid nobody signed in with is a warning, not an error.
  t.deepEqual(linesOf(out.stdout, '0:host'), ['invited', '[network] warning: Network.send_invites: no signed-in user has the xuid 12345', 'game2 members\ttrue\ttrue']);
  t.deepEqual(linesOf(out.stdout, '1:client'), ['no invite\tnil', 'invite\ttrue\tcome_play\t36', 'described\tgame2\tdeathmatch', 'game2\tready\t2\tnil']);
  t.deepEqual(linesOf(out.stdout, '2:friend'), ['found\tgame2\t1/2', 'game2\tbroken', 'found\tgame2\t2/2', 'game2\tbroken']);
});

testOnEachVm('one network subsystem at a time: init_xboxlive_client while a LAN or Steam client runs is a Lua error; xboxlive_client_exists() is false after shutdown, and another subsystem can start', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `print("exists", Network.xboxlive_client_exists())
    local lan = Network.init_lan_client("global")
    print(try(Network.init_xboxlive_client, "global"))
    Network.shutdown_lan_client(lan)
    local steam = Network.init_steam_client("global")
    print(try(Network.init_xboxlive_client, "global"))
    Network.shutdown_steam_client(steam)
    Network.init_xboxlive_client("global")
    print("exists", Network.xboxlive_client_exists())
    print(try(Network.init_xboxlive_client, "global"))
    print(try(Network.init_psn_client, "global"))
    print(try(Network.init_lan_client, "global"))
    Network.shutdown_xboxlive_client()
    print("exists", Network.xboxlive_client_exists())
    Network.shutdown_xboxlive_client()
    local psn = Network.init_psn_client("global")
    print("psn", psn ~= nil)
  `,
    vmUnderTest.luaApi,
  );
  const already = (what: string, fn: string) => `error: @: Network.${fn}: a ${what} is already running; only one network subsystem at a time (shut it down first)`;
  // "a Xbox" or "an Xbox": the article is not what this test is about.
  t.deepEqual(out.map((line) => line.replace('an Xbox', 'a Xbox')), [
    'exists\tfalse',
    already('LAN client', 'init_xboxlive_client'),
    already('Steam client', 'init_xboxlive_client'),
    'exists\ttrue',
    already('Xbox Live client', 'init_xboxlive_client'),
    already('Xbox Live client', 'init_psn_client'),
    already('Xbox Live client', 'init_lan_client'),
    'exists\tfalse',
    'psn\ttrue',
  ]);
});

testOnEachVm('an Xbox Live function called while no client runs names the subsystem as its other errors do ("Xbox Live client")', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `print(try(${HOST}, 0, "game1", "deathmatch"))
    Network.init_xboxlive_client("global")
    Network.shutdown_xboxlive_client()
    print(try(Network.start_session_browsing, 0, "deathmatch"))`,
    vmUnderTest.luaApi,
  );
  const none = (fn: string) => `error: @: ${fn}: no Xbox Live client is running (call Network.init_xboxlive_client first)`;
  t.deepEqual(out, [none(HOST), none('Network.start_session_browsing')]);
});
