import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { closedStatus, embeddedEnv, watchProcess, withActivityRunning } from './embedded.js';
import { runCli, spawnCli } from './run-cli.js';

// A query that runs for hours unless stopped: its activity is busy in DuckDB, with no progress of its own.
const ENDLESS_QUERY = "SELECT 'x' AS image_id FROM range(1000000000000) WHERE random() < 0";

describe('a command stopped by a signal', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: testStack().temporalAddress }) });
  });
  afterAll(async () => {
    await client.connection.close();
  });

  const startEndlessDataset = (env: NodeJS.ProcessEnv) => {
    const name = `endless_${randomBytes(3).toString('hex')}`;
    const lake = mkdtempSync(join(tmpdir(), 'imagelake-interrupt-lake-'));
    const cli = spawnCli(['dataset', 'create', name, '--query', ENDLESS_QUERY, '--lake', lake], env);
    return { cli, idPrefix: `dataset-${name}-`, ...watchProcess(cli) };
  };

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'with its own worker: %s cancels its busy workflow and exits %i at once, with one line',
    async (signal, code) => {
      reliability('fault');
      const command = startEndlessDataset(embeddedEnv());
      const { cli, output, exited } = command;
      try {
        const handle = await withActivityRunning(client, command, 'DatasetCreateWorkflow');
        const sent = Date.now();
        cli.kill(signal);
        const exit = await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000, 'still running'))]);
        expect(exit).toBe(code);
        expect(Date.now() - sent).toBeLessThan(15_000);
        expect(await closedStatus(handle)).toBe('CANCELLED');
        // The SDK's "Promise did not resolve within 0ms after Worker completed shutdown" and its
        // log lines are gone: a notice while it cancels, then the command's one line.
        expect(output.stderr.trim().split('\n')).toEqual([
          `cancelling ${handle.workflowId} (interrupt again to stop at once)`,
          `imagelake: interrupted by ${signal}: ${handle.workflowId} cancelled; committed work stays, nothing is half-committed`,
        ]);
      } finally {
        cli.kill('SIGKILL');
      }
    },
    120_000,
  );

  it("with its own worker, never takes another command's leftover workflow", async () => {
    reliability('fault');
    const env = embeddedEnv();
    // Left on the shared queue (a command killed before this change, a schedule's run for `imagelake worker`).
    const leftover = await client.workflow.start('SmokeWorkflow', {
      taskQueue: env.IMAGELAKE_TASK_QUEUE,
      workflowId: `leftover-${env.IMAGELAKE_TASK_QUEUE}`,
      args: [{ lakeUri: mkdtempSync(join(tmpdir(), 'imagelake-leftover-lake-')) }],
    });
    try {
      const check = await runCli(['stack', 'check', '--lake', mkdtempSync(join(tmpdir(), 'il-'))], env);
      expect(check.stderr).toBe('');
      expect(check.stdout).toMatch(/verified: true/);
      const description = await leftover.describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.historyLength).toBe(2); // started, first workflow task scheduled: nobody took it
    } finally {
      await leftover.terminate('test done');
    }
  });

  it("on workers elsewhere: Ctrl-C cancels the workflow and the worker's busy activity stops", async () => {
    reliability('fault');
    const taskQueue = `interrupt-${randomBytes(4).toString('hex')}`;
    const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
    const worker = spawnCli(['worker', '--max-activities', '1'], env);
    const command = startEndlessDataset(env);
    const { cli, output, exited } = command;
    try {
      const handle = await withActivityRunning(client, command, 'DatasetCreateWorkflow');
      cli.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(await closedStatus(handle)).toBe('CANCELLED');
      expect(output.stderr).toContain(`imagelake: interrupted by SIGINT: ${handle.workflowId} cancelled`);
      // The worker's only activity slot is free again: its query was interrupted, not left running.
      const check = await runCli(
        ['stack', 'check', '--lake', mkdtempSync(join(tmpdir(), 'il-'))],
        env,
        30_000,
      );
      expect(check.stdout).toMatch(/verified: true/);
    } finally {
      cli.kill('SIGKILL');
      worker.kill('SIGKILL');
    }
  }, 150_000);
});
