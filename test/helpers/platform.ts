/**
 * Platform test helpers (Steam, PSN, Xbox Live): a `stingray-net platform` child process and game
 * processes that use it, what each role printed, and waiting for what a link to the platform
 * service receives.
 */
import type { ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LuaApi } from '../../src/bridge/lua_api.js';
import type { PlatformLink } from '../../src/core/platform/platform_link.js';
import type { ServiceMessage } from '../../src/core/platform/platform_protocol.js';
import { ManualClock } from '../../src/core/base/clock.js';
import { loadNetworkConfig } from '../../src/core/config/network_config.js';
import { NetworkSimulator } from '../../src/core/transport/network_simulator.js';
import { PlatformService } from '../../src/core/platform/platform_service.js';
import { Random } from '../../src/core/base/random.js';
import { createTestVm, REPO_ROOT, startCli, type CliProcess, type CliResult, type TestVm } from './lua.js';

/** The platform secret hand-made test clients sign in with (a process's own secret, in `hello`). */
export const TEST_SECRET = 'a1'.repeat(16);

/** VMs (wasmoon unless `luaApi`) of one simulated network and one platform service (seeds 1, 2, ...), and `frames(n)` to update them all n times. */
export async function platformVms(root: string, count: number, luaApi?: LuaApi): Promise<{ vms: TestVm[]; frames: (n: number, update?: string) => void }> {
  const clock = new ManualClock();
  const network = new NetworkSimulator(clock, 1);
  const platform = new PlatformService();
  const vms = await Promise.all(
    Array.from({ length: count }, (_, i) => createTestVm({ root, luaApi, network: { environment: { network, clock, random: new Random(i + 1) }, loadConfig: (name) => loadNetworkConfig(root, name), platform } })),
  );
  const frames = (n: number, update = 'Network.update(1/30, {})'): void => {
    for (let i = 0; i < n; i++) {
      clock.advance(1 / 30);
      for (const vm of vms) vm.run(update);
    }
  };
  return { vms, frames };
}

/** Start a CLI process that the test's teardown kills if it is still running. */
export function startOwned(t: ExecutionContext, args: string[]): CliProcess {
  const started = startCli(args);
  t.teardown(() => {
    if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
  });
  return started;
}

/** `stingray-net platform --port 0`, and the "127.0.0.1:PORT" it listens on. */
export async function startPlatform(t: ExecutionContext): Promise<{ platform: CliProcess; address: string }> {
  const platform = startOwned(t, ['platform', '--port', '0']);
  const [, address] = await platform.waitFor(/platform service listening on (127\.0\.0\.1:\d+)/);
  return { platform, address: address! };
}

/** `stingray-net run <script> --realtime --platform <address> -- <args>`. */
export function startGame(t: ExecutionContext, script: string, address: string, args: string[], runOptions: string[] = []): CliProcess {
  return startOwned(t, ['run', script, '--realtime', '--platform', address, ...runOptions, '--', ...args]);
}

/** A platform service process, then `script` as a host and a client process (`--role host|client`), both checked to exit 0. */
export async function runHostAndClient(t: ExecutionContext, script: string, runOptions: string[] = []): Promise<{ hosted: CliResult; joined: CliResult }> {
  const { address } = await startPlatform(t);
  const host = startGame(t, script, address, ['--role', 'host'], runOptions);
  const client = startGame(t, script, address, ['--role', 'client'], runOptions);
  const [hosted, joined] = await Promise.all([host.result, client.result]);
  t.is(hosted.code, 0, hosted.stdout + hosted.stderr);
  t.is(joined.code, 0, joined.stdout + joined.stderr);
  return { hosted, joined };
}

/** The lines `role` printed (`role: ` removed). */
export function said(result: CliResult | string, role: string): string[] {
  const stdout = typeof result === 'string' ? result : result.stdout;
  return stdout.split('\n').flatMap((line) => (line.startsWith(`${role}: `) ? [line.slice(role.length + 2)] : []));
}

/** `expected` appear among `lines` in this order (other lines may come between). */
export function inOrder(t: ExecutionContext, lines: string[], expected: string[]): void {
  let at = 0;
  for (const line of expected) {
    const found = lines.indexOf(line, at);
    t.true(found >= 0, `"${line}" expected after line ${at} of:\n${lines.join('\n')}`);
    if (found >= 0) at = found + 1;
  }
}

/** What `link` receives until `count` messages came (or the link is lost, or 10 s pass). */
export async function receiveAll(link: PlatformLink, count: number): Promise<ServiceMessage[]> {
  const received: ServiceMessage[] = [];
  for (let waited = 0; waited < 1000 && received.length < count && link.lost === undefined; waited++) {
    received.push(...link.receive());
    if (received.length < count) await sleep(10);
  }
  return received;
}

/** The network config of the Steam fixtures (rpc_chat in a session, rpc_text on a channel). */
export const STEAM_CONFIG = readFileSync(path.join(REPO_ROOT, 'test/fixtures/steam/global.network_config'), 'utf8');

/**
 * Lua for in-process Steam tests: `frame` counts updates; `watch(name, lobby)` prints
 * `frame name state[ reason]` whenever the lobby's state (and why it failed) changes.
 */
export const LUA_WATCH = `
frame = 0
local seen = {}
function watch(name, lobby)
  if not lobby then return end
  local state, why = lobby:state()
  local line = state .. (why and (" " .. why) or "")
  if seen[name] ~= line then print(frame, name, line) seen[name] = line end
end
`;
