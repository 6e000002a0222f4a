/**
 * Loaded into every test process (ava's `require`). AVA waits for each test process to exit by itself,
 * so one that keeps a socket, a timer or a child process after its tests would hang the whole run with
 * every test passed and no summary. This ends such a process after a grace period, failing the run and
 * naming what was still open.
 */
import test, { registerCompletionHandler } from 'ava';
import process from 'node:process';

const GRACE_MS = 20_000;

registerCompletionHandler(() => {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'TTYWrap');
    process.stderr.write(`${test.meta.file}: still running ${GRACE_MS / 1000} s after its tests ended; open: ${open.join(', ') || 'timers only'}\n`);
    process.exit(1);
  }, GRACE_MS).unref();
});
