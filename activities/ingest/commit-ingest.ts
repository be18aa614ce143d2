import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIGINT, INTEGER, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { writeParquet } from '../../lib/catalog/parquet-writer.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { INGEST_TABLES, ingestLayout, type IngestTable } from '../../lib/ingest/layout.js';
import type { IngestCounts, IngestManifest } from '../../lib/ingest/manifest.js';
import type { IngestSource } from '../../lib/ingest/source.js';
import type { Lake } from '../../lib/lake/lake.js';
import type { ActivityDeps } from '../deps.js';
import { guardedCommit, type CommitGuard } from '../../lib/gc/commit-guard.js';
import { heartbeatDuring } from '../heartbeat-during.js';
import { committedManifests } from './committed.js';
import { removeStaging } from './remove-staging.js';
import type { PartReport } from './write-part.js';

export interface CommitIngestInput {
  readonly lakeUri: string;
  readonly runId: string;
  readonly source: IngestSource;
  readonly classes: readonly string[];
}

export interface IngestSummary extends IngestCounts {
  readonly runId: string;
  readonly labelConflicts: number;
}

// Final tables from the staged rows. Within a run the first occurrence of a hash (in plan order)
// is the image; later ones become duplicates (their Avro record stays in its batch, unreferenced).
const TABLE_SQL: Record<Exclude<IngestTable, 'batches'>, string> = {
  images: `SELECT image_id, sha256, source, label, class_index, batch_key, record_index, original_format,
      bytes AS original_bytes, original_width, original_height, width, height, mean, std, light_background,
      ingest_run, ingested_at
    FROM ranked WHERE rn = 1 ORDER BY chunk, part, item_index`,
  duplicates: `SELECT d.source, d.sha256, substr(d.sha256, 1, 32) AS duplicate_of, d.label, k.label AS existing_label,
      (d.label IS NOT NULL AND k.label IS NOT NULL AND d.label <> k.label) AS label_conflict, d.reason, d.ingest_run, d.ingested_at
    FROM (SELECT * FROM staged WHERE status = 'duplicate'
          UNION ALL SELECT * EXCLUDE (rn) REPLACE ('earlier in this run' AS reason) FROM ranked WHERE rn > 1) d
    LEFT JOIN known k USING (sha256) ORDER BY d.chunk, d.part, d.item_index`,
  quarantine: `SELECT source, reason, bytes, ingest_run, ingested_at FROM staged WHERE status = 'quarantined' ORDER BY chunk, part, item_index`,
};

