/**
 * The package as a new user installs it: `npm pack`, then the tarball installed into a fresh project
 * with no network (the runtime dependencies are packed from node_modules, as npm ci left them).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './helpers/lua.js';

const exec = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('the packed tarball installs offline into a fresh project: import works, the bin runs compiled JavaScript, tsx is not a dependency, the types compile strictly', async (t) => {
  t.timeout(10 * 60_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'stingray-net-package-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const inProject = (command: string, args: string[]) => exec(command, args, { cwd: dir, maxBuffer: 16 << 20 });

  // npm pack runs prepack (the build); --json lists what the tarball holds.
  const packed = JSON.parse((await exec(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, maxBuffer: 16 << 20 })).stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]!.files.map((f) => f.path);
  t.false(files.some((f) => /^(test|bench|\.ci|src|scripts)\//.test(f)), 'no sources, tests, benches or CI files');
  for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/cli.js', 'dist/lua/prelude.lua', 'package.json']) t.true(files.includes(file), file);

  const runtime = (await exec(NPM, ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO_ROOT })).stdout.trim().split('\n').slice(1);
  const deps = JSON.parse((await exec(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir, ...runtime], { cwd: REPO_ROOT })).stdout) as { filename: string }[];
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, type: 'module' }));
  await inProject(NPM, ['install', '--offline', '--no-audit', '--no-fund', ...[...deps, ...packed].map((p) => `./${p.filename}`)]);

  const imported = await inProject(process.execPath, ['-e', "const m = await import('stingray-network'); console.log(typeof m.NetworkPeer, typeof m.loadNetworkConfig)", '--input-type=module']);
  t.is(imported.stdout, 'function function\n');
  const version = await inProject(NPM, ['exec', '--offline', '--', 'stingray-net', '--version']);
  t.is(version.stdout, `${VERSION}\n`);
  writeFileSync(path.join(dir, 'boot.lua'), 'print(Network ~= nil) Application.quit()\n');
  const run = await inProject(NPM, ['exec', '--offline', '--', 'stingray-net', 'run', 'boot', '--network-log', 'boot.log']);
  t.is(run.stdout, 'true\n', 'the bin finds its lua/ files');
  await inProject(NPM, ['exec', '--offline', '--', 'stingray-net', 'analyze', 'boot.log']);
  t.regex(readFileSync(path.join(dir, 'boot.html'), 'utf8'), /uPlot/, 'the analyzer finds its page script and uPlot');
  const tsx = await inProject(NPM, ['ls', 'tsx', '--omit=dev', '--parseable']).catch((error: { stdout: string }) => error);
  t.is(tsx.stdout.trim(), '', 'tsx is not installed for users');

  // A consumer compiling against the published .d.ts with strict settings and without skipLibCheck.
  writeFileSync(path.join(dir, 'main.ts'), "import { NetworkPeer, loadNetworkConfig, type NetworkPeerOptions } from 'stingray-network';\nexport const used: [typeof NetworkPeer, typeof loadNetworkConfig, NetworkPeerOptions | undefined] = [NetworkPeer, loadNetworkConfig, undefined];\n");
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, strict: true, skipLibCheck: false,
      exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noPropertyAccessFromIndexSignature: true, erasableSyntaxOnly: true, verbatimModuleSyntax: true,
      typeRoots: [path.join(REPO_ROOT, 'node_modules/@types')], types: ['node'],
    },
    files: ['main.ts'],
  }));
  const tsc = await inProject(process.execPath, [path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.']).catch((error: { stdout: string }) => error);
  t.is(tsc.stdout, '', 'no type errors');
});
