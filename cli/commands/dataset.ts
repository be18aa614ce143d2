import type { Command } from 'commander';
import { LAKE_OPTION, lakeUriOf } from '../options.js';
import { formatResult } from '../../lib/catalog/result-format.js';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { validateDatasetName } from '../../lib/dataset/ref.js';
import { DEFAULT_SPLIT, parseSplitSpec } from '../../lib/dataset/splits.js';
import { resolveDataset } from '../../lib/dataset/versions.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { DatasetCreateWorkflow, type CreateDatasetInput } from '../../workflows/index.js';
import { withCatalog } from '../catalog-session.js';
import { classList } from '../ingest-input.js';

interface CreateFlags {
  lake?: string;
  query: string;
  split?: string;
  seed: string;
  stratify?: boolean;
  classes?: string;
  json?: boolean;
}

export function registerDataset(program: Command): void {
  const dataset = program.command('dataset').description('query-defined, immutable dataset versions');

  dataset
    .command('create <name>')
    .description('snapshot the images a query selects as a new version (only when the members changed)')
    .requiredOption('--query <sql>', 'read-only query over the views that returns image_id')
    .option('--split <spec>', 'fractions, e.g. train=0.8,val=0.1,test=0.1 (the default)')
    .option('--seed <n>', 'seed of the split assignment', '1')
    .option('--stratify', 'exact split fractions per class (members keep their split across versions)')
    .option('--classes <list>', 'class names in index order, or a preset (default: inferred from labels)')
    .option(...LAKE_OPTION)
    .option('--json', 'print the summary as JSON')
    .action(async (name: string, flags: CreateFlags) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      const seed = Number(flags.seed);
      if (!Number.isSafeInteger(seed) || seed < 0)
        throw new UserError(`dataset: --seed must be an integer >= 0, got "${flags.seed}"`);
      const input: CreateDatasetInput = {
        lakeUri,
        name: validateDatasetName(name),
        query: flags.query,
        split: flags.split === undefined ? DEFAULT_SPLIT : parseSplitSpec(flags.split),
        seed,
        stratify: flags.stratify === true,
        classes: classList(flags.classes),
      };
      const summary = await withTemporal(config, (session) =>
        session.execute(DatasetCreateWorkflow, {
          workflowId: `dataset-${name}-${Date.now()}`,
          args: [input],
        }),
      );
      if (flags.json) return console.log(JSON.stringify(summary));
      const { train, val, test, total, unlabeled } = summary.counts;
      console.log(
        summary.created
          ? `dataset ${summary.ref}: ${total} images (train ${train}, val ${val}, test ${test}; ${unlabeled} unlabeled), ${summary.classes.length} classes`
          : `dataset ${summary.ref} unchanged: the query selects the same members with the same labels (no new version)`,
      );
    });

  dataset
    .command('list')
    .description('every dataset version')
    .option(...LAKE_OPTION)
    .action(async (flags: { lake?: string }) => {
      const config = loadConfig();
      const out = await withCatalog(config, flags.lake ?? config.lakeUri, async ({ sandbox }) =>
        formatResult(
          await sandbox.query(
            'SELECT ref, members, train, val, test, len(classes) AS classes, created_at, query FROM datasets ORDER BY name, version',
          ),
          'table',
        ),
      );
      process.stdout.write(out);
    });

  dataset
    .command('show <ref>')
    .description('a dataset version: query, snapshot, counts, and its classes per split')
    .option(...LAKE_OPTION)
    .option('--json', 'print the manifest as JSON')
    .action(async (ref: string, flags: { lake?: string; json?: boolean }) => {
      const config = loadConfig();
      await withCatalog(config, flags.lake ?? config.lakeUri, async ({ lake, sandbox }) => {
        const m = await resolveDataset(lake, ref);
        if (flags.json) return console.log(JSON.stringify(m, null, 2));
        console.log(`${m.ref}  created ${m.createdAt}  content ${m.contentHash.slice(0, 16)}`);
        console.log(`query: ${m.query}`);
        console.log(`split: ${JSON.stringify(m.split)} seed ${m.seed}${m.stratify ? ' stratified' : ''}`);
        console.log(
          `snapshot: ${m.snapshot.id.slice(0, 16)} (${m.snapshot.manifests.length} committed manifests)`,
        );
        const reader = await sandbox.query(
          `SELECT coalesce(label, '(unlabeled)') AS label, count(*) FILTER (split = 'train') AS train,
             count(*) FILTER (split = 'val') AS val, count(*) FILTER (split = 'test') AS test, count(*) AS total
           FROM dataset_members WHERE dataset = $name AND version = $version GROUP BY ALL ORDER BY min(class_index), label`,
          { name: m.name, version: m.version },
        );
        process.stdout.write(formatResult(reader, 'table'));
      });
    });

  dataset
    .command('diff <a> <b>')
    .description('members added, removed, relabeled or moved between splits from version a to b')
    .option(...LAKE_OPTION)
    .action(async (a: string, b: string, flags: { lake?: string }) => {
      const config = loadConfig();
      await withCatalog(config, flags.lake ?? config.lakeUri, async ({ lake, sandbox }) => {
        const [ma, mb] = [await resolveDataset(lake, a), await resolveDataset(lake, b)];
        const reader = await sandbox.query(
          `WITH a AS (SELECT * FROM dataset_members WHERE dataset = $an AND version = $av),
                b AS (SELECT * FROM dataset_members WHERE dataset = $bn AND version = $bv)
           SELECT CASE WHEN a.image_id IS NULL THEN 'added' WHEN b.image_id IS NULL THEN 'removed'
                       WHEN a.label IS DISTINCT FROM b.label THEN 'relabeled' ELSE 'split changed' END AS change,
                  count(*) AS images, any_value(coalesce(a.image_id, b.image_id)) AS example
           FROM a FULL OUTER JOIN b USING (image_id)
           WHERE a.image_id IS NULL OR b.image_id IS NULL OR a.label IS DISTINCT FROM b.label OR a.split <> b.split
           GROUP BY ALL ORDER BY change`,
          { an: ma.name, av: ma.version, bn: mb.name, bv: mb.version },
        );
        console.log(`${ma.ref} (${ma.counts.total} images) -> ${mb.ref} (${mb.counts.total} images)`);
        process.stdout.write(formatResult(reader, 'table'));
      });
    });
}
