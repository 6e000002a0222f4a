import { consoleLines, LUA_XBOX, XBOX_ROOT } from './helpers/consoles.js';
import { testOnEachVm } from './helpers/vms.js';

testOnEachVm('the SessionJobStatus constants are the lower-case strings scripts compare with', async (t, vmUnderTest) => {
  t.deepEqual(await consoleLines(t, XBOX_ROOT, 'print(SessionJobStatus.NOT_RUNNING, SessionJobStatus.WORKING, SessionJobStatus.COMPLETE, SessionJobStatus.FAILED)', vmUnderTest.luaApi), ['not_running\tworking\tcomplete\tfailed']);
});

testOnEachVm('handle_to_description: NOT_RUNNING before, WORKING right after the call, COMPLETE after the next Network.update; the result (name, template) only when complete, free only when done, NOT_RUNNING after free', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local sid = host("game1")
    local handle = MultiplayerSession.multiplayer_correlation_id(sid)
    print("before", Network.handle_to_description_status(1))
    local job = Network.handle_to_description(0, handle)
    print("job", number_type(job), Network.handle_to_description_status(job))
    print("early result", try(Network.handle_to_description_result, job))
    print("early free", try(Network.free_handle_to_description, job))
    print("updates", settle(function() return Network.handle_to_description_status(job) ~= "working" end, "lookup"))
    print("done", Network.handle_to_description_status(job), Network.handle_to_description_result(job))
    print("again", Network.handle_to_description_result(job))
    Network.free_handle_to_description(job)
    print("freed", Network.handle_to_description_status(job), try(Network.handle_to_description_result, job))
    print("free twice", try(Network.free_handle_to_description, job))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    'before\tnot_running',
    'job\tinteger\tworking',
    'early result\terror: @: Network.handle_to_description_result: job 1 is working; read its result once Network.handle_to_description_status says COMPLETE',
    'early free\terror: @: Network.free_handle_to_description: job 1 is working; free it once it is COMPLETE or FAILED',
    'updates\t1',
    'done\tcomplete\tgame1\tdeathmatch',
    'again\tgame1\tdeathmatch',
    'freed\tnot_running\terror: @: Network.handle_to_description_result: no job 1 (never started, or freed)',
    'free twice\terror: @: Network.free_handle_to_description: no job 1 (never started, or freed already)',
  ]);
});

testOnEachVm('handle_to_description of a handle no session has: FAILED, the result an error saying why, and a failed job can be freed', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local job = Network.handle_to_description(0, "5e551000-0000-4000-8000-00000000ffff")
    settle(function() return Network.handle_to_description_status(job) ~= "working" end, "lookup")
    print(Network.handle_to_description_status(job), try(Network.handle_to_description_result, job))
    Network.free_handle_to_description(job)
    print(Network.handle_to_description_status(job))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    "failed\terror: @: Network.handle_to_description_result: job 1 is failed (no session has the handle '5e551000-0000-4000-8000-00000000ffff'); read its result once Network.handle_to_description_status says COMPLETE",
    'not_running',
  ]);
});

testOnEachVm('set_presence: WORKING right after the call, then NOT_RUNNING by itself (the job frees itself)', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local job = Network.set_presence(0, "playing_deathmatch")
    print(number_type(job), Network.set_presence_status(job))
    print("updates", settle(function() return Network.set_presence_status(job) ~= "working" end, "presence"))
    print(Network.set_presence_status(job))
    local inactive = Network.set_presence(1, "menu", false)
    settle(function() return Network.set_presence_status(inactive) ~= "working" end, "presence")
    print(Network.set_presence_status(inactive))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, ['integer\tworking', 'updates\t1', 'not_running', 'not_running']);
});

