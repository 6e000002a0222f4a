/**
 * Timing helpers for the bench: medians of repeated runs, reported as ns per operation.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median nanoseconds per operation of `run(n)` (which performs n operations), over `repeats` runs after a warm-up. */
export function nsPerOp(run: (n: number) => void, n: number, repeats = 5): number {
  run(Math.max(1, n >> 3));
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run(n);
    samples.push(((performance.now() - start) * 1e6) / n);
  }
  return median(samples);
}

/** An operation to time: `run(n)` performs it n times. */
export interface Timed {
  run(n: number): void;
  n: number;
}

/**
 * Nanoseconds per operation of each of `runs`, measured in turns over `rounds` rounds after a
 * warm-up: samples of one round were taken moments apart, so their ratios stand up to a machine
 * whose speed drifts (see `ratio`).
 */
export function nsPerOpInTurns<K extends string>(runs: Record<K, Timed>, rounds = 9): Record<K, number[]> {
  const names = Object.keys(runs) as K[];
  for (const name of names) runs[name].run(Math.max(1, runs[name].n >> 3));
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const { run, n } = runs[name];
      const start = performance.now();
      run(n);
      samples[name].push(((performance.now() - start) * 1e6) / n);
    }
  }
  return samples;
}

/**
 * The median of a[i] / b[i], with the spread: the lowest and highest of them, or with `quantile`
 * (for many samples, where one slow one says little) those at that quantile from either end.
 */
export function ratio(a: number[], b: number[], quantile = 0): { median: number; low: number; high: number } {
  const ratios = a.map((x, i) => x / b[i]!).sort((x, y) => x - y);
  const at = (q: number): number => ratios[Math.round(q * (ratios.length - 1))]!;
  return { median: median(ratios), low: at(quantile), high: at(1 - quantile) };
}

/** `6.0× (5.1–7.2)`: a ratio with its spread over rounds. */
export function formatRatio(r: { median: number; low: number; high: number }, digits = 2): string {
  return `${r.median.toFixed(digits)}× (${r.low.toFixed(digits)}–${r.high.toFixed(digits)})`;
}

export function formatNs(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
}

/** Print rows as an aligned table. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
