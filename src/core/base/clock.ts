/**
 * Time sources, in seconds. Protocol timers read an injected clock so tests and the network
 * simulator run on virtual time, deterministically.
 */
/** @category Transport */
export interface Clock {
  /** Seconds since the clock's start. */
  now(): number;
}

/**
 * Time that moves only when told to: the fixed-step frame clock and the simulator's clock.
 *
 * @category Transport
 */
export class ManualClock implements Clock {
  private time = 0;

  /** Seconds advanced so far. */
  now(): number {
    return this.time;
  }

  /** Move time on by `seconds`. */
  advance(seconds: number): void {
    this.time += seconds;
  }
}

/**
 * Monotonic wall-clock time since construction.
 *
 * @category Transport
 */
export class WallClock implements Clock {
  private readonly start = performance.now();

  /** Seconds since construction. */
  now(): number {
    return (performance.now() - this.start) / 1000;
  }
}
