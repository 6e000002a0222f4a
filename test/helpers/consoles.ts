/**
 * PSN and Xbox Live test helpers: a VM on the fixtures' network config, and Lua that updates until
 * something shows and reports errors the way a test can compare.
 */
import type { ExecutionContext } from 'ava';
import path from 'node:path';
import type { LuaApi } from '../../src/bridge/lua_api.js';
import { createTestVm, REPO_ROOT, type TestVm } from './lua.js';
import { LUA_NUMBER_TYPE } from './peers.js';

/** Where the PSN and Xbox Live fixtures and their global.network_config (rpc_chat) live. */
export const PSN_ROOT = path.join(REPO_ROOT, 'test/fixtures/psn');
export const XBOX_ROOT = path.join(REPO_ROOT, 'test/fixtures/xbox');

/**
 * Lua for both VMs: `number_type` (LUA_NUMBER_TYPE's, made global for the chunks run after this one).
 * `settle(done, what)` runs Network.update(1/30, events) until done() is true, at most 100
 * times, and returns how many updates that took (an error naming `what` if it never happens).
 * `try(f, ...)` returns f's results, or "error: <message>" with the "file.lua:N: " a Lua caller
 * gives it shown as "@: ".
 */
export const LUA_CONSOLE = `${LUA_NUMBER_TYPE} _G.number_type = number_type
events = {}
function settle(done, what)
  for i = 1, 100 do
    Network.update(1 / 30, events)
    if done() then return i end
  end
  error("still waiting after 100 updates: " .. what, 2)
end
local function pack(...) return { n = select("#", ...), ... } end
function try(f, ...)
  -- Called from a Lua function, so that an engine error carries the caller's "file.lua:N: ".
  local results = pack(pcall(function(...)
    local r = pack(f(...))
    return unpack(r, 1, r.n)
  end, ...))
  if results[1] then return unpack(results, 2, results.n) end
  return "error: " .. (tostring(results[2]):gsub("^[%w_./-]+%.lua:%d+: ", "@: "))
end
`;

/**
 * Lua: the Xbox Live client started; `host(name[, user])` opens a session of template "deathmatch"
 * for 4 with the keyword "ffa" for a local user (default 0) and waits until it is no longer WORKING.
 */
export const LUA_XBOX = `
Network.init_xboxlive_client("global")
function host(name, user)
  local sid = Network.create_multiplayer_session_host(user or 0, name, "deathmatch", 0, 4, { "ffa" })
  settle(function() return MultiplayerSession.status(sid) ~= MultiplayerSession.WORKING end, "session " .. name)
  return sid
end
`;

/** A VM of its own (simulated network, embedded platform service) on `root` (wasmoon unless `luaApi`), closed by the test's teardown, with LUA_CONSOLE run. */
export async function consoleVm(t: ExecutionContext, root: string, luaApi?: LuaApi): Promise<TestVm> {
  const vm = await createTestVm({ root, luaApi });
  t.teardown(() => vm.vm.close());
  vm.run(LUA_CONSOLE, '@console.lua');
  return vm;
}

/** What `source` prints as lines, run in a fresh consoleVm on `root`. */
export async function consoleLines(t: ExecutionContext, root: string, source: string, luaApi?: LuaApi): Promise<string[]> {
  const vm = await consoleVm(t, root, luaApi);
  return vm.run(source).trimEnd().split('\n');
}
