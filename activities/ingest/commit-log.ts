import { commitLogPosition, ingestLayout } from '../../lib/ingest/layout.js';
import type { IngestManifest } from '../../lib/ingest/manifest.js';
import type { Lake, ObjectInfo } from '../../lib/lake/lake.js';
import { mapLimit } from '../../lib/util/map-limit.js';
import type { ActivityDeps } from '../deps.js';

/** One commit of the log: its position, the key of its entry and the manifest it holds. */
export interface CommitLogEntry {
  readonly position: number;
  readonly key: string;
  readonly manifest: IngestManifest;
}

/** The ingest commit log as read at one moment. */
export interface CommitLog {
  /** In commit order. */
  readonly entries: readonly CommitLogEntry[];
  /** The position the next commit claims. */
  readonly next: number;
}

const READ_CONCURRENCY = 16;

/**
 * Reads the commit log. Entries never change once claimed, so each is parsed once per worker.
 * A commit claims the position after the last one it read: a log read after a claim sees it.
 */
export async function readCommitLog(deps: ActivityDeps, lake: Lake): Promise<CommitLog> {
  const infos: { position: number; info: ObjectInfo }[] = [];
  for await (const info of lake.list(ingestLayout.commitLogPrefix)) {
    const position = commitLogPosition(info.key);
    if (position !== undefined) infos.push({ position, info });
  }
  infos.sort((a, b) => a.position - b.position);
  const entries = await mapLimit(infos, READ_CONCURRENCY, async ({ position, info }) => ({
    position,
    key: info.key,
    manifest: await deps.mirror.parsedOf(lake, info, (text) => parseEntry(info.key, text)),
  }));
  return { entries, next: (entries.at(-1)?.position ?? 0) + 1 };
}

/**
 * Claims the log's next position for a manifest: the commit point. Returns the log with the new
 * entry, or undefined when a concurrent commit took the position first.
 */
export async function claimCommit(
  lake: Lake,
  log: CommitLog,
  manifest: IngestManifest,
): Promise<CommitLog | undefined> {
  const key = ingestLayout.commitLogEntry(log.next);
  if (!(await lake.putIfAbsent(key, JSON.stringify(manifest, null, 2)))) return undefined;
  return { entries: [...log.entries, { position: log.next, key, manifest }], next: log.next + 1 };
}

/**
 * Publishes, in commit order, the manifest of every entry up to `position` that is not published
 * yet (byte for byte the entry). A run that stopped between claiming its position and publishing
 * becomes visible at the latest with the next commit after it, and never after it: readers see a
 * run only once every run committed before it is visible.
 */
export async function publishCommitted(lake: Lake, log: CommitLog, position: number): Promise<void> {
  const published = new Set<string>();
  for await (const key of lake.listKeys(ingestLayout.manifestPrefix)) published.add(key);
  for (const entry of log.entries) {
    if (entry.position > position) break;
    const key = ingestLayout.manifest(entry.manifest.runId);
    if (!published.has(key)) await lake.putIfAbsent(key, await lake.get(entry.key));
  }
}

function parseEntry(key: string, text: string): IngestManifest {
  let manifest: IngestManifest | undefined;
  try {
    manifest = JSON.parse(text) as IngestManifest;
  } catch {
    // reported below with the key
  }
  if (manifest?.kind !== 'ingest' || typeof manifest.runId !== 'string')
    throw new Error(`ingest: commit log entry ${key} is not an ingest manifest`);
  return manifest;
}
