import { FASHION_MNIST_CLASSES } from '../idx/fashion-mnist.js';
import type { IngestSource } from './source.js';

/** One source item of a files source, as listed by the plan step. */
export interface PlannedFile {
  /** Path relative to the source root, `/`-separated. */
  readonly ref: string;
  readonly label: string | null;
}

/** The items of one chunk: a slice of a file listing, or a range of IDX records. */
export type PlanChunk =
  | { readonly kind: 'files'; readonly items: readonly PlannedFile[] }
  | { readonly kind: 'idx'; readonly start: number; readonly end: number };

/** The plan summary: what the workflow needs to fan out (counts, never the items). */
export interface IngestPlan {
  readonly runId: string;
  readonly source: IngestSource;
  readonly itemCount: number;
  readonly chunkCount: number;
  readonly chunkSize: number;
  /** The class list: given by --classes or inferred (sorted) from the labels seen. */
  readonly classes: readonly string[];
  /**
   * The id of the deflater every Avro batch of the run is written with (lib/avro/deflater.ts), so
   * a retry on any worker rewrites identical bytes. Absent in plans from before the choice: zlib.
   */
  readonly deflater?: string;
  /** The identity of the request the run was planned for (ingestRequestId); absent in older plans. */
  readonly request?: string;
}

/** Splits n items into chunk ranges of at most `size`. */
export function chunkRanges(n: number, size: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let start = 0; start < n; start += size) out.push({ start, end: Math.min(n, start + size) });
  return out;
}

/**
 * Splits n items into at most `size` per chunk, evenly, with the chunk count rounded up to a
 * multiple of `slots` (chunks processed at once): 100,000 items in chunks of 8,192 on 4 slots
 * would run 13 chunks in 4 rounds, the last with one chunk and 3 idle slots; 16 chunks of 6,250
 * fill every round.
 */
export function balancedRanges(n: number, size: number, slots: number): { start: number; end: number }[] {
  if (n === 0) return [];
  const count = Math.min(n, Math.ceil(Math.ceil(n / size) / Math.max(1, slots)) * Math.max(1, slots));
  const base = Math.floor(n / count);
  const out: { start: number; end: number }[] = [];
  for (let c = 0, start = 0; c < count; c++) {
    const end = start + base + (c < n % count ? 1 : 0);
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Infers the class list: numeric labels sort numerically, others lexicographically. */
export function inferClasses(labels: Iterable<string | null>): string[] {
  const set = new Set<string>();
  for (const l of labels) if (l !== null) set.add(l);
  const all = [...set];
  const numeric = all.every((l) => /^\d+$/.test(l));
  return numeric ? all.sort((a, b) => Number(a) - Number(b)) : all.sort();
}

/** Named class lists for `--classes <name>`. */
export const CLASS_PRESETS: Readonly<Record<string, readonly string[]>> = {
  'fashion-mnist': FASHION_MNIST_CLASSES,
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};
