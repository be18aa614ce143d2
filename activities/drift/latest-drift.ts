import { newestDriftCheck } from '../../lib/drift/newest.js';
import type { DriftLevel } from '../../lib/drift/drift.js';
import { currentAlias } from '../../lib/registry/aliases.js';
import type { ActivityDeps } from '../deps.js';

/** The level of the newest drift check of the model an alias points to; null when never checked. */
export function createLatestDrift(deps: ActivityDeps) {
  return async function latestDrift(input: {
    lakeUri: string;
    alias: string;
  }): Promise<{ modelId: string | null; level: DriftLevel | null }> {
    const lake = deps.lakes.open(input.lakeUri);
    const move = await currentAlias(lake, input.alias);
    if (!move) return { modelId: null, level: null };
    return { modelId: move.modelId, level: (await newestDriftCheck(lake, move.modelId))?.level ?? null };
  };
}
