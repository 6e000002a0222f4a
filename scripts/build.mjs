/**
 * `npm run build`: the package's compiled copy in dist/.
 *
 * - tsc compiles src/ (the library, with .d.ts) and scripts/cli.ts.
 * - lua/ is copied to dist/lua/, and the analyzer's page script next to the analyzer.
 * - The bin is the CLI bundled by esbuild into dist/src/cli/ (one file, plus one chunk per command
 *   module it imports lazily): loading ~100 modules one by one was a fifth of an empty run's
 *   start-up. The bundle sits at the depth of dist/src/<layer>/ so the paths the bundled modules
 *   take relative to their own file (../../lua, the package root) still hold.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => path.join(root, ...parts);

rmSync(at('dist'), { recursive: true, force: true });
execFileSync(process.execPath, [at('node_modules/typescript/bin/tsc'), '-p', at('tsconfig.build.json')], { stdio: 'inherit' });
cpSync(at('lua'), at('dist/lua'), { recursive: true });
const pageScript = 'src/analyzer/report_page.js';
cpSync(at(pageScript), at('dist', pageScript));
await build({
  entryPoints: [at('dist/scripts/cli.js')],
  outdir: at('dist/src/cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
// The analyzer's chunk reads the page script next to itself.
cpSync(at(pageScript), at('dist/src/cli/report_page.js'));
// The CLI's unbundled modules are in the bundle; dist/scripts would be a second copy.
rmSync(at('dist/scripts'), { recursive: true, force: true });
