import test from 'ava';
import { LuaBridge, loadWasmoonExports } from '../src/bridge/lua_bridge.js';

test('wasmoon loads without touching the global WebAssembly, and what is captured is its Lua C API', async (t) => {
  const instantiate = WebAssembly.instantiate;
  const seen: unknown[] = [];
  // Anything instantiating meanwhile goes through the global, which stays the real one.
  (WebAssembly as { instantiate: unknown }).instantiate = (...args: unknown[]) => {
    seen.push(args[0]);
    return (instantiate as (...a: unknown[]) => unknown)(...args);
  };
  try {
    const { exports, addFunction } = await loadWasmoonExports();
    t.deepEqual(seen, [], 'wasmoon instantiated through the global WebAssembly');
    t.true(exports.memory instanceof WebAssembly.Memory);
    const L = exports.luaL_newstate();
    t.not(L, 0);
    exports.lua_pushnumber(L, 42);
    t.is(exports.lua_gettop(L), 1);
    t.is(exports.lua_tonumberx(L, -1, 0), 42);
    exports.lua_close(L);
    t.is(typeof addFunction((state) => state), 'number');
  } finally {
    (WebAssembly as { instantiate: unknown }).instantiate = instantiate;
  }
});

test('the process-wide bridge runs Lua through the captured exports', async (t) => {
  const bridge = await LuaBridge.load();
  const L = bridge.newState();
  t.true(bridge.load(L, 'return 6 * 7', '=test'));
  t.true(bridge.pcall(L, 0, 1, 0));
  t.is(bridge.toNumber(L, -1), 42);
  bridge.closeState(L);
});
