import { describe, expect, it } from 'vitest';
import { IngestWorkflow, type IngestInput } from '../../workflows/index.js';
import { catalogRows } from '../catalog/helpers.js';
import { reliability } from '../reliability/tally.js';
import { innermost, withTestWorker } from '../setup/temporal.js';
import { fashionPngFolder } from './fixtures.js';
import { imageCount, ingestCli } from './ingest-cli.js';

describe('an ingest run id names one source and one request', () => {
  it('imagelake ingest refuses a run id reused for another folder, and returns the run for the same request', async () => {
    const tally = reliability('bad-input');
    const first = await fashionPngFolder(12);
    const other = await fashionPngFolder(12, 100);
    await withTestWorker(async (ctx) => {
      const runId = `reuse-${ctx.taskQueue}`;
      const ingest = (root: string, workflowId: string) =>
        ctx.client.workflow.execute(IngestWorkflow, {
          taskQueue: ctx.taskQueue,
          workflowId,
          args: [
            {
              lakeUri: ctx.lakeUri,
              source: { kind: 'files', root },
              labels: { kind: 'parent-dir' },
              classes: null,
              normalize: {},
            },
          ],
        });
      // The request the command makes with its defaults: the same as this one, defaults left out.
      const done = await ingest(first, runId);
      expect(done).toMatchObject({ seen: 12, ingested: 12 });

      const refused = await ingestCli(ctx, other, '--run-id', runId);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr.trim()).toBe(
        `imagelake: ingest: run id "${runId}" already names another request (source ${first}): a run id names one source and one request; choose another --run-id`,
      );
      expect(await imageCount(ctx)).toBe(12);

      const again = await ingestCli(ctx, first, '--run-id', runId);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ runId, seen: 12, ingested: 12, duplicates: 0 });
      // The refused folder lost nothing: under a run id of its own it ingests in full.
      expect(await ingest(other, `own-${ctx.taskQueue}`)).toMatchObject({ seen: 12, ingested: 12 });
      tally.items(24, await imageCount(ctx));
    });
  });

  it('a new workflow under the run id of a committed run (Temporal no longer knows it) is refused by the plan for another request, and commits nothing again for the same one', async () => {
    const tally = reliability('bad-input', 2);
    const first = await fashionPngFolder(12);
    const other = await fashionPngFolder(12, 100);
    await withTestWorker(async (ctx) => {
      const workflowId = `replan-${ctx.taskQueue}`;
      const input = (root: string, width = 28): IngestInput => ({
        lakeUri: ctx.lakeUri,
        source: { kind: 'files', root },
        labels: { kind: 'parent-dir' },
        classes: null,
        normalize: { width },
      });
      const ingest = (i: IngestInput) =>
        ctx.client.workflow.execute(IngestWorkflow, { taskQueue: ctx.taskQueue, workflowId, args: [i] });
      const done = await ingest(input(first));
      expect(done).toMatchObject({ seen: 12, ingested: 12 });
      for (const i of [input(other), input(first, 32)]) {
        const started = Date.now();
        expect(await ingest(i).catch(innermost)).toBe(
          `ingest: run id "${workflowId}" already names another request (source ${first}): a run id names one source and one request; choose another run id`,
        );
        expect(Date.now() - started).toBeLessThan(20_000); // refused at once, not retried
      }
      expect(await ingest(input(first))).toEqual(done);
      expect(
        await catalogRows(ctx.deps, ctx.lakeUri, 'SELECT count(*), sum(ingested) FROM ingest_runs'),
      ).toEqual([[1n, 12n]]);
      tally.items(12, await imageCount(ctx));
    });
  });
});
