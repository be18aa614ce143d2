import type { Command } from 'commander';
import { loadConfig } from '../../lib/config.js';
import { SPLIT_NAMES, type SplitName } from '../../lib/dataset/splits.js';
import { UserError } from '../../lib/errors.js';
import { DEFAULT_GATE } from '../../lib/eval/gate.js';
import { mcnemar } from '../../lib/eval/mcnemar.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { EvaluateWorkflow, PromoteWorkflow } from '../../workflows/index.js';
import { withCatalog } from '../catalog-session.js';
import { LAKE_OPTION, lakeUriOf, oneOf } from '../options.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { listModels, resolveModel } from '../../lib/registry/resolve-model.js';

export function registerModels(program: Command): void {
  const models = program.command('models').description('the model registry: list, show, promote');
  models
    .command('list')
    .option(...LAKE_OPTION)
    .action(async (flags: { lake?: string }) => {
      const lake = openLake(lakeUriOf(flags.lake, loadConfig().lakeUri, { mustExist: true }));
      for (const m of await listModels(lake)) {
        const last = m.curves.at(-1);
        console.log(
          `${m.id}  ${m.arch}  ${m.dataset.ref}  epochs ${m.curves.length}  val acc ${last?.valAccuracy?.toFixed(4) ?? '-'}  ${m.createdAt}`,
        );
      }
      await lake.close();
    });
  models
    .command('show <model>')
    .description('the model card of a model id or alias')
    .option(...LAKE_OPTION)
    .action(async (model: string, flags: { lake?: string }) => {
      const lake = openLake(lakeUriOf(flags.lake, loadConfig().lakeUri, { mustExist: true }));
      console.log(JSON.stringify(await resolveModel(lake, model), null, 2));
      await lake.close();
    });
  models
    .command('promote <model>')
    .description('point an alias at a model, atomically; with --gate only if it passes the promotion gate')
    .requiredOption('--alias <name>', 'production, candidate or any name')
    .option('--gate', 'evaluate first and promote only when the gate passes (exit 1 with the reasons if not)')
    .option('--dataset <ref>', "dataset version to judge on (default: the candidate's own)")
    .option('--if-current <model>', 'only if the alias points to this model now ("none": unset), else exit 1')
    .option(
      '--max-error <rate>',
      'acceptable error level, fixed in advance',
      Number,
      DEFAULT_GATE.maxErrorRate,
    )
    .option('--tolerance <x>', 'allowed regression against the current model', Number, DEFAULT_GATE.tolerance)
    .option('--min-class-recall <x>', 'minimum recall of every class', Number, DEFAULT_GATE.minClassRecall)
    .option(...LAKE_OPTION)
    .action(async (model: string, flags: PromoteFlags) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      const gate = flags.gate
        ? { maxErrorRate: flags.maxError, tolerance: flags.tolerance, minClassRecall: flags.minClassRecall }
        : undefined;
      const record = await withTemporal(config, (session) =>
        session.execute(PromoteWorkflow, {
          workflowId: `promote-${flags.alias}-${Date.now()}`,
          args: [
            {
              lakeUri,
              candidate: model,
              alias: flags.alias,
              dataset: flags.dataset,
              gate,
              ...(flags.ifCurrent === undefined
                ? {}
                : { ifCurrent: flags.ifCurrent === 'none' ? null : flags.ifCurrent }),
            },
          ],
        }),
      );
      for (const reason of record.reasons) console.log(`  ${reason}`);
      if (!record.promote) throw new UserError(`models: ${record.candidate} not promoted to ${flags.alias}`);
      console.log(`${flags.alias} -> ${record.candidate} (was ${record.previous ?? 'unset'})`);
    });

  models
    .command('compare <a> <b>')
    .description("both models on the same split: metric and per-class differences, McNemar's test")
    .requiredOption('--dataset <ref>', 'dataset name or name@version')
    .option('--split <split>', 'train, val or test', oneOf(SPLIT_NAMES), 'test')
    .option(...LAKE_OPTION)
    .action(async (a: string, b: string, flags: { dataset: string; split: SplitName; lake?: string }) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      const [ea, eb] = await withTemporal(config, (session) =>
        Promise.all(
          [a, b].map((model, i) =>
            session.execute(EvaluateWorkflow, {
              workflowId: `compare-${i}-${Date.now()}`,
              args: [{ lakeUri, model, dataset: flags.dataset, split: flags.split }],
            }),
          ),
        ),
      );
      const [b10, b01] = await withCatalog(config, lakeUri, async ({ sandbox }) => {
        const rows = (
          await sandbox.query(
            `SELECT count(*) FILTER (x.correct AND NOT y.correct), count(*) FILTER (NOT x.correct AND y.correct)
             FROM evaluation_predictions x JOIN evaluation_predictions y USING (image_id)
             WHERE x.eval_id = $a AND y.eval_id = $b`,
            { a: ea!.evalId, b: eb!.evalId },
          )
        ).getRowsJS();
        return (rows[0] ?? [0, 0]).map(Number) as [number, number];
      });
      const f = (x: number) => x.toFixed(4);
      const d = (x: number, y: number) => `${f(x)}  ${f(y)}  ${y - x >= 0 ? '+' : ''}${f(y - x)}`;
      console.log(
        `on ${ea!.datasetRef} (${flags.split}, n = ${ea!.metrics.n}):   A=${ea!.modelId}  B=${eb!.modelId}`,
      );
      console.log(`accuracy   ${d(ea!.metrics.accuracy, eb!.metrics.accuracy)}`);
      console.log(`macro F1   ${d(ea!.metrics.macro.f1, eb!.metrics.macro.f1)}`);
      console.log(`log loss   ${d(ea!.metrics.logLoss, eb!.metrics.logLoss)}`);
      ea!.metrics.perClass.forEach((c, i) =>
        console.log(`recall ${c.name.padEnd(14)} ${d(c.recall, eb!.metrics.perClass[i]!.recall)}`),
      );
      const test = mcnemar(b10, b01);
      console.log(
        `McNemar (${test.method}): only A right ${test.b}, only B right ${test.c}, statistic ${f(test.statistic)}, p = ${test.pValue.toPrecision(3)}`,
      );
    });
}

interface PromoteFlags {
  alias: string;
  gate?: boolean;
  dataset?: string;
  ifCurrent?: string;
  maxError: number;
  tolerance: number;
  minClassRecall: number;
  lake?: string;
}
