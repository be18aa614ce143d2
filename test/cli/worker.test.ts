import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { fashionPngFolder } from '../ingest/fixtures.js';
import { testStack } from '../setup/stack.js';
import { runCli, startCliWorker } from './run-cli.js';

it('with TEMPORAL_ADDRESS set, a command only starts workflows and a separate `imagelake worker` runs them', async () => {
  const taskQueue = `cli-${randomBytes(4).toString('hex')}`;
  const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const { worker, output } = await startCliWorker(env);
  try {
    // setup builds the native codec: the worker says it uses it
    expect(output()).toMatch(
      /worker: Avro batches deflate with libdeflate [\d.]+ level 1; small PNGs decode natively/,
    );
    const lake = join(mkdtempSync(join(tmpdir(), 'il-')), 'lake');
    const source = await fashionPngFolder(30);
    const ingest = await runCli(['ingest', source, '--labels', 'dir', '--lake', lake, '--json'], env);
    expect(ingest.code).toBe(0);
    expect(ingest.stderr).not.toMatch(/imagelake:|Error/); // progress lines only
    expect(JSON.parse(ingest.stdout.trim().split('\n').at(-1)!)).toMatchObject({ seen: 30, ingested: 30 });
  } finally {
    worker.kill('SIGTERM');
  }
});
