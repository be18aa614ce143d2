import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';

export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Fractions of the members per split; they sum to 1. */
export type SplitSpec = Readonly<Record<SplitName, number>>;

export const DEFAULT_SPLIT: SplitSpec = { train: 0.8, val: 0.1, test: 0.1 };

/** Parses `train=0.8,val=0.1,test=0.1` (missing splits get 0; the fractions must sum to 1). */
export function parseSplitSpec(text: string): SplitSpec {
  const out: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    if (!(SPLIT_NAMES as readonly string[]).includes(name))
      throw new UserError(`dataset: unknown split "${name}" in "${text}": expected train, val or test`);
    const f = Number(value);
    if (value === '' || !Number.isFinite(f) || f < 0 || f > 1)
      throw new UserError(`dataset: split ${name} must be a fraction in [0, 1], got "${value}"`);
    out[name as SplitName] = f;
  }
  const sum = out.train + out.val + out.test;
  if (Math.abs(sum - 1) > 1e-9) throw new UserError(`dataset: split fractions must sum to 1, got ${sum}`);
  return out;
}

/**
 * A member's position in [0, 1), from its image sha256 and the seed alone: the member keeps its
 * split when other images are added or removed.
 */
export function splitPoint(sha256: string, seed: number): number {
  const digest = createHash('sha256').update(`${seed}:${sha256}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The split a position falls in: [0, train) train, then val, then test (zero fractions never). */
export function splitOf(point: number, spec: SplitSpec): SplitName {
  let end = 0;
  let last: SplitName = 'train';
  for (const s of SPLIT_NAMES) {
    if (spec[s] === 0) continue;
    end += spec[s];
    last = s;
    if (point < end) return s;
  }
  return last; // rounding: the fractions summed to a hair under 1
}

export interface SplitMember {
  readonly sha256: string;
  /** The stratum (class label); null for unlabeled members. */
  readonly label: string | null;
}

/**
 * Assigns every member a split. Unstratified: by splitPoint, stable under additions.
 * Stratified: per label, members keep the split they had in `previous`; the new ones, in
 * splitPoint order, each go to the split furthest below its target share of that label, so
 * every class gets the fractions as closely as whole members allow.
 */
export function assignSplits(
  members: readonly SplitMember[],
  spec: SplitSpec,
  options: { seed: number; stratify: boolean; previous?: ReadonlyMap<string, SplitName> },
): SplitName[] {
  const points = members.map((m) => splitPoint(m.sha256, options.seed));
  if (!options.stratify) return points.map((p) => splitOf(p, spec));
  const out = new Array<SplitName>(members.length);
  const strata = new Map<string, number[]>();
  members.forEach((m, i) => {
    const key = m.label ?? '\u0000unlabeled';
    let list = strata.get(key);
    if (!list) strata.set(key, (list = []));
    list.push(i);
  });
  for (const indices of strata.values()) {
    const counts: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
    const fresh: number[] = [];
    for (const i of indices) {
      const kept = options.previous?.get(members[i]!.sha256);
      if (kept) {
        out[i] = kept;
        counts[kept]++;
      } else fresh.push(i);
    }
    fresh.sort((a, b) => points[a]! - points[b]!);
    let total = indices.length - fresh.length;
    for (const i of fresh) {
      total++;
      let best: SplitName = 'train';
      let bestDeficit = -Infinity;
      for (const s of SPLIT_NAMES) {
        if (spec[s] === 0) continue;
        const deficit = spec[s] * total - counts[s];
        if (deficit > bestDeficit + 1e-12) [best, bestDeficit] = [s, deficit];
      }
      out[i] = best;
      counts[best]++;
    }
  }
  return out;
}
