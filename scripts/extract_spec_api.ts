/**
 * Writes the two lists of engine names the API test and the README's implemented-functions table
 * are checked against, by namespace:
 * - docs/reference/official_api.json: every function and constant of the official Stingray Lua
 *   reference for networking (../shared/spec/stingray-api.md, the digest of its index);
 * - docs/reference/spec_api.json: every one the survey of shipped games names
 *   (../shared/spec/real-usage.md: the frequency tables and Appendix A), some beyond the reference.
 *
 *   node --import=tsx scripts/extract_spec_api.ts [path/to/spec folder]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specFolder = process.argv[2] ?? path.join(repo, '../shared/spec');
const text = readFileSync(path.join(specFolder, 'real-usage.md'), 'utf8');

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

// The official reference: a table row per function, a "Constants" line per namespace.
const reference = readFileSync(path.join(specFolder, 'stingray-api.md'), 'utf8');
const official = new Map<string, Set<string>>();
const addOfficial = (namespace: string, name: string): void => {
  if (!official.has(namespace)) official.set(namespace, new Set());
  official.get(namespace)!.add(name);
};
for (const line of reference.slice(0, reference.indexOf('### Documented tables')).split('\n')) {
  const row = /^\| `(\w+)\.(\w+)` \|/.exec(line);
  if (row) addOfficial(row[1]!, row[2]!);
  if (line.startsWith('Constants')) for (const constant of line.matchAll(/`(\w+)\.([A-Z0-9_]+)`/g)) addOfficial(constant[1]!, constant[2]!);
}
const officialOut = Object.fromEntries([...official.keys()].sort().map((ns) => [ns, [...official.get(ns)!].sort()]));
const officialFile = path.join(repo, 'docs/reference/official_api.json');
writeFileSync(officialFile, JSON.stringify({ source: 'stingray-api.md: the official Stingray Lua reference (Release 1.0-2.1 index), networking namespaces', api: officialOut }, null, 2) + '\n');
console.log(`wrote ${officialFile}: ${Object.values(officialOut).flat().length} members in ${Object.keys(officialOut).length} namespaces`);
