/**
 * The screenshots of docs/analyzer.md: runs the arena example (3 peers, 5% loss, 40 ms latency,
 * seed 4) with a network log, analyzes it, and photographs the report in Debian's Chromium.
 *
 *   node --import=tsx scripts/analyzer_screenshots.ts      writes docs/analyzer/*.png
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeNetworkLog } from '../src/analyzer/network_log_report.js';
import { parseRunOptions } from '../src/runner/run_options.js';
import { runScripts } from '../src/runner/run_scripts.js';
import { launchChromium, openPage } from '../test/helpers/browser.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs/analyzer');
const dir = mkdtempSync(path.join(tmpdir(), 'stingray-net-screenshots-'));
try {
  const log = path.join(dir, 'arena.log');
  const report = path.join(dir, 'arena.html');
  const options = parseRunOptions([path.join(root, 'lua/examples/arena.lua'), '--peers', '3', '--simulate', 'loss=0.05,latency=40ms', '--seed', '4', '--network-log', log]);
  if ((await runScripts(options, { stdout: () => undefined, stderr: (text) => void process.stderr.write(text) })) !== 0) throw new Error('the arena run failed');
  writeFileSync(report, (await analyzeNetworkLog(log, undefined)).html);

  mkdirSync(out, { recursive: true });
  const browser = await launchChromium();
  try {
    const { page, errors } = await openPage(browser, `file://${report}`, { width: 1200, height: 1100 });
    if (errors.length > 0) throw new Error(`the report has errors: ${errors.join('; ')}`);
    // Scrolled so that the part starts just under the sticky legend, which every picture shows.
    const shot = async (name: string, selector: string, height: number) => {
      await page.locator(selector).first().evaluate((e) => {
        const legend = document.getElementById('legend')!.getBoundingClientRect().height;
        window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - legend - 8);
      });
      await page.screenshot({ path: path.join(out, name), clip: { x: 0, y: 0, width: 1200, height } });
      console.log(`docs/analyzer/${name}`);
    };
    // Top: summary, the one legend, the overview graphs.
    await shot('overview.png', 'h1', 640);
    // One connection of the host: bandwidth out and in, packets and losses, RTT and resends.
    await shot('connection.png', '.connection', 1060);
    // Zoomed into the joins, hovering a moment: every graph shows the same range.
    const plot = page.locator('.connection .u-over').first();
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.6);
    await shot('zoom_hover.png', '.connection', 520);
    await plot.dblclick();
    // The tables, sorted by bytes sent.
    await page.locator('#talkers th', { hasText: 'bytes sent' }).click();
    await shot('tables.png', '#talkers', 900);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
