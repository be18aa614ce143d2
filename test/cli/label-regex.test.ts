import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fashionPngFolder } from '../ingest/fixtures.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { runCli, startCliWorker } from './run-cli.js';

it('a catastrophic --label-regex neither blocks a worker nor keeps it from stopping on SIGTERM', async () => {
  reliability('bad-input');
  const taskQueue = `regex-${randomBytes(4).toString('hex')}`;
  const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const pngs = await fashionPngFolder(2);
  const source = mkdtempSync(join(tmpdir(), 'imagelake-regex-'));
  const [first, second] = readdirSync(pngs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name)));
  // Backtracking `^(a+)+$` on this name tries about 2^40 ways before it fails.
  writeFileSync(join(source, `${'a'.repeat(40)}!`), first!);
  writeFileSync(join(source, 'aaaa'), second!);
  const { worker } = await startCliWorker(env);
  try {
    const lake = join(mkdtempSync(join(tmpdir(), 'il-')), 'lake');
    const started = Date.now();
    const ingest = await runCli(
      ['ingest', source, '--label-regex', '^(a+)+$', '--lake', lake, '--json'],
      env,
      60_000,
    );
    expect(ingest.stderr).toContain(
      `ingest: 1 of 2 files got no label from --label-regex "^(a+)+$" (e.g. "${'a'.repeat(40)}!"): ingested without a label`,
    );
    expect([ingest.code, Date.now() - started < 60_000]).toEqual([0, true]);
    expect(JSON.parse(ingest.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      ingested: 2,
      labels: { files: 2, labeled: 1 },
    });
  } finally {
    worker.kill('SIGTERM');
  }
  const stopped = await Promise.race([
    once(worker, 'exit').then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 30_000)),
  ]);
  expect(stopped).toBe(true);
});
