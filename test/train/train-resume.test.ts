import { MockActivityEnvironment } from '@temporalio/testing';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/index.js';
import { createPrepareTraining, type TrainingPlan } from '../../activities/train/prepare-training.js';
import { createTrainModel, type TrainResult } from '../../activities/train/train-model.js';
import { BatchCache } from '../../lib/dataset/batch-cache.js';
import { registryLayout } from '../../lib/registry/layout.js';
import { createDataset, ingestFashion } from '../catalog/helpers.js';
import { withTestWorker } from '../setup/temporal.js';

/** Runs trainModel as one activity attempt; `cancelAt` cancels it at the first heartbeat it accepts. */
async function attempt(
  deps: ActivityDeps,
  plan: TrainingPlan,
  cancelAt?: (details: { epoch?: number; batches?: number }) => boolean,
): Promise<TrainResult> {
  const env = new MockActivityEnvironment();
  if (cancelAt)
    env.on('heartbeat', (details: { epoch?: number; batches?: number }) => cancelAt(details) && env.cancel());
  return (await env.run(createTrainModel(deps), { plan })) as TrainResult;
}

/** A curve without its timings, which differ between runs. */
const learned = (r: TrainResult) => r.curves.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);

it('a training interrupted mid-epoch resumes to the same weights and curves as one never interrupted', async () => {
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 2000, 'resume');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    // The same lake twice: one training runs straight through, the other is interrupted.
    const copy = mkdtempSync(join(tmpdir(), 'imagelake-resume-'));
    cpSync(lakeUri, copy, { recursive: true });
    // An activity: it needs an activity context (a cancellation interrupts its catalog's queries).
    const prepareActivity = createPrepareTraining(deps);
    const prepare = (i: Parameters<typeof prepareActivity>[0]): Promise<TrainingPlan> =>
      new MockActivityEnvironment().run(prepareActivity, i);
    const input = { dataset: 'fm', arch: 'mlp' as const, params: { epochs: 3, batchSize: 32 } };
    const straight = await attempt(deps, await prepare({ ...input, lakeUri }));
    expect(straight).toMatchObject({ status: 'registered', resumedFromEpoch: 0 });

    const plan = await prepare({ ...input, lakeUri: copy });
    expect(plan.modelId).toBe(straight.modelId);
    // Cancelled 20 batches into epoch 2, after epoch 1's checkpoint; the retry runs on a worker
    // whose cache is empty (another worker, or this one restarted).
    await expect(attempt(deps, plan, (d) => d.epoch === 1 && (d.batches ?? 0) >= 20)).rejects.toThrow(
      /cancel/i,
    );
    const resumed = await attempt({ ...deps, trainingBatches: new BatchCache(64 * 2 ** 20) }, plan);
    expect(resumed).toMatchObject({ status: 'registered', resumedFromEpoch: 1 });
    expect(learned(resumed)).toEqual(learned(straight));
    const weights = (lake: string) => deps.lakes.open(lake).get(registryLayout.weights(plan.modelId));
    expect((await weights(copy)).equals(await weights(lakeUri))).toBe(true);
  });
}, 120_000);
