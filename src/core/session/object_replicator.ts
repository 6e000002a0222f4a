/**
 * Replication of game object fields: creation messages with every field, and per-peer update
 * messages carrying only the fields that changed, bit-packed.
 *
 * Update message body (after the session message byte), bit-packed: the entry count + 1
 * (Elias-gamma), a 1 bit if every entry has the same object type and field mask, the frames, then
 * per entry the object id (the first in idBits, then the gap to the previous, Elias-gamma coded),
 * the object type index and field mask (one bit per field of that type; given by the first entry
 * only when they all share them, otherwise after the first entry a single 1 bit means "the
 * previous entry's"), and each masked field's value. Since every entry names its type, a receiver
 * decodes and skips an entry it will not apply (an object destroyed or migrated here meanwhile)
 * and applies the rest.
 * Frames: for each framable Vector3 type of the config, in name order, a 1 bit if the message
 * frames it, then per component the lowest code of the message's values of that type (in the
 * component's bits) and a width (5 bits); each value of the type then gives, per component, its
 * code minus that lowest code in that width. The encoder frames a type when that saves bits.
 * Updates are unreliable. A lost one re-marks its fields as changed unless a newer update of the
 * field is already in flight; the receiver ignores updates older (by packet) than what it applied.
 *
 * When bandwidth is short, objects go in order of accumulated priority: every transmit an object
 * waits adds `priority / update_rate`, so low `update_rate` and high `priority` objects go first.
 * An object's priority towards one peer (set_game_object_priority with a peer) replaces `priority`
 * in that peer's order.
 */
import { BitReader } from '../wire/bit_reader.js';
import { readBits, writeBits, type BitLayout, type BitStream } from '../wire/bit_stream.js';
import { BitWriter } from '../wire/bit_writer.js';
import { MalformedError } from '../wire/byte_reader.js';
import { GameObject, type PeerReplica } from './game_object.js';
import { byName, type NetworkConfig, type ObjectType, type WireValue } from '../config/network_config.js';
import { Vector3Type } from '../config/network_type.js';
import type { Connection } from '../transport/connection.js';
import type { Host } from '../transport/host.js';
import { Service, type NetworkNode } from '../transport/network_node.js';
import { UNLIMITED } from '../transport/qos.js';
import { largestRecordBody } from '../transport/packet.js';
import { MIN_MTU } from '../transport/transport_settings.js';
import { NetworkError } from '../base/network_error.js';
import { peerIdFromBigInt, peerIdToBigInt, type PeerId } from '../base/peer_id.js';
import { SessionMessage } from './session_message.js';

export class ObjectReplicator {
  /** Bits of an object id on the wire. */
  private readonly idBits: number;
  /** Update entries received and skipped: their object was gone or no longer the sender's to change. */
  skippedEntries = 0;
  /** Numbers each update message, so a loss only re-sends fields no newer message carries. */
  private generation = 0;
  /** Writes every update message (their bytes are copied out). */
  private readonly writer = new BitWriter(256);
  /** The config's Vector3 types that messages may frame, in name order. */
  private readonly framable: Vector3Type[];
  /** The most bits the frames of a message take. */
  private readonly frameBits: number;
  /** Per object type (by its index in the config), what the encoder needs of its fields. */
  private readonly layouts: (FieldLayout | undefined)[] = [];
  /**
   * The frames of the message being written or read: per framable type, per component, the lowest
   * code and the width (a width of -1 at the first component: not framed). While writing, first
   * the lowest and highest code.
   */
  private readonly frame: Int32Array;
  /** The update message's header and entry head being written or read. */
  private readonly head: EntryHead = { count: 0, oneMask: false, id: 0, previousId: 0, sameAsPrevious: false };
  /** While reading: one value's component codes. */
  private readonly readCodes = new Int32Array(3);
  /** While writing: how many values of each framable type the message carries. */
  private readonly frameCounts: Int32Array;

