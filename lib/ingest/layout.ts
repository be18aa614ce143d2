// Where an ingest run puts things in the lake. Every key is deterministic in (run, chunk, part),
// so a retried activity rewrites the same objects instead of adding new ones.

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const partName = (chunk: number, part: number) => `c${pad(chunk, 6)}-p${pad(part, 3)}`;

export const ingestLayout = {
  /** The run's plan summary; written last by the plan step (its presence means the plan is complete). */
  plan: (runId: string) => `ingest/${runId}/plan.json`,
  /**
   * How the run's label rule covered the files listed (LabelReport), for the user: beside the
   * committed tables, since the plan and staging go once the run is committed. Absent for IDX
   * sources and runs without labels.
   */
  labelReport: (runId: string) => `meta/label_reports/${runId}.json`,
  /** The items of one chunk (a slice of the source listing). */
  planChunk: (runId: string, chunk: number) => `ingest/${runId}/plan/chunk-${pad(chunk, 6)}.json`,
  /** One Avro batch file: the normalized images of one part of a chunk. */
  batch: (runId: string, chunk: number, part: number) => `batches/${runId}/${partName(chunk, part)}.avro`,
  /** Per-item outcomes of one part (Parquet), combined at commit. */
  stagingRows: (runId: string, chunk: number, part: number) =>
    `ingest/${runId}/staging/${partName(chunk, part)}.parquet`,
  /** What one part wrote (batch key, count, bytes, sha256). */
  stagingPart: (runId: string, chunk: number, part: number) =>
    `ingest/${runId}/staging/${partName(chunk, part)}.json`,
  stagingPrefix: (runId: string) => `ingest/${runId}/staging/`,
  /** Everything above: read only until the run is committed, then removed. */
  runPrefix: (runId: string) => `ingest/${runId}/`,
  /**
   * Committed metadata tables, one Parquet file per run and table. A table that depends on which
   * concurrent runs committed first has a variant naming that (a `.` cannot occur in a run id), so
   * a stale attempt of the same commit never overwrites the file a manifest names.
   */
  table: (table: IngestTable, runId: string, variant?: string) =>
    `meta/${table}/${runId}${variant ? `.${variant}` : ''}.parquet`,
  /** The commit: a run is visible only once this object exists (published with put-if-absent). */
  manifest: (runId: string) => `manifests/ingest/${runId}.json`,
  manifestPrefix: 'manifests/ingest/',
  /**
   * The ingest commit log: its n-th entry is the manifest of the n-th commit, claimed with
   * put-if-absent, so commits have one order and each one saw every commit before it.
   */
  commitLogEntry: (position: number) => `commits/ingest/${pad(position, 12)}.json`,
  commitLogPrefix: 'commits/ingest/',
} as const;

export type IngestTable = 'images' | 'batches' | 'quarantine' | 'duplicates' | 'originals';
export const INGEST_TABLES: readonly IngestTable[] = [
  'images',
  'batches',
  'quarantine',
  'duplicates',
  'originals',
];

/** Run ids become key segments: keep them to a safe alphabet. */
export function validateRunId(runId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(runId)) {
    throw new Error(`ingest: invalid run id "${runId}": letters, digits, "_" and "-" only, at most 128`);
  }
  return runId;
}

/** The position of a commit log entry from its key; undefined for any other key. */
export function commitLogPosition(key: string): number | undefined {
  const match = /^commits\/ingest\/(\d{12})\.json$/.exec(key);
  return match ? Number(match[1]) : undefined;
}