testOnEachVm('set_activity works in the session (WORKING, then READY); get_activity_details returns the session\'s name, template and handle; clear_activity (NOT_RUNNING, WORKING, COMPLETE) removes it', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local sid = host("game1")
    local xuid = MultiplayerSession.members(sid)[1].xbox_user_id
    local function details()
      local job = Network.get_activity_details(0, { xuid, "1234" })
      local status = Network.get_activity_details_status(job)
      print("early", try(Network.get_activity_details_result, job))
      settle(function() return Network.get_activity_details_status(job) ~= "working" end, "details")
      local found = Network.get_activity_details_result(job)
      Network.free_get_activity_details(job)
      print("details", status, Network.get_activity_details_status(job), #found)
      return found
    end
    print("none yet", #details())
    Network.set_activity(0, sid)
    print("session", MultiplayerSession.status(sid))
    settle(function() return MultiplayerSession.status(sid) ~= "working" end, "set_activity")
    print("session", MultiplayerSession.status(sid))
    local d = details()[1]
    print(d.xbox_user_id == xuid, d.session_name, d.session_template_name, d.handle == MultiplayerSession.multiplayer_correlation_id(sid), d.members, d.max_members, d.closed)
    local lookup = Network.handle_to_description(0, d.handle)
    settle(function() return Network.handle_to_description_status(lookup) == "complete" end, "lookup")
    print("handle", Network.handle_to_description_result(lookup))
    print("clear", Network.clear_activity_status(0))
    Network.clear_activity(0)
    print("clear", Network.clear_activity_status(0), Network.clear_activity_status(1))
    settle(function() return Network.clear_activity_status(0) ~= "working" end, "clear")
    print("clear", Network.clear_activity_status(0))
    print("after clear", #details())
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    'early\terror: @: Network.get_activity_details_result: job 1 is working; read its result once Network.get_activity_details_status says COMPLETE',
    'details\tworking\tnot_running\t0',
    'none yet\t0',
    'session\tworking',
    'session\tready',
    'early\terror: @: Network.get_activity_details_result: job 2 is working; read its result once Network.get_activity_details_status says COMPLETE',
    'details\tworking\tnot_running\t1',
    'true\tgame1\tdeathmatch\ttrue\t1\t4\tfalse',
    'handle\tgame1\tdeathmatch',
    'clear\tnot_running',
    'clear\tworking\tnot_running',
    'clear\tcomplete',
    'early\terror: @: Network.get_activity_details_result: job 4 is working; read its result once Network.get_activity_details_status says COMPLETE',
    'details\tworking\tnot_running\t0',
    'after clear\t0',
  ]);
});

testOnEachVm('set_activity needs a READY session of that user', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local sid = Network.create_multiplayer_session_host(0, "game1", "deathmatch")
    print(try(Network.set_activity, 0, sid))
    settle(function() return MultiplayerSession.status(sid) == "ready" end, "session")
    print(try(Network.set_activity, 1, sid))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    'error: @: Network.set_activity: multiplayer session 1 is working, not ready',
    'error: @: Network.set_activity: multiplayer session 1 belongs to user 0, not 1',
  ]);
});

/** Lua: `browse(user)` lists the names of the deathmatch sessions browsing finds, sorted, with their member counts. */
const BROWSE = `
function browse(user)
  local job = Network.start_session_browsing(user or 0, "deathmatch")
  settle(function() return MultiplayerSessionBrowser.status(job) == "complete" end, "browse")
  local names = {}
  for _, s in ipairs(MultiplayerSessionBrowser.result(job)) do names[#names + 1] = s.session_name .. "/" .. s.members end
  Network.free_session_browsing(job)
  table.sort(names)
  return table.concat(names, ",")
end
function clean(user)
  Network.clean_sessions(user)
  settle(function() return Network.clean_sessions_status() ~= "working" end, "clean")
end
`;

testOnEachVm('clean_sessions: NOT_RUNNING before, WORKING right after the call, then done (COMPLETE or NOT_RUNNING); the user\'s sessions are gone from Xbox Live, another user\'s stay', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}${BROWSE}
    host("game1")
    host("game2")
    local other = host("game3", 1)
    print("found", browse())
    print("clean", Network.clean_sessions_status())
    Network.clean_sessions(0)
    print("clean", Network.clean_sessions_status())
    settle(function() return Network.clean_sessions_status() ~= "working" end, "clean")
    print("clean", Network.clean_sessions_status() == "complete" or Network.clean_sessions_status() == "not_running")
    print("found", browse(), MultiplayerSession.status(other))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, ['found\tgame1/1,game2/1,game3/1', 'clean\tnot_running', 'clean\tworking', 'clean\ttrue', 'found\tgame3/1\tready']);
});

