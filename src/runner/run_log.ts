/**
 * The run's log: what scripts print, the network's `[network]` lines and the runner's own notices,
 * as records (time, peer, level, source, message) written in one of three formats:
 * `plain` (the default) writes scripts' output unchanged, as the tests and docs pin it; `text`
 * starts every line with an ISO timestamp, level, peer and source; `json` writes one object per line.
 */
export const LOG_FORMATS = ['plain', 'text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Most severe first; `--log-level L` keeps L and everything before it. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `script` is what a script printed, `network` the network's log lines, `runner` this runner. */
export type LogSource = 'script' | 'network' | 'runner';

const NETWORK_PREFIX = '[network] ';

export class RunLog {
  constructor(
    private readonly out: (text: string) => void,
    readonly format: LogFormat = 'plain',
    private readonly level: LogLevel = 'info',
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether records of `level` are written. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.level);
  }

  /** Write one record; `peer` is the peer's label (`0:host`) or undefined for the whole run. */
  write(level: LogLevel, source: LogSource, peer: string | undefined, message: string): void {
    if (!this.enabled(level)) return;
    switch (this.format) {
      case 'json':
        this.out(`${JSON.stringify({ time: this.now().toISOString(), peer: peer ?? null, level, source, message })}\n`);
        break;
      case 'text':
        this.out(`${this.now().toISOString()} ${level.padEnd(5)} ${peer === undefined ? '' : `[${peer}] `}${source === 'script' ? '' : `${source}: `}${message}\n`);
        break;
      case 'plain':
        this.out(`${peer === undefined ? '' : `[${peer}] `}${source === 'network' ? NETWORK_PREFIX : ''}${message}\n`);
        break;
    }
  }

  /**
   * A writer for a peer's printed output in the `text` and `json` formats: complete lines become
   * records (`[network] ` lines from the network, the rest from the script); a last partial line
   * waits for its end or for `flush`. (The `plain` format passes output through as it comes.)
   */
  peerWriter(peer: string): { write(text: string): void; flush(): void } {
    let pending = '';
    const record = (line: string): void => {
      const network = line.startsWith(NETWORK_PREFIX);
      this.write('info', network ? 'network' : 'script', peer, network ? line.slice(NETWORK_PREFIX.length) : line);
    };
    return {
      write: (text) => {
        const lines = (pending + text).split('\n');
        pending = lines.pop()!;
        for (const line of lines) record(line);
      },
      flush: () => {
        if (pending !== '') record(pending);
        pending = '';
      },
    };
  }
}
