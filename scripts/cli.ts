#!/usr/bin/env node
/**
 * `stingray-net`: the command line of stingray-network.
 *
 *   stingray-net run <script>... [options] [-- script args]       run game scripts headless
 *   stingray-net analyze <network log> [-o report.html] [--bucket MS]  the network log's traffic report
 *   stingray-net platform [--port N] [--host ADDR]                 the emulated Steam / PSN / Xbox Live service
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { PlatformServer } from '../src/core/platform/platform_server.js';
import { commandHelp, didYouMean, parseCommand, UsageError, wantsHelp, type CommandDefinition } from '../src/runner/command_line.js';
import { parseRunOptions, RUN_COMMAND } from '../src/runner/run_options.js';
import { GracefulStop } from '../src/runner/graceful_stop.js';

/** The platform service's port when none is given. */
const DEFAULT_PLATFORM_PORT = 47700;

/** Bucket widths `analyze --bucket` accepts, in ms. */
const MAX_BUCKET_MS = 3_600_000;

const ANALYZE_COMMAND: CommandDefinition<{ out: string | undefined; bucketMs: number | undefined }> = {
  name: 'analyze',
  usage: 'stingray-net analyze <network log> [-o report.html] [--bucket MS]',
  summary: 'The traffic report of a network log written by stingray-net run --network-log: one self-contained HTML page.',
  options: {
    out: { short: 'o', value: 'FILE', help: 'where the report goes (default: the log with .html)', apply: (o, v) => void (o.out = String(v)) },
    bucket: {
      value: 'MS',
      help: "the graphs' time bucket in milliseconds (default: 100, or wider so a long log has at most 1500 points per series)",
      apply(o, v) {
        o.bucketMs = Number(v);
        if (!Number.isInteger(o.bucketMs) || o.bucketMs < 1 || o.bucketMs > MAX_BUCKET_MS) throw new UsageError(`analyze: --bucket takes a whole number of milliseconds, 1..${MAX_BUCKET_MS}, got '${v}'`);
      },
    },
  },
};

const PLATFORM_COMMAND: CommandDefinition<{ port: number; host: string }> = {
  name: 'platform',
  usage: 'stingray-net platform [--port N] [--host ADDR]',
  summary: 'The emulated Steam / PSN / Xbox Live service, for runs in several processes (run ... --platform 127.0.0.1:N).',
  options: {
    port: {
      value: 'N',
      help: `the TCP port to serve on (default ${DEFAULT_PLATFORM_PORT}; 0 picks a free one)`,
      apply(o, v) {
        o.port = Number(v);
        if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new UsageError(`platform: --port must be 0..65535, got '${v}'`);
      },
    },
    host: {
      value: 'ADDR',
      help: 'the IPv4 address to listen on (default 127.0.0.1; 0.0.0.0 for every interface: unencrypted, for a network you trust)',
      apply(o, v) {
        if (!isIPv4(String(v))) throw new UsageError(`platform: --host must be an IPv4 address like 127.0.0.1 or 0.0.0.0, got '${v}'`);
        o.host = String(v);
      },
    },
  },
};

const COMMANDS: Record<'run' | 'analyze' | 'platform', CommandDefinition<never>> = { run: RUN_COMMAND, analyze: ANALYZE_COMMAND, platform: PLATFORM_COMMAND };

const HELP = `stingray-net: run Autodesk Stingray Lua game scripts headless, with real networking.

usage:
${Object.values(COMMANDS).map((command) => `  ${command.usage}`).join('\n')}
  stingray-net --version

stingray-net <command> --help lists a command's options.
exit codes: 0 ok, 1 Lua error, 2 usage error, or the code given to Application.quit(code).
`;

/** The version in the package.json above this file (scripts/ in a checkout, dist/src/cli/ when installed). */
function packageVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dir === path.dirname(dir)) return 'unknown';
  }
}

