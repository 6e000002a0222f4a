/**
 * A `.network_config`: the types, game object types and RPC messages peers may exchange, and the
 * reliable buffer sizes. Built once per file (and cached by path and content), validated with errors
 * that name the file, line and key path, with O(1) lookups by name for the per-frame paths.
 *
 * Top level: `reliable_send_buffer_size`, `reliable_receive_buffer_size`, optional `network_type`,
 * `types = { name = { type = "<kind>", ...parameters } }`,
 * `objects = { name = { fields = [{ name = "..." type = "..." }], priority, update_rate } }`,
 * `messages = { name = { args = ["type", ...], session_bound = true, reliable = true, priority } }`.
 */
import { readFileSync, statSync } from 'node:fs';
import { murmurHash64Hex } from '../wire/murmur_hash.js';
import { NetworkError } from '../base/network_error.js';
import {
  ArrayType,
  BoolType,
  FloatType,
  HexIdType,
  IntType,
  NetworkType,
  QuaternionType,
  StringType,
  TYPE_KINDS,
  Vector3Type,
  type TypeKind,
} from './network_type.js';
import { ResourceResolver } from './resource_resolver.js';
import { parseSjson, SjsonError, type SjsonEntry, type SjsonObject, type SjsonValue } from './sjson.js';

export type { WireValue } from './network_type.js';

/**
 * A field of a game object type.
 *
 * @category Config
 */
export interface ObjectField {
  /** The field's name (what `setField` takes). */
  readonly name: string;
  /** The type that checks and quantizes its values. */
  readonly type: NetworkType;
}

/**
 * A game object type of the config (`objects = { ball = { fields = [...] } }`).
 *
 * @category Config
 */
export interface ObjectType {
  /** The type's name (what `createObject` takes). */
  readonly name: string;
  /**
   * Wire index: position in name order, so peers agree whatever order their files list them in.
   *
   * @internal
   */
  index: number;
  /** The fields in the config's order. */
  readonly fields: readonly ObjectField[];
  /** Field positions by name. */
  readonly fieldIndex: ReadonlyMap<string, number>;
  /** Higher goes first when bandwidth is short. */
  readonly priority: number;
  /** Seconds; orders objects when bandwidth is short (see object_replicator.ts). */
  readonly updateRate: number;
}

/**
 * An RPC message of the config (`messages = { chat = { args = ["text"] } }`).
 *
 * @category Config
 */
export interface MessageType {
  /** The message's name (what `send` takes). */
  readonly name: string;
  /**
   * Wire index, in name order like object indices.
   *
   * @internal
   */
  index: number;
  /** The types of its arguments, in order. */
  readonly args: readonly NetworkType[];
  /** Delivered only while sender and receiver are in one game session. */
  readonly sessionBound: boolean;
  /** Sent reliably and in order (the default), or unreliably. */
  readonly reliable: boolean;
  /** Higher goes first when bandwidth is short. */
  readonly priority: number;
}

/**
 * A config that cannot be used; the message starts with `file:line:`.
 *
 * @category Config
 */
export class NetworkConfigError extends NetworkError {
  /** Always `'NetworkConfigError'`. */
  override name = 'NetworkConfigError';
}

/** Object ids when the config has no `game_object_id` type to bound them. */
const DEFAULT_OBJECT_ID_LIMIT = 65535;

/**
 * A `.network_config`: the value types, game object types and RPC messages peers agree on (peers
 * with different configs refuse each other, by {@link NetworkConfig.hash}).
 *
 * @category Config
 */
