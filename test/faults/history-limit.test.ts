import { Client, Connection } from '@temporalio/client';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { spawnCli } from '../cli/run-cli.js';
import { startIdxIngest } from './support/idx-ingest.js';
import { queryParquet } from '../ingest/fixtures.js';
import { startStack } from '../setup/start-stack.js';
import { reliability } from '../reliability/tally.js';

const ITEMS = 100_000;
const HISTORY_ERROR = 600; // the server terminates a run whose history reaches this many events
const HISTORY_SUGGEST = 250;

/** 100,000 real images: Fashion-MNIST train and test, then 30,000 train images mirrored. */
async function fashionIdx100k(): Promise<{ images: string; labels: string; distinct: number }> {
  const fm = findFashionMnist();
  const train = await openIdxPair(fm.trainImages, fm.trainLabels);
  const test = await openIdxPair(fm.testImages, fm.testLabels);
  const pixels: Buffer[] = [];
  const labels: number[] = [];
  for (const [pair, n] of [
    [train, 60_000],
    [test, 10_000],
  ] as const)
    for (let i = 0; i < n; i++) {
      pixels.push(Buffer.from(pair.image(i)));
      labels.push(pair.label(i));
    }
  for (let i = 0; i < ITEMS - 70_000; i++) {
    const mirrored = Buffer.alloc(784);
    const image = train.image(i);
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) mirrored[y * 28 + x] = image[y * 28 + 27 - x]!;
    pixels.push(mirrored);
    labels.push(train.label(i));
  }
  const distinct = new Set(pixels.map((p) => createHash('sha256').update(p).digest('hex'))).size;
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-100k-'));
  const header = (magic: number, dims: number[]) =>
    Buffer.from(new Uint32Array([magic, ...dims]).buffer).swap32();
  const images = join(dir, 'images-idx3-ubyte');
  const labelsFile = join(dir, 'labels-idx1-ubyte');
  writeFileSync(images, Buffer.concat([header(0x803, [ITEMS, 28, 28]), ...pixels]));
  writeFileSync(labelsFile, Buffer.concat([header(0x801, [ITEMS]), Buffer.from(labels)]));
  return { images, labels: labelsFile, distinct };
}

it('a source of 100,000 items under a small server history limit continues as new when suggested and finishes with exact counts', async () => {
  const tally = reliability('fault');
  const source = await fashionIdx100k();
  const { stack, stop } = await startStack({
    s3: false,
    temporalDynamicConfig: {
      'limit.historyCount.suggestContinueAsNew': HISTORY_SUGGEST,
      'limit.historyCount.warn': HISTORY_SUGGEST,
      'limit.historyCount.error': HISTORY_ERROR,
    },
  });
  const taskQueue = `limit-${randomBytes(4).toString('hex')}`;
  const lakeUri = mkdtempSync(join(tmpdir(), 'imagelake-limit-'));
  const worker = spawnCli(['worker'], {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    IMAGELAKE_TASK_QUEUE: taskQueue,
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  try {
    const workflowId = `limit-${taskQueue}`;
    const handle = await startIdxIngest(client, {
      taskQueue,
      workflowId,
      lakeUri,
      images: source.images,
      labels: source.labels,
      chunkSize: 500, // 200 chunks: about 1,200 events in one history, twice the limit
      partSize: 500,
      parallelism: 4,
    });
    const summary = await handle.result();
    expect(summary).toMatchObject({
      seen: ITEMS,
      ingested: source.distinct,
      duplicates: ITEMS - source.distinct,
      quarantined: 0,
    });

    // Several runs, none of them near the limit: continue-as-new came from the server's suggestion.
    const runs: { runId: string; status: string; length: number }[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await client.workflow.getHandle(workflowId, w.runId).fetchHistory();
      runs.push({ runId: w.runId, status: w.status.name, length: history.events?.length ?? 0 });
    }
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const run of runs) expect(run.length).toBeLessThan(HISTORY_ERROR);
    expect(runs.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
    expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW')).toHaveLength(runs.length - 1);

    const images = quoteLiteral(join(lakeUri, 'meta/images', `${workflowId}.parquet`));
    const [[rows, distinct]] = (await queryParquet(
      `SELECT count(*), count(DISTINCT sha256) FROM ${images}`,
    )) as [[bigint, bigint]];
    tally.items(source.distinct, Number(distinct));
    expect([Number(rows), Number(distinct)]).toEqual([source.distinct, source.distinct]);
  } finally {
    worker.kill('SIGKILL');
    await connection.close();
    await stop();
  }
});
