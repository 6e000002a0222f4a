/**
 * Runs game scripts headless: one VM per script, frames interleaved on one clock, until every
 * script quits or the frame limit is reached.
 */
import path from 'node:path';
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { randomInt } from 'node:crypto';
import { ManualClock, WallClock, type Clock } from '../core/base/clock.js';
import type { DatagramNetwork } from '../core/transport/datagram_socket.js';
import { NetworkSimulator } from '../core/transport/network_simulator.js';
import { Random } from '../core/base/random.js';
import { UdpNetwork } from '../core/transport/udp_network.js';
import { loadNetworkConfig, NetworkConfigError, type NetworkConfig } from '../core/config/network_config.js';
import { ResourceResolver } from '../core/config/resource_resolver.js';
import { NetworkLog, NetworkLogFile } from '../core/transport/network_log.js';
import { PlatformService } from '../core/platform/platform_service.js';
import { UsageError, type RunOptions } from './run_options.js';
import { ScriptPeer } from './script_peer.js';
import { LUAJIT_BUILD_HINT, LuaJitBridge } from '../bridge/luajit_bridge.js';
import { RunLog, type LogLevel } from './run_log.js';
import { RunTraffic } from './run_traffic.js';
import { defaultServerOptions } from './server_options.js';
import { StatusLine } from './status_line.js';
import type { RunMetrics } from './metrics.js';
import { AgonesLink } from './agones.js';

/** A script's `.network_config`; when there is none, the error says which root was searched and how to choose another. */
function loadConfigUnder(root: string, name: string, rootGiven: boolean): NetworkConfig {
  try {
    return loadNetworkConfig(root, name);
  } catch (error) {
    if (!(error instanceof NetworkConfigError) || new ResourceResolver(root).findResource(name, '.network_config').file) throw error;
    const where = rootGiven ? 'under --root' : "under the script's folder; pass --root DIR to look under the project's resource root";
    throw new NetworkConfigError(`${error.message} (resources are looked up ${where})`);
  }
}

export interface RunOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Prefixes each line with the peer's label when several peers share the terminal. */
function lineWriter(write: (text: string) => void, prefix: string): (text: string) => void {
  if (prefix === '') return write;
  let atLineStart = true;
  return (text) => {
    if (text === '') return;
    let out = '';
    for (const piece of text.split(/(?<=\n)/)) {
      if (atLineStart) out += prefix;
      out += piece;
      atLineStart = piece.endsWith('\n');
    }
    write(out);
  };
}

/**
 * Run the scripts; resolves to the process exit code. Aborting `stop` ends the run after the
 * current frame as if the frame limit were reached: every script's shutdown() runs, exit code 0.
 */