export class NetworkConfig {
  /** 16 hex digits over the config's meaning: whitespace, comments and key order do not change it. */
  readonly hash: string;
  /** Bytes of reliable data that may wait for acknowledgement, per connection. */
  readonly reliableSendBufferSize: number;
  /** Bytes of reliable data held for reordering, per connection. */
  readonly reliableReceiveBufferSize: number;
  /** The config's `network_type`, if it says one. */
  readonly networkType: string | undefined;
  /** Value types by name. */
  readonly types = new Map<string, NetworkType>();
  /** Game object types by name. */
  readonly objects = new Map<string, ObjectType>();
  /** RPC messages by name. */
  readonly messages = new Map<string, MessageType>();
  private readonly typeList: NetworkType[] = [];
  private readonly objectList: ObjectType[] = [];
  private readonly messageList: MessageType[] = [];
  /** Object ids are below this: `type_info("game_object_id").max` is the "no object" sentinel. */
  readonly objectIdLimit: number;
  /** @internal */
  readonly objectTypeIndexBits: number;
  /** @internal */
  readonly messageIndexBits: number;

  /**
   * Parse a config's text.
   *
   * @param file the name errors start with (a path, or any label)
   * @param text the SJSON text
   * @throws {@link NetworkConfigError} naming the line and what is wrong there
   */
  constructor(
    /** The name given: errors about the config start with it. */
    readonly file: string,
    text: string,
  ) {
    const builder = new ConfigBuilder(file, parseSjson(text, file));
    this.reliableSendBufferSize = builder.bufferSize('reliable_send_buffer_size');
    this.reliableReceiveBufferSize = builder.bufferSize('reliable_receive_buffer_size');
    this.networkType = builder.optionalString('network_type');
    builder.buildTypes(this.types, this.typeList);
    builder.buildObjects(this.types, this.objects, this.objectList);
    builder.buildMessages(this.types, this.messages, this.messageList);
    indexByName(this.objectList, this.objects);
    indexByName(this.messageList, this.messages);
    builder.rejectUnknownTopLevel();
    const idType = this.types.get('game_object_id');
    this.objectIdLimit = idType instanceof IntType ? idType.max : DEFAULT_OBJECT_ID_LIMIT;
    this.objectTypeIndexBits = Math.max(1, Math.ceil(Math.log2(this.objectList.length + 1)));
    this.messageIndexBits = Math.max(1, Math.ceil(Math.log2(this.messageList.length + 1)));
    this.hash = murmurHash64Hex(this.canonicalText());
  }

  /** @internal */
  typeAt(index: number): NetworkType | undefined {
    return this.typeList[index];
  }

  /** @internal */
  objectTypeAt(index: number): ObjectType | undefined {
    return this.objectList[index];
  }

  /** @internal */
  messageAt(index: number): MessageType | undefined {
    return this.messageList[index];
  }

  /**
   * Everything that shapes the wire, in a fixed order, as compact JSON: the buffer sizes and
   * network type; the types in name order, each with its parameters' values (the kind first, which
   * fixes the rest); the objects and messages in name order, each with its settings and its field
   * and argument types by position in that type order. One flat array, with each list's length
   * before it so it reads one way only. Hashing it runs in V8's interpreter at start-up: it is half
   * the size of the same content with keys and type names spelled out, and built with few objects.
   */
  private canonicalText(): string {
    const types = inNameOrder(this.typeList, this.types);
    const objects = this.objectList;
    const messages = this.messageList;
    let length = 6 + 2 * types.length;
    for (let i = 0; i < objects.length; i++) length += 4 + 2 * objects[i]!.fields.length;
    for (let i = 0; i < messages.length; i++) length += 5 + messages[i]!.args.length;
    const out: unknown[] = new Array(length);
    let n = 0;
    out[n++] = this.reliableSendBufferSize;
    out[n++] = this.reliableReceiveBufferSize;
    out[n++] = this.networkType ?? null;
    out[n++] = types.length;
    const typeOrder = new Map<NetworkType, number>();
    for (let i = 0; i < types.length; i++) {
      typeOrder.set(types[i]!, i);
      out[n++] = types[i]!.name;
      out[n++] = Object.values(types[i]!.info);
    }
    out[n++] = objects.length;
    for (let i = 0; i < objects.length; i++) {
      const { name, priority, updateRate, fields } = objects[i]!;
      out[n++] = name;
      out[n++] = priority;
      out[n++] = updateRate;
      out[n++] = fields.length;
      for (let f = 0; f < fields.length; f++) {
        out[n++] = fields[f]!.name;
        out[n++] = typeOrder.get(fields[f]!.type);
      }
    }
    out[n++] = messages.length;
    for (let i = 0; i < messages.length; i++) {
      const { name, sessionBound, reliable, priority, args } = messages[i]!;
      out[n++] = name;
      out[n++] = sessionBound ? 1 : 0;
      out[n++] = reliable ? 1 : 0;
      out[n++] = priority;
      out[n++] = args.length;
      for (let a = 0; a < args.length; a++) out[n++] = typeOrder.get(args[a]!);
    }
    return JSON.stringify(out);
  }
}

