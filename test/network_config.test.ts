import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LARGE_CONFIG_FILE, largeNetworkConfigText } from '../scripts/generate_network_config_fixture.js';
import { loadNetworkConfig, NetworkConfig, NetworkConfigError } from '../src/core/config/network_config.js';
import { TYPE_KINDS } from '../src/core/config/network_type.js';
import { REPO_ROOT, runCli, tempProject } from './helpers/lua.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');
const largeText = readFileSync(LARGE_CONFIG_FILE, 'utf8');

const BASE = `reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  count = { type = "int" min = 0 max = 10 }
  ratio = { type = "float" min = 0 max = 1 bits = 8 }
  ids = { type = "array" element = "count" max_size = 8 }
}
objects = {
  unit = { fields = [ { name = "hp" type = "count" } ] }
}
messages = {
  rpc_a = { args = [ "count" "ratio" ] }
}
`;

const tally = <T>(items: Iterable<T>, key: (item: T) => string | number): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

test('the real-size fixture is what its seeded generator writes', (t) => {
  t.is(largeText, largeNetworkConfigText());
});

test('a config of real size parses and builds, with lookups by name', (t) => {
  const config = loadNetworkConfig(FIXTURES, 'large');
  t.is(config.reliableSendBufferSize, 98304);
  t.is(config.reliableReceiveBufferSize, 32768);
  t.is(config.types.size, 234);
  t.deepEqual(tally(config.types.values(), (type) => type.kind), { int: 131, float: 41, vector3: 6, quaternion: 2, array: 45, string: 4, int64: 3, bool: 2 });
  t.like(config.types.get('game_object_id')!.info, { type: 'int', min: 0, max: 65535, bits: 16 });
  t.is(config.objectIdLimit, 65535);

  const objects = [...config.objects.values()];
  t.is(objects.length, 99);
  t.true(objects.every((o) => o.fields[0]!.name === 'go_type' && o.fieldIndex.get('go_type') === 0));
  t.is(Math.max(...objects.map((o) => o.fields.length)), 35);
  t.is(Math.min(...objects.map((o) => o.fields.length)), 1);
  t.is(config.objects.get('player_unit')!.fields.length, 35);
  t.deepEqual(tally(objects, (o) => o.updateRate), { 1: 80, 10: 13, 3: 4, 0.05: 2 });
  t.deepEqual(tally(objects, (o) => o.priority), { 1: 98, 2: 1 });

  const messages = [...config.messages.values()];
  t.is(messages.length, 450);
  t.is(messages.filter((m) => !m.sessionBound).length, 108);
  t.deepEqual(tally(messages, (m) => Math.min(m.args.length, 7)), { 0: 30, 1: 108, 2: 113, 3: 65, 4: 50, 5: 31, 6: 19, 7: 34 });
  t.is(Math.max(...messages.map((m) => m.args.length)), 20);
  // Wire indices: name order, and back again.
  t.true(messages.every((m) => config.messageAt(m.index) === m));
  t.true(objects.every((o) => config.objectTypeAt(o.index) === o));
  t.true([...config.types.values()].every((type) => config.typeAt(type.index) === type));
});

test('the small fixture for session tests has a type of every kind, and rpc_everything takes one of each', (t) => {
  const config = loadNetworkConfig(FIXTURES, 'global');
  t.deepEqual(new Set(config.messages.get('rpc_everything')!.args.map((type) => type.kind)), new Set(TYPE_KINDS));
  t.deepEqual(config.objects.get('player_unit')!.fields.map((f) => `${f.name}:${f.type.name}`), ['go_type:lookup', 'position:position', 'rotation:rotation', 'health:health', 'owner:peer_id']);
  t.like(config.objects.get('pickup')!, { updateRate: 10, priority: 1 });
  t.like(config.messages.get('rpc_ping')!, { sessionBound: false, reliable: true });
  t.like(config.messages.get('rpc_chat')!, { sessionBound: true });
  t.like(config.types.get('id_list')!.info, { type: 'array', element: 'game_object_id', max_size: 16 });
  t.like(config.types.get('rotation')!.info, { type: 'quaternion', bits: 19, tolerance: 0 });
});

