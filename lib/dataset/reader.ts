import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { decodeImagePixels, type RecordRange } from '../avro/decode.js';
import type { Lake } from '../lake/lake.js';
import type { ImagePixels } from '../avro/image-type.js';
import type { BatchCache } from './batch-cache.js';
import { readOrder, type FileGroup, type ShuffleOptions } from './read-order.js';
import type { MemberLocations } from './members.js';

/** One training or scoring batch: pixels scaled to [0, 1], row-major per image. */
export interface ReaderBatch {
  /** n * width * height values. */
  readonly x: Float32Array;
  /** Class index per image; -1 when unlabeled. */
  readonly y: Int32Array;
  readonly ids: string[];
  readonly n: number;
}

export interface ReadOptions {
  readonly batchSize: number;
  /** The normalized size every member must have (the dataset's, checked per image). */
  readonly width: number;
  readonly height: number;
  /**
   * A seeded order (see readOrder): a uniform permutation of the split while its decoded pixels
   * fit the window bound, whatever order the lake was written in. Omitted: file order, which
   * scoring and validation use.
   */
  readonly shuffle?: ShuffleOptions;
  /** Batch files fetched ahead of the one being decoded (default 2). */
  readonly prefetch?: number;
  readonly signal?: AbortSignal;
  /** Decoded files from an earlier pass, and where this pass leaves the ones it decodes. */
  readonly cache?: BatchCache;
  /**
   * Reuse two batches' arrays in turn instead of allocating each batch's: for consumers that are
   * done with a batch's x and y when they ask for the batch after next (a training step, a
   * prediction). Saves hundreds of MB of short-lived buffers per epoch, and the GC work they cost.
   */
  readonly recycle?: boolean;
}

const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * The DataSetIterator of imagelake: streams members as batches in the order readOrder gives,
 * reading each Avro batch file once per pass, with its count and sha256 checked before any record
 * is trusted.
 */
export async function* readBatches(
  lake: Lake,
  members: MemberLocations,
  options: ReadOptions,
): AsyncGenerator<ReaderBatch> {
  for await (const batch of batchesOf(lake, members, options)) {
    yield batch;
    // A turn of the event loop between batches: prefetched and cached files come through promises
    // that are already resolved, so without it a consumer (an epoch, a scored partition) would hold
    // the thread to its end, and the worker could not heartbeat, see a cancellation, report its
    // other activities' results or run a workflow task meanwhile.
    await yieldToEventLoop();
  }
}

