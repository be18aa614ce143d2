import type { Command } from 'commander';
import { LAKE_OPTION, lakeUriOf } from '../options.js';
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../../lib/config.js';
import { collectReport } from '../../lib/report/collect.js';
import { renderReport } from '../../lib/report/model-report.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { EvaluateWorkflow } from '../../workflows/index.js';
import { withCatalog } from '../catalog-session.js';

export function registerReport(program: Command): void {
  program
    .command('report <target>')
    .description('one self-contained HTML report of a model (id or alias) or a sweep (its id)')
    .option('-o, --output <file>', 'where to write it', 'report.html')
    .option(...LAKE_OPTION)
    .action(async (target: string, flags: { output: string; lake?: string }) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      let report = await withCatalog(config, lakeUri, ({ lake, sandbox }) =>
        collectReport(lake, sandbox, target),
      );
      if (report.card && !report.evaluation) {
        // Never evaluated: evaluate on the test split of the model's own dataset version first.
        const card = report.card;
        await withTemporal(config, (session) =>
          session.execute(EvaluateWorkflow, {
            workflowId: `evaluate-${card.id}-${Date.now()}`,
            args: [{ lakeUri, model: card.id, dataset: card.dataset.ref, split: 'test' }],
          }),
        );
        report = await withCatalog(config, lakeUri, ({ lake, sandbox }) =>
          collectReport(lake, sandbox, target),
        );
      }
      await writeFile(flags.output, renderReport(report));
      console.log(`report: ${flags.output}`);
    });
}
