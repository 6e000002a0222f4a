/**
 * Quality of service: per-peer upload rates that adapt between a minimum and a maximum, and a cap
 * on the total across peers (Network.enable_qos / set_qos_config). Token buckets refilled from the
 * clock; a packet may take the bucket below zero once, so the average stays at the rate.
 */

export interface RateLimiter {
  /** Refill for the time elapsed; call once per transmit before canSend. */
  refill(now: number): void;
  /** Whether a data packet may be sent now. */
  canSend(): boolean;
  spend(bytes: number): void;
  /** A sent packet was acknowledged (true) or lost (false): feeds the adaptive rate. */
  observe(delivered: boolean): void;
}

export const UNLIMITED: RateLimiter = {
  refill: () => undefined,
  canSend: () => true,
  spend: () => undefined,
  observe: () => undefined,
};

/** Bursts are limited to this much time's worth of the rate. */
const BURST_SECONDS = 0.05;
/** How often the adaptive rate is reconsidered. */
const ADAPT_INTERVAL = 1;

export class TokenBucket implements RateLimiter {
  private tokens = 0;
  private last: number | undefined;
  private delivered = 0;
  private lost = 0;
  private lastAdapt: number | undefined;
  private spentSinceAdapt = 0;

  /**
   * @param rateKbps current rate in kilobits per second
   * @param minKbps,maxKbps bounds of the adaptive rate (equal: a fixed rate)
   */
  constructor(
    public rateKbps: number,
    private readonly minKbps: number,
    private readonly maxKbps: number,
  ) {}

  private get bytesPerSecond(): number {
    return (this.rateKbps * 1000) / 8;
  }

  refill(now: number): void {
    if (this.last === undefined) {
      this.last = now;
      this.lastAdapt = now;
      this.tokens = this.bytesPerSecond * BURST_SECONDS;
      return;
    }
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.tokens + elapsed * this.bytesPerSecond, Math.max(this.bytesPerSecond * BURST_SECONDS, 1));
    if (now - this.lastAdapt! >= ADAPT_INTERVAL) this.adapt(now);
  }

  canSend(): boolean {
    return this.tokens > 0;
  }

  spend(bytes: number): void {
    this.tokens -= bytes;
    this.spentSinceAdapt += bytes;
  }

  observe(delivered: boolean): void {
    if (delivered) this.delivered++;
    else this.lost++;
  }

  /** Back off on loss; grow when clean and the rate was actually used. */
  private adapt(now: number): void {
    const total = this.delivered + this.lost;
    const lossRate = total > 0 ? this.lost / total : 0;
    const used = this.spentSinceAdapt / ((now - this.lastAdapt!) * this.bytesPerSecond);
    if (lossRate > 0.05) this.rateKbps = Math.max(this.minKbps, this.rateKbps * 0.75);
    else if (lossRate < 0.01 && used > 0.8) this.rateKbps = Math.min(this.maxKbps, this.rateKbps * 1.1);
    this.delivered = 0;
    this.lost = 0;
    this.spentSinceAdapt = 0;
    this.lastAdapt = now;
  }
}

/** A peer's bucket together with the shared total: both must allow a send. */
export class CombinedLimiter implements RateLimiter {
  constructor(private readonly limiters: readonly RateLimiter[]) {}

  refill(now: number): void {
    for (const l of this.limiters) l.refill(now);
  }

  canSend(): boolean {
    return this.limiters.every((l) => l.canSend());
  }

  spend(bytes: number): void {
    for (const l of this.limiters) l.spend(bytes);
  }

  observe(delivered: boolean): void {
    for (const l of this.limiters) l.observe(delivered);
  }
}
