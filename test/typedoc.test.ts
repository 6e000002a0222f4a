import test from 'ava';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './helpers/lua.js';

test('the TypeScript API documentation builds without warnings', async (t) => {
  // typedoc.json treats warnings as errors: an undocumented exported type fails this.
  const typedoc = path.join(REPO_ROOT, 'node_modules/typedoc/bin/typedoc');
  const result = await promisify(execFile)(process.execPath, [typedoc, '--emit', 'none'], { cwd: REPO_ROOT }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
  t.is(result.code, 0, result.output);
  t.notRegex(result.output, /warning/i);
});