testOnEachVm('the sessions clean_sessions removed no longer read READY', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}${BROWSE}
    local sid = host("game1")
    clean(0)
    print(browse(), MultiplayerSession.status(sid))
  `,
    vmUnderTest.luaApi,
  );
  // Nothing can join a session Xbox Live no longer has: its host must not go on believing in it.
  t.is(out.length, 1);
  t.regex(out[0]!, /^\t(broken|shutdown)$/);
});

testOnEachVm('clean_sessions of one local user leaves another local user of the console in a session they share', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}${BROWSE}
    local sid = host("game1")
    local second = Network.join_local_multiplayer_session(1, sid)
    settle(function() return MultiplayerSession.status(second) == "ready" end, "second user")
    print(browse())
    clean(0)
    print(browse(1), MultiplayerSession.status(second))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, ['game1/2', 'game1/1\tready']);
});

testOnEachVm('session browsing is a job: WORKING, then COMPLETE with the sessions of the template having every keyword; the result only when complete, free only when done', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    Network.create_multiplayer_session_host(0, "a", "deathmatch", 0, 4, { "ffa", "eu" })
    Network.create_multiplayer_session_host(0, "b", "deathmatch", 0, 4, { "ffa" })
    Network.create_multiplayer_session_host(0, "c", "coop", 0, 4, { "ffa", "eu" })
    settle(function() return true end, "sessions")
    local job = Network.start_session_browsing(0, "deathmatch", { "eu", "ffa" })
    print(number_type(job), MultiplayerSessionBrowser.status(job))
    print(try(MultiplayerSessionBrowser.result, job))
    print(try(Network.free_session_browsing, job))
    settle(function() return MultiplayerSessionBrowser.status(job) ~= "working" end, "browse")
    local found = MultiplayerSessionBrowser.result(job)
    local s = found[1]
    print(MultiplayerSessionBrowser.status(job), #found, s.session_name, s.session_template_name, s.host == Network.peer_id(), s.members, s.max_members, #s.handle)
    Network.free_session_browsing(job)
    print(MultiplayerSessionBrowser.status(job))
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, [
    'integer\tworking',
    'error: @: MultiplayerSessionBrowser.result: job 1 is working; read its result once MultiplayerSessionBrowser.status says COMPLETE',
    'error: @: Network.free_session_browsing: job 1 is working; free it once it is COMPLETE or FAILED',
    'complete\t1\ta\tdeathmatch\ttrue\t1\t4\t36',
    'not_running',
  ]);
});

testOnEachVm('session browsing finds a template\'s sessions however many sessions of other templates there are', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}${BROWSE}
    for i = 1, 100 do Network.create_multiplayer_session_host(0, "coop" .. i, "coop", 0, 4) end
    host("game1")
    print(browse())
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out, ['game1/1']);
});

testOnEachVm('max members 0 or none means the default, 100', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    Network.create_multiplayer_session_host(0, "a", "deathmatch", 0, 0)
    Network.create_multiplayer_session_host(0, "b", "deathmatch")
    local job = Network.start_session_browsing(0, "deathmatch")
    settle(function() return MultiplayerSessionBrowser.status(job) == "complete" end, "browse")
    for _, s in ipairs(MultiplayerSessionBrowser.result(job)) do print(s.session_name, s.max_members) end
  `,
    vmUnderTest.luaApi,
  );
  t.deepEqual(out.sort(), ['a\t100', 'b\t100']);
});

testOnEachVm('custom properties: the host sets JSON, custom_property_json is a job whose result is that JSON (nil for a key never set); bad JSON is refused', async (t, vmUnderTest) => {
  const out = await consoleLines(
    t,
    XBOX_ROOT,
    `${LUA_XBOX}
    local sid = host("game1")
    MultiplayerSession.set_custom_property_json(sid, "rules", '{"frag_limit": 20}')
    print(try(MultiplayerSession.set_custom_property_json, sid, "rules", "{frag_limit"))
    local job = MultiplayerSession.custom_property_json(sid, "rules")
    local missing = MultiplayerSession.custom_property_json(sid, "map")
    print(MultiplayerSession.custom_property_json_status(job), try(MultiplayerSession.custom_property_json_result, job))
    settle(function() return MultiplayerSession.custom_property_json_status(missing) ~= "working" end, "property")
    print(MultiplayerSession.custom_property_json_status(job), MultiplayerSession.custom_property_json_result(job), MultiplayerSession.custom_property_json_result(missing))
    MultiplayerSession.free_custom_property_json(job)
    print(MultiplayerSession.custom_property_json_status(job))
  `,
    vmUnderTest.luaApi,
  );
  t.is(out.length, 4, out.join('\n'));
  t.regex(out[0]!, /^error: @: bad argument #3 to 'MultiplayerSession\.set_custom_property_json' \(JSON expected: .+\)$/);
  t.deepEqual(out.slice(1), [
    'working\terror: @: MultiplayerSession.custom_property_json_result: job 1 is working; read its result once MultiplayerSession.custom_property_json_status says COMPLETE',
    'complete\t{"frag_limit": 20}\tnil',
    'not_running',
  ]);
});
