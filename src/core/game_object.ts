/**
 * A replicated game object: its type, owner, and field values as the wire delivers them
 * (quantized), plus what each other peer still needs to be sent.
 */
import type { ObjectType, WireValue } from './network_config.js';
import type { PeerId } from './peer_id.js';

/** What one remote peer still needs of an object, and which packets carry its fields. */
export class PeerReplica {
  /** Bit i: field i changed since it was last sent to this peer. */
  dirty: boolean[];
  /** Per field: the send generation of the latest update in flight (0: none). */
  readonly inFlight: Uint32Array;
  /** The creation message was queued (updates go after it on the same connection). */
  created = false;

  constructor(fieldCount: number) {
    this.dirty = new Array<boolean>(fieldCount).fill(false);
    this.inFlight = new Uint32Array(fieldCount);
  }

  anyDirty(): boolean {
    return this.dirty.includes(true);
  }
}

export class GameObject {
  readonly values: WireValue[];
  /** Per field: ordinal of the received packet that last set it, so older updates are ignored. */
  readonly updatedBy: Float64Array;
  /** Per remote peer that holds a copy (owner's side and the host's relay side). */
  readonly replicas = new Map<PeerId, PeerReplica>();
  /** Priority accumulated while waiting for bandwidth (see object_replicator.ts). */
  accumulated = 0;
  priority: number;
  destroyed = false;

  constructor(
    readonly id: number,
    readonly type: ObjectType,
    public owner: PeerId,
    values: WireValue[],
  ) {
    this.values = values;
    this.updatedBy = new Float64Array(type.fields.length).fill(-Infinity);
    this.priority = type.priority;
  }

  replicaFor(peer: PeerId): PeerReplica {
    let replica = this.replicas.get(peer);
    if (!replica) {
      replica = new PeerReplica(this.type.fields.length);
      this.replicas.set(peer, replica);
    }
    return replica;
  }

  /** Mark field `index` changed for every peer holding a copy except `except` (where it came from). */
  markDirty(index: number, except?: PeerId): void {
    for (const [peer, replica] of this.replicas) if (peer !== except) replica.dirty[index] = true;
  }
}
