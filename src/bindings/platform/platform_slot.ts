/**
 * The running instance of one platform subsystem in a VM (the Steam client, a Steam game server, the
 * PSN client, the Xbox Live client): its `Network.init_*` and `Network.shutdown_*` functions, and
 * the error scripts get when they use it before starting it.
 */
import type { NetworkConfig } from '../../core/config/network_config.js';
import type { PlatformClient } from '../../core/platform/platform_client.js';
import type { EngineObjects } from '../../bridge/engine_object.js';
import type { LuaArgs } from '../../bridge/lua_args.js';
import { LuaRaise, type LuaState } from '../../bridge/lua_api.js';
import type { ScriptNetwork } from '../network/network_binding.js';

export class PlatformSlot<T extends PlatformClient> {
  current: T | undefined;

  constructor(
    private readonly objects: EngineObjects,
    private readonly net: ScriptNetwork,
    private readonly args: LuaArgs,
    /** The userdata kind ("SteamClient"). */
    readonly kind: string,
    /** How errors name it ("Steam client"). */
    private readonly what: string,
    /** The init function's name, for errors ("init_steam_client"). */
    private readonly init: string,
  ) {}

  /** The running instance, or an error telling the script to start it. */
  running(fn: string): T {
    const current = this.current;
    if (!current || current.isShutDown) throw new LuaRaise(`${fn}: no ${this.what} is running (call Network.${this.init} first)`);
    return current;
  }

  /** `Network.init_*(config, ...)`: refuse a second subsystem, start what `create` makes, push it (or nothing, when `push` is false). */
  start(L: LuaState, fn: string, create: (config: NetworkConfig) => T, push = true): number {
    const name = this.args.string(L, 1, fn, 'config name');
    this.net.checkNoSubsystem(fn);
    const config = this.net.options.loadConfig(name);
    const started = create(config);
    started.onFailure = (reason) => this.net.log('warnings', `warning: ${started.name}: ${reason}`);
    this.current = started;
    this.net.start(started, config);
    if (!push) return 0;
    this.objects.push(L, this.kind, started);
    return 1;
  }

  /** `Network.shutdown_*([instance])`: ends it and its lobbies' userdata; nothing to do when it already ended. */
  shutdown(L: LuaState, fn: string): number {
    if (this.objects.released(L, 1, this.kind)) return 0;
    const target = this.objects.optional<T>(L, 1, this.kind, fn) ?? this.current;
    if (!target || target.isShutDown) return 0;
    for (const lobby of target.lobbies) this.objects.release(lobby);
    this.objects.release(target);
    if (this.net.subsystem === target) this.net.stop();
    else target.shutdown();
    if (this.current === target) this.current = undefined;
    return 0;
  }
}
