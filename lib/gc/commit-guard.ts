import { randomUUID } from 'node:crypto';
import { UserError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { gcLayout, INTENT_LIFETIME_MS, tombstone, type Tombstone } from './layout.js';
import { commitManifestOf, unitName, type Unit } from './units.js';

/** What a guarded commit calls. */
export interface CommitGuard {
  /**
   * Refuses, with the collected unit's one-line error, if gc collected the unit. A commit calls it
   * once it knows it has not committed yet (it may have, in a way only it can tell: a manifest, a
   * commit log entry), before it reads what gc may have deleted.
   */
  refuseIfCollected(): Promise<void>;
  /**
   * Right before the commit point: makes sure gc cannot have collected the unit. Checks for the
   * tombstone if that was not done since the intent was written; while the intent is well within
   * its lifetime every gc that came later saw it; past that, renews it and checks again.
   */
  beforePublish(): Promise<void>;
}

/**
 * Runs one commit attempt of `unit` so that it and gc never both go ahead: the attempt writes an
 * intent and only then looks for gc's tombstone; gc writes the tombstone and only then looks for
 * intents (claimForCollection). Reads after writes are consistent on both backends, so at least
 * one of the two sees the other: the commit refuses, or gc leaves the unit alone (and its objects
 * stay whole even though the tombstone stays). The intent is written before the attempt reads
 * anything, so gc also leaves alone what a commit is reading.
 *
 * `afterCommit` runs once the manifest exists (published now or before) and no other attempt of
 * the unit is under way: it may remove what only commits read (an ingest run's staging). Another
 * attempt that starts later sees the manifest before it reads anything, since it writes its intent
 * first; one that started earlier has a live intent, and then the clean-up is left to gc.
 */
export async function guardedCommit<T>(
  lake: Lake,
  unit: Unit,
  commit: (guard: CommitGuard) => Promise<T>,
  afterCommit?: () => Promise<void>,
): Promise<T> {
  const intent = gcLayout.intent(unit, randomUUID());
  let announcedAt = 0;
  const announce = async () => {
    announcedAt = Date.now();
    await lake.put(
      intent,
      JSON.stringify({ kind: 'gc-intent', unit: unitName(unit), at: new Date(announcedAt).toISOString() }),
    );
  };
  await announce();
  let checked = false; // for the tombstone, since the intent was last written
  const check = async () => {
    await refuseIfCollected(lake, unit);
    checked = true;
  };
  let pastGuard = false;
  let result: T;
  try {
    result = await commit({
      refuseIfCollected: check,
      beforePublish: async () => {
        // A gc that claimed the unit after the check listed the intents after it, so saw ours
        // unless it had gone stale: half its lifetime leaves room for clocks that disagree.
        if (Date.now() - announcedAt >= INTENT_LIFETIME_MS / 2) {
          await announce();
          checked = false;
        }
        if (!checked) await check();
        pastGuard = true;
      },
    });
    if (afterCommit && (await liveIntents(lake, unit, Date.now(), intent)) === 0) await afterCommit();
  } catch (error) {
    // Past the guard, the commit point may have been reached (a manifest, or a commit log entry
    // whose manifest a later commit publishes) unknown to this attempt: its intent then stays
    // until it goes stale, so gc leaves the unit alone meanwhile. Before it, nothing was committed.
    // The attempt's own error is the one to report.
    if (!pastGuard) await lake.delete(intent).catch(() => undefined);
    throw error;
  }
  await lake.delete(intent);
  return result;
}

/**
 * gc's side of the protocol, for a unit it found abandoned: the tombstone first (from then on no
 * commit of the unit can publish), then the checks. Returns why the unit must be left alone, or
 * undefined when its objects may go. The tombstone stays either way: removing it again would let
 * a commit through while another gc, which saw no intent, deletes.
 */
export async function claimForCollection(
  lake: Lake,
  unit: Unit,
  now: number,
  graceMs: number,
): Promise<string | undefined> {
  await lake.putIfAbsent(gcLayout.tombstone(unit), JSON.stringify(tombstone(unit, now, graceMs), null, 2));
  if ((await liveIntents(lake, unit, Date.now())) > 0) return 'a commit began meanwhile';
  const manifest = commitManifestOf(unit);
  if (manifest && (await lake.head(manifest))) return 'committed meanwhile';
  return undefined;
}

/** Intents of the unit written within their lifetime, other than `except`. */
export async function liveIntents(lake: Lake, unit: Unit, now: number, except?: string): Promise<number> {
  let live = 0;
  for await (const o of lake.list(gcLayout.intentPrefix(unit))) {
    if (o.key !== except && now - o.lastModified.getTime() < INTENT_LIFETIME_MS) live++;
  }
  return live;
}

/** Throws the one-line error of a collected unit if gc collected it (its tombstone exists). */
export async function refuseIfCollected(lake: Lake, unit: Unit): Promise<void> {
  const key = gcLayout.tombstone(unit);
  if (!(await lake.head(key))) return;
  const stone = JSON.parse((await lake.get(key)).toString()) as Tombstone;
  throw new UserError(
    `${unit.kind}: ${UNIT_NOUNS[unit.kind]} ${unit.id} was collected by imagelake gc at ${stone.collectedAt} (it had written nothing for longer than the grace period); it cannot be committed: start it again under a new id`,
  );
}

const UNIT_NOUNS: Record<Unit['kind'], string> = {
  ingest: 'run',
  score: 'run',
  model: 'model',
  evaluation: 'evaluation',
  labels: 'import',
  dataset: 'version',
  smoke: 'check',
};
