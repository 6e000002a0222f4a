/**
 * The source tree keeps its shape: a folder is a layer and imports point down (DEVELOPERS.md,
 * "Layout"), and no function in src/bindings/ grows past a screenful.
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** Each layer and the layers it may import (besides itself), as in DEVELOPERS.md's table. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'core/base': [],
  'core/wire': ['core/base'],
  'core/config': ['core/base', 'core/wire'],
  'core/transport': ['core/base', 'core/wire'],
  'core/session': ['core/base', 'core/wire', 'core/config', 'core/transport'],
  'core/lobby': ['core/base', 'core/wire', 'core/config', 'core/transport'],
  'core/platform': ['core/base', 'core/wire', 'core/config', 'core/transport', 'core/session', 'core/lobby'],
  bridge: ['core/base', 'core/wire', 'core/config'],
  bindings: ['core', 'bridge'],
  analyzer: ['core'],
  runner: ['core', 'bridge', 'bindings', 'analyzer'],
  api: ['core'],
  '.': ['core', 'bridge', 'bindings', 'analyzer', 'runner', 'api'],
};

/** Lines a function in src/bindings/ may span. */
const MAX_FUNCTION_LINES = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The layer of a file: `core/<room>` inside src/core, else its top folder under src ('.' for src itself). */
function layerOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  if (parts.length === 1) return '.';
  return parts[0] === 'core' ? `core/${parts[1]}` : parts[0]!;
}

const within = (layer: string, allowed: string): boolean => layer === allowed || layer.startsWith(`${allowed}/`);

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every `import ... from './x.js'` and `export ... from` of the file, as absolute paths. */
function importsOf(source: ts.SourceFile): string[] {
  return source.statements.flatMap((statement) => {
    const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return [];
    return [path.resolve(path.dirname(source.fileName), specifier.text)];
  });
}

function layerViolations(sources: readonly ts.SourceFile[]): string[] {
  return sources.flatMap((source) => {
    const file = source.fileName;
    const from = layerOf(file);
    const allowed = MAY_IMPORT[from];
    if (!allowed) return [`${path.relative(SRC, file)}: folder ${from} is not a layer of DEVELOPERS.md's table`];
    return importsOf(source)
      .filter((target) => {
        const to = layerOf(target);
        return to !== from && !allowed.some((a) => within(to, a));
      })
      .map((target) => `${path.relative(SRC, file)} (${from}) imports ${path.relative(SRC, target)} (${layerOf(target)})`);
  });
}

/** Functions of `source` longer than the limit, with where they start and their length. */
function longFunctions(source: ts.SourceFile): { where: string; name: string; lines: number }[] {
  const found: { where: string; name: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : `(function at line ${start + 1})`;
        found.push({ where: `${path.relative(SRC, source.fileName)}:${start + 1}`, name, lines });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('imports point down the layers of DEVELOPERS.md', (t) => {
  t.deepEqual(layerViolations(sourceFiles(SRC).map(parse)), []);
});

test('the layer check names an upward import and lets a downward one pass', (t) => {
  const source = (file: string, text: string): ts.SourceFile => ts.createSourceFile(path.join(SRC, file), text, ts.ScriptTarget.Latest, true);
  t.deepEqual(layerViolations([source('core/wire/bits.ts', "import type { LuaVm } from '../../bridge/lua_vm.js';")]), [
    `${path.join('core', 'wire', 'bits.ts')} (core/wire) imports ${path.join('bridge', 'lua_vm.js')} (bridge)`,
  ]);
  t.deepEqual(layerViolations([source('bindings/lobby/x.ts', "import { LanLobby } from '../../core/lobby/lan_lobby.js';")]), []);
});

test('the length check measures a function from its first line to its last', (t) => {
  const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join('\n');
  const source = ts.createSourceFile(path.join(SRC, 'bindings/x.ts'), `export function installX(): void {\n${body}\n}\n`, ts.ScriptTarget.Latest, true);
  t.deepEqual(longFunctions(source), [{ where: path.join('bindings', 'x.ts') + ':1', name: 'installX', lines: MAX_FUNCTION_LINES + 2 }]);
});

test(`no function in src/bindings/ is longer than ${MAX_FUNCTION_LINES} lines`, (t) => {
  const long = sourceFiles(path.join(SRC, 'bindings')).flatMap((file) => longFunctions(parse(file)));
  t.deepEqual(long.map((f) => `${f.where} ${f.name}: ${f.lines} lines`), []);
});