export async function runScripts(options: RunOptions, output: RunOutput, stop?: AbortSignal): Promise<number> {
  const frameClock = new ManualClock();
  const wallClock = new WallClock();
  const clock: Clock = options.realtime ? wallClock : frameClock;
  const several = options.scripts.length > 1;
  const seed = options.seed ?? randomInt(2 ** 32);
  const luaApi = options.vm === 'luajit' ? LuaJitBridge.load() : undefined;
  if (options.vm === 'luajit' && !luaApi) throw new UsageError(`--vm luajit: ${LUAJIT_BUILD_HINT}`);
  // One network for every peer of the run: the simulator only connects peers of this process.
  let logFile: NetworkLogFile | undefined;
  try {
    if (options.networkLog) logFile = new NetworkLogFile(path.resolve(options.networkLog));
  } catch (error) {
    throw new UsageError(`--network-log: cannot write ${options.networkLog}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const network: DatagramNetwork = options.simulate ? new NetworkSimulator(clock, seed, options.simulate) : new UdpNetwork('0.0.0.0', options.broadcast);
  // The peers of a run share one Steam / PSN / Xbox Live; --platform shares one between processes.
  const platform = options.platform ?? new PlatformService(options.simulate ? seededIdBits(seed) : undefined);
  const server = options.server ?? defaultServerOptions();
  const log = new RunLog(output.stdout, server.logFormat, server.logLevel);
  const plain = server.logFormat === 'plain';
  const flushLogs: (() => void)[] = [];
  const writerFor = (label: string): ((text: string) => void) => {
    if (plain) return log.enabled('info') ? lineWriter(output.stdout, several ? `[${label}] ` : '') : () => undefined;
    const writer = log.peerWriter(label);
    flushLogs.push(writer.flush);
    return writer.write;
  };
  /** The runner's own notices: log records, or timestamped lines on stderr in the plain format. */
  const notice = (level: LogLevel, peer: string | undefined, message: string): void => {
    if (!plain) log.write(level, 'runner', peer, message);
    else if (log.enabled(level)) output.stderr(`${new Date().toISOString()} ${peer !== undefined && several ? `[${peer}] ` : ''}${message}\n`);
  };
  const traffic = new RunTraffic();
  const agones = server.agones && (await AgonesLink.open(server.agones, (level, message) => notice(level, undefined, `agones: ${message}`), () => wallClock.now()));
  if (agones) notice('info', undefined, `agones: SDK sidecar at ${agones.address}, Ready ${server.agones?.ready === 'manual' ? 'when a script calls Application.agones_ready()' : 'when a script first hosts'}`);

  const peers: ScriptPeer[] = [];
  for (const [index, script] of options.scripts.entries()) {
    const label = `${index}:${path.basename(script, '.lua')}`;
    const root = options.root ?? path.dirname(path.resolve(script));
    peers.push(
      await ScriptPeer.create({
        script,
        index,
        root,
        network: {
          environment: { network, clock, random: new Random((seed + index * 0x9e3779b9) >>> 0) },
          loadConfig: (name) => loadConfigUnder(root, name, options.root !== undefined),
          platform,
          ...(logFile ? { log: new NetworkLog(logFile, label) } : {}),
        },
        argv: [...options.scriptArgs, '--peer-index', String(index)],
        clock,
        writeStdout: writerFor(label),
        ...(luaApi ? { luaApi } : {}),
        agones,
      }),
    );
  }

  let metrics: RunMetrics | undefined;
  if (server.metricsPort !== undefined) {
    // prom-client is imported only by a run that serves metrics: loading it took ~50 ms of start-up.
    const { RunMetrics } = await import('./metrics.js');
    try {
      metrics = await RunMetrics.serve(server.metricsHost, server.metricsPort, peers, traffic, () => wallClock.now());
    } catch (error) {
      for (const peer of peers) peer.shutdown();
      await agones?.close();
      throw new UsageError(`--metrics: cannot listen on ${server.metricsHost}:${server.metricsPort}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    notice('info', undefined, `metrics at http://${server.metricsHost}:${metrics.port}/metrics, liveness at /healthz`);
  }

  const reportFailures = (): boolean => {
    let failed = false;
    for (const peer of peers) {
      if (peer.state === 'failed' && peer.failure !== undefined) {
        metrics?.luaError();
        if (plain) output.stderr(`${several ? `[${peer.label}] ` : ''}Lua error: ${peer.failure}\n`);
        else log.write('error', 'runner', peer.label, `Lua error: ${peer.failure}`);
        peer.failure = undefined;
        failed = true;
      }
    }
    return failed;
  };

  try {
    for (const peer of peers) {
      peer.start();
      if (peer.state === 'failed') break;
    }
    let aborted = reportFailures();
    const status = server.statusInterval === undefined ? undefined : new StatusLine(server.statusInterval, () => wallClock.now(), traffic.totals);
    let frame = 0;
    while (!aborted && !stop?.aborted && peers.some((p) => p.state === 'running')) {
      if (options.frames !== undefined && frame >= options.frames) break;
      frameClock.advance(options.dt);
      const frameStarted = performance.now();
      for (const peer of peers) {
        peer.update(options.dt);
        if (peer.state !== 'running') peer.shutdown();
      }
      aborted = reportFailures();
      frame++;
      if (status || metrics) traffic.sample(peers);
      metrics?.frame((performance.now() - frameStarted) / 1000);
      agones?.frame(peers);
      if (status) {
        const line = status.frame(traffic.connections, traffic.totals);
        if (line !== undefined) notice('info', undefined, line);
      }
      // Let sockets deliver what arrived during the frame.
      if (options.realtime) {
        const due = frame * options.dt - wallClock.now();
        // A stop request wakes the wait: the frame is done, shutdown() need not wait for the next.
        if (due > 0) await sleep(due * 1000, undefined, { signal: stop }).catch(() => undefined);
        else await yieldToEventLoop();
      } else {
        await yieldToEventLoop();
      }
    }
  } finally {
    for (const peer of peers) peer.shutdown();
    reportFailures();
    for (const flush of flushLogs) flush();
    await metrics?.close();
    await agones?.close();
  }

  const failed = peers.find((p) => p.state === 'failed');
  if (failed) return 1;
  return peers.find((p) => p.exitCode !== 0)?.exitCode ?? 0;
}

/** Lobby and session ids from the run's seed, so a simulated run prints the same ids every time. */
function seededIdBits(seed: number): () => bigint {
  const random = new Random((seed ^ 0x1d5eed) >>> 0);
  return () => (BigInt(random.nextUint32() & 0xffff) << 32n) | BigInt(random.nextUint32());
}