  constructor(
    private readonly node: NetworkNode,
    private readonly config: NetworkConfig,
  ) {
    this.idBits = Math.max(1, Math.ceil(Math.log2(config.objectIdLimit + 1)));
    this.framable = [...config.types.values()].filter((t): t is Vector3Type => t instanceof Vector3Type && t.framable).sort(byName);
    this.frameBits = this.framable.reduce((bits, t) => bits + 1 + 3 * (t.componentBits + WIDTH_BITS), 0);
    this.frame = new Int32Array(this.framable.length * 6);
    this.frameCounts = new Int32Array(this.framable.length);
  }

  private layoutOf(type: ObjectType): FieldLayout {
    let layout = this.layouts[type.index];
    if (!layout) {
      const bits = Int32Array.from(type.fields, (field) => field.type.bits ?? -1);
      layout = {
        slots: Int16Array.from(type.fields, (field) => this.framable.indexOf(field.type as Vector3Type)),
        bits,
        variable: bits.includes(-1),
        tag: `objects: ${type.name}`,
        // What one entry may take so that it fits alone in a message at the smallest MTU.
        maxValueBits: largestRecordBody(MIN_MTU) * 8 - this.headerBits() - (this.idBits + 1 + this.config.objectTypeIndexBits + type.fields.length),
      };
      this.layouts[type.index] = layout;
    }
    return layout;
  }

  /** Bits of an update message before its entries, at most. */
  private headerBits(): number {
    return 16 + 2 * 16 + this.frameBits;
  }

  /**
   * Refuse field values an update entry could not carry in one message (an entry is never split),
   * with field `index` (if given) about to become `value`: `fn` names the Stingray function for the
   * error. Fixed-size types always fit.
   */
  checkFits(type: ObjectType, current: readonly WireValue[], fn: string, index = -1, value?: WireValue): void {
    const layout = this.layoutOf(type);
    if (!layout.variable) return;
    const values = index < 0 ? current : current.map((v, i) => (i === index ? value! : v));
    let bits = 0;
    for (let i = 0; i < values.length; i++) bits += layout.bits[i]! >= 0 ? layout.bits[i]! : type.fields[i]!.type.bitsFor(values[i]!);
    if (bits <= layout.maxValueBits) return;
    const largest = values.reduce<number>((at, value, i) => (type.fields[i]!.type.bitsFor(value) > type.fields[at]!.type.bitsFor(values[at]!) ? i : at), 0);
    const field = type.fields[largest]!;
    throw new NetworkError(
      `${fn}: the fields of a '${type.name}' object would take ${Math.ceil(bits / 8)} bytes (field '${field.name}' ${Math.ceil(field.type.bitsFor(values[largest]!) / 8)} bytes); ` +
        `an object's fields must fit in one update message, at most ${Math.floor(layout.maxValueBits / 8)} bytes for this type`,
    );
  }

  // ---- creation -------------------------------------------------------------------------------

  /** A creation message: the object's id, type, owner and every field value. */
  private readonly createLayout: BitLayout<GameObject> = (s, object) => {
    const id = s.bits(object.id, this.idBits);
    const type = this.serializeType(s, object.type, 'object creation');
    const owner = s.u64(s.reading ? 0n : peerIdToBigInt(object.owner));
    const values = type.fields.map((field, i) => s.value(field.type, object.values?.[i]!));
    return s.reading ? new GameObject(id, type, peerIdFromBigInt(owner), values) : object;
  };

  encodeCreate(object: GameObject): Uint8Array {
    return writeBits(this.createLayout, object);
  }

  decodeCreate(bytes: Uint8Array): GameObject {
    return readBits(this.createLayout, bytes);
  }

  /** An object type by its index in the config. */
  private serializeType(s: BitStream, type: ObjectType | undefined, what: string): ObjectType {
    const index = s.bits(type?.index ?? 0, this.config.objectTypeIndexBits);
    const found = s.reading ? this.config.objectTypeAt(index) : type;
    if (!found) throw new MalformedError(`${what} with an unknown object type`);
    return found;
  }

  // ---- the update message's parts, each written and read by the same function -----------------

