import test from 'ava';
import { LuaRaise } from '../src/bridge/lua_api.js';
import { LuaBridge, loadWasmoonExports } from '../src/bridge/lua_bridge.js';
import { createTestVm } from './helpers/lua.js';
import { testOnEachVm } from './helpers/vms.js';

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

testOnEachVm('errors of TypeScript functions are Lua errors: positioned, catchable, nested, and from metamethods the bridge runs', async (t, vm) => {
  const { vm: stingray, run } = await createTestVm({ luaApi: vm.luaApi });
  t.teardown(() => stingray.close());
  const { lua } = stingray;
  const { bridge } = lua;
  lua.defineFunction('T', 'raise', () => {
    throw new LuaRaise('refused');
  });
  lua.defineFunction('T', 'crash', () => {
    throw new TypeError('oops');
  });
  lua.defineFunction('T', 'raise_value', (L) => {
    bridge.pushValue(L, 1);
    return bridge.raiseTop(L);
  });
  // Calls its argument protected (as callbacks are) and reports; then reads t.key through __index.
  lua.defineFunction('T', 'call', (L) => {
    bridge.pushValue(L, 1);
    const ok = bridge.pcall(L, 0, 0, 0);
    const message = ok ? 'ok' : bridge.toString(L, -1);
    bridge.setTop(L, 2);
    bridge.getField(L, 2, 'key');
    bridge.pushString(L, `${message}|${bridge.toString(L, -1)}`);
    return 1;
  });
  const output = run(`
print(pcall(T.raise))
print(select(2, pcall(function() T.raise() end)))
print(pcall(T.crash))
print(select(2, pcall(T.raise_value, { code = 7 })).code)
print(T.call(function() T.raise() end, setmetatable({}, { __index = function(_, k) return k .. "!" end })))
print(pcall(T.call, function() end, setmetatable({}, { __index = function() error("no such key", 0) end })))
setmetatable(_G, { __index = function(_, k) error("undefined global " .. k, 2) end })
print(pcall(function() return undefined_thing end))
print(T.call(function() end, { key = "plain" }))
`);
  t.is(
    output,
    `false\trefused
test.lua:3: refused
false\tinternal error: oops
7
test.lua:6: refused|key!
false\tno such key
false\ttest.lua:9: undefined global undefined_thing
ok|plain
`,
  );
});

testOnEachVm('a TypeScript function reads its arguments right after popping, replacing and nesting calls, and its pushes land in order', async (t, vm) => {
  const { vm: stingray, run } = await createTestVm({ luaApi: vm.luaApi });
  t.teardown(() => stingray.close());
  const { lua } = stingray;
  const { bridge } = lua;
  const seen: string[] = [];
  const look = (L: number, idx: number): string => `${bridge.typeName(L, idx)}:${bridge.toString(L, idx) ?? String(bridge.toBoolean(L, idx))}`;
  lua.defineFunction('T', 'twice', (L) => {
    bridge.pushNumber(L, bridge.toNumber(L, 1) * 2);
    return 1;
  });
  // (n, flag, tbl): reads, pops below its arguments, pushes over them, calls Lua that calls T.twice, reads again.
  lua.defineFunction('T', 'shuffle', (L) => {
    seen.push([1, 2, 3].map((i) => look(L, i)).join(' '));
    bridge.setField(L, 3, 'unused'); // pops tbl into tbl.unused: argument 3 is gone
    seen.push(`${bridge.getTop(L)} ${bridge.typeName(L, 3)}`);
    bridge.setTop(L, 1);
    bridge.pushString(L, 'over');
    bridge.pushBoolean(L, false);
    seen.push([1, 2, 3].map((i) => look(L, i)).join(' '));
    bridge.getGlobal(L, 'call_twice');
    bridge.pushValue(L, 1);
    if (!bridge.pcall(L, 1, 1, 0)) throw new LuaRaise(bridge.toString(L, -1)!);
    seen.push([1, 2, 3, 4].map((i) => look(L, i)).join(' '));
    bridge.setTop(L, 0);
    bridge.pushNumber(L, 1);
    bridge.pushValue(L, -1);
    bridge.pushNil(L);
    bridge.pushBoolean(L, true);
    bridge.pushValue(L, 1);
    return bridge.getTop(L);
  });
  const output = run(`
function call_twice(n) return math.floor(T.twice(n) + 1) end
print(T.shuffle(21, true, {}))`);
  t.is(output, '1\t1\tnil\ttrue\t1\n');
  t.deepEqual(seen, [
    'number:21 boolean:true table:true',
    '2 no value',
    // toString converted the number in its slot, as lua_tolstring does
    'string:21 string:over boolean:false',
    'string:21 string:over boolean:false number:43',
  ]);
});
