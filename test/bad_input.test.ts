import test from 'ava';
import { createTestVm, tempProject } from './helpers/lua.js';
import { SESSION_CONFIG } from './helpers/session.js';

/** Every engine function, called with wrong types, nil, out-of-range values and dead objects. */
const FUZZ = `
local garbage = { "nil", "{}", "'x'", "1.5", "-1", "true", "2^53", "dead_lobby", "dead_client", "dead_session", "'ffffffffffffffffff'" }
local namespaces = { "Network", "GameSession", "LanClient", "LanLobby", "LanLobbyBrowser", "RPC" }
-- Functions that change what the rest of the run can do are called last, or not at all.
-- Network.open_network_log writes the file it is given (test/api_surface.test.ts covers it).
local skip = { ["Network.shutdown_lan_client"] = true, ["Network.shutdown_game_session"] = true, ["Network.init_lan_client"] = true,
  ["Network.open_network_log"] = true }

client = Network.init_lan_client("global")
local lobby = Network.create_lan_lobby(4)
session = Network.create_game_session()
GameSession.make_game_session_host(session)
dead_lobby = Network.create_lan_lobby(4)
Network.leave_lan_lobby(dead_lobby)
dead_client, dead_session = client, nil

local problems, calls = {}, 0
for _, ns in ipairs(namespaces) do
  local names = {}
  for name, value in pairs(_G[ns]) do if type(value) == "function" then names[#names + 1] = name end end
  table.sort(names)
  for _, name in ipairs(names) do
    local full = ns .. "." .. name
    if not skip[full] then
      for _, a in ipairs(garbage) do
        for _, b in ipairs({ "nil", "'x'", "1.5" }) do
          local chunk = load("local f, s, l = ...; return f(" .. (a == "dead_session" and "s" or a == "dead_lobby" and "l" or a) .. ", " .. b .. ", " .. b .. ")", "=" .. full)
          calls = calls + 1
          local ok, err = pcall(chunk, _G[ns][name], session, dead_lobby)
          if not ok then
            err = tostring(err)
            if err:find("internal error") or err:find("\\n%s+at ") then
              problems[#problems + 1] = full .. "(" .. a .. ", " .. b .. "): " .. err
            elseif not err:find(ns .. "." .. name, 1, true) and not err:find("'" .. name .. "'", 1, true) then
              problems[#problems + 1] = full .. "(" .. a .. ", " .. b .. ") does not name the function: " .. err
            end
          end
        end
      end
    end
  end
end
print("calls", calls > 1000)
for _, p in ipairs(problems) do print(p) end
`;

test('every engine function called with bad arguments gets a Lua error naming the function, never a JS failure', async (t) => {
  const root = tempProject({ 'global.network_config': SESSION_CONFIG });
  const vm = await createTestVm({ root });
  t.teardown(() => vm.vm.close());
  const out = vm.run(FUZZ);
  const lines = out.trim().split('\n');
  t.is(lines[0], 'calls\ttrue');
  t.deepEqual(lines.slice(1), []);
});
