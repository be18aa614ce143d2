import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { reliability } from '../reliability/tally.js';
import { runCli } from './run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'imagelake-lake-path-'));
const file = join(scratch, 'lake.txt');
writeFileSync(file, 'not a lake');
const missing = join(scratch, 'no-such-lake');
const hint = 'check --lake or IMAGELAKE_LAKE';

it.each([
  [
    ['sql', 'SELECT count(*) FROM images', '--lake', file],
    `lake: "${file}" is not a directory, so it cannot be a lake: ${hint}`,
  ],
  [
    ['sql', 'SELECT count(*) FROM images', '--lake', missing],
    `lake: no lake at "${missing}": the directory does not exist: ${hint}`,
  ],
  [
    ['sql', 'SELECT 1', '--lake', join(file, 'below')],
    `lake: "${join(file, 'below')}" is not a directory, so it cannot be a lake: ${hint}`,
  ],
  [
    ['dataset', 'list', '--lake', missing],
    `lake: no lake at "${missing}": the directory does not exist: ${hint}`,
  ],
  [
    ['models', 'list', '--lake', missing],
    `lake: no lake at "${missing}": the directory does not exist: ${hint}`,
  ],
  [
    ['score', 'status', 'score-1', '--lake', file],
    `lake: "${file}" is not a directory, so it cannot be a lake: ${hint}`,
  ],
])('a command that reads refuses a lake that is not there: %j', async (args, message) => {
  reliability('bad-input');
  const r = await runCli(args, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`imagelake: ${message}\n`);
});
