import {
  DOUBLE,
  FLOAT,
  INTEGER,
  LIST,
  TIMESTAMP,
  VARCHAR,
  listValue,
  timestampValue,
} from '@duckdb/node-api';
import { Context } from '@temporalio/activity';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeParquet } from '../../lib/catalog/parquet-writer.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import type { MemberLocations } from '../../lib/dataset/members.js';
import { readBatches } from '../../lib/dataset/reader.js';
import { errorMessage } from '../../lib/errors.js';
import type { Lake } from '../../lib/lake/lake.js';
import { predictProbabilities } from '../../lib/model/index.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import {
  scoreLayout,
  type PartitionCommit,
  type PartitionFailure,
  type ScoreRun,
} from '../../lib/score/layout.js';
import type { ActivityDeps } from '../deps.js';
import { loadRegisteredModel } from '../models/load-registered.js';

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
    if (await lake.head(commitKey))
      return JSON.parse((await lake.get(commitKey)).toString()) as PartitionCommit;
    const started = performance.now();
    const run = JSON.parse((await lake.get(scoreLayout.run(input.runId))).toString()) as ScoreRun;
    const card = await resolveModel(lake, run.modelId);
    const members = await partitionMembers(deps, lake, input.runId, input.partition);
    const model = await loadRegisteredModel(deps, lake, card);
    const k = card.classes.length;
    const ids: string[] = [];
    const probs = new Float32Array(members.length * k);
    for await (const b of readBatches(lake, members, {
      batchSize: 1024,
      width: card.input.width,
      height: card.input.height,
    })) {
      probs.set(predictProbabilities(model, b), ids.length * k);
      ids.push(...b.ids);
      Context.current().heartbeat({ scored: ids.length });
    }
    const key = scoreLayout.predictions(input.runId, card.id, input.partition);
    await writePredictions(deps, lake, key, run, card.classes, input.partition, ids, probs);
    const commit: PartitionCommit = {
      kind: 'score-partition',
      runId: input.runId,
      partition: input.partition,
      modelId: card.id,
      images: ids.length,
      attempt: Context.current().info.attempt,
      seconds: (performance.now() - started) / 1000,
      tables: { predictions: key },
    };
    await lake.putIfAbsent(commitKey, JSON.stringify(commit, null, 2));
    return JSON.parse((await lake.get(commitKey)).toString()) as PartitionCommit;
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

async function partitionMembers(
  deps: ActivityDeps,
  lake: Lake,
  runId: string,
  partition: number,
): Promise<MemberLocations> {
  const file = await deps.mirror.localFile(lake, scoreLayout.plan(runId));
  const connection = await (await deps.duckdb()).connect();
  try {
    const statement = await connection.prepare(
      `SELECT image_id, batch_key, record_index, batch_records, batch_sha256 FROM read_parquet(${quoteLiteral(file)})
       WHERE partition = $p ORDER BY batch_key, record_index`,
    );
    statement.bind({ p: partition });
    const [imageId, batchKey, recordIndex, batchRecords, batchSha256] = (
      await statement.runAndReadAll()
    ).getColumnsJS() as [string[], string[], number[], number[], string[]];
    return {
      imageId,
      batchKey,
      recordIndex: Int32Array.from(recordIndex),
      batchRecords: Int32Array.from(batchRecords),
      batchSha256,
      classIndex: new Int32Array(imageId.length).fill(-1),
      length: imageId.length,
    };
  } catch (error) {
    throw new Error(`score: cannot read the plan of run ${runId}: ${errorMessage(error)}`, { cause: error });
  } finally {
    connection.closeSync();
  }
}

async function writePredictions(
  deps: ActivityDeps,
  lake: Lake,
  key: string,
  run: ScoreRun,
  classes: readonly string[],
  partition: number,
  ids: string[],
  probs: Float32Array,
): Promise<void> {
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
  const dir = await mkdtemp(join(tmpdir(), 'imagelake-score-'));
  const connection = await (await deps.duckdb()).connect();
  try {
    const path = join(dir, 'predictions.parquet');
    await writeParquet(connection, path, COLUMNS, {
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
    });
    await lake.put(key, await readFile(path));
  } finally {
    connection.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
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
