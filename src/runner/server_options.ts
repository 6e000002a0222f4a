/**
 * The dedicated-server options of `stingray-net run`, kept in one place apart from the rest so the
 * CLI parser can take them as a unit: logs, the status line and the metrics endpoint.
 */
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './run_log.js';

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
}

export function defaultServerOptions(): ServerOptions {
  return { logFormat: 'plain', logLevel: 'info', statusInterval: undefined, metricsPort: undefined, metricsHost: '0.0.0.0' };
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
    default:
      return false;
  }
}
