import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR, type DuckDBValue } from '@duckdb/node-api';
import type { ParquetColumn } from '../catalog/parquet-writer.js';
import { quoteLiteral } from '../catalog/sql-quote.js';

export type ItemStatus = 'ingested' | 'duplicate' | 'quarantined';

/** The outcome of one source item, staged per part and combined into the run's tables at commit. */
export interface StagingRow {
  status: ItemStatus;
  /** Why an item was quarantined (reject reason) or of what it is a duplicate. */
  reason: string | null;
  source: string;
  bytes: number;
  sha256: string | null;
  image_id: string | null;
  label: string | null;
  class_index: number | null;
  record_index: number | null;
  original_format: string | null;
  original_width: number | null;
  original_height: number | null;
  width: number | null;
  height: number | null;
  mean: number | null;
  std: number | null;
  light_background: boolean | null;
  /** The raw zone object holding the original (null: not stored, or originals not kept). */
  original_key: string | null;
  /** The original's record in that object; null when the object is the original itself. */
  original_record: number | null;
  chunk: number;
  part: number;
  item_index: number;
}

/**
 * The columns a part's rows are appended with. A staging file has these and three more, the same
 * for every row of a part and so written by SQL, not per row (see stagingSelect).
 */
export const STAGING_COLUMNS: readonly ParquetColumn[] = [
  { name: 'status', type: VARCHAR },
  { name: 'reason', type: VARCHAR },
  { name: 'source', type: VARCHAR },
  { name: 'bytes', type: BIGINT },
  { name: 'sha256', type: VARCHAR },
  { name: 'image_id', type: VARCHAR },
  { name: 'label', type: VARCHAR },
  { name: 'class_index', type: INTEGER },
  { name: 'record_index', type: INTEGER },
  { name: 'original_format', type: VARCHAR },
  { name: 'original_width', type: INTEGER },
  { name: 'original_height', type: INTEGER },
  { name: 'width', type: INTEGER },
  { name: 'height', type: INTEGER },
  { name: 'mean', type: DOUBLE },
  { name: 'std', type: DOUBLE },
  { name: 'light_background', type: BOOLEAN },
  { name: 'original_key', type: VARCHAR },
  { name: 'original_record', type: INTEGER },
  { name: 'chunk', type: INTEGER },
  { name: 'part', type: INTEGER },
  { name: 'item_index', type: INTEGER },
];

/** The staging file's rows, in its column order: the appended columns and the part's constants. */
export function stagingSelect(
  table: string,
  part: { readonly runId: string; readonly ingestTimeMs: number; readonly batchKey: string },
): string {
  return `SELECT status, reason, source, bytes, sha256, image_id, label, class_index,
      CASE WHEN status = 'ingested' THEN ${quoteLiteral(part.batchKey)} END AS batch_key,
      record_index, original_format, original_width, original_height, width, height, mean, std,
      light_background, original_key, original_record, chunk, part, item_index, ${quoteLiteral(part.runId)} AS ingest_run,
      make_timestamptz(${Math.round(part.ingestTimeMs) * 1000}::BIGINT) AS ingested_at
    FROM ${table}`;
}

/** Rows to the column arrays writeParquet takes (STAGING_COLUMNS). */
export function stagingColumns(rows: readonly StagingRow[]): Record<string, DuckDBValue[]> {
  const out: Record<string, DuckDBValue[]> = {};
  for (const { name } of STAGING_COLUMNS) {
    const key = name as keyof StagingRow;
    out[name] =
      name === 'bytes' ? rows.map((row) => BigInt(row.bytes)) : rows.map((row) => row[key] as DuckDBValue);
  }
  return out;
}
