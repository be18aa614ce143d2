const pad = (n: number) => String(n).padStart(6, '0');

/** Where models, their checkpoints and aliases live in the lake. */
export const registryLayout = {
  /** TF.js artifacts and the model card of a registered model. */
  modelJson: (id: string) => `models/${id}/model.json`,
  weights: (id: string) => `models/${id}/weights.bin`,
  card: (id: string) => `models/${id}/card.json`,
  /** The commit of a model: the card again, published with put-if-absent. */
  manifest: (id: string) => `manifests/models/${id}.json`,
  manifestPrefix: 'manifests/models/',
  /** Per-epoch training checkpoints of a trial (the trial id is the model id it will get). */
  checkpoint: (
    id: string,
    epoch: number,
    file: 'model.json' | 'weights.bin' | 'optimizer.bin' | 'state.json',
  ) => `checkpoints/${id}/epoch-${pad(epoch)}/${file}`,
  checkpointPrefix: (id: string) => `checkpoints/${id}/`,
  /** One object per alias move; the highest version is the alias's current target. */
  aliasVersion: (alias: string, version: number) => `manifests/aliases/${alias}/v${pad(version)}.json`,
  aliasPrefix: (alias: string) => `manifests/aliases/${alias}/`,
} as const;

const ID = /^[a-z0-9][a-z0-9-]{2,80}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,39}$/;

export function isModelId(text: string): boolean {
  return ID.test(text);
}

export function isAliasName(text: string): boolean {
  return ALIAS.test(text);
}
