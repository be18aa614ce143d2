import { ScheduleOverlapPolicy, type ScheduleHandle, type ScheduleSpec } from '@temporalio/client';
import type { Command } from 'commander';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { loadPipelineConfig } from '../../lib/pipeline/config.js';
import { assertInputFits } from '../../lib/temporal/input-size.js';
import { withTemporalClient } from '../../lib/temporal/session.js';
import { PipelineWorkflow } from '../../workflows/index.js';
import { lakeUriOf, oneOf } from '../options.js';
import { pipelineInput } from '../pipeline-input.js';

const OVERLAP = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
} as const;
type Overlap = keyof typeof OVERLAP;

interface CreateFlags {
  cron?: string;
  every?: string;
  config: string;
  lake?: string;
  overlap: Overlap;
  catchupWindow: string;
}

/** `--overlap`: always explicit, with the default that fits the command. */
const overlapOption = (fallback: Overlap) =>
  [
    '--overlap <policy>',
    Object.keys(OVERLAP).join(', '),
    oneOf(Object.keys(OVERLAP) as Overlap[]),
    fallback,
  ] as const;

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description(
      'nightly (or any) pipeline runs with Temporal Schedules; runs need a worker (imagelake worker)',
    );
  schedule
    .command('create <name>')
    .description('run the pipeline on a cron or an interval')
    .option('--cron <expr>', 'cron expression, e.g. "0 2 * * *" (UTC); default: the config\'s schedule')
    .option('--every <duration>', 'an interval instead, e.g. 6h or 30s')
    .requiredOption('--config <file>', 'pipeline config (YAML or JSON), resolved now')
    .option('--lake <uri>', "overrides the config's lake")
    // Always explicit: the SDK's default catch-up window is a year.
    .option(...overlapOption('skip'))
    .option('--catchup-window <duration>', 'how late a missed run may still start', '1h')
    .action(async (name: string, flags: CreateFlags) => {
      const config = loadConfig();
      const pipeline = loadPipelineConfig(flags.config);
      if (flags.cron !== undefined && flags.every !== undefined)
        throw new UserError('schedule: give --cron or --every, not both');
      const cron = flags.cron ?? (flags.every === undefined ? pipeline.schedule : null);
      if (cron === null && flags.every === undefined)
        throw new UserError(`schedule: give --cron or --every, or a schedule field in ${flags.config}`);
      const lakeUri = lakeUriOf(flags.lake, pipeline.lake ?? config.lakeUri);
      const spec: ScheduleSpec = cron
        ? { cronExpressions: [cron] }
        : { intervals: [{ every: flags.every! as `${number}${string}` }] };
      const args = [pipelineInput(pipeline, lakeUri)] as const;
      assertInputFits(PipelineWorkflow.name, args);
      await withTemporalClient(config, async (client) => {
        await client.schedule.create({
          scheduleId: name,
          spec,
          action: {
            type: 'startWorkflow',
            workflowType: PipelineWorkflow,
            workflowId: `pipeline-${name}`,
            taskQueue: config.taskQueue,
            args: [...args],
          },
          policies: {
            overlap: OVERLAP[flags.overlap],
            catchupWindow: flags.catchupWindow as `${number}${string}`,
          },
        });
      });
      console.log(
        `schedule ${name}: ${cron ? `cron "${cron}"` : `every ${flags.every}`}, overlap ${flags.overlap}, catch-up window ${flags.catchupWindow}`,
      );
    });

  schedule.command('list').action(async () => {
    await withTemporalClient(loadConfig(), async (client) => {
      for await (const s of client.schedule.list())
        console.log(
          `${s.scheduleId}  ${s.state.paused ? 'paused' : 'active'}  next ${s.info.nextActionTimes[0]?.toISOString() ?? '-'}`,
        );
    });
  });

  schedule.command('describe <name>').action(async (name: string) => {
    await withTemporalClient(loadConfig(), async (client) => {
      const d = await client.schedule.getHandle(name).describe();
      console.log(
        JSON.stringify(
          {
            id: d.scheduleId,
            paused: d.state.paused,
            note: d.state.note,
            spec: d.spec,
            overlap: d.policies.overlap,
            catchupWindowMs: d.policies.catchupWindow,
            recentActions: d.info.recentActions.map((a) => ({
              at: a.takenAt,
              workflowId: a.action.workflow.workflowId,
            })),
            nextActionTimes: d.info.nextActionTimes,
          },
          null,
          2,
        ),
      );
    });
  });

  const simple = (cmd: string, description: string, fn: (h: ScheduleHandle) => Promise<void>) =>
    schedule
      .command(`${cmd} <name>`)
      .description(description)
      .action(async (name: string) => {
        await withTemporalClient(loadConfig(), (client) => fn(client.schedule.getHandle(name)));
        console.log(`schedule ${name}: ${cmd} done`);
      });
  simple('trigger', 'run the pipeline now, once', (h) => h.trigger());
  simple('pause', 'stop firing until unpaused', (h) => h.pause('paused with imagelake'));
  simple('unpause', 'fire again', (h) => h.unpause('unpaused with imagelake'));
  simple('delete', 'remove the schedule (running pipelines go on)', (h) => h.delete());

  schedule
    .command('backfill <name>')
    .description('run the pipelines the schedule would have run between two times')
    .requiredOption('--from <time>', 'start (ISO 8601)')
    .requiredOption('--to <time>', 'end (ISO 8601)')
    .option(...overlapOption('buffer-all'))
    .action(async (name: string, flags: { from: string; to: string; overlap: Overlap }) => {
      const [start, end] = [new Date(flags.from), new Date(flags.to)];
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start)
        throw new UserError(
          `schedule: expected --from < --to as ISO times, got "${flags.from}" and "${flags.to}"`,
        );
      await withTemporalClient(loadConfig(), (client) =>
        client.schedule.getHandle(name).backfill({ start, end, overlap: OVERLAP[flags.overlap] }),
      );
      console.log(`schedule ${name}: backfill ${start.toISOString()} .. ${end.toISOString()} requested`);
    });
}
