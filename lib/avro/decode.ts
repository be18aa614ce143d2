import avro from 'avsc';
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { nativeCodec } from '../native/codec.js';
import { parseContainer } from './container.js';
import { imageType, pixelsType, type ImagePixels, type ImageRecord } from './image-type.js';

type Resolver = ReturnType<avro.Type['createResolver']>;

/** What the batches table says about a file. */
export interface BatchExpectation {
  /** The batch's lake key, for messages. */
  readonly key: string;
  readonly count: number;
  readonly sha256: string;
}

/**
 * Checks a batch file against the batches table: sha256 of the whole file, then its record count
 * (from the block headers, nothing decoded). Needed because a truncated container otherwise reads
 * "successfully" with fewer records, and a flipped byte is not always caught by deflate.
 */
export function verifyImageBatch(data: Buffer, expected: BatchExpectation): void {
  verifyContainer(data, expected, 'batch');
}

/** verifyImageBatch for any container file the lake records: `what` names it in messages. */
export function verifyContainer(data: Buffer, expected: BatchExpectation, what: string): void {
  const name = `${what} "${expected.key}"`;
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== expected.sha256.toLowerCase()) {
    throw new Error(
      `avro: ${name} has sha256 ${actual.slice(0, 12)}…, expected ${expected.sha256.slice(0, 12)}…`,
    );
  }
  const count = parseContainer(data, name).blocks.reduce((sum, b) => sum + b.count, 0);
  if (count !== expected.count)
    throw new Error(`avro: ${name} has ${count} records, expected ${expected.count}`);
}

/** verifyImageBatch, then all records. */
export function decodeImageBatch(data: Buffer, expected: BatchExpectation): ImageRecord[] {
  verifyImageBatch(data, expected);
  return readImageBatch(data, `batch "${expected.key}"`);
}

/** Records [from, to) of a file, by record index. */
export interface RecordRange {
  readonly from: number;
  readonly to: number;
}

/**
 * verifyImageBatch, then each record's id, size and pixels only: what the training and scoring
 * readers use. The other fields (sha256, source, ...) are skipped in the bytes, not decoded into
 * strings, which is most of a 28x28 record's decode time and garbage. With a range, only the
 * blocks that hold its records are inflated and decoded (the whole file is still checked): the
 * other indexes are holes, so a partition that needs part of a file pays for that part.
 */
export function decodeImagePixels(data: Buffer, expected: BatchExpectation): ImagePixels[];
export function decodeImagePixels(
  data: Buffer,
  expected: BatchExpectation,
  range: RecordRange,
): (ImagePixels | undefined)[];
export function decodeImagePixels(
  data: Buffer,
  expected: BatchExpectation,
  range?: RecordRange,
): (ImagePixels | undefined)[] {
  verifyImageBatch(data, expected);
  return readRecords<ImagePixels>(data, `batch "${expected.key}"`, pixelsType, range);
}

/**
 * Decodes an Avro object container file of images with no sha256 or count check (tools, tests).
 * Structural damage still throws: a block cut short, a wrong sync marker, bytes left over.
 * Files written with another version of the schema are resolved to ours (Avro schema resolution).
 */
export function readImageBatch(data: Buffer, name = 'batch'): ImageRecord[] {
  return readRecords<ImageRecord>(data, name, imageType);
}

/**
 * The records of an Avro object container file as `reader` reads them (schema resolution from the
 * file's writer schema); with a range, only the blocks holding it are decoded (others are holes).
 * No sha256 or count check: call verifyContainer first.
 */
export function readContainerRecords<T>(
  data: Buffer,
  name: string,
  reader: avro.Type,
  range?: RecordRange,
): T[] {
  return readRecords<T>(data, name, reader, range);
}

function readRecords<T>(data: Buffer, name: string, reader: avro.Type, range?: RecordRange): T[] {
  const { header, blocks } = parseContainer(data, name);
  const resolver = resolverFor(reader, header.schema, name);
  const records: T[] = [];
  blocks.forEach((b, index) => {
    if (range && (records.length >= range.to || records.length + b.count <= range.from)) {
      records.length += b.count; // holes: this block holds none of the range
      return;
    }
    const raw = data.subarray(b.start, b.end);
    const block = header.codec === 'deflate' ? inflate(raw, name, index) : raw;
    let pos = 0;
    for (let i = 0; i < b.count; i++) {
      const out = reader.decode(block, pos, resolver) as { value: T; offset: number };
      if (out.offset < 0)
        throw new Error(`avro: ${name} block ${index} ends inside record ${i} of ${b.count}`);
      records.push(out.value);
      pos = out.offset;
    }
    if (pos !== block.length)
      throw new Error(
        `avro: ${name} block ${index} has ${block.length - pos} bytes after its ${b.count} records`,
      );
  });
  return records;
}

function inflate(raw: Buffer, name: string, index: number): Buffer {
  // libdeflate when built (about half zlib's cost); node:zlib otherwise, and to name the damage.
  const inflated = nativeCodec()?.inflateRaw(raw);
  if (inflated) return inflated;
  try {
    return inflateRawSync(raw);
  } catch (error) {
    throw new Error(`avro: ${name} block ${index} does not inflate: ${(error as Error).message}`);
  }
}

/** Resolvers per reader type and writer schema: files of one lake share one or two, so parse each once. */
const resolvers = new Map<avro.Type, Map<string, Resolver | undefined>>();

/** Undefined when the writer schema encodes exactly like the reader (same canonical form): fast path. */
function resolverFor(reader: avro.Type, schema: string, name: string): Resolver | undefined {
  let known = resolvers.get(reader);
  if (!known) resolvers.set(reader, (known = new Map()));
  if (known.has(schema)) return known.get(schema);
  let resolver: Resolver | undefined;
  try {
    const writer = avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
    resolver = writer.equals(reader) ? undefined : reader.createResolver(writer);
  } catch (error) {
    throw new Error(
      `avro: ${name} was written with a schema we cannot read as ${readerName(reader)}: ${(error as Error).message}`,
    );
  }
  if (known.size < 100) known.set(schema, resolver);
  return resolver;
}

/** The record name of a reader type (`imagelake.Image` reads as Image). */
function readerName(reader: avro.Type): string {
  return (reader.name ?? 'its reader schema').split('.').pop()!;
}
