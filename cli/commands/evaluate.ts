import type { Command } from 'commander';
import { loadConfig } from '../../lib/config.js';
import { SPLIT_NAMES, type SplitName } from '../../lib/dataset/splits.js';
import { statsText } from '../../lib/eval/stats-text.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { EvaluateWorkflow } from '../../workflows/index.js';
import { LAKE_OPTION, lakeUriOf, oneOf } from '../options.js';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate <model>')
    .description('evaluate a model (id or alias) on a split of a dataset version; the result is stored')
    .requiredOption('--dataset <ref>', 'dataset name or name@version')
    .option('--split <split>', 'train, val or test', oneOf(SPLIT_NAMES), 'test')
    .option(...LAKE_OPTION)
    .option('--json', 'print every metric as JSON')
    .action(
      async (model: string, flags: { dataset: string; split: SplitName; lake?: string; json?: boolean }) => {
        const config = loadConfig();
        const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
        const evaluation = await withTemporal(config, (session) =>
          session.execute(EvaluateWorkflow, {
            workflowId: `evaluate-${Date.now()}`,
            args: [{ lakeUri, model, dataset: flags.dataset, split: flags.split }],
          }),
        );
        if (flags.json) return console.log(JSON.stringify(evaluation, null, 2));
        console.log(
          `model ${evaluation.modelId} on ${evaluation.datasetRef} (${evaluation.split}), evaluation ${evaluation.evalId}\n`,
        );
        console.log(statsText(evaluation.metrics, evaluation.classes));
      },
    );
}
