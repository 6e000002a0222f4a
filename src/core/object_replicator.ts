/**
 * Replication of game object fields: creation messages with every field, and per-peer update
 * messages carrying only the fields that changed, bit-packed.
 *
 * Update message body (after the session message byte), bit-packed: the entry count + 1
 * (Elias-gamma), then per entry the object id (the first in idBits, then the gap to the previous,
 * Elias-gamma coded), the field mask (one bit per field; after the first entry a single 1 bit means
 * "the previous entry's mask"), and each masked field's value.
 * Updates are unreliable. A lost one re-marks its fields as changed unless a newer update of the
 * field is already in flight; the receiver ignores updates older (by packet) than what it applied.
 *
 * When bandwidth is short, objects go in order of accumulated priority: every transmit an object
 * waits adds `priority / update_rate`, so low `update_rate` and high `priority` objects go first.
 */
import { BitReader } from './bit_reader.js';
import { BitWriter } from './bit_writer.js';
import { MalformedError } from './byte_reader.js';
import { GameObject, type PeerReplica } from './game_object.js';
import type { NetworkConfig, WireValue } from './network_config.js';
import { Service, type NetworkNode } from './network_node.js';
import { UNLIMITED } from './qos.js';
import { peerIdFromBigInt, peerIdToBigInt, type PeerId } from './peer_id.js';
import { SessionMessage } from './session_message.js';

export class ObjectReplicator {
  /** Bits of an object id on the wire. */
  private readonly idBits: number;
  /** Numbers each update message, so a loss only re-sends fields no newer message carries. */
  private generation = 0;
  /** Size of the update messages being written (their writers start that large). */
  private messageBytes = 256;
  /** The field mask of the previous entry in the message being written. */
  private mask = new Uint8Array(32);

  constructor(
    private readonly node: NetworkNode,
    private readonly config: NetworkConfig,
  ) {
    this.idBits = Math.max(1, Math.ceil(Math.log2(config.objectIdLimit + 1)));
  }

  // ---- creation -------------------------------------------------------------------------------

  encodeCreate(object: GameObject): Uint8Array {
    const w = new BitWriter();
    w.writeBits(object.id, this.idBits);
    w.writeBits(object.type.index, this.config.objectTypeIndexBits);
    w.writeU64(peerIdToBigInt(object.owner));
    object.type.fields.forEach((field, i) => field.type.encode(w, object.values[i]!));
    return w.finish();
  }

  decodeCreate(bytes: Uint8Array): GameObject {
    const r = new BitReader(bytes);
    const id = r.readBits(this.idBits);
    const type = this.config.objectTypeAt(r.readBits(this.config.objectTypeIndexBits));
    if (!type) throw new MalformedError('object creation with an unknown object type');
    const owner = peerIdFromBigInt(r.readU64());
    const values: WireValue[] = type.fields.map((field) => field.type.decode(r));
    return new GameObject(id, type, owner, values);
  }

  // ---- updates --------------------------------------------------------------------------------

  /**
   * Apply an update message received in packet `ordinal`. `lookup` gives the object an entry names
   * if the sender may change it; fields of other objects are decoded and skipped.
   */
  applyUpdate(bytes: Uint8Array, ordinal: number, lookup: (id: number) => GameObject | undefined, onApplied: (object: GameObject, index: number) => void): void {
    const r = new BitReader(bytes);
    const count = r.readGamma() - 1;
    let id = -1;
    let present = new Uint8Array(0);
    for (let entry = 0; entry < count; entry++) {
      id = id < 0 ? r.readBits(this.idBits) : id + r.readGamma();
      const object = lookup(id);
      if (!object) throw new MalformedError(`update for object ${id}, which the sender may not change or does not exist here`);
      const fields = object.type.fields;
      // The mask (one bit per field) is left out when it repeats the previous entry's.
      if (entry === 0 || r.readBits(1) === 0) {
        present = new Uint8Array(fields.length);
        for (let i = 0; i < fields.length; i++) present[i] = r.readBits(1);
      } else if (present.length !== fields.length) {
        throw new MalformedError(`update repeats a ${present.length}-field mask for object ${id} of ${fields.length} fields`);
      }
      for (let i = 0; i < fields.length; i++) {
        if (present[i] === 0) continue;
        const value = fields[i]!.type.decode(r);
        if (ordinal <= object.updatedBy[i]!) continue;
        object.updatedBy[i] = ordinal;
        object.setValue(i, value);
        onApplied(object, i);
      }
    }
  }

  /** Objects some peer's copy of which needs fields sent (GameObject.markDirty adds to it). */
  readonly pending = new Set<GameObject>();

