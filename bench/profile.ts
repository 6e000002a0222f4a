/**
 * `npm run profile`: where the replication scene of the bench spends its CPU, by function. The
 * sources are compiled with tsc first: under tsx a module is one line, so a profile of it cannot
 * name where a function is. (A table by source line was dropped: V8 gives an inlined function's
 * ticks to lines of the function it was inlined into, so it blamed lines such as declarations.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProject } from './compiled.js';
import { printTable } from './measure.js';

const FRAMES = 4000;
const SHOWN = 20;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** In the compiled copy: run the bench's scene for `FRAMES` frames under the profiler. */
async function runScene(): Promise<void> {
  const { Scene } = await import('./scene.js');
  const scene = new Scene(3, 1000);
  for (let frame = 0; frame < FRAMES; frame++) {
    scene.frame(scene.move(0.3));
  }
}

function profile(): void {
  const { out, remove } = compileProject();
  const profiles = path.join(out, 'profiles');
  const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profiles}`, path.join(out, 'bench', 'profile.js'), '--run'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`the profiled run failed with status ${run.status}`);
  const file = fs.readdirSync(profiles)[0]!;
  const { nodes, samples } = JSON.parse(fs.readFileSync(path.join(profiles, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const hits = new Map<number, number>();
  for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const share = (n: number) => `${((n / samples.length) * 100).toFixed(1)}%`;
  const where = (url: string) => (url.startsWith('file://') ? path.relative(out, fileURLToPath(url)) : url);

  const byFunction = new Map<string, number>();
  for (const node of nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'}  ${where(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + (hits.get(node.id) ?? 0));
  }
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
  printTable(`Replication scene (bench/scene.ts), ${FRAMES} frames: self time by function`, ['share', 'function  compiled file:line'], top.map(([key, n]) => [share(n), key]));
  remove();
}

if (process.argv.includes('--run')) await runScene();
else profile();
