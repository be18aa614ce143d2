import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSandbox, type Sandbox } from '../../../lib/catalog/sandbox.js';
import type { LakeSnapshot } from '../../../lib/catalog/snapshot.js';
import { SqlError } from '../../../lib/catalog/sql-error.js';
import { spliceExpression } from '../../../lib/catalog/sql-fragment.js';
import { TABLE_NAMES } from '../../../lib/catalog/tables.js';
import { reliability } from '../../reliability/tally.js';

const empty: LakeSnapshot = {
  lakeUri: mkdtempSync(join(tmpdir(), 'imagelake-fragment-')),
  manifests: [],
  files: Object.fromEntries(TABLE_NAMES.map((t) => [t, []])) as unknown as LakeSnapshot['files'],
  zoneless: {},
  id: 'empty',
};

/** The shape of the score plan's statement: the filter inside a subquery that is joined. */
const plan = (filter: string) =>
  `SELECT s.batch_key, list(s.record_index) FROM (SELECT * FROM images WHERE ${filter}) s
   JOIN batches b ON b.key = s.batch_key GROUP BY s.batch_key`;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await openSandbox(empty, undefined, { lazy: true });
});
afterAll(() => sandbox.close());

const failure = (expression: string) =>
  spliceExpression(sandbox, plan, expression, 'score: the filter').then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('a filter spliced into a statement', () => {
  it.each([
    "label = 'Bag'",
    'width = 28 AND label IS NULL',
    "lower(label) LIKE '%bag%' OR label IS NULL",
    "image_id IN (SELECT image_id FROM labels WHERE label = 'Bag')",
    'EXISTS (SELECT 1 FROM predictions p WHERE p.image_id = images.image_id)',
    "label = 'Bag' -- a trailing comment",
    // Parentheses of its own that close ours and open new ones: still one expression.
    '1 = 1) AND (2 = 2',
  ])('takes the expression %s, and the statement runs', async (expression) => {
    const sql = await spliceExpression(sandbox, plan, expression, 'score: the filter');
    expect(sql).toContain(expression);
    await expect(sandbox.query(sql)).resolves.toBeDefined();
  });

  it.each([
    // The attack of issue 24: every image a second time.
    "1=1) UNION ALL BY NAME SELECT * FROM images WHERE (label = 'Bag'",
    "1=1) UNION ALL BY NAME SELECT * REPLACE (record_index + 100000 AS record_index) FROM images WHERE (label = 'Bag'",
    // Out of the subquery: a second copy of images joined in.
    'true)) s0 CROSS JOIN (SELECT * FROM images WHERE (true',
    'true) ORDER BY (1',
    'true) LIMIT (1',
    'true) GROUP BY ALL HAVING (true',
    'true) QUALIFY (true',
    'true) EXCEPT (SELECT * FROM images',
    'true); SELECT (1',
    "true); COPY (SELECT 1) TO '/tmp/x.csv'; SELECT (1",
  ])('refuses %s: not one expression', async (expression) => {
    reliability('bad-input');
    const error = await failure(expression);
    expect(error).toBeInstanceOf(SqlError);
    expect(error?.message).toMatch(/^score: the filter ".*" is not one expression|syntax error/s);
  });

  it('refuses a parameter, which would read our values', async () => {
    reliability('bad-input');
    expect((await failure('$model IS NOT NULL'))?.message).toMatch(/holds a parameter/);
  });

  it.each([
    ['label =', /^score: the filter "label =": syntax error at its end$/],
    ['label = = 1', /^score: the filter "label = = 1": syntax error at or near "=" \(character 9\)$/],
    [
      "label = '👜' AND = 1",
      /^score: the filter "label = '👜' AND = 1": syntax error at or near "=" \(character 17\)$/,
    ],
    ['f(label) =', /^score: the filter "f\(label\) =": syntax error at its end$/],
    ["label = 'Bag", /^score: the filter "label = 'Bag": unterminated quoted string/],
    ['nope = 1', /^score: the filter "nope = 1": Binder Error: Referenced column "nope" not found/],
    ['', /^score: the filter is empty$/],
  ])("says what is wrong with %j in the user's own terms", async (expression, message) => {
    reliability('bad-input');
    const error = await failure(expression);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).exitCode).toBe(2);
    expect(error?.message).toMatch(message);
    // Never our statement around it.
    expect(error?.message).not.toMatch(/LINE \d|batch_key|\n/);
  });
});
