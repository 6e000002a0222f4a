/**
 * The network log, format version 2 (docs/analyzer.md): per frame and per remote peer, the bytes and
 * packets this peer sent and received by category, resends, losses and round-trip times, and the
 * dump tags scripts write. Streamed to a file as one JSON object per line, so a long run never holds
 * it in memory and the analyzer (src/analyzer/network_log_reader.ts) reads it line by line.
 *
 *   {"log":"stingray-network","version":2,"started":"<ISO time>"}
 *   {"frame":0,"time":0,"peer":"a1","name":"0:host"}
 *   {"frame":12,"time":0.4,"peer":"a1","remote":"b2","sent":{"rpc_hello":40,"overhead":12},"received":{"objects: unit":18,"overhead":12},"packets":[1,1],"messages":[{"rpc_hello":1},{"objects: unit":1}],"resent":{"rpc_hello":40},"fields":[{},{"unit.position":38}],"lost":1,"rtt":41.5}
 *   {"frame":12,"time":0.4,"peer":"a1","tag":"wave 2 starts"}
 *
 * Categories are the same at both ends: each RPC message by name, `objects: <type>` for field
 * updates of each object type (`objects` when one update message mixes types), `object create`,
 * `session` (membership), `lobby`, `channel`, and `overhead` (packet and record headers, acks and
 * keep-alives). Sent messages are counted each time they go out; `resent` is the part of `sent` that
 * went out again. `fields` (when any) is [sent, received] bits by `type.field` of the field values
 * in object updates (sent: counted when the update is queued). `packets` is [sent, received], `messages` [sent, received] message counts by category (a
 * message counts once, when its last fragment first goes out); `lost` the packets given up on this frame; `rtt`
 * the mean round-trip time in milliseconds of the samples taken this frame. The `name` line gives
 * the runner's name of a peer once it has an id. The lines of several peers of one process share a
 * file.
 *
 * It is also the dump replay sessions read: what the peer's game session received, in order —
 *   {"frame":12,"time":0.4,"peer":"a1","event":"game_object_created","id":3,"type":"unit","owner":"b2","values":[...]}
 *   {"frame":12,"time":0.4,"peer":"a1","event":"field","id":3,"field":"position","value":[1,2,3]}
 *   {"frame":12,"time":0.4,"peer":"a1","event":"rpc","message":"rpc_chat","from":1,"args":[...]}
 *   {"frame":30,"time":1.0,"peer":"a1","event":"game_object_destroyed","id":3,"other":"b2"}
 * and every other callback (`game_object_sync_done`, `game_session_disconnect`, migrations) with the
 * peer it names as `other`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { SentPart, TrafficMeter } from './connection.js';
import type { PeerId } from '../base/peer_id.js';

/** The format version this file writes (the analyzer reads this one only). */
export const NETWORK_LOG_VERSION = 2;

/** One frame's traffic with one remote peer, as a traffic line carries it (bytes and counts by category). */
export interface TrafficTotals {
  sent: Record<string, number>;
  received: Record<string, number>;
  packets: [number, number];
  messages: [Record<string, number>, Record<string, number>];
  resent: Record<string, number>;
  /** [sent, received] bits of field values by `type.field`. */
  fields: [Record<string, number>, Record<string, number>];
  lost: number;
}

interface Traffic extends TrafficTotals {
  rttSum: number;
  rttSamples: number;
}

