import { INTEGER } from '@duckdb/node-api';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { tableRelation } from '../../lib/catalog/views.js';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { UserError } from '../../lib/errors.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import { scoreLayout, type ScoreRun } from '../../lib/score/layout.js';
import { publishJson, readJson } from '../../lib/lake/json-object.js';
import type { ActivityDeps } from '../deps.js';
import { putParquet } from '../put-parquet.js';
import { openCatalog } from '../catalog/snapshot.js';

export interface PlanScoreInput {
  readonly lakeUri: string;
  readonly runId: string;
  /** Model id or alias; an alias is pinned to its model id here, once. */
  readonly model: string;
  /** A predicate on the images view (read-only, sandboxed); null scores every image without a prediction from this model. */
  readonly where: string | null;
  /** Score the members of a dataset version instead. */
  readonly dataset: string | null;
  readonly partitionSize: number;
  readonly startedAtMs: number;
  /** Leave out images that already have a committed prediction from this model (the pipeline's mode). */
  readonly onlyUnscored?: boolean;
}

/**
 * Selects the images to score and splits them into partitions aligned with the Avro batch files
 * (a file's images stay together unless there are more than a partition's worth). Idempotent: a
 * planned run returns its record.
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
    const { snapshot, sandbox } = await openCatalog(deps, lake);
    // One row per batch file with its members' record indexes: only numbers cross into JS (per-row
    // strings were the plan's main cost); the image ids are joined back in DuckDB when the plan is
    // written, by (batch file, record index), which names one image.
    let files: [string[], number[], string[], number[][]];
    try {
      let selection: string;
      let params: Record<string, string | number> = { model: card.id };
      if (input.dataset !== null) {
        const d = await resolveDataset(lake, input.dataset);
        selection = 'SELECT image_id FROM dataset_members WHERE dataset = $name AND version = $version';
        params = { name: d.name, version: d.version };
      } else if (input.where !== null) {
        await sandbox.query(`SELECT image_id FROM images WHERE (\n${input.where}\n) LIMIT 0`); // the guard, and a clear error
        selection = `SELECT image_id FROM images WHERE (\n${input.where}\n)`;
        params = {};
      } else {
        selection = `SELECT image_id FROM images WHERE image_id NOT IN (SELECT image_id FROM predictions WHERE model_id = $model)`;
      }
      const unscored = input.onlyUnscored
        ? 'WHERE s.image_id NOT IN (SELECT image_id FROM predictions WHERE model_id = $scoredBy)'
        : '';
      const result = (
        await sandbox.query(
          `SELECT i.batch_key, any_value(b.records), any_value(b.sha256), list(i.record_index ORDER BY i.record_index)
           FROM (SELECT DISTINCT image_id FROM (${selection})) s JOIN images i USING (image_id) JOIN batches b ON b.key = i.batch_key
           ${unscored}
           GROUP BY i.batch_key ORDER BY i.batch_key`,
          input.onlyUnscored ? { ...params, scoredBy: card.id } : params,
        )
      ).getColumnsJS();
      // No rows: DuckDB gives no columns at all.
      files = (result.length === 0 ? [[], [], [], []] : result) as typeof files;
    } finally {
      sandbox.close();
    }
    const [batchKeys, batchRecords, batchSha256s, memberRecords] = files;
    const file: number[] = [];
    const recordIndex: number[] = [];
    memberRecords.forEach((records, f) => {
      for (const r of records) {
        file.push(f);
        recordIndex.push(r);
      }
    });
    const partition = assignPartitions(file, input.partitionSize);
    const partitions = partition.length ? partition[partition.length - 1]! + 1 : 0;
    const perFile = (values: readonly (string | number)[]) =>
      `[${values.map((v) => (typeof v === 'number' ? String(v) : quoteLiteral(v))).join(', ')}]`;
    const keys = perFile(batchKeys);
    // Only the planned files' rows of the images table: its files are sorted by batch key, so the
    // Parquet reader skips the rest by their statistics.
    const images = `SELECT image_id, batch_key, record_index FROM (${tableRelation('images', snapshot.files.images)})
      WHERE batch_key IN (SELECT unnest(${keys}))`;
    const written = await putParquet(
      deps,
      lake,
      scoreLayout.plan(input.runId),
      APPENDED_PLAN_COLUMNS,
      { partition, file, record_index: recordIndex },
      // The locations format the reader takes; scoring needs no labels (class_index).
      (table) => `SELECT p.partition, i.image_id, ${keys}[p.file + 1] AS batch_key, p.record_index,
        (${perFile(batchRecords)}::INTEGER[])[p.file + 1] AS batch_records, ${perFile(batchSha256s)}[p.file + 1] AS batch_sha256,
        NULL::INTEGER AS class_index
        FROM ${table} p JOIN (${images}) i ON i.batch_key = ${keys}[p.file + 1] AND i.record_index = p.record_index
        ORDER BY p.file, p.record_index`,
    );
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
    };
    return publishJson(lake, runKey, run);
  };
}

/** Partition numbers for rows sorted by batch file (its key or number): whole files per partition, split only when one file is bigger. */
export function assignPartitions(batchKeys: readonly (string | number)[], size: number): number[] {
  const out: number[] = [];
  let partition = 0;
  let used = 0;
  for (let i = 0; i < batchKeys.length;) {
    let end = i;
    while (end < batchKeys.length && batchKeys[end] === batchKeys[i]) end++;
    let fileRows = end - i;
    if (used > 0 && used + fileRows > size) [partition, used] = [partition + 1, 0];
    while (fileRows > 0) {
      const take = Math.min(fileRows, size - used);
      for (let k = 0; k < take; k++) out.push(partition);
      used += take;
      fileRows -= take;
      if (used === size) [partition, used] = [partition + 1, 0];
    }
    i = end;
  }
  return out;
}

const APPENDED_PLAN_COLUMNS = [
  { name: 'partition', type: INTEGER },
  { name: 'file', type: INTEGER },
  { name: 'record_index', type: INTEGER },
];
