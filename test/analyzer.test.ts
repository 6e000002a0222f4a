import test from 'ava';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { NetworkLogError, readNetworkLog } from '../src/analyzer/network_log_reader.js';
import { parseRunOptions } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';
import { browserTest, launchChromium, openPage } from './helpers/browser.js';
import { REPO_ROOT, runCli, tempProject } from './helpers/lua.js';

const quiet = { stdout: () => undefined, stderr: () => undefined };

/** A run of arena.lua (or a variant) with three peers, logged; returns the log's lines and the report's path. */
async function recordArena(t: { teardown(fn: () => void): void }, script: string, simulate: string, extra: string[] = []): Promise<{ dir: string; log: string; report: string; lines: Record<string, unknown>[] }> {
  const dir = tempProject({});
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const log = path.join(dir, 'arena.log');
  const report = path.join(dir, 'report.html');
  const options = parseRunOptions([script, '--root', path.join(REPO_ROOT, 'lua/examples'), '--peers', '3', '--simulate', simulate, '--seed', '4', '--network-log', log, '--', '--seconds', '3']);
  if ((await runScripts(options, quiet)) !== 0) throw new Error('the arena run failed');
  const analyzed = await runCli(['analyze', log, '-o', report, ...extra]);
  if (analyzed.code !== 0) throw new Error(analyzed.stderr);
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { dir, log, report, lines };
}

/** What each graph of the page draws. */
function graphs(page: Page) {
  return page.evaluate(() =>
    (window as unknown as { report: { charts: { kind: string; meta: Record<string, string>; series: { label: string; colour: string; values: (number | null)[] }[]; u: { scales: { x: { min: number; max: number } } } }[] } }).report.charts.map((c) => ({
      kind: c.kind,
      meta: c.meta,
      series: c.series,
      range: [c.u.scales.x.min, c.u.scales.x.max],
    })),
  );
}

test('analyze refuses what is not a network log, naming the file, the line and what is wrong', async (t) => {
  const dir = tempProject({
    'notes.txt': 'hello\n',
    'v1.log': '{"log":"stingray-network","version":1,"started":"2026-11-25T03:06:48.154Z"}\n',
    'bad_line.log': '{"log":"stingray-network","version":2,"started":"x"}\n{"frame":0,"time":0,"peer":"a1","name":"0:host"}\n{"frame":1,"time":0.03,"peer":"a1","remote":"b2","sent":{"overhead":"12"},"received":{},"packets":[1,0]}\n{"frame":2,"time":0.06,"peer":"a1","tag":"x"}\n',
    'cut.log': '{"log":"stingray-network","version":2,"started":"x"}\n{"frame":0,"time":0.5,"peer":"a1","tag":"start"}\n{"frame":1,"ti',
  });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const notLog = await runCli(['analyze', path.join(dir, 'notes.txt')]);
  t.not(notLog.code, 0);
  t.regex(notLog.stderr, /notes\.txt:1: the header is not JSON: hello/);
  const v1 = await runCli(['analyze', path.join(dir, 'v1.log')]);
  t.not(v1.code, 0);
  t.regex(v1.stderr, /v1\.log:1: network log version 1; this analyzer reads version 2/);
  const bad = await runCli(['analyze', path.join(dir, 'bad_line.log')]);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /bad_line\.log:3: "sent\.overhead" should be a number of at least 0, found "12"/);
  const bucket = await runCli(['analyze', path.join(dir, 'cut.log'), '--bucket', 'fast']);
  t.regex(bucket.stderr, /--bucket takes a whole number of milliseconds, 1\.\.3600000, got 'fast'/);
  // A last line cut short (the run stopped while writing it) is left out, and said so.
  const cut = await runCli(['analyze', path.join(dir, 'cut.log'), '-o', path.join(dir, 'cut.html')]);
  t.is(cut.code, 0, cut.stderr);
  t.regex(cut.stderr, /cut\.log: the last line was cut short/);
  await t.throwsAsync(readNetworkLog(path.join(dir, 'bad_line.log'), () => undefined), { instanceOf: NetworkLogError });
});

