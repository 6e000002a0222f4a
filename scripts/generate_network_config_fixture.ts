/**
 * Writes test/fixtures/large.network_config: a config of the size and shape shipped games use
 * (../shared/spec/real-usage.md §3.1): 234 types (131 int, 41 float, 6 vector3, 2 quaternion, 45
 * arrays, 4 strings, 3 int64, 2 bool), 99 objects of 1–35 fields whose first is `go_type`, 450
 * messages of 0–20 arguments, 108 of them not session-bound. A fixed seed makes it the same on every
 * run; the suite checks that the committed file is what this script writes.
 *
 *   node --import=tsx scripts/generate_network_config_fixture.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/core/base/random.js';

export const LARGE_CONFIG_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/large.network_config');

/** The text of the fixture. */
export function largeNetworkConfigText(): string {
  const random = new Random(2026);
  const chance = (p: number): boolean => random.next() < p;
  const between = (lo: number, hi: number): number => lo + Math.floor(random.next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[between(0, items.length - 1)]!;
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = between(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };

  const types: string[] = [];
  const byKind = new Map<string, string[]>();
  const declare = (name: string, kind: string, params = ''): void => {
    types.push(`\t${name} = { type = "${kind}"${params ? ` ${params}` : ''} }`);
    byKind.set(kind, [...(byKind.get(kind) ?? []), name]);
  };

  // int: min/max only, the width from the range. 1–8 bits for 95, 9–16 for 30, wider for 6; 10 signed.
  declare('game_object_id', 'int', 'min = 0 max = 65535');
  declare('lookup', 'int', 'min = 1 max = 4096');
  declare('ping', 'int', 'min = 0 max = 1023');
  declare('uint_32', 'int', `min = 0 max = ${2 ** 31 - 1}`);
  declare('int_32', 'int', `min = ${-(2 ** 31)} max = ${2 ** 31 - 1}`);
  declare('wounds', 'int', 'min = -1 max = 6');
  declare('local_player_id', 'int', 'min = 0 max = 15');
  const widths = [...Array.from({ length: 93 }, () => between(1, 8)), ...Array.from({ length: 27 }, () => between(9, 16)), 19, 21, 21, 32];
  widths.forEach((bits, i) => {
    const span = 2 ** bits - 1;
    const min = i % 15 === 7 ? -Math.floor(span / 2) - 1 : chance(0.3) ? 1 : 0;
    declare(`int_type_${i}`, 'int', `min = ${min} max = ${min + span}`);
  });

  // float: min/max, bits on 25 of 41, tolerance on 7.
  declare('damage', 'float', 'min = 0 max = 255.75 bits = 10');
  declare('health', 'float', 'min = 0 max = 8191.5 bits = 15');
  declare('clock_time', 'float', 'min = 0 max = 36000 bits = 20');
  declare('percentage', 'float', 'min = 0 max = 1 bits = 20 tolerance = 0.001');
  declare('speed', 'float', 'min = -250 max = 250');
  for (let i = 0; i < 36; i++) {
    const max = pick([1, 2, 100, 180, 360, 1000, 8191.5, 36000]);
    const min = chance(0.3) ? -max : 0;
    const bits = i < 21 ? ` bits = ${between(6, 20)}` : '';
    const tolerance = i % 6 === 1 ? ` tolerance = ${pick([0.01, 0.05, 0.5])}` : '';
    declare(`float_type_${i}`, 'float', `min = ${min} max = ${max}${bits}${tolerance}`);
  }

  declare('position', 'vector3', 'min = -655.35 max = 655.35 bits = 17 tolerance = 0.01');
  declare('velocity', 'vector3', 'min = -250 max = 250 bits = 19 tolerance = 0.05');
  declare('enemy_velocity', 'vector3', 'min = -81.9 max = 81.9 bits = 15 tolerance = 0.005');
  declare('direction', 'vector3', 'min = -1.01 max = 1.01 bits = 20 tolerance = 0.001');
  declare('offset', 'vector3', 'min = -20 max = 20 bits = 14');
  declare('local_position', 'vector3', 'min = -50 max = 50 bits = 16 tolerance = 0.01');
  declare('rotation', 'quaternion', 'bits = 19');
  declare('enemy_rotation', 'quaternion', 'bits = 16 tolerance = 0.05');
  declare('peer_id', 'int64');
  declare('lobby_id', 'int64');
  declare('hash', 'int64');
  declare('bool', 'bool');
  declare('flag', 'bool');
  for (const name of ['string', 'lobby_to_join', 'text_0', 'text_1']) declare(name, 'string');

  // array: 45, max_size 3..1024 (median 10); elements 31 int, 6 float, 3 int64, 2 string, 2 vector3, 1 bool.
  const arrayOf = (name: string, element: string, maxSize: number): void => declare(name, 'array', `element = "${element}" max_size = ${maxSize}`);
  arrayOf('peer_id_table', 'peer_id', 8);
  arrayOf('position_array', 'position', 15);
  arrayOf('weight_array', 'float_type_0', 1024);
  arrayOf('game_object_id_array', 'game_object_id', 128);
  const elements = [...byKind.get('int')!.slice(1, 31), ...byKind.get('float')!.slice(1, 6), 'lobby_id', 'hash', 'string', 'lobby_to_join', 'velocity', 'bool'];
  elements.forEach((element, i) => arrayOf(`array_${i}`, element, pick([3, 4, 5, 8, 10, 10, 10, 12, 16, 20, 32, 64, 128, 1024])));

  // objects: 99, the first field `go_type`; fields mostly int, then vector3, float, bool, quaternion, array, int64.
  const fieldKinds: [string, number][] = [['int', 546], ['vector3', 144], ['float', 114], ['bool', 50], ['quaternion', 49], ['array', 48], ['int64', 11]];
  const totalWeight = fieldKinds.reduce((sum, [, weight]) => sum + weight, 0);
  const fieldType = (): string => {
    let roll = random.next() * totalWeight;
    const [kind] = fieldKinds.find(([, weight]) => (roll -= weight) < 0) ?? fieldKinds[0]!;
    return pick(byKind.get(kind)!);
  };
  const rates = shuffle([...Array<number>(80).fill(1), ...Array<number>(13).fill(10), ...Array<number>(4).fill(3)]);
  const objectSpecs: { name: string; fields: number; rate: number }[] = [
    { name: 'player_unit', fields: 35, rate: 0.05 },
    { name: 'player_unit_health', fields: 4, rate: 0.05 },
    { name: 'player_bot_unit', fields: 34, rate: rates.pop()! },
    ...rates.map((rate, i) => ({ name: `object_${i}`, fields: pick([1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 9, 10, 11, 11, 12, 14, 16, 20, 25]), rate })),
  ];
  const objects = objectSpecs.map(({ name, fields, rate }, i) => {
    const lines = ['\t\t\t{ name = "go_type" type = "lookup" }'];
    for (let f = 1; f < fields; f++) lines.push(`\t\t\t{ name = "field_${f}" type = "${fieldType()}" }`);
    return `\t${name} = {\n\t\tpriority = ${i === 5 ? 2 : 1}\n\t\tupdate_rate = ${rate}\n\t\tfields = [\n${lines.join('\n')}\n\t\t]\n\t}`;
  });

  // messages: 450; arguments 0 (30), 1 (108), 2 (113), 3 (65), 4 (50), 5 (31), 6 (19), 7–20 (34, two of 20).
  const counts = [[0, 30], [1, 108], [2, 113], [3, 65], [4, 50], [5, 31], [6, 19]].flatMap(([argc, n]) => Array<number>(n!).fill(argc!));
  counts.push(20, 20, ...Array.from({ length: 32 }, () => between(7, 19)));
  const sessionBound = shuffle([...Array<boolean>(342).fill(true), ...Array<boolean>(108).fill(false)]);
  const allTypes = [...byKind.values()].flat();
  const messages = shuffle(counts).map((argc, i) => {
    const args = Array.from({ length: argc }, () => `"${pick(allTypes)}"`).join(' ');
    return `\trpc_message_${i} = { session_bound = ${sessionBound[i]} args = [${args}] }`;
  });

  return `// Generated by scripts/generate_network_config_fixture.ts: the shape of a shipped game's config.
reliable_send_buffer_size = 98304
reliable_receive_buffer_size = 32768
types = {
${types.join('\n')}
}
objects = {
${objects.join('\n')}
}
messages = {
${messages.join('\n')}
}
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = largeNetworkConfigText();
  writeFileSync(LARGE_CONFIG_FILE, text);
  console.log(`wrote ${LARGE_CONFIG_FILE}: ${text.length} bytes`);
}
