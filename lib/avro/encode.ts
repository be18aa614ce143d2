import type avro from 'avsc';
import { createHash } from 'node:crypto';
import { encodeBlockPrefix, encodeHeader, SYNC_SIZE } from './container.js';
import { defaultDeflater, type BlockDeflater } from './deflater.js';
import { IMAGE_SCHEMA_JSON, imageType, type ImageRecord } from './image-type.js';

export interface EncodeImageBatchOptions {
  /** Seed of the sync marker (the batch's lake key): same key and records, same bytes. */
  readonly syncKey: string;
  /** Default: the fastest this process has (see deflater.ts). */
  readonly deflater?: BlockDeflater;
  /** Uncompressed bytes after which a block is closed. Default 256 KiB. */
  readonly blockBytes?: number;
}

/** What a container file holds: the record type, its schema as written, and a check per record. */
export interface ContainerContent<T> {
  readonly type: avro.Type;
  /** The schema JSON written into the header (docs included). */
  readonly schema: string;
  /** The schema's record name, for messages. */
  readonly name: string;
  /** Throws for a record the schema would accept but the file must not hold. */
  readonly check?: (record: T, index: number) => void;
  /** How a record is named in messages. */
  readonly describe: (record: T) => string;
  /** Bytes a record is expected to take, to size the buffer once. */
  readonly sizeHint: (record: T) => number;
}

export interface EncodeContainerOptions {
  /** Seed of the sync marker (the file's lake key): same key and records, same bytes. */
  readonly syncKey: string;
  /** The deflate codec with this deflater, or the null codec (for records already compressed). */
  readonly deflater: BlockDeflater | null;
  /** Uncompressed bytes after which a block is closed. Default 256 KiB. */
  readonly blockBytes?: number;
}

const IMAGE_CONTENT: ContainerContent<ImageRecord> = {
  type: imageType,
  schema: IMAGE_SCHEMA_JSON,
  name: 'Image',
  check: checkPixels,
  describe: (r) => `image_id ${JSON.stringify(r.image_id)}`,
  sizeHint: (r) => (r.pixels?.length ?? 0) + 256,
};

/**
 * Encodes records as one Avro object container file, deflate codec, in memory. Deterministic, so
 * a retried activity rewrites a byte-identical object: the sync marker is the first 16 bytes of
 * sha256(syncKey), blocks close at fixed uncompressed sizes and the deflater is named by its id.
 * Blocks are compressed on the libuv thread pool, off the main thread and in parallel.
 */
export async function encodeImageBatch(
  records: readonly ImageRecord[],
  options: EncodeImageBatchOptions,
): Promise<Buffer> {
  const { deflater = defaultDeflater(), ...rest } = options;
  return encodeContainer(records, IMAGE_CONTENT, { ...rest, deflater });
}

/** encodeImageBatch for any record type, deflate or null codec. */
export async function encodeContainer<T>(
  records: readonly T[],
  content: ContainerContent<T>,
  options: EncodeContainerOptions,
): Promise<Buffer> {
  const { syncKey, deflater, blockBytes = 256 * 1024 } = options;
  const sync = createHash('sha256').update(syncKey).digest().subarray(0, SYNC_SIZE);
  const { data, blocks } = serialize(records, content, blockBytes);
  const bodies = await Promise.all(
    blocks.map((b) =>
      deflater ? deflater.deflate(data.subarray(b.start, b.end)) : data.subarray(b.start, b.end),
    ),
  );
  const parts = [encodeHeader({ schema: content.schema, codec: deflater ? 'deflate' : 'null', sync })];
  blocks.forEach((b, i) => {
    const body = bodies[i]!;
    parts.push(encodeBlockPrefix(b.count, body.length), body, sync);
  });
  return Buffer.concat(parts);
}

interface RawBlock {
  count: number;
  start: number;
  end: number;
}

/** Writes all records back to back into one buffer and cuts it into blocks at record boundaries. */
function serialize<T>(records: readonly T[], content: ContainerContent<T>, blockBytes: number) {
  const estimate = records.length * (records[0] === undefined ? 0 : content.sizeHint(records[0]));
  let data = Buffer.allocUnsafe(Math.max(64 * 1024, estimate));
  let pos = 0;
  const blocks: RawBlock[] = [];
  let block: RawBlock = { count: 0, start: 0, end: 0 };
  records.forEach((record, i) => {
    content.check?.(record, i);
    let next = encodeRecord(content, record, i, data, pos);
    if (next < 0) {
      // avsc returns minus the number of missing bytes.
      const grown = Buffer.allocUnsafe(Math.max(data.length * 2, data.length - next));
      data.copy(grown, 0, 0, pos);
      data = grown;
      next = encodeRecord(content, record, i, data, pos);
    }
    pos = next;
    block.count++;
    block.end = pos;
    if (pos - block.start >= blockBytes) {
      blocks.push(block);
      block = { count: 0, start: pos, end: pos };
    }
  });
  if (block.count > 0) blocks.push(block);
  return { data, blocks };
}

function encodeRecord<T>(
  content: ContainerContent<T>,
  record: T,
  index: number,
  data: Buffer,
  pos: number,
): number {
  try {
    return content.type.encode(record, data, pos);
  } catch {
    // Validate only on failure (it costs as much as encoding), for a message naming the fields.
    const paths: string[] = [];
    content.type.isValid(record, { errorHook: (path) => paths.push(path.join('.') || '(record)') });
    throw new Error(
      `avro: record ${index} (${content.describe(record)}) does not match the ${content.name} schema: invalid ${paths.join(', ')}`,
    );
  }
}

function checkPixels(record: ImageRecord, index: number): void {
  if (record.pixels?.length !== record.width * record.height) {
    throw new Error(
      `avro: record ${index} (image_id ${JSON.stringify(record.image_id)}) has ${record.pixels?.length} pixel bytes, width*height is ${record.width * record.height}`,
    );
  }
}