// The engine interpolated these kinds between updates when drawing; headless that is only reported (Network.type_info).
const INTERPOLATION = ['interpolated', 'interpolation_threshold'] as const;
/** The parameters each kind of type takes besides `type`. */
const TYPE_PARAMETERS: Record<TypeKind, readonly (keyof TypeParameters)[]> = {
  int: ['min', 'max', 'bits', ...INTERPOLATION],
  float: ['min', 'max', 'bits', 'tolerance', ...INTERPOLATION],
  vector3: ['min', 'max', 'bits', 'tolerance', ...INTERPOLATION],
  quaternion: ['bits', 'tolerance', ...INTERPOLATION],
  array: ['element', 'max_size'],
  int64: [],
  uint64: [],
  bool: [],
  string: [],
  idstring32: [],
  idstring64: [],
  resource_id: [],
};

/** Objects with more keys than this are checked for a key given twice through a map. */
const SMALL_OBJECT = 8;
const TOP_LEVEL_KEYS = ['reliable_send_buffer_size', 'reliable_receive_buffer_size', 'network_type', 'types', 'objects', 'messages'];
const OBJECT_KEYS = ['fields', 'priority', 'update_rate'];
const MESSAGE_KEYS = ['args', 'session_bound', 'reliable', 'priority'];

/** The parameters of a type declaration (besides `type`), each given at most once. */
interface TypeParameters {
  min: SjsonEntry | undefined;
  max: SjsonEntry | undefined;
  bits: SjsonEntry | undefined;
  tolerance: SjsonEntry | undefined;
  interpolated: SjsonEntry | undefined;
  interpolation_threshold: SjsonEntry | undefined;
  element: SjsonEntry | undefined;
  max_size: SjsonEntry | undefined;
}

/** The entry of `object` named `key`, if any (objects of a config have a handful of entries). */
function find(object: SjsonObject, key: string): SjsonEntry | undefined {
  const { entries } = object;
  for (let i = 0; i < entries.length; i++) if (entries[i]!.key === key) return entries[i];
  return undefined;
}

/**
 * A key path of an error message: `base`, then `.key` (or just `key` at the top level), then
 * `[index]` counted from 1, then `.sub`. Built only when there is an error to report: a real-size
 * config has thousands of values, and its first build runs in V8's interpreter.
 */
function keyPath(base: string, key?: string, index?: number, sub?: string): string {
  let path = key === undefined ? base : base === '' ? key : `${base}.${key}`;
  if (index !== undefined) path += `[${index + 1}]`;
  return sub === undefined ? path : `${path}.${sub}`;
}

/** Reads the SJSON tree, refusing anything malformed with `file:line: key.path: what is wrong`. */
class ConfigBuilder {
  private readonly top: Map<string, SjsonEntry>;

  constructor(
    private readonly file: string,
    document: SjsonObject,
  ) {
    this.top = this.entries(document, '');
  }

  private fail(at: { line: number }, path: string, reason: string): never {
    throw new NetworkConfigError(`${this.file}:${at.line}: ${path}: ${reason}`);
  }