test('defaults: an int without a range is signed (from its bits, or 32-bit), floats without bits are full floats, quaternions have 16 bits', (t) => {
  const config = new NetworkConfig(
    'defaults',
    `reliable_send_buffer_size = 32768 reliable_receive_buffer_size = 32768
types = {
  plain = { type = "int" }
  byte = { type = "int" bits = 8 }
  up_to = { type = "int" max = 100 }
  speed = { type = "float" min = -250 max = 250 }
  offset = { type = "vector3" min = [-1 -2 -3] max = [1 2 30] }
  turn = { type = "quaternion" }
}
messages = { rpc_bare = {} }`,
  );
  const info = (name: string) => config.types.get(name)!.info;
  t.deepEqual(info('plain'), { type: 'int', min: -(2 ** 31), max: 2 ** 31 - 1, bits: 32 });
  t.deepEqual(info('byte'), { type: 'int', min: -128, max: 127, bits: 8 });
  t.deepEqual(info('up_to'), { type: 'int', min: 0, max: 100, bits: 7 });
  t.deepEqual(info('speed'), { type: 'float', min: -250, max: 250, bits: 32, tolerance: 0 });
  t.deepEqual(info('offset'), { type: 'vector3', min: -3, max: 30, bits: 32, tolerance: 0 });
  t.deepEqual(info('turn'), { type: 'quaternion', bits: 16, tolerance: 0 });
  t.like(config.messages.get('rpc_bare')!, { args: [], sessionBound: true, reliable: true, priority: 1 });
  t.is(config.objects.size, 0);
  t.is(config.objectIdLimit, 65535);
});

test('resources resolve by name under the root, like the engine: "global", "settings/global"', (t) => {
  const root = tempProject({ 'global.network_config': BASE, 'settings/global.network_config': BASE.replace('max = 10', 'max = 11') });
  t.is(loadNetworkConfig(root, 'global').types.size, 3);
  t.not(loadNetworkConfig(root, 'settings/global').hash, loadNetworkConfig(root, 'global').hash);
  const missing = t.throws(() => loadNetworkConfig(root, 'nope'), { instanceOf: NetworkConfigError });
  t.regex(missing!.message, /network config resource 'nope' not found: no file '.*nope\.network_config'/);
});

