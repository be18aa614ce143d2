import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import type { ArrowIpcFormat } from '../../lib/catalog/arrow-result.js';
import { formatResult, RESULT_FORMATS, type ResultFormat } from '../../lib/catalog/result-format.js';
import { DEFAULT_QUERY_LIMITS, QUERY_LIMIT_ENV } from '../../lib/catalog/query-limits.js';
import { catalogScript, VIEW_NAMES, viewSql } from '../../lib/catalog/views.js';
import { loadConfig } from '../../lib/config.js';
import { UserError } from '../../lib/errors.js';
import { withCatalog } from '../catalog-session.js';
import { LAKE_OPTION, oneOf } from '../options.js';

interface SqlFlags {
  lake?: string;
  format: ResultFormat;
  output?: string;
  schema?: boolean;
  viewsScript?: boolean;
}

export function registerSql(program: Command): void {
  program
    .command('sql [query]')
    .description(
      'read-only SQL over the catalog views (one statement: SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN)',
    )
    .option(...LAKE_OPTION)
    .option(
      '--format <format>',
      'table, csv, json or arrow (Arrow IPC: the file format when --output names a file such as .arrow or .feather, the stream format to stdout or to a .arrows file)',
      oneOf(RESULT_FORMATS),
      'table',
    )
    .option('--output <file>', 'write the result to a file instead of stdout')
    .option('--schema', 'list the views with their columns')
    .option('--views-script', 'print SQL that defines the views over the committed files, for stock DuckDB')
    .addHelpText(
      'after',
      `\nViews: ${VIEW_NAMES.join(', ')}\nA refused or failing query exits with code 2 and DuckDB's message, as does one over a limit:\n${QUERY_LIMIT_ENV.memory} (default ${DEFAULT_QUERY_LIMITS.memory}: DuckDB's memory and the result read) and\n${QUERY_LIMIT_ENV.timeoutSeconds} (seconds, default ${DEFAULT_QUERY_LIMITS.timeoutSeconds}).`,
    )
    .action(async (query: string | undefined, flags: SqlFlags) => {
      const config = loadConfig();
      const lakeUri = flags.lake ?? config.lakeUri;
      if (!flags.schema && !flags.viewsScript && (query === undefined || query.trim() === ''))
        throw new UserError('sql: give a query, --schema or --views-script', 2);
      if (flags.format === 'arrow' && flags.output === undefined && process.stdout.isTTY)
        throw new UserError('sql: --format arrow writes binary: add --output <file> or redirect stdout', 2);
      const out = await withCatalog(config, lakeUri, async ({ snapshot, sandbox }) => {
        if (flags.viewsScript) return `${catalogScript(snapshot, config.labelPrecedence).join(';\n')};\n`;
        if (flags.schema)
          return schemaText(async (view) => (await sandbox.query(`DESCRIBE ${view}`)).getRowsJS());
        return formatResult(await sandbox.read(query!), flags.format, arrowIpcFor(flags.output));
      });
      if (flags.output !== undefined) await writeFile(flags.output, out);
      else process.stdout.write(out);
    });
}

/** The Arrow IPC format for an output: a file in the file format, except a `.arrows` one; stdout streams. */
export function arrowIpcFor(output: string | undefined): ArrowIpcFormat {
  return output === undefined || /\.arrows$/i.test(output) ? 'stream' : 'file';
}

async function schemaText(describe: (view: string) => Promise<unknown[][]>): Promise<string> {
  const lines: string[] = [];
  for (const view of VIEW_NAMES) {
    lines.push(`${view}: ${viewSql(view).comment}`);
    for (const [name, type] of await describe(view)) lines.push(`  ${String(name)} ${String(type)}`);
    lines.push('');
  }
  return lines.join('\n');
}
