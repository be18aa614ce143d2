import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataMirror } from '../../lib/catalog/mirror.js';
import { loadSnapshot, type LakeSnapshot } from '../../lib/catalog/snapshot.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { TABLE_NAMES } from '../../lib/catalog/tables.js';
import { catalogScript } from '../../lib/catalog/views.js';
import { openLake } from '../../lib/lake/open-lake.js';
import {
  BatchScoreWorkflow,
  EvaluateWorkflow,
  LabelImportWorkflow,
  TrainWorkflow,
} from '../../workflows/index.js';
import { runCli, spawnCli } from '../cli/run-cli.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { createDataset, ingestFashion, queryRows } from './helpers.js';

/** Zones either side of UTC: a UTC clock time read as local time is hours off in both. */
const ZONES = ['America/New_York', 'Asia/Tokyo'] as const;
const OLD_RUN = 'old-run';
/** When the old run's images were ingested. */
const OLD_INGEST_MS = Date.UTC(2020, 0, 1);
const HOUR_MS = 3_600_000;

let lake: string;
let modelId: string;
/** Predictions scored by this test (the latest per image), and rows of the old score run. */
let fresh: number;
let old: number;
const written: string[] = []; // the metadata files this version wrote
const workers = new Map<string, { process: ChildProcess; taskQueue: string; output: string[] }>();

/**
 * A lake written by the real workflows (ingest, label import, train, evaluate, score), plus runs
 * as imagelake wrote them before its instants had a zone: an ingest of 2020 and a score run of
 * three hours ago, their instants TIMESTAMP columns holding UTC clock time.
 */
