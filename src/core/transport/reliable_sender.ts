/**
 * The sending half of a connection's reliable ordered stream: messages get consecutive 16-bit ids,
 * are (re)sent until a packet carrying them is acknowledged, and count against the reliable send
 * buffer until then. Messages larger than a packet travel as consecutive fragments.
 */
import { sequenceDistance, sequenceNext } from './sequence_number.js';

export interface PendingMessage {
  id: number;
  body: Uint8Array;
  /** More fragments of the same message follow. */
  more: boolean;
  /** Time of the last send, or -Infinity before the first. */
  sentAt: number;
  acked: boolean;
  /** Told when this message and every one before it were acknowledged (on the last fragment). */
  onAcked?: () => void;
  /** What the message carries, for the network log. */
  tag: string;
}

/**
 * Messages in flight (sent, not yet acknowledged) span at most this many ids: the most 16-bit ids
 * can tell apart, since the receiver may be anywhere from the oldest in flight to past the newest.
 * The reliable send buffer (`reliable_send_buffer_left`), not this, is what limits a game.
 */
export const RELIABLE_WINDOW = 32767;

export class ReliableSendBufferOverflow extends Error {
  override name = 'ReliableSendBufferOverflow';
}

export class ReliableSender {
  /** Unacknowledged messages in id order. */
  private readonly pending: PendingMessage[] = [];
  private nextId = 0;
  private usedBytes = 0;
  /**
   * Bytes of the messages sent from the oldest unacknowledged one on, acknowledged or not: the
   * receiver may still hold any of them waiting for that oldest one, so this stays within its buffer.
   */
  private inFlightBytes = 0;

  constructor(
    readonly bufferSize: number,
    private readonly receiverBufferSize: number,
  ) {}

  /** Bytes still free in the reliable send buffer. */
  get bytesLeft(): number {
    return this.bufferSize - this.usedBytes;
  }

  get queued(): number {
    return this.pending.length;
  }

  /** Queue a message, split into fragments of at most `maxFragment` bytes. Throws on overflow. */
  send(body: Uint8Array, maxFragment: number, tag: string, onAcked?: () => void): void {
    if (this.usedBytes + body.length > this.bufferSize) {
      throw new ReliableSendBufferOverflow(
        `reliable send buffer overflow: ${this.usedBytes} bytes waiting for acknowledgement + ${body.length} new exceeds the ${this.bufferSize}-byte buffer`,
      );
    }
    this.usedBytes += body.length;
    let offset = 0;
    do {
      const end = Math.min(body.length, offset + maxFragment);
      this.pending.push({ id: this.nextId, body: body.subarray(offset, end), more: end < body.length, sentAt: -Infinity, acked: false, tag });
      this.nextId = sequenceNext(this.nextId);
      offset = end;
    } while (offset < body.length);
    if (onAcked) this.pending[this.pending.length - 1]!.onAcked = onAcked;
  }

  /**
   * Messages due now, oldest first: never sent, or unacknowledged for `resendAfter` seconds.
   * Stays inside the id window and the receiver's buffer.
   */
  *due(now: number, resendAfter: number): Generator<PendingMessage> {
    const oldest = this.pending[0];
    if (!oldest) return;
    let inFlight = this.inFlightBytes;
    for (const message of this.pending) {
      if (message.acked) continue;
      if (sequenceDistance(message.id, oldest.id) >= RELIABLE_WINDOW) return;
      const firstSend = message.sentAt === -Infinity;
      if (firstSend) {
        if (inFlight + message.body.length > this.receiverBufferSize && inFlight > 0) return;
        inFlight += message.body.length;
        yield message;
      } else if (now - message.sentAt >= resendAfter) {
        yield message;
      }
    }
  }

  /** Record that `message` went out in a packet at `now`. */
  markSent(message: PendingMessage, now: number): void {
    if (message.sentAt === -Infinity) this.inFlightBytes += message.body.length;
    message.sentAt = now;
  }

  /** A packet carrying these ids was acknowledged. */
  acknowledge(ids: readonly number[]): void {
    const oldest = this.pending[0];
    if (!oldest) return;
    for (const id of ids) {
      const index = sequenceDistance(id, oldest.id);
      const message = this.pending[index];
      if (index < 0 || !message || message.id !== id || message.acked) continue;
      message.acked = true;
      this.usedBytes -= message.body.length;
    }
    let drop = 0;
    while (drop < this.pending.length && this.pending[drop]!.acked) {
      this.inFlightBytes -= this.pending[drop]!.body.length;
      drop++;
    }
    if (drop === 0) return;
    const done = this.pending.splice(0, drop);
    for (const message of done) message.onAcked?.();
  }
}