async function* batchesOf(
  lake: Lake,
  members: MemberLocations,
  options: ReadOptions,
): AsyncGenerator<ReaderBatch> {
  const pixelsPerImage = options.width * options.height;
  const groups = fileGroups(members, pixelsPerImage);
  const windows = readOrder(groups, options.shuffle);
  /** The files in the order they are read, for prefetching across windows. */
  const sequence = windows.flatMap((w) => w.files);
  const groupOf = new Int32Array(members.length);
  groups.forEach((g, i) => groupOf.fill(i, g.start, g.end));
  const prefetch = Math.max(1, options.prefetch ?? 2);
  const fetches = new Map<number, Promise<Buffer>>();
  const fetch = (g: number) => {
    const group = groups[g]!;
    if (!fetches.has(g) && !options.cache?.has(cacheKey(members, group.start))) {
      const p = lake.get(members.batchKey[group.start]!, { signal: options.signal });
      p.catch(() => undefined); // awaited below; a prefetch that fails is reported when its turn comes
      fetches.set(g, p);
    }
  };

  const pool = options.recycle ? [0, 1].map(() => newBatch(options.batchSize, pixelsPerImage)) : undefined;
  let turns = 0;
  const nextBatch = (): MutableBatch => {
    if (!pool) return newBatch(options.batchSize, pixelsPerImage);
    const b = pool[turns++ % pool.length]!;
    b.n = 0;
    b.ids = [];
    return b;
  };
  let batch = nextBatch();
  /** Adds an image to the batch being filled; returns the batch when that made it full. */
  const add = (pixels: Uint8Array, cls: number, id: string): ReaderBatch | undefined => {
    const { x } = batch;
    const base = batch.n * pixelsPerImage;
    for (let i = 0; i < pixelsPerImage; i++) x[base + i] = SCALE[pixels[i]!]!;
    batch.y[batch.n] = cls;
    batch.ids.push(id);
    batch.n++;
    if (batch.n < options.batchSize) return undefined;
    const full = batch;
    batch = nextBatch();
    return full;
  };

  const decodeFile = async (g: number): Promise<readonly (ImagePixels | undefined)[]> => {
    const { start, end } = groups[g]!;
    const data = await fetches.get(g)!;
    fetches.delete(g);
    const expected = {
      key: members.batchKey[start]!,
      count: members.batchRecords[start]!,
      sha256: members.batchSha256[start]!,
    };
    // A cached file is decoded whole for later passes; otherwise only the members' blocks.
    if (!options.cache) return decodeImagePixels(data, expected, recordRange(members, start, end));
    const records = decodeImagePixels(data, expected);
    options.cache.offer(cacheKey(members, start), records);
    // The cache's compact copy when it kept one: a window holds its files until it is done.
    return options.cache.get(cacheKey(members, start)) ?? records;
  };

  let read = 0;
  for (const window of windows) {
    const files = new Map<number, readonly (ImagePixels | undefined)[]>();
    for (const g of window.files) {
      for (let ahead = read; ahead < Math.min(sequence.length, read + prefetch + 1); ahead++)
        fetch(sequence[ahead]!);
      read++;
      options.signal?.throwIfAborted();
      files.set(g, options.cache?.get(cacheKey(members, groups[g]!.start)) ?? (await decodeFile(g)));
    }
    for (const m of window.members) {
      const key = members.batchKey[m]!;
      const record = files.get(groupOf[m]!)![members.recordIndex[m]!];
      if (!record) throw new Error(`dataset: ${key} has no record ${members.recordIndex[m]}`);
      // The record names its image; a plan may leave the id to it, a catalog row must agree.
      const id = members.imageId[m] ?? record.image_id;
      if (id !== record.image_id)
        throw new Error(
          `dataset: ${key} record ${members.recordIndex[m]} is image ${record.image_id}, the catalog says ${id}`,
        );
      if (record.pixels.length !== pixelsPerImage)
        throw new Error(
          `dataset: image ${id} is ${record.width}x${record.height}, expected ${options.width}x${options.height}`,
        );
      const full = add(record.pixels, members.classIndex[m]!, id);
      if (full) yield full;
    }
  }
  if (batch.n > 0) yield trim(batch, pixelsPerImage);
}

/** A batch file's content as the metadata names it: its key and the sha256 it was checked against. */
function cacheKey(members: MemberLocations, i: number): string {
  return `${members.batchKey[i]}@${members.batchSha256[i]}`;
}

/** The record indexes members [start, end) need from their one file. */
function recordRange(members: MemberLocations, start: number, end: number): RecordRange {
  let from = Infinity;
  let to = 0;
  for (let m = start; m < end; m++) {
    const r = members.recordIndex[m]!;
    if (r < from) from = r;
    if (r >= to) to = r + 1;
  }
  return { from, to };
}

/**
 * Runs of members that share a batch file (members come sorted by batch key and record), each
 * with the pixels of its whole file: what holding it decoded costs.
 */
function fileGroups(members: MemberLocations, pixelsPerImage: number): FileGroup[] {
  const groups: FileGroup[] = [];
  for (let start = 0; start < members.length;) {
    let end = start + 1;
    while (end < members.length && members.batchKey[end] === members.batchKey[start]) end++;
    groups.push({ start, end, bytes: members.batchRecords[start]! * pixelsPerImage });
    start = end;
  }
  return groups;
}

interface MutableBatch {
  x: Float32Array;
  y: Int32Array;
  ids: string[];
  n: number;
}

function newBatch(size: number, pixels: number): MutableBatch {
  return { x: new Float32Array(size * pixels), y: new Int32Array(size), ids: [], n: 0 };
}

function trim(b: MutableBatch, pixels: number): ReaderBatch {
  return { x: b.x.subarray(0, b.n * pixels), y: b.y.subarray(0, b.n), ids: b.ids, n: b.n };
}
