import type { Lake } from '../lake/lake.js';
import type { DriftLevel } from './drift.js';

/** The newest stored drift check (of one model, or of any), from `manifests/drift/`. */
export async function newestDriftCheck(
  lake: Lake,
  modelId?: string,
): Promise<{ modelId: string; level: DriftLevel; checkedAt: string } | undefined> {
  let newest: { modelId: string; level: DriftLevel; checkedAt: string } | undefined;
  for await (const o of lake.list('manifests/drift/')) {
    const check = JSON.parse((await lake.get(o.key)).toString()) as {
      modelId: string;
      level: DriftLevel;
      checkedAt: string;
    };
    if (
      (modelId === undefined || check.modelId === modelId) &&
      (!newest || check.checkedAt > newest.checkedAt)
    )
      newest = check;
  }
  return newest;
}
