import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INTEGER,
  VARCHAR,
  TIMESTAMP,
  timestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { ParquetColumn } from '../catalog/parquet-writer.js';

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
  batch_key: string | null;
  record_index: number | null;
  original_format: string | null;
  original_width: number | null;
  original_height: number | null;
  width: number | null;
  height: number | null;
  mean: number | null;
  std: number | null;
  light_background: boolean | null;
  chunk: number;
  part: number;
  item_index: number;
}

export const STAGING_COLUMNS: readonly ParquetColumn[] = [
  { name: 'status', type: VARCHAR },
  { name: 'reason', type: VARCHAR },
  { name: 'source', type: VARCHAR },
  { name: 'bytes', type: BIGINT },
  { name: 'sha256', type: VARCHAR },
  { name: 'image_id', type: VARCHAR },
  { name: 'label', type: VARCHAR },
  { name: 'class_index', type: INTEGER },
  { name: 'batch_key', type: VARCHAR },
  { name: 'record_index', type: INTEGER },
  { name: 'original_format', type: VARCHAR },
  { name: 'original_width', type: INTEGER },
  { name: 'original_height', type: INTEGER },
  { name: 'width', type: INTEGER },
  { name: 'height', type: INTEGER },
  { name: 'mean', type: DOUBLE },
  { name: 'std', type: DOUBLE },
  { name: 'light_background', type: BOOLEAN },
  { name: 'chunk', type: INTEGER },
  { name: 'part', type: INTEGER },
  { name: 'item_index', type: INTEGER },
  { name: 'ingest_run', type: VARCHAR },
  { name: 'ingested_at', type: TIMESTAMP },
];

/** Rows to the column arrays writeParquet takes. */
export function stagingColumns(
  rows: readonly StagingRow[],
  runId: string,
  ingestTimeMs: number,
): Record<string, DuckDBValue[]> {
  const at = timestampValue(BigInt(ingestTimeMs) * 1000n);
  const out: Record<string, DuckDBValue[]> = {};
  for (const { name } of STAGING_COLUMNS) out[name] = [];
  for (const row of rows) {
    for (const { name } of STAGING_COLUMNS) {
      const value =
        name === 'ingest_run' ? runId : name === 'ingested_at' ? at : row[name as keyof StagingRow];
      out[name]!.push(name === 'bytes' ? BigInt(value as number) : (value as DuckDBValue));
    }
  }
  return out;
}
