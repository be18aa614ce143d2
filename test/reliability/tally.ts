import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { TALLY_FILE, type ReliabilityKind, type TallyLine } from './tally-file.js';

/**
 * Counts the running test in the reliability totals. Call it first thing in the test; tell it
 * the inputs tried and the items expected and found as they are known. The line is written when
 * the test ends, passed or not, so a failure shows in the totals too.
 */
export function reliability(kind: ReliabilityKind, inputs = 1) {
  const counts = { inputs, lost: 0 };
  onTestFinished(({ task }) => {
    const line: TallyLine = {
      kind,
      file: relative(fileURLToPath(new URL('../../', import.meta.url)), task.file.filepath),
      test: task.name,
      passed: task.result?.state === 'pass',
      ...counts,
    };
    mkdirSync(dirname(TALLY_FILE), { recursive: true });
    appendFileSync(TALLY_FILE, `${JSON.stringify(line)}\n`);
  });
  return {
    inputs(n: number) {
      counts.inputs = n;
    },
    /** Items put in and items found again after the fault; the difference counts as lost. */
    items(expected: number, found: number) {
      counts.lost += Math.max(0, expected - found);
    },
  };
}
