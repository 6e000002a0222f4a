/**
 * `stingray-net run --vm`: the examples print the same on LuaJIT as on wasmoon; a wrong name is a
 * usage error.
 */
import test from 'ava';
import { runCli } from './helpers/lua.js';
import { testVms } from './helpers/vms.js';

const RUNS: Record<string, string[]> = {
  patrol: ['lua/examples/patrol.lua'],
  arena: ['lua/examples/arena.lua', '--peers', '3', '--simulate', 'loss=0.05,latency=40ms', '--seed', '4', '--frames', '600'],
};

if (testVms().length > 1) {
  for (const [name, args] of Object.entries(RUNS)) {
    test(`[luajit] the ${name} example prints the same on --vm luajit as on wasmoon`, async (t) => {
      const [wasmoon, luajit] = await Promise.all([runCli(['run', ...args]), runCli(['run', ...args, '--vm', 'luajit'])]);
      t.is(wasmoon.code, 0, wasmoon.stderr);
      t.is(luajit.code, 0, luajit.stderr);
      t.true(wasmoon.stdout.split('\n').length > 3, wasmoon.stdout);
      t.is(luajit.stdout, wasmoon.stdout);
    });
  }
}

test('--vm takes wasmoon or luajit', async (t) => {
  const result = await runCli(['run', 'lua/examples/patrol.lua', '--vm', 'lua51']);
  t.is(result.code, 2);
  t.is(result.stderr, "stingray-net: --vm must be wasmoon or luajit, got 'lua51'\n");
});