/** The file several peers' logs write to. */
export class NetworkLogFile {
  private fd: number | undefined;
  private users = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    this.write({ log: 'stingray-network', version: NETWORK_LOG_VERSION, started: new Date().toISOString() });
  }

  write(line: object): void {
    if (this.fd !== undefined) writeSync(this.fd, JSON.stringify(line) + '\n');
  }

  /** A peer starts or stops writing; the file closes when the last one stops. */
  use(): void {
    this.users++;
  }

  release(): void {
    if (--this.users <= 0 && this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** One peer's log: a TrafficMeter the transport reports to, flushed once per frame. */
export class NetworkLog implements TrafficMeter {
  /** This peer's id once its client runs. */
  peer: PeerId | undefined;
  private frame = 0;
  /** The time of the last frame written. */
  private time = 0;
  /** The id the last name line was written for. */
  private named: PeerId | undefined;
  private readonly traffic = new Map<PeerId, Traffic>();

  constructor(
    private readonly file: NetworkLogFile,
    /** Names the peer until it has an id (the runner's peer label). */
    private readonly label: string,
  ) {
    file.use();
  }

  private of(remote: PeerId): Traffic {
    let t = this.traffic.get(remote);
    if (!t) this.traffic.set(remote, (t = { sent: {}, received: {}, packets: [0, 0], messages: [{}, {}], resent: {}, fields: [{}, {}], lost: 0, rttSum: 0, rttSamples: 0 }));
    return t;
  }

  /** Overhead is metered once per packet, without a part. */
  sent(remote: PeerId, tag: string, bytes: number, part?: SentPart): void {
    const t = this.of(remote);
    t.sent[tag] = (t.sent[tag] ?? 0) + bytes;
    if (part === 'resend') t.resent[tag] = (t.resent[tag] ?? 0) + bytes;
    else if (part === 'message') t.messages[0][tag] = (t.messages[0][tag] ?? 0) + 1;
    if (tag === 'overhead') t.packets[0]++;
  }

  lost(remote: PeerId): void {
    this.of(remote).lost++;
  }

  logsFields(): boolean {
    return true;
  }

  fieldBits(remote: PeerId, direction: 'sent' | 'received', field: string, bits: number): void {
    const counts = this.of(remote).fields[direction === 'sent' ? 0 : 1];
    counts[field] = (counts[field] ?? 0) + bits;
  }

  rtt(remote: PeerId, seconds: number): void {
    const t = this.of(remote);
    t.rttSum += seconds;
    t.rttSamples++;
  }

  received(remote: PeerId, tag: string, bytes: number): void {
    const t = this.of(remote);
    t.received[tag] = (t.received[tag] ?? 0) + bytes;
    if (tag === 'overhead') t.packets[1]++;
    else t.messages[1][tag] = (t.messages[1][tag] ?? 0) + 1;
  }

  /** A session event the peer received (for replay sessions). */
  event(time: number, event: Record<string, unknown>): void {
    this.file.write({ frame: this.frame, time, peer: this.peer ?? this.label, ...event });
  }

  tag(text: string, time: number): void {
    this.file.write({ frame: this.frame, time, peer: this.peer ?? this.label, tag: text });
  }

  /** Write this frame's traffic and start the next frame. */
  endFrame(time: number): void {
    const peer = this.peer ?? this.label;
    if (this.peer !== undefined && this.named !== this.peer) {
      this.named = this.peer;
      this.file.write({ frame: this.frame, time, peer, name: this.label });
    }
    for (const [remote, t] of this.traffic) {
      const line: Record<string, unknown> = { frame: this.frame, time, peer, remote, sent: t.sent, received: t.received, packets: t.packets, messages: t.messages };
      if (Object.keys(t.resent).length > 0) line.resent = t.resent;
      if (Object.keys(t.fields[0]).length > 0 || Object.keys(t.fields[1]).length > 0) line.fields = t.fields;
      if (t.lost > 0) line.lost = t.lost;
      if (t.rttSamples > 0) line.rtt = Math.round((t.rttSum / t.rttSamples) * 10000) / 10;
      this.file.write(line);
    }
    this.traffic.clear();
    this.frame++;
    this.time = time;
  }

  /** Stop writing; what was sent since the last frame (a shutdown's goodbyes) is written first. */
  close(): void {
    if (this.traffic.size > 0) this.endFrame(this.time);
    this.file.release();
  }
}
