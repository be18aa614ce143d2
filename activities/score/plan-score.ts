import { INTEGER, VARCHAR } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { UserError } from '../../lib/errors.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import { scoreLayout, type ScoreRun } from '../../lib/score/layout.js';
import { publishJson, readJson } from '../../lib/lake/json-object.js';
import type { ActivityDeps } from '../deps.js';
import { putParquet } from '../put-parquet.js';
import { openCatalog } from '../catalog/snapshot.js';
import { sayOfUsers } from '../../lib/catalog/sql-error.js';
import { spliceExpression } from '../../lib/catalog/sql-fragment.js';

export interface PlanScoreInput {
  readonly lakeUri: string;
  readonly runId: string;
  /** Model id or alias; an alias is pinned to its model id here, once. */
  readonly model: string;
  /** A predicate on the images view (read-only, sandboxed); null scores every image without a prediction from this model. */
  readonly where: string | null;
  /** Score the members of a dataset version instead. */
  readonly dataset: string | null;
  /** At most this many images per partition. */
  readonly partitionSize: number;
  /** Partitions the run keeps in flight: the partition count is made a multiple of it when that keeps partitions big enough. */
  readonly parallel?: number;
  readonly startedAtMs: number;
  /** Leave out images that already have a committed prediction from this model (the pipeline's mode). */
  readonly onlyUnscored?: boolean;
}

/**
 * Selects the images to score and splits them, in batch file order, into partitions of even
 * size (see evenPartitions): every worker slot gets the same work, so no slot finishes early
 * while another still scores a full partition. The plan holds numbers only (partition, file,
 * record index); a partition reads its images' ids from their Avro records and decodes only the
 * blocks it needs. Idempotent: a planned run returns its record.
 */
export function createPlanScore(deps: ActivityDeps) {
  return async function planScore(input: PlanScoreInput): Promise<ScoreRun> {
    const lake = deps.lakes.open(input.lakeUri);
    const runKey = scoreLayout.run(input.runId);
    const planned = await readJson<ScoreRun>(lake, runKey);
    if (planned) return planned;
    if (input.model === '')
      throw new UserError(`score: no score run "${input.runId}" in ${lake.uri} to replay`);
    if (!Number.isInteger(input.partitionSize) || input.partitionSize < 1)
      throw new UserError(`score: partition size must be a positive integer, got ${input.partitionSize}`);
    const card = await resolveModel(lake, input.model);
    // Not the id itself: it was resolved as an alias, now pinned.
    const alias = card.id === input.model ? null : input.model;
    const { sandbox } = await openCatalog(deps, lake);
    // One row per batch file with its members' record indexes: only numbers cross into JS (per-row
    // strings were the plan's main cost).
    let files: [string[], number[], string[], number[][]];
    try {
      const unscored = input.onlyUnscored
        ? 'WHERE s.image_id NOT IN (SELECT image_id FROM predictions WHERE model_id = $scoredBy)'
        : '';
      // The selected rows of the images view: filtered in place (a join back to images by id cost
      // three times as much), a user's predicate alone in its own SELECT over the view.
      const planOf = (selected: string) =>
        `SELECT s.batch_key, any_value(b.records), any_value(b.sha256), list(s.record_index ORDER BY s.record_index)
         FROM (${selected}) s JOIN batches b ON b.key = s.batch_key
         ${unscored}
         GROUP BY s.batch_key ORDER BY s.batch_key`;
      let statement: string;
      let params: Record<string, string | number> = { model: card.id };
      if (input.dataset !== null) {
        const d = await resolveDataset(lake, input.dataset);
        statement = planOf(`SELECT * FROM images WHERE image_id IN
          (SELECT image_id FROM dataset_members WHERE dataset = $name AND version = $version)`);
        params = { name: d.name, version: d.version };
      } else if (input.where !== null) {
        // Proven to be the plan's own statement with one expression as the filter.
        statement = await spliceExpression(
          sandbox,
          (filter) => planOf(`SELECT * FROM images WHERE ${filter}`),
          input.where,
          'score: the filter',
        );
        params = {};
      } else {
        statement = planOf(
          'SELECT * FROM images WHERE image_id NOT IN (SELECT image_id FROM predictions WHERE model_id = $model)',
        );
      }
      const selection = await sandbox
        .query(statement, input.onlyUnscored ? { ...params, scoredBy: card.id } : params)
        .catch((error: unknown) => {
          // A filter that binds can still fail on the rows (a cast): say so of the user's text.
          throw input.where === null
            ? error
            : sayOfUsers(error, `score: the filter "${input.where}"`, 'drop');
        });
      const result = selection.getColumnsJS();
      // No rows: DuckDB gives no columns at all.
      files = (result.length === 0 ? [[], [], [], []] : result) as typeof files;
    } finally {
      sandbox.close();
    }
    const [batchKeys, batchRecords, batchSha256s, memberRecords] = files;
    checkDistinct(batchKeys, memberRecords);
    const file: number[] = [];
    const recordIndex: number[] = [];
    memberRecords.forEach((records, f) => {
      for (const r of records) {
        file.push(f);
        recordIndex.push(r);
      }
    });
    const partition = evenPartitions(recordIndex.length, input.partitionSize, input.parallel ?? 1);
    const partitions = partition.length ? partition[partition.length - 1]! + 1 : 0;
    const digest = createHash('sha256')
      .update(JSON.stringify([batchKeys, batchSha256s, batchRecords]))
      .update(Int32Array.from(file))
      .update(Int32Array.from(recordIndex))
      .update(Int32Array.from(partition))
      .digest('hex')
      .slice(0, 16);
    const plan = scoreLayout.plan(input.runId, digest);
    await putParquet(deps, lake, plan.files, PLAN_FILE_COLUMNS, {
      file: batchKeys.map((_, f) => f),
      batch_key: batchKeys,
      batch_records: batchRecords,
      batch_sha256: batchSha256s,
    });
    const written = await putParquet(deps, lake, plan.images, PLAN_COLUMNS, {
      partition,
      file,
      record_index: recordIndex,
    });
    if (written !== recordIndex.length)
      throw new Error(
        `score: the plan of ${input.runId} has ${written} rows for ${recordIndex.length} selected images`,
      );
    const run: ScoreRun = {
      kind: 'score-run',
      runId: input.runId,
      modelId: card.id,
      alias,
      where: input.where,
      dataset: input.dataset,
      selected: recordIndex.length,
      partitions,
      partitionSize: input.partitionSize,
      startedAt: new Date(input.startedAtMs).toISOString(),
      scoredAtMs: input.startedAtMs,
      plan,
    };
    return publishJson(lake, runKey, run);
  };
}