  /** The entry count and whether every entry shares the first one's type and mask. */
  private serializeUpdateHeader(s: BitStream, head: EntryHead): void {
    head.count = s.gamma(head.count + 1) - 1;
    head.oneMask = s.bits(head.oneMask ? 1 : 0, 1) === 1;
  }

  /** The frames (see the file comment): `frame` holds them, a width of -1 at a type's first component for not framed. */
  private serializeFrames(s: BitStream): void {
    const frame = this.frame;
    this.framable.forEach((type, slot) => {
      const at = slot * 6;
      if (s.bits(frame[at + 1]! >= 0 ? 1 : 0, 1) === 0) {
        frame[at + 1] = -1;
        return;
      }
      const bits = type.componentBits;
      for (let c = at; c < at + 6; c += 2) {
        frame[c] = s.bits(frame[c]!, bits);
        frame[c + 1] = s.bits(frame[c + 1]!, WIDTH_BITS);
        if (frame[c + 1]! > bits) throw new MalformedError(`update frames ${type.name} wider than its ${bits} bits`);
      }
    });
  }

  /**
   * An entry's object id (the first in full, then the gap to the previous) and, unless every entry
   * shares the first one's, whether it repeats the previous entry's type and mask. Returns whether
   * the type and mask follow.
   */
  private serializeEntryHead(s: BitStream, head: EntryHead, first: boolean): boolean {
    head.id = first ? s.bits(head.id, this.idBits) : head.previousId + s.gamma(head.id - head.previousId);
    head.previousId = head.id;
    return first || (!head.oneMask && s.bits(head.sameAsPrevious ? 1 : 0, 1) === 0);
  }

  /** One bit per field of the entry's type: whether the entry carries it. */
  private serializeMask(s: BitStream, mask: Uint8Array): void {
    for (let i = 0; i < mask.length; i++) mask[i] = s.bits(mask[i]!, 1);
  }

  /** A framable type's three component codes at `codes[n]`, relative to the message's frame when it has one. */
  private serializeCodes(s: BitStream, slot: number, codes: Int32Array, n: number): void {
    const frame = this.frame;
    const at = slot * 6;
    if (frame[at + 1]! >= 0) {
      for (let c = 0; c < 3; c++) codes[n + c] = frame[at + 2 * c]! + s.bits(codes[n + c]! - frame[at + 2 * c]!, frame[at + 2 * c + 1]!);
    } else {
      // Not framed: the codes in full, as the type itself writes them.
      const bits = this.framable[slot]!.componentBits;
      for (let c = 0; c < 3; c++) codes[n + c] = s.bits(codes[n + c]!, bits);
    }
  }

  // ---- updates --------------------------------------------------------------------------------

  /**
   * Apply an update message received in packet `ordinal`. `lookup` gives the object an entry names
   * if the sender may change it; entries of other objects (or of another type than the entry says)
   * are decoded, skipped and counted in `skippedEntries`. Returns the network log category the
   * sender gave it: `objects: <type>` when every entry is of one type, else `objects`.
   */
  applyUpdate(
    bytes: Uint8Array,
    ordinal: number,
    lookup: (id: number) => GameObject | undefined,
    onApplied: (object: GameObject, index: number) => void,
    /** Told the bits of each field value the message carries, as `type.field` (for the network log). */
    onFieldBits?: (field: string, bits: number) => void,
  ): string {
    const r = new BitReader(bytes);
    const head = this.head;
    this.serializeUpdateHeader(r, head);
    this.serializeFrames(r);
    const codes = this.readCodes;
    let present = new Uint8Array(0);
    let type: ObjectType | undefined;
    let oneType = true;
    for (let entry = 0; entry < head.count; entry++) {
      if (this.serializeEntryHead(r, head, entry === 0)) {
        const previous = type;
        type = this.serializeType(r, undefined, `update entry for object ${head.id}`);
        oneType &&= !previous || previous === type;
        present = new Uint8Array(type.fields.length);
        this.serializeMask(r, present);
      }
      const id = head.id;
      const fields = type!.fields;
      const slots = this.layoutOf(type!).slots;
      const found = lookup(id);
      const object = found?.type === type ? found : undefined;
      if (!object) this.skippedEntries++;
      for (let i = 0; i < fields.length; i++) {
        if (present[i] === 0) continue;
        const slot = slots[i]!;
        const left = r.bitsLeft;
        let value: WireValue;
        if (slot >= 0) {
          this.serializeCodes(r, slot, codes, 0);
          value = this.framable[slot]!.codes!.valueOf(codes, 0);
        } else value = fields[i]!.type.decode(r);
        onFieldBits?.(`${type!.name}.${fields[i]!.name}`, left - r.bitsLeft);
        if (!object || ordinal <= object.updatedBy[i]!) continue;
        object.updatedBy[i] = ordinal;
        // A relaying host sends the codes it received.
        if (slot >= 0) object.setCoded(i, value, codes, 0);
        else object.setValue(i, value);
        onApplied(object, i);
      }
    }
    return oneType && type ? `objects: ${type.name}` : 'objects';
  }

