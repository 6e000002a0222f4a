/**
 * Graceful stop of a long run: the first SIGTERM or SIGINT (what `docker stop`, `systemctl stop`
 * and Kubernetes send) asks the run to stop after the current frame, so the scripts' shutdown()
 * runs and its disconnects reach the players at once; a second signal exits at once.
 */
import { constants } from 'node:os';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export class GracefulStop {
  private readonly controller = new AbortController();
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.controller.signal.aborted) {
      // The shell's convention for a process ended by a signal: 128 + its number.
      process.exit(128 + constants.signals[signal]);
    }
    this.onFirst(signal);
    this.controller.abort(signal);
  };

  /** Listen for the signals until dispose(); `onFirst` says what is happening (e.g. on stderr). */
  constructor(private readonly onFirst: (signal: NodeJS.Signals) => void = () => undefined) {
    for (const signal of SIGNALS) process.on(signal, this.handler);
  }

  /** Aborted by the first signal; its reason is the signal's name. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stop listening: the signals' default action (exit at once) applies again. */
  dispose(): void {
    for (const signal of SIGNALS) process.off(signal, this.handler);
  }
}
