import type { Command } from 'commander';
import { LAKE_OPTION, lakeUriOf } from '../options.js';
import { loadConfig } from '../../lib/config.js';
import { minioUp, stackDown, stackStatus, temporalUp } from '../../lib/stack/local-stack.js';

export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description('start, stop and show the local Temporal dev server (and MinIO)');
  stack
    .command('up')
    .description('start the local Temporal dev server (idempotent)')
    .option('--s3', 'also start a local MinIO and create the imagelake bucket')
    .action(async (options: { s3?: boolean }) => {
      const config = loadConfig();
      const temporal = await temporalUp(config);
      console.log(
        `temporal: ${temporal.started ? 'started' : 'already running'} (pid ${temporal.state.pid})`,
      );
      if (options.s3) {
        const minio = await minioUp(config);
        console.log(`minio: ${minio.started ? 'started' : 'already running'} (pid ${minio.state.pid})`);
        console.log(`S3 lake: --lake s3://imagelake/lake after \`source ${minio.envFile}\` and`);
        console.log(`  export AWS_ENDPOINT_URL_S3=http://127.0.0.1:${config.minioPort}`);
      }
      await printStatus();
    });
  stack
    .command('down')
    .description('stop the local servers (their data stays under the state directory)')
    .action(async () => {
      const stopped = await stackDown(loadConfig());
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
    });
  stack.command('status').description('print the addresses of the running local servers').action(printStatus);
  stack
    .command('check')
    .description(
      'prove the stack works: a smoke workflow commits to the lake and reads it back through a worker',
    )
    .option(...LAKE_OPTION)
    .action(async (options: { lake?: string }) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(options.lake, config.lakeUri);
      // Loaded here: the worker and its activities are the heavy part of the command's start-up.
      const { withTemporal } = await import('../../lib/temporal/session.js');
      const { SmokeWorkflow } = await import('../../workflows/index.js');
      const result = await withTemporal(config, (session) =>
        session.execute(SmokeWorkflow, {
          workflowId: `smoke-${new Date().toISOString().replace(/[:.]/g, '-')}`,
          args: [{ lakeUri }],
        }),
      );
      console.log(
        `check: committed ${result.key} (${result.bytes} bytes) to ${lakeUri}; verified: ${result.verified}`,
      );
    });
}

async function printStatus(): Promise<void> {
  const config = loadConfig();
  const states = await stackStatus(config);
  if (states.length === 0) {
    console.log('local stack: not running (start it with `imagelake stack up`)');
    return;
  }
  for (const state of states) {
    for (const [name, url] of Object.entries(state.urls)) console.log(`${name.padEnd(20)} ${url}`);
    console.log(`${`${state.name} log`.padEnd(20)} ${state.log}`);
  }
  if (config.temporalAddress)
    console.log(
      `note: TEMPORAL_ADDRESS=${config.temporalAddress} is set, so commands use that server instead`,
    );
}
