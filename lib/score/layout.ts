import { quoteLiteral } from '../catalog/sql-quote.js';
import { membersFile, type LocationsSource } from '../dataset/members.js';

const pad = (n: number) => String(n).padStart(6, '0');

/** Where a score run keeps its plan, predictions and commits. Keys derive from (run, partition, model). */
export const scoreLayout = {
  /** The run record: pinned model, selection, partition count; written once when planned. */
  run: (runId: string) => `manifests/score_runs/${runId}.json`,
  /**
   * The selected images (batch file number, record index) and their partition (Parquet), and the
   * plan's batch files by number (key, record count, sha256), written before the run record,
   * which names them. Named by their content's digest: two attempts that planned differently (the
   * lake changed between them) cannot mix their files, whichever run record wins.
   */
  plan: (runId: string, digest: string) => ({
    images: `score/${runId}/plan-${digest}.parquet`,
    files: `score/${runId}/plan-files-${digest}.parquet`,
  }),
  /** The plan of runs planned before it was split in two (one Parquet file in the members format). */
  legacyPlan: (runId: string) => `score/${runId}/plan.parquet`,
  predictions: (runId: string, modelId: string, partition: number) =>
    `meta/predictions/${runId}/${modelId}/p${pad(partition)}.parquet`,
  /** A partition's commit: readers see its predictions only once this exists. */
  partition: (runId: string, partition: number) =>
    `manifests/score_partitions/${runId}/p${pad(partition)}.json`,
  partitionPrefix: (runId: string) => `manifests/score_partitions/${runId}/`,
  /** The last failure of a partition (replaced by nothing: a later commit supersedes it). */
  failure: (runId: string, partition: number) => `manifests/score_failures/${runId}/p${pad(partition)}.json`,
} as const;

export interface ScoreRun {
  readonly kind: 'score-run';
  readonly runId: string;
  readonly modelId: string;
  /** The alias the model was pinned from, if one was given. */
  readonly alias: string | null;
  readonly where: string | null;
  readonly dataset: string | null;
  readonly selected: number;
  readonly partitions: number;
  readonly partitionSize: number;
  readonly startedAt: string;
  readonly scoredAtMs: number;
  /** The plan's objects (see scoreLayout.plan); absent in runs planned before (legacyPlan). */
  readonly plan?: { readonly images: string; readonly files: string };
}

export interface PartitionCommit {
  readonly kind: 'score-partition';
  readonly runId: string;
  readonly partition: number;
  readonly modelId: string;
  readonly images: number;
  readonly attempt: number;
  readonly seconds: number;
  readonly tables: { readonly predictions: string };
}

export interface PartitionFailure {
  readonly kind: 'score-failure';
  readonly runId: string;
  readonly partition: number;
  readonly attempts: number;
  readonly error: string;
  readonly failedAt: string;
}

/**
 * A score run's plan as member locations: its images by (file number, record index), joined with
 * its files. Two files because a batch key and sha256 written on every image's row cost most of
 * the plan's writing time; the ids are left to the Avro records, the labels to nobody.
 */
export function scorePlan(run: ScoreRun): LocationsSource {
  if (!run.plan) return membersFile(scoreLayout.legacyPlan(run.runId));
  return {
    keys: [run.plan.images, run.plan.files],
    relation: ([
      images,
      files,
    ]) => `(SELECT p.partition, NULL::VARCHAR AS image_id, f.batch_key, p.record_index,
      f.batch_records, f.batch_sha256, NULL::INTEGER AS class_index
      FROM read_parquet(${quoteLiteral(images!)}) p JOIN read_parquet(${quoteLiteral(files!)}) f USING (file))`,
  };
}
