/**
 * Loaded into every test process (ava's `require`). AVA waits for each test process to exit by itself,
 * so one that keeps a socket, a timer or a child process after its tests would hang the whole run with
 * every test passed and no summary (AVA's own timeout does not fire while a test's longer `t.timeout`
 * window is open). This ends such a process after a grace period, failing the run and naming what was
 * still open.
 */
import test, { registerCompletionHandler } from 'ava';
import type { ChildProcess } from 'node:child_process';
import type { Server, Socket } from 'node:net';
import process from 'node:process';

const GRACE_MS = 20_000;

/** What an open handle is, as far as it can tell: a child's command line, a socket's addresses. */
function describe(handle: object): string {
  if ('spawnargs' in handle) return `child process ${(handle as ChildProcess).pid}: ${(handle as ChildProcess).spawnargs.join(' ')}`;
  if ('remotePort' in handle && (handle as Socket).remotePort !== undefined) return `socket ${(handle as Socket).localAddress}:${(handle as Socket).localPort} -> ${(handle as Socket).remoteAddress}:${(handle as Socket).remotePort}`;
  if ('listening' in handle && typeof (handle as Server).address === 'function') return `server ${JSON.stringify((handle as Server).address())}`;
  return handle.constructor.name;
}

registerCompletionHandler(() => {
  setTimeout(() => {
    // The test process's own stdio and IPC channel to AVA are open too; the rest is what a test left.
    const handles = (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().filter((h) => h !== process.stdout && h !== process.stderr && h !== process.stdin && h !== process.channel);
    process.stderr.write(`${test.meta.file}: still running ${GRACE_MS / 1000} s after its tests ended; open: ${process.getActiveResourcesInfo().join(', ')}\n${handles.map((h) => `  ${describe(h)}\n`).join('')}`);
    process.exit(1);
  }, GRACE_MS).unref();
});
