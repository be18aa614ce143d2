import { expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES } from '../../lib/idx/index.js';
import { PipelineWorkflow, type PipelineInput } from '../../workflows/index.js';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { openSandbox } from '../../lib/catalog/sandbox.js';
import { collectReport } from '../../lib/report/collect.js';
import { renderReport } from '../../lib/report/model-report.js';
import { catalogRows } from '../catalog/helpers.js';
import { fashionIdxSubset, fashionPngFolder } from '../ingest/fixtures.js';
import { withTestWorker } from '../setup/temporal.js';

it('runs the whole pipeline on a real subset; a second run with no new images skips training and scoring', async () => {
  const { images, labels } = await fashionIdxSubset(1500);
  const incoming = await fashionPngFolder(200, 5000);
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    const input: PipelineInput = {
      lakeUri,
      ingests: [
        {
          lakeUri,
          source: { kind: 'idx', images, labels },
          labels: { kind: 'idx' },
          classes: [...FASHION_MNIST_CLASSES],
          normalize: {},
        },
        {
          lakeUri,
          source: { kind: 'files', root: incoming },
          labels: { kind: 'none' },
          classes: null,
          normalize: {},
        },
      ],
      dataset: {
        lakeUri,
        name: 'fm',
        query: 'SELECT image_id FROM images WHERE label IS NOT NULL',
        split: { train: 0.7, val: 0.1, test: 0.2 },
        seed: 1,
        stratify: false,
        classes: [...FASHION_MNIST_CLASSES],
      },
      train: { arch: 'mlp', params: { epochs: 2 }, grid: { lr: [0.006, 0.02] }, parallel: 2 },
      gate: { alias: 'production', maxErrorRate: 0.5, tolerance: 0.01, minClassRecall: 0 },
      score: { where: 'label IS NULL', partitionSize: 128 },
    };
    const run = (id: string) =>
      client.workflow.execute(PipelineWorkflow, {
        taskQueue,
        workflowId: `${id}-${taskQueue}`,
        args: [input],
      });
    const first = await run('p1');
    const status = (s: typeof first) => Object.fromEntries(s.stages.map((x) => [x.name, x.status]));
    expect(status(first)).toEqual({
      ingest: 'done',
      dataset: 'done',
      train: 'done',
      evaluate: 'done',
      gate: 'done',
      score: 'done',
      drift: 'done',
    });
    expect(first.promotedModel).toMatch(/^mlp-/);
    expect(
      await catalogRows(deps, lakeUri, 'SELECT count(*) FROM predictions WHERE model_id = $m', {
        m: first.promotedModel!,
      }),
    ).toEqual([[200n]]);

    // The run's report: its stages, then the model it promoted with its evaluation.
    const lake = deps.lakes.open(lakeUri);
    const sandbox = await openSandbox(await loadSnapshot(lake, deps.mirror));
    const html = renderReport(await collectReport(lake, sandbox, first.runId).finally(() => sandbox.close()));
    expect(html).toContain(`Pipeline run ${first.runId}`);
    expect(html).toMatch(/<td class="l">train<\/td><td class="l">done<\/td>/);
    expect(html.match(/class="cell"/g)).toHaveLength(100);

    const second = await run('p2');
    expect(status(second)).toMatchObject({
      ingest: 'skipped',
      dataset: 'skipped',
      train: 'skipped',
      evaluate: 'skipped',
      gate: 'skipped',
      score: 'skipped',
      drift: 'skipped',
    });
    expect(second.stages.find((s) => s.name === 'train')!.reason).toMatch(/no new images .* no retraining/);
    expect(await catalogRows(deps, lakeUri, 'SELECT count(*) FROM pipeline_runs')).toEqual([[2n]]);
  });
});
