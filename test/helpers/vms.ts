/**
 * The Lua-facing suites run on both VMs: wasmoon (always there) and LuaJIT (the optional native
 * addon). Without the addon a file's LuaJIT variants are one skipped line, or, under CI=true (where
 * .ci/run builds it), one failing test.
 */
import test, { type ExecutionContext } from 'ava';
import type { LuaApi } from '../../src/bridge/lua_api.js';
import { LUAJIT_BUILD_HINT, LuaJitBridge } from '../../src/bridge/luajit_bridge.js';
import type { LuaVmName } from '../../src/runner/run_options.js';

export interface VmUnderTest {
  name: LuaVmName;
  /** The `stingray-net run` options selecting it. */
  flags: string[];
  /** The LuaApi for `createStingrayVm` (undefined: the default, wasmoon). */
  luaApi: LuaApi | undefined;
  /** `title` as this VM's test is named (the LuaJIT variant is prefixed with `[luajit]`). */
  title(title: string): string;
}

const WASMOON: VmUnderTest = { name: 'wasmoon', flags: [], luaApi: undefined, title: (title) => title };

let missingAnnounced = false;

/** The VMs this process can test: wasmoon, and LuaJIT when its addon is built (announcing it once when not). */
export function testVms(): VmUnderTest[] {
  const luajit = LuaJitBridge.load();
  if (luajit) return [WASMOON, { name: 'luajit', flags: ['--vm', 'luajit'], luaApi: luajit, title: (title) => `[luajit] ${title}` }];
  if (!missingAnnounced) {
    missingAnnounced = true;
    if (process.env.CI === 'true') test('[luajit] the native LuaJIT VM is built (CI=true)', (t) => t.fail(LUAJIT_BUILD_HINT));
    else test.skip(`[luajit] variants skipped: ${LUAJIT_BUILD_HINT}`, () => undefined);
  }
  return [WASMOON];
}

/** Register `title` once per VM; `run` gets the VM under test. */
export function testOnEachVm(title: string, run: (t: ExecutionContext, vm: VmUnderTest) => Promise<void> | void): void {
  for (const vm of testVms()) test(vm.title(title), (t) => run(t, vm));
}
