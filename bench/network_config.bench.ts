/**
 * `.network_config`: parse + build time of a config of real size (target under 50 ms), and the
 * encode/decode throughput of test/fixtures/global.network_config's `player_unit` (lookup, position,
 * rotation, health, owner peer id), field by field as replication writes it.
 *
 * The build that counts is a process's first (a host loads its config once, at start-up, while V8
 * still interprets the code): it is timed in fresh processes, in turns, from the sources through
 * tsx and compiled (esbuild, as the bin is), besides the warm median in this process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { LARGE_CONFIG_FILE } from '../scripts/generate_network_config_fixture.js';
import { BitReader } from '../src/core/wire/bit_reader.js';
import { BitWriter } from '../src/core/wire/bit_writer.js';
import { NetworkConfig } from '../src/core/config/network_config.js';
import type { WireValue } from '../src/core/config/network_type.js';
import { parseSjson } from '../src/core/config/sjson.js';
import { formatNs, median, nsPerOp, printTable, ROOT } from './measure.js';

const RUNS = 15;
const OBJECTS = 200_000;
const CONFIG_MODULE = path.join(ROOT, 'src/core/config/network_config.ts');

/** Milliseconds of the first run and the median of the next RUNS. */
function timeMs(run: () => void): { first: number; median: number } {
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return { first: times[0]!, median: median(times.slice(1)) };
}

/** Milliseconds of the first build of the large fixture in a fresh process importing `module` (with `nodeArgs`). */
function firstBuildMs(module: string, nodeArgs: string[]): number {
  const script = `const { NetworkConfig } = await import(${JSON.stringify(pathToFileURL(module).href)});
const text = (await import('node:fs')).readFileSync(${JSON.stringify(LARGE_CONFIG_FILE)}, 'utf8');
const start = performance.now();
new NetworkConfig('large', text);
console.log(performance.now() - start);`;
  const result = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`first build in a fresh process failed: ${result.stderr}`);
  return Number(result.stdout);
}

/** First builds in RUNS fresh processes each, in turns: from the sources through tsx, and compiled. */
function firstBuilds(): { sources: number[]; compiled: number[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'stingray-net-bench-'));
  try {
    const compiled = path.join(dir, 'network_config.js');
    buildSync({ entryPoints: [CONFIG_MODULE], outfile: compiled, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
    const samples = { sources: [] as number[], compiled: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      samples.sources.push(firstBuildMs(CONFIG_MODULE, ['--import=tsx']));
      samples.compiled.push(firstBuildMs(compiled, []));
    }
    return samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `24.1 ms (19.8–31.0)`: the median and range of some milliseconds. */
function msRange(ms: number[]): string {
  return `${median(ms).toFixed(1)} ms (${Math.min(...ms).toFixed(1)}–${Math.max(...ms).toFixed(1)})`;
}

export function benchNetworkConfig(): void {
  const text = readFileSync(LARGE_CONFIG_FILE, 'utf8');
  let large!: NetworkConfig;
  const build = timeMs(() => (large = new NetworkConfig(LARGE_CONFIG_FILE, text)));
  const first = firstBuilds();
  const parse = timeMs(() => parseSjson(text, LARGE_CONFIG_FILE));

  const globalFile = path.join(path.dirname(LARGE_CONFIG_FILE), 'global.network_config');
  const unit = new NetworkConfig(globalFile, readFileSync(globalFile, 'utf8')).objects.get('player_unit')!;
  const values: WireValue[] = [12, [1.5, -20.25, 3], [0, 0, 0.3826834, 0.9238795], 100.5, '110000100000000'];
  const writer = new BitWriter();
  let bytes: Uint8Array = new Uint8Array();
  const encode = nsPerOp((n) => {
    for (let i = 0; i < n; i++) {
      writer.reset();
      for (let f = 0; f < values.length; f++) unit.fields[f]!.type.encode(writer, values[f]!);
      bytes = writer.finish();
    }
  }, OBJECTS);
  const decode = nsPerOp((n) => {
    for (let i = 0; i < n; i++) {
      const reader = new BitReader(bytes);
      for (const field of unit.fields) field.type.decode(reader);
    }
  }, OBJECTS);
  const declaredBits = unit.fields.reduce((sum, field) => sum + field.type.bits!, 0);
  const perSecond = (ns: number): string => `${formatNs(ns)} (${((1e9 / ns) / 1e6).toFixed(2)} M objects/s)`;

  printTable(`.network_config (generated, real size: ${large.types.size} types, ${large.objects.size} objects, ${large.messages.size} messages, ${(text.length / 1024).toFixed(0)} KB)`, ['what', 'time'], [
    [`parse + build, first in a fresh process, median (range) of ${RUNS}, through tsx (target under 50 ms)`, msRange(first.sources)],
    ['the same compiled (esbuild)', msRange(first.compiled)],
    [`parse + build in this process: first / median of the next ${RUNS}`, `${build.first.toFixed(1)} ms / ${build.median.toFixed(1)} ms`],
    ['of which SJSON parse, median', `${parse.median.toFixed(1)} ms`],
    [`encode one player_unit (${unit.fields.length} fields, ${declaredBits} bits declared, ${bytes.length} bytes)`, perSecond(encode)],
    ['decode it', perSecond(decode)],
  ]);
}