/** Refuses a selection that names an image twice (each record of a batch file is one image), before anything is written. */
function checkDistinct(batchKeys: readonly string[], memberRecords: readonly number[][]): void {
  memberRecords.forEach((records, f) => {
    for (let i = 1; i < records.length; i++)
      if (records[i]! <= records[i - 1]!)
        throw new Error(
          `score: the selection holds record ${records[i]} of ${batchKeys[f]} twice; nothing was written`,
        );
  });
}

/** Below this many images a partition costs more in fixed work than balancing gains. */
const MIN_BALANCED_PARTITION = 1024;

/**
 * Partition numbers for `count` rows in file order: contiguous runs of at most `size` rows, as
 * even as possible (sizes differ by at most one). The count of partitions is the fewest that
 * respects `size`, rounded up to a multiple of `parallel` (so every slot gets an equal share),
 * unless that would make partitions smaller than MIN_BALANCED_PARTITION (or than `size`, when
 * that is smaller still). Contiguous runs in file order keep a partition on few batch files.
 */
export function evenPartitions(count: number, size: number, parallel: number): number[] {
  if (count === 0) return [];
  const fewest = Math.ceil(count / size);
  const balanced = Math.ceil(fewest / parallel) * parallel;
  const most = Math.max(fewest, Math.floor(count / Math.min(size, MIN_BALANCED_PARTITION)));
  const partitions = Math.min(balanced, most);
  const out = new Array<number>(count);
  // Partition p holds rows [floor(p * count / partitions), floor((p + 1) * count / partitions)).
  for (let p = 0; p < partitions; p++) {
    const end = Math.floor(((p + 1) * count) / partitions);
    for (let r = Math.floor((p * count) / partitions); r < end; r++) out[r] = p;
  }
  return out;
}

/** One row per selected image, in file order (see scorePlan). */
const PLAN_COLUMNS = [
  { name: 'partition', type: INTEGER },
  { name: 'file', type: INTEGER },
  { name: 'record_index', type: INTEGER },
];

const PLAN_FILE_COLUMNS = [
  { name: 'file', type: INTEGER },
  { name: 'batch_key', type: VARCHAR },
  { name: 'batch_records', type: INTEGER },
  { name: 'batch_sha256', type: VARCHAR },
];