/** Combines the staged parts into the run's tables and publishes the manifest: the commit. */
export function createCommitIngest(deps: ActivityDeps) {
  return (input: CommitIngestInput): Promise<IngestSummary> => {
    const lake = deps.lakes.open(input.lakeUri);
    // Under an intent gc sees; once committed, the staging goes (see guardedCommit).
    return heartbeatDuring(() =>
      guardedCommit(
        lake,
        { kind: 'ingest', id: input.runId },
        (guard) => commitIngest(input, guard),
        () => removeStaging(lake, input.runId),
      ),
    );
  };

  async function commitIngest(input: CommitIngestInput, guard: CommitGuard): Promise<IngestSummary> {
    const lake = deps.lakes.open(input.lakeUri);
    const manifestKey = ingestLayout.manifest(input.runId);
    if (await lake.head(manifestKey))
      return summaryOf(JSON.parse((await lake.get(manifestKey)).toString()) as IngestManifest);

    const staged = { rows: [] as string[], reports: [] as PartReport[] };
    for await (const o of lake.list(ingestLayout.stagingPrefix(input.runId))) {
      if (o.key.endsWith('.parquet')) staged.rows.push(await deps.mirror.localFile(lake, o.key));
      else if (o.key.endsWith('.json'))
        staged.reports.push(JSON.parse((await lake.get(o.key)).toString()) as PartReport);
    }
    const dir = await mkdtemp(join(tmpdir(), 'imagelake-commit-'));
    const connection = await (await deps.duckdb()).connect();
    try {
      await loadStaged(connection, input.runId, staged.rows);
      const counts = { ...(await countRows(connection)), batches: 0, bytes: 0 };
      await loadKnown(connection, deps, lake, input.runId, counts.duplicates > 0);
      const tables = {} as Record<IngestTable, string>;
      for (const table of INGEST_TABLES) {
        const path = join(dir, `${table}.parquet`);
        if (table === 'batches') {
          const batches = staged.reports
            .flatMap((r) => (r.batch ? [r.batch] : []))
            .sort((a, b) => a.key.localeCompare(b.key));
          counts.batches = batches.length;
          counts.bytes = batches.reduce((sum, b) => sum + b.bytes, 0);
          await writeParquet(connection, path, BATCH_COLUMNS, {
            key: batches.map((b) => b.key),
            records: batches.map((b) => b.records),
            bytes: batches.map((b) => BigInt(b.bytes)),
            sha256: batches.map((b) => b.sha256),
            ingest_run: batches.map(() => input.runId),
          });
        } else {
          // Row groups of 16k rows: written in parallel, and finer statistics for readers to skip by.
          await connection.run(
            `COPY (${TABLE_SQL[table]}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
          );
        }
        tables[table] = ingestLayout.table(table, input.runId);
        await lake.put(tables[table], await readFile(path));
      }
      const conflicts = counts.duplicates === 0 ? 0 : await labelConflicts(connection);
      const manifest: IngestManifest = {
        kind: 'ingest',
        runId: input.runId,
        committedAt: new Date().toISOString(),
        source: input.source,
        classes: input.classes,
        counts,
        labelConflicts: conflicts,
        tables,
      };
      await guard.beforePublish();
      // The commit point: a concurrent or retried commit that lost the race returns the winner's manifest.
      if (!(await lake.putIfAbsent(manifestKey, JSON.stringify(manifest, null, 2)))) {
        return summaryOf(JSON.parse((await lake.get(manifestKey)).toString()) as IngestManifest);
      }
      return summaryOf(manifest);
    } finally {
      connection.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const BATCH_COLUMNS = [
  { name: 'key', type: VARCHAR },
  { name: 'records', type: INTEGER },
  { name: 'bytes', type: BIGINT },
  { name: 'sha256', type: VARCHAR },
  { name: 'ingest_run', type: VARCHAR },
];

/**
 * The staged rows as views over the parts' Parquet files (each table reads only what it needs).
 * Ranking by hash (a window over every row) is needed only when a hash was ingested by two chunks.
 */
async function loadStaged(connection: DuckDBConnection, runId: string, files: string[]): Promise<void> {
  if (files.length === 0) throw new Error(`ingest: run ${runId} has no staged parts to commit`);
  // Parts staged before instants were TIMESTAMPTZ hold UTC clock time: casts between the two
  // (by the reader, when a run's parts were staged by both versions) must take UTC.
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(
    `CREATE TEMP VIEW staged AS SELECT * REPLACE (ingested_at::TIMESTAMPTZ AS ingested_at)
     FROM read_parquet([${files.map(quoteLiteral).join(', ')}])`,
  );
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
 * Labels of images already stored (committed runs and this run), to report conflicting
 * duplicates; without duplicates it is not needed (and not read: it spans the whole lake).
 */
async function loadKnown(
  connection: DuckDBConnection,
  deps: ActivityDeps,
  lake: Lake,
  runId: string,
  needed: boolean,
): Promise<void> {
  if (!needed) {
    await connection.run('CREATE TEMP TABLE known (sha256 VARCHAR, label VARCHAR)');
    return;
  }
  const committed = (await committedManifests(lake)).filter((m) => m.runId !== runId);
  const imageFiles = await Promise.all(committed.map((m) => deps.mirror.localFile(lake, m.tables.images)));
  const earlier = imageFiles.length
    ? `SELECT sha256, label FROM read_parquet([${imageFiles.map(quoteLiteral).join(', ')}]) UNION ALL `
    : '';
  await connection.run(`CREATE TEMP TABLE known AS ${earlier}SELECT sha256, label FROM ranked WHERE rn = 1`);
}

async function labelConflicts(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*) FROM (${TABLE_SQL.duplicates}) WHERE label_conflict`,
  );
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}

async function countRows(connection: DuckDBConnection): Promise<Omit<IngestCounts, 'batches' | 'bytes'>> {
  const reader = await connection.runAndReadAll(`SELECT count(*),
      count(*) FILTER (WHERE status = 'quarantined'),
      (SELECT count(*) FROM ranked WHERE rn = 1)
    FROM staged`);
  const [seen, quarantined, ingested] = (reader.getRowsJS()[0] ?? []).map(Number) as [number, number, number];
  return { seen, ingested, quarantined, duplicates: seen - ingested - quarantined };
}

function summaryOf(manifest: IngestManifest): IngestSummary {
  return { runId: manifest.runId, ...manifest.counts, labelConflicts: manifest.labelConflicts };
}
