import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { openIdxPair, type IdxPair } from '../../lib/idx/index.js';
import { NotFoundError, type Lake } from '../../lib/lake/lake.js';
import { LocalLake } from '../../lib/lake/local-lake.js';
import type { PlanChunk } from '../../lib/ingest/plan.js';
import type { IngestSource } from '../../lib/ingest/source.js';
import type { MemoKind } from '../../lib/util/memo.js';
import type { ActivityDeps } from '../deps.js';
import type { SourceItem } from './source-item.js';
import { openSourceRoot } from './source-root.js';

export interface ChunkItems {
  readonly length: number;
  get(index: number): SourceItem;
}

/** The items of a planned chunk, each with its label and a way to read its bytes. */
export async function openItems(
  deps: ActivityDeps,
  source: IngestSource,
  plan: PlanChunk,
  classes: readonly string[],
  classesGiven: boolean,
): Promise<ChunkItems> {
  if (plan.kind === 'files') {
    if (source.kind !== 'files') throw new Error('ingest: plan and source kinds differ');
    const root = openSourceRoot(source, (uri) => deps.lakes.open(uri));
    return {
      length: plan.items.length,
      get: (i) => {
        const item = plan.items[i]!;
        return { ref: item.ref, label: item.label, read: () => readItem(root, item.ref) };
      },
    };
  }
  if (source.kind !== 'idx') throw new Error('ingest: plan and source kinds differ');
  const idx = await cachedIdx(deps, source.images, source.labels);
  return {
    length: plan.end - plan.start,
    get: (i) => {
      const index = plan.start + i;
      const value = source.labels ? idx.label(index) : null;
      const label = value === null ? null : classesGiven ? (classes[value] ?? String(value)) : String(value);
      return {
        ref: String(index),
        label,
        format: 'idx',
        read: () => pgm(idx.image(index), idx.cols, idx.rows),
      };
    },
  };
}

/** Below this size a local file is read synchronously. */
const SMALL_FILE_BYTES = 256 * 1024;

/**
 * Small local files are read synchronously: an async read costs about five times more main-thread
 * time than the read itself (four fs requests, each with async-context propagation), which
 * dominated ingest of small images. The size comes from the open file (the listing does not stat);
 * large files and S3 objects are read asynchronously. Opened non-blocking, so a FIFO or device
 * in the source is refused, not waited on.
 */
function readItem(root: Lake, ref: string): Uint8Array | Promise<Uint8Array> {
  const path = root instanceof LocalLake ? root.filePath(ref) : undefined;
  if (!path) return root.get(ref);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new NotFoundError(ref, root.uri);
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notARegularFile(stats.isDirectory());
    if (stats.size < SMALL_FILE_BYTES) return readAll(fd, stats.size);
  } finally {
    closeSync(fd);
  }
  return root.get(ref);
}

/** The file's first `size` bytes (its size when it was opened), fewer when it shrank since. */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, buffer, at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return at === size ? buffer : buffer.subarray(0, at);
}

/** Reported like the errors reading such an entry gives (see process-item's unreadable reasons). */
function notARegularFile(directory: boolean): Error {
  return Object.assign(new Error(directory ? 'a directory' : 'not a regular file'), {
    code: directory ? 'EISDIR' : 'ENOTREG',
  });
}

/** A decoded IDX pair: its pixels and labels count against the memo. */
const DECODED_IDX = {
  name: 'decoded-idx',
  bytes: (idx) => idx.count * (idx.rows * idx.cols + (idx.hasLabels ? 1 : 0)),
} satisfies MemoKind<IdxPair>;

/** IDX files are decoded once per worker while they stay in the memo (a gunzip of a large one takes a while). */
function cachedIdx(deps: ActivityDeps, images: string, labels: string | null): Promise<IdxPair> {
  return deps.memo.get(DECODED_IDX, `${images}\n${labels}`, () => openIdxPair(images, labels));
}

/** An IDX record as a binary PGM, so it goes through the one normalization path like any file. */
function pgm(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const header = Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii');
  return Buffer.concat([header, pixels]);
}
