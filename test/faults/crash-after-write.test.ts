import { Client, Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { spawnCli } from '../cli/run-cli.js';
import { startIdxIngest } from './support/idx-ingest.js';
import { fashionIdxSubset, queryParquet } from '../ingest/fixtures.js';
import { testStack } from '../setup/stack.js';
import { reliability } from '../reliability/tally.js';

const CRASHING_WORKER = fileURLToPath(new URL('./support/crash-after-write-worker.ts', import.meta.url));

/** Ingests 2,000 real images; the first worker dies right after its first write of a matching key. */
async function ingestThroughCrash(crashAfterWrite: string) {
  const tally = reliability('fault');
  const stack = testStack();
  const taskQueue = `caw-${randomBytes(4).toString('hex')}`;
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-caw-'));
  const env = { ...process.env, TEMPORAL_ADDRESS: stack.temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const source = await fashionIdxSubset(2000);
  const crashing = spawn(process.execPath, ['--import', 'tsx', CRASHING_WORKER], {
    env: { ...env, CRASH_AFTER_WRITE: crashAfterWrite },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  crashing.stdout.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    crashing.on('exit', (_, signal) => resolve(signal)),
  );
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  let worker: ReturnType<typeof spawnCli> | undefined;
  try {
    const workflowId = `caw-${taskQueue}`;
    const handle = await startIdxIngest(client, {
      taskQueue,
      workflowId,
      lakeUri,
      images: source.images,
      labels: source.labels,
      chunkSize: 500,
      partSize: 250,
      parallelism: 1,
      heartbeatTimeout: '3s',
    });
    expect(await exited).toBe('SIGKILL');
    expect(log).toMatch(/crash-after-write: .* written, killing the worker/);
    worker = spawnCli(['worker'], env);
    const summary = await handle.result();
    return { lakeUri, workflowId, summary, tally };
  } finally {
    crashing.kill('SIGKILL');
    worker?.kill('SIGKILL');
    await connection.close();
  }
}

async function expectExactlyOnce(
  lakeUri: string,
  workflowId: string,
  tally: ReturnType<typeof reliability>,
): Promise<void> {
  expect(readdirSync(join(lakeUri, 'batches', workflowId))).toHaveLength(8);
  expect(readdirSync(join(lakeUri, 'manifests', 'ingest'))).toEqual([`${workflowId}.json`]);
  const images = quoteLiteral(join(lakeUri, 'meta/images', `${workflowId}.parquet`));
  const [[rows, distinct, keys]] = (await queryParquet(
    `SELECT count(*), count(DISTINCT sha256), count(DISTINCT batch_key) FROM ${images}`,
  )) as [[bigint, bigint, bigint]];
  tally.items(2000, Number(distinct));
  expect([rows, distinct, keys].map(Number)).toEqual([2000, 2000, 8]);
}

describe('a worker killed after a write and before its activity reports', () => {
  it('after the first Avro batch: the retry rewrites the same object, no second one, one commit', async () => {
    const { lakeUri, workflowId, summary, tally } = await ingestThroughCrash('^batches/');
    expect(summary).toMatchObject({ seen: 2000, ingested: 2000, duplicates: 0, batches: 8 });
    await expectExactlyOnce(lakeUri, workflowId, tally);
  });

  it('after claiming its commit position, before publishing the manifest: the retry publishes that commit, no second one', async () => {
    const { lakeUri, workflowId, summary, tally } = await ingestThroughCrash('^commits/ingest/');
    expect(summary).toMatchObject({ seen: 2000, ingested: 2000, duplicates: 0, batches: 8 });
    await expectExactlyOnce(lakeUri, workflowId, tally);
    expect(readdirSync(join(lakeUri, 'commits', 'ingest'))).toEqual(['000000000001.json']);
  });

  it('after publishing the commit manifest: the retry finds its own manifest, no second commit', async () => {
    const { lakeUri, workflowId, summary, tally } = await ingestThroughCrash('^manifests/ingest/');
    expect(summary).toMatchObject({ seen: 2000, ingested: 2000, duplicates: 0, batches: 8 });
    await expectExactlyOnce(lakeUri, workflowId, tally);
  });
});
