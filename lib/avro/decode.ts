import avro from 'avsc';
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { imageType, type ImageRecord } from './image-type.js';

const MAGIC = Buffer.from('Obj\x01', 'latin1');
const longType = avro.Type.forSchema('long');
const metaType = avro.Type.forSchema({ type: 'map', values: 'bytes' });

export interface BatchExpectation {
  /** The batch's lake key, for messages. */
  readonly key: string;
  readonly count: number;
  readonly sha256: string;
}

/**
 * Decodes an Avro batch after checking its sha256 and record count against the batches table:
 * a truncated container otherwise reads "successfully" with fewer records.
 */
export function decodeImageBatch(data: Buffer, expected: BatchExpectation): ImageRecord[] {
  const actual = createHash('sha256').update(data).digest('hex');
  if (actual !== expected.sha256) {
    throw new Error(
      `avro: batch "${expected.key}" has sha256 ${actual.slice(0, 12)}…, the batches table says ${expected.sha256.slice(0, 12)}…`,
    );
  }
  const records = readImageBatch(data, expected.key);
  if (records.length !== expected.count) {
    throw new Error(
      `avro: batch "${expected.key}" has ${records.length} records, the batches table says ${expected.count}`,
    );
  }
  return records;
}

/** Decodes an Avro object container file of images without checks (tools, tests). */
export function readImageBatch(data: Buffer, name = 'batch'): ImageRecord[] {
  if (data.length < 4 || !data.subarray(0, 4).equals(MAGIC))
    throw new Error(`avro: ${name} is not an Avro container file`);
  let pos = 4;
  const meta = decode<Record<string, Buffer>>(metaType, data, pos, name);
  pos = meta.offset;
  const codec = meta.value['avro.codec']?.toString() ?? 'null';
  if (codec !== 'deflate' && codec !== 'null')
    throw new Error(`avro: ${name} uses unsupported codec ${codec}`);
  const sync = data.subarray(pos, pos + 16);
  pos += 16;
  const records: ImageRecord[] = [];
  while (pos < data.length) {
    const count = decode<number>(longType, data, pos, name);
    const size = decode<number>(longType, data, count.offset, name);
    pos = size.offset;
    if (pos + size.value + 16 > data.length) throw new Error(`avro: ${name} is truncated inside a block`);
    const raw = data.subarray(pos, pos + size.value);
    const block = codec === 'deflate' ? inflateRawSync(raw) : raw;
    pos += size.value;
    if (!data.subarray(pos, pos + 16).equals(sync))
      throw new Error(`avro: ${name} has an invalid sync marker`);
    pos += 16;
    let at = 0;
    for (let i = 0; i < count.value; i++) {
      const r = decode<ImageRecord>(imageType, block, at, name);
      records.push(r.value);
      at = r.offset;
    }
  }
  return records;
}

function decode<T>(type: avro.Type, buf: Buffer, pos: number, name: string): { value: T; offset: number } {
  const out = type.decode(buf, pos) as { value: T; offset: number };
  if (out.offset < 0) throw new Error(`avro: ${name} is truncated`);
  return out;
}
