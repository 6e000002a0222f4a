import { LuaScriptError } from '../src/bridge/lua_vm.js';
import { createTestVm, runCli, tempProject } from './helpers/lua.js';
import { testOnEachVm } from './helpers/vms.js';

testOnEachVm('a runtime error names the chunk and line and carries a traceback', async (t, vmUnderTest) => {
  const { run } = await createTestVm({ luaApi: vmUnderTest.luaApi });
  const error = t.throws(() => run('local function f()\n  local x = nil\n  return x.y\nend\nf()\n', '@scripts/game.lua'), {
    instanceOf: LuaScriptError,
  });
  // The file and line are the runner's; the wording after them is the VM's.
  t.regex(error.luaMessage, /^scripts\/game\.lua:3: attempt to index .*\ba nil value/);
  t.regex(error.luaMessage, /stack traceback:/);
  t.regex(error.luaMessage, /scripts\/game\.lua:5: in main chunk/);
});

testOnEachVm('a syntax error names the file and line', async (t, vmUnderTest) => {
  const { run } = await createTestVm({ luaApi: vmUnderTest.luaApi });
  const error = t.throws(() => run('local a = \nlocal = 3\n', '@broken.lua'), { instanceOf: LuaScriptError });
  t.regex(error.luaMessage, /^broken\.lua:2:/);
});

testOnEachVm('errors raised by engine functions point at the calling script line', async (t, vmUnderTest) => {
  const { run } = await createTestVm({ luaApi: vmUnderTest.luaApi });
  const error = t.throws(() => run('\n\nApplication.quit("soon")\n', '@caller.lua'), { instanceOf: LuaScriptError });
  t.regex(error.luaMessage, /^caller\.lua:3: bad argument #1 to 'Application\.quit' \(exit code expected, got string\)/);
});

testOnEachVm('the CLI prints the traceback of the script file on stderr and exits with 1', async (t, vmUnderTest) => {
  const dir = tempProject({
    'game.lua': 'function update(dt)\n  helper()\nend\nfunction helper()\n  error("boom")\nend\n',
  });
  const result = await runCli(['run', 'game.lua', '--frames', '3', ...vmUnderTest.flags], { cwd: dir });
  t.is(result.code, 1);
  t.regex(result.stderr, /Lua error: game\.lua:5: boom/);
  t.regex(result.stderr, /game\.lua:2: in function ('update'|<game\.lua:1>)/, 'LuaJIT names a global function by where it starts');
  t.notRegex(result.stderr, /at .*\.ts:\d+/, 'no JavaScript stack');
});

testOnEachVm('a table error object shows where it was raised and what it holds', async (t, vmUnderTest) => {
  const { vm, run } = await createTestVm({ luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.close());
  const error = t.throws(() => run('local function fail()\n  error({ code = 7, reason = "full", peers = { 1, 2 } })\nend\nfail()\n', '@scripts/lobby.lua'), {
    instanceOf: LuaScriptError,
  });
  t.regex(error.luaMessage, /^scripts\/lobby\.lua:2: error object is a table value: \{code = 7, peers = \{\[1\] = 1, \[2\] = 2\}, reason = "full"\}/);
  t.regex(error.luaMessage, /scripts\/lobby\.lua:4: in main chunk/);
});

testOnEachVm('a large or nested error table is shown bounded; other values name their type', async (t, vmUnderTest) => {
  const { vm, run } = await createTestVm({ luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.close());
  const big = t.throws(() => run('local t = { deep = { deeper = { deepest = {} } } }\nfor i = 1, 40 do t[i] = i end\nerror(t)\n'), { instanceOf: LuaScriptError });
  t.regex(big.luaMessage, /^test\.lua:3: error object is a table value: \{\[1\] = 1, .*\[16\] = 16, \.\.\. \(41 fields\)\}/);
  const nested = t.throws(() => run('error({ deep = { deeper = { deepest = {} } } })'), { instanceOf: LuaScriptError });
  t.regex(nested.luaMessage, /\{deep = \{deeper = \{\.\.\.\}\}\}/);
  const bool = t.throws(() => run('error(false)'), { instanceOf: LuaScriptError });
  t.regex(bool.luaMessage, /^test\.lua:1: error object is a boolean value: false/);
});

testOnEachVm("tracebacks leave out the runner's own Lua frames", async (t, vmUnderTest) => {
  const { vm, run } = await createTestVm({ luaApi: vmUnderTest.luaApi });
  t.teardown(() => vm.close());
  const error = t.throws(() => run('local function read()\n  local health = GameSession.game_object_field("not a session", 1, "health")\n  return health\nend\nread()\n', '@scripts/reader.lua'), {
    instanceOf: LuaScriptError,
  });
  t.regex(error.luaMessage, /^scripts\/reader\.lua:2: bad argument #1 to 'GameSession\.game_object_field'/);
  t.regex(error.luaMessage, /scripts\/reader\.lua:5: in main chunk/);
  t.notRegex(error.luaMessage, /stingray-network|game_object_mirror|prelude/);
});
