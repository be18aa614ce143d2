import type * as tf from '@tensorflow/tfjs';
import type { Lake } from '../../lib/lake/lake.js';
import { initBackend, loadModel } from '../../lib/model/index.js';
import type { ModelCard } from '../../lib/registry/model-card.js';
import type { ActivityDeps } from '../deps.js';

/** A registered model, loaded once per worker (models are immutable once registered). */
export function loadRegisteredModel(
  deps: ActivityDeps,
  lake: Lake,
  card: ModelCard,
): Promise<tf.LayersModel> {
  const key = `model:${lake.uri}:${card.id}`;
  let model = deps.memo.get(key) as Promise<tf.LayersModel> | undefined;
  if (!model) {
    model = (async () => {
      await initBackend();
      return loadModel({
        modelJson: (await lake.get(card.artifacts.modelJson)).toString(),
        weights: await lake.get(card.artifacts.weights),
      });
    })();
    deps.memo.set(key, model);
    model.catch(() => deps.memo.delete(key));
  }
  return model;
}
