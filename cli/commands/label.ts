import type { Command } from 'commander';
import { LAKE_OPTION, lakeUriOf } from '../options.js';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { parseLabelFile } from '../../lib/labels/label-file.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { withTemporal } from '../../lib/temporal/session.js';
import { LabelImportWorkflow } from '../../workflows/index.js';

export function registerLabel(program: Command): void {
  const label = program.command('label').description('human labels and corrections');
  label
    .command('import <file>')
    .description('add labels from a CSV (header: image_id or sha256, label[, weight]) or a JSON array')
    .option(...LAKE_OPTION)
    .action(async (file: string, flags: { lake?: string }) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`labels: cannot read ${file}: ${error.code ?? error.message}`);
      });
      parseLabelFile(basename(file), bytes.toString('utf8')); // refuse a bad file before anything is staged
      const importId = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
      const fileKey = `incoming/labels/${importId}${extname(file).toLowerCase() === '.json' ? '.json' : '.csv'}`;
      const lake = openLake(lakeUri);
      try {
        await lake.putIfAbsent(fileKey, bytes);
      } finally {
        await lake.close();
      }
      const summary = await withTemporal(config, (session) =>
        session.execute(LabelImportWorkflow, {
          workflowId: `labels-${importId}`,
          args: [{ lakeUri, fileKey, fileName: basename(file), importId, importedAtMs: Date.now() }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      );
      console.log(
        summary.imported
          ? `labels: imported ${summary.rows} labels from ${file} (import ${importId.slice(0, 12)})`
          : `labels: ${file} was imported before (import ${importId.slice(0, 12)}, ${summary.rows} labels): nothing new`,
      );
    });
}
