/**
 * A replicated game object: its type, owner, and field values as the wire delivers them
 * (quantized), plus what each other peer still needs to be sent.
 *
 * Change tracking costs the same however many peers hold copies: a change marks one shared record
 * (`shared`), which stands for every peer whose copy moves in step (created, nothing of its own
 * left to send). A peer's own record (`PeerReplica`) is marked only where it falls out of step: a
 * lost update, a creation still on its way, a peer that could not take this transmit's updates.
 */
import { BitWriter } from '../wire/bit_writer.js';
import type { GameObjectWatcher } from './game_objects.js';
import type { ObjectType, WireValue } from '../config/network_config.js';
import type { PeerId } from '../base/peer_id.js';

/** What one remote peer (or, as an object's `shared`, every peer in step) still needs of an object, and which packets carry its fields. */
export class PeerReplica {
  /** 1 at field i: changed since it was last sent to this peer. */
  readonly dirty: Uint8Array;
  /** How many fields are marked: the replicator skips clean replicas without looking at fields. */
  dirtyCount = 0;
  /** Bit i % 32 set when field i is marked: compares masks in one step for up to 32 fields. */
  dirtyBits = 0;
  /** Per field: the send generation of the latest update in flight (0: none). */
  readonly inFlight: Uint32Array;
  private isCreated = false;

  constructor(
    readonly peer: PeerId,
    fieldCount: number,
    /** The object this is a copy of, told when the copy falls out of step or back (none for `shared`, nor once dropped). */
    private object?: GameObject,
  ) {
    this.dirty = new Uint8Array(fieldCount);
    this.inFlight = new Uint32Array(fieldCount);
  }

  /** The creation message was acknowledged: updates may follow. */
  get created(): boolean {
    return this.isCreated;
  }

  markCreated(): void {
    if (this.isCreated) return;
    this.isCreated = true;
    if (this.dirtyCount === 0) this.object?.copyStepped(-1);
  }

  /** The object no longer lists this copy: what happens to it later (a late creation ack) is not counted. */
  detach(): void {
    this.object = undefined;
  }

  /** Out of step: not created yet, or with changes of its own to send. */
  get outOfStep(): boolean {
    return !this.isCreated || this.dirtyCount > 0;
  }

  mark(index: number): void {
    if (this.dirty[index] === 0) {
      if (this.dirtyCount === 0 && this.isCreated) this.object?.copyStepped(1);
      this.dirty[index] = 1;
      this.dirtyCount++;
      this.dirtyBits |= 1 << (index & 31);
    }
  }

  /** Whether `other` has the same fields marked (both of objects with the same field count). */
  sameDirty(other: PeerReplica): boolean {
    if (this.dirtyBits !== other.dirtyBits) return false;
    const dirty = this.dirty;
    if (dirty.length <= 32) return true;
    for (let i = 32; i < dirty.length; i++) if (dirty[i] !== other.dirty[i]) return false;
    return true;
  }

  /** Unmark every field (they are handed on or were never needed), keeping what is in flight. */
  clear(): void {
    this.backInStep();
    const dirty = this.dirty;
    if (dirty.length <= 32) for (let bits = this.dirtyBits; bits !== 0; bits &= bits - 1) dirty[31 - Math.clz32(bits & -bits)] = 0;
    else dirty.fill(0);
    this.dirtyCount = 0;
    this.dirtyBits = 0;
  }

  /** Every marked field goes out in the message of send generation `generation`. */
  sent(generation: number): void {
    this.backInStep();
    const dirty = this.dirty;
    if (dirty.length <= 32) {
      // Only the marked fields, by their bits.
      for (let bits = this.dirtyBits; bits !== 0; bits &= bits - 1) {
        const i = 31 - Math.clz32(bits & -bits);
        dirty[i] = 0;
        this.inFlight[i] = generation;
      }
    } else {
      for (let i = 0; i < dirty.length; i++) {
        if (dirty[i] === 0) continue;
        dirty[i] = 0;
        this.inFlight[i] = generation;
      }
    }
    this.dirtyCount = 0;
    this.dirtyBits = 0;
  }

