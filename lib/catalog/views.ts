import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { DEFAULT_LABEL_PRECEDENCE } from '../config.js';
import type { LakeSnapshot } from './snapshot.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';
import { TABLE_COLUMNS, TABLE_NAMES, type TableName } from './tables.js';

/** The views of sql/, in dependency order (a view only reads the ones before it). */
export const VIEW_NAMES = [
  'images',
  'batches',
  'quarantine',
  'duplicates',
  'ingest_runs',
  'label_imports',
  'label_assignments',
  'labels',
  'datasets',
  'dataset_members',
  'dataset_lineage',
  'predictions',
  'models',
  'aliases',
  'evaluations',
  'evaluation_predictions',
  'sweep_results',
  'model_lineage',
  'promotions',
  'score_runs',
  'score_partitions',
  'score_reconciliation',
  'review_queue',
  'prediction_lineage',
  'pipeline_runs',
  'drift',
] as const;

export type ViewName = (typeof VIEW_NAMES)[number];

const SQL_DIR = new URL('../../sql/', import.meta.url);

/** The body of sql/<view>.sql: a one-line comment saying what it shows, then one SELECT. */
export function viewSql(view: ViewName): { comment: string; select: string } {
  const text = readFileSync(new URL(`${view}.sql`, SQL_DIR), 'utf8');
  const [first = '', ...rest] = text.split('\n');
  if (!first.startsWith('-- ')) throw new Error(`catalog: sql/${view}.sql must start with a "-- " comment`);
  return { comment: first.slice(3).trim(), select: rest.join('\n').trim() };
}

/**
 * The statements that define the catalog over a snapshot: one relation per table over exactly
 * the committed files, the manifests as rows, then the views of sql/. Plain SQL, so stock DuckDB
 * can run the same script (`imagelake sql --views-script`).
 */
export function catalogScript(snapshot: LakeSnapshot, precedence = DEFAULT_LABEL_PRECEDENCE): string[] {
  const out: string[] = [];
  for (const table of TABLE_NAMES)
    out.push(`CREATE OR REPLACE TEMP VIEW _t_${table} AS ${tableRelation(table, snapshot.files[table])}`);
  out.push('CREATE OR REPLACE TEMP TABLE _manifests (kind VARCHAR, key VARCHAR, body JSON)');
  for (let i = 0; i < snapshot.manifests.length; i += 200) {
    const rows = snapshot.manifests
      .slice(i, i + 200)
      .map(
        (m) => `(${quoteLiteral(m.kind)}, ${quoteLiteral(m.key)}, ${quoteLiteral(JSON.stringify(m.body))})`,
      );
    out.push(`INSERT INTO _manifests VALUES ${rows.join(', ')}`);
  }
  out.push('CREATE OR REPLACE TEMP TABLE _label_precedence (source_kind VARCHAR, rank INTEGER)');
  if (precedence.length > 0)
    out.push(
      `INSERT INTO _label_precedence VALUES ${precedence.map((k, i) => `(${quoteLiteral(k)}, ${i})`).join(', ')}`,
    );
  for (const view of VIEW_NAMES) out.push(`CREATE OR REPLACE TEMP VIEW ${view} AS ${viewSql(view).select}`);
  return out;
}

/** Defines the catalog on a connection (temp objects: they live and die with it). */
export async function attachCatalog(
  connection: DuckDBConnection,
  snapshot: LakeSnapshot,
  precedence = DEFAULT_LABEL_PRECEDENCE,
): Promise<void> {
  for (const statement of catalogScript(snapshot, precedence)) await connection.run(statement);
}

/** A table of the snapshot as a relation over its local Parquet files (typed and empty when none). */
export function tableRelation(table: TableName, files: readonly string[]): string {
  const columns = TABLE_COLUMNS[table];
  if (files.length === 0) {
    const typed = columns.map(([name, type]) => `CAST(NULL AS ${type}) AS ${quoteIdentifier(name)}`);
    return `SELECT ${typed.join(', ')} WHERE false`;
  }
  const names = columns.map(([name]) => quoteIdentifier(name)).join(', ');
  return `SELECT ${names} FROM read_parquet([${files.map(quoteLiteral).join(', ')}], union_by_name = true)`;
}
