import {
  DOUBLE,
  FLOAT,
  INTEGER,
  LIST,
  TIMESTAMP,
  VARCHAR,
  listValue,
  timestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { Context } from '@temporalio/activity';
import { publishJson, readJson } from '../../lib/lake/json-object.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import {
  scoreLayout,
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
    const members = await memberLocations(deps, lake, scoreLayout.plan(input.runId), {
      partition: input.partition,
    });
    const model = await loadRegisteredModel(deps, lake, card);
    const { ids, probs } = await predictMembers(lake, card, model, members);
    const key = scoreLayout.predictions(input.runId, card.id, input.partition);
    await putParquet(
      deps,
      lake,
      key,
      COLUMNS,
      predictionColumns(run, card.classes, input.partition, ids, probs),
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

/** One prediction row per image: best class, confidence, margin, entropy and every probability. */
function predictionColumns(
  run: ScoreRun,
  classes: readonly string[],
  partition: number,
  ids: string[],
  probs: Float32Array,
): Record<string, DuckDBValue[]> {
  const k = classes.length;
  const rows = ids.map((_, i) => {
    const p = Array.from(probs.subarray(i * k, (i + 1) * k));
    const order = p.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0]);
    const entropy = -p.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
    return {
      p,
      best: order[0]![1],
      confidence: order[0]![0],
      margin: order[0]![0] - (order[1]?.[0] ?? 0),
      entropy,
    };
  });
  const at = timestampValue(BigInt(run.scoredAtMs) * 1000n);
  return {
    image_id: ids,
    model_id: ids.map(() => run.modelId),
    predicted: rows.map((r) => r.best),
    predicted_name: rows.map((r) => classes[r.best] ?? null),
    confidence: rows.map((r) => r.confidence),
    margin: rows.map((r) => r.margin),
    entropy: rows.map((r) => r.entropy),
    probabilities: rows.map((r) => listValue(r.p)),
    score_run: ids.map(() => run.runId),
    partition: ids.map(() => partition),
    scored_at: ids.map(() => at),
  };
}

const COLUMNS = [
  { name: 'image_id', type: VARCHAR },
  { name: 'model_id', type: VARCHAR },
  { name: 'predicted', type: INTEGER },
  { name: 'predicted_name', type: VARCHAR },
  { name: 'confidence', type: DOUBLE },
  { name: 'margin', type: DOUBLE },
  { name: 'entropy', type: DOUBLE },
  { name: 'probabilities', type: LIST(FLOAT) },
  { name: 'score_run', type: VARCHAR },
  { name: 'partition', type: INTEGER },
  { name: 'scored_at', type: TIMESTAMP },
];
