import { createHash } from 'node:crypto';
import {
  ImageRejectedError,
  normalizeImageNow,
  type NormalizedImage,
  type NormalizeOptions,
} from '../../lib/image/index.js';
import { UserError } from '../../lib/errors.js';
import { NotFoundError } from '../../lib/lake/lake.js';
import { classIndex } from '../../lib/ingest/labels.js';
import { itemUri, type IngestSource } from '../../lib/ingest/source.js';
import type { StagingRow } from '../../lib/ingest/staging-row.js';
import type { ItemOutcome, SourceItem } from './source-item.js';

/** What processing an item needs from its chunk: the same for every item of the chunk. */
export interface ItemContext {
  readonly source: IngestSource;
  readonly chunk: number;
  readonly classes: readonly string[];
  /** True when the class list was given (--classes): a label outside it is quarantined. */
  readonly classesGiven: boolean;
  readonly normalize: Partial<NormalizeOptions>;
  /** Hashes already committed to the lake. */
  readonly known: ReadonlySet<string>;
  /** Hashes stored earlier in this chunk; an ingested item adds its own. */
  readonly inChunk: Set<string>;
}

// ENOTREG is ours: a FIFO, socket or device in the source (see open-items' readItem).
const FS_UNREADABLE = new Set(['EACCES', 'EISDIR', 'ELOOP', 'ENAMETOOLONG', 'EPERM', 'ENOTREG']);

/**
 * Hashes, dedupes and normalizes one item once its read (started ahead) completes. Bad input
 * becomes a quarantine row, never an exception. Synchronous when the read and the normalization
 * are (a small local gray PNG of the output size): no promise per image on the common path.
 */
export function processItem(
  item: SourceItem,
  read: Uint8Array | Promise<Uint8Array>,
  itemIndex: number,
  context: ItemContext,
): ItemOutcome | Promise<ItemOutcome> {
  // One row object per item, filled in as the item goes (it is the item's own, so no copies).
  const source = itemUri(context.source, item.ref);
  const row = emptyRow(source, itemIndex, context.chunk, item.label, context.classes);
  const unreadable = (error: unknown): ItemOutcome => {
    row.reason = unreadableReason(error);
    return { row };
  };
  if (read instanceof Promise) return read.then((b) => processBytes(item, b, row, context), unreadable);
  return processBytes(item, read, row, context);
}

function processBytes(
  item: SourceItem,
  bytes: Uint8Array,
  row: StagingRow,
  { classesGiven, normalize, known, inChunk }: ItemContext,
): ItemOutcome | Promise<ItemOutcome> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  row.bytes = bytes.length;
  row.sha256 = sha256;
  const outcome = (status: StagingRow['status'], reason: string): ItemOutcome => {
    row.status = status;
    row.reason = reason;
    return { row };
  };
  if (known.has(sha256)) return outcome('duplicate', 'already in the lake');
  if (inChunk.has(sha256)) return outcome('duplicate', 'earlier in this run');
  if (classesGiven && item.label !== null && row.class_index === null)
    return outcome('quarantined', `unknown-label: "${item.label}" is not in --classes`);
  const rejected = (error: unknown): ItemOutcome => {
    if (error instanceof ImageRejectedError)
      return outcome('quarantined', `${error.reason}: ${error.message}`);
    throw error;
  };
  const ingested = (image: NormalizedImage): ItemOutcome => {
    inChunk.add(sha256);
    row.status = 'ingested';
    row.image_id = sha256.slice(0, 32);
    row.original_format = item.format ?? image.original.format;
    row.original_width = image.original.width;
    row.original_height = image.original.height;
    row.width = image.width;
    row.height = image.height;
    row.mean = image.stats.mean;
    row.std = image.stats.std;
    row.light_background = image.stats.lightBackground;
    return { row, image, original: bytes };
  };
  let image: NormalizedImage | Promise<NormalizedImage>;
  try {
    image = normalizeImageNow(bytes, normalize);
  } catch (error) {
    return rejected(error);
  }
  return image instanceof Promise ? image.then(ingested, rejected) : ingested(image);
}

function unreadableReason(error: unknown): string {
  if (error instanceof NotFoundError) return 'vanished: the file disappeared after it was listed';
  if (error instanceof UserError) return `unreadable-name: ${error.message}`;
  const code = (error as { code?: string }).code;
  if (code && FS_UNREADABLE.has(code)) return `unreadable: ${code}`;
  // Anything else (network, S3 down) is transient: let Temporal retry the activity.
  throw error;
}

function emptyRow(
  source: string,
  itemIndex: number,
  chunk: number,
  label: string | null,
  classes: readonly string[],
): StagingRow {
  return {
    status: 'quarantined',
    reason: null,
    source,
    bytes: 0,
    sha256: null,
    image_id: null,
    label,
    class_index: classIndex(label, classes),
    record_index: null,
    original_format: null,
    original_width: null,
    original_height: null,
    width: null,
    height: null,
    mean: null,
    std: null,
    light_background: null,
    original_key: null,
    original_record: null,
    chunk,
    part: 0,
    item_index: itemIndex,
  };
}
