// Pure: used inside workflows (no I/O, no Node built-ins).
import { BOUNDS, type BoundCheck } from './input-bounds.js';

export type ParamValue = string | number;
export type Grid = Readonly<Record<string, readonly ParamValue[]>>;

/** Every combination of the grid's values, in a stable order (keys sorted, values as given). */
export function expandGrid(grid: Grid): Record<string, ParamValue>[] {
  let out: Record<string, ParamValue>[] = [{}];
  for (const key of Object.keys(grid).sort()) {
    const values = grid[key] ?? [];
    if (values.length === 0) throw new Error(`sweep: grid parameter "${key}" has no values`);
    out = out.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
  }
  return out;
}

/** How many combinations the grid has (0 when a parameter has no values), without listing them. */
export function gridCombinations(grid: Grid): number {
  return Object.values(grid).reduce((n, values) => n * values.length, 1);
}

/** n combinations drawn without replacement with the given random source (Temporal's is seeded). */
export function sampleGrid(grid: Grid, n: number, random: () => number): Record<string, ParamValue>[] {
  const all = expandGrid(grid);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, Math.min(n, all.length));
}

/** Parses `lr=0.1,0.01` into a grid entry; numbers stay numbers. */
export function parseGridFlag(text: string): [string, ParamValue[]] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`sweep: expected --grid name=v1,v2, got "${text}"`);
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((v) => (Number.isFinite(Number(v)) ? Number(v) : v));
  if (values.length === 0) throw new Error(`sweep: --grid ${text.slice(0, eq)} has no values`);
  return [text.slice(0, eq).trim(), values];
}

type Curves = readonly (readonly (number | null)[])[];

/**
 * A stopping threshold per epoch from the finished trials' validation losses at that epoch (sorted),
 * for as long as at least `minTrials` of them reached it.
 */
function thresholds(
  curves: Curves,
  minTrials: number,
  pick: (sorted: number[], epoch: number) => number,
): number[] {
  const out: number[] = [];
  for (let e = 0; ; e++) {
    const values = curves.map((c) => c[e]).filter((v): v is number => typeof v === 'number');
    if (values.length < minTrials) return out;
    out.push(
      pick(
        values.sort((a, b) => a - b),
        e + 1,
      ),
    );
  }
}

/** Per epoch, the median validation loss over the finished trials that reached that epoch. */
export function medianCurve(curves: Curves): number[] {
  return thresholds(curves, 2, (v) => {
    const mid = v.length / 2;
    return v.length % 2 ? v[Math.floor(mid)]! : (v[mid - 1]! + v[mid]!) / 2;
  });
}

/**
 * Asynchronous successive halving over the finished trials: at each rung (epochs 1, eta, eta^2, ...)
 * a trial goes on only if its validation loss is within the best 1/eta of the finished trials' losses
 * at that epoch; between rungs nothing is stopped (Number.MAX_VALUE).
 */
export function ashaCurve(curves: Curves, eta = 3): number[] {
  const isRung = (epoch: number) => {
    let r = 1;
    while (r < epoch) r *= eta;
    return r === epoch;
  };
  return thresholds(curves, eta, (v, epoch) =>
    isRung(epoch) ? v[Math.max(0, Math.ceil(v.length / eta) - 1)]! : Number.MAX_VALUE,
  );
}

/** The numbers of a sweep that size its work, each with its bound (the CLI checks the same). */
export function sweepBounds(input: {
  readonly grid: Grid;
  readonly random?: number;
  readonly parallel?: number;
}): BoundCheck[] {
  const combinations = gridCombinations(input.grid);
  return [
    ['sweep: parallel', input.parallel, BOUNDS.inFlight],
    ["sweep: the grid's combinations", combinations, BOUNDS.gridCombinations],
    ['sweep: random', input.random, BOUNDS.sweepTrials],
    [
      'sweep: trials (the combinations, or --random of them)',
      Math.min(input.random ?? combinations, combinations),
      BOUNDS.sweepTrials,
    ],
  ];
}
