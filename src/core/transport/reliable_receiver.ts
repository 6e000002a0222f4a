/**
 * The receiving half of the reliable ordered stream: buffers messages that arrive out of order,
 * drops duplicates, reassembles fragments and delivers each message exactly once, in order.
 */
import { sequenceDistance, sequenceNext } from './sequence_number.js';
import { RELIABLE_WINDOW } from './reliable_sender.js';

interface Buffered {
  body: Uint8Array;
  more: boolean;
}

export class ReliableReceiver {
  private nextId = 0;
  private readonly buffered = new Map<number, Buffered>();
  private bufferedBytes = 0;
  private fragments: Uint8Array[] = [];
  duplicates = 0;

  constructor(private readonly bufferSize: number) {}

  /**
   * Whether records with these ids and sizes fit the receive buffer. A packet that does not fit is
   * dropped whole and left unacknowledged, so the sender resends it: acknowledging a packet must
   * mean every reliable record in it was kept.
   */
  fits(records: readonly { id: number; body: Uint8Array }[]): boolean {
    let bytes = this.bufferedBytes;
    for (const record of records) {
      const ahead = sequenceDistance(record.id, this.nextId);
      if (ahead > 0 && ahead < RELIABLE_WINDOW && !this.buffered.has(record.id)) bytes += record.body.length;
    }
    return bytes <= this.bufferSize;
  }

  /** Accept one received reliable record (after `fits` approved its packet). */
  receive(id: number, body: Uint8Array, more: boolean): void {
    const ahead = sequenceDistance(id, this.nextId);
    if (ahead < 0 || this.buffered.has(id)) {
      this.duplicates++;
      return;
    }
    if (ahead >= RELIABLE_WINDOW) return; // beyond any window the sender may use: a stale or hostile record
    // The record views the packet's bytes; keep a copy while it waits.
    this.buffered.set(id, { body: body.slice(), more });
    this.bufferedBytes += body.length;
  }

  /** Complete messages now deliverable, in order. */
  deliver(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let next = this.buffered.get(this.nextId); next; next = this.buffered.get(this.nextId)) {
      this.buffered.delete(this.nextId);
      this.bufferedBytes -= next.body.length;
      this.nextId = sequenceNext(this.nextId);
      if (next.more || this.fragments.length > 0) {
        this.fragments.push(next.body);
        if (next.more) continue;
        out.push(concat(this.fragments));
        this.fragments = [];
      } else {
        out.push(next.body);
      }
    }
    return out;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