  /** Objects some peer's copy of which needs fields sent, each once (GameObject.queue adds to it). */
  readonly pending: GameObject[] = [];
  /** Kept from transmit to transmit, so their arrays are not built anew every frame. */
  private readonly waiting: GameObject[] = [];
  /** Pending objects no peer's copy of which can take fields yet (a creation on its way). */
  private readonly notReady: GameObject[] = [];
  private readonly works = new Map<PeerId, PeerWork>();
  /** The work of a uniform send: the waiting objects and their shared records. */
  private readonly sharedWork: PeerWork = { peer: '', objects: this.waiting, replicas: [], signature: 0 };

  /**
   * Queue the changed fields of pending objects for every peer holding copies, as much as fits
   * this transmit. Peers that need the very same fields of the very same objects (the usual case:
   * every client of a host watches the same world) share one encoding of the messages.
   */
  transmit(): void {
    const host = this.node.host;
    if (!host) return;
    const now = this.node.clock.now();
    const { waiting, notReady, works, pending } = this;
    waiting.length = 0;
    notReady.length = 0;
    for (const [peer, work] of works) {
      // A peer without work last time may be gone: forget it.
      if (work.objects.length === 0) works.delete(peer);
      work.objects.length = 0;
      work.replicas.length = 0;
      work.signature = 0;
    }
    // One pass: drop destroyed objects, take the ready ones, and see whether they are all in step.
    let inStep = true;
    let sorted = true;
    let peers: GameObject | undefined;
    for (let p = 0; p < pending.length; p++) {
      const object = pending[p]!;
      if (object.destroyed) {
        object.queued = false;
        continue;
      }
      // In step is ready; otherwise some copy must be ready.
      const objectInStep = inStep && movesInStep(object, (peers ??= object));
      if (!objectInStep) {
        if (!this.anyReady(object)) {
          notReady.push(object);
          continue;
        }
        inStep = false;
      }
      if (waiting.length > 0 && waiting[waiting.length - 1]!.id > object.id) sorted = false;
      waiting.push(object);
    }
    // Sorted once for every peer: ids ascend within a message (gaps are cheap to code).
    if (!sorted) waiting.sort(byId);
    const uniform = inStep && peers !== undefined ? this.uniformSend(host, now, peers.replicas) : undefined;
    if (uniform) {
      // Every waiting object goes out whole: off the list before sending, so a loss reported
      // while sending queues it again.
      pending.length = 0;
      for (const object of notReady) pending.push(object);
      for (const object of waiting) {
        object.accumulated = 0;
        object.queued = false;
      }
      this.sendUpdates(uniform, false);
      return;
    }
    for (const object of waiting) object.accumulated += object.priority / object.type.updateRate;
    const sends = this.groupedSends(host, now);
    // A field going out in several sends is encoded once (GameObject caches it); in one, directly.
    for (const send of sends) this.sendUpdates(send, sends.length > 1);
    // Usually every object went out: rebuilding the list beats removing them one by one.
    let kept = 0;
    for (let p = 0; p < pending.length; p++) {
      const object = pending[p]!;
      if (object.destroyed) continue;
      if (this.anyDirtyLeft(object)) pending[kept++] = object;
      else {
        object.accumulated = 0;
        object.queued = false;
      }
    }
    pending.length = kept;
  }

