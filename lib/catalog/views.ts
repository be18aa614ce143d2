import type { DuckDBConnection } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { DEFAULT_LABEL_PRECEDENCE } from '../config.js';
import type { LakeSnapshot } from './snapshot.js';
import { quoteIdentifier, quoteLiteral } from './sql-quote.js';
import { TABLE_COLUMNS, TABLE_NAMES, type TableName } from './tables.js';

/** The views of sql/, in dependency order (a view only reads the ones before it). */
export const VIEW_NAMES = [
  'images',
  'originals',
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

/** One named object of the catalog (a table relation, a temp table, a view) and its statements. */
export interface CatalogDefinition {
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * The catalog over a snapshot, in dependency order (each definition only reads earlier ones): one
 * relation per table over exactly the committed files, the manifests as rows, the label
 * precedence, then the views of sql/.
 */
export function catalogDefinitions(
  snapshot: LakeSnapshot,
  precedence = DEFAULT_LABEL_PRECEDENCE,
): CatalogDefinition[] {
  const out: CatalogDefinition[] = TABLE_NAMES.map((table) => ({
    name: `_t_${table}`,
    statements: [
      `CREATE OR REPLACE TEMP VIEW _t_${table} AS ${tableRelation(table, snapshot.files[table], snapshot.zoneless)}`,
    ],
  }));
  const manifests = ['CREATE OR REPLACE TEMP TABLE _manifests (kind VARCHAR, key VARCHAR, body JSON)'];
  for (let i = 0; i < snapshot.manifests.length; i += 200) {
    const rows = snapshot.manifests
      .slice(i, i + 200)
      .map(
        (m) => `(${quoteLiteral(m.kind)}, ${quoteLiteral(m.key)}, ${quoteLiteral(JSON.stringify(m.body))})`,
      );
    manifests.push(`INSERT INTO _manifests VALUES ${rows.join(', ')}`);
  }
  out.push({ name: '_manifests', statements: manifests });
  const ranks = ['CREATE OR REPLACE TEMP TABLE _label_precedence (source_kind VARCHAR, rank INTEGER)'];
  if (precedence.length > 0)
    ranks.push(
      `INSERT INTO _label_precedence VALUES ${precedence.map((k, i) => `(${quoteLiteral(k)}, ${i})`).join(', ')}`,
    );
  out.push({ name: '_label_precedence', statements: ranks });
  for (const view of VIEW_NAMES)
    out.push({ name: view, statements: [`CREATE OR REPLACE TEMP VIEW ${view} AS ${viewSql(view).select}`] });
  return out;
}

/**
 * The statements that define the catalog over a snapshot. Plain SQL, so stock DuckDB can run the
 * same script (`imagelake sql --views-script`).
 */
export function catalogScript(snapshot: LakeSnapshot, precedence = DEFAULT_LABEL_PRECEDENCE): string[] {
  return catalogDefinitions(snapshot, precedence).flatMap((d) => d.statements);
}

/**
 * The definitions a statement needs: those whose names it mentions and, transitively, the ones
 * those read; in dependency order, leaving out the `defined` ones. Names are matched as words in
 * the text, so a mention in a string or comment only costs an unneeded definition.
 */
export function definitionsFor(
  definitions: readonly CatalogDefinition[],
  sql: string,
  defined: ReadonlySet<string> = new Set(),
): CatalogDefinition[] {
  const mentions = (text: string, name: string) => new RegExp(`\\b${name}\\b`, 'i').test(text);
  const needed = new Set(definitions.filter((d) => mentions(sql, d.name)).map((d) => d.name));
  // Reverse dependency order: a needed definition adds the earlier ones it reads.
  for (let i = definitions.length - 1; i >= 0; i--) {
    const d = definitions[i]!;
    if (!needed.has(d.name)) continue;
    // Only a first statement reads (CREATE ... AS SELECT); the others insert literal rows.
    for (const earlier of definitions.slice(0, i))
      if (mentions(d.statements[0]!, earlier.name)) needed.add(earlier.name);
  }
  return definitions.filter((d) => needed.has(d.name) && !defined.has(d.name));
}

/** Defines the whole catalog on a connection (temp objects: they live and die with it). */
export async function attachCatalog(
  connection: DuckDBConnection,
  snapshot: LakeSnapshot,
  precedence = DEFAULT_LABEL_PRECEDENCE,
): Promise<void> {
  await runDefinitions(connection, catalogDefinitions(snapshot, precedence));
}

/** Runs definitions' statements in one call: a round trip per statement cost a fifth of opening a catalog. */
export async function runDefinitions(
  connection: DuckDBConnection,
  definitions: readonly CatalogDefinition[],
): Promise<void> {
  if (definitions.length > 0) await connection.run(definitions.flatMap((d) => d.statements).join(';\n'));
}

/**
 * A table of the snapshot as a relation over its local Parquet files, with every column of
 * TABLE_COLUMNS: a column that files written before it existed lack reads as NULL (the typed
 * empty relation, united by name with the files), so adding a column never breaks an old lake.
 * Files whose instants were written without a zone (`zoneless`: path to columns) are read apart
 * and those columns taken as UTC: read together with the others, DuckDB would cast them to
 * TIMESTAMPTZ in the session's time zone.
 */
export function tableRelation(
  table: TableName,
  files: readonly string[],
  zoneless: Readonly<Record<string, readonly string[]>> = {},
): string {
  const columns = TABLE_COLUMNS[table];
  const typed = columns.map(([name, type]) => `CAST(NULL AS ${type}) AS ${quoteIdentifier(name)}`);
  const empty = `SELECT ${typed.join(', ')} WHERE false`;
  if (files.length === 0) return empty;
  const names = columns.map(([name]) => quoteIdentifier(name)).join(', ');
  const reads = [...filesByZonelessColumns(table, files, zoneless)].map(([key, group]) => {
    const read = `read_parquet([${group.map(quoteLiteral).join(', ')}], union_by_name = true)`;
    if (key === '') return `SELECT * FROM ${read}`;
    const asUtc = JSON.parse(key) as string[];
    const replaced = asUtc.map((c) => `${quoteIdentifier(c)} AT TIME ZONE 'UTC' AS ${quoteIdentifier(c)}`);
    return `SELECT * REPLACE (${replaced.join(', ')}) FROM ${read}`;
  });
  return `SELECT ${names} FROM (${[empty, ...reads].join('\n    UNION ALL BY NAME ')})`;
}

/** Files grouped by the instant columns they hold without a zone ('' for none), in first-seen order. */
function filesByZonelessColumns(
  table: TableName,
  files: readonly string[],
  zoneless: Readonly<Record<string, readonly string[]>>,
): Map<string, string[]> {
  const instants = new Set<string>(
    TABLE_COLUMNS[table].filter(([, type]) => type === 'TIMESTAMPTZ').map(([name]) => name),
  );
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const columns = (zoneless[file] ?? []).filter((c) => instants.has(c)).sort();
    const key = columns.length === 0 ? '' : JSON.stringify(columns);
    const group = groups.get(key);
    if (group) group.push(file);
    else groups.set(key, [file]);
  }
  return groups;
}
