/**
 * Test helpers: real Lua VMs with the Stingray environment, and the real CLI as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedNetworkOptions, type ScriptNetworkOptions } from '../../src/bindings/network/network_binding.js';
import { createStingrayVm, type StingrayVm } from '../../src/bindings/stingray_vm.js';
import type { LuaApi } from '../../src/bridge/lua_api.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** `node` arguments that run `stingray-net` from the sources (the package's bin is their compiled copy), from any folder. */
export const CLI_ARGS = [`--import=${import.meta.resolve('tsx')}`, path.join(REPO_ROOT, 'scripts/cli.ts')];

export interface TestVm {
  vm: StingrayVm;
  /** Everything the scripts printed so far. */
  output(): string;
  /** Run a chunk (named `@test.lua` unless given); returns what it printed. */
  run(source: string, chunkName?: string): string;
}

export async function createTestVm(options: { root?: string; argv?: string[]; network?: ScriptNetworkOptions; luaApi?: LuaApi | undefined } = {}): Promise<TestVm> {
  let printed = '';
  const root = options.root ?? REPO_ROOT;
  const vm = await createStingrayVm({
    root,
    network: options.network ?? isolatedNetworkOptions(root),
    writeStdout: (text) => {
      printed += text;
    },
    application: { argv: options.argv ?? [], timeSinceLaunch: () => 0, quit: () => undefined },
    ...(options.luaApi ? { luaApi: options.luaApi } : {}),
  });
  return {
    vm,
    output: () => printed,
    run(source, chunkName = '@test.lua') {
      const before = printed.length;
      vm.lua.runString(source, chunkName);
      return printed.slice(before);
    },
  };
}

/** Run Lua source in a fresh VM (wasmoon unless `luaApi` is given) and return its printed output. */
export async function luaOutput(source: string, luaApi?: LuaApi): Promise<string> {
  const t = await createTestVm({ luaApi });
  try {
    return t.run(source);
  } finally {
    t.vm.close();
  }
}

/** A temporary folder with the given files (paths relative to it). */
/** Every temp project of this test process, removed when it exits (however its tests ended). */
const tempProjects: string[] = [];
process.once('exit', () => {
  for (const dir of tempProjects) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder holding `files` (name -> content), removed when the test process exits. */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'stingray-net-test-'));
  tempProjects.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A `stingray-net` child process still running: its output so far, waits on it, and its end. */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The first match of `pattern` in stdout; rejects when the process ends first or `timeoutMs` pass. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process has ended (killed after `timeoutMs`, default 60 s). */
  readonly result: Promise<CliResult>;
}

/** Start `stingray-net <args>` as a real child process. */
export function startCli(args: string[], options: { cwd?: string; timeoutMs?: number; onStdout?: (all: string) => void } = {}): CliProcess {
  const child = spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: options.cwd ?? REPO_ROOT });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout!.on('data', (d) => {
    stdout += d;
    options.onStdout?.(stdout);
    wake();
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      ended = true;
      wake();
      resolve({ code, stdout, stderr });
    });
  });
  const waitFor = (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): void => {
        const match = pattern.exec(stdout);
        if (!match && !ended) return;
        waiters.delete(check);
        clearTimeout(timer);
        if (match) resolve(match);
        else reject(new Error(`the process ended without printing ${pattern}:\n${stdout}\n${stderr}`));
      };
      timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, result };
}

/** Run `stingray-net <args>` as a real child process. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; onStdout?: (all: string) => void } = {}): Promise<CliResult> {
  return startCli(args, options).result;
}
