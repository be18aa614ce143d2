import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUERY_LIMITS,
  queryLimitsFrom,
  type QueryLimits,
} from '../../../lib/catalog/query-limits.js';
import { openSandbox } from '../../../lib/catalog/sandbox.js';
import type { LakeSnapshot } from '../../../lib/catalog/snapshot.js';
import { SqlError } from '../../../lib/catalog/sql-error.js';
import { TABLE_NAMES } from '../../../lib/catalog/tables.js';
import { reliability } from '../../reliability/tally.js';

const empty: LakeSnapshot = {
  lakeUri: mkdtempSync(join(tmpdir(), 'imagelake-limits-')),
  manifests: [],
  files: Object.fromEntries(TABLE_NAMES.map((t) => [t, []])) as unknown as LakeSnapshot['files'],
  zoneless: {},
  id: 'empty',
};

/** The error of one query in a sandbox of these limits, and how long it took. */
async function overLimit(limits: QueryLimits, sql: string): Promise<{ error: unknown; ms: number }> {
  const sandbox = await openSandbox(empty, undefined, { limits });
  const started = Date.now();
  try {
    const error = await sandbox.query(sql).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, ms: Date.now() - started };
  } finally {
    sandbox.close();
  }
}

describe('query limits of the sandbox', () => {
  it('stops a statement that runs past the time limit, saying which limit and how to raise it', async () => {
    reliability('bad-input');
    const { error, ms } = await overLimit(
      { memory: '256MB', timeoutSeconds: 0.5 },
      'SELECT count(*) FROM range(1000000000000)',
    );
    expect(error).toBeInstanceOf(SqlError);
    expect((error as Error).message).toBe(
      'sql: the query ran longer than the limit of 0.5 s and was stopped; raise it with IMAGELAKE_SQL_TIMEOUT=<seconds>',
    );
    expect(ms).toBeLessThan(5000);
  });

  it.each([
    ["SELECT length(string_agg(repeat('x', 1000), '')) FROM range(100000000)"],
    // Sorting more than fits would spill to disk (.tmp of the working directory) without the limit.
    ['SELECT max(r) FROM (SELECT row_number() OVER (ORDER BY random()) AS r FROM range(10000000))'],
  ])('stops %s at the memory limit, nothing spilled to disk', async (sql) => {
    reliability('bad-input');
    const { error } = await overLimit({ memory: '64MB', timeoutSeconds: 60 }, sql);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      'sql: the query needs more memory than the limit of 64MB and was stopped; raise it with IMAGELAKE_SQL_MEMORY_LIMIT=<size, e.g. 4GB>',
    );
  });

  it('stops reading a result for the user past the memory limit, and reads one within it whole', async () => {
    reliability('bad-input', 2);
    const sandbox = await openSandbox(empty, undefined, { limits: { memory: '64MB', timeoutSeconds: 60 } });
    try {
      for (const sql of ['SELECT * FROM range(100000000)', "SELECT repeat('x', 10000) FROM range(100000)"]) {
        const error = await sandbox.read(sql).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, sql).toBeInstanceOf(SqlError);
        expect((error as Error).message).toBe(
          "sql: the query's result needs more memory than the limit of 64MB and was stopped; narrow it (LIMIT, fewer columns) or raise the limit with IMAGELAKE_SQL_MEMORY_LIMIT=<size, e.g. 4GB>",
        );
      }
      const whole = await sandbox.read("SELECT range, 'image-' || range AS id FROM range(100000)");
      expect(whole.currentRowCount).toBe(100_000);
      expect(whole.getRowsJS().at(-1)).toEqual([99_999n, 'image-99999']);
    } finally {
      sandbox.close();
    }
  });

  it('reads its limits from the environment, each with a default, and refuses values it cannot use', () => {
    reliability('bad-input', 4);
    expect(queryLimitsFrom({})).toEqual(DEFAULT_QUERY_LIMITS);
    expect(queryLimitsFrom({ IMAGELAKE_SQL_MEMORY_LIMIT: '512MB', IMAGELAKE_SQL_TIMEOUT: '2.5' })).toEqual({
      memory: '512MB',
      timeoutSeconds: 2.5,
    });
    expect(() => queryLimitsFrom({ IMAGELAKE_SQL_MEMORY_LIMIT: 'lots' })).toThrow(
      'config: IMAGELAKE_SQL_MEMORY_LIMIT must be a size such as 512MB or 2GB, got "lots"',
    );
    expect(() => queryLimitsFrom({ IMAGELAKE_SQL_MEMORY_LIMIT: "1GB'; SET x='1" })).toThrow(/must be a size/);
    expect(() => queryLimitsFrom({ IMAGELAKE_SQL_TIMEOUT: '0' })).toThrow(
      'config: IMAGELAKE_SQL_TIMEOUT must be a number of seconds > 0, got "0"',
    );
    expect(() => queryLimitsFrom({ IMAGELAKE_SQL_TIMEOUT: 'soon' })).toThrow(/IMAGELAKE_SQL_TIMEOUT/);
  });
});
