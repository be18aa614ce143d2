import type { Command } from 'commander';
import { lakeUriOf } from '../options.js';
import { loadConfig } from '../../lib/config.js';
import { loadPipelineConfig } from '../../lib/pipeline/config.js';
import { withTemporal } from '../../lib/temporal/session.js';
import type { PipelineSummary } from '../../activities/pipeline.js';
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
      const summary = await withTemporal(
        config,
        (session) =>
          session.execute(PipelineWorkflow, {
            workflowId: `pipeline-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`,
            args: [pipelineInput(pipeline, lakeUri)],
          }),
        { onInterrupt: cancelOrDetach },
      );
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
 * Ctrl-C on a terminal asks whether to cancel the pipeline (each stage commits by manifest, so a
 * cancelled run leaves no half-committed stage) or to detach (it goes on, on the workers).
 * Without a terminal to ask on, and on a second Ctrl-C while asking, it cancels.
 */
async function cancelOrDetach(workflowIds: readonly string[]): Promise<'cancel' | 'detach'> {
  if (!process.stdin.isTTY) return 'cancel';
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.once('SIGINT', () => resolve('c'));
      rl.question(`\npipeline ${workflowIds.join(', ')}: [c]ancel it or [d]etach and let it run? `).then(
        resolve,
        () => resolve('c'),
      );
    });
    return answer.trim().toLowerCase().startsWith('d') ? 'detach' : 'cancel';
  } finally {
    rl.close();
  }
}
