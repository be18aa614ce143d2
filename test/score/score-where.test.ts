import { ActivityFailure, WorkflowFailedError } from '@temporalio/client';
import { RetryState } from '@temporalio/common';
import { expect, it } from 'vitest';
import { readJson } from '../../lib/lake/json-object.js';
import { scoreLayout } from '../../lib/score/layout.js';
import { BatchScoreWorkflow, TrainWorkflow } from '../../workflows/index.js';
import { catalogRows, createDataset, ingestFashion } from '../catalog/helpers.js';
import { runCli } from '../cli/run-cli.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { innermost, withTestWorker } from '../setup/temporal.js';

/** The attack of issue 24: the filter closes its parentheses and adds every image again. */
const TWICE = "1=1) UNION ALL BY NAME SELECT * FROM images WHERE (label = 'Bag'";
const SHIFTED =
  "1=1) UNION ALL BY NAME SELECT * REPLACE (record_index + 100000 AS record_index) FROM images WHERE (label = 'Bag'";

it("a --where filter is one expression over images: an attack that leaves its parentheses is refused at once and writes nothing; a bad one is named in the user's own text, exit 2", async () => {
  reliability('bad-input', 5);
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 120, 'where');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    const { modelId } = await client.workflow.execute(TrainWorkflow, {
      taskQueue,
      workflowId: `m-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1 } }],
    });
    const score = (where: string, runId: string) =>
      client.workflow.execute(BatchScoreWorkflow, {
        taskQueue,
        workflowId: runId,
        args: [{ lakeUri, model: modelId, where, partitionSize: 100, parallel: 1 }],
      });

    for (const [where, runId] of [
      [TWICE, `twice-${taskQueue}`],
      [SHIFTED, `shifted-${taskQueue}`],
    ] as const) {
      const error = await score(where, runId).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, where).toBeInstanceOf(WorkflowFailedError);
      expect(innermost(error)).toBe(
        `score: the filter "${where}" is not one expression: it reaches past its parentheses (a set operation, a clause or another statement)`,
      );
      // Not retried, and no plan, no run record, no prediction.
      const activity = (error as WorkflowFailedError).cause;
      expect(activity).toBeInstanceOf(ActivityFailure);
      expect((activity as ActivityFailure).retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
      expect(await readJson(deps.lakes.open(lakeUri), scoreLayout.run(runId))).toBeUndefined();
    }
    expect(await catalogRows(deps, lakeUri, 'SELECT count(*) FROM predictions')).toEqual([[0n]]);
    // One that binds but fails on the rows: still said of the user's text, not of our statement.
    const cast = await score("width = 'wide'", `cast-${taskQueue}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(innermost(cast)).toMatch(
      /^score: the filter "width = 'wide'": Conversion Error: Could not convert string 'wide' to INT32$/,
    );
    expect(innermost(cast)).not.toMatch(/LINE|batch_key|\n/);

    // A filter that is one expression selects what it says, subqueries included.
    const [[bags]] = (await catalogRows(
      deps,
      lakeUri,
      "SELECT count(*) FROM images WHERE label = 'Bag'",
    )) as [[bigint]];
    const scored = await score(
      "label = 'Bag' OR image_id IN (SELECT image_id FROM labels WHERE label = 'Bag')",
      `bags-${taskQueue}`,
    );
    expect(scored).toMatchObject({ selected: Number(bags), failed: 0 });
    expect(
      await catalogRows(deps, lakeUri, 'SELECT count(*), count(DISTINCT image_id) FROM predictions'),
    ).toEqual([[bags, bags]]);

    // Through the command, on this worker: exit 2, as `sql` does, and only the user's text.
    const env = { TEMPORAL_ADDRESS: testStack().temporalAddress, IMAGELAKE_TASK_QUEUE: taskQueue };
    const cli = await runCli(['score', '--model', modelId, '--where', 'label =', '--lake', lakeUri], env);
    expect(cli.stderr).toBe('imagelake: score: the filter "label =": syntax error at its end\n');
    expect(cli.code).toBe(2);
    const unknown = await runCli(
      ['score', '--model', modelId, '--where', 'nope = 1', '--lake', lakeUri],
      env,
    );
    expect(unknown.stderr).toMatch(
      /^imagelake: score: the filter "nope = 1": Binder Error: Referenced column "nope" not found/,
    );
    expect(unknown.stderr).not.toMatch(/LINE|batch_key/);
    expect(unknown.code).toBe(2);
  });
}, 180_000);
