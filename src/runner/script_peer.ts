/**
 * One peer of a run: a Lua VM with the Stingray environment, running one game script through its
 * lifecycle (main chunk, init, update(dt) per frame, shutdown).
 */
import path from 'node:path';
import type { Clock } from '../core/base/clock.js';
import type { ScriptNetworkOptions } from '../bindings/network/network_binding.js';
import type { AgonesHooks } from '../bindings/application/agones_binding.js';
import { createStingrayVm, type StingrayVm } from '../bindings/stingray_vm.js';
import { LuaScriptError, ScriptExit } from '../bridge/lua_vm.js';
import type { LuaApi } from '../bridge/lua_api.js';

export interface ScriptPeerOptions {
  script: string;
  index: number;
  root: string;
  argv: readonly string[];
  clock: Clock;
  network: ScriptNetworkOptions;
  writeStdout(text: string): void;
  /** The Lua VM (absent: wasmoon). */
  luaApi?: LuaApi;
  /** Application.agones_* (a run with --agones). */
  agones?: AgonesHooks | undefined;
}

/** `exited` is os.exit: the script ends at once, without shutdown(), as exit() ended the engine. */
export type PeerState = 'running' | 'quit' | 'exited' | 'failed';

export class ScriptPeer {
  readonly label: string;
  state: PeerState = 'running';
  exitCode = 0;
  /** The Lua error message with traceback, once the script failed. */
  failure: string | undefined;
  private shutDown = false;

  private constructor(
    readonly options: ScriptPeerOptions,
    readonly vm: StingrayVm,
    private readonly quitRequest: { code: number | undefined },
  ) {
    this.label = `${options.index}:${path.basename(options.script, '.lua')}`;
  }

  static async create(options: ScriptPeerOptions): Promise<ScriptPeer> {
    const quitRequest: { code: number | undefined } = { code: undefined };
    const vm = await createStingrayVm({
      root: options.root,
      writeStdout: options.writeStdout,
      network: options.network,
      ...(options.luaApi ? { luaApi: options.luaApi } : {}),
      application: {
        argv: options.argv,
        timeSinceLaunch: () => options.clock.now(),
        quit: (code) => {
          quitRequest.code = code;
        },
        agones: options.agones,
      },
    });
    return new ScriptPeer(options, vm, quitRequest);
  }

  /** Run the script's main chunk, then its init(). */
  start(): void {
    this.guard(() => {
      this.vm.lua.runFile(this.options.script);
      this.vm.lua.callGlobal('init');
    });
  }

  /** One frame: update(dt). A script without update() is done: nothing more of it could ever run. */
  update(dt: number): void {
    if (this.state !== 'running') return;
    this.guard(() => {
      if (!this.vm.lua.callGlobal('update', dt)) this.quitRequest.code ??= 0;
    });
  }

  /** Call shutdown() once (also after Application.quit) and release the VM. */
  shutdown(): void {
    if (this.shutDown) return;
    this.shutDown = true;
    if (this.state === 'running' || this.state === 'quit') this.guard(() => this.vm.lua.callGlobal('shutdown'));
    this.vm.close();
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof ScriptExit) {
        this.state = 'exited';
        this.exitCode = error.code;
        return;
      }
      if (error instanceof LuaScriptError) {
        this.state = 'failed';
        this.exitCode = 1;
        this.failure = error.luaMessage;
        return;
      }
      throw error;
    }
    if (this.state !== 'running') return;
    // A script's own pcall can catch os.exit's unwinding; the exit still stands.
    const exit = this.vm.lua.requestedExit;
    if (exit !== undefined) {
      this.state = 'exited';
      this.exitCode = exit;
    } else if (this.quitRequest.code !== undefined) {
      this.state = 'quit';
      this.exitCode = this.quitRequest.code;
    }
  }
}
