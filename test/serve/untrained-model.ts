import type { Lake } from '../../lib/lake/lake.js';
import { buildModel, initBackend, saveModel } from '../../lib/model/index.js';
import { moveAlias } from '../../lib/registry/aliases.js';
import { registryLayout } from '../../lib/registry/layout.js';
import type { ModelCard } from '../../lib/registry/model-card.js';

/**
 * An untrained mlp for 28x28 images of 10 classes, registered under the alias production: what
 * serve needs, without a training.
 */
export async function registerUntrainedModel(lake: Lake, id: string): Promise<void> {
  await initBackend();
  const artifacts = await saveModel(buildModel('mlp', { width: 28, height: 28, classes: 10 }, 1));
  await lake.put(registryLayout.modelJson(id), artifacts.modelJson);
  await lake.put(registryLayout.weights(id), artifacts.weights);
  const card = {
    kind: 'model',
    id,
    arch: 'mlp',
    classes: [...'0123456789'],
    input: { width: 28, height: 28 },
    artifacts: { modelJson: registryLayout.modelJson(id), weights: registryLayout.weights(id) },
    curves: [],
    dataset: { ref: `${id}@1` },
  } as unknown as ModelCard;
  await lake.put(registryLayout.manifest(id), JSON.stringify(card));
  await moveAlias(lake, 'production', id, 'test');
}
