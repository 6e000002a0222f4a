/**
 * One Lua VM: a Lua state (wasmoon's Lua 5.4 with the LuaJIT-compatibility shims, or LuaJIT) with the prelude, Stingray's value types, the
 * engine namespace tables (bare and under `stingray.`), and script loading through the runner's
 * resource root.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LUA_TBOOLEAN,
  LUA_TFUNCTION,
  LUA_TLIGHTUSERDATA,
  LUA_TNIL,
  LUA_TNUMBER,
  LUA_TSTRING,
  LuaRaise,
  type LuaApi,
  type LuaCFunction,
  type LuaState,
} from './lua_api.js';
import { LuaBridge } from './lua_bridge.js';
import { fileChunkSource } from './file_chunk.js';
import { luaJitNumberText } from '../core/wire/number_text.js';
import { ResourceResolver } from '../core/config/resource_resolver.js';

const LUA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lua');

/** A Lua error raised while running script code, with the script's traceback. */
export class LuaScriptError extends Error {
  constructor(readonly luaMessage: string) {
    super(luaMessage);
    this.name = 'LuaScriptError';
  }
}

/** Raised when the script called `os.exit`: the VM stops with this exit code. */
export class ScriptExit extends Error {
  constructor(readonly code: number) {
    super(`script exited with code ${code}`);
    this.name = 'ScriptExit';
  }
}

export interface LuaVmOptions {
  /** Folder `require`, `dofile` and `.network_config` names resolve against. */
  root: string;
  /** Where `print` output goes. */
  writeStdout(text: string): void;
}

/**
 * The exit code argument of `os.exit` / `Application.quit`: none or nil is 0, a fractional number is
 * truncated as LuaJIT did; anything else (a string, inf, nan) is a Lua error, never a process crash.
 */
export function exitCodeArgument(bridge: LuaApi, L: LuaState, idx: number, fn: string): number {
  const type = bridge.type(L, idx);
  if (type <= LUA_TNIL) return 0;
  const code = type === LUA_TNUMBER ? bridge.toNumber(L, idx) : NaN;
  if (!Number.isFinite(code)) {
    const got = type === LUA_TNUMBER ? luaJitNumberText(code) : bridge.typeName(L, idx);
    throw new LuaRaise(`bad argument #${idx} to '${fn}' (exit code expected, got ${got})`);
  }
  return Math.trunc(code);
}

/** The value os.exit raises; a light userdata nothing else can produce. */
const EXIT_MARKER = 1;

/** Names a chunk as a path relative to the working directory, as users typed it. */
export function chunkNameOf(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return '@' + (relative.startsWith('..') || path.isAbsolute(relative) ? file : relative);
}

export class LuaVm {
  /** A VM on `api`: by default wasmoon's Lua 5.4 (`LuaBridge`); any other `LuaApi` works the same. */
  static async create(options: LuaVmOptions, api?: LuaApi): Promise<LuaVm> {
    return new LuaVm(api ?? (await LuaBridge.load()), options);
  }

  readonly L: LuaState;
  readonly resources: ResourceResolver;
  private readonly namespaces = new Map<string, number>();
  private readonly tracebackRef: number;
  private readonly vector3MetatableRef: number;
  private readonly quaternionMetatableRef: number;
  private exitCode: number | undefined;
  private closed = false;

  private constructor(
    readonly bridge: LuaApi,
    private readonly options: LuaVmOptions,
  ) {
    const L = bridge.newState();
    this.L = L;
    this.resources = new ResourceResolver(options.root);

    const stingray = this.newRef(() => bridge.newTable(L));
    this.namespaces.set('stingray', stingray);
    this.pushRef(stingray);
    bridge.setGlobal(L, 'stingray');

    const host = this.newRef(() => this.pushHostTable());
    if (bridge.dialect === 'lua5.4') this.runPreludeChunk('lua54_shims.lua', host, 0);
    this.runPreludeChunk('prelude.lua', host, 0);
    this.tracebackRef = this.newRef(() => {
      this.pushRef(host);
      bridge.getField(L, -1, 'traceback');
      bridge.rotate(L, -2, 1);
      bridge.setTop(L, -2);
    });
    // value_types.lua returns the Vector3 and Quaternion metatables; luaL_ref pops the top one first.
    this.runPreludeChunk('value_types.lua', host, 2);
    this.quaternionMetatableRef = this.newRef(() => undefined);
    this.vector3MetatableRef = this.newRef(() => undefined);
    for (const name of ['Vector3', 'Quaternion', 'Vector3Box', 'QuaternionBox', 'Script']) this.adoptNamespace(name);
  }

