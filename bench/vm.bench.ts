/**
 * The two VMs of `--vm` side by side, in turns in one run: a game-logic Lua workload, the bridge's
 * per-call cost (Lua calls a TypeScript function), a callback (TypeScript calls `tbl[name](tbl, a, b)`)
 * and an engine call that stays in Lua (`GameSession.game_object_field`).
 */
import path from 'node:path';
import { isolatedNetworkOptions } from '../src/bindings/network/network_binding.js';
import { createStingrayVm, type StingrayVm } from '../src/bindings/stingray_vm.js';
import type { LuaApi } from '../src/bridge/lua_api.js';
import { LuaJitBridge, LUAJIT_BUILD_HINT } from '../src/bridge/luajit_bridge.js';
import { defineBridgeBenchFunctions } from './lua_bridge.bench.js';
import { formatNs, formatRatio, median, nsPerOpInTurns, printTable, ratio, type Timed } from './measure.js';

const EXAMPLES = path.resolve('docs/examples');

/** Game logic without engine calls: 64 units moved with Vector3 arithmetic, a sort, a string; one frame per operation. */
const WORKLOAD = `
units = {}
for i = 1, 64 do
  units[i] = { pos = Vector3(i, 0, 0), vel = Vector3(0.5, 1, 0), hp = 100 + i, name = "unit" .. i }
end
local by_hp = function(a, b) return a.hp < b.hp end
function bench_workload(n)
  local total, label = 0, ""
  for frame = 1, n do
    for i = 1, #units do
      local u = units[i]
      u.pos = u.pos + u.vel * 0.033
      if Vector3.length(u.pos) > 50 then u.vel = -u.vel end
      u.hp = (u.hp * 31 + frame) % 1000
      total = total + u.hp
    end
    table.sort(units, by_hp)
    label = string.format("%s:%d", units[1].name, frame)
  end
  return total, label
end
function bench_pure(n) local function f(a, b, c) return a + b + c end local s = 0 for i = 1, n do s = s + f(i, 2, 3) end return s end
function bench_bridge(n) local f = Bench.add3 local s = 0 for i = 1, n do s = s + f(i, 2, 3) end return s end
callback_table = { on_event = function(self, a, b) end }
function bench_dispatch(n) Bench.dispatch(callback_table, n) end
Network.init_lan_client("global")
session = Network.create_game_session()
GameSession.make_game_session_host(session)
id = GameSession.create_game_object(session, "player", { go_type = 1, owner = Network.peer_id(),
  position = Vector3(1, 2, 3), rotation = Quaternion.identity(), health = 100 })
function bench_field(n) local f, s, o, sum = GameSession.game_object_field, session, id, 0
  for i = 1, n do sum = sum + f(s, o, "health") end return sum end
function bench_vector(n) local a, b, r = Vector3(1, 2, 3), Vector3(4, 5, 6)
  for i = 1, n do r = a + b * 0.5 end return r end
function bench_box(n) local box, v = Vector3Box(), Vector3(1, 2, 3)
  for i = 1, n do box:store(v) v = box:unbox() end return v end
-- The prelude's type() (a value type is "userdata", as in the engine) against the VM's own, which it wraps.
local vm_type
for i = 1, 8 do local name, value = debug.getupvalue(type, i) if name == "type" then vm_type = value end end
function bench_type(n) local t, v, c = type, Vector3(1, 2, 3), 0
  for i = 1, n do if t(v) == "userdata" then c = c + 1 end end return c end
function bench_vm_type(n) local t, v, c = vm_type, Vector3(1, 2, 3), 0
  for i = 1, n do if t(v) == "table" then c = c + 1 end end return c end
`;

async function benchVm(luaApi: LuaApi | undefined): Promise<{ vm: StingrayVm; runs: Record<string, Timed> }> {
  const vm = await createStingrayVm({
    root: EXAMPLES,
    network: isolatedNetworkOptions(EXAMPLES),
    writeStdout: () => undefined,
    application: { argv: [], timeSinceLaunch: () => 0, quit: () => undefined },
    ...(luaApi ? { luaApi } : {}),
  });
  const { lua } = vm;
  defineBridgeBenchFunctions(lua);
  lua.runString(WORKLOAD, '=bench');
  const call = (name: string, n: number): Timed => ({ run: (count) => lua.runString(`${name}(${count})`, '=bench'), n });
  const jit = luaApi !== undefined;
  return {
    vm,
    runs: {
      workload: call('bench_workload', jit ? 2000 : 200),
      pure: call('bench_pure', jit ? 20_000_000 : 1_000_000),
      bridge: call('bench_bridge', 300_000),
      dispatch: call('bench_dispatch', 100_000),
      field: call('bench_field', 300_000),
      vector: call('bench_vector', jit ? 20_000_000 : 300_000),
      box: call('bench_box', jit ? 2_000_000 : 300_000),
      type: call('bench_type', jit ? 20_000_000 : 1_000_000),
      vmType: call('bench_vm_type', jit ? 20_000_000 : 1_000_000),
    },
  };
}

export async function benchVms(): Promise<void> {
  const luajit = LuaJitBridge.load();
  if (!luajit) {
    console.log(`\nVMs side by side: skipped (${LUAJIT_BUILD_HINT})`);
    return;
  }
  const w = await benchVm(undefined);
  const j = await benchVm(luajit);
  const keys = Object.keys(w.runs);
  const turns: Record<string, Timed> = {};
  for (const key of keys) {
    turns[`w.${key}`] = w.runs[key]!;
    turns[`j.${key}`] = j.runs[key]!;
  }
  const t = nsPerOpInTurns(turns);
  const row = (label: string, key: string): string[] => [
    label,
    formatNs(median(t[`w.${key}`]!)),
    formatNs(median(t[`j.${key}`]!)),
    formatRatio(ratio(t[`w.${key}`]!, t[`j.${key}`]!)),
  ];
  printTable('The VMs side by side (per operation, median of rounds; lower is better)', ['operation', '--vm wasmoon', '--vm luajit', 'wasmoon ÷ luajit'], [
    row('game-logic frame: 64 units, Vector3 math, sort, format', 'workload'),
    row('pure Lua call f(a, b, c), the floor', 'pure'),
    row('Lua calls TS f(a, b, c) (the bridge)', 'bridge'),
    row('TS calls tbl.on_event(tbl, a, b) (a callback)', 'dispatch'),
    row('GameSession.game_object_field (a number)', 'field'),
    row('Vector3 a + b * s', 'vector'),
    row('Vector3Box store, then unbox', 'box'),
    row('type(v) of a Vector3: "userdata" (the prelude\'s type)', 'type'),
    row('  the VM\'s own type(v): "table"', 'vmType'),
  ]);
  // Equal work on both sides: one type() call on the same Vector3, in the same loop.
  printTable('type() as the engine answers it, against the VM\'s own (per call, median of rounds)', ['VM', "prelude's type ÷ VM's own"], [
    ['--vm wasmoon', formatRatio(ratio(t['w.type']!, t['w.vmType']!))],
    ['--vm luajit', formatRatio(ratio(t['j.type']!, t['j.vmType']!))],
  ]);
  w.vm.close();
  j.vm.close();
}
