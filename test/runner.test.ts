import test from 'ava';
import path from 'node:path';
import { ScriptExit } from '../src/bridge/lua_vm.js';
import { parseRunOptions, UsageError } from '../src/runner/run_options.js';
import { createTestVm, luaOutput, runCli, tempProject } from './helpers/lua.js';
import { testOnEachVm } from './helpers/vms.js';

testOnEachVm('a script whose _G raises on a missing global (strict mode) runs without init or shutdown; its own undefined globals are still its errors', async (t, vm) => {
  const dir = tempProject({
    'strict.lua': `
      local frames = 0
      function update(dt)
        frames = frames + 1
        if frames == 2 then print(pcall(function() return undefined_thing end)) end
        if frames == 3 then Application.quit() end
      end
      setmetatable(_G, { __index = function(_, k) error("undefined global " .. tostring(k), 2) end })`,
  });
  const result = await runCli(['run', path.join(dir, 'strict.lua'), ...vm.flags]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^false\t\S*strict\.lua:5: undefined global undefined_thing\n$/);
});

test('lifecycle: main chunk, init, update(dt) per frame, shutdown; --frames and --dt; time advances by dt', async (t) => {
  const dir = tempProject({
    'game.lua': `
      print("main chunk")
      local frames = 0
      function init() print("init", Application.time_since_launch()) end
      function update(dt) frames = frames + 1; printf("update %d dt=%s t=%s", frames, dt, Application.time_since_launch()) end
      function shutdown() print("shutdown after", frames) end`,
  });
  const result = await runCli(['run', path.join(dir, 'game.lua'), '--frames', '3', '--dt', '0.25']);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, 'main chunk\ninit\t0\nupdate 1 dt=0.25 t=0.25\nupdate 2 dt=0.25 t=0.5\nupdate 3 dt=0.25 t=0.75\nshutdown after\t3\n');
});

test('exit codes: quit() stops after the frame and runs shutdown; quit(code) and os.exit(code) give the code', async (t) => {
  const dir = tempProject({
    'quit.lua': 'function update() print("frame"); Application.quit() end\nfunction shutdown() print("bye") end',
    'code.lua': 'function update() Application.quit(7.0) end',
    // os.exit ends the script at once, without shutdown(), as exit() ended the engine.
    'exit.lua': 'function shutdown() print("shutdown") end\nprint("before")\nos.exit(3)\nprint("after")',
    'fail.lua': 'function init() local t = nil; return t.x end',
  });
  const [quit, code, exit, fail] = await Promise.all(['quit', 'code', 'exit', 'fail'].map((name) => runCli(['run', path.join(dir, `${name}.lua`)])));
  t.deepEqual([quit!.code, quit!.stdout], [0, 'frame\nbye\n']);
  t.is(code!.code, 7);
  t.deepEqual([exit!.code, exit!.stdout], [3, 'before\n']);
  t.is(fail!.code, 1);
  t.regex(fail!.stderr, /fail\.lua:1: attempt to index a nil value \(local 't'\)\nstack traceback:/);
});

test('a fractional exit code is truncated as LuaJIT did; one that is not a finite number is a Lua error, not a crash', async (t) => {
  const { vm, run } = await createTestVm();
  t.teardown(() => vm.close());
  t.is(t.throws(() => run('os.exit(2.9)'), { instanceOf: ScriptExit })?.code, 2);
  const out = await luaOutput(`
    print(select(2, pcall(os.exit, "3")))
    print(select(2, pcall(os.exit, 0/0)))
    print(select(2, pcall(Application.quit, 1/0)))
    print(select(2, pcall(Application.quit, {})))
  `);
  t.is(
    out,
    [
      "bad argument #1 to 'os.exit' (exit code expected, got string)",
      "bad argument #1 to 'os.exit' (exit code expected, got nan)",
      "bad argument #1 to 'Application.quit' (exit code expected, got inf)",
      "bad argument #1 to 'Application.quit' (exit code expected, got table)",
      '',
    ].join('\n'),
  );
});

test('usage errors are one clear line with exit code 2', async (t) => {
  const dir = tempProject({ 'ok.lua': '' });
  const cases = await Promise.all([
    runCli(['run', path.join(dir, 'missing.lua')]),
    runCli(['run', path.join(dir, 'ok.lua'), '--root', path.join(dir, 'nowhere')]),
    runCli(['run', path.join(dir, 'ok.lua'), '--bogus']),
  ]);
  for (const result of cases) {
    t.is(result.code, 2);
    t.notRegex(result.stderr, /\n\s+at /); // no JS stack
  }
  t.regex(cases[0]!.stderr, /^stingray-net: script not found: .*missing\.lua \(no file '.*missing\.lua'; a resource name is also looked up under --root DIR\)\n$/);
  t.regex(cases[1]!.stderr, /^stingray-net: --root: no such folder: .*nowhere\n$/);
  t.regex(cases[2]!.stderr, /^stingray-net: run: unknown option --bogus; see stingray-net run --help\n$/);
  // The CLI prints every UsageError as above; the other messages, checked without a process each:
  const usage = (...args: string[]) => t.throws(() => parseRunOptions([path.join(dir, 'ok.lua'), ...args]), { instanceOf: UsageError })?.message;
  t.is(usage('--frames', 'many'), "--frames must be a positive integer, got 'many'");
  t.is(usage('--dt=0'), "--dt must be a positive number of seconds, got '0'");
  t.is(usage('--peers', '2', path.join(dir, 'ok.lua')), '--peers N runs one script N times; give exactly one script');
  t.is(usage('--simulate', 'loss=2'), "--simulate: simulator setting loss: '2' is not a probability between 0 and 1");
});

