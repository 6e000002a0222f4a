/**
 * The Network Analyzer: reads a network log (network_log.ts) as a stream and writes a
 * self-contained HTML page with, for every peer and direction, a graph of bandwidth over time
 * stacked by category, the dump tags as labelled vertical markers, and a table of the top
 * consumers.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Points per graph at most: long runs are bucketed so the page stays light. */
const MAX_POINTS = 600;
/** Categories drawn per graph; the rest are summed as "other". */
const MAX_CATEGORIES = 7;
const FRAME = 1 / 30;

interface LogLine {
  time?: number;
  peer?: string;
  remote?: string;
  sent?: Record<string, number>;
  received?: Record<string, number>;
  tag?: string;
  log?: string;
}

export interface Tag {
  time: number;
  peer: string;
  text: string;
}

/** Bytes per category over time for one peer, one remote and one direction. */
export interface Series {
  peer: string;
  remote: string;
  direction: 'sent' | 'received';
  /** time (s) of each sample -> category -> bytes */
  samples: Map<number, Map<string, number>>;
  totals: Map<string, number>;
}

export interface LogModel {
  series: Series[];
  tags: Tag[];
  duration: number;
  lines: number;
  malformedLines: number;
}

/** Read a log, reporting progress (0..1) as it goes. */
export async function readNetworkLog(file: string, progress: (fraction: number) => void = () => undefined): Promise<LogModel> {
  const size = statSync(file).size || 1;
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const byKey = new Map<string, Series>();
  const model: LogModel = { series: [], tags: [], duration: 0, lines: 0, malformedLines: 0 };
  let readBytes = 0;
  let reported = 0;
  for await (const text of lines) {
    readBytes += Buffer.byteLength(text) + 1;
    model.lines++;
    if (readBytes / size - reported >= 0.05) {
      reported = readBytes / size;
      progress(Math.min(1, reported));
    }
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      model.malformedLines++;
      continue;
    }
    if (line.log !== undefined) continue;
    if (typeof line.time !== 'number' || typeof line.peer !== 'string') {
      model.malformedLines++;
      continue;
    }
    model.duration = Math.max(model.duration, line.time);
    if (line.tag !== undefined) {
      model.tags.push({ time: line.time, peer: line.peer, text: String(line.tag) });
      continue;
    }
    for (const direction of ['sent', 'received'] as const) {
      const traffic = line[direction];
      if (!traffic || typeof line.remote !== 'string') continue;
      const key = `${line.peer} ${line.remote} ${direction}`;
      let series = byKey.get(key);
      if (!series) byKey.set(key, (series = { peer: line.peer, remote: line.remote, direction, samples: new Map(), totals: new Map() }));
      let sample = series.samples.get(line.time);
      if (!sample) series.samples.set(line.time, (sample = new Map()));
      for (const [category, bytes] of Object.entries(traffic)) {
        if (typeof bytes !== 'number') continue;
        sample.set(category, (sample.get(category) ?? 0) + bytes);
        series.totals.set(category, (series.totals.get(category) ?? 0) + bytes);
      }
    }
  }
  progress(1);
  model.series = [...byKey.values()].sort((a, b) => (a.peer + a.remote + a.direction < b.peer + b.remote + b.direction ? -1 : 1));
  return model;
}