  /** Write to the script's standard output (engine warnings go where its prints go). */
  writeStdout(text: string): void {
    this.options.writeStdout(text);
  }

  // ---- registry and namespaces ----------------------------------------------------------------

  /** Run `push` (which leaves one value on the stack, or uses one already there) and keep that value in the registry. */
  newRef(push: () => void): number {
    push();
    return this.bridge.ref(this.L);
  }

  /** Let the registry forget a value kept with `newRef`. */
  dropRef(ref: number): void {
    this.bridge.unref(this.L, ref);
  }

  /** Push a value kept with `newRef` (onto `L`, the state or coroutine a bridged function runs on). */
  pushRef(ref: number, L: LuaState = this.L): void {
    this.bridge.rawGetIndex(L, this.bridge.registryIndex, ref);
  }

  /** Push the message handler that adds a traceback to string errors. */
  pushTraceback(L: LuaState): void {
    this.pushRef(this.tracebackRef, L);
  }

  /**
   * The engine table `name`, created on first use, set as the global `name` and as `stingray.name`
   * (the same writable table).
   */
  namespace(name: string): number {
    let ref = this.namespaces.get(name);
    if (ref === undefined) {
      const { bridge, L } = this;
      ref = this.newRef(() => bridge.newTable(L));
      this.namespaces.set(name, ref);
      this.pushRef(ref);
      bridge.pushValue(L, -1);
      bridge.setGlobal(L, name);
      this.pushRef(this.namespaces.get('stingray')!);
      bridge.rotate(L, -2, 1);
      bridge.setField(L, -2, name);
      bridge.setTop(L, -2);
    }
    return ref;
  }

  /**
   * Make namespace `name` reachable as a global and under `stingray.`, or nil in both (a platform's
   * own namespace while no client of it runs: scripts probe for it to tell which platform they are on).
   */
  showNamespace(name: string, shown: boolean): void {
    const { bridge, L } = this;
    const ref = this.namespace(name);
    for (const holder of ['global', 'stingray'] as const) {
      if (holder === 'stingray') this.pushRef(this.namespaces.get('stingray')!);
      if (shown) this.pushRef(ref);
      else bridge.pushNil(L);
      if (holder === 'global') bridge.setGlobal(L, name);
      else {
        bridge.setField(L, -2, name);
        bridge.setTop(L, -2);
      }
    }
  }

  /** Register a table the Lua side already defined as global `name` as a namespace, also under `stingray.`. */
  private adoptNamespace(name: string): void {
    const { bridge, L } = this;
    const ref = this.newRef(() => bridge.getGlobal(L, name));
    this.namespaces.set(name, ref);
    this.pushRef(this.namespaces.get('stingray')!);
    this.pushRef(ref);
    bridge.setField(L, -2, name);
    bridge.setTop(L, -2);
  }

  /** Define `namespace.name` as a function backed by `fn`, which receives `'namespace.name'` as its second argument. */
  defineFunction(namespace: string, name: string, fn: LuaCFunction): void {
    const { bridge, L } = this;
    this.pushRef(this.namespace(namespace));
    bridge.pushFunction(L, bridge.registerFunction(fn, 1, `${namespace}.${name}`));
    bridge.setField(L, -2, name);
    bridge.setTop(L, -2);
  }

  /** Define `namespace.name` as a string constant (Stingray enums are strings here, see real-usage §7). */
  defineConstant(namespace: string, name: string, value: string | number): void {
    const { bridge, L } = this;
    this.pushRef(this.namespace(namespace));
    if (typeof value === 'string') bridge.pushString(L, value);
    else bridge.pushInteger(L, value);
    bridge.setField(L, -2, name);
    bridge.setTop(L, -2);
  }

  // ---- value types ----------------------------------------------------------------------------

  /** True when the value at `idx` has the metatable kept at `ref`. */
  private hasMetatable(L: LuaState, idx: number, ref: number): boolean {
    const { bridge } = this;
    if (!bridge.getMetatable(L, idx)) return false;
    this.pushRef(ref, L);
    const same = bridge.rawEqual(L, -1, -2);
    bridge.setTop(L, -3);
    return same;
  }