beforeAll(async () => {
  for (const zone of ZONES) startWorker(zone);
  await withTestWorker(async ({ client, taskQueue, lakeUri }) => {
    lake = lakeUri;
    await ingestFashion(client, taskQueue, lakeUri, 400, 'tz');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    const [[firstImage]] = (await rows('SELECT image_id FROM images ORDER BY image_id LIMIT 1')) as [
      [string],
    ];
    mkdirSync(join(lakeUri, 'incoming'));
    writeFileSync(join(lakeUri, 'incoming', 'fix.csv'), `image_id,label\n${firstImage},Coat\n`);
    await client.workflow.execute(LabelImportWorkflow, {
      taskQueue,
      workflowId: `tz-labels-${taskQueue}`,
      args: [
        {
          lakeUri,
          fileKey: 'incoming/fix.csv',
          fileName: 'fix.csv',
          importId: 'cd'.repeat(8),
          importedAtMs: Date.now(),
        },
      ],
    });
    const model = await client.workflow.execute(TrainWorkflow, {
      taskQueue,
      workflowId: `tz-train-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1 } }],
    });
    modelId = model.modelId;
    await client.workflow.execute(EvaluateWorkflow, {
      taskQueue,
      workflowId: `tz-eval-${taskQueue}`,
      args: [{ lakeUri, model: modelId, dataset: 'fm', split: 'val' }],
    });
    await client.workflow.execute(BatchScoreWorkflow, {
      taskQueue,
      workflowId: `tz-score-${taskQueue}`,
      args: [{ lakeUri, model: modelId, where: null }],
    });
  });
  const current = await snapshot();
  written.push(...TABLE_NAMES.flatMap((t) => current.files[t]));
  fresh = Number((await rows('SELECT count(*) FROM predictions'))[0]![0]);
  old = await writeOldRuns(current);
}, 300_000);

afterAll(async () => {
  await Promise.all(
    [...workers.values()].map(
      ({ process }) =>
        new Promise((exited) => {
          if (process.exitCode !== null || process.signalCode !== null) return exited(undefined);
          process.once('exit', exited);
          process.kill('SIGTERM');
        }),
    ),
  );
});

/** An `imagelake worker` in the zone, on a task queue of its own (for drift in that zone). */
function startWorker(zone: string) {
  const taskQueue = `tz-${randomBytes(4).toString('hex')}`;
  const env = { TZ: zone, TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
  const process = spawnCli(['worker'], env);
  const output: string[] = [];
  process.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  process.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  workers.set(zone, { process, taskQueue, output });
}

const snapshot = (): Promise<LakeSnapshot> =>
  loadSnapshot(openLake(lake), new MetadataMirror(join(lake, '..', 'mirror')));

async function rows(sql: string): Promise<unknown[][]> {
  return queryRows(await snapshot(), sql);
}

/** Runs statements with a fresh DuckDB (the test's own, to write files as the old version did). */
async function duck<T>(fn: (run: (sql: string) => Promise<unknown[][]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await fn(async (sql) => (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const firstJson = (dir: string): { key: string; body: Record<string, unknown> } => {
  const name = readdirSync(join(lake, dir)).filter((f) => f.endsWith('.json'))[0]!;
  return { key: `${dir}/${name}`, body: JSON.parse(readFileSync(join(lake, dir, name), 'utf8')) };
};

/**
 * The old runs: an ingest of five images (and one quarantined file) of 2020 and a score run of
 * one partition three hours ago, copied from this test's runs with zone-less instants
 * (`make_timestamp`, as the previous version wrote them); returns the old predictions' count.
 */
async function writeOldRuns(current: LakeSnapshot): Promise<number> {
  const ingest = firstJson('manifests/ingest');
  const scoreRun = readdirSync(join(lake, 'manifests/score_partitions'))[0]!;
  const partition = firstJson(`manifests/score_partitions/${scoreRun}`);
  const oldIngestUs = BigInt(OLD_INGEST_MS) * 1000n;
  const oldScoreUs = BigInt(Date.now() - 3 * HOUR_MS) * 1000n;
  const file = (key: string) => quoteLiteral(join(lake, key));
  const predictions = (partition.body.tables as { predictions: string }).predictions;
  const count = await duck(async (run) => {
    await run(`COPY (SELECT * REPLACE ('old' || image_id AS image_id, 'old' || sha256 AS sha256,
        '${OLD_RUN}' AS ingest_run, make_timestamp(${oldIngestUs}::BIGINT) AS ingested_at)
      FROM read_parquet(${quoteLiteral(current.files.images[0]!)}) ORDER BY image_id LIMIT 5)
      TO ${file(`meta/images/${OLD_RUN}.parquet`)} (FORMAT parquet)`);
    await run(`COPY (SELECT 'old.png' AS source, 'unreadable' AS reason, 3::BIGINT AS bytes,
        '${OLD_RUN}' AS ingest_run, make_timestamp(${oldIngestUs}::BIGINT) AS ingested_at)
      TO ${file(`meta/quarantine/${OLD_RUN}.parquet`)} (FORMAT parquet)`);
    await run(`COPY (SELECT * REPLACE ('${OLD_RUN}' AS score_run, make_timestamp(${oldScoreUs}::BIGINT) AS scored_at)
      FROM read_parquet(${file(predictions)}))
      TO ${file(`meta/predictions/${OLD_RUN}.parquet`)} (FORMAT parquet)`);
    return Number((await run(`SELECT count(*) FROM read_parquet(${file(predictions)})`))[0]![0]);
  });
  const oldIngest = {
    ...ingest.body,
    runId: OLD_RUN,
    committedAt: new Date(OLD_INGEST_MS + 1000).toISOString(),
    tables: { images: `meta/images/${OLD_RUN}.parquet`, quarantine: `meta/quarantine/${OLD_RUN}.parquet` },
  };
  writeFileSync(join(lake, `manifests/ingest/${OLD_RUN}.json`), JSON.stringify(oldIngest));
  mkdirSync(join(lake, `manifests/score_partitions/${OLD_RUN}`));
  writeFileSync(
    join(lake, `manifests/score_partitions/${OLD_RUN}/p000000.json`),
    JSON.stringify({
      ...partition.body,
      runId: OLD_RUN,
      tables: { predictions: `meta/predictions/${OLD_RUN}.parquet` },
    }),
  );
  return count;
}

/**
 * Questions whose answers must not depend on the zone: ingested before committed (also the old
 * run, read as UTC), before evaluated, scored within the hour, the old run's instant.
 */
const QUESTIONS = `SELECT
  (SELECT bool_and(i.ingested_at <= r.committed_at) FROM images i JOIN ingest_runs r ON i.ingest_run = r.run_id) AS ingested_before_committed,
  (SELECT max(ingested_at) FROM images) < (SELECT min(created_at) FROM evaluations) AS ingested_before_evaluated,
  (SELECT count(*) FILTER (WHERE scored_at >= now()::TIMESTAMP - INTERVAL 1 HOUR) FROM predictions) AS scored_last_hour,
  (SELECT count(*) FROM _t_predictions WHERE scored_at < now() - INTERVAL 2 HOUR) AS scored_hours_ago,
  (SELECT min(ingested_at) FROM images) AS first_ingested,
  (SELECT min(ingested_at) FROM quarantine) AS first_quarantined,
  (SELECT bool_and(assigned_at > TIMESTAMPTZ '2021-01-01 00:00:00+00') FROM label_assignments WHERE source_kind = 'human') AS labeled_lately,
  now() AS now,
  now()::TIMESTAMP AS local_clock`;

const expectedAnswers = () => ({
  ingested_before_committed: true,
  ingested_before_evaluated: true,
  scored_last_hour: fresh,
  scored_hours_ago: old,
  first_ingested: new Date(OLD_INGEST_MS).toISOString(),
  first_quarantined: new Date(OLD_INGEST_MS).toISOString(),
  labeled_lately: true,
});

/** The offset of a zone at a moment, in ms (Tokyo +9 h, New York -5 or -4 h). */
function offsetMs(zone: string, at: Date): number {
  const local = new Date(at.toLocaleString('en-US', { timeZone: zone, hour12: false }));
  const utc = new Date(at.toLocaleString('en-US', { timeZone: 'UTC', hour12: false }));
  return local.getTime() - utc.getTime();
}

describe('instants under time zones other than UTC', () => {
  it('every metadata file this version writes holds its instants with their zone (isAdjustedToUTC=true)', async () => {
    const timestamps = await duck((run) =>
      run(`SELECT file_name, name, logical_type FROM parquet_schema([${written.map(quoteLiteral).join(', ')}])
        WHERE logical_type LIKE 'TimestampType%'`),
    );
    const columns = new Set(
      timestamps.map((r) => `${String(r[0]).split('/meta/')[1]!.split('/')[0]}.${r[1]}`),
    );
    expect([...columns].sort()).toEqual([
      'duplicates.ingested_at',
      'human_labels.imported_at',
      'images.ingested_at',
      'predictions.scored_at',
      'quarantine.ingested_at',
    ]);
    for (const [file, name, type] of timestamps) expect(type, `${file} ${name}`).toMatch(/isAdjustedToUTC=1/);
  });

  it.each(ZONES)(
    'sql --format json gives the same answers under TZ=%s, instants in ISO 8601 with Z',
    async (zone) => {
      const before = Date.now();
      const result = await runCli(['sql', '--lake', lake, '--format', 'json', QUESTIONS], { TZ: zone });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const [answer] = JSON.parse(result.stdout) as [Record<string, unknown>];
      const { now, local_clock: localClock, ...rest } = answer;
      expect(rest).toEqual(expectedAnswers());
      // now() is an instant (Z); the local clock is a zone-less TIMESTAMP, printed without an offset.
      expect(now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,6}Z$/);
      expect(Date.parse(now as string)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(now as string)).toBeLessThanOrEqual(Date.now() + 1000);
      expect(localClock).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,6}$/);
      const shown = Date.parse(`${localClock as string}Z`) - Date.parse(now as string);
      expect(Math.abs(shown - offsetMs(zone, new Date(now as string)))).toBeLessThan(1000);
    },
  );

  it.each(ZONES)(
    "stock DuckDB running the views script gives the same answers with TimeZone '%s'",
    async (zone) => {
      const script = `SET TimeZone = '${zone}';\n${catalogScript(await snapshot()).join(';\n')};`;
      const py = `import duckdb, json, sys
c = duckdb.connect()
c.execute(sys.stdin.read())
row = c.execute(sys.argv[1]).fetchone()
print(json.dumps([row[0], row[1], row[2], row[3], row[4].timestamp() * 1000, row[5].timestamp() * 1000, row[6]]))`;
      const out = execFileSync('python3', ['-c', py, QUESTIONS], { input: script, encoding: 'utf8' });
      const e = expectedAnswers();
      expect(JSON.parse(out)).toEqual([
        e.ingested_before_committed,
        e.ingested_before_evaluated,
        e.scored_last_hour,
        e.scored_hours_ago,
        OLD_INGEST_MS,
        OLD_INGEST_MS,
        e.labeled_lately,
      ]);
    },
  );

  it.each(ZONES)(
    'drift --window 1 under TZ=%s counts the predictions of the last hour only',
    async (zone) => {
      const worker = workers.get(zone)!;
      await expect
        .poll(() => worker.output.join(''), { timeout: 60_000, interval: 200 })
        .toContain('polling task queue');
      const env = {
        TZ: zone,
        TEMPORAL_ADDRESS: testStack().temporalAddress,
        IMAGELAKE_TASK_QUEUE: worker.taskQueue,
      };
      const result = await runCli(
        ['drift', '--model', modelId, '--window', '1', '--lake', lake, '--json'],
        env,
      );
      expect(result.stderr.split('\n').filter((l) => /imagelake|Error/.test(l))).toEqual([]);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { classes: { n: number }; checkedAt: string };
      expect(report.classes.n).toBe(fresh);
    },
  );
});
