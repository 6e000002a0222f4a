import path from 'node:path';
import { parseRunOptions } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';
import { linesOf } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { LUA_FIELD_CHECK, LUA_SESSION, SESSION_CONFIG } from './helpers/session.js';
import { tempProject } from './helpers/lua.js';

/** A callback table that prints every callback it gets, with what it can read of the object. */
const PRINTING = `
function describe(name, ...)
  local parts = { name }
  for _, v in ipairs({ ... }) do parts[#parts + 1] = tostring(v) end
  return table.concat(parts, " ")
end
printing = setmetatable({}, { __index = function(_, name)
  return function(self, a, b, ...)
    local line = describe(name, a, b, ...)
    if name == "game_object_created" or name == "game_object_destroyed" then
      local p = GameSession.game_object_field(session, a, "position")
      line = line .. string.format(" at %.2f %.2f health %s", p.x, p.y, tostring(GameSession.game_object_field(session, a, "health")))
    end
    print("event " .. line)
  end
end })
`;

testOnEachVm('a recorded session replays to the same callbacks, with the same object fields; shutdown_replay_session ends it', async (t, vm) => {
  const host = `${LUA_SESSION}
local events = setmetatable({}, { __index = host_events })
function init() host_start("a1") end
function update(dt)
  frame = frame + 1
  Network.update(dt, events)
  if frame == 40 then
    a = GameSession.create_game_object(session, "unit", unit_fields(1))
    b = GameSession.create_game_object(session, "unit", unit_fields(2))
  end
  if frame > 40 and frame < 70 then GameSession.set_game_object_field(session, a, "position", Vector3(frame, 1, 0)) end
  if frame == 50 then GameSession.set_game_object_field(session, b, "health", 50) end
  if frame == 60 then RPC.rpc_note(GameSession.other_peers(session)[1], "hello") end
  if frame == 75 then GameSession.destroy_game_object(session, b) end
  if frame == 80 then RPC.rpc_count(GameSession.other_peers(session)[1], -7) end
end`;
  const client = `${LUA_SESSION}${PRINTING}
function init() client_start("b2") end
function update(dt)
  frame = frame + 1
  Network.update(dt, printing)
  client_step()
end`;
  const dir = tempProject({ 'global.network_config': SESSION_CONFIG, 'host.lua': host, 'client.lua': client });
  const log = path.join(dir, 'session.log');
  let live = '';
  const recorded = parseRunOptions([path.join(dir, 'host.lua'), path.join(dir, 'client.lua'), '--root', dir, '--simulate', 'loss=0.1,latency=30ms', '--seed', '3', '--frames', '120', '--network-log', log, ...vm.flags]);
  t.is(await runScripts(recorded, { stdout: (s) => (live += s), stderr: (s) => (live += s) }), 0, live);
  const liveEvents = linesOf(live, '1:client').filter((l) => l.startsWith('event '));
  t.true(liveEvents.some((l) => l.startsWith('event game_object_created')), live);
  t.true(liveEvents.some((l) => l.startsWith('event rpc_note')) && liveEvents.some((l) => l.startsWith('event game_object_destroyed')));

  const replayer = `${PRINTING}${LUA_FIELD_CHECK}
function init()
  Network.init_lan_client("global")
  session = Network.create_replay_session(${JSON.stringify(log)}, "b2")
  print(pcall(GameSession.set_game_object_field, session, 1, "health", 1))
end
function update(dt)
  Network.update(dt, printing)
  -- Field reads answered on the Lua side agree with the engine's, frame by frame.
  check_fields(session, 4)
end
function shutdown()
  print("checked", checked > 100, mismatches)
  Network.shutdown_replay_session()
  Network.shutdown_replay_session()
  print(pcall(GameSession.peers, session))
end`;
  const replayDir = tempProject({ 'global.network_config': SESSION_CONFIG, 'replay.lua': replayer });
  let replayed = '';
  const options = parseRunOptions([path.join(replayDir, 'replay.lua'), '--root', replayDir, '--simulate', 'perfect', '--frames', '200', ...vm.flags]);
  t.is(await runScripts(options, { stdout: (s) => (replayed += s), stderr: (s) => (replayed += s) }), 0, replayed);
  const lines = replayed.trim().split('\n');
  t.is(lines[0], 'false\tGameSession.set_game_object_field: a replay session only plays back what was recorded');
  t.deepEqual(lines.slice(1).filter((l) => l.startsWith('event ')), liveEvents);
  t.is(lines.at(-2), 'checked\ttrue\t0');
  t.is(lines.at(-1), "false\tbad argument #1 to 'GameSession.peers' (this GameSession was destroyed or shut down)", 'shutdown_replay_session ends it; a second call is harmless');
});
