import { Command } from 'commander';
import { registerDataset } from './commands/dataset.js';
import { registerDemo } from './commands/demo.js';
import { registerDrift } from './commands/drift.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerIngest } from './commands/ingest.js';
import { registerLabel } from './commands/label.js';
import { registerModels } from './commands/models.js';
import { registerTrain } from './commands/train.js';
import { registerPipeline } from './commands/pipeline.js';
import { registerReport } from './commands/report.js';
import { registerSchedule } from './commands/schedule.js';
import { registerServe } from './commands/serve.js';
import { registerScore } from './commands/score.js';
import { registerSql } from './commands/sql.js';
import { registerStack } from './commands/stack.js';
import { registerWatch } from './commands/watch.js';
import { registerWorker } from './commands/worker.js';
import { reportFailure } from './fail.js';

async function main(): Promise<void> {
  const program = new Command('imagelake')
    .description('data-lake ETL and batch jobs for automatic image labeling')
    .showHelpAfterError()
    .exitOverride((error) => {
      process.exitCode = error.exitCode;
      throw error;
    });
  registerStack(program);
  registerWorker(program);
  registerIngest(program);
  registerSql(program);
  registerDataset(program);
  registerLabel(program);
  registerTrain(program);
  registerModels(program);
  registerEvaluate(program);
  registerReport(program);
  registerScore(program);
  registerPipeline(program);
  registerSchedule(program);
  registerDrift(program);
  registerServe(program);
  registerWatch(program);
  registerDemo(program);
  await program.parseAsync(process.argv);
}

main().catch((error: unknown) => {
  // commander already printed its own usage errors
  if ((error as { code?: string }).code?.startsWith('commander.')) return;
  reportFailure(error);
  // Native Temporal handles can outlive a failed command; the error is reported, so leave now.
  process.exit();
});
