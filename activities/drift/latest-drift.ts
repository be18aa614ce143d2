import { currentAlias } from '../../lib/registry/aliases.js';
import type { DriftLevel } from '../../lib/drift/drift.js';
import type { ActivityDeps } from '../deps.js';
import type { DriftReport } from './compute-drift.js';

/** The level of the newest drift check of the model an alias points to; null when never checked. */
export function createLatestDrift(deps: ActivityDeps) {
  return async function latestDrift(input: {
    lakeUri: string;
    alias: string;
  }): Promise<{ modelId: string | null; level: DriftLevel | null }> {
    const lake = deps.lakes.open(input.lakeUri);
    const move = await currentAlias(lake, input.alias);
    if (!move) return { modelId: null, level: null };
    let newest: DriftReport | undefined;
    for await (const o of lake.list('manifests/drift/')) {
      const report = JSON.parse((await lake.get(o.key)).toString()) as DriftReport;
      if (report.modelId === move.modelId && (!newest || report.checkedAt > newest.checkedAt))
        newest = report;
    }
    return { modelId: move.modelId, level: newest?.level ?? null };
  };
}