  /** Queue the changed fields of pending objects for every peer holding copies, as much as fits this transmit. */
  transmit(): void {
    const host = this.node.host;
    if (!host) return;
    const now = this.node.clock.now();
    const byPeer = new Map<PeerId, GameObject[]>();
    for (const object of this.pending) {
      if (object.destroyed) {
        this.pending.delete(object);
        continue;
      }
      let waiting = false;
      for (const [peer, replica] of object.replicas) {
        if (!replica.created || replica.dirtyCount === 0) continue;
        waiting = true;
        let list = byPeer.get(peer);
        if (!list) byPeer.set(peer, (list = []));
        list.push(object);
      }
      if (waiting) object.accumulated += object.priority / object.type.updateRate;
    }
    for (const [peer, list] of byPeer) {
      const connection = host.connectionTo(peer);
      if (!connection || connection.state !== 'connected' || !connection.canTransmit(now)) continue;
      // Without a bandwidth limit everything goes this transmit: priority order does not matter.
      const limited = connection.rateLimiter !== UNLIMITED;
      list.sort(limited ? (a, b) => b.accumulated - a.accumulated || a.id - b.id : (a, b) => a.id - b.id);
      this.sendUpdates(peer, list, connection.maxMessageBytes - 1, limited);
    }
    for (const object of this.pending) {
      if (this.anyDirtyLeft(object)) continue;
      object.accumulated = 0;
      this.pending.delete(object);
    }
  }

  private anyDirtyLeft(object: GameObject): boolean {
    for (const replica of object.replicas.values()) if (replica.dirtyCount > 0) return true;
    return false;
  }

  /** Pack `objects` (in priority order, or id order when `byPriority` is false) into update messages of at most `maxBytes`. */
  private sendUpdates(peer: PeerId, objects: GameObject[], maxBytes: number, byPriority: boolean): void {
    this.messageBytes = maxBytes;
    // Ids ascend within a message (gaps are cheap to code): take a message's worth in priority order, then sort it.
    let start = 0;
    while (start < objects.length) {
      let bits = 8 + 2 * 16;
      let end = start;
      while (end < objects.length) {
        const cost = this.entryBits(objects[end]!, peer);
        if (end > start && bits + cost > maxBytes * 8) break;
        bits += cost;
        end++;
      }
      const chunk = objects.slice(start, end);
      this.sendMessage(peer, byPriority ? chunk.sort((a, b) => a.id - b.id) : chunk);
      start = end;
    }
  }

  /** Upper bound of an entry's bits (the id counted at full width). */
  private entryBits(object: GameObject, peer: PeerId): number {
    const replica = object.replicas.get(peer)!;
    let bits = this.idBits + 1 + object.type.fields.length;
    for (let i = 0; i < object.type.fields.length; i++) if (replica.dirty[i]) bits += object.encodedField(i).bits;
    return bits;
  }

  private sendMessage(peer: PeerId, objects: GameObject[]): void {
    const generation = ++this.generation;
    // Object, replica and field index, flat: what a loss re-marks.
    const carried: (GameObject | PeerReplica | number)[] = [];
    const w = new BitWriter(this.messageBytes);
    w.writeBits(SessionMessage.Update, 8);
    w.writeGamma(objects.length + 1);
    let previous = -1;
    let previousFields = -1;
    for (const object of objects) {
      const replica = object.replicas.get(peer)!;
      if (previous < 0) w.writeBits(object.id, this.idBits);
      else w.writeGamma(object.id - previous);
      const fields = object.type.fields;
      const dirty = replica.dirty;
      let same = previous >= 0 && previousFields === fields.length;
      for (let i = 0; same && i < fields.length; i++) same = dirty[i] === this.mask[i];
      if (previous >= 0) w.writeBits(same ? 1 : 0, 1);
      if (!same) {
        if (this.mask.length < fields.length) this.mask = new Uint8Array(fields.length);
        for (let i = 0; i < fields.length; i++) {
          w.writeBits(dirty[i]!, 1);
          this.mask[i] = dirty[i]!;
        }
      }
      previous = object.id;
      previousFields = fields.length;
      for (let i = 0; i < fields.length; i++) {
        if (dirty[i] === 0) continue;
        const field = object.encodedField(i);
        w.writeWords(field.words, field.bits);
        replica.clear(i);
        replica.inFlight[i] = generation;
        carried.push(object, replica, i);
      }
    }
    const type = objects[0]!.type.name;
    const tag = objects.every((o) => o.type.name === type) ? `objects: ${type}` : 'objects';
    this.node.send(peer, Service.Session, w.finish(), false, tag, (delivered) => {
      if (delivered) return;
      for (let k = 0; k < carried.length; k += 3) {
        const replica = carried[k + 1] as PeerReplica;
        const index = carried[k + 2] as number;
        if (replica.inFlight[index] !== generation) continue;
        replica.mark(index);
        this.pending.add(carried[k] as GameObject);
      }
    });
  }
}

