import { Context } from '@temporalio/activity';
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
  const sandbox = await openSandbox(snapshot, deps.config.labelPrecedence, {
    lazy: true,
    limits: deps.config.queryLimits,
  });
  return { snapshot, sandbox: stoppedWhenCancelled(sandbox) };
}

/**
 * A cancelled activity stops its query at once (a user's query can run for many minutes): the
 * heartbeat that brings the cancellation interrupts the statement.
 */
function stoppedWhenCancelled(sandbox: Sandbox): Sandbox {
  const cancelled = Context.current().cancellationSignal;
  const interrupt = () => sandbox.interrupt();
  cancelled.addEventListener('abort', interrupt, { once: true });
  return {
    ...sandbox,
    close() {
      cancelled.removeEventListener('abort', interrupt);
      sandbox.close();
    },
  };
}
