/**
 * Browser tests drive a headless Chromium through playwright-core. On a machine without one such a
 * test is skipped, its title saying how to install one; under CI=true a missing browser fails it.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';

/** Where Debian and Ubuntu put their Chromium; CHROMIUM=/path comes first. */
const CANDIDATES = [process.env['CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];

const INSTALL = 'apt-get install chromium, or set CHROMIUM=/path/to/chromium';

/** The Chromium executable, if this machine has one. */
export function findChromium(): string | undefined {
  return CANDIDATES.find((file): file is string => file !== undefined && existsSync(file));
}

/** An ava test that receives the Chromium executable; see the file's comment for a machine without one. */
export function browserTest(title: string, run: (t: ExecutionContext, chromium: string) => Promise<void>): void {
  const chromium = findChromium();
  if (chromium) test(title, (t) => run(t, chromium));
  else if (process.env['CI'] === 'true') test(title, (t) => t.fail(`no Chromium found, and CI=true needs one: ${INSTALL}`));
  else test.skip(`${title} [no Chromium found: ${INSTALL}]`, () => undefined);
}