  /**
   * The usual case, found without hashing or comparing work: every waiting object has copies at
   * the peers of `peers` (in that order), all created and in step (only shared changes to send),
   * and every peer can take them now at the same message size, without a bandwidth limit. One send
   * of the shared records then, whatever the number of peers; else none.
   */
  private uniformSend(host: Host, now: number, peers: readonly PeerReplica[]): Send | undefined {
    if (peers.length === 0) return undefined;
    let maxBytes = 0;
    for (const { peer } of peers) {
      const connection = readyConnection(host, peer, now);
      if (!connection || connection.rateLimiter !== UNLIMITED) return undefined;
      if (maxBytes !== 0 && connection.maxMessageBytes !== maxBytes) return undefined;
      maxBytes = connection.maxMessageBytes;
    }
    // The shared work's objects are the waiting list itself.
    const replicas = this.sharedWork.replicas;
    replicas.length = 0;
    for (const object of this.waiting) replicas.push(object.shared);
    return { group: [this.sharedWork], sharedBy: peers.map((replica) => replica.peer), maxBytes, byPriority: false };
  }

  /** The work list of `peer` (kept across transmits, emptied at each start). */
  private workFor(peer: PeerId): PeerWork {
    let work = this.works.get(peer);
    if (!work) this.works.set(peer, (work = { peer, objects: [], replicas: [], signature: 0 }));
    return work;
  }

  /** Each peer's work, then one send per set of peers with the same work; bandwidth-limited peers each go alone. */
  private groupedSends(host: Host, now: number): Send[] {
    const { waiting, works } = this;
    // Peers out of step: each peer's own record carries what it needs.
    for (const object of waiting) object.fold();
    // Objects mostly list the same peers in the same order: the work of the j-th replica is
    // usually the one the previous object's j-th replica had.
    const recent: PeerWork[] = [];
    for (const object of waiting) {
      let j = 0;
      const replicas = object.replicas;
      for (let r = 0; r < replicas.length; r++) {
        const replica = replicas[r]!;
        if (!replica.created || replica.dirtyCount === 0) continue;
        const peer = replica.peer;
        let work = recent[j];
        if (work?.peer !== peer) recent[j] = work = this.workFor(peer);
        j++;
        work.objects.push(object);
        work.replicas.push(replica);
        work.signature = signatureOf(work.signature, object, replica);
      }
    }
    const sends: Send[] = [];
    const shared = new Map<string, Send>();
    for (const work of works.values()) {
      if (work.objects.length === 0) continue;
      const connection = readyConnection(host, work.peer, now);
      if (!connection) continue;
      const maxBytes = connection.maxMessageBytes;
      if (connection.rateLimiter !== UNLIMITED) {
        // Bandwidth is short: the objects waiting longest (by accumulated priority) go first.
        sortByPriority(work);
        sends.push({ group: [work], maxBytes, byPriority: true });
        continue;
      }
      const key = `${work.signature}:${work.objects.length}:${maxBytes}`;
      const send = shared.get(key);
      if (send && sameWork(send.group[0]!, work)) {
        send.group.push(work);
        continue;
      }
      sends.push({ group: [work], maxBytes, byPriority: false });
      if (!send) shared.set(key, sends.at(-1)!);
    }
    return sends;
  }

  /** Whether some peer's copy of `object` is waiting for fields. */
  private anyReady(object: GameObject): boolean {
    const replicas = object.replicas;
    const shared = object.shared.dirtyCount > 0;
    for (let r = 0; r < replicas.length; r++) if (replicas[r]!.created && (shared || replicas[r]!.dirtyCount > 0)) return true;
    return false;
  }

  private anyDirtyLeft(object: GameObject): boolean {
    if (object.shared.dirtyCount > 0) return true;
    const replicas = object.replicas;
    for (let r = 0; r < replicas.length; r++) if (replicas[r]!.dirtyCount > 0) return true;
    return false;
  }