  /** The entries of a section (or the top level) by key; a key given twice is an error. */
  private entries(value: SjsonObject, path: string): Map<string, SjsonEntry> {
    const map = new Map<string, SjsonEntry>();
    const { entries } = value;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const first = map.get(entry.key);
      if (first) this.failTwice(entry, path, first);
      map.set(entry.key, entry);
    }
    return map;
  }

  /** Refuse `entry`, of the object at `path`, for repeating the key of `first`. */
  private failTwice(entry: SjsonEntry, path: string, first: SjsonEntry): never {
    this.fail(entry, keyPath(path, entry.key), `defined twice (first on line ${first.line})`);
  }

  /** Refuse a key given twice in an object of a declaration (the same error as {@link entries}). */
  private rejectDuplicates(value: SjsonObject, base: string, key?: string, index?: number): void {
    const { entries } = value;
    // Declarations have a handful of keys: comparing them pairwise beats building a map.
    if (entries.length > SMALL_OBJECT) {
      this.entries(value, keyPath(base, key, index));
      return;
    }
    for (let i = 1; i < entries.length; i++) {
      const entry = entries[i]!;
      for (let j = 0; j < i; j++) {
        if (entries[j]!.key === entry.key) this.failTwice(entry, keyPath(base, key, index), entries[j]!);
      }
    }
  }

  /** Refuse a key of the declaration at `path` that is not one of `known`, giving `reason`. */
  private rejectUnknownKeys(value: SjsonObject, known: readonly string[], reason: string, path: string): void {
    const { entries } = value;
    for (let i = 0; i < entries.length; i++) if (!known.includes(entries[i]!.key)) this.fail(entries[i]!, `${path}.${entries[i]!.key}`, reason);
  }

  private object(value: SjsonValue, base: string, key?: string, index?: number): SjsonObject {
    if (value.kind !== 'object') this.fail(value, keyPath(base, key, index), `expected a { } table, got ${value.kind}`);
    return value;
  }

  private number(value: SjsonValue, base: string, key?: string, index?: number): number {
    if (value.kind !== 'number') this.fail(value, keyPath(base, key, index), `expected a number, got ${value.kind === 'string' ? `"${value.value}"` : value.kind}`);
    return value.value;
  }

  private string(value: SjsonValue, base: string, key?: string, index?: number, sub?: string): string {
    if (value.kind !== 'string') this.fail(value, keyPath(base, key, index, sub), `expected a string, got ${value.kind}`);
    return value.value;
  }

  private boolean(value: SjsonValue, base: string, key: string): boolean {
    if (value.kind !== 'boolean') this.fail(value, keyPath(base, key), `expected true or false, got ${value.kind}`);
    return value.value;
  }

  bufferSize(key: string): number {
    const entry = this.top.get(key);
    if (!entry) throw new NetworkConfigError(`${this.file}:1: ${key}: missing (the reliable buffer size in bytes)`);
    const size = this.number(entry.value, key);
    if (!Number.isInteger(size) || size < 1024 || size > 64 * 1024 * 1024) this.fail(entry.value, key, `expected a whole number of bytes from 1024 to 67108864, got ${size}`);
    return size;
  }

  optionalString(key: string): string | undefined {
    const entry = this.top.get(key);
    return entry ? this.string(entry.value, key) : undefined;
  }

  rejectUnknownTopLevel(): void {
    this.top.forEach((entry, key) => {
      if (!TOP_LEVEL_KEYS.includes(key)) this.fail(entry, key, `unknown key (expected one of ${TOP_LEVEL_KEYS.join(', ')})`);
    });
  }

  /** A section's declarations in file order and by name; a name given twice is an error. */
  private section(key: string): { declarations: readonly SjsonEntry[]; byName: Map<string, SjsonEntry> } {
    const entry = this.top.get(key);
    if (!entry) return { declarations: [], byName: new Map() };
    const section = this.object(entry.value, key);
    return { declarations: section.entries, byName: this.entries(section, key) };
  }

  buildTypes(types: Map<string, NetworkType>, list: NetworkType[]): void {
    const { declarations, byName } = this.section('types');
    // Arrays name their element type, which may be declared later: resolve names on demand.
    const building = new Set<string>();
    const build = (name: string, referencedAt: { line: number }, referencePath: string): NetworkType => {
      const existing = types.get(name);
      if (existing) return existing;
      const entry = byName.get(name);
      if (!entry) this.fail(referencedAt, referencePath, `unknown type '${name}'`);
      if (building.has(name)) this.fail(entry, `types.${name}`, 'an array that contains itself');
      building.add(name);
      const type = this.buildType(name, entry, build);
      building.delete(name);
      types.set(name, type);
      return type;
    };
    for (let i = 0; i < declarations.length; i++) {
      const { key: name } = declarations[i]!;
      if (!types.has(name)) build(name, declarations[i]!, `types.${name}`);
    }
    // Indices follow declaration order, so Network.type_index is stable for a given file.
    for (let i = 0; i < declarations.length; i++) {
      const type = types.get(declarations[i]!.key)!;
      type.index = list.length;
      list.push(type);
    }
  }

  /**
   * A type declaration's parameters by name, refusing those its kind does not take. One pass over
   * its entries (each key is there once: duplicates were refused), not a search per parameter.
   */
  private typeParameters(params: SjsonObject, kind: TypeKind, path: string): TypeParameters {
    const allowed: readonly string[] = TYPE_PARAMETERS[kind];
    const found: TypeParameters = { min: undefined, max: undefined, bits: undefined, tolerance: undefined, interpolated: undefined, interpolation_threshold: undefined, element: undefined, max_size: undefined };
    for (let i = 0; i < params.entries.length; i++) {
      const param = params.entries[i]!;
      if (param.key === 'type') continue;
      if (!allowed.includes(param.key)) this.fail(param, `${path}.${param.key}`, `not a parameter of ${kind} types${allowed.length ? ` (expected ${allowed.join(', ')})` : ''}`);
      found[param.key as keyof TypeParameters] = param;
    }
    return found;
  }

  /** A number parameter of a type, if given; vector3 ranges may be given per component as [x y z]: the widest bounds apply. */
  private parameter(param: SjsonEntry | undefined, kind: TypeKind, path: string, key: string): number | undefined {
    if (!param) return undefined;
    const { value } = param;
    if (value.kind === 'array' && kind === 'vector3' && (key === 'min' || key === 'max')) {
      const { items } = value;
      let widest = key === 'min' ? Infinity : -Infinity;
      for (let i = 0; i < items.length; i++) {
        const part = this.number(items[i]!, path, key, i);
        widest = key === 'min' ? Math.min(widest, part) : Math.max(widest, part);
      }
      if (items.length !== 3) this.fail(value, keyPath(path, key), `expected 3 components, got ${items.length}`);
      return widest;
    }
    return this.number(value, path, key);
  }

  /** Where a parameter's value is, for an error about it; the type's entry when the parameter is not given. */
  private static at(param: SjsonEntry | undefined, entry: SjsonEntry): { line: number } {
    return param?.value ?? entry;
  }

  /** A type's min and max, checked, with the kind's defaults for the bounds not given. */
  private range(found: TypeParameters, kind: TypeKind, path: string, entry: SjsonEntry, defaultMin: number | undefined, defaultMax: number | undefined): [number, number] {
    const min = this.parameter(found.min, kind, path, 'min') ?? defaultMin;
    const max = this.parameter(found.max, kind, path, 'max') ?? defaultMax;
    if (min === undefined) this.fail(entry, `${path}.min`, 'missing');
    if (max === undefined) this.fail(entry, `${path}.max`, 'missing');
    if (!Number.isFinite(min) || !Number.isFinite(max)) this.fail(ConfigBuilder.at(found.min, entry), path, 'min and max must be finite numbers');
    if (min > max) this.fail(ConfigBuilder.at(found.min, entry), `${path}.min`, `min ${min} is greater than max ${max}`);
    return [min, max];
  }

  /** The type with the config's `interpolated` and `interpolation_threshold` (reported, not applied headless). */
  private interpolation<T extends NetworkType>(type: T, found: TypeParameters, path: string, threshold: number | undefined): T {
    const { interpolated } = found;
    type.interpolated = interpolated ? this.boolean(interpolated.value, path, 'interpolated') : false;
    type.interpolationThreshold = threshold;
    return type;
  }

  private buildType(name: string, entry: SjsonEntry, resolve: (name: string, at: { line: number }, path: string) => NetworkType): NetworkType {
    const path = `types.${name}`;
    const params = this.object(entry.value, path);
    this.rejectDuplicates(params, path);
    const kindEntry = find(params, 'type');
    if (!kindEntry) this.fail(entry, `${path}.type`, `missing (one of ${TYPE_KINDS.join(', ')})`);
    const kind = this.string(kindEntry.value, path, 'type') as TypeKind;
    if (!TYPE_KINDS.includes(kind)) this.fail(kindEntry.value, `${path}.type`, `unknown type kind '${kind}' (expected one of ${TYPE_KINDS.join(', ')})`);
    const found = this.typeParameters(params, kind, path);
    const bits = this.parameter(found.bits, kind, path, 'bits');
    const maxBits = kind === 'int' ? 52 : 32;
    if (bits !== undefined && (!Number.isInteger(bits) || bits < 1 || bits > maxBits)) this.fail(ConfigBuilder.at(found.bits, entry), `${path}.bits`, `expected a whole number of bits from 1 to ${maxBits}, got ${bits}`);
    const tolerance = this.parameter(found.tolerance, kind, path, 'tolerance') ?? 0;
    if (tolerance < 0) this.fail(ConfigBuilder.at(found.tolerance, entry), `${path}.tolerance`, `must not be negative, got ${tolerance}`);
    const threshold = this.parameter(found.interpolation_threshold, kind, path, 'interpolation_threshold');
    if (threshold !== undefined && !(threshold >= 0)) this.fail(ConfigBuilder.at(found.interpolation_threshold, entry), `${path}.interpolation_threshold`, `must not be negative, got ${threshold}`);
    switch (kind) {
      case 'int': {
        // Without a range, `bits` gives a signed range; without either, a signed 32-bit integer.
        const width = bits ?? 32;
        const [min, max] = this.range(found, kind, path, entry, found.max ? 0 : -(2 ** (width - 1)), 2 ** (width - 1) - 1);
        if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) this.fail(ConfigBuilder.at(found.min, entry), path, 'int min and max must be whole numbers');
        const needed = max === min ? 0 : Math.ceil(Math.log2(max - min + 1));
        if (bits !== undefined && bits < needed) this.fail(ConfigBuilder.at(found.bits, entry), `${path}.bits`, `${bits} bits cannot hold ${min}..${max} (needs ${needed})`);
        if (needed > maxBits) this.fail(ConfigBuilder.at(found.min, entry), path, `the range ${min}..${max} needs ${needed} bits, more than ${maxBits}`);
        return this.interpolation(new IntType(name, min, max, bits), found, path, threshold);
      }
      case 'float': {
        const [min, max] = this.range(found, kind, path, entry, undefined, undefined);
        return this.interpolation(new FloatType(name, min, max, bits, tolerance), found, path, threshold);
      }
      case 'vector3': {
        const [min, max] = this.range(found, kind, path, entry, undefined, undefined);
        return this.interpolation(new Vector3Type(name, min, max, bits, tolerance), found, path, threshold);
      }
      case 'quaternion':
        return this.interpolation(new QuaternionType(name, bits, tolerance), found, path, threshold);
      case 'bool':
        return new BoolType(name);
      case 'string':
        return new StringType(name);
      case 'int64':
      case 'uint64':
      case 'idstring64':
      case 'resource_id':
        return new HexIdType(name, kind, 64);
      case 'idstring32':
        return new HexIdType(name, kind, 32);
      case 'array': {
        const elementEntry = found.element;
        if (!elementEntry) this.fail(entry, `${path}.element`, 'missing (the name of the element type)');
        const element = resolve(this.string(elementEntry.value, path, 'element'), elementEntry.value, `${path}.element`);
        if (element instanceof ArrayType) this.fail(elementEntry.value, `${path}.element`, `arrays of arrays are not supported ('${element.name}' is an array)`);
        const maxSize = this.parameter(found.max_size, kind, path, 'max_size');
        if (maxSize === undefined) this.fail(entry, `${path}.max_size`, 'missing');
        if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > 65535) this.fail(ConfigBuilder.at(found.max_size, entry), `${path}.max_size`, `expected a whole number from 1 to 65535, got ${maxSize}`);
        return new ArrayType(name, element, maxSize);
      }
    }
  }

  buildObjects(types: Map<string, NetworkType>, objects: Map<string, ObjectType>, list: ObjectType[]): void {
    const { declarations } = this.section('objects');
    for (let d = 0; d < declarations.length; d++) {
      const entry = declarations[d]!;
      const name = entry.key;
      const path = `objects.${name}`;
      const params = this.object(entry.value, path);
      this.rejectDuplicates(params, path);
      this.rejectUnknownKeys(params, OBJECT_KEYS, 'unknown key (expected fields, priority, update_rate)', path);
      const fieldsEntry = find(params, 'fields');
      if (!fieldsEntry) this.fail(entry, `${path}.fields`, 'missing');
      if (fieldsEntry.value.kind !== 'array') this.fail(fieldsEntry.value, `${path}.fields`, `expected an array of { name type }, got ${fieldsEntry.value.kind}`);
      const fields: ObjectField[] = [];
      const fieldIndex = new Map<string, number>();
      const { items } = fieldsEntry.value;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const field = this.object(item, path, 'fields', i);
        this.rejectDuplicates(field, path, 'fields', i);
        // Each key is there once: one pass finds both and refuses any other (a real-size config has a thousand fields).
        let nameEntry: SjsonEntry | undefined;
        let typeEntry: SjsonEntry | undefined;
        for (let k = 0; k < field.entries.length; k++) {
          const param = field.entries[k]!;
          if (param.key === 'name') nameEntry = param;
          else if (param.key === 'type') typeEntry = param;
          else this.fail(param, keyPath(path, 'fields', i, param.key), 'unknown key (expected name, type)');
        }
        if (!nameEntry) this.fail(item, keyPath(path, 'fields', i, 'name'), 'missing');
        if (!typeEntry) this.fail(item, keyPath(path, 'fields', i, 'type'), 'missing');
        const fieldName = this.string(nameEntry.value, path, 'fields', i, 'name');
        const typeName = this.string(typeEntry.value, path, 'fields', i, 'type');
        const type = types.get(typeName);
        if (!type) this.fail(typeEntry.value, keyPath(path, 'fields', i, 'type'), `unknown type '${typeName}'`);
        if (fieldIndex.has(fieldName)) this.fail(nameEntry.value, keyPath(path, 'fields', i, 'name'), `field '${fieldName}' defined twice`);
        fieldIndex.set(fieldName, fields.length);
        fields.push({ name: fieldName, type });
      }
      const priorityEntry = find(params, 'priority');
      const updateRateEntry = find(params, 'update_rate');
      const priority = priorityEntry ? this.number(priorityEntry.value, path, 'priority') : 1;
      const updateRate = updateRateEntry ? this.number(updateRateEntry.value, path, 'update_rate') : 1;
      if (!(priority > 0)) this.fail(priorityEntry!.value, `${path}.priority`, `must be positive, got ${priority}`);
      if (!(updateRate > 0)) this.fail(updateRateEntry!.value, `${path}.update_rate`, `must be positive, got ${updateRate}`);
      const object: ObjectType = { name, index: list.length, fields, fieldIndex, priority, updateRate };
      objects.set(name, object);
      list.push(object);
    }
  }

  buildMessages(types: Map<string, NetworkType>, messages: Map<string, MessageType>, list: MessageType[]): void {
    const { declarations } = this.section('messages');
    for (let d = 0; d < declarations.length; d++) {
      const entry = declarations[d]!;
      const name = entry.key;
      const path = `messages.${name}`;
      const params = this.object(entry.value, path);
      this.rejectDuplicates(params, path);
      this.rejectUnknownKeys(params, MESSAGE_KEYS, 'unknown key (expected args, session_bound, reliable, priority)', path);
      const argsEntry = find(params, 'args');
      const args: NetworkType[] = [];
      if (argsEntry) {
        if (argsEntry.value.kind !== 'array') this.fail(argsEntry.value, `${path}.args`, `expected an array of type names, got ${argsEntry.value.kind}`);
        const { items } = argsEntry.value;
        for (let i = 0; i < items.length; i++) {
          const typeName = this.string(items[i]!, path, 'args', i);
          const type = types.get(typeName);
          if (!type) this.fail(items[i]!, keyPath(path, 'args', i), `unknown type '${typeName}'`);
          args.push(type);
        }
      }
      const priorityEntry = find(params, 'priority');
      const message: MessageType = {
        name,
        index: list.length,
        args,
        sessionBound: this.flag(params, path, 'session_bound'),
        reliable: this.flag(params, path, 'reliable'),
        priority: priorityEntry ? this.number(priorityEntry.value, path, 'priority') : 1,
      };
      messages.set(name, message);
      list.push(message);
    }
  }

  /** A message's flag; true when not given. */
  private flag(params: SjsonObject, path: string, key: string): boolean {
    const entry = find(params, key);
    return entry ? this.boolean(entry.value, path, key) : true;
  }
}

