/**
 * `stingray-net`: the command line of stingray-network.
 *
 *   stingray-net run <script.lua>... [options] [-- script args]   run game scripts headless
 *   stingray-net analyze <network log> [-o report.html]            the network log's bandwidth report
 *   stingray-net platform [--port N]                               the emulated Steam / PSN / Xbox Live service
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readNetworkLog, renderReport } from '../src/analyzer/network_log_report.js';
import { PlatformServer } from '../src/core/platform/platform_server.js';
import { PlatformService } from '../src/core/platform/platform_service.js';
import { parseRunOptions, UsageError } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';
import { GracefulStop } from '../src/runner/graceful_stop.js';
import { SERVER_HELP } from '../src/runner/server_options.js';

/** The platform service's port when none is given. */
const DEFAULT_PLATFORM_PORT = 47700;

const HELP = `stingray-net: run Autodesk Stingray Lua game scripts headless, with real networking.

usage:
  stingray-net run <script.lua>... [options] [-- script args]
  stingray-net analyze <network log> [-o report.html]
  stingray-net platform [--port N]

run options:
  --frames N        stop after N frames (default: run until every script calls Application.quit)
  --dt SECONDS      frame time passed to update(dt) (default 1/30)
  --realtime        pace frames to the wall clock (default: as fast as the CPU allows)
  --root DIR        resource root for require, dofile and .network_config (default: the script's folder)
  --peers N         run one script N times, each in its own VM
  --simulate C      run the peers on the in-process network simulator instead of UDP, with
                    conditions C, e.g. loss=0.25,latency=200ms,jitter=100ms,dup=0.25,reorder=0.1
                    ("perfect" for none); deterministic for a given --seed
  --seed N          seed for the simulator and generated peer ids (default: random)
  --broadcast ADDR  where LAN lobby discovery broadcasts go (default 255.255.255.255;
                    127.255.255.255 keeps them on this machine)
  --network-log F   write every peer's network log (bytes per frame, peer and category) to F;
                    stingray-net analyze F -o report.html graphs it
  --platform H:P    use the platform service at H:P (a stingray-net platform) for Steam, PSN and
                    Xbox Live, so peers in several processes meet (default: one in this process)
${SERVER_HELP}  -- ARGS           arguments for the scripts, read with Application.argv()

platform options:
  --port N          the TCP port on 127.0.0.1 to serve on (default ${DEFAULT_PLATFORM_PORT}; 0 picks a free one)

exit codes: 0 ok, 1 Lua error, 2 usage error, or the code given to Application.quit(code).
`;

/** `stingray-net analyze <log> [-o report.html]`: the bandwidth report of a network log. */
async function analyze(args: readonly string[], stderr: (text: string) => void): Promise<number> {
  const out = args.indexOf('-o') >= 0 ? args[args.indexOf('-o') + 1] : undefined;
  const log = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-o');
  if (!log) throw new UsageError('analyze: which network log? (stingray-net analyze <log> -o report.html)');
  if (!existsSync(log)) throw new UsageError(`analyze: no such file: ${log}`);
  const report = out ?? log.replace(/(\.[^./]*)?$/, '.html');
  const started = performance.now();
  const model = await readNetworkLog(log, (fraction) => stderr(`\ranalyzing ${log}: ${Math.round(fraction * 100)}%`));
  writeFileSync(report, renderReport(model, path.basename(log)));
  stderr(`\n${model.lines.toLocaleString('en')} lines, ${model.series.length} graphs, ${model.tags.length} tags in ${((performance.now() - started) / 1000).toFixed(1)} s: ${report}\n`);
  return 0;
}

/** `stingray-net platform [--port N]`: serve the emulated platforms until interrupted. */
async function platform(args: readonly string[], stdout: (text: string) => void): Promise<number> {
  let port = DEFAULT_PLATFORM_PORT;
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== '--port') throw new UsageError(`platform: unknown option ${args[i]} (stingray-net platform [--port N])`);
    port = Number(args[++i]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`platform: --port must be 0..65535, got '${args[i] ?? ''}'`);
  }
  let server: PlatformServer;
  try {
    server = await PlatformServer.listen(new PlatformService(), port);
  } catch (error) {
    throw new UsageError(`platform: cannot listen on 127.0.0.1:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  stdout(`platform service listening on 127.0.0.1:${server.port} (stingray-net run ... --platform 127.0.0.1:${server.port})\n`);
  const stop = new GracefulStop();
  try {
    await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    await server.close();
  } finally {
    stop.dispose();
  }
  return 0;
}

export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  const stdout = (text: string) => void process.stdout.write(text);
  const stderr = (text: string) => void process.stderr.write(text);
  try {
    switch (command) {
      case 'run': {
        const options = parseRunOptions(rest);
        const stop = new GracefulStop((signal) => stderr(`stingray-net: ${signal}: stopping after this frame (again to exit at once)\n`));
        try {
          return await runScripts(options, { stdout, stderr }, stop.signal);
        } finally {
          stop.dispose();
        }
      }
      case 'analyze':
        return await analyze(rest, stderr);
      case 'platform':
        return await platform(rest, stdout);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        stdout(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}' (try: stingray-net help)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`stingray-net: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
