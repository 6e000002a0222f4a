/**
 * Command-line options of `stingray-net run`: one table entry per option, parsed with errors that
 * fit on one line and name the option.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { ResourceResolver } from '../core/config/resource_resolver.js';
import { parseEndpoint, type Endpoint } from '../core/transport/datagram_socket.js';
import { parseLinkConditions, type LinkConditions } from '../core/transport/network_simulator.js';

import { parseCommand, UsageError, type CommandDefinition, type OptionDefinition } from './command_line.js';
import { defaultServerOptions, finishServerOptions, parseServerOption, type ServerOptions } from './server_options.js';

export { UsageError };

export interface RunOptions {

  /** One entry per peer (a script named N times with --peers runs N times). */
  scripts: string[];
  /** Stop after this many frames; undefined runs until every script quits. */
  frames: number | undefined;
  /** Seconds per frame passed to update(dt). */
  dt: number;
  /** Pace frames to the wall clock instead of running as fast as the CPU allows. */
  realtime: boolean;
  /** Resource root for require/dofile/configs; undefined means each script's own folder. */
  root: string | undefined;
  /** Arguments after `--`, given to every script through Application.argv(). */
  scriptArgs: string[];
  /** Run the peers on the in-process network simulator with these conditions instead of UDP. */
  simulate: LinkConditions | undefined;
  /** Seed for the simulator and for generated peer ids (repeatable runs). */
  seed: number | undefined;
  /** Where LAN discovery broadcasts go over UDP. */
  broadcast: string;
  /** Write the network log of every peer here. */
  networkLog: string | undefined;
  /** A `stingray-net platform` to use for Steam, PSN and Xbox Live (default: one embedded in this run). */
  platform: Endpoint | undefined;
  /** Logs, status line and metrics for dedicated servers (defaults when absent). */
  server?: ServerOptions;
  /** The Lua VM the scripts run on (absent: wasmoon). */
  vm?: LuaVmName;
}

/** `--vm`: wasmoon's Lua 5.4 in WebAssembly (always there), or LuaJIT 2.1 (the optional native addon). */
export type LuaVmName = 'wasmoon' | 'luajit';
const VM_NAMES: readonly LuaVmName[] = ['wasmoon', 'luajit'];

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** What the table's entries fill in before the scripts are resolved. */
type RunSettings = Omit<RunOptions, 'scripts' | 'scriptArgs' | 'server' | 'vm'> & { peers: number | undefined; agones: boolean; server: ServerOptions; vm: LuaVmName };

