import { Context } from '@temporalio/activity';
import { publishJson, readJson } from '../../lib/lake/json-object.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import {
  scoreLayout,
  scorePlan,
  type PartitionCommit,
  type PartitionFailure,
  type ScoreRun,
} from '../../lib/score/layout.js';
import { predictionRows } from '../../lib/score/prediction-rows.js';
import type { ActivityDeps } from '../deps.js';
import { memberLocations } from '../member-locations.js';
import { withRegisteredModel } from '../models/load-registered.js';
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
    const { ids, probs } = await withRegisteredModel(deps, lake, card, (model) =>
      predictMembers(lake, card, model, members),
    );
    const key = scoreLayout.predictions(input.runId, card.id, input.partition);
    const rows = predictionRows(run, card.classes, input.partition, ids, probs);
    await putParquet(deps, lake, key, rows.columns, rows.data, rows.select);
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
