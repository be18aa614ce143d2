// Orchestration logic alone: the real workflows on the run's Temporal server, with activities
// replaced by small fakes, so a change to fan-out, failure recording, continue-as-new, early
// stopping or stage skipping is checked in seconds without lakes, DuckDB or training.
import { ApplicationFailure, Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import type { PipelineSummary } from '../../activities/pipeline.js';
import {
  BatchScoreWorkflow,
  IngestWorkflow,
  PipelineWorkflow,
  SweepWorkflow,
  type BatchScoreInput,
  type PipelineInput,
  type SweepInput,
} from '../../workflows/index.js';
import { reliability } from '../reliability/tally.js';
import { testStack } from '../setup/stack.js';
import { workflowBundle } from '../setup/temporal.js';

type Fakes = Partial<Record<keyof Activities, (...args: never[]) => Promise<unknown>>>;

let connection: Connection;
let client: Client;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  connection = await Connection.connect({ address: testStack().temporalAddress });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
});

/** Runs `fn` with a worker whose activities are `fakes`, on a task queue of its own. */
async function withFakeActivities<T>(fakes: Fakes, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `orch-${randomBytes(6).toString('hex')}`;
  const workerConnection = await NativeConnection.connect({ address: testStack().temporalAddress });
  try {
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: fakes,
    });
    return await worker.runUntil(fn(taskQueue));
  } finally {
    await workerConnection.close();
  }
}

function scoreRun(partitions: number) {
  return {
    kind: 'score-run',
    runId: 'r',
    modelId: 'm1',
    alias: null,
    where: null,
    dataset: null,
    selected: partitions * 10,
    partitions,
    partitionSize: 10,
    startedAt: '2026-12-03T00:00:00.000Z',
    scoredAtMs: 0,
  };
}