/** [what, text in BASE, its replacement, the message expected (with the file shown as "bad")] */
const refusals: [string, string, string, RegExp][] = [
  ['an unknown type kind', '"int" min = 0 max = 10', '"integer" min = 0 max = 10', /^bad:4: types\.count\.type: unknown type kind 'integer' \(expected one of int, int64, uint64, float, vector3, quaternion, bool, string, idstring32, idstring64, resource_id, array\)$/],
  ['a type without a kind', 'count = { type = "int" min = 0 max = 10 }', 'count = { min = 0 max = 10 }', /^bad:4: types\.count\.type: missing \(one of int, /],
  ['min above max', 'min = 0 max = 10', 'min = 10 max = 5', /^bad:4: types\.count\.min: min 10 is greater than max 5$/],
  ['a float without a range', 'min = 0 max = 1 bits = 8', 'bits = 8', /^bad:5: types\.ratio\.min: missing$/],
  ['too few bits for the range', 'min = 0 max = 10', 'min = 0 max = 10 bits = 3', /^bad:4: types\.count\.bits: 3 bits cannot hold 0\.\.10 \(needs 4\)$/],
  ['too many bits', 'bits = 8', 'bits = 33', /^bad:5: types\.ratio\.bits: expected a whole number of bits from 1 to 32, got 33$/],
  ['an int range wider than 52 bits', 'min = 0 max = 10', 'min = -9007199254740991 max = 9007199254740991', /^bad:4: types\.count: the range -9007199254740991\.\.9007199254740991 needs 54 bits, more than 52$/],
  ['a fractional int bound', 'min = 0 max = 10', 'min = 0 max = 10.5', /^bad:4: types\.count: int min and max must be whole numbers$/],
  ['a negative tolerance', 'bits = 8 }', 'bits = 8 tolerance = -1 }', /^bad:5: types\.ratio\.tolerance: must not be negative, got -1$/],
  ['an unknown parameter', 'bits = 8 }', 'bits = 8 colour = 1 }', /^bad:5: types\.ratio\.colour: not a parameter of float types \(expected min, max, bits, tolerance, interpolated, interpolation_threshold\)$/],
  ['interpolated not a boolean', 'bits = 8 }', 'bits = 8 interpolated = 1 }', /^bad:5: types\.ratio\.interpolated: /],
  ['a negative interpolation threshold', 'bits = 8 }', 'bits = 8 interpolation_threshold = -1 }', /^bad:5: types\.ratio\.interpolation_threshold: must not be negative, got -1$/],
  ['an array of an unknown element', 'element = "count"', 'element = "nothing"', /^bad:6: types\.ids\.element: unknown type 'nothing'$/],
  ['an array of arrays', 'ratio = { type = "float" min = 0 max = 1 bits = 8 }', 'ratio = { type = "array" element = "ids" max_size = 2 }', /^bad:5: types\.ratio\.element: arrays of arrays are not supported \('ids' is an array\)$/],
  ['an array without max_size', ' max_size = 8', '', /^bad:6: types\.ids\.max_size: missing$/],
  ['an array too long', 'max_size = 8', 'max_size = 65536', /^bad:6: types\.ids\.max_size: expected a whole number from 1 to 65535, got 65536$/],
  ['a type named twice', 'ratio = {', 'count = {', /^bad:5: types\.count: defined twice \(first on line 4\)$/],
  ['an object named twice', 'unit = { fields = [ { name = "hp" type = "count" } ] }', 'unit = { fields = [] }\n  unit = { fields = [] }', /^bad:10: objects\.unit: defined twice \(first on line 9\)$/],
  ['a field of an unknown type', 'type = "count" } ] }', 'type = "hp_type" } ] }', /^bad:9: objects\.unit\.fields\[1\]\.type: unknown type 'hp_type'$/],
  ['a field named twice', '{ name = "hp" type = "count" } ]', '{ name = "hp" type = "count" }\n{ name = "hp" type = "ratio" } ]', /^bad:10: objects\.unit\.fields\[2\]\.name: field 'hp' defined twice$/],
  ['a field without a type', '{ name = "hp" type = "count" }', '{ name = "hp" }', /^bad:9: objects\.unit\.fields\[1\]\.type: missing$/],
  ['an unknown key in a field', 'type = "count" } ] }', 'type = "count" bits = 3 } ] }', /^bad:9: objects\.unit\.fields\[1\]\.bits: unknown key \(expected name, type\)$/],
  ['an unknown key in an object', 'unit = { fields', 'unit = { rate = 1 fields', /^bad:9: objects\.unit\.rate: unknown key \(expected fields, priority, update_rate\)$/],
  ['an object without fields', '{ fields = [ { name = "hp" type = "count" } ] }', '{ priority = 1 }', /^bad:9: objects\.unit\.fields: missing$/],
  ['a zero update rate', 'unit = { fields', 'unit = { update_rate = 0 fields', /^bad:9: objects\.unit\.update_rate: must be positive, got 0$/],
  ['a message arg of an unknown type', '"count" "ratio"', '"count"\n"ration"', /^bad:13: messages\.rpc_a\.args\[2\]: unknown type 'ration'$/],
  ['an unknown key in a message', 'rpc_a = { args', 'rpc_a = { ordered = true args', /^bad:12: messages\.rpc_a\.ordered: unknown key \(expected args, session_bound, reliable, priority\)$/],
  ['a missing buffer size', 'reliable_send_buffer_size = 32768\n', '', /^bad:1: reliable_send_buffer_size: missing \(the reliable buffer size in bytes\)$/],
  ['a buffer size too small', 'reliable_receive_buffer_size = 32768', 'reliable_receive_buffer_size = 100', /^bad:2: reliable_receive_buffer_size: expected a whole number of bytes from 1024 to 67108864, got 100$/],
  ['a number given as a string', 'min = 0 max = 10', 'min = "0" max = 10', /^bad:4: types\.count\.min: expected a number, got "0"$/],
  ['a flag given as a string', 'rpc_a = { args', 'rpc_a = { session_bound = "no" args', /^bad:12: messages\.rpc_a\.session_bound: expected true or false, got string$/],
  ['args given as a string', 'args = [ "count" "ratio" ]', 'args = "count"', /^bad:12: messages\.rpc_a\.args: expected an array of type names, got string$/],
  ['a type name given as a number', '"count" "ratio"', '"count" 7', /^bad:12: messages\.rpc_a\.args\[2\]: expected a string, got number$/],
  ['fields given as a table', 'fields = [ { name = "hp" type = "count" } ]', 'fields = { hp = "count" }', /^bad:9: objects\.unit\.fields: expected an array of \{ name type \}, got object$/],
  ['a section given as an array', 'objects = {\n  unit = { fields = [ { name = "hp" type = "count" } ] }\n}', 'objects = []', /^bad:8: objects: expected a \{ \} table, got array$/],
  ['an unknown top-level key', 'messages = {', 'mesages = {', /^bad:11: mesages: unknown key \(expected one of reliable_send_buffer_size, /],
  ['a syntax error', 'types = {', 'types = {{', /^bad:3:10: expected a key, found '\{'$/],
];
for (const [name, from, to, message] of refusals) {
  test(`a bad config is refused naming the file, line and key path: ${name}`, (t) => {
    t.true(BASE.includes(from), `fixture text to replace: ${from}`);
    const root = tempProject({ 'bad.network_config': BASE.replace(from, to) });
    const error = t.throws(() => loadNetworkConfig(root, 'bad'), { instanceOf: NetworkConfigError });
    t.true(error!.message.startsWith(path.join(root, 'bad.network_config:')), error!.message);
    t.regex(error!.message.slice(root.length + 1).replace('bad.network_config', 'bad'), message);
  });
}

const hash = (text: string) => new NetworkConfig('x', text).hash;

test('the hash ignores whitespace, comments and the order of entries', (t) => {
  const base = hash(BASE);
  t.regex(base, /^[0-9a-f]{16}$/);
  t.is(hash(`// a comment\n/* another */${BASE.replaceAll('\n', '\n\n\t  ').replaceAll(' = ', ': ').replaceAll('" "', '", "')}`), base);
  const reordered = `messages = { rpc_a = { args = [ "count" "ratio" ] } }
objects = { unit = { fields = [ { type = "count" name = "hp" } ] } }
types = {
  ids = { max_size = 8 element = "count" type = "array" }
  ratio = { bits = 8 type = "float" max = 1 min = 0 }
  count = { type = "int" min = 0 max = 10 }
}
reliable_receive_buffer_size = 32768
reliable_send_buffer_size = 32768`;
  t.is(hash(reordered), base);
  // The real-size fixture with its messages and its objects listed backwards.
  const reverseEntries = (text: string, section: string): string => {
    const start = text.indexOf(`\n${section} = {\n`) + section.length + 6;
    const end = text.indexOf('\n}\n', start);
    const entries = text.slice(start, end).split(/\n(?=\t\w)/);
    return text.slice(0, start) + entries.reverse().join('\n') + text.slice(end);
  };
  const backwards = reverseEntries(reverseEntries(largeText, 'messages'), 'objects');
  t.not(backwards, largeText);
  t.is(hash(backwards), hash(largeText));
});

test('the hash changes when any type parameter, object field or message argument changes', (t) => {
  const base = hash(BASE);
  const changes: [string, string][] = [
    ['max = 10', 'max = 11'],
    ['min = 0 max = 10', 'min = 1 max = 10'],
    ['"int" min = 0 max = 10', '"int" min = 0 max = 10 bits = 5'],
    ['bits = 8', 'bits = 9'],
    ['bits = 8', 'bits = 8 tolerance = 0.1'],
    ['type = "float"', 'type = "vector3"'],
    ['max_size = 8', 'max_size = 9'],
    ['element = "count"', 'element = "ratio"'],
    ['ids = {', 'ids2 = {'],
    ['name = "hp"', 'name = "health"'],
    ['name = "hp" type = "count"', 'name = "hp" type = "ratio"'],
    ['{ name = "hp" type = "count" } ]', '{ name = "hp" type = "count" } { name = "mp" type = "count" } ]'],
    ['unit = { fields', 'unit = { update_rate = 10 fields'],
    ['unit = { fields', 'unit = { priority = 2 fields'],
    ['unit = {', 'units = {'],
    ['"count" "ratio"', '"ratio" "count"'],
    ['"count" "ratio"', '"count" "ratio" "ids"'],
    ['rpc_a = { args', 'rpc_a = { session_bound = false args'],
    ['rpc_a = { args', 'rpc_a = { reliable = false args'],
    ['rpc_a = {', 'rpc_b = {'],
    ['rpc_a = { args = [ "count" "ratio" ] }', 'rpc_a = { args = [ "count" "ratio" ] }\n  rpc_z = {}'],
    ['reliable_send_buffer_size = 32768', 'reliable_send_buffer_size = 65536'],
    ['types = {', 'network_type = "peer-to-peer"\ntypes = {'],
  ];
  const seen = new Set([base]);
  for (const [from, to] of changes) {
    t.true(BASE.includes(from), from);
    const changed = hash(BASE.replace(from, to));
    t.false(seen.has(changed), `${from} -> ${to}`);
    seen.add(changed);
  }
  // Fields and arguments name their types by position in name order: a type of the same
  // parameters under another name, or a type renamed everywhere, is still another config.
  const twin = BASE.replace('count = {', 'twin = { type = "int" min = 0 max = 10 }\n  count = {');
  t.not(hash(twin), base);
  t.not(hash(twin.replace('name = "hp" type = "count"', 'name = "hp" type = "twin"')), hash(twin));
  t.not(hash(twin.replace('"count" "ratio"', '"twin" "ratio"')), hash(twin));
  t.not(hash(BASE.replaceAll('"count"', '"tally"').replace('count = {', 'tally = {')), base);
});

test('the same files hash the same in another process', async (t) => {
  const script = tempProject({ 'hash.lua': 'print(Network.config_hash("global"))\nprint(Network.config_hash("large"))' });
  const result = await runCli(['run', path.join(script, 'hash.lua'), '--root', FIXTURES, '--frames', '1']);
  t.is(result.stdout, `${loadNetworkConfig(FIXTURES, 'global').hash}\n${loadNetworkConfig(FIXTURES, 'large').hash}\n`, result.stderr);
});
