/**
 * A hostile-network harness over real UDP on loopback: a host process (a real VM running
 * `test/fixtures/hostile/host.lua`) serving a LAN lobby, a live well-behaved player process
 * exchanging RPC round trips with it, and an attacker socket in this process sending raw datagrams
 * to the host's game port. Tests measure the player's round trips during and after an attack and
 * log the host's RSS before and after.
 *
 * `HOSTILE_SECONDS=N` stretches the attacks of the tests that use it for a longer run.
 */
import { freeUdpPort } from './ports.js';
import type { ExecutionContext } from 'ava';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startOwned } from './platform.js';
import { REPO_ROOT, type CliProcess } from './lua.js';

export const HOSTILE_ROOT = path.join(REPO_ROOT, 'test/fixtures/hostile');
/** How long a test's attack lasts, in seconds (CI size unless HOSTILE_SECONDS says otherwise). */
export const ATTACK_SECONDS = Number(process.env['HOSTILE_SECONDS'] ?? 2);

export interface HostileHost {
  readonly host: CliProcess;
  readonly player: CliProcess;
  /** The host's game port (where its connections live). */
  readonly gamePort: number;
  readonly lobbyPort: number;
  /** Round trips the player has completed so far. */
  roundTrips(): number;
  /** Wait until the player completes `count` more round trips; resolves with their times in ms. */
  moreRoundTrips(count: number, timeoutMs?: number): Promise<number[]>;
  /** Start another player process (`--quit-after-ping` and the like as `args`). */
  startPlayer(args?: string[]): CliProcess;
  /** A raw UDP socket on loopback, closed when the test ends. */
  attacker(): Promise<dgram.Socket>;
  /** The host process's resident set size in MiB (Linux). */
  rssMiB(): number;
}

/** A loopback UDP port free now (bound to 0 and read back; lobby ports are shared with SO_REUSEADDR). */
function roundTripTimes(player: CliProcess): number[] {
  return [...player.stdout().matchAll(/^rtt \d+ ([\d.]+)$/gm)].map((m) => Number(m[1]));
}

/** Start the host and one player, and wait for the player's first round trip. */
export async function startHostileHost(t: ExecutionContext, seconds = 60): Promise<HostileHost> {
  const lobbyPort = await freeUdpPort();
  const options = ['--lobby-port', String(lobbyPort), '--seconds', String(seconds)];
  const run = (script: string, args: string[]): CliProcess =>
    startOwned(t, ['run', path.join(HOSTILE_ROOT, script), '--root', HOSTILE_ROOT, '--realtime', '--broadcast', '127.255.255.255', '--', ...options, ...args]);
  const host = run('host.lua', []);
  await host.waitFor(/^hosting /m);
  const startPlayer = (args: string[] = []): CliProcess => run('player.lua', args);
  const player = startPlayer();
  const [, port] = await player.waitFor(/connected to \w+ at 127\.0\.0\.1:(\d+)/);
  await player.waitFor(/^rtt /m);
  const sockets: dgram.Socket[] = [];
  t.teardown(() => {
    for (const socket of sockets) socket.close();
  });
  return {
    host,
    player,
    gamePort: Number(port),
    lobbyPort,
    startPlayer,
    roundTrips: () => roundTripTimes(player).length,
    async moreRoundTrips(count, timeoutMs = 20_000) {
      const from = roundTripTimes(player).length;
      await player.waitFor(new RegExp(`^rtt ${from + count} `, 'm'), timeoutMs).catch(() => undefined);
      return roundTripTimes(player).slice(from, from + count);
    },
    async attacker() {
      const socket = dgram.createSocket('udp4');
      sockets.push(socket);
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      return socket;
    },
    rssMiB() {
      const status = readFileSync(`/proc/${host.child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    },
  };
}

/** "n round trips, median x ms, max y ms" for the test log. */
export function describeRoundTrips(times: readonly number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `${times.length} round trips, median ${sorted[Math.floor(sorted.length / 2)] ?? NaN} ms, max ${sorted.at(-1) ?? NaN} ms`;
}
