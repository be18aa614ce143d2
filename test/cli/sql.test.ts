import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VIEW_NAMES } from '../../lib/catalog/views.js';
import { runCli } from './run-cli.js';

const lake = mkdtempSync(join(tmpdir(), 'imagelake-cli-sql-'));
const sql = (...args: string[]) => runCli(['sql', '--lake', lake, ...args]);

describe('imagelake sql', () => {
  it('answers a read in each text format', async () => {
    const json = await sql('SELECT count(*) AS n, 1.5 AS x FROM images', '--format', 'json');
    expect(json).toMatchObject({ code: 0 });
    expect(JSON.parse(json.stdout)).toEqual([{ n: 0, x: 1.5 }]);
    expect((await sql("SELECT 'a,b' AS s", '--format', 'csv')).stdout).toBe('s\n"a,b"\n');
    expect((await sql('SELECT 42 AS answer')).stdout).toMatch(/answer\n-+\n42\n\(1 row\)/);
  });

  it('lists every view with its columns', async () => {
    const { code, stdout } = await sql('--schema');
    expect(code).toBe(0);
    for (const view of VIEW_NAMES) expect(stdout).toContain(`${view}: `);
    expect(stdout).toMatch(/images: .*\n  image_id VARCHAR/);
  });

  it.each([
    ["SELECT * FROM read_csv('/etc/passwd')", /Permission Error/],
    ['DROP VIEW images', /only reads/],
    ['SELECT 1; SELECT 2', /one statement expected/],
    ['SELECT nope', /Binder Error/],
  ])("exits 2 with DuckDB's message for %s", async (query, message) => {
    const { code, stderr, stdout } = await sql(query);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // one clear message, no stack trace
    expect(stdout).toBe('');
  });
});
