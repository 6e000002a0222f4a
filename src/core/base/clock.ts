/**
 * Time sources, in seconds. Protocol timers read an injected clock so tests and the network
 * simulator run on virtual time, deterministically.
 */
export interface Clock {
  now(): number;
}

/** Time that moves only when told to: the fixed-step frame clock and the simulator's clock. */
export class ManualClock implements Clock {
  private time = 0;

  now(): number {
    return this.time;
  }

  advance(seconds: number): void {
    this.time += seconds;
  }
}

/** Monotonic wall-clock time since construction. */
export class WallClock implements Clock {
  private readonly start = performance.now();

  now(): number {
    return (performance.now() - this.start) / 1000;
  }
}
