import { Command } from 'commander';
import { reportFailure } from './fail.js';

/**
 * Each command's module, loaded only when that command runs: the modules pull in TensorFlow.js,
 * DuckDB, the AWS SDK and the Temporal worker, which a command like `stack status` never needs.
 * Listed in the order help shows them.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  stack: async () => (await import('./commands/stack.js')).registerStack,
  worker: async () => (await import('./commands/worker.js')).registerWorker,
  ingest: async () => (await import('./commands/ingest.js')).registerIngest,
  sql: async () => (await import('./commands/sql.js')).registerSql,
  export: async () => (await import('./commands/export.js')).registerExport,
  gc: async () => (await import('./commands/gc.js')).registerGc,
  dataset: async () => (await import('./commands/dataset.js')).registerDataset,
  label: async () => (await import('./commands/label.js')).registerLabel,
  train: async () => (await import('./commands/train.js')).registerTrain,
  models: async () => (await import('./commands/models.js')).registerModels,
  evaluate: async () => (await import('./commands/evaluate.js')).registerEvaluate,
  report: async () => (await import('./commands/report.js')).registerReport,
  score: async () => (await import('./commands/score.js')).registerScore,
  pipeline: async () => (await import('./commands/pipeline.js')).registerPipeline,
  schedule: async () => (await import('./commands/schedule.js')).registerSchedule,
  drift: async () => (await import('./commands/drift.js')).registerDrift,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  watch: async () => (await import('./commands/watch.js')).registerWatch,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
};

/** The command named on the command line, or every command (for help and unknown names). */
function commandsToLoad(first: string | undefined): string[] {
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}

async function main(): Promise<void> {
  const program = new Command('imagelake')
    .description('data-lake ETL and batch jobs for automatic image labeling')
    // One line, like every other error: commander's own too (an unknown option, a value out of range).
    .configureOutput({
      outputError: (text, write) =>
        write(
          `imagelake: ${text
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')}\n`,
        ),
    })
    .exitOverride((error) => {
      process.exitCode = error.exitCode;
      throw error;
    });
  for (const name of commandsToLoad(process.argv[2])) (await COMMANDS[name]!())(program);
  await program.parseAsync(process.argv);
}

main().catch((error: unknown) => {
  // commander already printed its own usage errors
  if ((error as { code?: string }).code?.startsWith('commander.')) return;
  reportFailure(error);
  // Native Temporal handles can outlive a failed command; the error is reported, so leave now.
  process.exit();
});
