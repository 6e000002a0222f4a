import test from 'ava';
import { LuaScriptError } from '../src/bridge/lua_vm.js';
import { createTestVm, runCli, tempProject } from './helpers/lua.js';

test('a runtime error names the chunk and line and carries a traceback', async (t) => {
  const { run } = await createTestVm();
  const error = t.throws(() => run('local function f()\n  local x = nil\n  return x.y\nend\nf()\n', '@scripts/game.lua'), {
    instanceOf: LuaScriptError,
  });
  t.regex(error.luaMessage, /^scripts\/game\.lua:3: attempt to index a nil value/);
  t.regex(error.luaMessage, /stack traceback:/);
  t.regex(error.luaMessage, /scripts\/game\.lua:5: in main chunk/);
});

test('a syntax error names the file and line', async (t) => {
  const { run } = await createTestVm();
  const error = t.throws(() => run('local a = \nlocal = 3\n', '@broken.lua'), { instanceOf: LuaScriptError });
  t.regex(error.luaMessage, /^broken\.lua:2:/);
});

test('errors raised by engine functions point at the calling script line', async (t) => {
  const { run } = await createTestVm();
  const error = t.throws(() => run('\n\nApplication.quit("soon")\n', '@caller.lua'), { instanceOf: LuaScriptError });
  t.regex(error.luaMessage, /^caller\.lua:3: bad argument #1 to 'Application\.quit' \(exit code expected, got string\)/);
});

test('the CLI prints the traceback of the script file on stderr and exits with 1', async (t) => {
  const dir = tempProject({
    'game.lua': 'function update(dt)\n  helper()\nend\nfunction helper()\n  error("boom")\nend\n',
  });
  const result = await runCli(['run', 'game.lua', '--frames', '3'], { cwd: dir });
  t.is(result.code, 1);
  t.regex(result.stderr, /Lua error: game\.lua:5: boom/);
  t.regex(result.stderr, /game\.lua:2: in function 'update'/);
  t.notRegex(result.stderr, /at .*\.ts:\d+/, 'no JavaScript stack');
});
