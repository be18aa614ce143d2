import { catalogRows } from '../catalog/helpers.js';
import { runCli } from '../cli/run-cli.js';
import { testStack } from '../setup/stack.js';
import type { TestWorkerContext } from '../setup/temporal.js';

/** `imagelake ingest` (labels from folder names, JSON summary) as a client of the test's worker. */
export const ingestCli = ({ taskQueue, lakeUri }: TestWorkerContext, ...args: string[]) =>
  runCli(['ingest', ...args, '--lake', lakeUri, '--labels', 'dir', '--json'], {
    TEMPORAL_ADDRESS: testStack().temporalAddress,
    IMAGELAKE_TASK_QUEUE: taskQueue,
  });

/** The images the lake's catalog shows. */
export const imageCount = async (ctx: TestWorkerContext) =>
  Number((await catalogRows(ctx.deps, ctx.lakeUri, 'SELECT count(*) FROM images'))[0]![0]);
