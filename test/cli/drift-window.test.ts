import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { reliability } from '../reliability/tally.js';
import { runCli } from './run-cli.js';

const lake = mkdtempSync(join(tmpdir(), 'imagelake-cli-drift-'));

// The window became SQL text (INTERVAL (NaN) HOUR): a typo failed inside the worker with the
// text of our query. It is refused with the usage message before anything starts.
it.each(['abc', '0', '2.5'])('drift refuses --window=%s as a usage error', async (window) => {
  reliability('bad-input');
  // A server that is not there: the command must not get as far as connecting.
  const { code, stderr } = await runCli(
    ['drift', `--window=${window}`, '--lake', lake],
    { TEMPORAL_ADDRESS: '127.0.0.1:1' },
    30_000,
  );
  expect(stderr).toContain(`Expected a positive integer, got "${window}".`);
  expect(code).toBe(1);
});
