import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { WatchBatchWorkflow } from '../../workflows/index.js';
import { LAKE_OPTION, lakeUriOf, positiveInt } from '../options.js';
import { firstBatch } from '../watch-batch.js';

interface WatchFlags {
  model: string;
  interval: number;
  settle: number;
  lake?: string;
  once?: boolean;
}

export function registerWatch(program: Command): void {
  program
    .command('watch <source>')
    .description(
      'ingest files as they arrive in a directory or s3:// prefix and pre-label them with the production model',
    )
    .option('--model <model>', 'model id or alias', 'production')
    .option('--interval <ms>', 'how often the source is listed', positiveInt, 500)
    .option(
      '--settle <ms>',
      'a file must be unchanged this long before it is taken (still being written otherwise)',
      positiveInt,
      300,
    )
    .option('--once', 'take what is there now, then stop')
    .option(...LAKE_OPTION)
    .action(async (sourceArg: string, flags: WatchFlags) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      const root = sourceArg.startsWith('s3://') ? sourceArg.replace(/\/+$/, '') : resolve(sourceArg);
      if (!root.startsWith('s3://') && !existsSync(root))
        throw new UserError(`watch: "${sourceArg}" does not exist`);
      const tag = createHash('sha256').update(`${lakeUri}\n${root}`).digest('hex').slice(0, 12);
      // What was taken, by path and size+mtime: survives restarts; the lake's sha256 dedupe is the real guarantee.
      const stateFile = join(config.stateDir, 'watch', `${tag}.json`);
      mkdirSync(join(config.stateDir, 'watch'), { recursive: true });
      const taken = new Map<string, string>(
        existsSync(stateFile)
          ? Object.entries(JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, string>)
          : [],
      );
      const source = openLake(root);
      console.log(`watch: ${root} -> ${lakeUri}, pre-labeling with "${flags.model}"`);
      await withTemporal(config, async (session) => {
        let batch = 0;
        while (!session.interrupted.aborted) {
          const fresh: { key: string; etag: string; modified: number }[] = [];
          for await (const o of source.list('')) {
            if (taken.get(o.key) === o.etag) continue;
            if (Date.now() - o.lastModified.getTime() < flags.settle) continue;
            fresh.push({ key: o.key, etag: o.etag, modified: o.lastModified.getTime() });
          }
          const files = firstBatch(fresh);
          if (files.length > 0) {
            const result = await session.execute(WatchBatchWorkflow, {
              workflowId: `watch-${tag}-${Date.now()}-${batch++}`,
              args: [{ lakeUri, root, files: files.map((f) => f.key), model: flags.model, tag }],
            });
            for (const f of files) taken.set(f.key, f.etag);
            writeFileSync(`${stateFile}.tmp`, JSON.stringify(Object.fromEntries(taken)));
            renameSync(`${stateFile}.tmp`, stateFile);
            const delay = (Date.now() - Math.min(...files.map((f) => f.modified))) / 1000;
            console.log(
              `watch: ${files.length} files: ${result.ingested} ingested, ${result.duplicates} duplicates, ${result.quarantined} quarantined; ${result.scored?.images ?? 0} pre-labeled; landing to committed prediction ${delay.toFixed(1)} s`,
            );
          }
          // More than one batch waiting: the next one at once. --once stops when none is left.
          if (files.length < fresh.length) continue;
          if (flags.once) break;
          await sleep(flags.interval, undefined, { signal: session.interrupted });
        }
      });
      await source.close();
    });
}
