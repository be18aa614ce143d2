import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../../lib/catalog/sandbox.js';
import type { LakeSnapshot } from '../../../lib/catalog/snapshot.js';
import { TABLE_NAMES } from '../../../lib/catalog/tables.js';
import { VIEW_NAMES } from '../../../lib/catalog/views.js';
import { UserError } from '../../../lib/errors.js';
import { validateDatasetName } from '../../../lib/dataset/ref.js';
import { validateAlias } from '../../../lib/registry/aliases.js';
import { reliability } from '../../reliability/tally.js';

const dir = mkdtempSync(join(tmpdir(), 'imagelake-sandbox-'));
const secret = join(dir, 'secret.csv');
writeFileSync(secret, 'password\nhunter2\n');

const empty: LakeSnapshot = {
  lakeUri: dir,
  manifests: [],
  files: Object.fromEntries(TABLE_NAMES.map((t) => [t, []])) as unknown as LakeSnapshot['files'],
  zoneless: {},
  id: 'empty',
};

let sandbox: Sandbox;

const refusal = async (sql: string) => {
  const error = await sandbox.query(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, sql).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  return (error as Error).message;
};

describe.each([
  ['every view defined at open', {}],
  ['views defined as statements mention them (lazy)', { lazy: true }],
])('the sandboxed catalog connection, %s', (_, options) => {
  beforeAll(async () => {
    sandbox = await openSandbox(empty, undefined, options);
  });
  afterAll(() => sandbox.close());

  it('has every view, with columns, even on an empty lake', async () => {
    for (const view of VIEW_NAMES) {
      const reader = await sandbox.query(`SELECT * FROM ${view}`);
      expect(reader.currentRowCount, view).toBe(0);
      expect(reader.columnNames().length, view).toBeGreaterThan(0);
    }
  });

  it.each([
    'SELECT 1',
    'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
    'DESCRIBE images',
    'SHOW TABLES',
    'SUMMARIZE images',
    'EXPLAIN SELECT * FROM images',
    'FROM images',
    '/* a comment */ SELECT 2;',
  ])('allows the read %s', async (sql) => {
    await expect(sandbox.query(sql)).resolves.toBeDefined();
  });

  it.each([
    [`COPY (SELECT 1) TO '${join(dir, 'out.csv')}'`, /got COPY|Permission Error/],
    [`ATTACH '${join(dir, 'x.duckdb')}'`, /got ATTACH/],
    ['INSTALL httpfs', /only reads/],
    ['LOAD httpfs', /only reads/],
    ['SET threads = 1', /got SET/],
    ["PRAGMA enable_profiling = 'json'", /only reads/],
    ['CREATE TABLE t (a INTEGER)', /got CREATE/],
    ['CREATE VIEW images2 AS SELECT 1', /got CREATE/],
    ['DROP VIEW images', /got DROP/],
    ["INSERT INTO _manifests VALUES ('a', 'b', '{}')", /got INSERT/],
    ['DELETE FROM _manifests', /got DELETE/],
    ['SELECT 1; SELECT 2', /one statement expected, got 2/],
    ["SELECT 1; COPY (SELECT 1) TO '/tmp/x.csv'", /one statement expected/],
    [`EXPLAIN ANALYZE COPY (SELECT 1) TO '${join(dir, 'out.csv')}'`, /only reads/],
    ['/* x */ EXPLAIN /* y */ ANALYZE CREATE TABLE t AS SELECT 1', /only reads/],
    ['CALL pragma_version()', /got CALL/],
  ])('refuses %s', async (sql, message) => {
    reliability('bad-input');
    expect(await refusal(sql)).toMatch(message);
  });

  it.each([
    `SELECT * FROM read_csv('${secret}')`,
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('/proc/self/environ')",
  ])('cannot read outside the catalog: %s', async (sql) => {
    reliability('bad-input');
    expect(await refusal(sql)).toMatch(/Permission Error|disabled by configuration/);
  });

  it('cannot undo its own lock', async () => {
    expect(
      await refusal("SELECT * FROM read_csv('/etc/passwd') WHERE current_setting('enable_external_access')"),
    ).toMatch(/Permission/);
    await expect(sandbox.query("SELECT current_setting('enable_external_access') AS v")).resolves.toSatisfy(
      (r: { getRowsJS(): unknown[][] }) => r.getRowsJS()[0]?.[0] === false,
    );
  });

  it('binds user values as parameters: injection strings are just values', async () => {
    reliability('bad-input');
    const hostile = "x' OR 1=1; DROP VIEW images; --";
    const reader = await sandbox.query('SELECT count(*) AS n, $v AS v FROM images WHERE label = $v', {
      v: hostile,
    });
    expect(reader.getRowsJS()).toEqual([[0n, hostile]]);
    await expect(sandbox.query('SELECT * FROM images')).resolves.toBeDefined();
  });

  it('treats injection strings in identifiers as names that do not exist, and names in commands are validated', async () => {
    reliability('bad-input', 10);
    expect(await refusal('SELECT * FROM "images; DROP VIEW images; --"')).toMatch(/Catalog Error/);
    expect(await refusal('SELECT "label"" FROM images; DROP VIEW images; --" FROM images')).toMatch(
      /Binder Error/,
    );
    await expect(sandbox.query('SELECT count(*) FROM images')).resolves.toBeDefined();
    for (const name of ['x"; DROP VIEW images; --', "fm' OR '1'='1", '../fm', 'fm/../../etc', 'a b'])
      expect(() => validateDatasetName(name), name).toThrow(/dataset: invalid name/);
    for (const name of ["prod'; --", '../production', 'Production'])
      expect(() => validateAlias(name), name).toThrow(/models: invalid alias/);
  });

  it("gives DuckDB's own message for a bad query", async () => {
    expect(await refusal('SELECT nope FROM images')).toMatch(/Binder Error.*nope/s);
    expect(await refusal('SELEC 1')).toMatch(/Parser Error/);
  });
});

describe('a lazy sandbox', () => {
  const userViews = async (lazy: Sandbox) =>
    (await lazy.query('SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name'))
      .getRowsJS()
      .map(([name]) => name);

  it('defines a view and what it reads when a statement first mentions it, and only then', async () => {
    const lazy = await openSandbox(empty, undefined, { lazy: true });
    try {
      expect(await userViews(lazy)).toEqual([]);
      await lazy.query('SELECT count(*) FROM images');
      expect(await userViews(lazy)).toEqual(['_t_images', 'images']);
      // review_queue reads predictions, which reads its table relation.
      await lazy.query('SELECT * FROM review_queue');
      expect(await userViews(lazy)).toEqual(
        expect.arrayContaining(['_t_images', '_t_predictions', 'images', 'predictions', 'review_queue']),
      );
      expect((await userViews(lazy)).length).toBeLessThan(VIEW_NAMES.length);
    } finally {
      lazy.close();
    }
  });

  it('defines the rest when a statement names a view in a way the text does not show', async () => {
    const lazy = await openSandbox(empty, undefined, { lazy: true });
    try {
      const reader = await lazy.query("SELECT count(*) FROM query_table('mo' || 'dels')");
      expect(reader.getRowsJS()).toEqual([[0n]]);
      expect((await userViews(lazy)).length).toBe(VIEW_NAMES.length + TABLE_NAMES.length);
      // A name that exists nowhere still fails, with DuckDB's message.
      await expect(lazy.query('SELECT * FROM nope')).rejects.toThrow(/Catalog Error.*nope/s);
    } finally {
      lazy.close();
    }
  });
});
