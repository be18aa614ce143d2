import { BOOLEAN, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { tableKey } from '../../lib/catalog/tables.js';
import { SPLIT_NAMES, type SplitName } from '../../lib/dataset/splits.js';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { UserError } from '../../lib/errors.js';
import { computeMetrics, type EvaluationMetrics } from '../../lib/eval/metrics.js';
import { publishJson, readJson } from '../../lib/lake/json-object.js';
import { argMax } from '../../lib/model/index.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import type { ActivityDeps } from '../deps.js';
import { memberLocations } from '../member-locations.js';
import { membersFile } from '../../lib/dataset/members.js';
import { withRegisteredModel } from '../models/load-registered.js';
import { predictMembers } from '../models/predict-members.js';
import { putParquet } from '../put-parquet.js';

export interface EvaluateInput {
  readonly lakeUri: string;
  /** A model id or an alias (resolved once, here). */
  readonly model: string;
  readonly dataset: string;
  readonly split: SplitName;
}

/** A stored evaluation: which model on which data, and every metric. */
export interface Evaluation {
  readonly kind: 'evaluation';
  readonly evalId: string;
  readonly modelId: string;
  readonly datasetRef: string;
  readonly datasetContentHash: string;
  readonly split: SplitName;
  readonly classes: readonly string[];
  readonly metrics: EvaluationMetrics;
  readonly createdAt: string;
  readonly tables: { readonly evaluation_predictions: string };
}

export const evaluationManifest = (evalId: string) => `manifests/evaluations/${evalId}.json`;

/** Predicts every member of a split, compares with the labels, stores metrics and per-example results. */
export function createEvaluateModel(deps: ActivityDeps) {
  return async function evaluateModel(input: EvaluateInput): Promise<Evaluation> {
    if (!SPLIT_NAMES.includes(input.split)) throw new UserError(`evaluate: unknown split "${input.split}"`);
    const lake = deps.lakes.open(input.lakeUri);
    const card = await resolveModel(lake, input.model);
    const dataset = await resolveDataset(lake, input.dataset);
    if (JSON.stringify(dataset.classes) !== JSON.stringify(card.classes))
      throw new UserError(
        `evaluate: ${dataset.ref} has classes ${dataset.classes.join(', ')}, but model ${card.id} predicts ${card.classes.join(', ')}`,
      );
    const evalId = `ev-${createHash('sha256').update(`${card.id}\n${dataset.ref}\n${dataset.contentHash}\n${input.split}`).digest('hex').slice(0, 20)}`;
    const manifestKey = evaluationManifest(evalId);
    const stored = await readJson<Evaluation>(lake, manifestKey);
    if (stored) return stored;

    const members = await memberLocations(deps, lake, membersFile(dataset.tables.dataset_members), {
      split: input.split,
    });
    if (members.length === 0)
      throw new UserError(`evaluate: the ${input.split} split of ${dataset.ref} is empty`);
    if (members.classIndex.some((c) => c < 0))
      throw new UserError(`evaluate: the ${input.split} split of ${dataset.ref} has unlabeled members`);
    const { ids, probs } = await withRegisteredModel(deps, lake, card, (model) =>
      predictMembers(lake, card, model, members),
    );
    const labels = members.classIndex;
    const k = card.classes.length;
    const predicted = ids.map((_, i) => argMax(probs.subarray(i * k, (i + 1) * k)));
    const key = tableKey('evaluation_predictions', evalId);
    await putParquet(deps, lake, key, COLUMNS, {
      eval_id: ids.map(() => evalId),
      model_id: ids.map(() => card.id),
      image_id: ids,
      label: Array.from(labels),
      predicted,
      correct: predicted.map((p, i) => p === labels[i]),
      confidence: predicted.map((p, i) => probs[i * k + p]!),
      true_probability: ids.map((_, i) => probs[i * k + labels[i]!]!),
    });
    return publishJson<Evaluation>(lake, manifestKey, {
      kind: 'evaluation',
      evalId,
      modelId: card.id,
      datasetRef: dataset.ref,
      datasetContentHash: dataset.contentHash,
      split: input.split,
      classes: card.classes,
      metrics: computeMetrics(labels, probs, card.classes),
      createdAt: new Date().toISOString(),
      tables: { evaluation_predictions: key },
    });
  };
}

const COLUMNS = [
  { name: 'eval_id', type: VARCHAR },
  { name: 'model_id', type: VARCHAR },
  { name: 'image_id', type: VARCHAR },
  { name: 'label', type: INTEGER },
  { name: 'predicted', type: INTEGER },
  { name: 'correct', type: BOOLEAN },
  { name: 'confidence', type: DOUBLE },
  { name: 'true_probability', type: DOUBLE },
];
