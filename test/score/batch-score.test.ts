import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { evenPartitions } from '../../activities/score/plan-score.js';
import { BatchScoreWorkflow, TrainWorkflow } from '../../workflows/index.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';
import { quoteLiteral } from '../../lib/catalog/sql-quote.js';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { tableRelation } from '../../lib/catalog/views.js';
import { scoreLayout, scorePlan, type ScoreRun } from '../../lib/score/layout.js';
import { resolveModel } from '../../lib/registry/resolve-model.js';
import { catalogRows, createDataset, ingestFashion } from '../catalog/helpers.js';

it('splits rows into even contiguous partitions of at most the size, as many as the parallelism keeps busy', () => {
  const sizes = (p: number[]) => [
    ...p.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<number, number>()).values(),
  ];
  // 16 rows of at most 6: 3 partitions, 6 5 5 (not 6 6 4); contiguous and in order.
  expect(evenPartitions(16, 6, 1)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  // The bench's case: 60,000 images, at most 8,192, 4 slots: 8 partitions of 7,500 (not 7 full and one of 2,656).
  expect(sizes(evenPartitions(60_000, 8192, 4))).toEqual(Array(8).fill(7500));
  // 3 needed, 4 slots: 4 partitions, each 2,500.
  expect(sizes(evenPartitions(10_000, 8192, 4))).toEqual(Array(4).fill(2500));
  // Balancing stops at 1,024 images a partition: 3,000 over 4 slots gives 2, not 4 of 750.
  expect(sizes(evenPartitions(3000, 8192, 4))).toEqual([1500, 1500]);
  // A user's small size is kept: 1,200 at most 300 over 2 slots: 4 of 300; 10 at most 3: 4 of 2 or 3.
  expect(sizes(evenPartitions(1200, 300, 2))).toEqual([300, 300, 300, 300]);
  expect(sizes(evenPartitions(10, 3, 2))).toEqual([2, 3, 2, 3]);
  expect(evenPartitions(0, 8192, 4)).toEqual([]);
  expect(evenPartitions(1, 8192, 4)).toEqual([0]);
});