/** `stingray-net analyze <log> [-o report.html] [--bucket MS]`: the traffic report of a network log. */
async function analyze(args: readonly string[], stderr: (text: string) => void, progressOnTty: boolean): Promise<number> {
  const options = { out: undefined as string | undefined, bucketMs: undefined as number | undefined };
  const { positionals } = parseCommand(ANALYZE_COMMAND, args, options);
  if (positionals.length !== 1) throw new UsageError(`analyze: give one network log (usage: ${ANALYZE_COMMAND.usage})`);
  const log = positionals[0]!;
  if (!existsSync(log)) throw new UsageError(`analyze: no such file: ${log}`);
  const report = options.out ?? log.replace(/(\.[^./]*)?$/, '.html');
  // Each command imports its modules when it runs: start-up of `run` pays for no analyzer or platform server.
  const [{ analyzeNetworkLog }, { NetworkLogError }] = await Promise.all([import('../src/analyzer/network_log_report.js'), import('../src/analyzer/network_log_reader.js')]);
  const started = performance.now();
  // A progress line rewritten with \r is for a terminal; in a CI log it would be one long line.
  const progress = progressOnTty ? (fraction: number) => stderr(`\ranalyzing ${log}: ${Math.round(fraction * 100)}%`) : undefined;
  let analysis: Awaited<ReturnType<typeof analyzeNetworkLog>>;
  try {
    analysis = await analyzeNetworkLog(log, options.bucketMs, progress);
  } catch (error) {
    // Not a network log, or a line of it malformed: the reader says which and why.
    if (!(error instanceof NetworkLogError)) throw error;
    throw new UsageError(`analyze: ${error.message}`);
  }
  writeFileSync(report, analysis.html);
  const { model, lines } = analysis;
  stderr(`${progress ? '\n' : ''}${lines.toLocaleString('en')} lines, ${model.connections.size} connections, ${model.tags.length} tags, ${model.bucketMs} ms buckets in ${((performance.now() - started) / 1000).toFixed(1)} s: ${report}\n`);
  if (analysis.truncated) stderr(`${log}: the last line was cut short (the run stopped while writing it) and is left out\n`);
  return 0;
}

/** `stingray-net platform [--port N] [--host ADDR]`: serve the emulated platforms until interrupted. */
async function platform(args: readonly string[], stdout: (text: string) => void, stderr: (text: string) => void): Promise<number> {
  const options = { port: DEFAULT_PLATFORM_PORT, host: '127.0.0.1' };
  const { positionals } = parseCommand(PLATFORM_COMMAND, args, options);
  if (positionals.length > 0) throw new UsageError(`platform: unexpected argument '${positionals[0]}' (usage: ${PLATFORM_COMMAND.usage})`);
  const { port, host } = options;
  const [{ PlatformServer }, { PlatformService }] = await Promise.all([import('../src/core/platform/platform_server.js'), import('../src/core/platform/platform_service.js')]);
  let server: PlatformServer;
  try {
    server = await PlatformServer.listen(new PlatformService(), port, host);
  } catch (error) {
    throw new UsageError(`platform: cannot listen on ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const reachAt = host === '0.0.0.0' ? 'THIS_MACHINE' : host;
  stdout(`platform service listening on ${host}:${server.port} (stingray-net run ... --platform ${reachAt}:${server.port})\n`);
  if (!host.startsWith('127.')) stderr(`platform: serving beyond loopback, unencrypted: anyone who reaches ${host}:${server.port} can browse and join its lobbies (user ids are bound to their process's secret, which travels in the clear)\n`);
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
    if (command !== undefined && command in COMMANDS && wantsHelp(rest)) {
      stdout(commandHelp(COMMANDS[command as keyof typeof COMMANDS]));
      return 0;
    }
    switch (command) {
      case 'run': {
        const options = parseRunOptions(rest);
        // V8 optimizes a WebAssembly function on a background thread once it has run a budget of code,
        // and a process waits for those compiles before it exits. The prelude and the bindings spend the
        // default budget at start-up, so a short run waited ~70 ms at exit for functions it no longer ran;
        // ten times the budget leaves optimizing to the Lua that keeps running (it must be set before the
        // module is instantiated).
        setFlagsFromString('--wasm-tiering-budget=18000000');
        // The WebAssembly Lua compiles off the main thread while the runner's modules load.
        const wasmoon = options.vm === 'luajit' ? undefined : import('../src/bridge/lua_bridge.js').then(({ LuaBridge }) => LuaBridge.load());
        const [{ runScripts }] = await Promise.all([import('../src/runner/run_scripts.js'), wasmoon]);
        const stop = new GracefulStop((signal) => stderr(`stingray-net: ${signal}: stopping after this frame (again to exit at once)\n`));
        try {
          return await runScripts(options, { stdout, stderr }, stop.signal);
        } finally {
          stop.dispose();
        }
      }
      case 'analyze':
        return await analyze(rest, stderr, process.stderr.isTTY === true);
      case 'platform':
        return await platform(rest, stdout, stderr);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        stdout(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
        stdout(`${packageVersion()}\n`);
        return 0;
      default: {
        const guess = didYouMean(command, Object.keys(COMMANDS));
        throw new UsageError(`unknown command '${command}'${guess ? ` (did you mean ${guess}?)` : ''}; see stingray-net --help`);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`stingray-net: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

// Run when this file is the program (the package's bin, or `node --import=tsx scripts/cli.ts`), not when imported.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
