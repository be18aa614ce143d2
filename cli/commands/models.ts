import type { Command } from 'commander';
import { loadConfig } from '../../lib/config.js';
import { openLake } from '../../lib/lake/open-lake.js';
import { aliasHistory, moveAlias } from '../../lib/registry/aliases.js';
import { listModels, resolveModel } from '../../lib/registry/resolve-model.js';

const lakeOption = [
  '--lake <uri>',
  'lake directory or s3://bucket/prefix (default IMAGELAKE_LAKE or ./lake)',
] as const;

export function registerModels(program: Command): void {
  const models = program.command('models').description('the model registry: list, show, promote');
  models
    .command('list')
    .option(...lakeOption)
    .action(async (flags: { lake?: string }) => {
      const lake = openLake(flags.lake ?? loadConfig().lakeUri);
      for (const m of await listModels(lake)) {
        const last = m.curves.at(-1);
        console.log(
          `${m.id}  ${m.arch}  ${m.dataset.ref}  epochs ${m.curves.length}  val acc ${last?.valAccuracy?.toFixed(4) ?? '-'}  ${m.createdAt}`,
        );
      }
      await lake.close();
    });
  models
    .command('show <model>')
    .description('the model card of a model id or alias')
    .option(...lakeOption)
    .action(async (model: string, flags: { lake?: string }) => {
      const lake = openLake(flags.lake ?? loadConfig().lakeUri);
      console.log(JSON.stringify(await resolveModel(lake, model), null, 2));
      await lake.close();
    });
  models
    .command('promote <model>')
    .description('point an alias at a model (atomic; the alias history is kept)')
    .requiredOption('--alias <name>', 'production, candidate or any name')
    .option('--reason <text>', 'why, recorded in the alias history', 'manual promotion')
    .option(...lakeOption)
    .action(async (model: string, flags: { alias: string; reason: string; lake?: string }) => {
      const lake = openLake(flags.lake ?? loadConfig().lakeUri);
      const card = await resolveModel(lake, model);
      const move = await moveAlias(lake, flags.alias, card.id, flags.reason);
      console.log(
        `${flags.alias} -> ${card.id} (was ${move.previousModelId ?? 'unset'}; alias version ${move.version})`,
      );
      const history = await aliasHistory(lake, flags.alias);
      if (history.length > 1) console.log(`history: ${history.map((h) => h.modelId).join(' -> ')}`);
      await lake.close();
    });
}
