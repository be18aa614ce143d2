import { executeChild, patched, workflowInfo } from '@temporalio/workflow';
import { assertWithinBounds } from './input-bounds.js';
import type { Arch } from '../lib/model/params.js';
import {
  ashaCurve,
  expandGrid,
  medianCurve,
  sampleGrid,
  sweepBounds,
  type Grid,
  type ParamValue,
} from './sweep-grid.js';
import { TrainWorkflow, type TrainOutcome } from './train.js';

export interface SweepInput {
  readonly lakeUri: string;
  readonly dataset: string;
  readonly arch: Arch;
  /** Parameters shared by every trial. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly grid: Grid;
  /** Draw this many combinations instead of the whole grid. */
  readonly random?: number;
  /** Trials at once, over every worker of the task queue. Default 2. */
  readonly parallel?: number;
  /**
   * median: a trial stops when its validation loss is above the median of finished trials at that
   * epoch; asha: successive halving at rungs 1, 3, 9... epochs (keep the best third).
   */
  readonly earlyStop?: 'none' | 'median' | 'asha';
}

export interface SweepResult {
  readonly sweepId: string;
  /** Every trial, best validation accuracy first; diverged and pruned trials are listed too. */
  readonly trials: readonly (TrainOutcome & {
    readonly trial: number;
    readonly grid: Record<string, ParamValue>;
  })[];
}

/** One child TrainWorkflow per parameter combination, bounded parallelism, weak trials stopped early. */
export async function SweepWorkflow(input: SweepInput): Promise<SweepResult> {
  const sweepId = workflowInfo().workflowId;
  // Sweeps started before the bounds replay as they ran.
  if (patched('input-bounds')) assertWithinBounds(sweepBounds(input));
  // Math.random is seeded and replayed by Temporal: the same combinations on every replay.
  const combos = input.random ? sampleGrid(input.grid, input.random, Math.random) : expandGrid(input.grid);
  const trials: SweepResult['trials'][number][] = [];
  const finishedCurves: (number | null)[][] = [];
  let next = 0;
  const runOne = async (): Promise<void> => {
    while (next < combos.length) {
      const trial = next++;
      const grid = combos[trial]!;
      const pruneAbove =
        input.earlyStop === 'median'
          ? medianCurve(finishedCurves)
          : input.earlyStop === 'asha'
            ? ashaCurve(finishedCurves)
            : undefined;
      const outcome = await executeChild(TrainWorkflow, {
        workflowId: `${sweepId}-trial-${trial}`,
        args: [
          {
            lakeUri: input.lakeUri,
            dataset: input.dataset,
            arch: input.arch,
            params: { ...input.params, ...grid },
            pruneAbove,
            sweepId,
          },
        ],
      });
      if (outcome.status === 'registered' && !outcome.skipped)
        finishedCurves.push(outcome.curves.map((c) => c.valLoss));
      trials.push({ ...outcome, trial, grid });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, input.parallel ?? 2) }, runOne));
  trials.sort((a, b) => (b.valAccuracy ?? -1) - (a.valAccuracy ?? -1) || a.trial - b.trial);
  return { sweepId, trials };
}
