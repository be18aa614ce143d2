import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { moveAlias } from '../../lib/registry/aliases.js';
import { TrainWorkflow } from '../../workflows/index.js';
import { catalogRows, createDataset, ingestFashion } from '../catalog/helpers.js';
import { runCli } from '../cli/run-cli.js';
import { testStack } from '../setup/stack.js';
import { withTestWorker } from '../setup/temporal.js';

it('watch ingests and pre-labels new files; files dropped while it is stopped are taken exactly once after a restart', async () => {
  const fm = findFashionMnist();
  const train = await openIdxPair(fm.trainImages, null);
  const incoming = mkdtempSync(join(tmpdir(), 'imagelake-watch-'));
  const drop = async (from: number, n: number) => {
    for (let i = from; i < from + n; i++)
      writeFileSync(
        join(incoming, `${i}.png`),
        await sharp(train.image(30_000 + i), { raw: { width: 28, height: 28, channels: 1 } })
          .png()
          .toBuffer(),
      );
  };
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 800, 'watch');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images');
    const model = await client.workflow.execute(TrainWorkflow, {
      taskQueue,
      workflowId: `m-${taskQueue}`,
      args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params: { epochs: 1 } }],
    });
    await moveAlias(deps.lakes.open(lakeUri), 'production', model.modelId, 'test');
    const env = {
      TEMPORAL_ADDRESS: testStack().temporalAddress,
      IMAGELAKE_TASK_QUEUE: taskQueue,
      IMAGELAKE_STATE_DIR: mkdtempSync(join(tmpdir(), 'imagelake-watch-state-')),
    };
    const watchOnce = () => runCli(['watch', incoming, '--once', '--settle', '50', '--lake', lakeUri], env);
    const predicted = async () =>
      Number(
        (
          await catalogRows(deps, lakeUri, 'SELECT count(*) FROM predictions WHERE model_id = $m', {
            m: model.modelId,
          })
        )[0]![0],
      );

    await drop(0, 20);
    await new Promise((r) => setTimeout(r, 100));
    const first = await watchOnce();
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/20 files: 20 ingested, 0 duplicates, 0 quarantined; 20 pre-labeled/);
    expect(await predicted()).toBe(20);

    // While stopped: 15 new files and a copy of an old one under a new name.
    await drop(20, 15);
    copyFileSync(join(incoming, '3.png'), join(incoming, 'copy-of-3.png'));
    await new Promise((r) => setTimeout(r, 100));
    const second = await watchOnce();
    expect(second.stdout).toMatch(/16 files: 15 ingested, 1 duplicates, 0 quarantined; 15 pre-labeled/);
    expect(await predicted()).toBe(35);
    const third = await watchOnce();
    expect(third.stdout).not.toMatch(/files:/);
    expect(await predicted()).toBe(35);
    expect(readdirSync(incoming)).toHaveLength(36);
  });
});
