/**
 * The Network Analyzer's report: one self-contained HTML page (uPlot and the page's script inlined,
 * so it works offline) over a TrafficModel. The page's data is one JSON block; report_page.js draws
 * the interactive graphs from it (one colour per category across the page, one legend that toggles
 * categories everywhere, zoom and hover), and the tables are HTML that the script makes sortable.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readNetworkLog } from './network_log_reader.js';
import { TrafficModel, type ConnectionTraffic } from './traffic_model.js';

const require = createRequire(import.meta.url);

/** Read once per process: the charting library and the page script, inlined into every report. */
let assets: { uplotJs: string; uplotCss: string; pageJs: string } | undefined;
function pageAssets(): NonNullable<typeof assets> {
  assets ??= {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    pageJs: readFileSync(new URL('./report_page.js', import.meta.url), 'utf8'),
  };
  return assets;
}

/** Categorical colours (Tableau 20 order, darker first); categories beyond them get evenly spaced hues. `overhead` is always grey. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#499894', '#86bcb6', '#d37295', '#a0cbe8', '#ffbe7d', '#8cd17d', '#b6992d', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6'];
const OVERHEAD_COLOUR = '#9d9d9d';

/** `#rrggbb` (the page appends an alpha byte for the stacked areas' fill). */
function colourOf(category: string, rank: number): string {
  if (category === 'overhead') return OVERHEAD_COLOUR;
  return PALETTE[rank] ?? hueColour((rank * 137.5) % 360);
}

