import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngestWorkflow } from '../../workflows/index.js';
import { catalogRows, createDataset, folderIngest } from '../catalog/helpers.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker, type TestWorkerContext } from '../setup/temporal.js';
import { raceCommits } from './commit-gate.js';
import { fashionPngFolder } from './fixtures.js';

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)],
  );
const hashes = (dir: string) =>
  new Set(walk(dir).map((f) => createHash('sha256').update(readFileSync(f)).digest('hex')));

/** Starts one ingest per folder at the same moment and waits for all of them. */
function ingestAtOnce({ client, taskQueue }: TestWorkerContext, lakeUri: string, folders: string[]) {
  return Promise.all(
    folders.map(async (root, i) => {
      const input = folderIngest(lakeUri, root, {
        labels: { kind: 'parent-dir' },
        chunkSize: 16,
        partSize: 8,
      });
      const handle = await client.workflow.start(IngestWorkflow, {
        taskQueue,
        workflowId: `concurrent-${i}-${taskQueue}`,
        args: [input],
      });
      return handle.result();
    }),
  );
}

/** Every stored image once: the images view, the runs' reports and a dataset over all of them agree. */
async function expectEachImageOnce(
  ctx: TestWorkerContext,
  lakeUri: string,
  distinct: number,
  concurrent: number,
  name: string,
) {
  const rows = (query: string) => catalogRows(ctx.deps, lakeUri, query);
  expect(await rows('SELECT count(*), count(DISTINCT sha256), count(DISTINCT image_id) FROM images')).toEqual(
    [[BigInt(distinct), BigInt(distinct), BigInt(distinct)]],
  );
  expect(
    await rows(
      'SELECT sum(ingested), sum(concurrent_duplicates), list(commit_position ORDER BY commit_position) FROM ingest_runs',
    ),
  ).toEqual([[BigInt(distinct), BigInt(concurrent), [1n, 2n]]]);
  expect(await rows("SELECT count(*) FROM duplicates WHERE reason = 'stored by a concurrent run'")).toEqual([
    [BigInt(concurrent)],
  ]);
  const dataset = await createDataset(
    ctx.client,
    ctx.taskQueue,
    lakeUri,
    name,
    'SELECT image_id FROM images',
  );
  expect(dataset.counts.total).toBe(distinct);
}

const lakes: [string, (ctx: TestWorkerContext) => string][] = [
  ['a local lake', (ctx) => ctx.lakeUri],
  ['an S3 lake on MinIO', () => `s3://${testStack().s3.bucket}/concurrent-${randomBytes(4).toString('hex')}`],
];

describe('two ingests at the same time store each image once', () => {
  it.each(lakes)('of the same folder, committing at the same moment, on %s', async (_, lakeOf) => {
    const tally = reliability('fault');
    const folder = await fashionPngFolder(40);
    await withTestWorker(async (ctx) => {
      raceCommits(ctx.deps, 2);
      const lakeUri = lakeOf(ctx);
      const runs = await ingestAtOnce(ctx, lakeUri, [folder, folder]);
      // Both staged all 40 before either committed; the commit that lost the race stored none.
      expect(runs.map((r) => r.seen)).toEqual([40, 40]);
      expect(runs.map((r) => r.ingested).sort()).toEqual([0, 40]);
      expect(runs.map((r) => r.concurrentDuplicates).sort()).toEqual([0, 40]);
      expect(runs.map((r) => r.duplicates).sort()).toEqual([0, 40]);
      await expectEachImageOnce(ctx, lakeUri, 40, 40, 'same-folder');
      tally.items(40, Number((await catalogRows(ctx.deps, lakeUri, 'SELECT count(*) FROM images'))[0]![0]));
    });
  });

  it.each(lakes)(
    'of two folders holding some of the same images, committing at the same moment, on %s',
    async (_, lakeOf) => {
      const tally = reliability('fault');
      const first = await fashionPngFolder(40, 0);
      const second = await fashionPngFolder(40, 20);
      const all = new Set([...hashes(first), ...hashes(second)]);
      const shared = [...hashes(first)].filter((h) => hashes(second).has(h)).length;
      expect(shared).toBe(20);
      await withTestWorker(async (ctx) => {
        raceCommits(ctx.deps, 2);
        const lakeUri = lakeOf(ctx);
        const runs = await ingestAtOnce(ctx, lakeUri, [first, second]);
        expect(runs.reduce((n, r) => n + r.ingested, 0)).toBe(all.size);
        expect(runs.map((r) => r.concurrentDuplicates).sort()).toEqual([0, shared]);
        for (const r of runs) expect(r.seen).toBe(r.ingested + r.duplicates + r.quarantined);
        await expectEachImageOnce(ctx, lakeUri, all.size, shared, 'two-folders');
        tally.items(
          all.size,
          Number((await catalogRows(ctx.deps, lakeUri, 'SELECT count(*) FROM images'))[0]![0]),
        );
      });
    },
  );

  it('of the same folder, left to run as they come', async () => {
    const tally = reliability('fault');
    const folder = await fashionPngFolder(40);
    await withTestWorker(async (ctx) => {
      const runs = await ingestAtOnce(ctx, ctx.lakeUri, [folder, folder]);
      expect(runs.reduce((n, r) => n + r.ingested, 0)).toBe(40);
      expect(runs.reduce((n, r) => n + r.duplicates, 0)).toBe(40);
      const [[count, distinct]] = (await catalogRows(
        ctx.deps,
        ctx.lakeUri,
        'SELECT count(*), count(DISTINCT sha256) FROM images',
      )) as [[bigint, bigint]];
      expect([count, distinct]).toEqual([40n, 40n]);
      tally.items(40, Number(distinct));
    });
  });
});