  /**
   * Pack the objects of the send (in priority order, or id order) into update messages of at most
   * its `maxBytes`, each encoded once for all its peers; `cached`: field encodings through the
   * objects' cache.
   */
  private sendUpdates({ group, sharedBy, maxBytes, byPriority }: Send, cached: boolean): void {
    const { objects, replicas } = group[0]!;
    // Take a message's worth in order, then sort it by id (it already is when not by priority).
    const headBits = this.idBits + this.config.objectTypeIndexBits;
    // Entries mostly repeat the previous one's type and fields: for fixed-size fields, its cost too.
    let costType: ObjectType | undefined;
    let costMask = 0;
    let cost = 0;
    let start = 0;
    while (start < objects.length) {
      let bits = this.headerBits();
      let end = start;
      while (end < objects.length) {
        const object = objects[end]!;
        const replica = replicas[end]!;
        if (object.type !== costType || replica.dirtyBits !== costMask || replica.dirty.length > 32) {
          const layout = this.layoutOf(object.type);
          cost = entryBits(object, replica, layout.bits, headBits, cached);
          costType = layout.variable ? undefined : object.type;
          costMask = replica.dirtyBits;
        }
        if (end > start && bits + cost > maxBytes * 8) break;
        bits += cost;
        end++;
      }
      const entries: number[] = [];
      for (let k = start; k < end; k++) entries.push(k);
      if (byPriority) entries.sort((a, b) => objects[a]!.id - objects[b]!.id);
      this.sendMessage(group, sharedBy, entries, cached);
      start = end;
    }
  }

