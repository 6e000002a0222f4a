/**
 * The project compiled by tsc into a temporary folder, as the package ships its library: for figures
 * that must not measure tsx's development transform (`npm run profile`, and the replication bench,
 * whose other side runs its published build).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './measure.js';

/** Compile the project into a new temporary folder (removed by `remove`), packages linked. */
export function compileProject(): { out: string; remove: () => void } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stingray-net-compiled-'));
  const remove = (): void => fs.rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', 'false', '--allowImportingTsExtensions', 'false', '--sourceMap', 'false', '--outDir', out, '-p', ROOT], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    remove();
    throw new Error('tsc failed: see above');
  }
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'));
  return { out, remove };
}
