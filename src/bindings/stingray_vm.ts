/**
 * A Lua VM dressed as the Stingray engine: value types, Application, and the engine objects and
 * namespaces of every subsystem this project implements.
 */
import { installApplication, type ApplicationHost } from './application_binding.js';
import { EngineObjects } from './engine_object.js';
import { LuaVm } from './lua_vm.js';

export interface StingrayVmOptions {
  root: string;
  writeStdout(text: string): void;
  application: ApplicationHost;
}

export interface StingrayVm {
  readonly lua: LuaVm;
  readonly objects: EngineObjects;
  close(): void;
}

export async function createStingrayVm(options: StingrayVmOptions): Promise<StingrayVm> {
  const lua = await LuaVm.create({ root: options.root, writeStdout: options.writeStdout });
  const objects = new EngineObjects(lua);
  installApplication(lua, options.application);
  return {
    lua,
    objects,
    close: () => lua.close(),
  };
}
