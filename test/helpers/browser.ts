/**
 * A Chromium driven by playwright-core, for tests of pages we write (the analyzer's report).
 * Without one the tests that need it are skipped with one line saying how to install it, except
 * under CI=true, where they run and fail: CI must not pass without them.
 */
import type { TestFn } from 'ava';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** CHROMIUM=/path first, then where Debian and Ubuntu put theirs. */
export const CHROMIUM = [process.env['CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file): file is string => file !== undefined && existsSync(file)) ?? '/usr/bin/chromium';

const available = existsSync(CHROMIUM);
let told = false;

/**
 * `test` when Chromium can run (or under CI), else `test.skip` after saying once why. Takes ava's
 * `test` so that scripts (scripts/analyzer_screenshots.ts) can use this file without ava.
 */
export function browserTest(test: TestFn): TestFn {
  if (available || process.env.CI === 'true') return test;
  if (!told) {
    told = true;
    console.log('skipping browser tests: no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chromium)');
  }
  return test.skip as unknown as TestFn;
}

/** Launch Chromium headless, quietly (no network of its own, no GPU). */
export async function launchChromium(): Promise<Browser> {
  if (!available) throw new Error(`no ${CHROMIUM}: the browser tests need Debian's chromium (apt-get install chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}

/** Open `url` in a new page, collecting its uncaught errors and console errors. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1200, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return { page, errors };
}
