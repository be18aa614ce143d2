import type { Command } from 'commander';
import { LAKE_OPTION, lakeUriOf, positiveInt } from '../options.js';
import { loadConfig } from '../../lib/config.js';
import { parseReferencePeriod } from '../../lib/drift/reference-period.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { DriftWorkflow } from '../../workflows/index.js';

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .description(
      'compare predicted classes and image statistics of a window with the training set or an earlier period (PSI, chi-square)',
    )
    .option('--model <model>', 'model id or alias', 'production')
    .option('--window <hours>', 'predictions scored in the last N hours', positiveInt, 24)
    .option('--run <scoreRun>', 'the predictions of one score run instead')
    .option(
      '--reference <period>',
      'compare with: training (the training set and the latest evaluation) or <from>..<to>, the predictions scored then (ISO dates)',
      'training',
    )
    .option('--warn <psi>', 'PSI at which the level is warn', Number, 0.1)
    .option('--alert <psi>', 'PSI at which the level is alert', Number, 0.25)
    .option(...LAKE_OPTION)
    .option('--json', 'print the report as JSON')
    .action(
      async (flags: {
        model: string;
        window: number;
        run?: string;
        reference: string;
        warn: number;
        alert: number;
        lake?: string;
        json?: boolean;
      }) => {
        const config = loadConfig();
        const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
        const referencePeriod = parseReferencePeriod(flags.reference);
        const report = await withTemporal(config, (session) =>
          session.execute(DriftWorkflow, {
            workflowId: `drift-${Date.now()}`,
            args: [
              {
                lakeUri,
                model: flags.model,
                ...(flags.run ? { scoreRun: flags.run } : { windowHours: flags.window }),
                thresholds: { warn: flags.warn, alert: flags.alert },
                referencePeriod,
              },
            ],
          }),
        );
        if (flags.json) return console.log(JSON.stringify(report, null, 2));
        const f = (x: number) => x.toFixed(4);
        console.log(
          `drift of ${report.modelId} in the ${report.window} against the ${report.reference}: ${report.level.toUpperCase()}`,
        );
        console.log(
          `  predicted classes: PSI ${f(report.classes.psi)}, chi-square ${f(report.classes.chiSquare)} (p = ${report.classes.pValue.toPrecision(3)}), n = ${report.classes.n}`,
        );
        for (const c of report.classes.perCategory)
          console.log(
            `    ${c.name.padEnd(16)} reference ${f(c.reference)}  now ${f(c.current)}  PSI ${f(c.psi)}`,
          );
        console.log(
          `  mean intensity: PSI ${f(report.intensity.psi)}; background polarity: PSI ${f(report.polarity.psi)}`,
        );
      },
    );
}