  /** Before the marks are cleared: a created copy with marks comes back in step. */
  private backInStep(): void {
    if (this.dirtyCount > 0 && this.isCreated) this.object?.copyStepped(-1);
  }
}

/** A field value as it travels: its bits, encoded once however many peers it goes to. */
export interface EncodedField {
  readonly words: Uint32Array;
  readonly bits: number;
}

/** Reused for every field encoding: only the words are kept. */
const scratch = new BitWriter(64);

/** Per object type: where each field's codes start in an object's `codes` (-1: sent from its value), and how many codes in all. */
interface CodeLayout {
  readonly at: Int16Array;
  readonly count: number;
}

const codeLayouts = new WeakMap<ObjectType, CodeLayout>();

function codeLayoutOf(type: ObjectType): CodeLayout {
  let layout = codeLayouts.get(type);
  if (!layout) {
    let count = 0;
    const at = Int16Array.from(type.fields, (field) => {
      const codes = field.type.codes;
      if (!codes) return -1;
      count += codes.count;
      return count - codes.count;
    });
    codeLayouts.set(type, (layout = { at, count }));
  }
  return layout;
}

export class GameObject {
  /** Field values in field order: change them with `setValue` or `setCoded`, which tell the watcher. */
  readonly values: WireValue[];
  /** The wire codes of the values of fields whose types have them (NetworkType.codes), at `codeAt[field]`. */
  readonly codes: Int32Array;
  /** Per field: where its codes start in `codes`, or -1. */
  readonly codeAt: Int16Array;
  /** Per field: 1 when `codes` holds the current value's codes (a value set without them has them worked out when sent). */
  private readonly codesCurrent: Uint8Array;
  /** Per field, its encoding, kept (and its words reused) across changes. */
  private readonly encoded: ({ words: Uint32Array; bits: number; current: boolean } | undefined)[];
  /** Per field: ordinal of the received packet that last set it, so older updates are ignored. */
  readonly updatedBy: Float64Array;
  /**
   * One per remote peer that holds a copy (owner's side and the host's relay side), in the order
   * they were added: an array, because the replicator walks it for every changed object.
   */
  readonly replicas: PeerReplica[] = [];
  /** Changes not sent yet to any peer: they apply to every replica (see the file comment). */
  readonly shared: PeerReplica;
  /** Replicas out of step (PeerReplica.outOfStep), counted as they change. */
  private copiesOutOfStep = 0;
  /** The peers of `replicas`, in order, comma-separated: objects with equal keys have copies at the same peers. */
  replicaPeers = '';
  /** Where the object goes when a peer's copy needs fields sent (the replicator's work list). */
  pending: GameObject[] | undefined;
  /** Whether the object is in `pending`: it is listed once. */
  queued = false;
  /** Priority accumulated while waiting for bandwidth (see object_replicator.ts). */
  accumulated = 0;
  priority: number;
  /** Priorities towards single peers (set_game_object_priority with a peer), over `priority`. */
  peerPriority: Map<PeerId, number> | undefined;
  destroyed = false;
  /** Told of value and owner changes while the object is in a session's GameObjects. */
  watcher: GameObjectWatcher | undefined;
  private currentOwner: PeerId;

  constructor(
    readonly id: number,
    readonly type: ObjectType,
    owner: PeerId,
    values: WireValue[],
  ) {
    this.currentOwner = owner;
    this.values = values;
    const codeLayout = codeLayoutOf(type);
    this.codes = new Int32Array(codeLayout.count);
    this.codeAt = codeLayout.at;
    this.codesCurrent = new Uint8Array(type.fields.length);
    this.encoded = new Array(type.fields.length);
    this.updatedBy = new Float64Array(type.fields.length).fill(-Infinity);
    this.priority = type.priority;
    this.shared = new PeerReplica('', type.fields.length);
  }

  get owner(): PeerId {
    return this.currentOwner;
  }

  set owner(peer: PeerId) {
    this.currentOwner = peer;
    this.watcher?.ownerChanged(this);
  }

  setValue(index: number, value: WireValue): void {
    this.codesCurrent[index] = 0;
    this.changeValue(index, value);
  }

