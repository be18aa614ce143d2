import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { decodeImagePixels, type RecordRange } from '../avro/decode.js';
import type { Lake } from '../lake/lake.js';
import type { ImagePixels } from '../avro/image-type.js';
import type { BatchCache } from './batch-cache.js';
import { seededRandom, shuffleInPlace } from '../util/prng.js';
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
   * Seeded shuffling with bounded memory: batch files in a seeded order, each file's records in
   * a seeded order, then a shuffle buffer of `bufferSize` images (default 8192) mixing files.
   * Omitted: file order, which scoring uses.
   */
  readonly shuffle?: { readonly seed: number; readonly bufferSize?: number };
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

interface Item {
  readonly pixels: Uint8Array;
  readonly cls: number;
  readonly id: string;
}

const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * The DataSetIterator of imagelake: streams members as batches, reading each Avro batch file once,
 * in order, with its count and sha256 checked before any record is trusted.
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
  const groups = fileGroups(members);
  const random = options.shuffle ? seededRandom(options.shuffle.seed) : undefined;
  if (random) shuffleInPlace(groups, random);
  const bufferSize = Math.max(1, options.shuffle?.bufferSize ?? 8192);
  const prefetch = Math.max(1, options.prefetch ?? 2);
  const fetches = new Map<number, Promise<Buffer>>();
  const fetch = (g: number) => {
    const group = groups[g];
    if (group && !fetches.has(g) && !options.cache?.has(cacheKey(members, group.start))) {
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
  const buffer: Item[] = [];
  /** Adds an image to the batch being filled; returns the batch when that made it full. */
  const add = (item: Item): ReaderBatch | undefined => {
    const { x } = batch;
    const { pixels } = item;
    const base = batch.n * pixelsPerImage;
    for (let i = 0; i < pixelsPerImage; i++) x[base + i] = SCALE[pixels[i]!]!;
    batch.y[batch.n] = item.cls;
    batch.ids.push(item.id);
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
    return records;
  };

  for (let g = 0; g < groups.length; g++) {
    for (let ahead = g; ahead < Math.min(groups.length, g + prefetch + 1); ahead++) fetch(ahead);
    options.signal?.throwIfAborted();
    const { start, end } = groups[g]!;
    const key = members.batchKey[start]!;
    const records = options.cache?.get(cacheKey(members, start)) ?? (await decodeFile(g));
    const order = Array.from({ length: end - start }, (_, i) => start + i);
    if (random) shuffleInPlace(order, random);
    for (const m of order) {
      const record = records[members.recordIndex[m]!];
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
      const item = { pixels: record.pixels, cls: members.classIndex[m]!, id };
      let full: ReaderBatch | undefined;
      if (!random) {
        full = add(item);
      } else if (buffer.length < bufferSize) {
        buffer.push(item);
      } else {
        const j = Math.floor(random() * bufferSize);
        full = add(buffer[j]!);
        buffer[j] = item;
      }
      if (full) yield full;
    }
  }
  if (random)
    for (const item of shuffleInPlace(buffer, random)) {
      const full = add(item);
      if (full) yield full;
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

/** Runs of members that share a batch file (members come sorted by batch key and record). */
function fileGroups(members: MemberLocations): { start: number; end: number }[] {
  const groups: { start: number; end: number }[] = [];
  for (let i = 0; i < members.length; i++) {
    if (i === 0 || members.batchKey[i] !== members.batchKey[i - 1]) groups.push({ start: i, end: i + 1 });
    else groups[groups.length - 1]!.end = i + 1;
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
