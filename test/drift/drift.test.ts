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
import { runCli } from '../cli/run-cli.js';
import { innermost, withTestWorker } from '../setup/temporal.js';

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
    const beforeSample = Date.now();
    const sample = await check(
      'sample',
      "image_id IN (SELECT image_id FROM dataset_members WHERE split = 'test')",
    );
    const afterSample = Date.now() + 1;
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

    // Against an earlier period instead of the training set: the sample's predictions.
    const against = (run: string, referencePeriod: { fromMs: number; toMs: number }) =>
      client.workflow.execute(DriftWorkflow, {
        taskQueue,
        workflowId: `dp-${run}-${referencePeriod.fromMs}-${taskQueue}`,
        args: [{ lakeUri, model: model.modelId, scoreRun: `${run}-${taskQueue}`, referencePeriod }],
      });
    const samplePeriod = { fromMs: beforeSample, toMs: afterSample };
    // The same images scored again later: the same distribution as the period's.
    const again = await check(
      'again',
      "image_id IN (SELECT image_id FROM dataset_members WHERE split = 'test')",
    );
    expect(again.classes.n).toBe(sample.classes.n);
    const same = await against('again', samplePeriod);
    expect([same.level, same.classes.psi, same.intensity.psi]).toEqual(['ok', 0, 0]);
    expect(same.reference).toBe(
      `predictions of ${model.modelId} scored ${new Date(beforeSample).toISOString()} to ${new Date(afterSample).toISOString()}`,
    );
    expect(same.intensity.n).toBe(again.classes.n);
    expect((await against('bags', samplePeriod)).classes.level).toBe('alert');
    const empty = { fromMs: Date.UTC(2001, 0, 1), toMs: Date.UTC(2001, 0, 2) };
    const failure = await against('bags', empty).catch((e: unknown) => innermost(e));
    expect(failure).toBe(
      `drift: no predictions of ${model.modelId} scored 2001-01-01T00:00:00.000Z to 2001-01-02T00:00:00.000Z`,
    );
  });
});

it('drift --reference refuses a bad period before contacting anyone', async () => {
  const r = await runCli(['drift', '--reference', '2026-11-08..2026-11-01', '--lake', '/nonexistent']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/drift: --reference start must be before its end, got "2026-11-08..2026-11-01"/);
});
