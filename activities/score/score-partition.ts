import { DOUBLE, FLOAT, INTEGER, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import { Context } from '@temporalio/activity';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { publishJson, readJson } from '../../lib/lake/json-object.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import {
  scoreLayout,
  scorePlan,
  type PartitionCommit,
  type PartitionFailure,
  type ScoreRun,
} from '../../lib/score/layout.js';
import type { ActivityDeps } from '../deps.js';
import { memberLocations } from '../member-locations.js';
import { loadRegisteredModel } from '../models/load-registered.js';
import { predictMembers } from '../models/predict-members.js';
import { putParquet } from '../put-parquet.js';

export interface ScorePartitionInput {
  readonly lakeUri: string;
  readonly runId: string;
  readonly partition: number;
}

/**
 * Scores one partition with the run's pinned model and commits it: the predictions go to a key
 * derived from (run, partition, model) with content that does not depend on the attempt, then
 * the partition manifest is published with put-if-absent. A retry or a replay commits once.
 */
export function createScorePartition(deps: ActivityDeps) {
  return async function scorePartition(input: ScorePartitionInput): Promise<PartitionCommit> {
    const lake = deps.lakes.open(input.lakeUri);
    const commitKey = scoreLayout.partition(input.runId, input.partition);
    const committed = await readJson<PartitionCommit>(lake, commitKey);
    if (committed) return committed;
    const started = performance.now();
    const run = (await readJson<ScoreRun>(lake, scoreLayout.run(input.runId)))!;
    const card = await resolveModel(lake, run.modelId);
    const members = await memberLocations(deps, lake, scorePlan(run), { partition: input.partition });
    const model = await loadRegisteredModel(deps, lake, card);
    const { ids, probs } = await predictMembers(lake, card, model, members);
    const key = scoreLayout.predictions(input.runId, card.id, input.partition);
    await putParquet(
      deps,
      lake,
      key,
      appendedColumns(card.classes.length),
      predictionColumns(card.classes, ids, probs),
      predictionsSelect(run, card.classes, input.partition),
    );
    return publishJson<PartitionCommit>(lake, commitKey, {
      kind: 'score-partition',
      runId: input.runId,
      partition: input.partition,
      modelId: card.id,
      images: ids.length,
      attempt: Context.current().info.attempt,
      seconds: (performance.now() - started) / 1000,
      tables: { predictions: key },
    });
  };
}

/** Records why a partition failed after its retries, for the ledger and replay. */
export function createRecordScoreFailure(deps: ActivityDeps) {
  return async function recordScoreFailure(
    input: ScorePartitionInput & { attempts: number; error: string },
  ): Promise<void> {
    const lake = deps.lakes.open(input.lakeUri);
    const failure: PartitionFailure = {
      kind: 'score-failure',
      runId: input.runId,
      partition: input.partition,
      attempts: input.attempts,
      error: input.error,
      failedAt: new Date().toISOString(),
    };
    await lake.put(scoreLayout.failure(input.runId, input.partition), JSON.stringify(failure, null, 2));
  };
}

/**
 * One prediction row per image: best class, confidence, margin, entropy and every probability.
 * JS appends flat columns (one FLOAT per class); the SQL adds the constants and builds the list,
 * which costs a fraction of appending a list value and four repeated strings per row.
 */
function predictionColumns(
  classes: readonly string[],
  ids: string[],
  probs: Float32Array,
): Record<string, DuckDBValue[]> {
  const k = classes.length;
  const n = ids.length;
  const predicted = new Array<number>(n);
  const confidence = new Array<number>(n);
  const margin = new Array<number>(n);
  const entropy = new Array<number>(n);
  const columns: Record<string, DuckDBValue[]> = { image_id: ids };
  const perClass = Array.from({ length: k }, () => new Array<number>(n));
  for (let i = 0; i < n; i++) {
    let best = 0;
    let second = -1;
    let h = 0;
    for (let c = 0; c < k; c++) {
      const v = probs[i * k + c]!;
      perClass[c]![i] = v;
      if (v > 0) h -= v * Math.log(v);
      if (c === 0) continue;
      if (v > probs[i * k + best]!) [second, best] = [best, c];
      else if (second < 0 || v > probs[i * k + second]!) second = c;
    }
    predicted[i] = best;
    confidence[i] = probs[i * k + best]!;
    margin[i] = confidence[i]! - (second < 0 ? 0 : probs[i * k + second]!);
    entropy[i] = h;
  }
  Object.assign(columns, { predicted, confidence, margin, entropy });
  perClass.forEach((values, c) => (columns[`p${c}`] = values));
  return columns;
}

function appendedColumns(k: number) {
  return [
    { name: 'image_id', type: VARCHAR },
    { name: 'predicted', type: INTEGER },
    { name: 'confidence', type: DOUBLE },
    { name: 'margin', type: DOUBLE },
    { name: 'entropy', type: DOUBLE },
    ...Array.from({ length: k }, (_, c) => ({ name: `p${c}`, type: FLOAT })),
  ];
}

/** The predictions table's columns, in order, from the appended ones. */
function predictionsSelect(run: ScoreRun, classes: readonly string[], partition: number) {
  const names = `[${classes.map(quoteLiteral).join(', ')}]`;
  const probabilities = `[${classes.map((_, c) => `p${c}`).join(', ')}]::FLOAT[]`;
  return (table: string) => `SELECT image_id, ${quoteLiteral(run.modelId)} AS model_id, predicted,
    ${names}[predicted + 1] AS predicted_name, confidence, margin, entropy, ${probabilities} AS probabilities,
    ${quoteLiteral(run.runId)} AS score_run, ${partition}::INTEGER AS partition,
    epoch_ms(${run.scoredAtMs}) AS scored_at
    FROM ${table}`;
}
