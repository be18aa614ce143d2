import type { Command } from 'commander';
import { LAKE_OPTION, lakeUriOf } from '../options.js';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../../lib/config.js';
import { statsText } from '../../lib/eval/stats-text.js';
import { findFashionMnist, openIdxPair } from '../../lib/idx/index.js';
import { validatePipelineConfig } from '../../lib/pipeline/config.js';
import { collectReport } from '../../lib/report/collect.js';
import { renderReport } from '../../lib/report/model-report.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { PipelineWorkflow } from '../../workflows/index.js';
import { withCatalog } from '../catalog-session.js';
import { pipelineInput } from '../pipeline-input.js';
import { printPipeline } from './pipeline.js';

/** The Fashion-MNIST test images as PNG files: the unlabeled images that arrive to be scored. */
async function exportIncoming(dir: string): Promise<number> {
  const fm = findFashionMnist();
  const test = await openIdxPair(fm.testImages, null);
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length >= test.count) return test.count;
  for (let i = 0; i < test.count; i++) {
    const file = join(dir, `${String(i).padStart(5, '0')}.png`);
    if (!existsSync(file))
      writeFileSync(
        file,
        await sharp(test.image(i), { raw: { width: 28, height: 28, channels: 1 } })
          .png()
          .toBuffer(),
      );
  }
  return test.count;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'the main job on real Fashion-MNIST: ingest, dataset, a small sweep, evaluation, promotion, scoring',
    )
    .option(...LAKE_OPTION)
    .option('--epochs <n>', 'epochs per sweep trial', '5')
    .action(async (options: { lake?: string; epochs: string }) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(options.lake, config.lakeUri);
      const fm = findFashionMnist();
      const incoming = join(config.stateDir, 'demo', 'incoming');
      console.log(
        `demo: exporting the Fashion-MNIST test images as PNG files into ${incoming} (unlabeled, to be scored)`,
      );
      await exportIncoming(incoming);
      const pipeline = validatePipelineConfig({
        sources: [
          { path: fm.trainImages, labels: 'idx', classes: 'fashion-mnist' },
          { path: incoming, labels: 'none' },
        ],
        dataset: {
          name: 'fashion',
          query: 'SELECT image_id FROM images WHERE label IS NOT NULL',
          classes: 'fashion-mnist',
        },
        train: {
          arch: 'mlp',
          params: { epochs: Number(options.epochs) },
          grid: { lr: [0.006, 0.02] },
          parallel: 2,
        },
        gate: { alias: 'production', maxErrorRate: 0.25, tolerance: 0.005, minClassRecall: 0.3 },
        score: { where: 'label IS NULL', partitionSize: 4096 },
      });
      const summary = await withTemporal(config, async (session) => {
        const workflowId = `demo-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
        console.log(`demo: starting PipelineWorkflow ${workflowId} on ${session.address}`);
        return session.execute(PipelineWorkflow, {
          workflowId,
          args: [pipelineInput(pipeline, lakeUri)],
        });
      });
      printPipeline(summary);
      const reportFile = resolve('report.html');
      await withCatalog(config, lakeUri, async ({ lake, sandbox }) => {
        const report = await collectReport(lake, sandbox, 'production');
        if (report.evaluation) {
          console.log(
            `\nevaluation of ${report.card?.id} on ${report.evaluation.datasetRef} (${report.evaluation.split}):\n`,
          );
          console.log(statsText(report.evaluation.metrics, report.evaluation.classes));
        }
        writeFileSync(reportFile, renderReport(report));
      });
      console.log(`\ndemo: HTML report: ${reportFile}`);
      console.log(
        `demo: browse the workflows in the Temporal Web UI at http://127.0.0.1:${config.temporalPort + 1000}`,
      );
    });
}
