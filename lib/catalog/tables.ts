/**
 * The lake's metadata tables: Parquet files under `meta/<table>/`, each listed in a committed
 * manifest. The columns give the views a stable shape even before the first file exists. Every
 * instant is a TIMESTAMPTZ (Parquet isAdjustedToUTC=true), so no answer depends on a time zone.
 */
export const TABLE_COLUMNS = {
  images: [
    ['image_id', 'VARCHAR'],
    ['sha256', 'VARCHAR'],
    ['source', 'VARCHAR'],
    ['label', 'VARCHAR'],
    ['class_index', 'INTEGER'],
    ['batch_key', 'VARCHAR'],
    ['record_index', 'INTEGER'],
    ['original_format', 'VARCHAR'],
    ['original_bytes', 'BIGINT'],
    ['original_width', 'INTEGER'],
    ['original_height', 'INTEGER'],
    ['width', 'INTEGER'],
    ['height', 'INTEGER'],
    ['mean', 'DOUBLE'],
    ['std', 'DOUBLE'],
    ['light_background', 'BOOLEAN'],
    ['ingest_run', 'VARCHAR'],
    ['ingested_at', 'TIMESTAMPTZ'],
  ],
  originals: [
    ['image_id', 'VARCHAR'],
    ['sha256', 'VARCHAR'],
    ['key', 'VARCHAR'],
    ['record_index', 'INTEGER'],
    ['bytes', 'BIGINT'],
    ['file_records', 'INTEGER'],
    ['file_bytes', 'BIGINT'],
    ['file_sha256', 'VARCHAR'],
    ['ingest_run', 'VARCHAR'],
  ],
  batches: [
    ['key', 'VARCHAR'],
    ['records', 'INTEGER'],
    ['bytes', 'BIGINT'],
    ['sha256', 'VARCHAR'],
    ['ingest_run', 'VARCHAR'],
  ],
  quarantine: [
    ['source', 'VARCHAR'],
    ['reason', 'VARCHAR'],
    ['bytes', 'BIGINT'],
    ['ingest_run', 'VARCHAR'],
    ['ingested_at', 'TIMESTAMPTZ'],
  ],
  duplicates: [
    ['source', 'VARCHAR'],
    ['sha256', 'VARCHAR'],
    ['duplicate_of', 'VARCHAR'],
    ['label', 'VARCHAR'],
    ['existing_label', 'VARCHAR'],
    ['label_conflict', 'BOOLEAN'],
    ['reason', 'VARCHAR'],
    ['ingest_run', 'VARCHAR'],
    ['ingested_at', 'TIMESTAMPTZ'],
  ],
  human_labels: [
    ['image_id', 'VARCHAR'],
    ['label', 'VARCHAR'],
    ['weight', 'DOUBLE'],
    ['import_id', 'VARCHAR'],
    ['imported_at', 'TIMESTAMPTZ'],
  ],
  dataset_members: [
    ['dataset', 'VARCHAR'],
    ['version', 'INTEGER'],
    ['image_id', 'VARCHAR'],
    ['sha256', 'VARCHAR'],
    ['batch_key', 'VARCHAR'],
    ['record_index', 'INTEGER'],
    ['batch_records', 'INTEGER'],
    ['batch_sha256', 'VARCHAR'],
    ['label', 'VARCHAR'],
    ['label_source', 'VARCHAR'],
    ['class_index', 'INTEGER'],
    ['split', 'VARCHAR'],
  ],
  evaluation_predictions: [
    ['eval_id', 'VARCHAR'],
    ['model_id', 'VARCHAR'],
    ['image_id', 'VARCHAR'],
    ['label', 'INTEGER'],
    ['predicted', 'INTEGER'],
    ['correct', 'BOOLEAN'],
    ['confidence', 'DOUBLE'],
    ['true_probability', 'DOUBLE'],
  ],
  predictions: [
    ['image_id', 'VARCHAR'],
    ['model_id', 'VARCHAR'],
    ['predicted', 'INTEGER'],
    ['predicted_name', 'VARCHAR'],
    ['confidence', 'DOUBLE'],
    ['margin', 'DOUBLE'],
    ['entropy', 'DOUBLE'],
    ['probabilities', 'FLOAT[]'],
    ['top_classes', 'INTEGER[]'],
    ['top_probabilities', 'FLOAT[]'],
    ['score_run', 'VARCHAR'],
    ['partition', 'INTEGER'],
    ['scored_at', 'TIMESTAMPTZ'],
  ],
} as const satisfies Record<string, readonly (readonly [string, string])[]>;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLE_NAMES = Object.keys(TABLE_COLUMNS) as TableName[];

export function isTableName(name: string): name is TableName {
  return Object.hasOwn(TABLE_COLUMNS, name);
}

/** Where a committed file of a table lives: `meta/<table>/<name>.parquet`. */
export const tableKey = (table: TableName, name: string): string => `meta/${table}/${name}.parquet`;
