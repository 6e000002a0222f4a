/**
 * The command line of `stingray-net`: each command's options as a table (name, value, help, what it
 * sets), parsed with `node:util` parseArgs, with `--help` generated from the table and a
 * did-you-mean for mistyped options.
 */
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** One `--option` of a command. */
export interface OptionDefinition<T> {
  /** A one-letter alias (`o` for `-o`). */
  short?: string;
  /** The value's placeholder in help (`N`, `DIR`); absent for a flag that takes no value. */
  value?: string;
  /** Help text; lines after the first are indented under it. */
  help: string;
  /** Check `value` (`true` for a flag) and store it in `into`; throws UsageError naming the option. */
  apply(into: T, value: string | true): void;
}

export type OptionTable<T> = Record<string, OptionDefinition<T>>;

/** A command: its usage line and its options. */
export interface CommandDefinition<T> {
  name: string;
  usage: string;
  summary: string;
  options: OptionTable<T>;
}

export interface ParsedCommand {
  /** Arguments that are not options, before any `--`. */
  positionals: string[];
  /** Arguments after `--`. */
  rest: string[];
}

/** Whether `args` ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** The number of single-character edits from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known name closest to `name`, if it is close enough to be the one meant. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance || (distance === bestDistance && best === undefined && candidate.startsWith(name))) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Parse `args` of `command`, applying each option to `into` in the order given (`--help` is the caller's: see wantsHelp). */
export function parseCommand<T>(command: CommandDefinition<T>, args: readonly string[], into: T): ParsedCommand {
  const parsed: ParsedCommand = { positionals: [], rest: [] };
  const config = Object.fromEntries(Object.entries(command.options).map(([name, option]) => [name, { type: option.value === undefined ? ('boolean' as const) : ('string' as const), ...(option.short === undefined ? {} : { short: option.short }) }]));
  const { tokens } = parseArgs({ args: [...args], options: { ...config, help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true, tokens: true });
  let terminated = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') terminated = true;
    else if (token.kind === 'positional') (terminated ? parsed.rest : parsed.positionals).push(token.value);
    else if (token.name === 'help') continue;
    else {
      const option = command.options[token.name];
      if (!option) {
        const guess = didYouMean(token.name, Object.keys(command.options));
        throw new UsageError(`${command.name}: unknown option ${token.rawName}${guess ? ` (did you mean --${guess}?)` : ''}; see stingray-net ${command.name} --help`);
      }
      if (option.value === undefined) {
        if (token.value !== undefined) throw new UsageError(`${command.name}: ${token.rawName} takes no value`);
        option.apply(into, true);
      } else {
        if (token.value === undefined) throw new UsageError(`${command.name}: ${token.rawName} needs a value (${token.rawName} ${option.value})`);
        option.apply(into, token.value);
      }
    }
  }
  return parsed;
}

/** `--help` of a command, generated from its table. */
export function commandHelp<T>(command: CommandDefinition<T>): string {
  const heads = Object.entries(command.options).map(([name, option]) => `${option.short === undefined ? '' : `-${option.short}, `}--${name}${option.value === undefined ? '' : ` ${option.value}`}`);
  const width = Math.max(...heads.map((head) => head.length), '-h, --help'.length) + 2;
  const lines = Object.values(command.options).map((option, i) => `  ${heads[i]!.padEnd(width)}${option.help.replaceAll('\n', `\n  ${' '.repeat(width)}`)}`);
  return `${command.summary}\n\nusage: ${command.usage}\n\noptions:\n${lines.join('\n')}\n  ${'-h, --help'.padEnd(width)}this help\n`;
}
