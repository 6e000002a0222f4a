/**
 * `--status-interval N`: every N seconds of wall time, one line with the frame rate, connected
 * peers and traffic since the last line, so a long idle run still shows it is alive.
 */
import type { TrafficTotals } from './run_traffic.js';

export class StatusLine {
  private lastAt: number;
  private frames = 0;
  private last: TrafficTotals;

  constructor(
    private readonly intervalSeconds: number,
    private readonly now: () => number,
    totals: TrafficTotals,
  ) {
    this.lastAt = now();
    this.last = { ...totals };
  }

  /** Count a frame; the status text when the interval has passed, else undefined. */
  frame(connections: number, totals: TrafficTotals): string | undefined {
    this.frames++;
    const now = this.now();
    const seconds = now - this.lastAt;
    if (seconds < this.intervalSeconds) return undefined;
    const kbps = (bytes: number): string => ((bytes * 8) / 1000 / seconds).toFixed(1);
    const text =
      `status: ${(this.frames / seconds).toFixed(1)} frames/s, ${connections} peer${connections === 1 ? '' : 's'} connected, ` +
      `in ${kbps(totals.bytesIn - this.last.bytesIn)} kbit/s (${totals.packetsIn - this.last.packetsIn} packets), ` +
      `out ${kbps(totals.bytesOut - this.last.bytesOut)} kbit/s (${totals.packetsOut - this.last.packetsOut} packets), ` +
      `${totals.packetsLost - this.last.packetsLost} packets lost`;
    this.lastAt = now;
    this.frames = 0;
    this.last = { ...totals };
    return text;
  }
}
