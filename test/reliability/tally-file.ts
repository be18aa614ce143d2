import { fileURLToPath } from 'node:url';

/** Where reliability tests append their outcome; `npm run reliability` totals it. */
export const TALLY_FILE =
  process.env.IMAGELAKE_RELIABILITY_TALLY ??
  fileURLToPath(new URL('../../.reliability/tally.jsonl', import.meta.url));

export type ReliabilityKind = 'fault' | 'bad-input' | 'secrets';

export interface TallyLine {
  readonly kind: ReliabilityKind;
  readonly file: string;
  readonly test: string;
  readonly passed: boolean;
  /** Bad inputs tried (1 for a fault or a scan). */
  readonly inputs: number;
  /** Items the test put in and did not find again (must be 0). */
  readonly lost: number;
}