  /** Set a field whose type has codes to `value`, the value its codes at `from[at]` stand for. */
  setCoded(index: number, value: WireValue, from: Int32Array, at: number): void {
    const to = this.codeAt[index]!;
    const count = this.type.fields[index]!.type.codes!.count;
    for (let c = 0; c < count; c++) this.codes[to + c] = from[at + c]!;
    this.codesCurrent[index] = 1;
    this.changeValue(index, value);
  }

  private changeValue(index: number, value: WireValue): void {
    this.values[index] = value;
    const encoded = this.encoded[index];
    if (encoded) encoded.current = false;
    this.watcher?.changed(this, index);
  }

  /** Where field `index`'s codes start in `codes` (a field whose type has them), worked out now if its value came without them. */
  codesOf(index: number): number {
    const at = this.codeAt[index]!;
    if (this.codesCurrent[index] === 0) {
      this.type.fields[index]!.type.codes!.write(this.values[index]!, this.codes, at);
      this.codesCurrent[index] = 1;
    }
    return at;
  }

  /** Field `index` encoded (cached until the value changes). */
  encodedField(index: number): EncodedField {
    let field = this.encoded[index];
    if (!field) this.encoded[index] = field = { words: new Uint32Array(0), bits: 0, current: false };
    if (!field.current) {
      scratch.reset();
      this.type.fields[index]!.type.encode(scratch, this.values[index]!);
      field.words = scratch.words(field.words);
      field.bits = scratch.bitLength;
      field.current = true;
    }
    return field;
  }

  replicaFor(peer: PeerId): PeerReplica {
    let replica = this.replicas.find((r) => r.peer === peer);
    if (!replica) {
      replica = new PeerReplica(peer, this.type.fields.length, this);
      this.replicas.push(replica);
      this.copiesOutOfStep++;
      this.keyPeers();
    }
    return replica;
  }

  dropReplica(peer: PeerId): void {
    const at = this.replicas.findIndex((r) => r.peer === peer);
    if (at < 0) return;
    const replica = this.replicas[at]!;
    if (replica.outOfStep) this.copiesOutOfStep--;
    replica.detach();
    this.replicas.splice(at, 1);
    this.keyPeers();
  }

  private keyPeers(): void {
    this.replicaPeers = this.replicas.map((r) => r.peer).join(',');
  }

  /** Forget every replica (the peers holding copies are about to be listed anew). */
  dropReplicas(): void {
    for (const replica of this.replicas) replica.detach();
    this.replicas.length = 0;
    this.copiesOutOfStep = 0;
    this.keyPeers();
  }

  /** Every replica is created and has nothing of its own to send: only `shared` can hold changes. */
  get copiesInStep(): boolean {
    return this.copiesOutOfStep === 0;
  }

  /** A replica fell out of step (+1) or came back (-1). */
  copyStepped(change: 1 | -1): void {
    this.copiesOutOfStep += change;
  }

  /** Mark field `index` changed for every peer holding a copy except `except` (where it came from). */
  markDirty(index: number, except?: PeerId): void {
    const replicas = this.replicas;
    if (replicas.length === 0) return;
    this.queue();
    // The peer a change came from holds no copy (it owns the object): one mark serves every peer.
    if (except === undefined || !replicas.some((r) => r.peer === except)) {
      this.shared.mark(index);
      return;
    }
    for (let r = 0; r < replicas.length; r++) if (replicas[r]!.peer !== except) replicas[r]!.mark(index);
  }

  /** Put the object on the replicator's work list (once until the replicator takes it off). */
  queue(): void {
    if (this.queued || !this.pending) return;
    this.queued = true;
    this.pending.push(this);
  }

  /** Hand the shared changes to each replica's own record: the replicas no longer move in step. */
  fold(): void {
    const shared = this.shared;
    if (shared.dirtyCount === 0) return;
    const dirty = shared.dirty;
    for (const replica of this.replicas) for (let i = 0; i < dirty.length; i++) if (dirty[i] === 1) replica.mark(i);
    shared.clear();
  }

  /** Whether a field was last sent to `replica`'s peer in the message of generation `generation` (the newer of its own and the shared sends). */
  lastSentIn(replica: PeerReplica, index: number, generation: number): boolean {
    return Math.max(replica.inFlight[index]!, this.shared.inFlight[index]!) === generation;
  }
}