browserTest(test)('the report of a lossy run: named peer sections, one colour per category everywhere, zoom, hover, toggling and tags that do not collide', async (t) => {
  const { report, lines } = await recordArena(t, path.join(REPO_ROOT, 'lua/examples/arena.lua'), 'loss=0.05,latency=40ms', ['--bucket', '200']);
  t.like(lines[0], { log: 'stingray-network', version: 2 });
  const names = new Map(lines.filter((l) => typeof l.name === 'string').map((l) => [l.peer as string, l.name as string]));
  t.deepEqual([...names.values()].sort(), ['0:arena', '1:arena', '2:arena']);
  const traffic = lines.filter((l) => l.remote !== undefined);
  t.true(traffic.some((l) => (l.received as Record<string, number>)['objects: player']! > 0), 'the receiver counts field updates by object type, as the sender does');
  t.true(traffic.some((l) => typeof l.rtt === 'number') && traffic.some((l) => typeof l.lost === 'number'), 'RTT samples and losses are logged');

  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const { page, errors } = await openPage(browser, `file://${report}`);
  t.deepEqual(errors, []);
  t.regex((await page.locator('#summary').textContent())!, /Bucket width 200 ms/);

  // Sections per peer, named as the runner names them.
  const sections = await page.locator('section.peer h2').allTextContents();
  t.deepEqual(sections.map((s) => s.replace(/ .*/, '')), ['[0:arena]', '[1:arena]', '[2:arena]']);

  // One colour per category: every graph draws a category in its legend colour.
  const legend = new Map(
    await page.locator('#legend label').evaluateAll((labels) => labels.map((l) => [(l as HTMLElement).dataset.category!, getComputedStyle(l.querySelector('.swatch')!).backgroundColor] as [string, string])),
  );
  const toRgb = (colour: string) => page.evaluate((c) => {
    const probe = document.createElement('i');
    probe.style.color = c;
    document.body.append(probe);
    const rgb = getComputedStyle(probe).color;
    probe.remove();
    return rgb;
  }, colour);
  const before = await graphs(page);
  const stacked = before.filter((g) => g.kind === 'stacked');
  t.is(stacked.length, 1 + 6 * 2, 'the overview, and sent and received for each of the six connections');
  const seen = new Map<string, Set<string>>();
  for (const graph of stacked) {
    for (const s of graph.series) {
      const rgb = await toRgb(s.colour);
      t.is(rgb, legend.get(s.label) ?? 'not in the legend', `${s.label} in the graph of ${JSON.stringify(graph.meta)}`);
      seen.set(s.label, (seen.get(s.label) ?? new Set()).add(rgb));
    }
  }
  t.true(seen.size >= 5, [...seen.keys()].join(', '));
  for (const [category, colours] of seen) t.is(colours.size, 1, category);
  t.is(new Set(legend.values()).size, legend.size, 'no two categories share a colour');

  // Tags: a dashed line and a label at each tag's time; no two labels of a graph overlap.
  const strips = await page.locator('.chart').evaluateAll((charts) =>
    charts.map((chart) => [...chart.querySelectorAll('.tagstrip span')].map((s) => {
      const r = s.getBoundingClientRect();
      return { text: s.textContent!, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    })),
  );
  const labelled = strips.filter((s) => s.length > 0);
  t.true(labelled.length >= 7, 'the overview graphs and the host’s graphs carry tags');
  t.true(strips[0]!.length >= 5, 'the overview shows every peer’s tags');
  for (const strip of strips) {
    for (let i = 0; i < strip.length; i++) {
      for (let j = i + 1; j < strip.length; j++) {
        const a = strip[i]!;
        const b = strip[j]!;
        t.false(a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom, `"${a.text}" overlaps "${b.text}"`);
      }
    }
  }

  // Hover: the values under the cursor.
  const plot = page.locator('.chart').first().locator('.u-over');
  const box = (await plot.boundingBox())!;
  await plot.hover({ position: { x: box.width * 0.8, y: box.height / 2 } });
  t.regex((await page.locator('.chart').first().locator('.hover').textContent())!, /\d s.*objects: player: [\d.]+ k?B\/s/);

  // Zoom: dragging across one graph narrows the visible range of every graph; a double-click restores it.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const zoomed = await graphs(page);
  const [min, max] = zoomed[0]!.range;
  t.true(min! > before[0]!.range[0]! + 1 && max! < before[0]!.range[1]! - 0.3, `zoomed to ${min}..${max}`);
  for (const g of zoomed) t.deepEqual(g.range, zoomed[0]!.range);
  const shownTags = await page.locator('.chart').first().locator('.tagstrip span').evaluateAll((spans) => spans.map((s) => Number((s as HTMLElement).dataset.time)));
  t.true(shownTags.every((time) => time >= min! && time <= max!), 'only the tags inside the zoomed range are labelled');
  await plot.dblclick();
  t.deepEqual((await graphs(page))[0]!.range, before[0]!.range);

  // Toggling a category in the one legend hides it in every graph.
  await page.locator('#legend label[data-category="objects: player"]').click();
  const toggled = await graphs(page);
  for (const g of toggled.filter((g) => g.kind === 'stacked')) t.false(g.series.some((s) => s.label === 'objects: player'));
  t.deepEqual(errors, []);

  // Tables sort by a column when its header is clicked.
  await page.locator('#categories th', { hasText: 'bytes received' }).click();
  const sorted = await page.locator('#categories tbody tr td:nth-child(4)').evaluateAll((cells) => cells.map((c) => Number((c as HTMLElement).dataset.sort)));
  t.deepEqual(sorted, [...sorted].sort((a, b) => b - a));
  t.true((await page.locator('#rpcs tbody tr').allTextContents()).some((row) => row.startsWith('rpc_chat')));
  t.true((await page.locator('#fields tbody tr').allTextContents()).some((row) => row.startsWith('playerposition')));
});

browserTest(test)('in a lossless run, what each peer sent a remote and what the remote received add up, per category, in the graphs and the tables', async (t) => {
  const { report } = await recordArena(t, path.join(REPO_ROOT, 'test/fixtures/analyzer/arena_linger.lua'), 'perfect');
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const { page, errors } = await openPage(browser, `file://${report}`);
  t.deepEqual(errors, []);
  const bucketSeconds = (await page.evaluate(() => (window as unknown as { report: { bucketMs: number } }).report.bucketMs)) / 1000;
  const all = await graphs(page);
  const totals = (peer: string, remote: string, direction: string) => {
    const graph = all.find((g) => g.meta.peer === peer && g.meta.remote === remote && g.meta.direction === direction)!;
    return new Map(graph.series.map((s) => [s.label, s.values.reduce<number>((sum, v) => sum + (v ?? 0), 0) * bucketSeconds]));
  };
  const pairs = all.filter((g) => g.meta.direction === 'sent' && g.meta.peer);
  t.is(pairs.length, 6);
  let compared = 0;
  for (const { meta } of pairs) {
    const sent = totals(meta.peer!, meta.remote!, 'sent');
    const received = totals(meta.remote!, meta.peer!, 'received');
    for (const [category, bytes] of sent) {
      // The last keep-alive of the run is still on its way when the run stops.
      if (category === 'overhead') continue;
      t.true(Math.abs(bytes - (received.get(category) ?? 0)) < 1, `${meta.peer} → ${meta.remote}, ${category}: sent ${bytes}, received ${received.get(category)}`);
      compared++;
    }
  }
  t.true(compared >= 10, `${compared} categories compared`);
  const rows = await page.locator('#categories tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.sort ?? td.textContent!)));
  for (const [category, sentBytes, resent, received, unaccounted, messagesSent, messagesReceived] of rows) {
    if (category === 'overhead') continue;
    t.is(Number(unaccounted), 0, `${category}: sent ${sentBytes} (${resent} resent), received ${received}`);
    t.is(messagesSent, messagesReceived, `${category}: messages`);
  }
  // Field by field too: the bits of each field's values each way, within the update messages' bytes.
  const fields = await page.locator('#fields tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.sort ?? td.textContent!)));
  t.deepEqual(fields.map((f) => `${f[0]}.${f[1]}`).sort(), ['player.position', 'player.rotation']);
  for (const [type, field, bitsSent, bitsReceived] of fields) t.true(Number(bitsSent) > 0 && bitsSent === bitsReceived, `${type}.${field}: ${bitsSent} bits sent, ${bitsReceived} received`);
  const updates = rows.find((r) => r[0] === 'objects: player')!;
  t.true(fields.reduce((sum, f) => sum + Number(f[2]), 0) < Number(updates[1]) * 8, 'field values are part of the update messages');
  // Reconciled categories include RPCs, object updates and creations.
  t.true(['rpc_chat', 'objects: player', 'object create', 'session', 'lobby', 'channel'].every((c) => rows.some((r) => r[0] === c)), rows.map((r) => r[0]).join(', '));
});

test('a log without traffic makes a report that says so', async (t) => {
  const dir = tempProject({ 'empty.log': '{"log":"stingray-network","version":2,"started":"x"}\n' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const result = await runCli(['analyze', path.join(dir, 'empty.log')]);
  t.is(result.code, 0, result.stderr);
  t.regex(readFileSync(path.join(dir, 'empty.html'), 'utf8'), /0 peers, 0 connections/);
});

browserTest(test)('names in a log are shown as text, never run as markup', async (t) => {
  const evil = '<img src=x onerror="document.title=1">';
  const lines = [
    { log: 'stingray-network', version: 2, started: 'x' },
    { frame: 0, time: 0.1, peer: 'a1', name: evil },
    { frame: 0, time: 0.1, peer: 'a1', remote: 'b2', sent: { [evil]: 10, overhead: 6 }, received: {}, packets: [1, 0], messages: [{ [evil]: 1 }, {}] },
    { frame: 1, time: 0.2, peer: 'a1', tag: evil },
  ];
  const dir = tempProject({ 'evil.log': lines.map((l) => JSON.stringify(l)).join('\n') + '\n' });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.is((await runCli(['analyze', path.join(dir, 'evil.log')])).code, 0);
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const { page, errors } = await openPage(browser, `file://${path.join(dir, 'evil.html')}`);
  const plot = page.locator('.chart[data-direction="sent"] .u-over').last();
  const box = (await plot.boundingBox())!;
  await plot.hover({ position: { x: 2, y: box.height / 2 } });
  t.deepEqual(errors, []);
  t.is(await page.locator('img').count(), 0);
  t.true((await page.locator('#legend').textContent())!.includes(evil));
  t.true((await page.locator('section.peer h2').first().textContent())!.includes(evil));
  t.true((await page.locator('.tagstrip span').first().textContent())!.includes(evil));
});
