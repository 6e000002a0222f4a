/**
 * Bindings as data: a namespace's functions are a table of Lua name → handler, and one installer
 * walks it. The Lua name is written once, in the table; the handler receives it as `fn`
 * (`'LanLobby.set_data'`), so its argument errors name the function by construction.
 */
import type { LuaCFunction } from '../bridge/lua_api.js';
import type { LuaVm } from '../bridge/lua_vm.js';

/** A namespace's functions: Lua name → handler. */
export type Functions = Readonly<Record<string, LuaCFunction>>;

/** Namespace → its functions. */
export type BindingTable = Readonly<Record<string, Functions>>;

/** Define every function of `table` in its namespace. */
export function installFunctions(vm: LuaVm, table: BindingTable): void {
  for (const [namespace, functions] of Object.entries(table)) {
    for (const [name, fn] of Object.entries(functions)) vm.defineFunction(namespace, name, fn);
  }
}