  /** Find and write the frames of a message of these entries (see the file comment). */
  private writeFrames(objects: readonly GameObject[], replicas: readonly PeerReplica[], entries: readonly number[]): void {
    const frame = this.frame;
    const counts = this.frameCounts;
    if (counts.length === 0) return;
    counts.fill(0);
    let type: ObjectType | undefined;
    let slots: Int16Array = EMPTY_SLOTS;
    for (const k of entries) {
      const object = objects[k]!;
      const dirty = replicas[k]!.dirty;
      if (object.type !== type) {
        type = object.type;
        slots = this.layoutOf(type).slots;
      }
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        if (slot < 0 || dirty[i] === 0) continue;
        const codes = object.codes;
        const from = object.codesOf(i);
        const first = counts[slot] === 0;
        counts[slot]!++;
        const at = slot * 6;
        extend(frame, at, codes[from]!, first);
        extend(frame, at + 2, codes[from + 1]!, first);
        extend(frame, at + 4, codes[from + 2]!, first);
      }
    }
    this.framable.forEach((type, slot) => {
      const at = slot * 6;
      const bits = type.componentBits;
      // The highest code becomes the width the spread from the lowest needs.
      let saved = 0;
      for (let c = at; c < at + 6; c += 2) {
        frame[c + 1] = 32 - Math.clz32(frame[c + 1]! - frame[c]!);
        saved += counts[slot]! * (bits - frame[c + 1]!);
      }
      if (saved <= 3 * (bits + WIDTH_BITS)) frame[at + 1] = -1;
    });
    this.serializeFrames(this.writer);
  }

  /** One update message of the entries (indices into the work lists, ids ascending) to every peer of `group`, or of `sharedBy` for the shared records. */
  private sendMessage(group: PeerWork[], sharedBy: readonly PeerId[] | undefined, entries: number[], cached: boolean): void {
    const generation = ++this.generation;
    const { objects, replicas } = group[0]!;
    const w = this.writer;
    // Bits per `type.field` for the network log, only while one is written.
    const meter = this.node.environment.meter;
    const fieldBits = meter?.logsFields() ? new Map<string, number>() : undefined;
    w.reset();
    w.writeBits(Service.Session, 8);
    w.writeBits(SessionMessage.Update, 8);
    const head = this.head;
    head.count = entries.length;
    head.oneMask = sameMasks(objects, replicas, entries);
    this.serializeUpdateHeader(w, head);
    this.writeFrames(objects, replicas, entries);
    let previous: GameObject | undefined;
    let previousReplica: PeerReplica | undefined;
    const type = objects[entries[0]!]!.type;
    let oneType = true;
    let slots: Int16Array = EMPTY_SLOTS;
    for (const k of entries) {
      const object = objects[k]!;
      const replica = replicas[k]!;
      const dirty = replica.dirty;
      if (object.type !== previous?.type) {
        oneType &&= object.type === type;
        slots = this.layoutOf(object.type).slots;
      }
      const fields = object.type.fields;
      head.id = object.id;
      head.sameAsPrevious = !head.oneMask && previous !== undefined && previous.type === object.type && replica.sameDirty(previousReplica!);
      if (this.serializeEntryHead(w, head, !previous)) {
        this.serializeType(w, object.type, 'update entry');
        this.serializeMask(w, dirty);
      }
      previous = object;
      previousReplica = replica;
      for (let i = 0; i < fields.length; i++) {
        if (dirty[i] === 0) continue;
        const start = fieldBits ? w.bitLength : 0;
        const slot = slots[i]!;
        const type = fields[i]!.type;
        if (slot >= 0) {
          this.serializeCodes(w, slot, object.codes, object.codesOf(i));
        } else if (type.codes) {
          type.codes.encode(w, object.codes, object.codesOf(i));
        } else if (cached) {
          // The same bits as the type's encode, encoded once for all the sends of this transmit.
          const field = object.encodedField(i);
          w.writeWords(field.words, field.bits);
        } else {
          type.encode(w, object.values[i]!);
        }
        if (fieldBits) {
          const key = `${object.type.name}.${fields[i]!.name}`;
          fieldBits.set(key, (fieldBits.get(key) ?? 0) + w.bitLength - start);
        }
      }
    }
    const body = w.finish();
    const tag = oneType ? this.layoutOf(type).tag : 'objects';
    // What the loss handlers need, apart from the work lists (which the next transmit reuses).
    const carried = entries.map((k) => objects[k]!);
    for (const work of group) for (const k of entries) work.replicas[k]!.sent(generation);
    // One callback for every peer of the message: the connection says whose copy was lost.
    const onDelivery = (delivered: boolean, peer: PeerId): void => {
      if (!delivered) this.resend(carried, peer, generation);
    };
    for (const peer of sharedBy ?? group.map((work) => work.peer)) {
      const queued = this.node.sendFramed(peer, body, false, tag, onDelivery);
      if (queued && fieldBits) for (const [field, bits] of fieldBits) meter!.fieldBits(peer, 'sent', field, bits);
    }
  }

  /** An update message was lost: mark again what of it no newer message carries. */
  private resend(objects: readonly GameObject[], peer: PeerId, generation: number): void {
    for (const object of objects) {
      const replica = object.replicas.find((r) => r.peer === peer);
      if (!replica) continue;
      let marked = false;
      for (let i = 0; i < replica.inFlight.length; i++) {
        if (!object.lastSentIn(replica, i, generation)) continue;
        replica.mark(i);
        marked = true;
      }
      if (marked) object.queue();
    }
  }
}

/** Whether only `object`'s shared record has changes, and it has copies at the peers `first` has them at. */
function movesInStep(object: GameObject, first: GameObject): boolean {
  return object.shared.dirtyCount > 0 && object.copiesInStep && object.replicas.length > 0 && object.replicaPeers === first.replicaPeers;
}

/** The connection to `peer` if it is up and may transmit now. */
function readyConnection(host: Host, peer: PeerId, now: number): Connection | undefined {
  const connection = host.connectionTo(peer);
  return connection && connection.state === 'connected' && connection.canTransmit(now) ? connection : undefined;
}

/** Upper bound of an entry's bits (the id and type counted at full width: `headBits`). */
function entryBits(object: GameObject, replica: PeerReplica, fieldBits: Int32Array, headBits: number, cached: boolean): number {
  const fields = object.type.fields;
  const dirty = replica.dirty;
  let bits = headBits + 1 + fields.length;
  for (let i = 0; i < fields.length; i++) {
    if (dirty[i] === 0) continue;
    const fixed = fieldBits[i]!;
    bits += cached ? object.encodedField(i).bits : fixed >= 0 ? fixed : fields[i]!.type.bitsFor(object.values[i]!);
  }
  return bits;
}