const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#9c755f'];

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Stacked-area graph of bytes per second by category, with the tags as vertical markers. */
function chart(series: Series, tags: readonly Tag[], duration: number): string {
  const width = 900;
  const height = 220;
  const left = 60;
  const top = 10;
  const plotW = width - left - 10;
  const plotH = height - top - 30;
  const categories = [...series.totals.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const shown = categories.slice(0, MAX_CATEGORIES);
  const hasOther = categories.length > shown.length;
  const layers = hasOther ? [...shown, 'other'] : shown;
  const bucket = Math.max(FRAME, duration / MAX_POINTS);
  const buckets = Math.max(1, Math.ceil(duration / bucket) + 1);
  // bytes per second per layer per bucket
  const values = layers.map(() => new Float64Array(buckets));
  for (const [time, sample] of series.samples) {
    const b = Math.min(buckets - 1, Math.floor(time / bucket));
    for (const [category, bytes] of sample) {
      const layer = shown.indexOf(category);
      const at = layer >= 0 ? layer : layers.length - 1;
      values[at]![b]! += bytes / bucket;
    }
  }
  let peak = 1;
  for (let b = 0; b < buckets; b++) {
    let sum = 0;
    for (const v of values) sum += v[b]!;
    peak = Math.max(peak, sum);
  }
  const x = (t: number): number => left + (duration > 0 ? (t / duration) * plotW : 0);
  const y = (v: number): number => top + plotH - (v / peak) * plotH;
  const base = new Float64Array(buckets);
  const paths = layers.map((category, i) => {
    const upper: string[] = [];
    const lower: string[] = [];
    for (let b = 0; b < buckets; b++) {
      const t = b * bucket;
      lower.push(`${x(t).toFixed(1)},${y(base[b]!).toFixed(1)}`);
      base[b]! += values[i]![b]!;
      upper.push(`${x(t).toFixed(1)},${y(base[b]!).toFixed(1)}`);
    }
    const d = `M${upper.join('L')}L${lower.reverse().join('L')}Z`;
    return `<path class="series" data-category="${escape(category)}" fill="${COLORS[i % COLORS.length]}" fill-opacity="0.85" d="${d}"><title>${escape(category)}</title></path>`;
  });
  const markers = tags
    .filter((tag) => tag.peer === series.peer)
    .map((tag) => {
      const mx = x(tag.time).toFixed(1);
      // Labels near the right edge go to the left of their line.
      const anchor = x(tag.time) > left + plotW * 0.8 ? 'text-anchor="end" dx="-3"' : 'dx="3"';
      return `<g class="marker" data-time="${tag.time}" data-x="${mx}"><line x1="${mx}" x2="${mx}" y1="${top}" y2="${top + plotH}" stroke="#222" stroke-dasharray="4 3"/><text x="${mx}" y="${top + 12}" ${anchor} font-size="11">${escape(tag.text)}</text></g>`;
    });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = f * duration;
    return `<text x="${x(t).toFixed(1)}" y="${height - 12}" font-size="11" text-anchor="middle">${t.toFixed(1)} s</text>`;
  });
  const legend = layers.map((c, i) => `<span class="key"><i style="background:${COLORS[i % COLORS.length]}"></i>${escape(c)}</span>`).join(' ');
  const title = `${escape(series.peer)} ${series.direction === 'sent' ? '→' : '←'} ${escape(series.remote)} (${series.direction})`;
  return `<section class="chart" data-peer="${escape(series.peer)}" data-remote="${escape(series.remote)}" data-direction="${series.direction}">
<h2>${title}</h2>
<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-duration="${duration}" data-left="${left}" data-width="${plotW}">
<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#ccc"/>
${paths.join('\n')}
${markers.join('\n')}
${ticks.join('\n')}
<text x="4" y="${top + 10}" font-size="11">${(peak / 1000).toFixed(1)} kB/s</text>
</svg>
<p class="legend">${legend}</p>
</section>`;
}

/** The whole report page. */
export function renderReport(model: LogModel, source: string): string {
  const totals = new Map<string, { sent: number; received: number }>();
  for (const series of model.series) {
    for (const [category, bytes] of series.totals) {
      const t = totals.get(category) ?? { sent: 0, received: 0 };
      t[series.direction] += bytes;
      totals.set(category, t);
    }
  }
  const all = [...totals.values()].reduce((n, t) => n + t.sent + t.received, 0) || 1;
  const rows = [...totals.entries()]
    .sort((a, b) => b[1].sent + b[1].received - (a[1].sent + a[1].received))
    .slice(0, 20)
    .map(([c, t]) => `<tr><td>${escape(c)}</td><td>${t.sent.toLocaleString('en')}</td><td>${t.received.toLocaleString('en')}</td><td>${(((t.sent + t.received) / all) * 100).toFixed(1)}%</td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Network analysis: ${escape(source)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 15px; margin: 18px 0 4px; }
.key { margin-right: 12px; white-space: nowrap; } .key i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; } td:first-child, th:first-child { text-align: left; }
</style></head>
<body>
<h1>Network analysis: ${escape(source)}</h1>
<p>${model.series.length} graphs over ${model.duration.toFixed(1)} s; ${model.tags.length} dump tags; ${model.lines.toLocaleString('en')} log lines${model.malformedLines ? `, ${model.malformedLines} malformed (skipped)` : ''}.</p>
<h2>Top consumers</h2>
<table id="top"><thead><tr><th>category</th><th>bytes sent</th><th>bytes received</th><th>share</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
${model.series.map((s) => chart(s, model.tags, model.duration)).join('\n')}
</body></html>
`;
}
