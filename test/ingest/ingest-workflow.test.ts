import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageBatch } from '../../lib/avro/index.js';
import { FASHION_MNIST_CLASSES } from '../../lib/idx/index.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { IngestWorkflow, type IngestInput } from '../../workflows/index.js';
import { withTestWorker } from '../setup/temporal.js';
import { fashionIdxSubset, fashionPngFolder, queryParquet } from './fixtures.js';

const normalize = {};

describe('IngestWorkflow on the real Temporal server', () => {
  it('ingests a real Fashion-MNIST IDX subset exactly once, over several chunks and parts', async () => {
    const { images, labels } = await fashionIdxSubset(1500);
    await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      const input: IngestInput = {
        lakeUri,
        source: { kind: 'idx', images, labels },
        labels: { kind: 'idx' },
        classes: [...FASHION_MNIST_CLASSES],
        normalize,
        chunkSize: 600,
        partSize: 256,
      };
      const first = await client.workflow.execute(IngestWorkflow, {
        taskQueue,
        workflowId: `idx-${taskQueue}`,
        args: [input],
      });
      expect(first).toMatchObject({ seen: 1500, ingested: 1500, duplicates: 0, quarantined: 0, batches: 8 });

      const imagesTable = join(lakeUri, 'meta/images', `idx-${taskQueue}.parquet`);
      const [[rows, distinct, firstLabel]] = (await queryParquet(
        `SELECT count(*), count(DISTINCT sha256), first(label ORDER BY batch_key, record_index) FROM ${quoteLiteral(imagesTable)}`,
      )) as [[bigint, bigint, string]];
      expect([Number(rows), Number(distinct), firstLabel]).toEqual([1500, 1500, 'Ankle boot']);

      // Every batch file matches its row in the batches table and decodes to the referenced records.
      const batches = (await queryParquet(
        `SELECT key, records, sha256 FROM ${quoteLiteral(join(lakeUri, 'meta/batches', `idx-${taskQueue}.parquet`))}`,
      )) as [string, number, string][];
      expect(batches.reduce((n, [, r]) => n + r, 0)).toBe(1500);
      for (const [key, count, sha256] of batches)
        decodeImageBatch(readFileSync(join(lakeUri, key)), { key, count, sha256 });

      const again = await client.workflow.execute(IngestWorkflow, {
        taskQueue,
        workflowId: `idx-again-${taskQueue}`,
        args: [input],
      });
      expect(again).toMatchObject({ seen: 1500, ingested: 0, duplicates: 1500, batches: 0 });
    });
  });

  it('continues as new on large sources and still counts exactly', async () => {
    const { images, labels } = await fashionIdxSubset(1200);
    await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      const handle = await client.workflow.start(IngestWorkflow, {
        taskQueue,
        workflowId: `can-${taskQueue}`,
        args: [
          {
            lakeUri,
            source: { kind: 'idx', images, labels },
            labels: { kind: 'idx' },
            classes: null,
            normalize,
            chunkSize: 100,
            partSize: 100,
            chunksPerRun: 4,
          },
        ],
      });
      expect(await handle.result()).toMatchObject({ seen: 1200, ingested: 1200, duplicates: 0, batches: 12 });
      // 12 chunks at 4 per run: the first run and two more after continue-as-new.
      const runs = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = 'can-${taskQueue}'` }))
        runs.push(w.runId);
      expect(runs.length).toBe(3);
    });
  });

  it('ingests a folder of real PNGs, mixed formats and hostile files: quarantines each bad one, reports duplicates within and across chunks and their label conflicts', async () => {
    const dir = await fashionPngFolder(120);
    const sample = join(dir, 'Ankle boot', '0.png');
    copyFileSync(sample, join(dir, 'Bag', 'copy-of-0.png')); // same bytes, different label
    copyFileSync(sample, join(dir, 'Trouser', 'copy-of-0.png')); // again, in the last chunk
    const hostile: Record<string, Buffer> = {
      'Bag/empty.png': Buffer.alloc(0),
      'Bag/notes.png': Buffer.from('just text'),
      'Bag/vector.svg': Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'Bag/truncated.png': readFileSync(sample).subarray(0, 60),
      'Bag/p5.pgm': Buffer.concat([Buffer.from('P5 28 28 255\n'), Buffer.alloc(784, 200)]),
    };
    for (const [name, bytes] of Object.entries(hostile)) writeFileSync(join(dir, name), bytes);
    await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      const summary = await client.workflow.execute(IngestWorkflow, {
        taskQueue,
        workflowId: `dir-${taskQueue}`,
        args: [
          {
            lakeUri,
            source: { kind: 'files', root: dir },
            labels: { kind: 'parent-dir' },
            classes: null,
            normalize,
            chunkSize: 50,
            partSize: 20,
          },
        ],
      });
      expect(summary).toMatchObject({
        seen: 127,
        ingested: 121,
        duplicates: 2,
        quarantined: 4,
        labelConflicts: 2,
      });
      expect(summary.seen).toBe(summary.ingested + summary.duplicates + summary.quarantined);
      const quarantine = (await queryParquet(
        `SELECT regexp_extract(source, '[^/]+$'), split_part(reason, ':', 1) FROM ${quoteLiteral(join(lakeUri, 'meta/quarantine', `dir-${taskQueue}.parquet`))} ORDER BY 1`,
      )) as [string, string][];
      expect(quarantine).toEqual([
        ['empty.png', 'empty'],
        ['notes.png', 'not-an-image'],
        ['truncated.png', 'truncated'],
        ['vector.svg', 'format-not-allowed'],
      ]);
      const duplicates = await queryParquet(
        `SELECT regexp_extract(source, '[^/]+/[^/]+$'), label, existing_label, label_conflict, reason FROM ${quoteLiteral(join(lakeUri, 'meta/duplicates', `dir-${taskQueue}.parquet`))}`,
      );
      expect(duplicates).toEqual([
        ['Bag/copy-of-0.png', 'Bag', 'Ankle boot', true, 'earlier in this run'],
        ['Trouser/copy-of-0.png', 'Trouser', 'Ankle boot', true, 'earlier in this run'],
      ]);
      const [[stored]] = (await queryParquet(
        `SELECT count(*) FROM ${quoteLiteral(join(lakeUri, 'meta/images', `dir-${taskQueue}.parquet`))} WHERE source LIKE '%/0.png' AND label = 'Ankle boot'`,
      )) as [[bigint]];
      expect(Number(stored)).toBe(1);
    });
  });
});
