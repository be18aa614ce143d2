import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { runCli, spawnCli } from './run-cli.js';

const lake = mkdtempSync(join(tmpdir(), 'imagelake-cli-limits-'));
/** Small limits, so each query stops within seconds. */
const limits = { IMAGELAKE_SQL_TIMEOUT: '1', IMAGELAKE_SQL_MEMORY_LIMIT: '64MB' };
/** Without the limits these run for minutes (or until killed) and pass 3 GB: the CLI is given a minute. */
const FOREVER = 'SELECT count(*) FROM range(1000000000000)';
const HUNGRY = "SELECT length(string_agg(repeat('x', 1000), '')) FROM range(100000000)";
const RESULT_TOO_BIG =
  "imagelake: sql: the query's result needs more memory than the limit of 64MB and was stopped; narrow it (LIMIT, fewer columns) or raise the limit with IMAGELAKE_SQL_MEMORY_LIMIT=<size, e.g. 4GB>\n";
const TIMED_OUT =
  'imagelake: sql: the query ran longer than the limit of 1 s and was stopped; raise it with IMAGELAKE_SQL_TIMEOUT=<seconds>\n';
const OUT_OF_MEMORY =
  'imagelake: sql: the query needs more memory than the limit of 64MB and was stopped; raise it with IMAGELAKE_SQL_MEMORY_LIMIT=<size, e.g. 4GB>\n';

describe('query limits', () => {
  it.each([
    [FOREVER, TIMED_OUT],
    [HUNGRY, OUT_OF_MEMORY],
    // DuckDB's limit bounds its own work, not the result read into the command.
    ['SELECT * FROM range(100000000)', RESULT_TOO_BIG],
  ])('imagelake sql stops %s with exit 2 and the limit it hit', async (query, message) => {
    reliability('bad-input');
    const { code, stdout, stderr } = await runCli(['sql', '--lake', lake, query], limits, 60_000);
    expect(stderr).toBe(message);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('a worker stops a dataset query over a limit at its first attempt (not retried), and the command exits 2 as sql does', async () => {
    reliability('bad-input', 3);
    const taskQueue = `limits-${randomBytes(4).toString('hex')}`;
    const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
    // The limits are the worker's: the command that starts the workflow has the defaults.
    const worker = spawnCli(['worker'], { ...env, ...limits });
    let workerOutput = '';
    worker.stdout?.on('data', (d: Buffer) => (workerOutput += d.toString()));
    const connection = await Connection.connect({ address: testStack().temporalAddress });
    try {
      await expect
        .poll(() => workerOutput, { timeout: 60_000, interval: 200 })
        .toContain(`polling task queue "${taskQueue}"`);
      const create = (name: string, query: string) =>
        runCli(['dataset', 'create', name, '--query', query, '--lake', lake], env, 60_000);

      const forever = await create(
        'forever',
        `SELECT image_id FROM images UNION ALL SELECT 'x' FROM range(1000000000000)`,
      );
      expect(forever.stderr).toBe(TIMED_OUT);
      expect(forever.code).toBe(2);
      const hungry = await create('hungry', `SELECT (${HUNGRY})::VARCHAR AS image_id`);
      expect(hungry.stderr).toBe(OUT_OF_MEMORY);
      expect(hungry.code).toBe(2);
      // A query that is wrong: exit 2 as well, with the user's own text and nothing of ours.
      const wrong = await create('wrong', 'SELECT image_id FROM images WHERE nope = 1');
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(
        /^imagelake: dataset: the query: Binder Error: Referenced column "nope" not found/,
      );
      expect(wrong.stderr).toContain('LINE 1: SELECT image_id FROM images WHERE nope = 1');

      // Each failed at its first attempt: a query too expensive is not retried.
      const client = new Client({ connection });
      const attempts: number[] = [];
      for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
        for (const e of history.events ?? [])
          if (e.activityTaskStartedEventAttributes)
            attempts.push(e.activityTaskStartedEventAttributes.attempt ?? 1);
        expect(w.status.name).toBe('FAILED');
      }
      expect(attempts).toEqual([1, 1, 1]);
    } finally {
      worker.kill('SIGTERM');
      await connection.close();
    }
  }, 120_000); // a worker's start and three commands, one after another
});
