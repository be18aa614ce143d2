import type { Command } from 'commander';
import { loadConfig } from '../../lib/config.js';
import { exportOriginals, type ExportSummary } from '../../lib/raw/export.js';
import { withCatalog } from '../catalog-session.js';
import { LAKE_OPTION, lakeUriOf } from '../options.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the originals of the images a filter selects back as files, byte for byte')
    .requiredOption(
      '--where <predicate>',
      'which images: a predicate on the images view, e.g. "label = \'Bag\'"',
    )
    .requiredOption('--to <dir>', 'folder to write <image_id>.<ext> files into (made when missing)')
    .option(...LAKE_OPTION)
    .action(async (flags: { where: string; to: string; lake?: string }) => {
      const config = loadConfig();
      const lakeUri = lakeUriOf(flags.lake, config.lakeUri);
      const summary = await withCatalog(config, lakeUri, ({ lake, sandbox }) =>
        exportOriginals(lake, sandbox, flags.where, flags.to),
      );
      console.log(summaryLine(summary, flags.to));
    });
}

function summaryLine(s: ExportSummary, dir: string): string {
  if (s.matched === 0) return 'export: the filter selects no image';
  const files = `${s.written} originals written to ${dir} (${s.bytes} bytes)${s.unchanged ? `, ${s.unchanged} already there` : ''}`;
  const missing =
    s.withoutOriginal === 0
      ? ''
      : `; ${s.withoutOriginal} of the ${s.matched} selected images have no original in the lake (ingested before originals were kept, or with --no-originals)`;
  return `export: ${files}${missing}`;
}
