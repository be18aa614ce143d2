import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import type { IngestSummary } from '../../activities/ingest/commit-ingest.js';
import { loadConfig } from '../../lib/config.js';
import { ingestLayout, validateRunId } from '../../lib/ingest/layout.js';
import { labelReportLines, type LabelReport } from '../../lib/ingest/labeler.js';
import { readLabelManifest } from '../../lib/ingest/labels.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { parseSource } from '../../lib/ingest/source.js';
import { classList, labelRule } from '../ingest-input.js';
import { refuseOtherRequest } from '../ingest-request.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { ingestProgressQuery } from '../../workflows/definitions.js';
import { IngestWorkflow, type IngestInput } from '../../workflows/ingest.js';
import { BOUNDS } from '../../workflows/input-bounds.js';
import { boundedInt, LAKE_OPTION, lakeUriOf, oneOf, size } from '../options.js';
import { Progress } from '../progress.js';

interface IngestFlags {
  lake?: string;
  labels?: 'dir' | 'idx' | 'none';
  labelRegex?: string;
  labelManifest?: string;
  allowUnlabeled?: boolean;
  idxLabels?: string;
  classes?: string;
  size: { width: number; height: number };
  fit: 'contain' | 'cover' | 'fill';
  invert: 'auto' | 'always' | 'never';
  maxPixels: number;
  chunkSize: number;
  partSize: number;
  parallel: number;
  runId?: string;
  json?: boolean;
  originals: boolean;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest <source>')
    .description(
      'ingest raw images (a directory, an s3:// prefix or an IDX images file) into the lake, exactly once',
    )
    .option(...LAKE_OPTION)
    .option(
      '--labels <rule>',
      'label source: dir (parent directory name), idx, none (default: idx for IDX sources, else none)',
      oneOf(['dir', 'idx', 'none'] as const),
    )
    .option(
      '--label-regex <regex>',
      'label = the one capture group of this regex on the file name, e.g. "^(\\d+)_"',
    )
    .option('--label-manifest <file>', 'CSV (path,label header) or JSON manifest of path -> label')
    .option(
      '--allow-unlabeled',
      'ingest even when --labels dir, --label-regex or --label-manifest labels none of the files',
    )
    .option('--idx-labels <file>', 'IDX labels file (default: found beside the images file)')
    .option(
      '--classes <list>',
      'class names, comma-separated, or a preset: fashion-mnist, mnist (default: inferred from the labels)',
    )
    .option('--size <WxH>', 'normalized size', size, { width: 28, height: 28 })
    .option(
      '--fit <fit>',
      'contain (keep aspect ratio), cover or fill',
      oneOf(['contain', 'cover', 'fill'] as const),
      'contain',
    )
    .option(
      '--invert <mode>',
      'polarity: auto (dark background), always, never',
      oneOf(['auto', 'always', 'never'] as const),
      'auto',
    )
    .option('--max-pixels <n>', 'decoded pixel bound per image', boundedInt(BOUNDS.maxPixels), 40_000_000)
    .option('--chunk-size <n>', 'items per activity', boundedInt(BOUNDS.chunkSize), 16_384)
    .option('--part-size <n>', 'images per Avro batch file', boundedInt(BOUNDS.partSize), 8192)
    .option('--parallel <n>', 'chunk activities at once over all workers', boundedInt(BOUNDS.inFlight), 4)
    .option(
      '--run-id <id>',
      'ingest run id (the workflow id): the same id and request resumes or returns that run; another request is refused',
    )
    .option(
      '--no-originals',
      'keep no original in the lake (by default each is stored once, byte for byte); renditions of these images then cannot be derived later',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (sourceArg: string, flags: IngestFlags) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      const source = parseSource(sourceArg, flags.idxLabels);
      const input: IngestInput = {
        lakeUri,
        source,
        labels: labelRule(flags, source),
        classes: classList(flags.classes),
        normalize: {
          width: flags.size.width,
          height: flags.size.height,
          fit: flags.fit,
          invert: flags.invert,
          maxInputPixels: flags.maxPixels,
        },
        chunkSize: flags.chunkSize,
        partSize: flags.partSize,
        parallelism: flags.parallel,
        ...(!flags.originals && { originals: 'none' as const }),
      };
      if (!flags.originals)
        console.error(
          'ingest: --no-originals: the originals are not kept, so no other rendition of these images can be derived from the lake later (only by ingesting them again from their source)',
        );
      // A bad manifest is refused before anything starts, as label import refuses a bad file.
      if (input.labels.kind === 'manifest') await readLabelManifest(input.labels.path);
      const runId = validateRunId(
        flags.runId ??
          `ingest-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`,
      );
      const summary = await withTemporal(config, async (session) => {
        const handle = await session
          .start(IngestWorkflow, {
            workflowId: runId,
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          })
          .catch(async (error: unknown) => {
            if ((error as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
            // Checked before following it: a command refused must not stop another request's run.
            await refuseOtherRequest(session.client.workflow.getHandle(runId), input);
            return session.follow<typeof IngestWorkflow>(runId);
          });
        const progress = new Progress(`ingest ${runId}`);
        // One progress query at a time, awaited before the connection closes: a query still in
        // flight then would retry on a closed channel and crash the command after the run succeeded.
        let polling: Promise<void> | undefined;
        const timer = setInterval(() => {
          polling ??= handle
            .query(ingestProgressQuery)
            .then(
              (p) => {
                if (p.phase !== 'planning')
                  progress.update(p.seen, p.itemCount, p.phase === 'committing' ? '(committing)' : '');
              },
              () => undefined, // a query can fail while the workflow moves between runs; the next poll retries
            )
            .finally(() => (polling = undefined));
        }, 500);
        try {
          return await session.result(handle);
        } finally {
          clearInterval(timer);
          await polling;
          progress.done();
        }
      });
      const labels = await readLabelReport(lakeUri, runId);
      for (const line of labels ? labelReportLines(labels) : []) console.error(line);
      print(summary, labels, lakeUri, flags.json === true);
    });
}

/** What the run's plan step reported of its label rule; undefined for IDX sources and no labels. */
async function readLabelReport(lakeUri: string, runId: string): Promise<LabelReport | undefined> {
  const lake = openLake(lakeUri);
  try {
    const key = ingestLayout.labelReport(runId);
    return (await lake.head(key)) ? (JSON.parse((await lake.get(key)).toString()) as LabelReport) : undefined;
  } finally {
    await lake.close();
  }
}

function print(s: IngestSummary, labels: LabelReport | undefined, lakeUri: string, json: boolean): void {
  if (json) {
    const { runId, seen, ingested, duplicates, concurrentDuplicates, quarantined, batches, bytes } = s;
    const counts = { runId, seen, ingested, duplicates, concurrentDuplicates, quarantined, batches, bytes };
    console.log(JSON.stringify(labels ? { ...counts, labels } : counts));
    return;
  }
  const concurrent =
    s.concurrentDuplicates > 0 ? ` (${s.concurrentDuplicates} stored by a concurrent run)` : '';
  console.log(
    `ingest ${s.runId}: ${s.seen} seen, ${s.ingested} ingested, ${s.duplicates} duplicates${concurrent}, ${s.quarantined} quarantined`,
  );
  console.log(`  ${s.batches} Avro batch files, ${(s.bytes / 2 ** 20).toFixed(1)} MiB, in ${lakeUri}`);
  if (s.labelConflicts > 0)
    console.log(
      `  ${s.labelConflicts} duplicates carry a label that differs from the stored image (see meta/duplicates)`,
    );
  if (s.quarantined > 0)
    console.log(`  quarantined inputs and their reasons: meta/quarantine/${s.runId}.parquet`);
}
