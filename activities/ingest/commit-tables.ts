import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIGINT, INTEGER, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { writeParquet } from '../../lib/catalog/parquet-writer.js';
import { quoteIdentifier, quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { INGEST_TABLES, ingestLayout, type IngestTable } from '../../lib/ingest/layout.js';
import type { IngestCounts } from '../../lib/ingest/manifest.js';
import { STAGING_COLUMNS, stagingSelect } from '../../lib/ingest/staging-row.js';
import type { Lake } from '../../lib/lake/lake.js';
import { loadOriginalFiles } from './original-files.js';
import type { PartReport } from './write-part.js';

/** Why a staged image is not stored: another run committed the same image while this one ran. */
export const CONCURRENT_REASON = 'stored by a concurrent run';

// A staged image is stored unless another committed run stored its hash (`others`, a concurrent
// run: the chunks already left out the runs committed before they started).
const STORED = `FROM ranked WHERE rn = 1 AND sha256 NOT IN (SELECT sha256 FROM others)`;
const CONCURRENT = `FROM ranked WHERE rn = 1 AND sha256 IN (SELECT sha256 FROM others)`;

// Final tables from the staged rows. Within a run the first occurrence of a hash (in plan order)
// is the image; later ones become duplicates (their Avro record stays in its batch, unreferenced),
// and so does an image a concurrent run stored first.
const TABLE_SQL: Record<Exclude<IngestTable, 'batches'>, string> = {
  images: `SELECT image_id, sha256, source, label, class_index, batch_key, record_index, original_format,
      bytes AS original_bytes, original_width, original_height, width, height, mean, std, light_background,
      ingest_run, ingested_at
    ${STORED} ORDER BY chunk, part, item_index`,
  duplicates: `SELECT d.source, d.sha256, substr(d.sha256, 1, 32) AS duplicate_of, d.label, k.label AS existing_label,
      (d.label IS NOT NULL AND k.label IS NOT NULL AND d.label <> k.label) AS label_conflict, d.reason, d.ingest_run, d.ingested_at
    FROM (SELECT * FROM staged WHERE status = 'duplicate'
          UNION ALL SELECT * EXCLUDE (rn) REPLACE ('earlier in this run' AS reason) FROM ranked WHERE rn > 1
          UNION ALL SELECT * EXCLUDE (rn) REPLACE (${quoteLiteral(CONCURRENT_REASON)} AS reason) ${CONCURRENT}) d
    LEFT JOIN known k USING (sha256) ORDER BY d.chunk, d.part, d.item_index`,
  quarantine: `SELECT source, reason, bytes, ingest_run, ingested_at FROM staged WHERE status = 'quarantined' ORDER BY chunk, part, item_index`,
  // Where the stored images' originals are (none when the run kept no originals).
  originals: `SELECT r.image_id, r.sha256, r.original_key AS key, r.original_record AS record_index, r.bytes,
      f.records AS file_records, f.bytes AS file_bytes, f.sha256 AS file_sha256, r.ingest_run
    FROM (SELECT * ${STORED}) r JOIN original_files f ON f.key = r.original_key ORDER BY r.chunk, r.part, r.item_index`,
};

/** The tables that depend on which concurrent runs committed first (see ingestLayout.table). */
const DEPENDS_ON_OTHERS: ReadonlySet<IngestTable> = new Set(['images', 'duplicates', 'originals']);

/**
 * The staged rows as views over the parts' Parquet files (each table reads only what it needs).
 * Ranking by hash (a window over every row) is needed only when a hash was ingested by two chunks.
 * A run with no items has no parts: its tables are empty.
 */
export async function loadStaged(
  connection: DuckDBConnection,
  runId: string,
  files: string[],
): Promise<void> {
  // Parts staged before instants were TIMESTAMPTZ hold UTC clock time: casts between the two
  // (by the reader, when a run's parts were staged by both versions) must take UTC.
  await connection.run("SET TimeZone = 'UTC'");
  if (files.length === 0) {
    const ddl = STAGING_COLUMNS.map((c) => `${quoteIdentifier(c.name)} ${c.type.toString()}`).join(', ');
    await connection.run(`CREATE TEMP TABLE no_parts (${ddl})`);
    await connection.run(
      `CREATE TEMP VIEW staged AS ${stagingSelect('no_parts', { runId, ingestTimeMs: 0, batchKey: '' })}`,
    );
  } else {
    await connection.run(
      `CREATE TEMP VIEW staged AS SELECT * REPLACE (ingested_at::TIMESTAMPTZ AS ingested_at)
     FROM read_parquet([${files.map(quoteLiteral).join(', ')}], union_by_name = true)`,
    );
  }
  const repeated = await connection.runAndReadAll(
    `SELECT count(*) FROM (SELECT sha256 FROM staged WHERE status = 'ingested' GROUP BY sha256 HAVING count(*) > 1)`,
  );
  if (Number(repeated.getRowsJS()[0]?.[0] ?? 0) === 0) {
    await connection.run(
      `CREATE TEMP VIEW ranked AS SELECT *, 1::BIGINT AS rn FROM staged WHERE status = 'ingested'`,
    );
  } else {
    await connection.run(`CREATE TEMP TABLE ranked AS SELECT *, row_number() OVER (PARTITION BY sha256 ORDER BY chunk, part, item_index) AS rn
      FROM staged WHERE status = 'ingested'`);
  }
}

/**
 * The images of other committed runs (their images tables' local files) whose hash this run
 * staged: `others`, the images this run must not store again, and `known`, the stored label of
 * each staged hash, to report conflicting duplicates. Replaced on each call (a commit that lost
 * its position in the log loads the runs committed since).
 */
export async function loadOthers(connection: DuckDBConnection, imageFiles: readonly string[]): Promise<void> {
  const committed = imageFiles.length
    ? `SELECT sha256, min(label) AS label FROM read_parquet([${imageFiles.map(quoteLiteral).join(', ')}])
        WHERE sha256 IN (SELECT sha256 FROM staged WHERE sha256 IS NOT NULL) GROUP BY sha256`
    : 'SELECT NULL::VARCHAR AS sha256, NULL::VARCHAR AS label WHERE false';
  await connection.run(`CREATE OR REPLACE TEMP TABLE others AS ${committed}`);
  await connection.run(
    `CREATE OR REPLACE TEMP VIEW known AS SELECT sha256, label FROM others UNION ALL SELECT sha256, label ${STORED}`,
  );
}

/** The run's tables as written to the lake, with what the manifest reports of them. */
export interface CommitTables {
  readonly tables: Record<IngestTable, string>;
  readonly counts: IngestCounts;
  readonly concurrentDuplicates: number;
  readonly labelConflicts: number;
}

/** Writes the run's tables (through files in `dir`) to the lake, under keys their content names. */
export async function writeTables(
  connection: DuckDBConnection,
  lake: Lake,
  dir: string,
  runId: string,
  reports: readonly PartReport[],
): Promise<CommitTables> {
  const { counts, concurrentDuplicates, variant } = await countRows(connection);
  await loadOriginalFiles(connection, dir, reports);
  const tables = {} as Record<IngestTable, string>;
  for (const table of INGEST_TABLES) {
    const path = join(dir, `${table}.parquet`);
    if (table === 'batches') {
      const batches = reports
        .flatMap((r) => (r.batch ? [r.batch] : []))
        .sort((a, b) => a.key.localeCompare(b.key));
      counts.batches = batches.length;
      counts.bytes = batches.reduce((sum, b) => sum + b.bytes, 0);
      await writeParquet(connection, path, BATCH_COLUMNS, {
        key: batches.map((b) => b.key),
        records: batches.map((b) => b.records),
        bytes: batches.map((b) => BigInt(b.bytes)),
        sha256: batches.map((b) => b.sha256),
        ingest_run: batches.map(() => runId),
      });
    } else {
      // Row groups of 16k rows: written in parallel, and finer statistics for readers to skip by.
      await connection.run(
        `COPY (${TABLE_SQL[table]}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
      );
    }
    tables[table] = ingestLayout.table(table, runId, DEPENDS_ON_OTHERS.has(table) ? variant : undefined);
    await lake.put(tables[table], await readFile(path));
  }
  const labelConflicts = counts.duplicates === 0 ? 0 : await countLabelConflicts(connection);
  return { tables, counts, concurrentDuplicates, labelConflicts };
}

const BATCH_COLUMNS = [
  { name: 'key', type: VARCHAR },
  { name: 'records', type: INTEGER },
  { name: 'bytes', type: BIGINT },
  { name: 'sha256', type: VARCHAR },
  { name: 'ingest_run', type: VARCHAR },
];

async function countLabelConflicts(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*) FROM (${TABLE_SQL.duplicates}) WHERE label_conflict`,
  );
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}

/**
 * The counts, and the variant of the tables that depend on concurrent runs: undefined when none
 * stored a staged image, else named by the hashes they stored.
 */
async function countRows(connection: DuckDBConnection) {
  const reader = await connection.runAndReadAll(`SELECT count(*),
      count(*) FILTER (WHERE status = 'quarantined'),
      (SELECT count(*) ${STORED}),
      (SELECT count(*) ${CONCURRENT}),
      (SELECT substr(sha256(string_agg(sha256, ',' ORDER BY sha256)), 1, 16) ${CONCURRENT})
    FROM staged`);
  const row = reader.getRowsJS()[0] ?? [];
  const [seen, quarantined, ingested, concurrent] = row.slice(0, 4).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const counts: IngestCounts = {
    seen,
    ingested,
    quarantined,
    duplicates: seen - ingested - quarantined,
    batches: 0,
    bytes: 0,
  };
  return {
    counts,
    concurrentDuplicates: concurrent,
    variant: concurrent > 0 ? `c${String(row[4])}` : undefined,
  };
}
