/**
 * Every Lua code block in docs/ is an example that runs. A block runs alone through the real runner
 * (on the network simulator, with docs/examples/ as its resource root, so `"global"` is
 * docs/examples/global.network_config), and must exit with 0. A first line `-- peers: N` runs it as N
 * peers. It runs on both VMs, or, with a first line `-- vm: NAME` (a page showing a difference), only
 * on that one. An ```output block right after it is the exact output it must print. A ```ts block that
 * imports 'stingray-network' runs as a module through tsx, the package being this checkout's src/index.ts.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseRunOptions } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';
import { REPO_ROOT, tempProject } from './helpers/lua.js';
import { testVms } from './helpers/vms.js';

const DOCS = path.join(REPO_ROOT, 'docs');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'api' ? [] : markdownFiles(file);
    return name.endsWith('.md') ? [file] : [];
  });
}

interface Example {
  file: string;
  line: number;
  code: string;
  output: string | undefined;
}

function examplesIn(file: string, language: 'lua' | 'ts'): Example[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```' + language) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    let next = end + 1;
    while (next < lines.length && lines[next]!.trim() === '') next++;
    let output: string | undefined;
    if (lines[next]?.trim() === '```output') {
      let close = next + 1;
      while (close < lines.length && lines[close]!.trim() !== '```') close++;
      output = lines.slice(next + 1, close).join('\n') + '\n';
    }
    found.push({ file, line: start, code: lines.slice(start, end).join('\n'), output });
    i = end;
  }
  return found;
}

const examples = markdownFiles(DOCS).flatMap((file) => examplesIn(file, 'lua'));
// A TypeScript block that imports the package is a whole program; other ts blocks are excerpts.
const typescriptExamples = markdownFiles(DOCS).flatMap((file) => examplesIn(file, 'ts')).filter((example) => example.code.includes("from 'stingray-network'"));

test('the docs have runnable examples', (t) => {
  t.true(examples.length >= 10, `${examples.length} Lua examples found`);
});

for (const example of examples) {
  const where = `${path.relative(REPO_ROOT, example.file)}:${example.line}`;
  const only = /^-- vm: (\w+)/.exec(example.code)?.[1];
  for (const vm of testVms().filter((candidate) => only === undefined || candidate.name === only)) {
    test(vm.title(`docs example ${where} runs${example.output !== undefined ? ' and prints what the page says' : ''}`), async (t) => {
      const dir = tempProject({ 'example.lua': example.code });
      copyFileSync(path.join(DOCS, 'examples/global.network_config'), path.join(dir, 'global.network_config'));
      const peers = /^-- peers: (\d+)/.exec(example.code)?.[1];
      const options = parseRunOptions([path.join(dir, 'example.lua'), '--root', dir, '--simulate', 'perfect', '--seed', '1', '--frames', '900', ...(peers ? ['--peers', peers] : []), ...vm.flags]);
      let stdout = '';
      let stderr = '';
      const code = await runScripts(options, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
      t.is(code, 0, `${where}: ${stderr}`);
      if (example.output !== undefined) t.is(stdout, example.output, where);
    });
  }
}

test('the docs have runnable TypeScript examples', (t) => {
  t.true(typescriptExamples.length >= 1, `${typescriptExamples.length} TypeScript examples found`);
});

for (const example of typescriptExamples) {
  const where = `${path.relative(REPO_ROOT, example.file)}:${example.line}`;
  test(`docs TypeScript example ${where} runs${example.output !== undefined ? ' and prints what the page says' : ''}`, async (t) => {
    const dir = tempProject({ 'example.mts': example.code.replaceAll("from 'stingray-network'", `from '${path.join(REPO_ROOT, 'src/index.ts')}'`) });
    const file = path.join(dir, 'example.mts');
    // Rejects (failing the test) when the example exits with an error.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', file], { cwd: REPO_ROOT });
    if (example.output !== undefined) t.is(stdout, example.output, where);
    else t.pass();
  });
}

test('the TypeScript example drives two peers without Lua', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', path.join(DOCS, 'examples/typescript_peers.ts')], { cwd: REPO_ROOT });
  t.is(
    stdout,
    'guest joined the lobby; members: a1, b2\nguest is in the session of a1\nguest sees ball 1 owned by a1 at x = 30.00\nguest\'s events: objectCreated\n',
  );
});
