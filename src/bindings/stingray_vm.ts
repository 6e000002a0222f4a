/**
 * A Lua VM dressed as the Stingray engine: value types, Application, and the engine objects and
 * namespaces of every subsystem this project implements.
 */
import { installApplication, type ApplicationHost } from './application/application_binding.js';
import { EngineObjects } from '../bridge/engine_object.js';
import { installLan } from './lobby/lan_binding.js';
import { installPsn } from './platform/psn_binding.js';
import { installSteam } from './platform/steam_binding.js';
import { installXboxLive } from './platform/xbox_live_binding.js';
import { LuaVm } from '../bridge/lua_vm.js';
import type { LuaApi } from '../bridge/lua_api.js';
import { installNetworkConfig } from './network/network_config_binding.js';
import { installRpc } from './session/rpc_binding.js';
import { installGameSession } from './session/game_session_binding.js';
import { installLog } from './network/log_binding.js';
import { installUnsupported } from './application/unsupported_binding.js';
import { installNetwork, ScriptNetwork, type ScriptNetworkOptions } from './network/network_binding.js';

export interface StingrayVmOptions {
  root: string;
  writeStdout(text: string): void;
  application: ApplicationHost;
  /** The network this VM's peer uses (shared by the peers of one run). */
  network: ScriptNetworkOptions;
  /** The Lua VM to run on (`LuaBridge`, wasmoon, when not given; `LuaJitBridge` for LuaJIT). */
  luaApi?: LuaApi;
}

export interface StingrayVm {
  readonly lua: LuaVm;
  readonly objects: EngineObjects;
  readonly network: ScriptNetwork;
  close(): void;
}

export async function createStingrayVm(options: StingrayVmOptions): Promise<StingrayVm> {
  const lua = await LuaVm.create({ root: options.root, writeStdout: options.writeStdout }, options.luaApi);
  const objects = new EngineObjects(lua);
  const network = new ScriptNetwork(options.network);
  installApplication(lua, options.application, options.root);
  installNetwork(lua, network);
  installNetworkConfig(lua, network);
  installLan(lua, objects, network);
  installSteam(lua, objects, network);
  installPsn(lua, objects, network);
  installXboxLive(lua, objects, network);
  installRpc(lua, network);
  installGameSession(lua, objects, network);
  installLog(lua, network);
  installUnsupported(lua);
  network.writeLog = options.writeStdout;
  return {
    lua,
    objects,
    network,
    close: () => {
      // A script that never shut its client down still says goodbye to its peers.
      network.stop();
      network.networkLog?.close();
      lua.close();
    },
  };
}
