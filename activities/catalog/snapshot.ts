import { loadSnapshot, type LakeSnapshot } from '../../lib/catalog/snapshot.js';
import { openSandbox, type Sandbox } from '../../lib/catalog/sandbox.js';
import type { Lake } from '../../lib/lake/lake.js';
import type { ActivityDeps } from '../deps.js';

/**
 * The lake's committed state and a read-only catalog over it, its views defined as statements
 * first use them; the caller closes the sandbox.
 */
export async function openCatalog(
  deps: ActivityDeps,
  lake: Lake,
): Promise<{ snapshot: LakeSnapshot; sandbox: Sandbox }> {
  const snapshot = await loadSnapshot(lake, deps.mirror);
  return {
    snapshot,
    sandbox: await openSandbox(snapshot, deps.config.labelPrecedence, {
      lazy: true,
      limits: deps.config.queryLimits,
    }),
  };
}
