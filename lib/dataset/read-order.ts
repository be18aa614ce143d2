import { seededRandom, shuffleInPlace } from '../util/prng.js';

/** Members [start, end) that share one batch file, and how many bytes decoding that file holds. */
export interface FileGroup {
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
}

/** Files read together, and the members they give in the order a pass yields them. */
export interface ReadWindow {
  /** Indexes into the file groups, in the order they are read. */
  readonly files: readonly number[];
  /** Member indexes, in the order they are yielded. */
  readonly members: Int32Array;
}

export interface ShuffleOptions {
  readonly seed: number;
  /** Decoded bytes a window may hold (at least one file). Default DEFAULT_WINDOW_BYTES. */
  readonly windowBytes?: number;
}

/**
 * The shuffle's memory bound: the decoded pixels of the whole split while it fits, so the order is
 * a uniform permutation of the split. It matches a worker's training cache budget, so a split
 * that stays in the cache between epochs is also permuted whole.
 */
export const DEFAULT_WINDOW_BYTES = 512 * 2 ** 20;

/**
 * The order of one pass over a split. Unshuffled: file by file, members in file order (scoring,
 * validation). Shuffled: files in a seeded order, cut into windows of whole files within the
 * byte bound, each window's members in a seeded permutation. A split within one window is
 * permuted uniformly whatever order its images were written in (a lake ingested class by class
 * holds two or three classes per file); a larger one is mixed across as many files as the bound
 * holds. The order depends on the members, the seed and the bound only, never on what a cache
 * holds, so a resumed or repeated epoch sees the same batches.
 */
export function readOrder(groups: readonly FileGroup[], shuffle?: ShuffleOptions): ReadWindow[] {
  if (!shuffle)
    return groups.map((g, i) => ({
      files: [i],
      members: Int32Array.from({ length: g.end - g.start }, (_, k) => g.start + k),
    }));
  const random = seededRandom(shuffle.seed);
  const bound = shuffle.windowBytes ?? DEFAULT_WINDOW_BYTES;
  if (!(bound > 0)) throw new Error(`dataset: expected a shuffle window of more than 0 bytes, got ${bound}`);
  const files = shuffleInPlace(
    groups.map((_, i) => i),
    random,
  );
  const windows: ReadWindow[] = [];
  let window: number[] = [];
  let bytes = 0;
  const close = () => {
    if (window.length === 0) return;
    windows.push({ files: window, members: permutedMembers(groups, window, random) });
    window = [];
    bytes = 0;
  };
  for (const f of files) {
    if (bytes + groups[f]!.bytes > bound) close();
    window.push(f);
    bytes += groups[f]!.bytes;
  }
  close();
  return windows;
}

function permutedMembers(
  groups: readonly FileGroup[],
  files: readonly number[],
  random: () => number,
): Int32Array {
  const count = files.reduce((n, f) => n + groups[f]!.end - groups[f]!.start, 0);
  const members = new Int32Array(count);
  let at = 0;
  for (const f of files) for (let m = groups[f]!.start; m < groups[f]!.end; m++) members[at++] = m;
  return shuffleInPlace(members, random);
}
