/**
 * Start-up of `stingray-net run` on an empty script against the floor: Node importing wasmoon and
 * running one chunk. Each is a fresh process spawned the same way, timed in turns; the figure is the
 * ratio of their medians. The sources run through tsx are shown too (how the bin ran before it was compiled).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median, printTable, ROOT } from './measure.js';

const ROUNDS = 11;

const FLOOR = "const { LuaFactory } = await import('wasmoon'); const lua = await new LuaFactory().createEngine(); lua.doStringSync('return 1'); lua.global.close();";

/** Milliseconds from spawn to exit of `node <args>` (which must succeed). */
function spawnMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

export function benchStartup(): void {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'stingray-net-bench-'));
  const empty = path.join(dir, 'empty.lua');
  writeFileSync(empty, '');
  const runs = {
    floor: ['--input-type=module', '-e', FLOOR],
    compiled: [path.join(ROOT, 'dist/src/cli/cli.js'), 'run', empty],
    sources: ['--import=tsx', path.join(ROOT, 'scripts/cli.ts'), 'run', empty],
  };
  const samples = { floor: [] as number[], compiled: [] as number[], sources: [] as number[] };
  for (const args of Object.values(runs)) spawnMs(args);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of Object.entries(runs)) samples[name as keyof typeof runs].push(spawnMs(args));
  }
  rmSync(dir, { recursive: true, force: true });
  const floor = median(samples.floor);
  const row = (what: string, ms: number[]) => [what, `${median(ms).toFixed(0)} ms`, `${(median(ms) / floor).toFixed(2)}×`];
  printTable(`Start-up: a fresh process to exit, median of ${ROUNDS} in turns (target: stingray-net run ≤ 1.5× the floor)`, ['what', 'time', 'vs floor'], [
    row('floor: node importing wasmoon, one chunk', samples.floor),
    row('stingray-net run empty.lua (compiled, the bin)', samples.compiled),
    row('the same from the sources through tsx', samples.sources),
  ]);
}
