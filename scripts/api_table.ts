/**
 * The README's table of what is implemented against the Stingray reference, built from
 * docs/reference/spec_api.json and the list of unsupported functions. `test/api_surface.test.ts`
 * checks the README holds exactly this table; `node --import=tsx scripts/api_table.ts --write`
 * rewrites it there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNSUPPORTED } from '../src/bindings/unsupported_binding.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README = path.join(repo, 'README.md');
const BEGIN = '<!-- api-table:begin (scripts/api_table.ts writes this) -->';
const END = '<!-- api-table:end -->';

export function specApi(): Record<string, string[]> {
  return (JSON.parse(readFileSync(path.join(repo, 'docs/reference/spec_api.json'), 'utf8')) as { api: Record<string, string[]> }).api;
}

export function apiTable(): string {
  const rows = Object.entries(specApi()).map(([namespace, names]) => {
    const unsupported = names.filter((n) => UNSUPPORTED[namespace]?.[n] !== undefined);
    const implemented = names.length - unsupported.length;
    const working = names.filter((n) => !unsupported.includes(n));
    const onlyConstants = working.length > 0 && working.every((n) => n === n.toUpperCase());
    const note =
      unsupported.length === 0
        ? 'all'
        : working.length === 0
          ? `none yet: ${firstReason(namespace)}`
          : onlyConstants
          ? `constants only; its functions are unsupported: ${firstReason(namespace)}`
          : `unsupported: ${unsupported.map((n) => `\`${n}\``).join(', ')}`;
    return `| \`${namespace}\` | ${implemented} / ${names.length} | ${note} |`;
  });
  return [BEGIN, '| namespace | working / named in the spec | notes |', '|---|---|---|', ...rows, END].join('\n');
}

function firstReason(namespace: string): string {
  return Object.values(UNSUPPORTED[namespace] ?? {})[0] ?? '';
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
