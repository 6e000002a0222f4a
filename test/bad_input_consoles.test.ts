import type { ExecutionContext } from 'ava';
import { consoleVm, LUA_XBOX, PSN_ROOT, XBOX_ROOT } from './helpers/consoles.js';
import type { TestVm } from './helpers/lua.js';
import { luaSweep, sweepResult, type SweepOptions } from './helpers/sweep.js';
import { testOnEachVm } from './helpers/vms.js';

// LuaJIT has no math.maxinteger/mininteger: there the extremes are the floats ±2^63.
const GARBAGE = ['nil', '{}', "'x'", '1.5', '-1', 'true', '2^53', 'math.maxinteger or 2^63', 'math.mininteger or -2^63', '0/0', 'math.huge', "'ffffffffffffffffff'", "'constructor'", "'__proto__'", "'a\\0b'", "string.rep('a', 300)", '{ {} }', 'print'];
const REST = ['nil', "'x'", '1.5', "'constructor'", '{}'];

/**
 * In `vm`, a sweep of everything but `last` (with the VM's objects among the garbage), then
 * `alive` (Lua printing what shows the objects lived through it) prints `expected`, then a sweep of
 * `last`, the functions that end or change those objects.
 */
function sweep(t: ExecutionContext, vm: TestVm, options: Pick<SweepOptions, 'namespaces' | 'include'> & { objects: string[]; last: string[]; alive: string; expected: string }): void {
  const last = options.last.map((full) => `full == "${full}"`).join(' or ');
  const first = sweepResult(vm.run(luaSweep({ ...options, garbage: [...GARBAGE, ...options.objects], rest: REST, skip: options.last })));
  t.true(first.calls > 5000, `${first.calls} calls`);
  t.deepEqual(first.problems, []);
  t.is(vm.run(options.alive), options.expected, 'the sweep ran with live objects throughout');
  const ending = sweepResult(vm.run(luaSweep({ namespaces: options.namespaces, garbage: GARBAGE, rest: REST, include: `(function(full) return ${last} end)(ns .. "." .. name)` })));
  t.true(ending.calls > 100, `${ending.calls} calls`);
  t.deepEqual(ending.problems, []);
}

testOnEachVm('every PSN function called with bad arguments, with and without a live client, room, browser and external data, gets a Lua error naming the function, never a JS failure', async (t, vmUnderTest) => {
  const vm = await consoleVm(t, PSN_ROOT, vmUnderTest.luaApi);
  vm.run(`
    dead_client = Network.init_psn_client("global")
    dead_browser, dead_external = dead_client:room_browser(), dead_client:room_data_external()
    Network.shutdown_psn_client(dead_client)
    client = Network.init_psn_client("global")
    room = Network.create_psn_room("arena", 4)
    dead_room = Network.create_psn_room("gone", 4)
    settle(function() return PsnRoom.state(room) == "joined" and PsnRoom.state(dead_room) == "joined" end, "rooms")
    Network.leave_psn_room(dead_room)
    room_id = PsnRoom.id(room)
    browser, external = client:room_browser(), client:room_data_external()
    live = { PsnClient = client, PsnRoom = room, PsnRoomBrowser = browser, PsnRoomDataExternal = external }
  `);
  sweep(t, vm, {
    namespaces: ['PsnClient', 'PsnRoom', 'PsnRoomBrowser', 'PsnRoomDataExternal', 'Network'],
    include: 'ns ~= "Network" or name:find("psn")',
    objects: ['room', 'dead_room', 'room_id', 'dead_client', 'dead_browser', 'dead_external', 'client', 'browser'],
    last: ['Network.leave_psn_room', 'Network.shutdown_psn_client', 'Network.init_psn_client'],
    alive: 'print(PsnRoom.state(room), client:ready())',
    expected: 'joined\ttrue\n',
  });
});

/** Network's Xbox Live functions, by the words in their names. */
const XBOX_NETWORK = ['xbox', 'session', 'activity', 'presence', 'invite', 'handle', 'clean'].map((word) => `name:find("${word}")`).join(' or ');

testOnEachVm('every Xbox Live function (MultiplayerSession, MultiplayerSessionBrowser, Network\'s) called with bad arguments, with and without a live session and browsing job, gets a Lua error naming the function, never a JS failure', async (t, vmUnderTest) => {
  const vm = await consoleVm(t, XBOX_ROOT, vmUnderTest.luaApi);
  vm.run(`${LUA_XBOX}
    session = host("game1")
    freed = host("gone")
    MultiplayerSession.leave(freed)
    settle(function() return MultiplayerSession.status(freed) == "shutdown" end, "leave")
    Network.free_multiplayer_session(freed)
    browsing = Network.start_session_browsing(0, "deathmatch")
    lookup = Network.handle_to_description(0, MultiplayerSession.multiplayer_correlation_id(session))
    settle(function() return MultiplayerSessionBrowser.status(browsing) == "complete" end, "browsing")
    handle = MultiplayerSession.multiplayer_correlation_id(session)
    live = { MultiplayerSession = session, MultiplayerSessionBrowser = browsing }
  `);
  sweep(t, vm, {
    namespaces: ['MultiplayerSessionBrowser', 'MultiplayerSession', 'Network'],
    include: `ns ~= "Network" or ${XBOX_NETWORK}`,
    objects: ['session', 'freed', 'browsing', 'lookup', 'handle', '{ "1", "x" }', '{ handle }'],
    last: ['MultiplayerSession.leave', 'Network.shutdown_xboxlive_client', 'Network.init_xboxlive_client', 'Network.clean_sessions'],
    alive: 'print(MultiplayerSession.status(session), Network.xboxlive_client_exists())',
    expected: 'ready\ttrue\n',
  });
});