/** A dedicated-server option (server_options.ts parses and checks them all). */
function serverOption(flag: string, value: string, help: string): OptionDefinition<RunSettings> {
  return { value, help, apply: (o, v) => void parseServerOption(o.server, `--${flag}`, () => String(v), (message) => new UsageError(message)) };
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer, got '${value}'`);
  return n;
}

export const RUN_COMMAND: CommandDefinition<RunSettings> = {
  name: 'run',
  usage: 'stingray-net run <script>... [options] [-- script args]',
  summary: `Run game scripts headless, one Lua VM per script. A script is a file or a resource name
(scripts/boot finds scripts/boot.lua), looked up in the current folder, then under --root.
Arguments after -- are given to every script through Application.argv().`,
  options: {
    frames: {
      value: 'N',
      help: 'stop after N frames (default: run until every script calls Application.quit)',
      apply: (o, v) => void (o.frames = positiveInteger('frames', String(v))),
    },
    dt: {
      value: 'SECONDS',
      help: 'frame time passed to update(dt) (default 1/30)',
      apply(o, v) {
        o.dt = Number(v);
        if (!Number.isFinite(o.dt) || o.dt <= 0) throw new UsageError(`--dt must be a positive number of seconds, got '${v}'`);
      },
    },
    realtime: { help: 'pace frames to the wall clock (default: as fast as the CPU allows)', apply: (o) => void (o.realtime = true) },
    root: {
      value: 'DIR',
      help: "resource root for require, dofile and .network_config (default: the script's folder)",
      apply(o, v) {
        o.root = String(v);
        if (!isDirectory(o.root)) throw new UsageError(`--root: no such folder: ${o.root}`);
      },
    },
    peers: { value: 'N', help: 'run one script N times, each in its own VM', apply: (o, v) => void (o.peers = positiveInteger('peers', String(v))) },
    simulate: {
      value: 'C',
      help: `run the peers on the in-process network simulator instead of UDP, with
conditions C, e.g. loss=0.25,latency=200ms,jitter=100ms,dup=0.25,reorder=0.1
("perfect" for none); deterministic for a given --seed`,
      apply(o, v) {
        try {
          o.simulate = parseLinkConditions(v === 'perfect' ? '' : String(v));
        } catch (error) {
          throw new UsageError(`--simulate: ${(error as Error).message}`);
        }
      },
    },
    seed: {
      value: 'N',
      help: 'seed for the simulator and generated peer ids (default: random)',
      apply(o, v) {
        o.seed = Number(v);
        if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295, got '${v}'`);
      },
    },
    broadcast: {
      value: 'ADDR',
      help: `where LAN lobby discovery broadcasts go (default 255.255.255.255;
127.255.255.255 keeps them on this machine)`,
      apply(o, v) {
        o.broadcast = String(v);
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(o.broadcast)) throw new UsageError(`--broadcast must be an IPv4 address, got '${v}'`);
      },
    },
    'network-log': {
      value: 'F',
      help: `write every peer's network log (bytes per frame, peer and category) to F;
stingray-net analyze F -o report.html graphs it`,
      apply: (o, v) => void (o.networkLog = String(v)),
    },
    platform: {
      value: 'H:P',
      help: `use the platform service at H:P (a stingray-net platform) for Steam, PSN and
Xbox Live, so peers in several processes meet (default: one in this process)`,
      apply(o, v) {
        o.platform = parseEndpoint(String(v));
        if (!o.platform) throw new UsageError(`--platform must be the HOST:PORT of a stingray-net platform, like 127.0.0.1:47700, got '${v}'`);
      },
    },
    vm: {
      value: 'NAME',
      help: `the Lua VM: wasmoon (default; Lua 5.4 in WebAssembly with LuaJIT shims) or
luajit (LuaJIT 2.1, what the games shipped on: the native addon built at install)`,
      apply(o, v) {
        if (!VM_NAMES.includes(v as LuaVmName)) throw new UsageError(`--vm must be wasmoon or luajit, got '${v}'`);
        o.vm = v as LuaVmName;
      },
    },
    'log-format': serverOption('log-format', 'F', `plain (default: what scripts print, unchanged), text (each line starts with an
ISO time, level, peer and source) or json (one object per line: time, peer, level, source, message)`),
    'log-level': serverOption('log-level', 'L', 'error, warn, info (default) or debug: the least severe records written'),
    'status-interval': serverOption('status-interval', 'S', 'every S seconds, a status line: frame rate, connected peers, traffic'),
    metrics: serverOption('metrics', '[H:]P', `serve Prometheus metrics at http://H:P/metrics and liveness at /healthz
(H defaults to 0.0.0.0; P 0 picks a free port, printed at start)`),
    agones: {
      help: `run as an Agones game server: Ready, Health, players and Shutdown through the
SDK sidecar at localhost:$AGONES_SDK_GRPC_PORT (default 9357)`,
      apply: (o) => void (o.agones = true),
    },
    'agones-ready': serverOption('agones-ready', 'WHEN', `hosting (default: Ready when a script first hosts a lobby, game server or
game session) or manual (the script calls Application.agones_ready())`),
    'agones-label': serverOption('agones-label', 'K=D', `mirror the hosted lobby's data D as the GameServer label K (repeatable);
scripts set others with Application.agones_set_label(key, value)`),
  },
};

/** The file of script `name`: a path, or a resource name that may omit `.lua`, under the current folder, then under `root`. */
function resolveScript(name: string, root: string | undefined): string {
  const tried: string[] = [];
  for (const folder of root === undefined ? ['.'] : ['.', root]) {
    const found = new ResourceResolver(folder).findScript(name, 'file');
    if (found.file) return path.isAbsolute(name) ? found.file : path.relative('.', found.file);
    tried.push(found.error ?? '');
  }
  const hint = root === undefined ? '; a resource name is also looked up under --root DIR' : '';
  throw new UsageError(`script not found: ${name} (${tried.join(', ')}${hint})`);
}

export function parseRunOptions(args: readonly string[]): RunOptions {
  const settings: RunSettings = { frames: undefined, dt: 1 / 30, realtime: false, root: undefined, peers: undefined, simulate: undefined, seed: undefined, broadcast: '255.255.255.255', networkLog: undefined, platform: undefined, agones: false, server: defaultServerOptions(), vm: 'wasmoon' };
  const { positionals, rest } = parseCommand(RUN_COMMAND, args, settings);
  const { peers, agones, ...options } = settings;
  finishServerOptions(options.server, agones, (message) => new UsageError(message));
  if (positionals.length === 0) throw new UsageError(`no script given\nusage: ${RUN_COMMAND.usage} (stingray-net run --help lists the options)`);
  const scripts = positionals.map((name) => resolveScript(name, options.root));
  if (peers !== undefined) {
    if (scripts.length !== 1) throw new UsageError('--peers N runs one script N times; give exactly one script');
    while (scripts.length < peers) scripts.push(scripts[0]!);
  }
  return { ...options, scripts, scriptArgs: rest };
}
