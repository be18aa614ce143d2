import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import {
  BatchScoreWorkflow,
  DriftWorkflow,
  EvaluateWorkflow,
  IngestWorkflow,
  TrainWorkflow,
} from '../../workflows/index.js';
import { catalogRows, createDataset, ingestFashion } from '../catalog/helpers.js';
import { withTestWorker } from '../setup/temporal.js';

/** Real Fashion-MNIST training images inverted (dark on light), as PNG files: a shifted stream. */
async function invertedPngs(n: number): Promise<string> {
  const fm = findFashionMnist();
  const idx = await openIdxPair(fm.trainImages, null);
  const dir = mkdtempSync(join(tmpdir(), 'imagelake-inverted-'));
  mkdirSync(join(dir, 'in'));
  for (let i = 0; i < n; i++) {
    const pixels = Buffer.from(idx.image(20_000 + i)).map((v) => 255 - v);
    writeFileSync(
      join(dir, 'in', `${i}.png`),
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toBuffer(),
    );
  }
  return dir;
}

it('drift stays ok for an in-distribution sample and flags one class arriving or inverted images', async () => {
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 2000, 'drift');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images', {
      train: 0.6,
      val: 0.1,
      test: 0.3,
    });
    const model = await client.workflow.execute(TrainWorkflow, {
      taskQueue,
      workflowId: `m-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 2 } }],
    });
    await client.workflow.execute(EvaluateWorkflow, {
      taskQueue,
      workflowId: `e-${taskQueue}`,
      args: [{ lakeUri, model: model.modelId, dataset: 'fm', split: 'val' }],
    });
    const inverted = await invertedPngs(300);
    await client.workflow.execute(IngestWorkflow, {
      taskQueue,
      workflowId: `inv-${taskQueue}`,
      args: [
        {
          lakeUri,
          source: { kind: 'files', root: inverted },
          labels: { kind: 'none' },
          classes: null,
          normalize: {},
        },
      ],
    });
    const check = async (name: string, where: string) => {
      await client.workflow.execute(BatchScoreWorkflow, {
        taskQueue,
        workflowId: `${name}-${taskQueue}`,
        args: [{ lakeUri, model: model.modelId, where }],
      });
      return client.workflow.execute(DriftWorkflow, {
        taskQueue,
        workflowId: `d-${name}-${taskQueue}`,
        args: [{ lakeUri, model: model.modelId, scoreRun: `${name}-${taskQueue}` }],
      });
    };
    const sample = await check(
      'sample',
      "image_id IN (SELECT image_id FROM dataset_members WHERE split = 'test')",
    );
    expect([sample.level, sample.classes.psi, sample.intensity.psi, sample.polarity.psi]).toEqual([
      'ok',
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(sample.classes.n).toBe(
      Number(
        (
          await catalogRows(deps, lakeUri, "SELECT count(*) FROM dataset_members WHERE split = 'test'")
        )[0]![0],
      ),
    );
    const bags = await check('bags', "label = 'Bag'");
    expect(bags.level).toBe('alert');
    expect(bags.classes.level).toBe('alert');
    const flipped = await check('inverted', 'light_background');
    expect(flipped.polarity.level).toBe('alert');
    expect(flipped.level).toBe('alert');
    expect(await catalogRows(deps, lakeUri, 'SELECT level FROM drift ORDER BY checked_at')).toEqual([
      ['ok'],
      ['alert'],
      ['alert'],
    ]);
  });
});
