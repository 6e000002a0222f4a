import { createTestVm } from './test/helpers/lua.js';
import { LuaJitBridge } from './src/bridge/luajit_bridge.js';
for (const api of [undefined, LuaJitBridge.load()]) {
  const { vm } = await createTestVm({ luaApi: api });
  const { lua } = vm; const { bridge } = lua;
  lua.defineFunction('Bench', 'add3', (L) => { bridge.pushNumber(L, bridge.toNumber(L, 1) + bridge.toNumber(L, 2) + bridge.toNumber(L, 3)); return 1; });
  lua.defineFunction('Bench', 'nop', () => 0);
  lua.runString(`function bench_pure(n) local function f(a, b, c) return a + b + c end local s = 0 for i = 1, n do s = s + f(i, 2, 3) end return s end
     function bench_bridge(n) local f = Bench.add3 local s = 0 for i = 1, n do s = s + f(i, 2, 3) end return s end
     function bench_nop(n) local f = Bench.nop for i = 1, n do f(i, 2, 3) end end`, '=b');
  for (const name of ['bench_pure', 'bench_nop', 'bench_bridge']) {
    const n = 1_000_000;
    for (let r = 0; r < 3; r++) { const t0 = process.hrtime.bigint(); lua.runString(`${name}(${n})`, '=b'); const dt = Number(process.hrtime.bigint() - t0) / n; if (r === 2) console.log(api ? 'luajit' : 'wasmoon', name, dt.toFixed(1), 'ns'); }
  }
  vm.close();
}
