import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestCounts, IngestManifest } from '../../lib/ingest/manifest.js';
import type { IngestPlan } from '../../lib/ingest/plan.js';
import type { IngestSource } from '../../lib/ingest/source.js';
import type { Lake } from '../../lib/lake/lake.js';
import type { ActivityDeps } from '../deps.js';
import { guardedCommit, type CommitGuard } from '../../lib/gc/commit-guard.js';
import { heartbeatDuring } from '../heartbeat-during.js';
import { committedManifests } from './committed.js';
import { claimCommit, publishCommitted, readCommitLog, type CommitLog } from './commit-log.js';
import { loadOthers, loadStaged, writeTables } from './commit-tables.js';
import { removeStaging } from './remove-staging.js';
import type { PartReport } from './write-part.js';

export interface CommitIngestInput {
  readonly lakeUri: string;
  readonly runId: string;
  readonly source: IngestSource;
  readonly classes: readonly string[];
}

export interface IngestSummary extends IngestCounts {
  readonly runId: string;
  /** Of the duplicates, those a concurrent run stored first. */
  readonly concurrentDuplicates: number;
  readonly labelConflicts: number;
}

/**
 * Combines the staged parts into the run's tables and commits them: exactly once across runs.
 * The commit point is the claim of the next position in the commit log (put-if-absent); the
 * tables leave out every image a run committed before that position stored, so two runs holding
 * the same image (at the same time, from one folder or two) store it once. A commit that loses
 * its position to a concurrent one loads what that one stored and tries the next position.
 * The run's manifest, what readers list, is published after the claim.
 */
export function createCommitIngest(deps: ActivityDeps) {
  return (input: CommitIngestInput): Promise<IngestSummary> => {
    const lake = deps.lakes.open(input.lakeUri);
    // Under an intent gc sees; once committed, the staging goes (see guardedCommit).
    return heartbeatDuring(() =>
      guardedCommit(
        lake,
        { kind: 'ingest', id: input.runId },
        (guard) => commitIngest(input, guard),
        () => removeStaging(lake, deps.mirror, input.runId),
      ),
    );
  };

  async function commitIngest(input: CommitIngestInput, guard: CommitGuard): Promise<IngestSummary> {
    const lake = deps.lakes.open(input.lakeUri);
    const manifestKey = ingestLayout.manifest(input.runId);
    if (await lake.head(manifestKey))
      return summaryOf(JSON.parse((await lake.get(manifestKey)).toString()) as IngestManifest);
    let log = await readCommitLog(deps, lake);
    const claimed = await publishIfClaimed(lake, log, input.runId);
    if (claimed) return claimed;
    await guard.refuseIfCollected();

    const plan = JSON.parse((await lake.get(ingestLayout.plan(input.runId))).toString()) as IngestPlan;
    const staged = await readStaged(lake, plan);
    const dir = await mkdtemp(join(tmpdir(), 'imagelake-commit-'));
    const connection = await (await deps.duckdb()).connect();
    try {
      await loadStaged(connection, input.runId, staged.rows);
      // Runs committed before the log (no entry) are listed by their manifests.
      const visible = (await committedManifests(lake)).filter((m) => m.runId !== input.runId);
      for (;;) {
        const others = new Map(visible.map((m) => [m.runId, m]));
        for (const e of log.entries) others.set(e.manifest.runId, e.manifest);
        await loadOthers(
          connection,
          await Promise.all([...others.values()].map((m) => deps.mirror.localFile(lake, m.tables.images))),
        );
        const written = await writeTables(connection, lake, dir, input.runId, staged.reports);
        const manifest: IngestManifest = {
          kind: 'ingest',
          runId: input.runId,
          committedAt: new Date().toISOString(),
          source: input.source,
          classes: input.classes,
          counts: written.counts,
          concurrentDuplicates: written.concurrentDuplicates,
          labelConflicts: written.labelConflicts,
          commit: log.next,
          tables: written.tables,
          // A later run under this id is checked against it once the plan is gone (see planIngest).
          ...(plan.request && { request: plan.request }),
        };
        await guard.beforePublish();
        const committed = await claimCommit(lake, log, manifest);
        if (committed) {
          await publishCommitted(lake, committed, log.next);
          return summaryOf(manifest);
        }
        // A concurrent commit took the position (or a retried attempt of this one did).
        log = await readCommitLog(deps, lake);
        const retried = await publishIfClaimed(lake, log, input.runId);
        if (retried) return retried;
      }
    } finally {
      connection.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The staged parts: local files of their rows, and their reports. */
  async function readStaged(lake: Lake, { runId, itemCount }: IngestPlan) {
    const staged = { rows: [] as string[], reports: [] as PartReport[] };
    for await (const o of lake.list(ingestLayout.stagingPrefix(runId))) {
      if (o.key.endsWith('.parquet')) staged.rows.push(await deps.mirror.localFile(lake, o.key));
      else if (o.key.endsWith('.json'))
        staged.reports.push(JSON.parse((await lake.get(o.key)).toString()) as PartReport);
    }
    // Only a run of no items stages nothing; otherwise its staging is gone and committing would lose it.
    if (staged.rows.length === 0 && itemCount > 0)
      throw new Error(`ingest: run ${runId} has no staged parts to commit (its plan has ${itemCount} items)`);
    return staged;
  }
}

/** When an earlier attempt of the run claimed its position: publishes it and returns its summary. */
async function publishIfClaimed(
  lake: Lake,
  log: CommitLog,
  runId: string,
): Promise<IngestSummary | undefined> {
  const entry = log.entries.find((e) => e.manifest.runId === runId);
  if (!entry) return undefined;
  await publishCommitted(lake, log, entry.position);
  return summaryOf(entry.manifest);
}

function summaryOf(manifest: IngestManifest): IngestSummary {
  return {
    runId: manifest.runId,
    ...manifest.counts,
    concurrentDuplicates: manifest.concurrentDuplicates ?? 0,
    labelConflicts: manifest.labelConflicts,
  };
}
