import { linesOf, runPeers } from './helpers/peers.js';
import { testOnEachVm } from './helpers/vms.js';
import { LUA_SESSION, SESSION_CONFIG } from './helpers/session.js';

const files = { 'global.network_config': SESSION_CONFIG };
/** `host.lua:N` for line N of a script after LUA_SESSION. */
const at = (line: number): string => `host.lua:${LUA_SESSION.split('\n').length - 1 + line}`;

/** A client that joins the host's session and, once in it, sends in one frame `rpc_count` 1..5 and two `rpc_note`s. */
const SENDER = `${LUA_SESSION}
client_sending_once("b2", function()
  for i = 1, 5 do RPC.rpc_count(channel, i) end
  RPC.rpc_note(channel, "first")
  RPC.rpc_note(channel, "second")
end)`;

testOnEachVm('a failing callback ends the update with its traceback; the events after it arrive in the next update, in order', async (t, vm) => {
  const host = `${LUA_SESSION}
local got = {}
local events = setmetatable({
  rpc_count = function(self, sender, n)
    got[#got + 1] = n
    if n == 2 then error("count " .. n) end
    if n == 3 then error("count " .. n, 2) end
  end,
}, { __index = host_events })
function init()
  host_start("a1")
  Network.log("spew")
  Network.ignore_rpc_log("rpc_request_join")
end
local function receive(dt) Network.update(dt, events) end
function update(dt)
  frame = frame + 1
  local ok, message = pcall(receive, dt)
  if not ok then print("failed after " .. #got .. ": " .. message) end
end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': SENDER }, ['--frames', '60', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  const file = /(\S*host\.lua):/.exec(result.stdout)![1]!;
  const output = linesOf(result.stdout, '0:host')
    .join('\n')
    .replaceAll(file, 'host.lua')
    .replace(/^\[network\] (connected|received rpc_request_join).*\n/gm, '');
  // LuaJIT names the frames of a traceback its own way: the C function by its global name, the Lua one by where it starts.
  const named = (text: string): string =>
    vm.name === 'luajit' ? text.replaceAll("[C]: in field 'update'", "[C]: in function 'update'").replaceAll(`${at(18)}: in function 'update'`, `${at(18)}: in function <${at(16)}>`) : text;
  t.is(
    output,
    named(`[network] received rpc_count from 1
[network] received rpc_count from 1
failed after 2: ${at(15)}: ${at(6)}: count 2
stack traceback:
	[C]: in function 'error'
	${at(6)}: in function <${at(4)}>
	[C]: in field 'update'
	${at(15)}: in function <${at(15)}>
	[C]: in function 'pcall'
	${at(18)}: in function 'update'
[network] received rpc_count from 1
failed after 3: ${at(15)}: count 3
stack traceback:
	[C]: in function 'error'
	${at(7)}: in function <${at(4)}>
	[C]: in field 'update'
	${at(15)}: in function <${at(15)}>
	[C]: in function 'pcall'
	${at(18)}: in function 'update'
[network] received rpc_count from 1
[network] received rpc_count from 1
[network] received rpc_note from 1
[network] warning: the callback table has no handler for RPC 'rpc_note'; dropped
[network] received rpc_note from 1`),
  );
});

testOnEachVm('a callable table is called like a function; any other value is an error naming the callback', async (t, vm) => {
  const host = `${LUA_SESSION}
local counted = {}
local events = setmetatable({
  rpc_count = setmetatable({}, { __call = function(callee, self, sender, n) counted[#counted + 1] = n end }),
  rpc_note = 42,
}, { __index = host_events })
function init() host_start("a1") end
function update(dt)
  frame = frame + 1
  local ok, message = pcall(Network.update, dt, events)
  if not ok then print(table.concat(counted, " "), message) end
end`;
  const result = await runPeers({ 'host.lua': host, 'client.lua': SENDER }, ['--frames', '60', ...vm.flags], files);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(linesOf(result.stdout, '0:host'), [
    "1 2 3 4 5\tcallback 'rpc_note' is a number value, not a function",
    "1 2 3 4 5\tcallback 'rpc_note' is a number value, not a function",
  ]);
});
