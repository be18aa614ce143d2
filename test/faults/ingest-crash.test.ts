import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { expect, it } from 'vitest';
import { decodeImageBatch } from '../../lib/avro/index.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { findFashionMnist } from '../../lib/idx/index.js';
import { spawnCli } from '../cli/run-cli.js';
import { stagedParts, startIdxIngest } from './support/idx-ingest.js';
import { testStack } from '../setup/stack.js';
import { queryParquet } from '../ingest/fixtures.js';
import { reliability } from '../reliability/tally.js';

it('SIGKILL of the worker mid-ingest: a new worker finishes the run with exact counts, no duplicate rows or objects', async () => {
  const tally = reliability('fault');
  const stack = testStack();
  const taskQueue = `crash-${randomBytes(4).toString('hex')}`;
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-crash-'));
  const env = { TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const fm = findFashionMnist();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  let worker = spawnCli(['worker'], env);
  try {
    const workflowId = `crash-${taskQueue}`;
    const handle = await startIdxIngest(client, {
      taskQueue,
      workflowId,
      lakeUri,
      images: fm.testImages,
      labels: fm.testLabels,
      chunkSize: 5000,
      partSize: 250,
      parallelism: 2,
      heartbeatTimeout: '3s',
    });
    const parts = stagedParts(lakeUri, workflowId);
    await expect.poll(parts, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    worker.kill('SIGKILL');
    const partsAtKill = parts();
    expect(partsAtKill).toBeLessThan(40); // killed mid-run, not after it
    worker = spawnCli(['worker'], env);
    const summary = await handle.result();

    expect(summary).toMatchObject({
      seen: 10000,
      ingested: 10000,
      duplicates: 0,
      quarantined: 0,
      batches: 40,
    });
    const images = quoteLiteral(join(lakeUri, 'meta/images', `${workflowId}.parquet`));
    const [[rows, distinct, refs]] = (await queryParquet(
      `SELECT count(*), count(DISTINCT sha256), count(DISTINCT (batch_key, record_index)) FROM ${images}`,
    )) as [[bigint, bigint, bigint]];
    tally.items(10000, Number(distinct));
    expect([rows, distinct, refs].map(Number)).toEqual([10000, 10000, 10000]);
    const objects = readdirSync(join(lakeUri, 'batches', workflowId));
    const batches = (await queryParquet(
      `SELECT key, records, sha256 FROM ${quoteLiteral(join(lakeUri, 'meta/batches', `${workflowId}.parquet`))}`,
    )) as [string, number, string][];
    expect(objects.length).toBe(40);
    expect(batches.length).toBe(40);
    for (const [key, count, sha256] of batches)
      expect(decodeImageBatch(readFileSync(join(lakeUri, key)), { key, count, sha256 })).toHaveLength(count);
  } finally {
    worker.kill('SIGKILL');
    await connection.close();
  }
});
