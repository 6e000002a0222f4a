/**
 * `.network_config`: parse + build time of a config of real size (target under 50 ms), and the
 * encode/decode cost of one typical replicated object.
 */
import { readFileSync } from 'node:fs';
import { BitReader } from '../src/core/bit_reader.js';
import { BitWriter } from '../src/core/bit_writer.js';
import { NetworkConfig } from '../src/core/network_config.js';
import type { WireValue } from '../src/core/network_type.js';
import { formatNs, median, nsPerOp, printTable } from './measure.js';

export function benchNetworkConfig(): void {
  const file = 'test/fixtures/large.network_config';
  const text = readFileSync(file, 'utf8');
  const first = performance.now();
  const config = new NetworkConfig(file, text);
  const cold = performance.now() - first;
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    new NetworkConfig(file, text);
    warm.push(performance.now() - start);
  }

  const unit = new NetworkConfig(
    'unit',
    `reliable_send_buffer_size = 32768
reliable_receive_buffer_size = 32768
types = {
  lookup = { type = "int" min = 1 max = 4096 }
  position = { type = "vector3" min = -655.35 max = 655.35 bits = 17 tolerance = 0.01 }
  rotation = { type = "quaternion" bits = 19 }
  health = { type = "float" min = 0 max = 8191.5 bits = 15 }
  peer_id = { type = "int64" }
}
objects = { player_unit = { fields = [
  { name = "go_type" type = "lookup" } { name = "position" type = "position" } { name = "rotation" type = "rotation" }
  { name = "health" type = "health" } { name = "owner" type = "peer_id" }
] } }`,
  ).objects.get('player_unit')!;
  const values: WireValue[] = [12, [1.5, -20.25, 3], [0, 0, 0.3826834, 0.9238795], 100.5, '110000100000000'];
  let bytes: Uint8Array = new Uint8Array();
  const encode = nsPerOp((n) => {
    for (let i = 0; i < n; i++) {
      const w = new BitWriter();
      unit.fields.forEach((field, f) => field.type.encode(w, values[f]!));
      bytes = w.finish();
    }
  }, 100_000);
  const decode = nsPerOp((n) => {
    for (let i = 0; i < n; i++) {
      const r = new BitReader(bytes);
      for (const field of unit.fields) field.type.decode(r);
    }
  }, 100_000);

  printTable('.network_config (a generated config of real size: 235 types, 99 objects, 450 messages)', ['what', 'time'], [
    ['parse + build, first (cold)', `${cold.toFixed(1)} ms`],
    ['parse + build, median of 10', `${median(warm).toFixed(1)} ms`],
    [`encode a player_unit (${unit.fields.length} fields, ${bytes.length} bytes)`, formatNs(encode)],
    ['decode it', formatNs(decode)],
  ]);
  console.log(`parse + build: ${median(warm).toFixed(1)} ms (cold ${cold.toFixed(1)} ms); target under 50 ms; ${config.types.size} types`);
}
