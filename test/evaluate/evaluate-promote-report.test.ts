import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { loadSnapshot } from '../../lib/catalog/snapshot.js';
import { openSandbox } from '../../lib/catalog/sandbox.js';
import { collectReport } from '../../lib/report/collect.js';
import { renderReport } from '../../lib/report/model-report.js';
import { EvaluateWorkflow, PromoteWorkflow, TrainWorkflow } from '../../workflows/index.js';
import { catalogRows, createDataset, ingestFashion } from '../catalog/helpers.js';
import { withTestWorker } from '../setup/temporal.js';

it('evaluates and stores, promotes only through the gate, and renders the report in a real Chromium', async () => {
  await withTestWorker(async ({ client, taskQueue, lakeUri, deps }) => {
    await ingestFashion(client, taskQueue, lakeUri, 1500, 'eval');
    await createDataset(client, taskQueue, lakeUri, 'fm', 'SELECT image_id FROM images', {
      train: 0.7,
      val: 0.1,
      test: 0.2,
    });
    const train = (params: Record<string, number>, id: string) =>
      client.workflow.execute(TrainWorkflow, {
        taskQueue,
        workflowId: `${id}-${taskQueue}`,
        args: [{ lakeUri, dataset: 'fm', arch: 'mlp', params }],
      });
    // Enough steps that the model is clearly better than chance whatever order the seeded shuffle draws.
    const good = await train({ epochs: 6 }, 'good');
    const weak = await train({ epochs: 1, lr: 0.00001 }, 'weak');

    const evaluation = await client.workflow.execute(EvaluateWorkflow, {
      taskQueue,
      workflowId: `ev-${taskQueue}`,
      args: [{ lakeUri, model: good.modelId, dataset: 'fm', split: 'test' }],
    });
    const [[testCount]] = (await catalogRows(
      deps,
      lakeUri,
      "SELECT count(*) FROM dataset_members WHERE split = 'test'",
    )) as [[bigint]];
    expect(evaluation.metrics.n).toBe(Number(testCount));
    expect(evaluation.metrics.accuracy, "the good model's test accuracy").toBeGreaterThan(0.6);
    expect(
      await catalogRows(deps, lakeUri, 'SELECT model_id, n, round(accuracy, 6) FROM evaluations'),
    ).toEqual([[good.modelId, testCount, Math.round(evaluation.metrics.accuracy * 1e6) / 1e6]]);

    const promote = (candidate: string, id: string) =>
      client.workflow.execute(PromoteWorkflow, {
        taskQueue,
        workflowId: `${id}-${taskQueue}`,
        args: [
          {
            lakeUri,
            candidate,
            alias: 'production',
            gate: { maxErrorRate: 0.5, tolerance: 0.01, minClassRecall: 0 },
          },
        ],
      });
    expect(await promote(good.modelId, 'p1')).toMatchObject({ promote: true, previous: null });
    const refused = await promote(weak.modelId, 'p2');
    expect(refused.promote).toBe(false);
    expect(refused.reasons.join('\n')).toMatch(/FAIL: error rate .* (>= acceptable|vs production)/);
    expect(
      await catalogRows(deps, lakeUri, 'SELECT candidate, promoted FROM promotions ORDER BY decided_at'),
    ).toEqual([
      [good.modelId, true],
      [weak.modelId, false],
    ]);
    expect(
      await catalogRows(deps, lakeUri, "SELECT model_id FROM aliases WHERE alias = 'production' AND current"),
    ).toEqual([[good.modelId]]);

    const lake = deps.lakes.open(lakeUri);
    const sandbox = await openSandbox(await loadSnapshot(lake, deps.mirror));
    const html = renderReport(
      await collectReport(lake, sandbox, 'production').finally(() => sandbox.close()),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'imagelake-report-')), 'report.html');
    writeFileSync(file, html);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${file}`);
      expect(await page.locator('svg.heatmap rect.cell').count()).toBe(100);
      // A string expression: the test is typed for Node, the code runs in the page.
      const drawn = (await page.evaluate(`({
        bars: [...document.querySelectorAll('svg.bars rect.bar')].filter((r) => Number(r.getAttribute('width')) > 0).length,
        lines: [...document.querySelectorAll('svg.lines polyline')].filter((p) => (p.getAttribute('points') || '').split(' ').length >= 3).length,
        images: [...document.querySelectorAll('img')].filter((i) => i.naturalWidth === 28).length,
        heatmapBox: document.querySelector('svg.heatmap').getBoundingClientRect().width,
      })`)) as { bars: number; lines: number; images: number; heatmapBox: number };
      expect(drawn.bars).toBeGreaterThan(20);
      expect(drawn.lines).toBe(4);
      expect(drawn.images).toBeGreaterThan(0);
      expect(drawn.heatmapBox).toBeGreaterThan(300);
      const shot = await page.screenshot({ fullPage: true });
      expect(shot.length).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });
});
