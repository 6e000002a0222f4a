import { linesOf, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { LUA_SESSION, SESSION_CONFIG } from './helpers/session.js';

const files = { 'global.network_config': SESSION_CONFIG };
const lines = (output: string, peer: string): string[] => linesOf(output, peer).map((l) => l.replace(/^\d+\t/, ''));

/** A client that joins, creates one unit, and runs `extra` every frame once in the session. */
const client = (peer: string, extra: string, events = '{}') => `${LUA_SESSION}
local events = ${events}
function init() client_start("${peer}") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if finished then return end
  if client_step() and not mine then mine = GameSession.create_game_object(session, "unit", unit_fields(7)) end
  ${extra}
end`;

testOnEachVm('a leaving peer and a dropped peer: wants_to_leave, broken_connection, remove_peer callbacks, and the others see their objects go', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({}, { __index = host_events })
local on_remove = { game_object_destroyed = function(self, id, peer)
  print("removed object", peer, GameSession.game_object_field(session, id, "go_type"), GameSession.game_object_exists(session, id))
end }
function init() host_start("a1") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  local leaving = GameSession.wants_to_leave(session)
  if leaving then print("wants to leave", leaving); GameSession.remove_peer(session, leaving, on_remove) end
  local broken = GameSession.broken_connection(session)
  if broken then print("broken", broken); GameSession.remove_peer(session, broken, on_remove) end
  if frame == 150 then print("peers", table.concat(GameSession.peers(session), ",")) end
end`;
  const leaver = client('b2', 'if frame == 60 then GameSession.leave(session) end\n  if leaving_done == nil and frame > 60 and not GameSession.in_session(session) then leaving_done = true; print("left the session"); Network.shutdown_game_session(); finished = true end');
  const dropper = client('c3', 'if frame == 90 then Network.shutdown_lan_client(client); finished = true end');
  const watcher = client(
    'd4',
    'if frame == 150 then print("peers", table.concat(GameSession.other_peers(session), ",")) end',
    '{ game_object_destroyed = function(self, id, peer) print("destroyed", peer, GameSession.game_object_field(session, id, "go_type")) end }',
  );
  const result = await runPeers({ 'host.lua': host, 'leaver.lua': leaver, 'dropper.lua': dropper, 'watcher.lua': watcher }, ['--frames', '151', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout, '0:host'), ['wants to leave\tb2', 'removed object\tb2\t1\ttrue', 'broken\tc3', 'removed object\tc3\t1\ttrue', 'peers\ta1,d4']);
  t.deepEqual(lines(result.stdout, '1:leaver'), ['left the session']);
  t.deepEqual(lines(result.stdout, '3:watcher'), ['destroyed\tb2\t1', 'destroyed\tc3\t1', 'peers\ta1']);
});

testOnEachVm('when the host leaves, each client hears game_session_disconnect once and can start a new session in the same process', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({}, { __index = host_events })
function init() host_start("a1") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame == 60 then GameSession.shutdown_game_session_host(session); Network.shutdown_game_session(); print("ended") end
end`;
  const events = `{ game_session_disconnect = function(self, host) disconnects = (disconnects or 0) + 1; print("disconnected by", host, GameSession.in_session(session)) end }`;
  const after = `
  if frame == 90 then
    print("disconnects", disconnects)
    Network.shutdown_game_session()
    session = Network.create_game_session()
    GameSession.make_game_session_host(session)
    local id = GameSession.create_game_object(session, "pickup", { go_type = 3, flag = true })
    print("new session", GameSession.game_session_host(session) == Network.peer_id(), GameSession.game_object_field(session, id, "flag"))
  end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client('b2', after, events) }, ['--frames', '91', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout, '1:client'), ['disconnected by\ta1\tfalse', 'disconnects\t1', 'new session\ttrue\ttrue']);
});

testOnEachVm('the host migrates an object: the new owner hears migrated_to_me, writes it, and everyone sees the writes', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({ game_object_sync_done = function(self, peer) target = peer end }, { __index = host_events })
local on_migrate = { game_object_migrated_away = function(self, id, owner) print("migrated away", id == horse, owner) end }
function init()
  host_start("a1")
  horse = GameSession.create_game_object(session, "unit", unit_fields(1))
end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame == 60 then GameSession.migrate_game_object(session, horse, target, on_migrate) end
  if frame == 61 then print("owned", GameSession.game_object_owned(session, horse), pcall(GameSession.set_game_object_field, session, horse, "health", 1)) end
  if frame == 100 then print("health", GameSession.game_object_field(session, horse, "health"), GameSession.game_object_owner(session, horse)) end
end`;
  const rider = client(
    'b2',
    'if got and frame == got + 5 then GameSession.set_game_object_field(session, got_id, "health", 200) end',
    '{ game_object_migrated_to_me = function(self, id, old) got, got_id = frame, id; print("migrated to me", id, old, GameSession.game_object_owned(session, id)) end }',
  );
  const result = await runPeers({ 'host.lua': host, 'rider.lua': rider }, ['--frames', '101', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  const hostLines = lines(result.stdout, '0:host');
  t.is(hostLines[0], 'migrated away\ttrue\tb2');
  t.regex(hostLines[1]!, /^owned\tfalse\tfalse\tGameSession\.set_game_object_field: game object 1 \(unit\) is owned by b2, not this peer$/);
  t.is(hostLines[2], 'health\t200\tb2');
  t.deepEqual(lines(result.stdout, '1:rider'), ['migrated to me\t1\ta1\ttrue']);
});

testOnEachVm('synchronizing_peers and synchronized_peers follow a hot join on both sides; host_error turns true only when the host is lost (falls silent)', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({
  game_object_sync_done = function(self, peer)
    print("sync done", peer, table.concat(GameSession.synchronizing_peers(session), ","), table.concat(GameSession.synchronized_peers(session), ","))
  end,
}, { __index = host_events })
function init()
  host_start("a1")
  for i = 1, 150 do GameSession.create_game_object(session, "unit", unit_fields(i)) end
end
function update(dt)
  frame = frame + 1
  -- From frame 90 the host hangs: it neither sends nor answers, and says no goodbye.
  if finished then return end
  Network.update(dt, events)
  local syncing = table.concat(GameSession.synchronizing_peers(session), ",")
  if syncing ~= "" and syncing ~= shown then shown = syncing; print("synchronizing", syncing, table.concat(GameSession.synchronized_peers(session), ",")) end
  if frame == 90 then print("host error", GameSession.host_error(session)); finished = true end
end`;
  const watcher = client(
    'b2',
    `if session and GameSession.in_session(session) and not seen then
      seen = table.concat(GameSession.synchronized_peers(session), ",")
      print("in session", seen, table.concat(GameSession.synchronizing_peers(session), ","), GameSession.host_error(session))
    end
    if seen and not synced and #GameSession.synchronized_peers(session) == 1 then synced = true; print("synchronized", GameSession.synchronized_peers(session)[1]) end
    if frame == 1 then Network.set_max_receiver_lost_time(1) end`,
    '{ game_session_disconnect = function(self, host) print("disconnected", host, GameSession.host_error(session), GameSession.in_session(session)) end }',
  );
  const result = await runPeers({ 'host.lua': host, 'watcher.lua': watcher }, ['--frames', '150', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout, '0:host'), ['synchronizing\tb2\t', 'sync done\tb2\t\tb2', 'host error\tfalse']);
  t.deepEqual(lines(result.stdout, '1:watcher'), ['in session\t\ta1\tfalse', 'synchronized\ta1', 'disconnected\ta1\ttrue\tfalse']);
});

testOnEachVm('migrate_game_session_host: the longest-present peer hosts from then on, the old host stays as its client, objects keep their owners and their writes reach everyone through the new host', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({}, { __index = host_events })
function init()
  host_start("a1")
  horse = GameSession.create_game_object(session, "unit", unit_fields(1))
end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame == 70 then
    GameSession.migrate_game_session_host(session)
    print("host now", GameSession.game_session_host(session), table.concat(GameSession.peers(session), ","))
    print(pcall(GameSession.add_peer, session, "c3"))
  end
  if frame == 90 then GameSession.set_game_object_field(session, horse, "health", 150) end
  if frame == 95 then cart = GameSession.create_game_object(session, "pickup", { go_type = 5, flag = true }) end
  if frame == 140 then
    local theirs = GameSession.objects_owned_by(session, "c3")[1]
    print("c3's unit", GameSession.game_object_field(session, theirs, "health"))
  end
end`;
  const report = `if frame == 140 then
      local a1 = GameSession.objects_owned_by(session, "a1")
      print("at 140", GameSession.game_session_host(session), #a1, GameSession.game_object_field(session, a1[1], "health"))
    end`;
  const first = client('b2', `${report}
    if frame == 141 then print("b2 peers", table.concat(GameSession.other_peers(session), ",")) end`);
  const second = client('c3', `${report}
    if frame == 100 then GameSession.set_game_object_field(session, mine, "health", 77) end
    if frame == 141 then print(pcall(GameSession.migrate_game_session_host, session)) end`);
  const result = await runPeers({ 'host.lua': host, 'first.lua': first, 'second.lua': second }, ['--frames', '142', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout, '0:host'), [
    'host now\tb2\ta1,b2,c3',
    'false\tGameSession.add_peer: only the session host can do this, and this peer is the session a client of b2',
    "c3's unit\t77",
  ]);
  t.deepEqual(lines(result.stdout, '1:first'), ['at 140\tb2\t2\t150', 'b2 peers\ta1,c3']);
  t.deepEqual(lines(result.stdout, '2:second'), [
    'at 140\tb2\t2\t150',
    'false\tGameSession.migrate_game_session_host: only the session host can do this, and this peer is the session a client of b2',
  ]);
});

testOnEachVm('migrate_game_session_host is refused while a peer is still being synchronized, or with nobody to take over; nothing changes', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({}, { __index = host_events })
function init()
  host_start("a1")
  print(pcall(GameSession.migrate_game_session_host, session))
  for i = 1, 400 do GameSession.create_game_object(session, "unit", unit_fields(i)) end
end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  local syncing = GameSession.synchronizing_peers(session)[1]
  if syncing and not tried then tried = true print(pcall(GameSession.migrate_game_session_host, session)) print("still host", GameSession.game_session_host(session)) end
end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client('b2', '') }, ['--frames', '60', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout, '0:host'), [
    'false\tGameSession.migrate_game_session_host: no peer in the session to take the host role',
    'false\tGameSession.migrate_game_session_host: peer b2 is still being sent the session\'s objects; migrate after its game_object_sync_done',
    'still host\ta1',
  ]);
});

testOnEachVm('a client leaving after the host ended the session: leave and disconnect_from_host are no-ops with a log line; a peer never in a session is still told', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({}, { __index = host_events })
function init() host_start("a1") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame == 60 then GameSession.shutdown_game_session_host(session); print("ended") end
end`;
  const after = `
  if frame == 90 then
    Network.log("messages")
    print("leave", pcall(GameSession.leave, session))
    print("disconnect", pcall(GameSession.disconnect_from_host, session))
  end`;
  const never = `
function init() Network.init_lan_client("global", 0, "c3"); session = Network.create_game_session() end
function update(dt) Network.update(dt, {}); if not done then done = true; print(pcall(GameSession.leave, session)) end end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': client('b2', after), 'never.lua': never }, ['--frames', '91', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout, '1:client'), [
    '[network] GameSession.leave: the session hosted by a1 has already ended; nothing to leave',
    'leave\ttrue',
    '[network] GameSession.disconnect_from_host: the session hosted by a1 has already ended; nothing to leave',
    'disconnect\ttrue',
  ]);
  t.regex(lines(result.stdout, '2:never').join('\n'), /false\t.*GameSession\.leave: only the session client can do this, and this peer is not in a session/);
});
