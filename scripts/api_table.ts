/**
 * The README's table of what is implemented, drawn from the official Stingray reference
 * (docs/reference/official_api.json) with the names only shipped games use
 * (docs/reference/spec_api.json) counted beside it, the list of unsupported functions, and the list
 * of reference names not provided yet. `test/api_surface.test.ts` checks that the README holds
 * exactly this table and that the running VM agrees with it name by name;
 * `node --import=tsx scripts/api_table.ts --write` rewrites it there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNSUPPORTED } from '../src/bindings/application/unsupported_binding.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(repo, 'README.md');
const BEGIN = '<!-- api-table:begin (scripts/api_table.ts writes this) -->';
const END = '<!-- api-table:end -->';

/** Namespaces that exist only while a subsystem runs, with the call that starts it (scripts probe for them). */
export const WITH_SUBSYSTEM: Record<string, string> = {
  XboxLive: 'Network.init_xboxlive_client',
  XboxOne: 'Network.init_xboxlive_client',
};

type NameList = Record<string, string[]>;
const readList = (file: string): NameList => (JSON.parse(readFileSync(path.join(repo, 'docs/reference', file), 'utf8')) as { api: NameList }).api;

/** Every function and constant of the official reference, by namespace. */
export function officialApi(): NameList {
  return readList('official_api.json');
}

/** Every function and constant the survey of shipped games names, by namespace. */
export function specApi(): NameList {
  return readList('spec_api.json');
}

/** The official names and the survey's, by namespace (each name once). */
export function allApi(): NameList {
  const all = new Map<string, Set<string>>();
  for (const list of [officialApi(), specApi()]) for (const [ns, names] of Object.entries(list)) for (const n of names) all.set(ns, (all.get(ns) ?? new Set()).add(n));
  return Object.fromEntries([...all.keys()].sort().map((ns) => [ns, [...all.get(ns)!].sort()]));
}

const code = (names: string[]): string => names.map((n) => `\`${n}\``).join(', ');

export function apiTable(): string {
  const official = officialApi();
  const rows = Object.entries(allApi()).map(([namespace, names]) => {
    const inReference = official[namespace] ?? [];
    const beyond = names.filter((n) => !inReference.includes(n));
    const unsupported = names.filter((n) => UNSUPPORTED[namespace]?.[n] !== undefined);
    const working = (list: string[]): number => list.filter((n) => !unsupported.includes(n)).length;
    const notes = [
      WITH_SUBSYSTEM[namespace] ? `nil until \`${WITH_SUBSYSTEM[namespace]}\` (scripts probe for it to tell the platform)` : '',
      unsupported.length > 0 ? `unsupported headless: ${byReason(namespace, unsupported)}` : '',
    ].filter(Boolean);
    const reference = inReference.length > 0 ? `${working(inReference)} / ${inReference.length}` : '—';
    const shipped = beyond.length > 0 ? `${working(beyond)} / ${beyond.length}` : '—';
    return `| \`${namespace}\` | ${reference} | ${shipped} | ${notes.length > 0 ? notes.join('; ') : 'all'} |`;
  });
  const total = (list: NameList): string => {
    const names = Object.entries(list).flatMap(([ns, ns_names]) => ns_names.map((n) => [ns, n] as const));
    const working = names.filter(([ns, n]) => UNSUPPORTED[ns]?.[n] === undefined).length;
    return `${working} / ${names.length}`;
  };
  const beyondAll = Object.fromEntries(Object.entries(specApi()).map(([ns, names]) => [ns, names.filter((n) => !(official[ns] ?? []).includes(n))]));
  return [
    BEGIN,
    '| namespace | working / in the official reference | working / used by shipped games beyond it | notes |',
    '|---|---|---|---|',
    ...rows,
    `| **all** | **${total(official)}** | **${total(beyondAll)}** | |`,
    END,
  ].join('\n');
}

/** `a`, `b` (why); `c` (why not) */
function byReason(namespace: string, names: string[]): string {
  const reasons = new Map<string, string[]>();
  for (const n of names) {
    const why = UNSUPPORTED[namespace]![n]!;
    reasons.set(why, [...(reasons.get(why) ?? []), n]);
  }
  return [...reasons].map(([why, list]) => `${code(list)} (${why})`).join('; ');
}

/** The table as the README holds it now. */
export function readmeTable(): string | undefined {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  return start < 0 || end < 0 ? undefined : text.slice(start, end + END.length);
}

if (process.argv.includes('--write')) {
  const text = readFileSync(README, 'utf8');
  const current = readmeTable();
  if (!current) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
  writeFileSync(README, text.replace(current, apiTable()));
  console.log('README.md: API table updated');
}
