/**
 * Replication of game object fields: creation messages with every field, and per-peer update
 * messages carrying only the fields that changed, bit-packed.
 *
 * Update message body (after the session message byte), bit-packed:
 *   repeated { 1 (an entry follows), object id (first: idBits; then the gap to the previous id,
 *   Elias-gamma coded), field mask (one bit per field of the type), each masked field's value }
 *   then 0.
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
import { peerIdFromBigInt, peerIdToBigInt, type PeerId } from './peer_id.js';
import { SessionMessage } from './session_message.js';

interface InFlightField {
  replica: PeerReplica;
  index: number;
}

export class ObjectReplicator {
  /** Bits of an object id on the wire. */
  private readonly idBits: number;
  /** Numbers each update message, so a loss only re-sends fields no newer message carries. */
  private generation = 0;

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
    let id = -1;
    while (r.readBits(1) === 1) {
      id = id < 0 ? r.readBits(this.idBits) : id + r.readGamma();
      const object = lookup(id);
      if (!object) throw new MalformedError(`update for object ${id}, which the sender may not change or does not exist here`);
      const fields = object.type.fields;
      // The mask: one bit per field, read first so the values follow in field order.
      const present = fields.map(() => r.readBits(1) === 1);
      for (let i = 0; i < fields.length; i++) {
        if (!present[i]) continue;
        const value = fields[i]!.type.decode(r);
        if (ordinal <= object.updatedBy[i]!) continue;
        object.updatedBy[i] = ordinal;
        object.values[i] = value;
        onApplied(object, i);
      }
    }
  }

  /** Queue the changed fields of `objects` for every peer holding copies, as much as fits this transmit. */
  transmit(objects: Iterable<GameObject>): void {
    const host = this.node.host;
    if (!host) return;
    const now = this.node.clock.now();
    const byPeer = new Map<PeerId, GameObject[]>();
    for (const object of objects) {
      if (object.destroyed) continue;
      let waiting = false;
      for (const [peer, replica] of object.replicas) {
        if (!replica.created || !replica.anyDirty()) continue;
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
      list.sort((a, b) => b.accumulated - a.accumulated || a.id - b.id);
      this.sendUpdates(peer, list, connection.maxMessageBytes - 1);
    }
    for (const list of byPeer.values()) for (const object of list) if (!this.anyDirtyLeft(object)) object.accumulated = 0;
  }

  private anyDirtyLeft(object: GameObject): boolean {
    for (const replica of object.replicas.values()) if (replica.anyDirty()) return true;
    return false;
  }

  /** Pack `objects` (in priority order) into update messages of at most `maxBytes`. */
  private sendUpdates(peer: PeerId, objects: GameObject[], maxBytes: number): void {
    // Ids ascend within a message (gaps are cheap to code): take a message's worth in priority order, then sort it.
    let start = 0;
    while (start < objects.length) {
      let bits = 8 + 1;
      let end = start;
      while (end < objects.length) {
        const cost = this.entryBits(objects[end]!, peer);
        if (end > start && bits + cost > maxBytes * 8) break;
        bits += cost;
        end++;
      }
      this.sendMessage(peer, objects.slice(start, end).sort((a, b) => a.id - b.id));
      start = end;
    }
  }

  /** Upper bound of an entry's bits (the id counted at full width). */
  private entryBits(object: GameObject, peer: PeerId): number {
    const replica = object.replicas.get(peer)!;
    let bits = 1 + this.idBits + object.type.fields.length;
    object.type.fields.forEach((field, i) => {
      if (replica.dirty[i]) bits += field.type.bitsFor(object.values[i]!);
    });
    return bits;
  }

  private sendMessage(peer: PeerId, objects: GameObject[]): void {
    const generation = ++this.generation;
    const carried: InFlightField[] = [];
    const w = new BitWriter();
    w.writeBits(SessionMessage.Update, 8);
    let previous = -1;
    for (const object of objects) {
      const replica = object.replicas.get(peer)!;
      w.writeBits(1, 1);
      if (previous < 0) w.writeBits(object.id, this.idBits);
      else w.writeGamma(object.id - previous);
      previous = object.id;
      const fields = object.type.fields;
      for (let i = 0; i < fields.length; i++) w.writeBits(replica.dirty[i] ? 1 : 0, 1);
      for (let i = 0; i < fields.length; i++) {
        if (!replica.dirty[i]) continue;
        fields[i]!.type.encode(w, object.values[i]!);
        replica.dirty[i] = false;
        replica.inFlight[i] = generation;
        carried.push({ replica, index: i });
      }
    }
    w.writeBits(0, 1);
    this.node.send(peer, Service.Session, w.finish(), false, 'object update', (delivered) => {
      if (delivered) return;
      for (const { replica, index } of carried) if (replica.inFlight[index] === generation) replica.dirty[index] = true;
    });
  }
}
