// Pure: used inside workflows (no I/O, no Node built-ins) and by the CLI, which refuses the same
// values before anything starts.
import { ApplicationFailure } from '@temporalio/common';

/** The range of an integer a user gives that sizes work inside a workflow. */
export interface IntegerBound {
  readonly min: number;
  readonly max: number;
}

/** Every such integer's range, documented once. */
export const BOUNDS = {
  /**
   * Activities or child workflows a workflow keeps in flight (score and sweep --parallel, ingest
   * --parallel): each is a coroutine in the workflow and a pending activity or child on the server,
   * which caps those per workflow; far more made every workflow task time out.
   */
  inFlight: { min: 1, max: 1000 },
  /** Images one scoring activity holds and predicts at once (--partition-size). */
  partitionSize: { min: 1, max: 65_536 },
  /** Source items one ingest activity takes (--chunk-size), within its start-to-close timeout. */
  chunkSize: { min: 1, max: 65_536 },
  /** Records of one Avro batch file, buffered whole before it is written (--part-size). */
  partSize: { min: 1, max: 65_536 },
  /** Decoded pixels of one image (--max-pixels): sharp's own default, the most it decodes unasked. */
  maxPixels: { min: 1, max: 268_402_689 },
  /** Chunks or partitions of one workflow run before continue-as-new (the history's size). */
  perRun: { min: 1, max: 10_000 },
  /** Combinations of a sweep's grid, all listed inside the workflow (random ones drawn from them). */
  gridCombinations: { min: 1, max: 10_000 },
  /** Trials of one sweep: a child workflow each, and a line of its result. */
  sweepTrials: { min: 1, max: 1000 },
} as const satisfies Record<string, IntegerBound>;

/** Why `value` is not in `bound`, naming it (`score: parallel`), or undefined when it is. */
export function outOfBound(name: string, value: unknown, bound: IntegerBound): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= bound.min && value <= bound.max)
    return undefined;
  return `${name}: expected an integer from ${bound.min} to ${bound.max}, got ${JSON.stringify(value) ?? String(value)}`;
}

/** A value to check: its name in messages, the value (undefined: the default applies), its bound. */
export type BoundCheck = readonly [name: string, value: unknown, bound: IntegerBound];

/**
 * Fails the workflow on the first value out of its bound: an ApplicationFailure that is not
 * retried (any other error would fail only the workflow task, retried for ever).
 */
export function assertWithinBounds(checks: readonly BoundCheck[]): void {
  const problem = firstOutOfBound(checks);
  if (problem) throw ApplicationFailure.nonRetryable(problem, 'InputOutOfBounds');
}

/** Why the first value out of its bound is, or undefined when all are within theirs. */
export function firstOutOfBound(checks: readonly BoundCheck[]): string | undefined {
  for (const [name, value, bound] of checks) {
    const problem = value === undefined ? undefined : outOfBound(name, value, bound);
    if (problem) return problem;
  }
  return undefined;
}
