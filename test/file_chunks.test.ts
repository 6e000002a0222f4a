import test from 'ava';
import { rmSync } from 'node:fs';
import { LuaScriptError } from '../src/bridge/lua_vm.js';
import { createTestVm, runCli, tempProject } from './helpers/lua.js';

const BOM = '\ufeff';

// Shaped like the game's own files: BOM first, a module table, a class built with local helpers.
const GAME_MODULE = `${BOM}require("scripts/network/network_utils")

NetworkLobby = NetworkLobby or {}

function NetworkLobby.member_names(members)
\tlocal names = {}
\tfor i, member in ipairs(members) do
\t\tnames[i] = NetworkUtils.label(member)
\tend
\treturn names
end

return NetworkLobby
`;

function project(t: import('ava').ExecutionContext, files: Record<string, string>): string {
  const dir = tempProject(files);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a BOM-prefixed game file loads unmodified through require, dofile, loadfile and as the main script', async (t) => {
  const root = project(t, {
    'scripts/network/network_lobby.lua': GAME_MODULE,
    'scripts/network/network_utils.lua': `${BOM}NetworkUtils = {}\nfunction NetworkUtils.label(m) return "peer:" .. m end\n`,
    'scripts/settings/numbers.lua': `${BOM}return 42\n`,
    'main.lua': `${BOM}local lobby = require("scripts/network/network_lobby")
print(table.concat(lobby.member_names({ "a", "b" }), ","))
print(dofile("scripts/settings/numbers.lua"), loadfile("scripts/settings/numbers.lua")())
`,
  });
  const result = await runCli(['run', 'main.lua', '--frames', '1'], { cwd: root });
  t.is(result.stderr, '');
  t.is(result.stdout, 'peer:a,peer:b\n42\t42\n');
  t.is(result.code, 0);
});

test('a # first line is skipped after a BOM, and errors keep the file line numbers', async (t) => {
  const root = project(t, {
    'scripts/tool.lua': `${BOM}#!/usr/bin/env luajit\nlocal x = 1\nerror("line three")\n`,
    'scripts/plain.lua': '#!shebang without newline',
  });
  const { vm, run } = await createTestVm({ root });
  t.teardown(() => vm.close());
  const error = t.throws(() => run('require("scripts/tool")'), { instanceOf: LuaScriptError });
  t.regex(error.luaMessage, /scripts\/tool\.lua:3: line three/);
  t.is(run('print(type(loadfile("scripts/plain.lua")))'), 'function\n');
});

test('load skips a BOM and a # first line of a string chunk too, as LuaJIT does, and keeps its env argument', async (t) => {
  const { vm, run } = await createTestVm();
  t.teardown(() => vm.close());
  t.is(run(`print(load("${BOM}return 1")(), loadstring("#!x\\nreturn 2")())`), '1\t2\n');
  t.is(run('print(load("return x", "c", "t", { x = 3 })(), pcall(load("#l1\\nerror(\'two\')", "=c")))'), '3\tfalse\tc:2: two\n');
});
