import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { assertTrainParams } from '../../lib/model/check-params.js';
import { ARCHS, parseParamList, type Arch } from '../../lib/model/params.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { SweepWorkflow, TrainWorkflow, type SweepResult } from '../../workflows/index.js';
import { parseGridFlag, sweepBounds, type ParamValue } from '../../workflows/sweep-grid.js';
import { BOUNDS, firstOutOfBound } from '../../workflows/input-bounds.js';
import { boundedInt, LAKE_OPTION, lakeUriOf, oneOf } from '../options.js';

const PARAM_FLAGS = ['epochs', 'batchSize', 'lr', 'momentum', 'l2', 'optimizer', 'seed', 'patience'] as const;

interface TrainFlags {
  dataset: string;
  arch: Arch;
  lake?: string;
  config?: string;
  param: string[];
  json?: boolean;
  [flag: string]: unknown;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function addParamOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--dataset <ref>', 'dataset name or name@version')
    .option('--arch <arch>', 'mlp (the original 784-500-100-10) or cnn', oneOf(ARCHS), 'mlp')
    .option('--epochs <n>', 'epochs (mlp default 15, cnn 5)')
    .option('--batch-size <n>', 'batch size (mlp 128, cnn 64)')
    .option('--lr <x>', 'learning rate (mlp 0.006, cnn 0.001)')
    .option('--momentum <x>', 'momentum (mlp 0.98)')
    .option('--l2 <x>', 'L2 penalty on kernels (mlp lr x 0.005)')
    .option('--optimizer <name>', 'nesterov (mlp), sgd or adam (cnn)')
    .option('--seed <n>', 'seed of initialization and shuffling (123)')
    .option('--patience <n>', 'early stopping after n epochs without a better validation loss (0: off)')
    .option('--param <name=value>', 'any parameter, repeatable', collect, [])
    .option('--config <file>', 'JSON file of parameters')
    .option(...LAKE_OPTION)
    .option('--json', 'print the result as JSON');
}

function paramsOf(flags: TrainFlags): Record<string, string | number> {
  const fromFile = flags.config
    ? (JSON.parse(readFileSync(flags.config, 'utf8')) as Record<string, string | number>)
    : {};
  const fromFlags: Record<string, string> = {};
  for (const name of PARAM_FLAGS) if (flags[name] !== undefined) fromFlags[name] = String(flags[name]);
  return { ...fromFile, ...parseParamList(flags.param), ...fromFlags };
}

export function registerTrain(program: Command): void {
  addParamOptions(
    program.command('train').description('train a model from a dataset version into the registry'),
  ).action(async (flags: TrainFlags) => {
    const config = loadConfig();
    const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
    const params = paramsOf(flags);
    assertTrainParams(flags.arch, params);
    const result = await withTemporal(config, (session) =>
      session.execute(TrainWorkflow, {
        workflowId: `train-${flags.dataset.replace(/[^A-Za-z0-9_-]/g, '_')}-${Date.now()}`,
        args: [{ lakeUri, dataset: flags.dataset, arch: flags.arch, params }],
      }),
    );
    if (flags.json) return console.log(JSON.stringify(result));
    for (const c of result.curves)
      console.log(
        `epoch ${c.epoch}: loss ${c.loss.toFixed(4)} acc ${c.accuracy.toFixed(4)}` +
          (c.valLoss === null ? '' : ` | val loss ${c.valLoss.toFixed(4)} acc ${c.valAccuracy!.toFixed(4)}`) +
          ` | ${Math.round(c.samplesPerSecond)} samples/s`,
      );
    if (result.status === 'diverged')
      throw new UserError(`train: diverged: ${result.reason ?? ''} (nothing registered)`);
    console.log(
      result.skipped
        ? `model ${result.modelId} is already registered (same dataset, arch, parameters and seed)`
        : `registered model ${result.modelId} (dataset ${result.datasetRef})`,
    );
  });

  addParamOptions(
    program
      .command('sweep')
      .description('train one model per parameter combination, in parallel over the workers'),
  )
    .option('--grid <name=v1,v2>', 'values to vary, repeatable (e.g. --grid lr=0.1,0.01,0.001)', collect, [])
    .option('--random <n>', 'draw n combinations instead of the whole grid', boundedInt(BOUNDS.sweepTrials))
    .option('--parallel <k>', 'trials at once', boundedInt(BOUNDS.inFlight), 2)
    .option('--early-stop <rule>', 'none, median or asha', oneOf(['none', 'median', 'asha'] as const), 'none')
    .action(
      async (
        flags: TrainFlags & {
          grid: string[];
          random?: number;
          parallel: number;
          earlyStop: 'none' | 'median' | 'asha';
        },
      ) => {
        const config = loadConfig();
        const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
        if (flags.grid.length === 0) throw new UserError('sweep: give at least one --grid name=v1,v2');
        const grid: Record<string, ParamValue[]> = {};
        for (const g of flags.grid) {
          try {
            const [name, values] = parseGridFlag(g);
            grid[name] = values;
          } catch (error) {
            throw new UserError((error as Error).message);
          }
        }
        const outOfBounds = firstOutOfBound(
          sweepBounds({ grid, random: flags.random, parallel: flags.parallel }),
        );
        if (outOfBounds) throw new UserError(outOfBounds);
        const params = paramsOf(flags);
        assertTrainParams(flags.arch, params, grid);
        const result = await withTemporal(config, (session) =>
          session.execute(SweepWorkflow, {
            workflowId: `sweep-${flags.dataset.replace(/[^A-Za-z0-9_-]/g, '_')}-${Date.now()}`,
            args: [
              {
                lakeUri,
                dataset: flags.dataset,
                arch: flags.arch,
                params,
                grid,
                random: flags.random,
                parallel: flags.parallel,
                earlyStop: flags.earlyStop,
              },
            ],
          }),
        );
        if (flags.json) return console.log(JSON.stringify(result));
        printSweep(result);
      },
    );
}

function printSweep(result: SweepResult): void {
  console.log(`sweep ${result.sweepId}: ${result.trials.length} trials, best validation accuracy first`);
  for (const t of result.trials) {
    const grid = Object.entries(t.grid)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const acc = t.valAccuracy === null ? '   -  ' : t.valAccuracy.toFixed(4);
    console.log(
      `  ${acc}  ${t.status.padEnd(10)} ${grid.padEnd(30)} ${t.modelId}${t.reason ? `  (${t.reason})` : ''}`,
    );
  }
}
