import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './helpers/lua.js';

const TYPEDOC = path.join(REPO_ROOT, 'node_modules/typedoc/bin/typedoc');
const CATEGORIES = ['Session', 'Config', 'Transport', 'Lobby', 'Platform', 'Analyzer'];

/** Run typedoc with `args` (and typedoc.json); its exit code and everything it printed. */
async function typedoc(args: string[]): Promise<{ code: number; output: string }> {
  return promisify(execFile)(process.execPath, [TYPEDOC, ...args], { cwd: REPO_ROOT, maxBuffer: 16 << 20 }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

test('the TypeScript API documentation builds without warnings, every export in one of the guide\'s categories', async (t) => {
  // typedoc.json treats warnings as errors: an undocumented public member, or a public type that
  // refers to one left out, fails this.
  const dir = mkdtempSync(path.join(tmpdir(), 'stingray-typedoc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const json = path.join(dir, 'api.json');
  const result = await typedoc(['--json', json, '--out', path.join(dir, 'html')]);
  t.is(result.code, 0, result.output);
  t.notRegex(result.output, /warning/i);
  const project = JSON.parse(readFileSync(json, 'utf8')) as { children: { id: number; name: string }[]; categories: { title: string; children: number[] }[] };
  const categoryOf = new Map(project.categories.flatMap((c) => c.children.map((id) => [id, c.title] as const)));
  const uncategorized = project.children.filter((c) => !CATEGORIES.includes(categoryOf.get(c.id) ?? '')).map((c) => `${c.name}: ${categoryOf.get(c.id) ?? 'none'}`);
  t.deepEqual(uncategorized, []);
  t.true(project.children.some((c) => c.name === 'NetworkPeer'));
  t.false(project.children.some((c) => c.name === 'GameSession' || c.name === 'LuaBridge'), 'internals stay out of the public API');
});

test('an undocumented public member fails the documentation build', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stingray-typedoc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'index.ts'), '/**\n * Documented.\n *\n * @category Session\n */\nexport class Documented {\n  undocumented(): void {}\n}\n');
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', target: 'ES2022' }, files: ['index.ts'] }));
  const result = await typedoc(['--entryPoints', path.join(dir, 'index.ts'), '--tsconfig', path.join(dir, 'tsconfig.json'), '--emit', 'none']);
  t.not(result.code, 0);
  t.regex(result.output, /Documented\.undocumented .*does not have any documentation/);
});