test('require and dofile resolve against --root, defaulting to the script\'s folder', async (t) => {
  const dir = tempProject({
    'scripts/main.lua': 'local util = require "lib/util"\nlocal again = require "lib/util"\nlocal dotted = require "lib.util"\ndofile("lib/extra")\nprint(util.name, util == again, dotted.name, extra)\nApplication.quit()',
    'scripts/lib/util.lua': 'return { name = "util from scripts" }',
    'scripts/lib/extra.lua': 'extra = "extra from scripts"',
    'root/lib/util.lua': 'return { name = "util from root" }',
    'root/lib/extra.lua': 'extra = "extra from root"',
  });
  const fromScriptFolder = await runCli(['run', path.join(dir, 'scripts/main.lua')]);
  const fromRoot = await runCli(['run', path.join(dir, 'scripts/main.lua'), '--root', path.join(dir, 'root')]);
  t.is(fromScriptFolder.stdout, 'util from scripts\ttrue\tutil from scripts\textra from scripts\n', fromScriptFolder.stderr);
  t.is(fromRoot.stdout, 'util from root\ttrue\tutil from root\textra from root\n', fromRoot.stderr);
});

test('several peers: own VM each, own argv with --peer-index, prefixed output, frames interleaved on one clock', async (t) => {
  const dir = tempProject({
    'peer.lua': `
      local argv = Application.argv()
      shared = (shared or 0) + 1 -- 1 in every VM: no peer sees another's globals
      local frames = 0
      function update(dt)
        frames = frames + 1
        print(table.concat(argv, " "), shared, frames, Application.time_since_launch())
        if frames == 2 then Application.quit() end
      end
      function shutdown() print("shutdown") end`,
    'other.lua': 'function update() print("other", shared, Application.time_since_launch()) end',
    'bad.lua': 'function update(dt)\n  error("peer broke")\nend',
  });
  const [copies, mixed, failing] = await Promise.all([
    runCli(['run', path.join(dir, 'peer.lua'), '--peers', '3', '--dt', '0.5', '--', 'map=arena']),
    runCli(['run', path.join(dir, 'peer.lua'), path.join(dir, 'other.lua'), '--frames', '3', '--dt', '0.5']),
    runCli(['run', path.join(dir, 'peer.lua'), path.join(dir, 'bad.lua')]),
  ]);
  t.is(copies.code, 0, copies.stderr);
  t.deepEqual(copies.stdout.trim().split('\n'), [
    '[0:peer] map=arena --peer-index 0\t1\t1\t0.5',
    '[1:peer] map=arena --peer-index 1\t1\t1\t0.5',
    '[2:peer] map=arena --peer-index 2\t1\t1\t0.5',
    '[0:peer] map=arena --peer-index 0\t1\t2\t1',
    '[0:peer] shutdown',
    '[1:peer] map=arena --peer-index 1\t1\t2\t1',
    '[1:peer] shutdown',
    '[2:peer] map=arena --peer-index 2\t1\t2\t1',
    '[2:peer] shutdown',
  ]);
  // Two different scripts: one quits after two frames, the other runs until --frames.
  t.is(mixed.code, 0, mixed.stderr);
  t.deepEqual(mixed.stdout.trim().split('\n'), [
    '[0:peer] --peer-index 0\t1\t1\t0.5',
    '[1:other] other\tnil\t0.5',
    '[0:peer] --peer-index 0\t1\t2\t1',
    '[0:peer] shutdown',
    '[1:other] other\tnil\t1',
    '[1:other] other\tnil\t1.5',
  ]);
  // A failing peer stops the run with its traceback; the others still shut down.
  t.is(failing.code, 1);
  t.regex(failing.stderr, /^\[1:bad\] Lua error: .*bad\.lua:2: peer broke\nstack traceback:/);
  t.deepEqual(failing.stdout.trim().split('\n'), ['[0:peer] --peer-index 0\t1\t1\t0.033333333333333', '[0:peer] shutdown']);
});

test('a missing module or file names where it was looked for; a broken module names its own file and line', async (t) => {
  const root = tempProject({ 'lib/broken.lua': 'local x = = 1' });
  const { vm, run } = await createTestVm({ root });
  t.teardown(() => vm.close());
  const out = run(`
    print(select(2, pcall(require, "missing.mod")))
    print(select(2, pcall(dofile, "missing")))
    print(select(2, pcall(require, "lib/broken")))
  `);
  t.is(
    out,
    [
      "module 'missing.mod' not found:",
      "\tno field package.preload['missing.mod']",
      `\tno file '${path.join(root, 'missing.mod.lua')}'`,
      `\tno file '${path.join(root, 'missing/mod.lua')}'`,
      `no file '${path.join(root, 'missing.lua')}'`,
      `\tno file '${path.join(root, 'missing')}'`,
      `${path.join(root, 'lib/broken.lua')}:1: unexpected symbol near '='`,
      '',
    ].join('\n'),
  );
});

test('Application.make_hash is the same in every process; a script without update() ends by itself after init', async (t) => {
  const dir = tempProject({ 'hash.lua': 'print(Application.make_hash("global", 3, 2.5, true))\nfunction shutdown() print("shutdown") end' });
  const [a, b] = await Promise.all([runCli(['run', path.join(dir, 'hash.lua')]), runCli(['run', path.join(dir, 'hash.lua')])]);
  t.is(a.code, 0, a.stderr);
  t.regex(a.stdout, /^[0-9a-f]{16}\nshutdown\n$/);
  t.is(a.stdout, b.stdout);
});
