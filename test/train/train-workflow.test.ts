import { describe, expect, it } from 'vitest';
import { SweepWorkflow, TrainWorkflow } from '../../workflows/index.js';
import { catalogRows, createDataset, ingestFashion } from '../catalog/helpers.js';
import { withTestWorker } from '../setup/temporal.js';

describe('training on the real Temporal server', () => {
  it('trains a model that learns, registers it with its card, skips it when asked again; a sweep marks a diverging trial', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
      await ingestFashion(client, taskQueue, lakeUri, 2000, 'train');
      await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
      const args = { lakeUri, dataset: 'fm', arch: 'mlp' as const, params: { epochs: 3 } };
      const first = await client.workflow.execute(TrainWorkflow, {
        taskQueue,
        workflowId: `t1-${taskQueue}`,
        args: [args],
      });
      expect(first).toMatchObject({ status: 'registered', skipped: false, datasetRef: 'fm@1' });
      expect(first.curves).toHaveLength(3);
      expect(first.valAccuracy).toBeGreaterThan(0.6);
      expect(first.curves[2]!.valLoss).toBeLessThan(first.curves[0]!.valLoss!);
      const again = await client.workflow.execute(TrainWorkflow, {
        taskQueue,
        workflowId: `t2-${taskQueue}`,
        args: [args],
      });
      expect(again).toMatchObject({ modelId: first.modelId, skipped: true });
      const rows = await catalogRows(deps, lakeUri, 'SELECT model_id, dataset, epochs, backend FROM models');
      expect(rows).toEqual([[first.modelId, 'fm@1', 3n, 'wasm']]);

      const sweep = await client.workflow.execute(SweepWorkflow, {
        taskQueue,
        workflowId: `sweep-${taskQueue}`,
        args: [
          {
            lakeUri,
            dataset: 'fm',
            arch: 'mlp',
            params: { epochs: 1 },
            grid: { lr: [0.006, 1e5] },
            parallel: 2,
          },
        ],
      });
      expect(sweep.trials.map((t) => t.status)).toEqual(['registered', 'diverged']);
      expect(sweep.trials[1]!.reason).toMatch(/diverged/);
      expect(
        await catalogRows(deps, lakeUri, `SELECT count(*) FROM models WHERE sweep_id = '${sweep.sweepId}'`),
      ).toEqual([[1n]]);
    });
  });

  it('refuses a single-class dataset and an unknown parameter with a clear reason', async () => {
    await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
      await ingestFashion(client, taskQueue, lakeUri, 300, 'bad');
      await createDataset(
        client,
        taskQueue,
        lakeUri,
        'bags',
        "SELECT image_id FROM images WHERE label = 'Bag'",
        { train: 1, val: 0, test: 0 },
      );
      const failure = (args: object) =>
        client.workflow
          .execute(TrainWorkflow, {
            taskQueue,
            workflowId: `bad-${Math.random()}`,
            args: [{ lakeUri, arch: 'mlp', params: {}, dataset: 'bags', ...args }],
          })
          .then(
            () => 'succeeded',
            (e: Error) => {
              let c: unknown = e;
              while (c instanceof Error && c.cause) c = c.cause;
              return (c as Error).message;
            },
          );
      expect(await failure({})).toMatch(/1 class; a classifier needs at least 2/);
      expect(await failure({ params: { lrate: 1 } })).toMatch(/unknown parameter "lrate"/);
      expect(await failure({ dataset: 'nope' })).toMatch(/no dataset "nope"/);
    });
  });
});