it('scores every selected image exactly once; a corrupted batch fails only its partition, with the reason; replay completes the run, twice gives the same', async () => {
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 1200, 'score');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    const model = await client.workflow.execute(TrainWorkflow, {
      taskQueue,
      workflowId: `m-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1 } }],
    });

    // Damage the second batch file (partSize 256 in ingestFashion: five files).
    const [[victim]] = (await catalogRows(
      deps,
      lakeUri,
      'SELECT key FROM batches ORDER BY key LIMIT 1 OFFSET 1',
    )) as [[string]];
    const original = readFileSync(join(lakeUri, victim));
    const damaged = Buffer.from(original);
    damaged.writeUInt8(damaged.readUInt8(200) ^ 0xff, 200);
    writeFileSync(join(lakeUri, victim), damaged);

    const runId = `score-${taskQueue}`;
    const first = await client.workflow.execute(BatchScoreWorkflow, {
      taskQueue,
      workflowId: runId,
      args: [
        {
          lakeUri,
          model: model.modelId,
          where: 'width = 28',
          partitionSize: 300,
          parallel: 2,
          heartbeatTimeout: '20s',
        },
      ],
    });
    // Four chunks of 300 (balanced to 4 slots), each in Avro files of 256 and 44: one file pair per partition of 300.
    expect(first).toMatchObject({ selected: 1200, partitions: 4, failed: 1, succeeded: 3 });
    const ledger = await catalogRows(
      deps,
      lakeUri,
      "SELECT partition, status, error FROM score_partitions WHERE run_id = $r AND status <> 'succeeded'",
      { r: runId },
    );
    expect(ledger).toHaveLength(1);
    expect(String(ledger[0]![2])).toMatch(/has sha256 .*expected/);
    const [[selected, scored, failedPartitions, complete]] = (await catalogRows(
      deps,
      lakeUri,
      'SELECT selected, scored, failed_partitions, complete FROM score_reconciliation WHERE run_id = $r',
      { r: runId },
    )) as [[bigint, bigint, bigint, boolean]];
    expect([selected, failedPartitions, complete]).toEqual([1200n, 1n, false]);
    expect(scored).toBeGreaterThan(800n);
    expect(scored).toBeLessThan(1200n);
    expect(await catalogRows(deps, lakeUri, 'SELECT count(*) FROM predictions')).toEqual([[scored]]);
    // Each row is consistent with its own probabilities: best class, its name, confidence, margin, entropy.
    const { classes } = await resolveModel(deps.lakes.open(lakeUri), model.modelId);
    const classNames = `[${classes.map(quoteLiteral).join(', ')}]`;
    expect(
      await catalogRows(
        deps,
        lakeUri,
        `SELECT count(*) FILTER (WHERE len(probabilities) <> 10
            OR abs(list_sum(probabilities) - 1) > 1e-4
            OR confidence <> probabilities[predicted + 1] OR confidence <> list_max(probabilities)
            OR predicted_name <> ${classNames}[predicted + 1]
            OR abs(margin - (confidence - list_sort(probabilities, 'DESC')[2])) > 1e-6
            OR abs(entropy + list_sum(list_transform(probabilities, p -> CASE WHEN p > 0 THEN p * ln(p) ELSE 0 END))) > 1e-4)
         FROM predictions`,
      ),
    ).toEqual([[0n]]);

    writeFileSync(join(lakeUri, victim), original); // repaired
    const replay = (n: number) =>
      client.workflow.execute(BatchScoreWorkflow, {
        taskQueue,
        workflowId: `${runId}-replay-${n}`,
        args: [{ lakeUri, model: '', runId }],
      });
    expect(await replay(1)).toMatchObject({ runId, failed: 0, succeeded: 4, images: 1200 });
    const counts = () =>
      catalogRows(
        deps,
        lakeUri,
        'SELECT count(*), count(DISTINCT image_id), sum(predicted), min(complete) FROM predictions, score_reconciliation WHERE run_id = $r',
        { r: runId },
      );
    const after1 = await counts();
    expect(after1[0]!.slice(0, 2)).toEqual([1200n, 1200n]);
    expect(after1[0]![3]).toBe(true);
    await replay(2);
    expect(await counts()).toEqual(after1);
    const files = await catalogRows(
      deps,
      lakeUri,
      'SELECT count(*) FROM (SELECT DISTINCT partition FROM predictions WHERE score_run = $r)',
      { r: runId },
    );
    expect(files).toEqual([[4n]]);

    // A run planned before the plan was split in two (one Parquet file with every member column,
    // image ids included, and a run record without `plan`) still replays, its ids checked
    // against the records.
    const planned = JSON.parse(readFileSync(join(lakeUri, scoreLayout.run(runId)), 'utf8')) as ScoreRun;
    expect(planned.plan!.images).toMatch(/\/plan-[0-9a-f]{16}\.parquet$/);
    const legacyId = `legacy-${taskQueue}`;
    const { plan: _, ...legacyRun } = { ...planned, runId: legacyId };
    const snapshot = await loadSnapshot(deps.lakes.open(lakeUri), deps.mirror);
    const planFiles = scorePlan(planned).keys.map((k) => join(lakeUri, k));
    const connection = await (await deps.duckdb()).connect();
    try {
      mkdirSync(join(lakeUri, 'score', legacyId), { recursive: true });
      await connection.run(
        `COPY (SELECT p.partition, i.image_id, p.batch_key, p.record_index, p.batch_records, p.batch_sha256, NULL::INTEGER AS class_index
           FROM ${scorePlan(planned).relation(planFiles)} p
           JOIN (${tableRelation('images', snapshot.files.images)}) i USING (batch_key, record_index))
         TO ${quoteLiteral(join(lakeUri, scoreLayout.legacyPlan(legacyId)))} (FORMAT parquet)`,
      );
    } finally {
      connection.closeSync();
    }
    writeFileSync(join(lakeUri, scoreLayout.run(legacyId)), JSON.stringify(legacyRun));
    expect(
      await client.workflow.execute(BatchScoreWorkflow, {
        taskQueue,
        workflowId: `${legacyId}-replay`,
        args: [{ lakeUri, model: '', runId: legacyId }],
      }),
    ).toMatchObject({ runId: legacyId, failed: 0, succeeded: 4, images: 1200 });
  });
});

it('scores on an S3 lake (MinIO) and skips images already predicted by the model', async () => {
  const lakeUri = `s3://${testStack().s3.bucket}/score-${Date.now()}`;
  await withTestWorker(async ({ client, taskQueue, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 600, 's3score');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    const model = await client.workflow.execute(TrainWorkflow, {
      taskQueue,
      workflowId: `m-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1 } }],
    });
    const score = (id: string) =>
      client.workflow.execute(BatchScoreWorkflow, {
        taskQueue,
        workflowId: id,
        args: [{ lakeUri, model: model.modelId, partitionSize: 256 }],
      });
    expect(await score(`s1-${taskQueue}`)).toMatchObject({ selected: 600, failed: 0, images: 600 });
    expect(await score(`s2-${taskQueue}`)).toMatchObject({ selected: 0, partitions: 0 });
    expect(await catalogRows(deps, lakeUri, 'SELECT count(*) FROM predictions')).toEqual([[600n]]);

    // --dataset: exactly the members of the dataset's current version, scored again.
    await createDataset(
      client,
      taskQueue,
      lakeUri,
      'low',
      'SELECT image_id FROM images WHERE class_index < 5',
    );
    const byDataset = await client.workflow.execute(BatchScoreWorkflow, {
      taskQueue,
      workflowId: `s3-${taskQueue}`,
      args: [{ lakeUri, model: model.modelId, dataset: 'low', partitionSize: 100, parallel: 2 }],
    });
    const [[members]] = (await catalogRows(
      deps,
      lakeUri,
      "SELECT count(*) FROM dataset_members WHERE dataset = 'low'",
    )) as [[bigint]];
    expect(members).toBeGreaterThan(100n);
    expect(members).toBeLessThan(600n);
    expect(byDataset).toMatchObject({ selected: Number(members), images: Number(members), failed: 0 });
    expect(
      await catalogRows(
        deps,
        lakeUri,
        `SELECT count(*) FILTER (WHERE image_id IN (SELECT image_id FROM dataset_members WHERE dataset = 'low')), count(DISTINCT image_id)
         FROM predictions WHERE score_run = $r`,
        { r: `s3-${taskQueue}` },
      ),
    ).toEqual([[members, members]]);
  });
});
