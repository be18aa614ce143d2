/** A measured figure, always beside a baseline measured in the same run (the machine is noisy). */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  /** value / baseline.value, or baseline.value / value for lower-is-better units. */
  readonly ratio?: number;
  /** The issue's target, on the value; `met` says whether this run reached it. */
  readonly target?: { readonly op: '>=' | '<='; readonly value: number };
  readonly met?: boolean;
  readonly note?: string;
}

export interface Benchmark {
  readonly name: string;
  /** The issue whose target this measures. */
  readonly issue: number;
  run(): Promise<Figure[]>;
}

/** Builds a figure with its ratio and whether the target was met. */
export function figure(input: Omit<Figure, 'ratio' | 'met'> & { higherIsBetter?: boolean }): Figure {
  const { higherIsBetter = true, ...rest } = input;
  const ratio = rest.baseline
    ? round(higherIsBetter ? rest.value / rest.baseline.value : rest.baseline.value / rest.value)
    : undefined;
  const met = rest.target
    ? rest.target.op === '>='
      ? rest.value >= rest.target.value
      : rest.value <= rest.target.value
    : undefined;
  return { ...rest, value: round(rest.value), ratio, met };
}

/** Runs fn `repeat` times after a warm-up and returns the median duration in ms. */
export async function medianMs(fn: () => Promise<unknown>, repeat = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The middle value (the upper one of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000;
}
