import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from './helpers/lua.js';

const CLI = path.join(REPO_ROOT, 'scripts/stingray-net.js');
const SCRIPT = path.join(REPO_ROOT, 'test/fixtures/servers/lobby_server.lua');

/** A `stingray-net run` of the lobby server fixture in its own process. */
export interface ServerProcess {
  child: ChildProcess;
  out: string;
  err: string;
  /** When each line of stdout arrived (performance.now()). */
  lineTimes: Map<string, number>;
}

export function startPeer(role: 'host' | 'player', lobbyPort: number, extra: readonly string[] = []): ServerProcess {
  const args = ['run', SCRIPT, '--realtime', '--broadcast', '127.255.255.255', ...extra, '--', '--role', role, '--lobby-port', String(lobbyPort)];
  const peer: ServerProcess = { child: spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT }), out: '', err: '', lineTimes: new Map() };
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

const lobbyPort = (): number => 40000 + Math.floor(Math.random() * 20000);

test('SIGTERM stops a realtime host gracefully: shutdown() runs, exit code 0, the player sees the disconnect at once', async (t) => {
  const port = lobbyPort();
  const host = startPeer('host', port);
  const player = startPeer('player', port);
  t.teardown(() => {
    for (const peer of [host, player]) if (peer.child.exitCode === null) peer.child.kill('SIGKILL');
  });
  t.true(await until(() => host.out.includes('member ') && player.out.includes('connected\n'), 30), `the player joined: ${host.out}${host.err} / ${player.out}${player.err}`);

  const hostExit = once(host.child, 'exit');
  const signalled = performance.now();
  host.child.kill('SIGTERM');
  const [code, signal] = (await hostExit) as [number | null, NodeJS.Signals | null];
  t.is(signal, null, 'the host was not killed by the signal');
  t.is(code, 0, host.err);
  t.regex(host.out, /\nshutdown\n/, 'the script\'s shutdown() ran');
  t.regex(host.err, /SIGTERM: stopping after this frame/);

  // The player waits 60 s before timing the host out; a disconnect seen sooner was the host's goodbye.
  t.true(await until(() => player.out.includes('disconnected '), 10), `the player saw the disconnect: ${player.out}${player.err}`);
  const seen = [...player.lineTimes].find(([line]) => line.startsWith('disconnected '))![1];
  t.log(`player saw the disconnect ${Math.round(seen - signalled)} ms after the SIGTERM`);
  t.true(seen - signalled < 1000, `the disconnect reached the player within a second, not at a timeout (${Math.round(seen - signalled)} ms)`);
  await once(player.child, 'exit');
  t.is(player.child.exitCode, 0);
});