  isVector3(L: LuaState, idx: number): boolean {
    return this.hasMetatable(L, idx, this.vector3MetatableRef);
  }

  isQuaternion(L: LuaState, idx: number): boolean {
    return this.hasMetatable(L, idx, this.quaternionMetatableRef);
  }

  /** Push the metatable Vector3 values (or with `quaternion`, Quaternion values) have. */
  pushValueTypeMetatable(L: LuaState, quaternion: boolean): void {
    this.pushRef(quaternion ? this.quaternionMetatableRef : this.vector3MetatableRef, L);
  }

  /** Push a new Vector3 value. */
  pushVector3(L: LuaState, x: number, y: number, z: number): void {
    this.pushComponents(L, this.vector3MetatableRef, [x, y, z]);
  }

  /** Push a new Quaternion value. */
  pushQuaternion(L: LuaState, x: number, y: number, z: number, w: number): void {
    this.pushComponents(L, this.quaternionMetatableRef, [x, y, z, w]);
  }

  private pushComponents(L: LuaState, metatableRef: number, values: readonly number[]): void {
    const { bridge } = this;
    bridge.newTable(L, 0, values.length);
    const names = ['x', 'y', 'z', 'w'];
    for (let i = 0; i < values.length; i++) {
      bridge.pushNumber(L, values[i]!);
      bridge.setField(L, -2, names[i]!);
    }
    this.pushRef(metatableRef, L);
    bridge.setMetatable(L, -2);
  }

  // ---- running code ---------------------------------------------------------------------------

