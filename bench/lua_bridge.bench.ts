/**
 * The Lua ↔ TypeScript boundary: our bridge against wasmoon's high-level API and against pure Lua.
 * Targets (issue #2): bridge ≥ 20× faster than the high-level API and ≤ 6× a pure-Lua call.
 */
import { LuaFactory } from 'wasmoon';
import { LuaRaise } from '../src/bindings/lua_bridge.js';
import { isolatedNetworkOptions } from '../src/bindings/network_binding.js';
import { ScriptCallbacks } from '../src/bindings/script_callbacks.js';
import { createStingrayVm } from '../src/bindings/stingray_vm.js';
import { formatNs, nsPerOp, printTable } from './measure.js';

const CALLS = 1_000_000;
const HIGH_LEVEL_CALLS = 50_000;

export async function benchLuaBridge(): Promise<Record<string, number>> {
  const stingray = await createStingrayVm({
    root: process.cwd(),
    network: isolatedNetworkOptions(process.cwd()),
    writeStdout: () => undefined,
    application: { argv: [], timeSinceLaunch: () => 0, quit: () => undefined },
  });
  const { lua } = stingray;
  const { bridge } = lua;
  lua.defineFunction('Bench', 'add3', (L) => {
    bridge.pushNumber(L, bridge.toNumber(L, 1) + bridge.toNumber(L, 2) + bridge.toNumber(L, 3));
    return 1;
  });
  const callbacks = new ScriptCallbacks(lua);
  // Bench.dispatch(tbl, n): n events tbl.on_event(tbl, i, i), as Network.update dispatches them.
  lua.defineFunction('Bench', 'dispatch', (L) => {
    const n = bridge.toNumber(L, 2);
    const handler = callbacks.pushHandler(L);
    for (let i = 0; i < n; i++) {
      const outcome = callbacks.call(L, 1, handler, 'on_event', (L) => {
        bridge.pushInteger(L, i);
        bridge.pushInteger(L, i);
        return 2;
      });
      if (outcome.missing) throw new LuaRaise('on_event missing');
    }
    return 0;
  });
  lua.runString(
    `function bench_pure(n) local function f(a, b, c) return a + b + c end local s = 0 for i = 1, n do s = s + f(i, 2, 3) end return s end
     function bench_bridge(n) local f = Bench.add3 local s = 0 for i = 1, n do s = s + f(i, 2, 3) end return s end
     events = 0
     callback_table = { on_event = function(self, a, b) events = events + 1 end }
     function bench_dispatch(n) Bench.dispatch(callback_table, n) end
     function bench_pure_dispatch(n) local tbl = callback_table for i = 1, n do tbl.on_event(tbl, i, i) end end`,
    '=bench',
  );

  const factory = new LuaFactory();
  const engine = await factory.createEngine();
  engine.global.set('add3', (a: number, b: number, c: number) => a + b + c);
  engine.doStringSync(
    `function bench_high_level(n) local s = 0 for i = 1, n do s = s + add3(i, 2, 3) end return s end
     events = 0
     callback_table = { on_event = function(self, a, b) events = events + 1 end }`,
  );
  const highLevelRun = engine.global.get('bench_high_level') as (n: number) => number;
  const highLevelTable = engine.global.get('callback_table') as { on_event: (self: unknown, a: number, b: number) => void };

  const call = (name: string) => (n: number) => {
    lua.runString(`${name}(${n})`, '=bench');
  };
  const pure = nsPerOp(call('bench_pure'), CALLS);
  const viaBridge = nsPerOp(call('bench_bridge'), CALLS);
  const highLevel = nsPerOp((n) => highLevelRun(n), HIGH_LEVEL_CALLS);
  const dispatchPure = nsPerOp(call('bench_pure_dispatch'), CALLS);
  const dispatchBridge = nsPerOp(call('bench_dispatch'), CALLS / 4);
  const dispatchHighLevel = nsPerOp((n) => {
    for (let i = 0; i < n; i++) highLevelTable.on_event(highLevelTable, i, i);
  }, HIGH_LEVEL_CALLS / 5);

  printTable(
    'Lua ↔ TypeScript boundary (per call; lower is better)',
    ['path', 'Lua calls TS f(a,b,c)', 'TS calls tbl[name](tbl,a,b)'],
    [
      ['pure Lua (Lua → Lua)', formatNs(pure), formatNs(dispatchPure)],
      ['stingray-network bridge', formatNs(viaBridge), formatNs(dispatchBridge)],
      ["wasmoon high-level API", formatNs(highLevel), formatNs(dispatchHighLevel)],
    ],
  );
  console.log(
    `bridge vs high-level: ${(highLevel / viaBridge).toFixed(1)}× faster (calls), ${(dispatchHighLevel / dispatchBridge).toFixed(1)}× faster (callbacks); target ≥ 20×`,
  );
  console.log(
    `bridge vs pure Lua: ${(viaBridge / pure).toFixed(2)}× (calls), ${(dispatchBridge / dispatchPure).toFixed(2)}× (callbacks, the same tbl.on_event(tbl, a, b) called from Lua); target ≤ 6×`,
  );
  stingray.close();
  engine.global.close();
  return { pure, viaBridge, highLevel, dispatchPure, dispatchBridge, dispatchHighLevel };
}
