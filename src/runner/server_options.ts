/**
 * The dedicated-server options of `stingray-net run`, kept in one place apart from the rest so the
 * CLI parser can take them as a unit: logs, the status line, the metrics endpoint and Agones.
 */
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './run_log.js';
import { labelTextProblem } from '../bindings/application/agones_binding.js';

/** When an `--agones` server tells Agones it is Ready: when a script first hosts, or when it calls Application.agones_ready(). */
export const AGONES_READY_MODES = ['hosting', 'manual'] as const;
export type AgonesReadyMode = (typeof AGONES_READY_MODES)[number];

export interface AgonesOptions {
  /** `--agones-ready hosting|manual` (default hosting). */
  ready: AgonesReadyMode;
  /** `--agones-label KEY=DATA` (repeatable): GameServer label KEY mirrors the hosted lobby's data DATA. */
  labels: Map<string, string>;
}

export interface ServerOptions {
  /** `--log-format plain|text|json` (default plain: scripts' output as they print it). */
  logFormat: LogFormat;
  /** `--log-level error|warn|info|debug` (default info). */
  logLevel: LogLevel;
  /** `--status-interval SECONDS`: a status line that often; undefined (the default) for none. */
  statusInterval: number | undefined;
  /** `--metrics [HOST:]PORT`: serve Prometheus metrics and /healthz on this TCP port (0 picks one). */
  metricsPort: number | undefined;
  /** The interface the metrics listen on (default 0.0.0.0, so a scraper on another machine reaches them). */
  metricsHost: string;
  /** `--agones`: talk to the Agones SDK sidecar (undefined: not under Agones). */
  agones: AgonesOptions | undefined;
  /** `--agones-ready` and `--agones-label` as given, checked against `agones` once every option is read. */
  agonesSettings: AgonesOptions;
}

export function defaultServerOptions(): ServerOptions {
  return { logFormat: 'plain', logLevel: 'info', statusInterval: undefined, metricsPort: undefined, metricsHost: '0.0.0.0', agones: undefined, agonesSettings: { ready: 'hosting', labels: new Map() } };
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[], fail: (message: string) => Error): T {
  if (!(allowed as readonly string[]).includes(value)) throw fail(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/**
 * Take `flag` if it is a server option: `value()` reads its value. False for any other flag.
 * `fail` makes the usage error to throw.
 */
export function parseServerOption(options: ServerOptions, flag: string, value: () => string, fail: (message: string) => Error): boolean {
  switch (flag) {
    case '--log-format':
      options.logFormat = oneOf(flag, value(), LOG_FORMATS, fail);
      return true;
    case '--log-level':
      options.logLevel = oneOf(flag, value(), LOG_LEVELS, fail);
      return true;
    case '--status-interval': {
      const text = value();
      const seconds = Number(text);
      if (!Number.isFinite(seconds) || seconds <= 0) throw fail(`--status-interval must be a positive number of seconds, got '${text}'`);
      options.statusInterval = seconds;
      return true;
    }
    case '--metrics': {
      const text = value();
      const colon = text.lastIndexOf(':');
      const host = colon >= 0 ? text.slice(0, colon) : '0.0.0.0';
      const port = Number(text.slice(colon + 1));
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw fail(`--metrics must be a TCP port 0..65535, optionally after an IPv4 address (127.0.0.1:9100), got '${text}'`);
      }
      options.metricsHost = host;
      options.metricsPort = port;
      return true;
    }
    case '--agones-ready':
      options.agonesSettings.ready = oneOf(flag, value(), AGONES_READY_MODES, fail);
      return true;
    case '--agones-label': {
      const text = value();
      const equals = text.indexOf('=');
      const [label, dataKey] = equals < 0 ? [text, ''] : [text.slice(0, equals), text.slice(equals + 1)];
      if (dataKey === '') throw fail(`--agones-label must be LABEL=LOBBY_DATA_KEY (the label to set and the hosted lobby's data key it mirrors), got '${text}'`);
      const problem = labelTextProblem(label, 'key');
      if (problem !== undefined) throw fail(`--agones-label: ${problem}`);
      if (options.agonesSettings.labels.has(label)) throw fail(`--agones-label: label '${label}' is given twice`);
      options.agonesSettings.labels.set(label, dataKey);
      return true;
    }
    default:
      return false;
  }
}

/** After every option: the Agones settings take effect with --agones, and mean nothing without it. */
export function finishServerOptions(options: ServerOptions, agones: boolean, fail: (message: string) => Error): void {
  if (agones) options.agones = options.agonesSettings;
  else if (options.agonesSettings.ready !== 'hosting' || options.agonesSettings.labels.size > 0) {
    throw fail(`--agones-ready and --agones-label need --agones`);
  }
}
