/**
 * The Lua ↔ TypeScript boundary: our bridge against wasmoon's high-level API and against pure Lua.
 * Targets (issue #2): bridge ≥ 20× faster than the high-level API and ≤ 6× a pure-Lua call.
 */
import { LuaFactory } from 'wasmoon';
import { LuaRaise } from '../src/bridge/lua_api.js';
import { isolatedNetworkOptions } from '../src/bindings/network/network_binding.js';
import { ScriptCallbacks } from '../src/bridge/script_callbacks.js';
import type { LuaVm } from '../src/bridge/lua_vm.js';
import { createStingrayVm } from '../src/bindings/stingray_vm.js';
import { formatNs, formatRatio, median, nsPerOpInTurns, printTable, ratio } from './measure.js';

const CALLS = 1_000_000;
const HIGH_LEVEL_CALLS = 50_000;

/**
 * `Bench.add3(a, b, c)`, a TypeScript function called from Lua, and `Bench.dispatch(tbl, n)`: n events
 * `tbl.on_event(tbl, id, id)`, the way Network.update dispatches them (ids as game object ids are:
 * below 65536).
 */
export function defineBridgeBenchFunctions(lua: LuaVm): void {
  const { bridge } = lua;
  lua.defineFunction('Bench', 'add3', (L) => {
    bridge.pushNumber(L, bridge.toNumber(L, 1) + bridge.toNumber(L, 2) + bridge.toNumber(L, 3));
    return 1;
  });
  const callbacks = new ScriptCallbacks(lua);
  lua.defineFunction('Bench', 'dispatch', (L) => {
    const n = bridge.toNumber(L, 2);
    const handler = callbacks.pushHandler(L);
    for (let i = 0; i < n; i++) {
      if (!callbacks.prepare(L, 1, 'on_event')) throw new LuaRaise('on_event missing');
      bridge.pushInteger(L, i & 0xffff);
      bridge.pushInteger(L, i & 0xffff);
      callbacks.invoke(L, handler, 2);
    }
    return 0;
  });
}

export async function benchLuaBridge(): Promise<void> {
  const stingray = await createStingrayVm({
    root: process.cwd(),
    network: isolatedNetworkOptions(process.cwd()),
    writeStdout: () => undefined,
    application: { argv: [], timeSinceLaunch: () => 0, quit: () => undefined },
  });
  const { lua } = stingray;
  defineBridgeBenchFunctions(lua);
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
  const runs = {
    pure: { run: call('bench_pure'), n: CALLS },
    viaBridge: { run: call('bench_bridge'), n: CALLS },
    highLevel: { run: (n: number) => highLevelRun(n), n: HIGH_LEVEL_CALLS },
    dispatchPure: { run: call('bench_pure_dispatch'), n: CALLS },
    dispatchBridge: { run: call('bench_dispatch'), n: CALLS / 4 },
    dispatchHighLevel: {
      run: (n: number) => {
        for (let i = 0; i < n; i++) highLevelTable.on_event(highLevelTable, i, i);
      },
      n: HIGH_LEVEL_CALLS / 5,
    },
  };
  // In separate turns: the high-level API's garbage would otherwise be collected during the Lua runs.
  const { pure, viaBridge, dispatchPure, dispatchBridge } = runs;
  const t = nsPerOpInTurns({ pure, viaBridge, dispatchPure, dispatchBridge });
  const { highLevel, dispatchHighLevel } = runs;
  const h = nsPerOpInTurns({ viaBridge, highLevel, dispatchBridge, dispatchHighLevel });
  const ns = (samples: number[]): string => formatNs(median(samples));

  printTable(
    'Lua ↔ TypeScript boundary (per call, median of rounds; lower is better)',
    ['path', 'Lua calls TS f(a,b,c)', 'TS calls tbl[name](tbl,a,b)'],
    [
      ['pure Lua (Lua → Lua)', ns(t.pure), ns(t.dispatchPure)],
      ['stingray-network bridge', ns(t.viaBridge), ns(t.dispatchBridge)],
      ["wasmoon high-level API", ns(h.highLevel), ns(h.dispatchHighLevel)],
    ],
  );
  console.log(
    `bridge vs high-level: ${formatRatio(ratio(h.highLevel, h.viaBridge), 1)} faster (calls), ${formatRatio(ratio(h.dispatchHighLevel, h.dispatchBridge), 1)} faster (callbacks); target ≥ 20×`,
  );
  console.log(
    `bridge vs pure Lua: ${formatRatio(ratio(t.viaBridge, t.pure))} (calls), ${formatRatio(ratio(t.dispatchBridge, t.dispatchPure))} (callbacks, the same tbl.on_event(tbl, a, b) called from Lua); target ≤ 6×`,
  );
  stingray.close();
  engine.global.close();
}