  /** Load and run a script file; its path (relative to the working directory) names the chunk. */
  runFile(file: string): void {
    let source: Buffer;
    try {
      source = readFileSync(file);
    } catch (error) {
      throw new LuaScriptError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    this.runChunk(fileChunkSource(source), chunkNameOf(path.resolve(file)), 0);
  }

  /** Compile and run `source` (in-memory scripts, tests, documentation examples). */
  runString(source: string, chunkName: string): void {
    this.runChunk(Buffer.from(source), chunkName, 0);
  }

  /** Whether global `name` is a function. */
  hasGlobalFunction(name: string): boolean {
    const { bridge, L } = this;
    const type = bridge.getGlobal(L, name);
    bridge.setTop(L, -2);
    return type === LUA_TFUNCTION;
  }

  /** Call global function `name` with number arguments, protected; returns false when it is not defined. */
  callGlobal(name: string, ...args: number[]): boolean {
    const { bridge, L } = this;
    const base = bridge.getTop(L);
    this.pushRef(this.tracebackRef);
    if (bridge.getGlobal(L, name) !== LUA_TFUNCTION) {
      bridge.setTop(L, base);
      return false;
    }
    for (const arg of args) bridge.pushNumber(L, arg);
    this.protectedCall(base, args.length, 0);
    return true;
  }

  /** Exit code requested through `os.exit`, if any. */
  get requestedExit(): number | undefined {
    return this.exitCode;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bridge.closeState(this.L);
  }

  /**
   * Call the function on the stack (above the message handler at base+1) with `nargs` arguments;
   * restores the stack to `base`. Raises LuaScriptError or ScriptExit on failure.
   */
  protectedCall(base: number, nargs: number, nresults: number): void {
    const { bridge, L } = this;
    const ok = bridge.pcall(L, nargs, nresults, base + 1);
    if (ok) {
      if (nresults === 0) bridge.setTop(L, base);
      return;
    }
    const errorType = bridge.type(L, -1);
    let message: string;
    if (errorType === LUA_TLIGHTUSERDATA && bridge.toUserdata(L, -1) === EXIT_MARKER) {
      bridge.setTop(L, base);
      throw new ScriptExit(this.exitCode ?? 0);
    } else if (errorType === LUA_TSTRING || errorType === LUA_TNUMBER) {
      message = bridge.toString(L, -1)!;
    } else {
      message = `(error object is a ${bridge.typeName(L, -1)} value)`;
    }
    bridge.setTop(L, base);
    throw new LuaScriptError(message);
  }

  private runChunk(source: Uint8Array, chunkName: string, nresults: number): void {
    const { bridge, L } = this;
    const base = bridge.getTop(L);
    this.pushRef(this.tracebackRef);
    if (!bridge.load(L, source, chunkName)) {
      const message = bridge.toString(L, -1) ?? 'unknown syntax error';
      bridge.setTop(L, base);
      throw new LuaScriptError(message);
    }
    this.protectedCall(base, 0, nresults);
  }

  /** Run a file of lua/ with the host table as its `...`; leaves `nresults` results on the stack. */
  private runPreludeChunk(file: string, hostRef: number, nresults: number): void {
    this.runLuaFile(file, nresults, () => {
      this.pushRef(hostRef);
      return 1;
    });
  }

  /** Run a file of lua/ with what `pushArgs` pushes (it returns the count) as its `...`; leaves `nresults` results on the stack. */
  runLuaFile(file: string, nresults: number, pushArgs: () => number): void {
    const { bridge, L } = this;
    const base = bridge.getTop(L);
    const source = readFileSync(path.join(LUA_DIR, file));
    // The marker lets the prelude's message handler leave the runner's frames out of tracebacks.
    if (!bridge.load(L, source, `=[stingray-network] lua/${file}`)) {
      throw new Error(`lua/${file} does not compile: ${bridge.toString(L, -1)}`);
    }
    if (!bridge.pcall(L, pushArgs(), nresults, 0)) {
      throw new Error(`lua/${file} failed: ${bridge.toString(L, -1)}`);
    }
    // pcall without a handler leaves exactly the results above base
    if (bridge.getTop(L) !== base + nresults) throw new Error(`lua/${file}: unexpected stack`);
  }

  /** The private table of runner functions the files of lua/ receive as `...`. */
  private pushHostTable(): void {
    const { bridge, L } = this;
    bridge.newTable(L);
    this.setHostFunction('write_stdout', (L) => {
      this.options.writeStdout(bridge.toString(L, 1) ?? '');
      return 0;
    });
    this.setHostFunction('exit', (L) => {
      this.exitCode = bridge.type(L, 1) === LUA_TBOOLEAN ? (bridge.toBoolean(L, 1) ? 0 : 1) : exitCodeArgument(bridge, L, 1, 'os.exit');
      bridge.pushLightUserdata(L, EXIT_MARKER);
      return bridge.raiseTop(L);
    });
    this.setHostFunction('read_resource', (L) => this.readResource(L));
    this.setHostFunction('newproxy', (L) => {
      bridge.pushEmptyUserdata(L);
      if (bridge.toBoolean(L, 1)) {
        bridge.newTable(L);
        bridge.setMetatable(L, -2);
      }
      return 1;
    });
    // Script.new_array(n) / new_map(n) / new_table(narr, nrec) preallocate like LuaJIT's table.new.
    const tableOfSize = (arrayArg: number, hashArg: number): LuaCFunction => (L) => {
      const size = (arg: number) => (arg > 0 && bridge.type(L, arg) === LUA_TNUMBER ? Math.max(0, Math.min(1 << 24, bridge.toNumber(L, arg))) : 0);
      bridge.newTable(L, size(arrayArg), size(hashArg));
      return 1;
    };
    this.setHostFunction('new_array', tableOfSize(1, 0));
    this.setHostFunction('new_map', tableOfSize(0, 1));
    this.setHostFunction('new_table', tableOfSize(1, 2));
  }

  /** With the host table on top of the stack, set host[name] = fn. */
  private setHostFunction(name: string, fn: LuaCFunction): void {
    this.bridge.pushFunction(this.L, this.bridge.registerFunction(fn));
    this.bridge.setField(this.L, -2, name);
  }

  /** host.read_resource(name, kind) -> source, chunk_name | nil, nil, error */
  private readResource(L: LuaState): number {
    const { bridge } = this;
    const name = bridge.toString(L, 1);
    if (name === undefined) throw new LuaRaise(`bad argument #1 (resource name expected, got ${bridge.typeName(L, 1)})`);
    const kind = bridge.toString(L, 2) === 'module' ? 'module' : 'file';
    const found = this.resources.findScript(name, kind);
    if (found.file === undefined) {
      bridge.pushNil(L);
      bridge.pushNil(L);
      bridge.pushString(L, found.error);
      return 3;
    }
    bridge.pushBytes(L, readFileSync(found.file));
    bridge.pushString(L, chunkNameOf(found.file));
    return 2;
  }
}
