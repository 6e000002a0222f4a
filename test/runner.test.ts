import test from 'ava';
import path from 'node:path';
import { runCli, tempProject } from './helpers/lua.js';

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
    'code.lua': 'function update() Application.quit(7) end',
    'exit.lua': 'os.exit(3)',
    'fail.lua': 'function init() local t = nil; return t.x end',
  });
  const [quit, code, exit, fail] = await Promise.all(['quit', 'code', 'exit', 'fail'].map((name) => runCli(['run', path.join(dir, `${name}.lua`)])));
  t.deepEqual([quit!.code, quit!.stdout], [0, 'frame\nbye\n']);
  t.is(code!.code, 7);
  t.is(exit!.code, 3);
  t.is(fail!.code, 1);
  t.regex(fail!.stderr, /fail\.lua:1: attempt to index a nil value \(local 't'\)\nstack traceback:/);
});

test('usage errors are one clear line with exit code 2', async (t) => {
  const dir = tempProject({ 'ok.lua': '' });
  const cases = await Promise.all([
    runCli(['run', path.join(dir, 'missing.lua')]),
    runCli(['run', path.join(dir, 'ok.lua'), '--frames', 'many']),
    runCli(['run', path.join(dir, 'ok.lua'), '--root', path.join(dir, 'nowhere')]),
    runCli(['run', path.join(dir, 'ok.lua'), '--bogus']),
    runCli(['run', path.join(dir, 'ok.lua'), '--simulate', 'loss=2']),
  ]);
  for (const result of cases) {
    t.is(result.code, 2);
    t.notRegex(result.stderr, /\n\s+at /); // no JS stack
  }
  t.regex(cases[0]!.stderr, /^stingray-net: script not found: .*missing\.lua\n$/);
  t.regex(cases[1]!.stderr, /^stingray-net: --frames must be a positive integer, got 'many'\n$/);
  t.regex(cases[2]!.stderr, /^stingray-net: --root: no such folder: .*nowhere\n$/);
  t.regex(cases[3]!.stderr, /^stingray-net: unknown option --bogus\n/);
  t.regex(cases[4]!.stderr, /^stingray-net: --simulate: simulator setting loss: '2' is not a probability between 0 and 1\n$/);
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
      shared = (shared or 0) + 1
      function update(dt)
        print(table.concat(argv, " "), shared, Application.time_since_launch())
        Application.quit()
      end`,
    'other.lua': 'function update() print("other", shared) Application.quit() end',
  });
  const peers = await runCli(['run', path.join(dir, 'peer.lua'), '--peers', '3', '--', 'map=arena']);
  t.is(peers.code, 0, peers.stderr);
  t.deepEqual(peers.stdout.trim().split('\n'), [
    '[0:peer] map=arena --peer-index 0\t1\t0.033333333333333',
    '[1:peer] map=arena --peer-index 1\t1\t0.033333333333333',
    '[2:peer] map=arena --peer-index 2\t1\t0.033333333333333',
  ]);
  const mixed = await runCli(['run', path.join(dir, 'peer.lua'), path.join(dir, 'other.lua')]);
  t.deepEqual(mixed.stdout.trim().split('\n'), ['[0:peer] --peer-index 0\t1\t0.033333333333333', '[1:other] other\tnil']);
});

test('Application.make_hash is the same in every process for the same arguments', async (t) => {
  const dir = tempProject({ 'hash.lua': 'print(Application.make_hash("global", 3, 2.5, true))' });
  const [a, b] = await Promise.all([runCli(['run', path.join(dir, 'hash.lua'), '--frames', '1']), runCli(['run', path.join(dir, 'hash.lua'), '--frames', '1'])]);
  t.regex(a.stdout, /^[0-9a-f]{16}\n$/);
  t.is(a.stdout, b.stdout);
});
