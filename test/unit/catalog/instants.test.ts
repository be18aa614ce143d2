import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonelessTimestampColumns } from '../../../lib/catalog/parquet-footer.js';
import { formatResult } from '../../../lib/catalog/result-format.js';
import { quoteLiteral } from '../../../lib/catalog/sql-quote.js';
import { tableRelation } from '../../../lib/catalog/views.js';

const dir = mkdtempSync(join(tmpdir(), 'imagelake-instants-'));
const OLD_MS = Date.UTC(2020, 0, 1, 12);
const NEW_MS = Date.UTC(2024, 5, 1, 23, 30);
let instance: DuckDBInstance;
let connection: DuckDBConnection;
const files = { old: join(dir, 'old.parquet'), new: join(dir, 'new.parquet') };

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  // As the previous version wrote them (UTC clock time, no zone), and as this one does.
  for (const [path, at, fn] of [
    [files.old, OLD_MS, 'make_timestamp'],
    [files.new, NEW_MS, 'make_timestamptz'],
  ] as const)
    await connection.run(
      `COPY (SELECT 'r' AS source, 'x' AS reason, 1::BIGINT AS bytes, 'run' AS ingest_run,
        ${fn}(${at * 1000}::BIGINT) AS ingested_at) TO ${quoteLiteral(path)} (FORMAT parquet)`,
    );
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe.each(['America/New_York', 'Asia/Tokyo', 'UTC'])("with DuckDB's TimeZone %s", (zone) => {
  beforeAll(() => connection.run(`SET TimeZone = '${zone}'`));

  it('a table relation reads old zone-less files as UTC beside new ones, as TIMESTAMPTZ', async () => {
    const zoneless = { [files.old]: await zonelessTimestampColumns(files.old) };
    expect(zoneless[files.old]).toEqual(['ingested_at']);
    for (const order of [
      [files.old, files.new],
      [files.new, files.old],
    ]) {
      const reader = await connection.runAndReadAll(
        `SELECT epoch_ms(ingested_at), typeof(ingested_at) FROM (${tableRelation('quarantine', order, zoneless)}) ORDER BY 1`,
      );
      expect(reader.getRowsJS()).toEqual([
        [BigInt(OLD_MS), 'TIMESTAMP WITH TIME ZONE'],
        [BigInt(NEW_MS), 'TIMESTAMP WITH TIME ZONE'],
      ]);
    }
  });

  it('JSON prints instants in ISO 8601 with Z, zone-less timestamps without an offset, also nested', async () => {
    const reader = await connection.runAndReadAll(`SELECT
      make_timestamptz(${NEW_MS * 1000 + 7}::BIGINT) AS instant,
      make_timestamp(${NEW_MS * 1000}::BIGINT) AS clock,
      [make_timestamptz(${OLD_MS * 1000}::BIGINT)] AS list,
      {'at': make_timestamptz(${OLD_MS * 1000}::BIGINT), 'n': 1} AS struct,
      NULL::TIMESTAMPTZ AS missing,
      'infinity'::TIMESTAMPTZ AS forever`);
    expect(JSON.parse(formatResult(reader, 'json') as string)).toEqual([
      {
        instant: '2024-06-01T23:30:00.000007Z',
        clock: '2024-06-01T23:30:00.000',
        list: ['2020-01-01T12:00:00.000Z'],
        struct: { at: '2020-01-01T12:00:00.000Z', n: 1 },
        missing: null,
        forever: 'infinity',
      },
    ]);
  });
});