/** Name order: what peers number things by, as the config hash sees them (not declaration order). */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The entries of `list` (unique names, all in `named`) in name order. The default sort orders
 * strings as {@link byName} does, by UTF-16 code units, without calling back into JavaScript for
 * each comparison: thousands of calls in the interpreter for a real-size config's first build.
 */
function inNameOrder<T extends { name: string }>(list: readonly T[], named: ReadonlyMap<string, T>): T[] {
  const names: string[] = [];
  for (let i = 0; i < list.length; i++) names.push(list[i]!.name);
  names.sort();
  const sorted: T[] = [];
  for (let i = 0; i < names.length; i++) sorted.push(named.get(names[i]!)!);
  return sorted;
}

/** Sort in place by name and number the entries in that order. */
function indexByName<T extends { name: string; index: number }>(list: T[], named: ReadonlyMap<string, T>): void {
  const sorted = inNameOrder(list, named);
  for (let i = 0; i < sorted.length; i++) {
    sorted[i]!.index = i;
    list[i] = sorted[i]!;
  }
}

/** Configs by file, reparsed only when the file changes: several VMs of one process share them. */
const cache = new Map<string, { mtimeMs: number; size: number; config: NetworkConfig }>();

/**
 * Load the `.network_config` resource `name` ("global", "application_settings/global") under `root`.
 *
 * @category Config
 */
export function loadNetworkConfig(root: string, name: string): NetworkConfig {
  const found = new ResourceResolver(root).findResource(name, '.network_config');
  if (!found.file) throw new NetworkConfigError(`network config ${found.error}`);
  const stat = statSync(found.file);
  const cached = cache.get(found.file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.config;
  let config: NetworkConfig;
  try {
    config = new NetworkConfig(found.file, readFileSync(found.file, 'utf8'));
  } catch (error) {
    if (error instanceof SjsonError) throw new NetworkConfigError(error.message);
    throw error;
  }
  cache.set(found.file, { mtimeMs: stat.mtimeMs, size: stat.size, config });
  return config;
}
