import { expect, it } from 'vitest';
import { TrainWorkflow } from '../../workflows/index.js';
import { catalogRows, createDataset } from '../catalog/helpers.js';
import { withTestWorker } from '../setup/temporal.js';
import { fashionIdxInOrder, ingestFashionIdx } from './fashion-order.js';

const IMAGES = 30_000;

it('a lake written class by class trains as well as one written in random order', async () => {
  // The same images ingested sorted by label (each batch file then holds a few classes)
  // and in random order; one epoch of the mlp on each, compared on the same validation images.
  const validation: Partial<Record<'by-label' | 'random', { accuracy: number; loss: number }>> = {};
  for (const order of ['by-label', 'random'] as const)
    await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
      const source = await fashionIdxInOrder(IMAGES, order);
      await ingestFashionIdx(client, taskQueue, lakeUri, source, `ingest-${order}-${taskQueue}`);
      if (order === 'by-label') {
        // Ingest packed the sorted images into files of few classes: the case this test is about.
        const [[classes]] = (await catalogRows(
          deps,
          lakeUri,
          'SELECT max(n) FROM (SELECT count(DISTINCT label) AS n FROM images GROUP BY batch_key)',
        )) as [[bigint]];
        expect(classes).toBeLessThanOrEqual(4n);
      }
      await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images', {
        train: 0.9,
        val: 0.1,
        test: 0,
      });
      const result = await client.workflow.execute(TrainWorkflow, {
        taskQueue,
        workflowId: `train-${order}-${taskQueue}`,
        args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1 } }],
      });
      validation[order] = { accuracy: result.valAccuracy!, loss: result.valLoss! };
    });
  // The bounds leave a few times the spread that the order alone (the seed) gives one such epoch;
  // the reader that mixed only a few files at a time missed both on the sorted lake.
  const { 'by-label': sorted, random } = validation as Required<typeof validation>;
  expect(random.accuracy).toBeGreaterThan(0.78);
  expect(Math.abs(sorted.accuracy - random.accuracy)).toBeLessThan(0.03);
  expect(Math.abs(sorted.loss / random.loss - 1)).toBeLessThan(0.12);
  // Two ingests and two trainings: about the default timeout on a busy machine, so three times it.
}, 180_000);
