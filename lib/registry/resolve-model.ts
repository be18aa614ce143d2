import { UserError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { currentAlias } from './aliases.js';
import { isAliasName, isModelId, registryLayout } from './layout.js';
import type { ModelCard } from './model-card.js';

/** The card of a model given by id or by alias (`production`, `candidate`, ...). */
export async function resolveModel(lake: Lake, idOrAlias: string): Promise<ModelCard> {
  if (isModelId(idOrAlias) && (await lake.head(registryLayout.manifest(idOrAlias))))
    return JSON.parse((await lake.get(registryLayout.manifest(idOrAlias))).toString()) as ModelCard;
  if (isAliasName(idOrAlias)) {
    const move = await currentAlias(lake, idOrAlias);
    if (move) return resolveModel(lake, move.modelId);
  }
  throw new UserError(`models: no model or alias "${idOrAlias}" in ${lake.uri}: see imagelake models list`);
}

/** Every registered model, oldest first. */
export async function listModels(lake: Lake): Promise<ModelCard[]> {
  const cards: ModelCard[] = [];
  for await (const o of lake.list(registryLayout.manifestPrefix))
    if (o.key.endsWith('.json')) cards.push(JSON.parse((await lake.get(o.key)).toString()) as ModelCard);
  return cards.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