/** What the update message's header and the current entry's head say. */
interface EntryHead {
  count: number;
  /** Every entry has the first one's type and field mask (given once). */
  oneMask: boolean;
  id: number;
  previousId: number;
  /** The entry has the previous entry's type and mask. */
  sameAsPrevious: boolean;
}

/** Of each field of an object type: its type's place among the framable ones (or -1), its fixed bits (or -1). */
interface FieldLayout {
  readonly slots: Int16Array;
  readonly bits: Int32Array;
  /** Whether some field's size depends on its value (strings, arrays). */
  readonly variable: boolean;
  /** The network log's category of a message whose entries are all of this type. */
  readonly tag: string;
  /** The most bits the values of one entry may take. */
  readonly maxValueBits: number;
}


/** Whether the entries are all of one type and their copies need the same fields (a message then gives type and mask once). */
function sameMasks(objects: readonly GameObject[], replicas: readonly PeerReplica[], entries: readonly number[]): boolean {
  const first = replicas[entries[0]!]!;
  const type = objects[entries[0]!]!.type;
  for (const k of entries) {
    if (objects[k]!.type !== type || !replicas[k]!.sameDirty(first)) return false;
  }
  return true;
}

/** Update messages of the same work to one or more peers. */
interface Send {
  readonly group: PeerWork[];
  /** The peers of a send of the objects' shared records (`group` is then that one work). */
  readonly sharedBy?: readonly PeerId[];
  readonly maxBytes: number;
  readonly byPriority: boolean;
}

/** What one peer needs this transmit: objects in sending order, with that peer's copies of them. */
interface PeerWork {
  readonly peer: PeerId;
  readonly objects: GameObject[];
  readonly replicas: PeerReplica[];
  /** A hash of the objects and their changed fields, to find peers with the same work. */
  signature: number;
}

const byId = (a: GameObject, b: GameObject): number => a.id - b.id;

const EMPTY_SLOTS: Int16Array = new Int16Array(0);

/** Bits of a frame's width: component codes are at most 31 bits. */
const WIDTH_BITS = 5;

/** Widen the lowest and highest code at `at` to take in `code` (or start them at it). */
function extend(frame: Int32Array, at: number, code: number, first: boolean): void {
  if (first || code < frame[at]!) frame[at] = code;
  if (first || code > frame[at + 1]!) frame[at + 1] = code;
}

function signatureOf(signature: number, object: GameObject, replica: PeerReplica): number {
  return Math.imul(Math.imul(signature ^ object.id, 0x9e3779b1) ^ replica.dirtyBits, 0x85ebca6b) | 0;
}

/** Whether `a` and `b` need the same fields of the same objects. */
function sameWork(a: PeerWork, b: PeerWork): boolean {
  if (a.objects.length !== b.objects.length) return false;
  for (let k = 0; k < a.objects.length; k++) {
    if (a.objects[k] !== b.objects[k] || !a.replicas[k]!.sameDirty(b.replicas[k]!)) return false;
  }
  return true;
}

/** Order a peer's work by accumulated priority (weighed by the object's priority towards this peer), most waited first. */
function sortByPriority(work: PeerWork): void {
  const weight = work.objects.map((object) => {
    const towards = object.peerPriority?.get(work.peer);
    return towards === undefined ? object.accumulated : (object.accumulated / object.priority) * towards;
  });
  const order = work.objects.map((_, k) => k).sort((a, b) => weight[b]! - weight[a]! || work.objects[a]!.id - work.objects[b]!.id);
  const objects = order.map((k) => work.objects[k]!);
  const replicas = order.map((k) => work.replicas[k]!);
  work.objects.splice(0, objects.length, ...objects);
  work.replicas.splice(0, replicas.length, ...replicas);
}
