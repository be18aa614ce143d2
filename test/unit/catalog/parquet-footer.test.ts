import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { zonelessTimestampColumns } from '../../../lib/catalog/parquet-footer.js';
import { quoteLiteral } from '../../../lib/catalog/sql-quote.js';

const dir = mkdtempSync(join(tmpdir(), 'imagelake-footer-'));
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

async function written(name: string, select: string): Promise<string> {
  const path = join(dir, `${name}.parquet`);
  await connection.run(`COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet)`);
  return path;
}

it.each([
  ['an instant', 'make_timestamptz(1::BIGINT) AS t', []],
  ['a clock time', 'make_timestamp(1::BIGINT) AS t', ['t']],
  ['seconds and milliseconds', "TIMESTAMP_S '2020-01-01' AS s, TIMESTAMP_MS '2020-01-01' AS ms", ['s', 'ms']],
  ['nanoseconds', "TIMESTAMP_NS '2020-01-01' AS ns", ['ns']],
  ['a list of clock times', '[make_timestamp(1::BIGINT)] AS l', ['l']],
  ['a struct with one', "{'a': 1, 'at': make_timestamp(1::BIGINT)} AS s", ['s']],
  ['no timestamp', "1 AS a, 'x' AS b, [1.5]::FLOAT[] AS c", []],
])('finds the zone-less timestamp columns of a file with %s', async (name, columns, expected) => {
  const path = await written(
    name.replaceAll(' ', '-'),
    `SELECT 'id' AS id, ${columns}, 2 AS last FROM range(3)`,
  );
  expect(await zonelessTimestampColumns(path)).toEqual(expected);
});

it('reads a schema of many columns (a list longer than its header holds) and after nested ones', async () => {
  const many = Array.from({ length: 40 }, (_, i) => `${i} AS c${i}`).join(', ');
  const path = await written(
    'many',
    `SELECT ${many}, [{'x': [1, 2]}] AS nested, make_timestamp(1::BIGINT) AS ingested_at, make_timestamptz(1::BIGINT) AS scored_at`,
  );
  expect(await zonelessTimestampColumns(path)).toEqual(['ingested_at']);
});

it.each([
  ['not Parquet', () => Buffer.from('image_id,label\na,b\n'), /is not a Parquet file \(no PAR1 footer\)/],
  [
    'a footer length past the file',
    (good: Buffer) => {
      const bad = Buffer.from(good);
      bad.writeUInt32LE(good.length, good.length - 8);
      return bad;
    },
    /has a footer of \d+ bytes in \d+/,
  ],
  [
    'a cut footer',
    (good: Buffer) => {
      const length = good.readUInt32LE(good.length - 8);
      // The schema comes first in the footer: cut inside it.
      const footer = good.subarray(good.length - 8 - length, good.length - 8 - length + 12);
      const tail = Buffer.alloc(8);
      tail.writeUInt32LE(footer.length, 0);
      tail.write('PAR1', 4, 'latin1');
      return Buffer.concat([Buffer.from('PAR1'), footer, tail]);
    },
    /has a damaged footer: truncated footer/,
  ],
])('refuses %s with a message naming the file', async (name, damage, message) => {
  const good = readFileSync(await written('good', 'SELECT make_timestamp(1::BIGINT) AS t, 1 AS a'));
  const path = join(dir, `${name.replaceAll(' ', '-')}.parquet`);
  writeFileSync(path, damage(good));
  await expect(zonelessTimestampColumns(path)).rejects.toThrow(message);
  await expect(zonelessTimestampColumns(path)).rejects.toThrow(path);
});
