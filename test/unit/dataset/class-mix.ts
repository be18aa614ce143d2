/** How the classes mix in consecutive batches of an order. */
export interface ClassMix {
  /** Mean over the full batches of Pearson's chi-square of the class counts against `share`. */
  readonly meanChiSquare: number;
  /** The fewest distinct classes in a full batch. */
  readonly fewestClasses: number;
}

/**
 * Class counts per full batch of `order`, against each class's share (equal shares when omitted):
 * a uniform draw of b from k classes has a chi-square of mean k - 1.
 */
export function classMix(
  order: readonly number[],
  classOf: (member: number) => number,
  classes: number,
  batchSize: number,
  share: readonly number[] = new Array<number>(classes).fill(1 / classes),
): ClassMix {
  let sum = 0;
  let batches = 0;
  let fewest = Infinity;
  for (let start = 0; start + batchSize <= order.length; start += batchSize) {
    const counts = new Array<number>(classes).fill(0);
    for (let i = start; i < start + batchSize; i++) counts[classOf(order[i]!)]!++;
    sum += counts.reduce(
      (s, n, k) => (share[k]! > 0 ? s + (n - batchSize * share[k]!) ** 2 / (batchSize * share[k]!) : s),
      0,
    );
    fewest = Math.min(fewest, counts.filter((n) => n > 0).length);
    batches++;
  }
  return { meanChiSquare: sum / batches, fewestClasses: fewest };
}

/** Each class's share of the members. */
export function classShares(
  members: readonly number[],
  classOf: (member: number) => number,
  classes: number,
): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const m of members) counts[classOf(m)]!++;
  return counts.map((n) => n / members.length);
}