/** A colour of hue `h` (degrees) at 55% saturation and lightness, as `#rrggbb`. */
function hueColour(h: number): string {
  const s = 0.55;
  const l = 0.55;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const round = (v: number): number => Math.round(v * 10) / 10;

/** A table cell that sorts by `value` (numbers right-aligned). */
function cell(value: number | string, shown?: string): string {
  return typeof value === 'number' ? `<td data-sort="${value}">${shown ?? value.toLocaleString('en')}</td>` : `<td>${escape(value)}</td>`;
}

function table(id: string, caption: string, headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th>${escape(h)}</th>`).join('');
  const body = rows.length > 0 ? rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n') : `<tr><td colspan="${headers.length}">none in this log</td></tr>`;
  return `<table class="sortable" id="${id}"><caption>${escape(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Categories the transport and services use; every other one is an RPC message name. */
function isRpc(category: string): boolean {
  return !['overhead', 'session', 'lobby', 'channel', 'object create', 'objects', 'rpc', 'unknown'].includes(category) && !category.startsWith('objects: ');
}

/** The whole report page. */
export function renderReport(model: TrafficModel, source: string, lines: number): string {
  const { uplotJs, uplotCss, pageJs } = pageAssets();
  const totals = model.categoryTotals();
  // Ranked by bytes over the whole log, so the biggest categories get the most distinct colours.
  const categories = [...totals.entries()].sort((a, b) => b[1].bytesSent + b[1].bytesReceived - (a[1].bytesSent + a[1].bytesReceived) || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
  const index = new Map(categories.map((c, i) => [c, i]));
  const { factor, count } = model.layout;
  const seconds = model.bucketMs / 1000;
  const perSecond = (values: number[]): number[] => values.map((v) => round(v / seconds));
  const byCategory = (buckets: ConnectionTraffic['sent']): Record<number, number[]> => {
    const out: Record<number, number[]> = {};
    for (const [category, b] of buckets.byCategory) out[index.get(category)!] = perSecond(b.merged(factor, count));
    return out;
  };
  const connections = [...model.connections.values()].sort((a, b) => (a.peer + a.remote < b.peer + b.remote ? -1 : 1));
  const peers = [...new Set([...connections.map((c) => c.peer), ...model.names.keys()])].sort((a, b) => (model.label(a) < model.label(b) ? -1 : 1));
  const data = {
    source,
    bucketMs: model.bucketMs,
    t: Array.from({ length: count }, (_, k) => round(k * seconds * 1000) / 1000),
    categories: categories.map((name, rank) => ({ name, colour: colourOf(name, rank) })),
    peers: peers.map((id) => ({ id, label: model.label(id) })),
    connections: connections.map((c) => {
      const rttSum = c.rttSumBuckets.merged(factor, count);
      const samples = c.rttSampleBuckets.merged(factor, count);
      return {
        peer: c.peer,
        remote: c.remote,
        sent: byCategory(c.sent),
        received: byCategory(c.received),
        packetsSent: perSecond(c.packetsSent.merged(factor, count)),
        packetsReceived: perSecond(c.packetsReceived.merged(factor, count)),
        lost: perSecond(c.lost.merged(factor, count)),
        resent: perSecond(c.resent.merged(factor, count)),
        rtt: rttSum.map((sum, k) => (samples[k]! > 0 ? round(sum / samples[k]!) : null)),
      };
    }),
    tags: model.tags.map((t) => ({ time: t.time, peer: t.peer, text: t.text })),
  };

  const swatch = (category: string): string => `<i class="swatch" style="background:${colourOf(category, index.get(category)!)}"></i>`;
  const categoryRows = categories.map((c) => {
    const t = totals.get(c)!;
    return [`<td>${swatch(c)}${escape(c)}</td>`, cell(t.bytesSent), cell(t.bytesResent), cell(t.bytesReceived), cell(t.bytesSent - t.bytesResent - t.bytesReceived), cell(t.messagesSent), cell(t.messagesReceived)];
  });
  const rpcRows = categories.filter(isRpc).map((c) => {
    const t = totals.get(c)!;
    return [`<td>${swatch(c)}${escape(c)}</td>`, cell(t.messagesSent), cell(t.bytesSent), cell(t.messagesReceived), cell(t.bytesReceived), cell(t.messagesSent ? round(t.bytesSent / t.messagesSent) : 0)];
  });
  const objectRows = categories.filter((c) => c === 'objects' || c.startsWith('objects: ')).map((c) => {
    const t = totals.get(c)!;
    const type = c === 'objects' ? '(several types in one message)' : c.slice('objects: '.length);
    return [`<td>${swatch(c)}${escape(type)}</td>`, cell(model.created.get(type) ?? 0), cell(t.messagesSent), cell(t.bytesSent), cell(t.messagesReceived), cell(t.bytesReceived)];
  });
  const bytes = (bits: number): string => `<td data-sort="${bits}">${round(bits / 8).toLocaleString('en')}</td>`;
  const fieldRows = model.fields.sort((a, b) => b.bitsSent - a.bitsSent || b.changes - a.changes).map((f) => [cell(f.type), cell(f.field), bytes(f.bitsSent), bytes(f.bitsReceived), cell(f.changes)]);
  const talkerRows = connections
    .map((c) => {
      let sent = 0;
      let received = 0;
      for (const t of c.totals.values()) {
        sent += t.bytesSent;
        received += t.bytesReceived;
      }
      return { c, sent, received };
    })
    .sort((a, b) => b.sent - a.sent)
    .map(({ c, sent, received }) => [
      cell(model.label(c.peer)),
      cell(model.label(c.remote)),
      cell(sent),
      cell(received),
      cell(c.packets[0]),
      cell(c.packets[1]),
      cell(c.lostPackets),
      cell(c.packets[0] ? round((c.lostPackets / c.packets[0]) * 100) : 0, c.packets[0] ? `${round((c.lostPackets / c.packets[0]) * 100)}%` : '–'),
      cell(c.rttSamples ? round(c.rttSum / c.rttSamples) : 0, c.rttSamples ? `${round(c.rttSum / c.rttSamples)} ms` : '–'),
    ]);

  const peerSections = peers
    .map((peer) => {
      const own = connections.filter((c) => c.peer === peer);
      const blocks = own.map((c) => {
        const i = connections.indexOf(c);
        return `<div class="connection" data-connection="${i}"><h3>${escape(model.label(peer))} ⇄ ${escape(model.label(c.remote))}</h3><div class="charts"></div></div>`;
      });
      return `<section class="peer" data-peer="${escape(peer)}"><h2>${escape(model.label(peer))}</h2>${blocks.join('\n') || '<p>no traffic logged</p>'}</section>`;
    })
    .join('\n');

  const tagCount = model.tags.length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Network analysis: ${escape(source)}</title>
<style>${uplotCss}</style>
<style>
body { font: 14px system-ui, sans-serif; margin: 0 24px 24px; color: #222; }
h1 { font-size: 20px; margin: 16px 0 4px; } h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #ccc; } h3 { font-size: 14px; margin: 14px 0 2px; }
#legend { position: sticky; top: 0; z-index: 5; background: #fff; padding: 6px 0; border-bottom: 1px solid #ddd; }
#legend label { margin-right: 12px; white-space: nowrap; cursor: pointer; user-select: none; } #legend label.off { opacity: 0.35; }
.swatch { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
.chart { position: relative; margin: 4px 0 10px; } .chart .title { font-size: 12px; color: #444; margin-left: 60px; }
.tagstrip { position: relative; margin-left: 0; } .tagstrip span { position: absolute; font-size: 11px; white-space: nowrap; color: #222; background: #fff; padding: 0 2px; border-left: 1px dashed #555; }
.hover { position: absolute; pointer-events: none; z-index: 4; background: rgba(255,255,255,0.94); border: 1px solid #bbb; font-size: 11px; padding: 3px 6px; display: none; white-space: nowrap; }
table { border-collapse: collapse; margin: 8px 0 18px; } caption { text-align: left; font-weight: 600; padding: 4px 0; }
td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; } td:first-child, th:first-child { text-align: left; }
th { cursor: pointer; background: #f4f4f4; } th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
.note { color: #555; font-size: 12px; }
</style></head>
<body>
<h1>Network analysis: ${escape(source)}</h1>
<p id="summary">${peers.length} peers, ${connections.length} connections over ${model.duration.toFixed(1)} s; ${tagCount} dump tag${tagCount === 1 ? '' : 's'}; ${lines.toLocaleString('en')} log lines.
Bucket width <b id="bucket">${model.bucketMs} ms</b> (every point sums the frames that ended in its bucket; change it with <code>stingray-net analyze --bucket MS</code>).
Drag across a graph to zoom (all graphs follow), double-click to zoom out; click a category to hide or show it everywhere.</p>
<div id="legend">${categories.map((c) => `<label data-category="${escape(c)}">${swatch(c)}${escape(c)}</label>`).join('')}</div>
<h2 id="overview">All peers</h2>
<div id="overview-charts"></div>
${table('talkers', 'Top talkers: each peer’s traffic with each remote, as the peer logged it', ['peer', 'remote', 'bytes sent', 'bytes received', 'packets sent', 'packets received', 'packets lost', 'loss', 'mean RTT'], talkerRows)}
${table('categories', 'Categories: what every peer sent and received (sent − resent − received is what was lost or in flight when the run stopped)', ['category', 'bytes sent', 'of which resent', 'bytes received', 'unaccounted', 'messages sent', 'messages received'], categoryRows)}
${table('rpcs', 'RPCs: counts and bytes in each direction, summed over peers', ['message', 'sent', 'bytes sent', 'received', 'bytes received', 'bytes per message'], rpcRows)}
${table('objects', 'Object types: field update messages and bytes in each direction, summed over peers', ['object type', 'copies created', 'update messages sent', 'bytes sent', 'update messages received', 'bytes received'], objectRows)}
${table('fields', 'Fields: bytes of their values in updates each way (the rest of an update is ids, masks and frames), and values that other peers’ updates changed, summed over peers', ['object type', 'field', 'bytes sent', 'bytes received', 'values applied'], fieldRows)}
${peerSections}
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${uplotJs}</script>
<script>${pageJs}</script>
</body></html>
`;
}

/**
 * A network log's report and what it was made from.
 *
 * @category Analyzer
 */
export interface NetworkLogAnalysis {
  /** The report: one self-contained HTML page. */
  readonly html: string;
  /** @internal */
  readonly model: TrafficModel;
  /** Lines read from the log. */
  readonly lines: number;
  /** Whether the last line was cut short (the run stopped while writing it) and left out. */
  readonly truncated: boolean;
}

/**
 * Read a network log (written by `stingray-net run --network-log`) and render its report; `bucketMs`
 * fixes the graphs' bucket width (else it is picked). Rejects with a {@link NetworkLogError} when the
 * file is not a network log this analyzer reads.
 *
 * @category Analyzer
 */
export async function analyzeNetworkLog(file: string, bucketMs: number | undefined, progress?: (fraction: number) => void): Promise<NetworkLogAnalysis> {
  const model = TrafficModel.forBucket(bucketMs);
  const { lines, truncated } = await readNetworkLog(file, (line) => model.add(line), progress);
  return { html: renderReport(model, path.basename(file), lines), model, lines, truncated };
}
