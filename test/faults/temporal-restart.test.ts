import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { findFashionMnist } from '../../lib/idx/index.js';
import { spawnCli } from '../cli/run-cli.js';
import { stagedParts, startIdxIngest } from './support/idx-ingest.js';
import { queryParquet } from '../ingest/fixtures.js';
import { startStack } from '../setup/start-stack.js';
import { reliability } from '../reliability/tally.js';

it('the Temporal dev server restarted mid-ingest on its kept SQLite file: the same run carries on and counts exactly', async () => {
  const tally = reliability('fault');
  // A Temporal server of this test's own, so restarting it disturbs nothing else.
  const { stack, stop, restartTemporal } = await startStack({ s3: false });
  const taskQueue = `restart-${randomBytes(4).toString('hex')}`;
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-restart-'));
  const fm = findFashionMnist();
  const worker = spawnCli(['worker'], {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    IMAGELAKE_TASK_QUEUE: taskQueue,
  });
  let workerLog = '';
  worker.stderr?.on('data', (d: Buffer) => (workerLog += d.toString()));
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  try {
    const workflowId = `restart-${taskQueue}`;
    const handle = await startIdxIngest(client, {
      taskQueue,
      workflowId,
      lakeUri,
      images: fm.testImages,
      labels: fm.testLabels,
      chunkSize: 500,
      partSize: 100,
      parallelism: 1,
    });
    const { runId } = await handle.describe();
    const parts = stagedParts(lakeUri, workflowId);
    await expect.poll(parts, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(3);

    // Stop, stay down for 5 s, start again on the same port and SQLite file.
    await restartTemporal(async () => {
      await expect(handle.describe()).rejects.toThrow();
      await sleep(5000);
    });
    expect(parts()).toBeLessThan(100); // restarted mid-run, not after it

    const summary = await handle.result();
    expect(summary).toMatchObject({ seen: 10_000, ingested: 10_000, duplicates: 0, quarantined: 0 });
    expect((await handle.describe()).runId).toBe(runId); // the same execution, not a new one
    const images = quoteLiteral(join(lakeUri, 'meta/images', `${workflowId}.parquet`));
    const [[rows, distinct]] = (await queryParquet(
      `SELECT count(*), count(DISTINCT sha256) FROM ${images}`,
    )) as [[bigint, bigint]];
    tally.items(10_000, Number(distinct));
    expect([Number(rows), Number(distinct)]).toEqual([10_000, 10_000]);
    expect(worker.exitCode).toBeNull(); // the worker rode out the outage too
  } finally {
    worker.kill('SIGKILL');
    await connection.close();
    await stop();
  }
  expect(workerLog).not.toMatch(/Unhandled|uncaught/i);
});
