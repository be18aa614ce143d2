import avro from 'avsc';

/** Avro object container files (https://avro.apache.org/docs/1.12.0/specification/#object-container-files). */
export const MAGIC = Buffer.from('Obj\x01', 'latin1');
export const SYNC_SIZE = 16;
export const SUPPORTED_CODECS = ['null', 'deflate'] as const;
export type Codec = (typeof SUPPORTED_CODECS)[number];

/** The header schema the specification gives. */
const headerType = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: SYNC_SIZE } },
  ],
});
const longType = avro.Type.forSchema('long');

export interface ContainerHeader {
  readonly schema: string;
  readonly codec: Codec;
  readonly sync: Buffer;
}

/** One data block: `count` records whose (possibly compressed) bytes are data[start, end). */
export interface BlockRef {
  readonly count: number;
  readonly start: number;
  readonly end: number;
}

export function encodeHeader(header: ContainerHeader): Buffer {
  const meta = { 'avro.schema': Buffer.from(header.schema), 'avro.codec': Buffer.from(header.codec) };
  return headerType.toBuffer({ magic: MAGIC, meta, sync: header.sync });
}

export function encodeBlockPrefix(count: number, size: number): Buffer {
  return Buffer.concat([longType.toBuffer(count), longType.toBuffer(size)]);
}

/**
 * Reads the header and walks the block headers without decompressing anything, checking that
 * each block lies inside the file and ends with the sync marker. Cheap: the record count of a
 * file is known before any record is decoded.
 */
export function parseContainer(data: Buffer, name: string): { header: ContainerHeader; blocks: BlockRef[] } {
  if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC))
    throw new Error(
      `avro: ${name} is not an Avro object container file (starts with 0x${data.subarray(0, 4).toString('hex')})`,
    );
  const head = headerType.decode(data, 0) as {
    value?: { meta: Record<string, Buffer>; sync: Buffer };
    offset: number;
  };
  if (head.offset < 0 || !head.value) throw new Error(`avro: ${name} is truncated inside its header`);
  const schema = head.value.meta['avro.schema']?.toString('utf8');
  if (!schema) throw new Error(`avro: ${name} has no avro.schema in its header`);
  const codec = head.value.meta['avro.codec']?.toString('utf8') ?? 'null';
  if (!(SUPPORTED_CODECS as readonly string[]).includes(codec))
    throw new Error(`avro: ${name} uses codec "${codec}", supported: ${SUPPORTED_CODECS.join(', ')}`);
  const sync = head.value.sync;

  const blocks: BlockRef[] = [];
  let pos = head.offset;
  while (pos < data.length) {
    const count = longType.decode(data, pos) as { value: number; offset: number };
    const size = count.offset < 0 ? count : (longType.decode(data, count.offset) as typeof count);
    const start = size.offset;
    const end = start + size.value;
    if (start < 0 || end + SYNC_SIZE > data.length)
      throw new Error(`avro: ${name} is truncated inside block ${blocks.length}`);
    if (count.value < 0 || size.value < 0)
      throw new Error(`avro: ${name} block ${blocks.length} has a negative count or size`);
    if (!data.subarray(end, end + SYNC_SIZE).equals(sync))
      throw new Error(`avro: ${name} block ${blocks.length} does not end with the file's sync marker`);
    blocks.push({ count: count.value, start, end });
    pos = end + SYNC_SIZE;
  }
  return { header: { schema, codec: codec as Codec, sync }, blocks };
}
