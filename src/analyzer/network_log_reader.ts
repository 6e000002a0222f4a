/**
 * Reads a network log (format 2, src/core/transport/network_log.ts) as a stream, checking as it goes
 * that it is one: the header names the log and its version, and every line is a JSON object of a
 * known kind with the keys that kind needs. The first thing wrong ends the read with an error naming
 * the file and line and saying what is wrong.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { NETWORK_LOG_VERSION, type TrafficTotals } from '../core/transport/network_log.js';

/** What every line but the header has. */
interface LineBase {
  frame: number;
  /** Seconds on the run's clock. */
  time: number;
  peer: string;
}

export interface NameLine extends LineBase {
  kind: 'name';
  name: string;
}

export interface TrafficLine extends LineBase, TrafficTotals {
  kind: 'traffic';
  remote: string;
  /** Milliseconds, when sampled this frame. */
  rtt: number | undefined;
}

export interface TagLine extends LineBase {
  kind: 'tag';
  text: string;
}

/** A session callback recorded for replay sessions; the analyzer reads object types and fields from them. */
export interface EventLine extends LineBase {
  kind: 'event';
  event: string;
  fields: Record<string, unknown>;
}

export type NetworkLogLine = NameLine | TrafficLine | TagLine | EventLine;

/**
 * The input is not a network log the analyzer reads; the message says where and why.
 *
 * @category Analyzer
 */
export class NetworkLogError extends Error {}

/** Line text longer than this is not a log line (the longest real ones, replay events with big values, are a few kB). */
const MAX_LINE_CHARS = 1 << 20;

/**
 * Read `file`, handing each line to `onLine` and reporting progress (0..1). Resolves with the number
 * of lines; rejects with a NetworkLogError at the first line that is wrong. A last line without its
 * newline that does not parse is left out (the run stopped while writing it): `truncated` says so.
 */
export async function readNetworkLog(
  file: string,
  onLine: (line: NetworkLogLine) => void,
  progress: (fraction: number) => void = () => undefined,
): Promise<{ lines: number; truncated: boolean }> {
  const size = statSync(file).size;
  const input = createReadStream(file, { encoding: 'utf8' });
  let endsWithNewline = true;
  input.on('data', (chunk) => {
    if (chunk.length > 0) endsWithNewline = String(chunk).endsWith('\n');
  });
  const reader = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  let readBytes = 0;
  let reported = 0;
  let pending: { text: string; error: NetworkLogError } | undefined;
  try {
    for await (const text of reader) {
      if (pending) throw pending.error;
      number++;
      readBytes += Buffer.byteLength(text) + 1;
      if (size > 0 && readBytes / size - reported >= 0.05) {
        reported = readBytes / size;
        progress(Math.min(1, reported));
      }
      const where = `${file}:${number}`;
      if (number === 1) {
        checkHeader(text, where);
        continue;
      }
      try {
        onLine(parseLine(text, where));
      } catch (error) {
        if (!(error instanceof NetworkLogError)) throw error;
        // Only the very last line may be cut short; decided once we know whether another follows.
        pending = { text, error };
      }
    }
  } finally {
    reader.close();
    input.destroy();
  }
  if (number === 0) throw new NetworkLogError(`${file}: empty, not a network log (it starts with a {"log":"stingray-network",...} line)`);
  if (pending && endsWithNewline) throw pending.error;
  progress(1);
  return { lines: number, truncated: pending !== undefined };
}

function checkHeader(text: string, where: string): void {
  const header = parseObject(text, where, 'the header');
  if (header.log !== 'stingray-network') {
    throw new NetworkLogError(`${where}: not a network log: the first line should be {"log":"stingray-network","version":${NETWORK_LOG_VERSION},...}, found ${preview(text)}`);
  }
  if (header.version !== NETWORK_LOG_VERSION) {
    throw new NetworkLogError(`${where}: network log version ${JSON.stringify(header.version)}; this analyzer reads version ${NETWORK_LOG_VERSION} (record the run again with this stingray-net)`);
  }
}

function parseLine(text: string, where: string): NetworkLogLine {
  const o = parseObject(text, where, 'a log line');
  const base: LineBase = { frame: num(o, 'frame', where), time: num(o, 'time', where), peer: str(o, 'peer', where) };
  if (typeof o.tag === 'string') return { kind: 'tag', ...base, text: o.tag };
  if (typeof o.event === 'string') return { kind: 'event', ...base, event: o.event, fields: o };
  if (typeof o.name === 'string') return { kind: 'name', ...base, name: o.name };
  if ('remote' in o) {
    const packets = pair(o, 'packets', where, (v, key) => count(v, key, where));
    const messages = o.messages === undefined ? [{}, {}] : pair(o, 'messages', where, (v, key) => byCategory(v, key, where));
    return {
      kind: 'traffic',
      ...base,
      remote: str(o, 'remote', where),
      sent: byCategory(o.sent, 'sent', where),
      received: byCategory(o.received, 'received', where),
      packets: packets as [number, number],
      messages: messages as [Record<string, number>, Record<string, number>],
      resent: o.resent === undefined ? {} : byCategory(o.resent, 'resent', where),
      fields: (o.fields === undefined ? [{}, {}] : pair(o, 'fields', where, (v, key) => byCategory(v, key, where))) as [Record<string, number>, Record<string, number>],
      lost: o.lost === undefined ? 0 : count(o.lost, 'lost', where),
      rtt: o.rtt === undefined ? undefined : count(o.rtt, 'rtt', where),
    };
  }
  throw new NetworkLogError(`${where}: a line of no known kind (it has none of tag, event, name, remote): ${preview(text)}`);
}

function parseObject(text: string, where: string, what: string): Record<string, unknown> {
  if (text.length > MAX_LINE_CHARS) throw new NetworkLogError(`${where}: line of ${text.length} characters, longer than any log line (${MAX_LINE_CHARS})`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NetworkLogError(`${where}: ${what} is not JSON: ${preview(text)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NetworkLogError(`${where}: ${what} is not a JSON object: ${preview(text)}`);
  return value as Record<string, unknown>;
}

function num(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new NetworkLogError(`${where}: "${key}" should be a number, found ${JSON.stringify(v) ?? 'nothing'}`);
  return v;
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new NetworkLogError(`${where}: "${key}" should be a string, found ${JSON.stringify(v) ?? 'nothing'}`);
  return v;
}

function count(v: unknown, key: string, where: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new NetworkLogError(`${where}: "${key}" should be a number of at least 0, found ${JSON.stringify(v) ?? 'nothing'}`);
  return v;
}

function pair<T>(o: Record<string, unknown>, key: string, where: string, item: (v: unknown, key: string) => T): [T, T] {
  const v = o[key];
  if (!Array.isArray(v) || v.length !== 2) throw new NetworkLogError(`${where}: "${key}" should be [sent, received], found ${JSON.stringify(v) ?? 'nothing'}`);
  return [item(v[0], `${key}[0]`), item(v[1], `${key}[1]`)];
}

function byCategory(v: unknown, key: string, where: string): Record<string, number> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new NetworkLogError(`${where}: "${key}" should be an object of category: number, found ${JSON.stringify(v) ?? 'nothing'}`);
  for (const [category, n] of Object.entries(v)) count(n, `${key}.${category}`, where);
  return v as Record<string, number>;
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
