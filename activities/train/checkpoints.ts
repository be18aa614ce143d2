import type * as tf from '@tensorflow/tfjs';
import type { Lake } from '../../lib/lake/lake.js';
import { loadModel, restoreOptimizer, saveModel, saveOptimizer } from '../../lib/model/serialize.js';
import type { EpochMetrics } from '../../lib/registry/model-card.js';
import { registryLayout } from '../../lib/registry/layout.js';

/** What a checkpoint records besides weights: enough to continue exactly where training stopped. */
export interface CheckpointState {
  readonly epoch: number;
  readonly curves: readonly EpochMetrics[];
  readonly bestValLoss: number | null;
  readonly epochsSinceBest: number;
}

/** Writes epoch k's weights and optimizer state, then state.json: its presence marks a whole checkpoint. */
export async function writeCheckpoint(
  lake: Lake,
  id: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: CheckpointState,
): Promise<void> {
  const artifacts = await saveModel(model);
  await lake.put(registryLayout.checkpoint(id, state.epoch, 'model.json'), artifacts.modelJson);
  await lake.put(registryLayout.checkpoint(id, state.epoch, 'weights.bin'), artifacts.weights);
  await lake.put(registryLayout.checkpoint(id, state.epoch, 'optimizer.bin'), await saveOptimizer(optimizer));
  await lake.put(registryLayout.checkpoint(id, state.epoch, 'state.json'), JSON.stringify(state));
}

/** The newest whole checkpoint of a trial, loaded; undefined when training never finished an epoch. */
export async function latestCheckpoint(
  lake: Lake,
  id: string,
  optimizer: tf.Optimizer,
): Promise<{ model: tf.LayersModel; state: CheckpointState } | undefined> {
  let latest = 0;
  for await (const o of lake.list(registryLayout.checkpointPrefix(id))) {
    const m = /epoch-(\d+)\/state\.json$/.exec(o.key);
    if (m) latest = Math.max(latest, Number(m[1]));
  }
  if (latest === 0) return undefined;
  const state = JSON.parse(
    (await lake.get(registryLayout.checkpoint(id, latest, 'state.json'))).toString(),
  ) as CheckpointState;
  const model = await loadModel({
    modelJson: (await lake.get(registryLayout.checkpoint(id, latest, 'model.json'))).toString(),
    weights: await lake.get(registryLayout.checkpoint(id, latest, 'weights.bin')),
  });
  await restoreOptimizer(optimizer, await lake.get(registryLayout.checkpoint(id, latest, 'optimizer.bin')));
  return { model, state };
}
