const pad = (n: number) => String(n).padStart(6, '0');

/** Where a score run keeps its plan, predictions and commits. Keys derive from (run, partition, model). */
export const scoreLayout = {
  /** The run record: pinned model, selection, partition count; written once when planned. */
  run: (runId: string) => `manifests/score_runs/${runId}.json`,
  /** The selected images and their partition (Parquet), written before the run record. */
  plan: (runId: string) => `score/${runId}/plan.parquet`,
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
