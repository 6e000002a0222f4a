import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadNetworkConfig, NetworkConfig, NetworkConfigError } from '../src/core/network_config.js';
import { REPO_ROOT, runCli, tempProject } from './helpers/lua.js';

const LARGE = path.join(REPO_ROOT, 'test/fixtures/large.network_config');

const BASE = `reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  count = { type = "int" min = 0 max = 10 }
  ratio = { type = "float" min = 0 max = 1 bits = 8 }
}
objects = {
  unit = { fields = [ { name = "hp" type = "count" } ] }
}
messages = {
  rpc_a = { args = [ "count" "ratio" ] }
}
`;

test('a config of real size parses and builds, with lookups by name', (t) => {
  const config = new NetworkConfig(LARGE, readFileSync(LARGE, 'utf8'));
  t.is(config.types.size, 235);
  t.is(config.objects.size, 99);
  t.is(config.messages.size, 450);
  t.is(config.reliableSendBufferSize, 98304);
  t.is(config.objects.get('object_0')!.fields.length, 35);
  t.is(config.objects.get('object_0')!.fields[0]!.name, 'go_type');
  t.true([...config.messages.values()].some((m) => m.args.length === 20));
  t.true([...config.messages.values()].some((m) => !m.sessionBound));
  t.is(config.objectIdLimit, 65535);
});

test('resources resolve by name under the root, like the engine: "global", "settings/global"', (t) => {
  const root = tempProject({ 'global.network_config': BASE, 'settings/global.network_config': BASE.replace('max = 10', 'max = 11') });
  t.is(loadNetworkConfig(root, 'global').types.size, 2);
  t.not(loadNetworkConfig(root, 'settings/global').hash, loadNetworkConfig(root, 'global').hash);
  const missing = t.throws(() => loadNetworkConfig(root, 'nope'), { instanceOf: NetworkConfigError });
  t.regex(missing!.message, /network config resource 'nope' not found: no file '.*nope\.network_config'/);
});

/** Replace `from` by `to` in BASE and expect the config to be refused with `message` (a regex). */
const refusals: [string, string, string, RegExp][] = [
  ['an unknown type kind', '"int" min = 0 max = 10', '"integer" min = 0 max = 10', /^bad:4: types\.count\.type: unknown type kind 'integer' \(expected one of int, /],
  ['min above max', 'min = 0 max = 10', 'min = 10 max = 5', /^bad:4: types\.count\.min: min 10 is greater than max 5$/],
  ['an array of an unknown element', 'ratio = { type = "float" min = 0 max = 1 bits = 8 }', 'ratio = { type = "array" element = "nothing" max_size = 4 }', /^bad:5: types\.ratio\.element: unknown type 'nothing'$/],
  ['a type named twice', 'ratio = {', 'count = {', /^bad:5: types\.count: defined twice \(first on line 4\)$/],
  ['a field of an unknown type', 'type = "count" } ] }', 'type = "hp_type" } ] }', /^bad:8: objects\.unit\.fields\[1\]\.type: unknown type 'hp_type'$/],
  ['a message arg of an unknown type', '"count" "ratio"', '"count" "ration"', /^bad:11: messages\.rpc_a\.args\[2\]: unknown type 'ration'$/],
  ['a missing buffer size', 'reliable_send_buffer_size = 32768\n', '', /^bad:1: reliable_send_buffer_size: missing/],
  ['a value of the wrong kind', 'min = 0 max = 10', 'min = "0" max = 10', /^bad:4: types\.count\.min: expected a number, got "0"$/],
  ['an unknown parameter', 'bits = 8 }', 'bits = 8 colour = 1 }', /^bad:5: types\.ratio\.colour: not a parameter of float types \(expected min, max, bits, tolerance\)$/],
  ['too few bits for the range', 'min = 0 max = 10', 'min = 0 max = 10 bits = 3', /^bad:4: types\.count\.bits: 3 bits cannot hold 0\.\.10 \(needs 4\)$/],
  ['an unknown top-level key', 'messages = {', 'mesages = {', /^bad:10: mesages: unknown key/],
  ['a field named twice', '{ name = "hp" type = "count" } ]', '{ name = "hp" type = "count" } { name = "hp" type = "count" } ]', /^bad:8: objects\.unit\.fields\[2\]\.name: field 'hp' defined twice$/],
  ['a syntax error', 'types = {', 'types = {{', /^bad:3:10: expected a key, found '\{'$/],
];
for (const [name, from, to, message] of refusals) {
  test(`a bad config is refused naming the file, line and key path: ${name}`, (t) => {
    t.true(BASE.includes(from), `fixture text to replace: ${from}`);
    const root = tempProject({ 'bad.network_config': BASE.replace(from, to) });
    const error = t.throws(() => loadNetworkConfig(root, 'bad'), { instanceOf: NetworkConfigError });
    t.regex(error!.message.replace(/^.*\/bad\.network_config/, 'bad'), message);
  });
}

test('the hash ignores whitespace, comments and entry order, and changes with any type, object or message', (t) => {
  const hash = (text: string) => new NetworkConfig('x', text).hash;
  const base = hash(BASE);
  t.regex(base, /^[0-9a-f]{16}$/);
  t.is(hash(`// a comment\n${BASE.replaceAll('\n', '\n\n  ').replaceAll(' = ', ': ')}`), base);
  const reordered = BASE.replace(
    '  count = { type = "int" min = 0 max = 10 }\n  ratio = { type = "float" min = 0 max = 1 bits = 8 }',
    '  ratio = { bits = 8 type = "float" max = 1 min = 0 }\n  count = { type = "int" min = 0 max = 10 }',
  );
  t.is(hash(reordered), base);
  for (const [from, to] of [
    ['max = 10', 'max = 11'],
    ['bits = 8', 'bits = 9'],
    ['name = "hp"', 'name = "health"'],
    ['"count" "ratio"', '"ratio" "count"'],
    ['rpc_a = { args', 'rpc_a = { session_bound = false args'],
    ['reliable_send_buffer_size = 32768', 'reliable_send_buffer_size = 65536'],
  ]) {
    t.not(hash(BASE.replace(from!, to!)), base, `${from} -> ${to}`);
  }
});

test('the same config hashes the same in another process', async (t) => {
  const root = tempProject({ 'global.network_config': BASE, 'hash.lua': 'print(Network.config_hash("global"))' });
  const result = await runCli(['run', path.join(root, 'hash.lua'), '--frames', '1']);
  t.is(result.stdout, `${new NetworkConfig('x', BASE).hash}\n`, result.stderr);
});
