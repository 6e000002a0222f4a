/** `stingray-net run` of the dedicated-server fixture (test/fixtures/servers/lobby_server.lua) in its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_ARGS, REPO_ROOT } from './lua.js';

export const SERVER_SCRIPT = path.join(REPO_ROOT, 'test/fixtures/servers/lobby_server.lua');

/** A `stingray-net run` of the lobby server fixture in its own process. */
export interface ServerProcess {
  child: ChildProcess;
  out: string;
  err: string;
  /** When each line of stdout arrived (performance.now()). */
  lineTimes: Map<string, number>;
}

/** `extra`: more `stingray-net run` options; `scriptExtra`: more script options (after --); `env`: added to this process's environment. */
export function startPeer(role: 'host' | 'player', lobbyPort: number, extra: readonly string[] = [], scriptExtra: readonly string[] = [], env: NodeJS.ProcessEnv = {}): ServerProcess {
  const args = ['run', SERVER_SCRIPT, '--realtime', '--broadcast', '127.255.255.255', ...extra, '--', '--role', role, '--lobby-port', String(lobbyPort), ...scriptExtra];
  const peer: ServerProcess = { child: spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } }), out: '', err: '', lineTimes: new Map() };
  peer.child.stdout!.on('data', (chunk) => {
    peer.out += chunk;
    for (const line of peer.out.split('\n').slice(0, -1)) if (!peer.lineTimes.has(line)) peer.lineTimes.set(line, performance.now());
  });
  peer.child.stderr!.on('data', (chunk) => (peer.err += chunk));
  return peer;
}

/** Wait (bounded) until `condition` holds. */
export async function until(condition: () => boolean, seconds: number): Promise<boolean> {
  for (let waited = 0; waited < seconds * 20 && !condition(); waited++) await sleep(50);
  return condition();
}

