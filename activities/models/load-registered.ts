import type * as tf from '@tensorflow/tfjs';
import type { Lake } from '../../lib/lake/lake.js';
import { initBackend, loadModel } from '../../lib/model/index.js';
import type { ModelCard } from '../../lib/registry/model-card.js';
import type { MemoKind } from '../../lib/util/memo.js';
import type { ActivityDeps } from '../deps.js';

/** A loaded model: its weights (float32) count against the memo; evicted, its tensors are freed. */
const REGISTERED_MODEL: MemoKind<tf.LayersModel> = {
  name: 'registered-model',
  bytes: (model) => model.countParams() * 4,
  dispose: (model) => model.dispose(),
};

/**
 * Runs `use` with a registered model, loaded once per worker while it stays in the memo (models
 * are immutable once registered). The model is not disposed while `use` runs; do not keep it after.
 */
export function withRegisteredModel<R>(
  deps: ActivityDeps,
  lake: Lake,
  card: ModelCard,
  use: (model: tf.LayersModel) => Promise<R>,
): Promise<R> {
  const load = async () => {
    await initBackend();
    return loadModel({
      modelJson: (await lake.get(card.artifacts.modelJson)).toString(),
      weights: await lake.get(card.artifacts.weights),
    });
  };
  return deps.memo.use(REGISTERED_MODEL, `${lake.uri}\n${card.id}`, load, use);
}
