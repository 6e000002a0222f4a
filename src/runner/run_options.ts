/**
 * Command-line options of `stingray-net run`, parsed with errors that fit on one line.
 */
import { statSync } from 'node:fs';
import { parseEndpoint, type Endpoint } from '../core/transport/datagram_socket.js';
import { parseLinkConditions, type LinkConditions } from '../core/transport/network_simulator.js';
import { defaultServerOptions, parseServerOption, SERVER_USAGE, type ServerOptions } from './server_options.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

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
}

const USAGE = `usage: stingray-net run <script.lua>... [--frames N] [--dt SECONDS] [--realtime] [--root DIR] [--peers N] [--simulate CONDITIONS] [--seed N] [--broadcast ADDR] [--network-log FILE] [--platform HOST:PORT] ${SERVER_USAGE} [-- script args]`;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

export function parseRunOptions(args: readonly string[]): RunOptions {
  const scripts: string[] = [];
  let frames: number | undefined;
  let dt = 1 / 30;
  let realtime = false;
  let root: string | undefined;
  let peers: number | undefined;
  let scriptArgs: string[] = [];
  let simulate: LinkConditions | undefined;
  let seed: number | undefined;
  let broadcast = '255.255.255.255';
  let networkLog: string | undefined;
  let platform: Endpoint | undefined;
  const server = defaultServerOptions();

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      scriptArgs = args.slice(i + 1);
      break;
    }
    if (!arg.startsWith('--')) {
      scripts.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      return value;
    };
    const positiveInteger = (value: string): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${value}'`);
      return n;
    };
    switch (flag) {
      case '--frames':
        frames = positiveInteger(takeValue());
        break;
      case '--peers':
        peers = positiveInteger(takeValue());
        break;
      case '--dt': {
        const value = takeValue();
        dt = Number(value);
        if (!Number.isFinite(dt) || dt <= 0) throw new UsageError(`--dt must be a positive number of seconds, got '${value}'`);
        break;
      }
      case '--realtime':
        if (eq >= 0) throw new UsageError('--realtime takes no value');
        realtime = true;
        break;
      case '--root':
        root = takeValue();
        if (!isDirectory(root)) throw new UsageError(`--root: no such folder: ${root}`);
        break;
      case '--simulate': {
        const value = takeValue();
        try {
          simulate = parseLinkConditions(value === 'perfect' ? '' : value);
        } catch (error) {
          throw new UsageError(`--simulate: ${(error as Error).message}`);
        }
        break;
      }
      case '--seed': {
        const value = takeValue();
        seed = Number(value);
        if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295, got '${value}'`);
        break;
      }
      case '--network-log':
        networkLog = takeValue();
        break;
      case '--broadcast':
        broadcast = takeValue();
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(broadcast)) throw new UsageError(`--broadcast must be an IPv4 address, got '${broadcast}'`);
        break;
      case '--platform': {
        const value = takeValue();
        platform = parseEndpoint(value);
        if (!platform) throw new UsageError(`--platform must be the HOST:PORT of a stingray-net platform, like 127.0.0.1:47700, got '${value}'`);
        break;
      }
      default:
        if (parseServerOption(server, flag, takeValue, (message) => new UsageError(message))) break;
        throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    }
  }

  if (scripts.length === 0) throw new UsageError(`no script given\n${USAGE}`);
  for (const script of scripts) {
    if (!isFile(script)) throw new UsageError(`script not found: ${script}`);
  }
  if (peers !== undefined) {
    if (scripts.length !== 1) throw new UsageError('--peers N runs one script N times; give exactly one script');
    while (scripts.length < peers) scripts.push(scripts[0]!);
  }
  return { scripts, frames, dt, realtime, root, scriptArgs, simulate, seed, broadcast, networkLog, platform, server };
}
