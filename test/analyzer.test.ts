import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { readNetworkLog } from '../src/analyzer/network_log_report.js';
import { parseRunOptions } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';
import { browserTest } from './helpers/browser.js';
import { REPO_ROOT, runCli, tempProject } from './helpers/lua.js';

browserTest('a run writes a network log; analyze turns it into a page whose graphs, series and markers a real browser renders', async (t, chromiumPath) => {
  const dir = tempProject({});
  const log = path.join(dir, 'arena.log');
  const report = path.join(dir, 'report.html');
  const options = parseRunOptions([path.join(REPO_ROOT, 'lua/examples/arena.lua'), '--peers', '3', '--simulate', 'loss=0.05,latency=40ms', '--seed', '4', '--network-log', log, '--', '--seconds', '3']);
  t.is(await runScripts(options, { stdout: () => undefined, stderr: () => undefined }), 0);

  // The log: a header, then one line per frame, peer and remote, and the dump tags.
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(lines[0], { log: 'stingray-network', version: 1 });
  const tags = lines.filter((l) => l.tag !== undefined);
  t.true(tags.some((l) => l.tag === 'game over'));
  t.true(tags.filter((l) => String(l.tag).endsWith('appeared')).length >= 4);
  const traffic = lines.filter((l) => l.sent !== undefined);
  t.true(traffic.every((l) => typeof l.frame === 'number' && typeof l.peer === 'string' && typeof l.remote === 'string'));
  t.true(traffic.some((l) => (l.sent as Record<string, number>)['objects: player']! > 0), 'field updates by object type');
  t.true(traffic.some((l) => (l.sent as Record<string, number>)['rpc_chat']! > 0), 'RPCs by name');

  const analyzed = await runCli(['analyze', log, '-o', report]);
  t.is(analyzed.code, 0, analyzed.stderr);
  t.regex(analyzed.stderr, /^[\d,]+ lines, \d+ graphs, \d+ tags in [\d.]+ s: .*report\.html\n$/, 'one summary line, no progress outside a terminal');
  const model = await readNetworkLog(log);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  t.teardown(async () => {
    await browser.close();
  });
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`file://${report}`);
  t.deepEqual(errors, []);

  const charts = await page.locator('section.chart').evaluateAll((sections) =>
    sections.map((s) => {
      const svg = s.querySelector('svg')!;
      const left = Number(svg.dataset.left);
      const width = Number(svg.dataset.width);
      const duration = Number(svg.dataset.duration);
      const box = svg.getBoundingClientRect();
      return {
        peer: (s as HTMLElement).dataset.peer!,
        direction: (s as HTMLElement).dataset.direction!,
        series: [...s.querySelectorAll('path.series')].map((p) => (p as SVGElement).dataset.category!),
        markers: [...s.querySelectorAll('g.marker')].map((g) => {
          const line = g.querySelector('line')!.getBoundingClientRect();
          const time = Number((g as SVGElement).dataset.time);
          return { time, drawnAt: line.x - box.x, expectedAt: left + (time / duration) * width };
        }),
      };
    }),
  );
  // One graph per peer, remote and direction, with a series per category the log holds.
  t.is(charts.length, model.series.length);
  t.is(charts.length, 12, 'three peers, each with two remotes, sent and received');
  for (const chart of charts) t.true(chart.series.includes('overhead'), `${chart.peer}: ${chart.series.join(', ')}`);
  // Every player object reaches the others through the host: its sent graphs carry them.
  const host = String(tags.find((l) => l.tag === 'game over')!.peer);
  const hostSent = charts.filter((c) => c.peer === host && c.direction === 'sent');
  t.is(hostSent.length, 2);
  for (const chart of hostSent) t.true(chart.series.includes('objects: player') && chart.series.length >= 4, chart.series.join(', '));
  // Every tag of a peer is a marker on its graphs, drawn where its time falls.
  for (const chart of charts) {
    const own = tags.filter((l) => l.peer === chart.peer).map((l) => l.time);
    t.deepEqual(chart.markers.map((m) => m.time).sort(), [...own].sort());
    for (const marker of chart.markers) t.true(Math.abs(marker.drawnAt - marker.expectedAt) < 1.5, `marker at ${marker.time} s drawn at ${marker.drawnAt}, expected ${marker.expectedAt}`);
  }
  t.true((await page.locator('#top tbody tr').count()) >= 5, 'a table of the top consumers');
});
