import { chiSquareSurvival } from './chi-square.js';

export type DriftLevel = 'ok' | 'warn' | 'alert';

/** PSI thresholds: the usual rule of thumb, below 0.1 stable, 0.1-0.25 moderate shift, above major. */
export interface DriftThresholds {
  readonly warn: number;
  readonly alert: number;
}
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { warn: 0.1, alert: 0.25 };

export interface DistributionDrift {
  /** Population stability index over all categories. */
  readonly psi: number;
  /** Each category's share of the PSI, and its proportions. */
  readonly perCategory: readonly {
    readonly name: string;
    readonly reference: number;
    readonly current: number;
    readonly psi: number;
  }[];
  /** Pearson chi-square of the current counts against the reference proportions, and its p-value. */
  readonly chiSquare: number;
  readonly pValue: number;
  readonly n: number;
  readonly level: DriftLevel;
}

/** Smoothing for empty categories, so a class that never appears gives a large but finite PSI. */
const EPS = 1e-4;

export function distributionDrift(
  names: readonly string[],
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
  thresholds: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS,
): DistributionDrift {
  if (referenceCounts.length !== names.length || currentCounts.length !== names.length)
    throw new Error(
      `drift: expected ${names.length} counts per distribution, got ${referenceCounts.length} and ${currentCounts.length}`,
    );
  const refTotal = referenceCounts.reduce((a, b) => a + b, 0);
  const n = currentCounts.reduce((a, b) => a + b, 0);
  if (refTotal === 0) throw new Error('drift: the reference distribution is empty');
  const perCategory = names.map((name, i) => {
    const reference = Math.max(referenceCounts[i]! / refTotal, EPS);
    const current = n ? Math.max(currentCounts[i]! / n, EPS) : reference;
    return { name, reference, current, psi: (current - reference) * Math.log(current / reference) };
  });
  const psi = perCategory.reduce((a, c) => a + c.psi, 0);
  let chiSquare = 0;
  names.forEach((_, i) => {
    const expected = (n * referenceCounts[i]!) / refTotal;
    if (expected > 0) chiSquare += (currentCounts[i]! - expected) ** 2 / expected;
    else if (currentCounts[i]! > 0) chiSquare += currentCounts[i]! ** 2 / (n * EPS);
  });
  const dof = Math.max(1, names.length - 1);
  return {
    psi,
    perCategory,
    chiSquare,
    pValue: n ? chiSquareSurvival(chiSquare, dof) : 1,
    n,
    level: levelOf(psi, thresholds),
  };
}

export function levelOf(psi: number, t: DriftThresholds = DEFAULT_DRIFT_THRESHOLDS): DriftLevel {
  return psi >= t.alert ? 'alert' : psi >= t.warn ? 'warn' : 'ok';
}

/** The worse of several levels. */
export function worstLevel(levels: readonly DriftLevel[]): DriftLevel {
  return levels.includes('alert') ? 'alert' : levels.includes('warn') ? 'warn' : 'ok';
}
