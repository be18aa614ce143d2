import type { Command } from 'commander';
import { lakeUriOf } from '../options.js';
import { loadConfig } from '../../lib/config.js';
import { loadPipelineConfig } from '../../lib/pipeline/config.js';
import { withTemporal } from '../../lib/temporal/session.js';
import type { PipelineSummary } from '../../activities/pipeline.js';
import type { WorkflowHandle } from '@temporalio/client';
import { createInterface } from 'node:readline/promises';
import { PipelineWorkflow } from '../../workflows/index.js';
import { pipelineInput } from '../pipeline-input.js';

export function registerPipeline(program: Command): void {
  program
    .command('pipeline')
    .description('run the whole data product now: ingest, dataset, train or sweep, evaluate, gate, score')
    .requiredOption('--config <file>', 'pipeline config (YAML or JSON)')
    .option('--lake <uri>', "overrides the config's lake and IMAGELAKE_LAKE")
    .option('--json', 'print the run summary as JSON')
    .action(async (flags: { config: string; lake?: string; json?: boolean }) => {
      const config = loadConfig();
      const pipeline = loadPipelineConfig(flags.config);
      const lakeUri = lakeUriOf(flags.lake, pipeline.lake ?? config.lakeUri);
      const summary = await withTemporal(config, async ({ client, inProcessWorker }) => {
        const handle = await client.workflow.start(PipelineWorkflow, {
          workflowId: `pipeline-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`,
          taskQueue: config.taskQueue,
          args: [pipelineInput(pipeline, lakeUri)],
        });
        return untilDoneOrInterrupted(handle, inProcessWorker);
      });
      if (summary === 'detached') return;
      if (flags.json) console.log(JSON.stringify(summary));
      else printPipeline(summary);
    });
}

export function printPipeline(summary: PipelineSummary): void {
  console.log(`pipeline ${summary.runId}: ${summary.seconds.toFixed(1)} s`);
  for (const s of summary.stages)
    console.log(
      `  ${s.name.padEnd(9)} ${s.status.padEnd(8)} ${s.seconds.toFixed(1).padStart(6)} s  ${s.reason ?? compact(s.detail)}`,
    );
  console.log(summary.promotedModel ? `  promoted ${summary.promotedModel}` : '  no promotion in this run');
}

function compact(detail: unknown): string {
  const text = detail === undefined ? '' : JSON.stringify(detail);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/**
 * Waits for the pipeline; Ctrl-C offers to cancel it (each stage commits by manifest, so a
 * cancelled run leaves no half-committed stage) or to detach (it goes on, on the workers).
 * Without a terminal to ask on, Ctrl-C cancels.
 */
async function untilDoneOrInterrupted(
  handle: WorkflowHandle<typeof PipelineWorkflow>,
  inProcessWorker: boolean,
): Promise<PipelineSummary | 'detached'> {
  let onInterrupt: () => void = () => undefined;
  const interrupted = new Promise<'detached'>((resolve) => {
    onInterrupt = () => {
      void (async () => {
        let answer = 'c';
        if (process.stdin.isTTY) {
          const rl = createInterface({ input: process.stdin, output: process.stdout });
          answer = (
            await rl.question(`\npipeline ${handle.workflowId}: [c]ancel it or [d]etach and let it run? `)
          )
            .trim()
            .toLowerCase();
          rl.close();
        }
        if (answer.startsWith('d')) {
          console.log(
            inProcessWorker
              ? `detached: ${handle.workflowId} resumes when a worker runs (imagelake worker); follow it in the Temporal Web UI`
              : `detached: ${handle.workflowId} goes on on the workers; follow it in the Temporal Web UI`,
          );
          resolve('detached');
        } else {
          await handle.cancel();
          console.log(
            `cancelling ${handle.workflowId}: committed stages stay, the running one commits nothing`,
          );
        }
      })();
    };
  });
  process.on('SIGINT', onInterrupt);
  try {
    return await Promise.race([handle.result(), interrupted]);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