describe('BatchScoreWorkflow orchestration', () => {
  it('scores every partition once, never more than --parallel at a time, and records failures', async () => {
    const started: number[] = [];
    const failures: { partition: number; error: string }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const result = await withFakeActivities(
      {
        planScore: async () => scoreRun(7),
        scorePartition: async ({ partition }: { partition: number }) => {
          started.push(partition);
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight--;
          if (partition === 4)
            throw ApplicationFailure.nonRetryable('batch file sha256 mismatch', 'UserError');
          return { images: 10 };
        },
        recordScoreFailure: async ({ partition, error }: { partition: number; error: string }) => {
          failures.push({ partition, error });
        },
      },
      (taskQueue) =>
        client.workflow.execute(BatchScoreWorkflow, {
          taskQueue,
          workflowId: `orch-score-${taskQueue}`,
          args: [{ lakeUri: '/unused', model: 'production', parallel: 3 }],
        }),
    );
    expect([...started].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(failures).toEqual([{ partition: 4, error: 'batch file sha256 mismatch' }]);
    expect(result).toMatchObject({ partitions: 7, succeeded: 6, failed: 1, images: 60 });
  });

  it('continues as new after partitionsPerRun partitions and keeps its counts', async () => {
    const started: number[] = [];
    const { result, runs } = await withFakeActivities(
      {
        planScore: async () => scoreRun(5),
        scorePartition: async ({ partition }: { partition: number }) => {
          started.push(partition);
          return { images: 10 };
        },
      },
      async (taskQueue) => {
        const handle = await client.workflow.start(BatchScoreWorkflow, {
          taskQueue,
          workflowId: `orch-can-${taskQueue}`,
          args: [{ lakeUri: '/unused', model: 'm1', parallel: 1, partitionsPerRun: 2 }],
        });
        const result = await handle.result();
        let runs = 0;
        for await (const _ of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs++;
        return { result, runs };
      },
    );
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(runs).toBe(3);
    expect(result).toMatchObject({ partitions: 5, succeeded: 5, failed: 0, images: 50 });
  });
});

describe('SweepWorkflow early stopping', () => {
  it('gives a later trial the median validation-loss curve of the finished ones', async () => {
    const losses = [
      [0.9, 0.6],
      [0.7, 0.4],
      [2.0, 1.5],
    ];
    const thresholds: (readonly number[] | undefined)[] = [];
    const result = await withFakeActivities(
      {
        prepareTraining: async ({ params }: { params: Record<string, number> }) => ({
          modelId: `model-${params.lr}`,
          datasetRef: 'd@1',
          params,
          registered: false,
        }),
        trainModel: async ({
          plan,
          pruneAbove,
        }: {
          plan: { modelId: string; params: { lr: number } };
          pruneAbove?: readonly number[];
        }) => {
          thresholds.push(pruneAbove);
          const curve = losses[thresholds.length - 1]!;
          const pruned = pruneAbove?.some((limit, epoch) => (curve[epoch] ?? 0) > limit) ?? false;
          return {
            modelId: plan.modelId,
            status: pruned ? 'pruned' : 'registered',
            curves: curve.map((valLoss, i) => ({
              epoch: i + 1,
              loss: valLoss,
              accuracy: 0.5,
              valLoss,
              valAccuracy: 1 - valLoss,
              seconds: 1,
              samplesPerSecond: 1,
            })),
            valLoss: curve.at(-1)!,
            valAccuracy: 1 - curve.at(-1)!,
            samplesPerSecond: 1,
            resumedFromEpoch: 0,
          };
        },
      },
      (taskQueue) =>
        client.workflow.execute(SweepWorkflow, {
          taskQueue,
          workflowId: `orch-sweep-${taskQueue}`,
          args: [
            {
              lakeUri: '/unused',
              dataset: 'd',
              arch: 'mlp',
              params: {},
              grid: { lr: [0.1, 0.01, 0.001] },
              parallel: 1,
              earlyStop: 'median',
            },
          ],
        }),
    );
    expect(thresholds[0]).toEqual([]);
    expect(thresholds[1]).toEqual([]);
    expect(thresholds[2]?.map((v) => Math.round(v * 100) / 100)).toEqual([0.8, 0.5]);
    expect(result.trials.map((t) => t.status)).toEqual(['registered', 'registered', 'pruned']);
    expect(result.trials[0]?.grid).toEqual({ lr: 0.01 });
  });
});

describe('PipelineWorkflow stage skipping', () => {
  const gate = { alias: 'production', maxErrorRate: 0.2, tolerance: 0.005, minClassRecall: 0 };
  const dataset = {
    lakeUri: '/unused',
    name: 'training',
    query: 'SELECT image_id FROM images',
    split: { train: 0.8, val: 0.1, test: 0.1 },
    seed: 1,
    stratify: false,
    classes: null,
  };
  /** The pipeline with a training config, nothing to ingest, scoring as given. */
  const runPipeline = (taskQueue: string, id: string, score: PipelineInput['score']) =>
    client.workflow.execute(PipelineWorkflow, {
      taskQueue,
      workflowId: `${id}-${taskQueue}`,
      args: [
        {
          lakeUri: '/unused',
          ingests: [],
          dataset,
          train: { arch: 'mlp', params: {}, grid: {}, parallel: 2 },
          gate,
          score,
        },
      ],
    });

  it('skips every stage with its reason when nothing is new, and flags drift', async () => {
    let recorded: PipelineSummary | undefined;
    const summary = await withFakeActivities(
      {
        createDataset: async () => ({ ref: 'training@3', created: false, counts: {} }),
        latestDrift: async () => ({ level: 'alert', modelId: 'm7' }),
        recordPipelineRun: async ({ summary }: { summary: PipelineSummary }) => {
          recorded = summary;
        },
      },
      (taskQueue) => runPipeline(taskQueue, 'orch-pipe', null),
    );
    expect(recorded).toEqual(summary);
    expect(summary.stages.map((s) => [s.name, s.status])).toEqual([
      ['ingest', 'skipped'],
      ['dataset', 'skipped'],
      ['train', 'skipped'],
      ['evaluate', 'skipped'],
      ['gate', 'skipped'],
      ['score', 'skipped'],
      ['drift', 'skipped'],
    ]);
    expect(summary.stages[2]?.reason).toMatch(/no retraining; RETRAINING FLAGGED: .*m7 is alert/);
    expect(summary.stages[5]?.reason).toBe('scoring is off in the config');
    expect(summary.promotedModel).toBeNull();
  });

  it('trains, evaluates and promotes when the dataset changed, and skips scoring with no model', async () => {
    const promoted: string[] = [];
    const summary = await withFakeActivities(
      {
        createDataset: async () => ({ ref: 'training@4', created: true, counts: {} }),
        prepareTraining: async () => ({
          modelId: 'm8',
          datasetRef: 'training@4',
          params: {},
          registered: true,
        }),
        evaluateModel: async ({ model }: { model: string }) => ({
          modelId: model,
          metrics: { accuracy: 0.9, macro: { f1: 0.9 } },
        }),
        promoteModel: async ({ candidate }: { candidate: string }) => {
          promoted.push(candidate);
          return { candidate, promote: true, reasons: [] };
        },
        planScore: async () => {
          throw ApplicationFailure.nonRetryable('score: no model or alias "production"', 'UserError');
        },
        recordPipelineRun: async () => undefined,
      },
      (taskQueue) => runPipeline(taskQueue, 'orch-pipe2', { where: null, partitionSize: 8192 }),
    );
    expect(promoted).toEqual(['m8']);
    expect(summary.promotedModel).toBe('m8');
    const status = Object.fromEntries(summary.stages.map((s) => [s.name, s.status]));
    expect(status).toEqual({
      ingest: 'skipped',
      dataset: 'done',
      train: 'done',
      evaluate: 'done',
      gate: 'done',
      score: 'skipped',
      drift: 'skipped',
    });
    expect(summary.stages.find((s) => s.name === 'score')?.reason).toBe(
      'no model behind alias "production" yet',
    );
  });
});

describe('workflow input bounds', () => {
  /** The failure a workflow ends with, or 'completed'. */
  const failureOf = async (run: Promise<unknown>) => {
    try {
      await run;
      return 'completed';
    } catch (error) {
      const cause = (error as { cause?: ApplicationFailure }).cause;
      return { type: cause?.type, nonRetryable: cause?.nonRetryable, message: cause?.message };
    }
  };
  const refused = (message: string) => ({ type: 'InputOutOfBounds', nonRetryable: true, message });

  it('a score run with 100000 partitions in flight fails at once, not every workflow task', async () => {
    reliability('bad-input', 2);
    const fakes = { planScore: async () => scoreRun(200_000), scorePartition: async () => ({ images: 10 }) };
    const start = (taskQueue: string, args: Partial<BatchScoreInput>) =>
      failureOf(
        client.workflow.execute(BatchScoreWorkflow, {
          taskQueue,
          workflowId: `orch-bounds-${taskQueue}-${args.parallel}`,
          args: [{ lakeUri: '/unused', model: 'm1', ...args }],
        }),
      );
    const failures = await withFakeActivities(fakes, async (taskQueue) => [
      await start(taskQueue, { parallel: 100_000 }),
      await start(taskQueue, { parallel: 4, partitionSize: 0 }),
    ]);
    expect(failures).toEqual([
      refused('score: parallel: expected an integer from 1 to 1000, got 100000'),
      refused('score: partition size: expected an integer from 1 to 65536, got 0'),
    ]);
  });

  it('a sweep whose grid or parallelism is too large fails before its first trial', async () => {
    reliability('bad-input', 2);
    const values = (n: number) => Array.from({ length: n }, (_, i) => i);
    let trials = 0;
    const fakes = {
      prepareTraining: async () => {
        trials++;
        return { modelId: 'm', datasetRef: 'd@1', params: {}, registered: true };
      },
    };
    const start = (taskQueue: string, id: string, args: Partial<SweepInput>) =>
      failureOf(
        client.workflow.execute(SweepWorkflow, {
          taskQueue,
          workflowId: `orch-bounds-${taskQueue}-${id}`,
          args: [{ lakeUri: '/unused', dataset: 'd', arch: 'mlp', params: {}, grid: { lr: [0.1] }, ...args }],
        }),
      );
    const failures = await withFakeActivities(fakes, async (taskQueue) => [
      await start(taskQueue, 'grid', { grid: { lr: values(200), l2: values(100) }, random: 10 }),
      await start(taskQueue, 'parallel', { parallel: 5000 }),
    ]);
    expect(failures).toEqual([
      refused("sweep: the grid's combinations: expected an integer from 1 to 10000, got 20000"),
      refused('sweep: parallel: expected an integer from 1 to 1000, got 5000'),
    ]);
    expect(trials).toBe(0);
  });

  it('an ingest with a chunk size of 0 fails before it plans anything', async () => {
    reliability('bad-input');
    let planned = 0;
    const failure = await withFakeActivities(
      {
        planIngest: async () => {
          planned++;
          return { itemCount: 0, chunkCount: 0, source: {}, classes: [], deflater: 'zlib' };
        },
        commitIngest: async () => ({ runId: 'r' }),
      },
      (taskQueue) =>
        failureOf(
          client.workflow.execute(IngestWorkflow, {
            taskQueue,
            workflowId: `orch-bounds-${taskQueue}`,
            args: [
              {
                lakeUri: '/unused',
                source: { kind: 'dir', root: '/unused' },
                labels: { kind: 'none' },
                classes: null,
                normalize: {},
                chunkSize: 0,
              } as never,
            ],
          }),
        ),
    );
    expect(failure).toEqual(refused('ingest: chunk size: expected an integer from 1 to 65536, got 0'));
    expect(planned).toBe(0);
  });
});
