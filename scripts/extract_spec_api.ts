/**
 * Writes docs/reference/spec_api.json: every engine function and constant the specification names
 * (../shared/spec/real-usage.md: the frequency tables and Appendix A), by namespace. The API test and
 * the README's implemented-functions table are checked against it.
 *
 *   node --import=tsx scripts/extract_spec_api.ts [path/to/real-usage.md]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? path.join(repo, '../shared/spec/real-usage.md');
const text = readFileSync(source, 'utf8');

/** Members the survey found that games define themselves in Lua (boot_init.lua), not the engine. */
const SCRIPT_DEFINED = new Set(['Network._is_active', 'Network.is_active']);

const api = new Map<string, Set<string>>();
const add = (namespace: string, name: string): void => {
  if (SCRIPT_DEFINED.has(`${namespace}.${name}`)) return;
  if (!api.has(namespace)) api.set(namespace, new Set());
  api.get(namespace)!.add(name);
};

const tables = text.slice(text.indexOf('## 1. Frequency tables'), text.indexOf('### 1.1 RPC usage style'));
let namespace: string | undefined;
for (const line of tables.split('\n')) {
  const heading = /^\*\*(\w+)\*\*/.exec(line);
  if (heading) namespace = heading[1];
  const row = /^\| `([^`]+)` \|/.exec(line);
  if (row && namespace) add(namespace, row[1]!);
}
// The console namespaces the platform emulation provides, from the summary table (lists cut with "…"
// name the most used members only). Voice, anti-cheat and hosting namespaces stay out: those globals
// are left nil, as scripts probe for them to detect the platform.
const CONSOLE_NAMESPACES = new Set(['PsnRoom', 'PsnRoomBrowser', 'PsnClient', 'PsnRoomDataExternal', 'MultiplayerSession', 'MultiplayerSessionBrowser', 'SmartMatchStatus']);
const summary = text.slice(text.indexOf('**Console / voice / anti-cheat namespaces (summary)**'), text.indexOf('### 1.1 RPC usage style'));
for (const line of summary.split('\n')) {
  const row = /^\| (\w+) \| \d+ \| [^|]+ \| ([^|]+) \|$/.exec(line);
  if (!row || !CONSOLE_NAMESPACES.has(row[1]!)) continue;
  for (const name of row[2]!.replace('…', '').split(',')) if (name.trim() !== '') add(row[1]!, name.trim());
}
for (const line of text.slice(text.indexOf('## Appendix A')).split('\n')) {
  const row = /^\| [^|]+ \| (.*) \|$/.exec(line);
  if (!row) continue;
  for (const part of row[1]!.split(';')) {
    const members = /^\s*(\w+): (.*)$/.exec(part);
    if (members) for (const name of members[2]!.split(',')) add(members[1]!, name.trim());
  }
}

const out = Object.fromEntries([...api.keys()].sort().map((ns) => [ns, [...api.get(ns)!].sort()]));
const file = path.join(repo, 'docs/reference/spec_api.json');
writeFileSync(file, JSON.stringify({ source: 'real-usage.md §1 (with the console namespaces of its summary table) and Appendix A', scriptDefined: [...SCRIPT_DEFINED], api: out }, null, 2) + '\n');
console.log(`wrote ${file}: ${Object.values(out).flat().length} members in ${Object.keys(out).length} namespaces`);
