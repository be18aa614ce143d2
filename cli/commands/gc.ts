import { Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { collectGarbage, DEFAULT_GRACE_MS, type CollectReport } from '../../lib/gc/collect.js';
import { parseLakeUri } from '../../lib/lake/lake-uri.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { durationMs, LAKE_OPTION, lakeUriOf } from '../options.js';

interface GcFlags {
  lake?: string;
  apply?: boolean;
  grace: number;
  json?: boolean;
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description(
      'list (dry run) or delete with --apply what no manifest references and no run in progress owns: staging of committed runs, abandoned runs, orphan predictions, old checkpoints',
    )
    .option('--apply', 'delete what is listed (default: only list it)')
    .addOption(
      new Option(
        '--grace <duration>',
        'leave every run, model or import that wrote anything this recently (7d, 12h, 30m, 45s)',
      )
        .argParser(durationMs)
        .default(DEFAULT_GRACE_MS, duration(DEFAULT_GRACE_MS)),
    )
    .option('--json', 'print the report as JSON')
    .option(...LAKE_OPTION)
    .addHelpText(
      'after',
      '\nManifests, what they name, committed batches and models, and anything outside the layouts\nimagelake writes are never deleted. An ingest run collected while it was stalled fails at its\ncommit with a clear error instead of publishing data that is gone.',
    )
    .action(async (flags: GcFlags) => {
      const lakeUri = lakeUriOf(flags.lake, loadConfig().lakeUri);
      const location = parseLakeUri(lakeUri);
      if (location.kind === 'local' && !existsSync(location.path))
        throw new UserError(`gc: no lake at ${location.path}`);
      const lake = openLake(lakeUri);
      try {
        const report = await collectGarbage(lake, { graceMs: flags.grace, apply: flags.apply ?? false });
        console.log(flags.json ? JSON.stringify(report, null, 2) : reportText(report));
      } finally {
        await lake.close();
      }
    });
}

function reportText(r: CollectReport): string {
  const lines: string[] = [];
  const total = r.units.reduce(
    (sum, u) => ({ objects: sum.objects + u.objects, bytes: sum.bytes + u.bytes }),
    {
      objects: 0,
      bytes: 0,
    },
  );
  lines.push(
    `gc: ${r.units.length} units hold ${total.objects} unreferenced objects (${mb(total.bytes)}) untouched for ${duration(r.graceMs)} in ${r.lakeUri}`,
  );
  for (const u of r.units) {
    const what = u.committed ? 'leftovers of a committed' : 'never committed';
    const outcome =
      u.outcome === 'listed' ? '' : u.outcome === 'deleted' ? '  deleted' : `  kept: ${u.outcome.kept}`;
    lines.push(
      `  ${u.unit}  ${what} ${u.unit.split(':')[0]}  ${u.objects} objects  ${mb(u.bytes)}  last written ${u.newest}${outcome}`,
    );
  }
  const k = r.kept;
  lines.push(
    `kept: ${k.manifest.objects} manifests, ${k.referenced.objects} referenced, ${k.committed.objects} of committed runs, ${k.recent.objects} within the grace period, ${k.committing.objects} being committed, ${k.unknown.objects} outside imagelake's layouts, ${k.gc.objects} gc records`,
  );
  lines.push(
    r.applied
      ? `deleted ${r.deleted.objects} objects (${mb(r.deleted.bytes)})`
      : 'dry run: nothing deleted (--apply deletes the listed units)',
  );
  return lines.join('\n');
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
/** A duration in the largest whole unit (7d, 36h, 90m, 45s), as --grace takes it. */
function duration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const)
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${+(ms / 1000).toFixed(3)}s`;
}
