import { unitName, type Unit } from './units.js';

/**
 * gc's own records, under `gc/` (gc never collects them). A tombstone says a unit was collected:
 * its commit is refused from then on. An intent says a commit of the unit is under way: gc leaves
 * the unit alone while one is live (see commit-guard.ts for the protocol).
 */
export const gcLayout = {
  prefix: 'gc/',
  tombstone: (unit: Unit) => `gc/collected/${unit.kind}/${unit.id}.json`,
  intentPrefix: (unit: Unit) => `gc/intents/${unit.kind}/${unit.id}/`,
  intent: (unit: Unit, attempt: string) => `gc/intents/${unit.kind}/${unit.id}/${attempt}.json`,
  intentsPrefix: 'gc/intents/',
} as const;

/**
 * How long an intent counts as live after it was last written: far longer than any commit attempt
 * runs before Temporal gives up on it and retries, so an older one belongs to an attempt that died.
 */
export const INTENT_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** What a tombstone holds, for the person who finds one. */
export interface Tombstone {
  readonly kind: 'gc-tombstone';
  readonly unit: string;
  readonly collectedAt: string;
  readonly graceMs: number;
}

export function tombstone(unit: Unit, now: number, graceMs: number): Tombstone {
  return { kind: 'gc-tombstone', unit: unitName(unit), collectedAt: new Date(now).toISOString(), graceMs };
}
