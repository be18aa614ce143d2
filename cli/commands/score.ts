import type { Command } from 'commander';
import { formatResult } from '../../lib/catalog/result-format.js';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { withTemporal } from '../../lib/temporal/session.js';
import {
  BatchScoreWorkflow,
  DEFAULT_SCORE_PARALLEL,
  type BatchScoreInput,
  type BatchScoreResult,
} from '../../workflows/index.js';
import { withCatalog } from '../catalog-session.js';
import { BOUNDS } from '../../workflows/input-bounds.js';
import { boundedInt, LAKE_OPTION, lakeUriOf } from '../options.js';

const PARALLEL_OPTION = [
  '--parallel <k>',
  'partitions in flight over all workers (about twice their activity slots keeps every slot busy)',
  boundedInt(BOUNDS.inFlight),
  DEFAULT_SCORE_PARALLEL,
] as const;

export function registerScore(program: Command): void {
  const score = program
    .command('score')
    .description('batch-score images partition by partition with an exactly-once ledger')
    .option('--model <model>', 'model id or alias (pinned to an id at start); required')
    .option(
      '--where <predicate>',
      'which images: one expression on the images view, e.g. "label IS NULL" (subqueries allowed)',
    )
    .option('--dataset <ref>', 'score the members of a dataset version instead')
    .option(
      '--partition-size <n>',
      'at most this many images per partition (split evenly)',
      boundedInt(BOUNDS.partitionSize),
      8192,
    )
    .option(...PARALLEL_OPTION)
    .option('--json', 'print the summary as JSON')
    .option(...LAKE_OPTION)
    .action(
      async (flags: {
        model: string;
        where?: string;
        dataset?: string;
        partitionSize: number;
        parallel: number;
        json?: boolean;
        lake?: string;
      }) => {
        if (flags.model === undefined) throw new UserError('score: --model <id|alias> is required');
        if (flags.where !== undefined && flags.dataset !== undefined)
          throw new UserError('score: give --where or --dataset, not both');
        await run(
          flags.lake,
          `score-${Date.now()}`,
          {
            model: flags.model,
            where: flags.where ?? null,
            dataset: flags.dataset ?? null,
            partitionSize: flags.partitionSize,
            parallel: flags.parallel,
          },
          flags.json,
        );
      },
    );

  score
    .command('status <run>')
    .description('the ledger of a run: one row per partition')
    .option(...LAKE_OPTION)
    .action(async (runId: string, flags: { lake?: string }) => {
      const config = loadConfig();
      // `score` takes --lake too, and commander gives it the flag wherever it stands.
      const lake = flags.lake ?? score.opts<{ lake?: string }>().lake;
      await withCatalog(config, lake ?? config.lakeUri, async ({ sandbox }) => {
        const summary = await sandbox.query('SELECT * FROM score_reconciliation WHERE run_id = $run', {
          run: runId,
        });
        if (summary.currentRowCount === 0) throw new UserError(`score: no run "${runId}"`);
        process.stdout.write(formatResult(summary, 'table'));
        process.stdout.write(
          formatResult(
            await sandbox.query(
              'SELECT partition, status, attempts, images, round(seconds, 2) AS seconds, error FROM score_partitions WHERE run_id = $run ORDER BY partition',
              { run: runId },
            ),
            'table',
          ),
        );
      });
    });

  program
    .command('replay <run>')
    .description(
      're-run the failed or missing partitions of a score run with its pinned model, completing the same run',
    )
    .option(
      '--only-failed',
      'only partitions with a recorded failure or no commit (the default: committed ones are never redone)',
    )
    .option(...PARALLEL_OPTION)
    .option('--json', 'print the summary as JSON')
    .option(...LAKE_OPTION)
    .action(async (runId: string, flags: { parallel: number; json?: boolean; lake?: string }) => {
      await run(
        flags.lake,
        `${runId}-replay-${Date.now()}`,
        { runId, model: '', parallel: flags.parallel },
        flags.json,
      );
    });
}

async function run(
  lake: string | undefined,
  workflowId: string,
  args: Omit<BatchScoreInput, 'lakeUri'>,
  json?: boolean,
): Promise<void> {
  const config = loadConfig();
  const lakeUri = lakeUriOf(lake, config.lakeUri);
  const result: BatchScoreResult = await withTemporal(config, (session) =>
    session.execute(BatchScoreWorkflow, {
      workflowId,
      args: [{ lakeUri, ...args }],
    }),
  );
  if (json) return console.log(JSON.stringify(result));
  console.log(
    `score ${result.runId}: model ${result.modelId}, ${result.selected} selected in ${result.partitions} partitions; ${result.succeeded} partitions committed, ${result.failed} failed, ${result.images} images scored this time`,
  );
  if (result.failed > 0) {
    console.log(
      `  see the reasons with: imagelake score status ${result.runId}; then: imagelake replay ${result.runId}`,
    );
    process.exitCode = 3;
  }
}
