import { beforeAll, describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import {
  decodeImageBatch,
  encodeImageBatch,
  IMAGE_SCHEMA_JSON,
  imageType,
  readImageBatch,
} from '../../../lib/avro/index.js';
import {
  encodeBlockPrefix,
  encodeHeader,
  parseContainer,
  type BlockRef,
} from '../../../lib/avro/container.js';
import { makeRecords, sha256 } from './records.js';
import { reliability } from '../../reliability/tally.js';

const key = 'batches/run-1/c0-p0.avro';
let file: Buffer;
let blocks: BlockRef[];
beforeAll(async () => {
  file = await encodeImageBatch(makeRecords(1500), { syncKey: key });
  blocks = parseContainer(file, key).blocks;
});
const expected = () => ({ key, count: 1500, sha256: sha256(file) });
/** Offset just after block i's sync marker: a cut there leaves a well-formed, shorter file. */
const afterBlock = (i: number) => blocks[i]!.end + 16;

describe('Avro image batches: damaged files', () => {
  it.each([
    ['inside the magic', () => 2],
    ['inside the header', () => 40],
    ['at the first block', () => blocks[0]!.start],
    ['at 30%', () => Math.floor(file.length * 0.3)],
    ['at 60%', () => Math.floor(file.length * 0.6)],
    ['just after a block', () => afterBlock(1)],
    ['before the last sync marker', () => file.length - 16],
    ['one byte short', () => file.length - 1],
  ])('detects a file cut %s by its sha256', (_name, cut) => {
    reliability('bad-input');
    expect(() => decodeImageBatch(file.subarray(0, cut()), expected())).toThrow(
      /^avro: batch "batches\/run-1\/c0-p0.avro" has sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…$/,
    );
  });

  it('detects a file cut at a block boundary by its count, even when the sha256 given matches', () => {
    reliability('bad-input');
    const cut = file.subarray(0, afterBlock(1));
    expect(() => decodeImageBatch(cut, { ...expected(), sha256: sha256(cut) })).toThrow(
      `avro: batch "${key}" has ${blocks[0]!.count + blocks[1]!.count} records, expected 1500`,
    );
  });

  it('reads a file cut at a block boundary without error when unchecked: why the checks exist', () => {
    expect(readImageBatch(file.subarray(0, afterBlock(1)))).toHaveLength(blocks[0]!.count + blocks[1]!.count);
  });

  it.each([
    ['inside the header', () => 2, /is not an Avro object container file/],
    ['inside a block', () => blocks[1]!.start + 10, /is truncated inside block 1/],
    ['inside a sync marker', () => blocks[2]!.end + 3, /is truncated inside block 2/],
  ])('refuses a file cut %s even when unchecked', (_name, cut, message) => {
    reliability('bad-input');
    expect(() => readImageBatch(file.subarray(0, cut()))).toThrow(message);
  });

  it.each([
    ['in the magic', () => 1],
    ['in the schema', () => 100],
    ['in a compressed block', () => blocks[2]!.start + 100],
    ['in a sync marker', () => blocks[2]!.end + 5],
    ['in the last byte', () => file.length - 1],
  ])('detects a flipped bit %s', (_name, at) => {
    reliability('bad-input');
    const damaged = Buffer.from(file);
    damaged[at()]! ^= 0x01;
    expect(() => decodeImageBatch(damaged, expected())).toThrow(/has sha256 .*, expected/);
  });

  it('refuses a damaged sync marker even when unchecked', () => {
    reliability('bad-input');
    const damaged = Buffer.from(file);
    damaged[blocks[2]!.end + 5]! ^= 0x01;
    expect(() => readImageBatch(damaged)).toThrow(
      /^avro: batch block 2 does not end with the file's sync marker$/,
    );
  });

  it.each([
    ['more records than its count says', 1, /^avro: batch block 0 has \d+ bytes after its 1 records$/],
    ['fewer records than its count says', 3, /^avro: batch block 0 ends inside record 2 of 3$/],
  ])('refuses a block holding %s', (_name, count, message) => {
    reliability('bad-input');
    const sync = Buffer.alloc(16, 7);
    const body = deflateRawSync(Buffer.concat(makeRecords(2).map((r) => imageType.toBuffer(r))));
    const header = encodeHeader({ schema: IMAGE_SCHEMA_JSON, codec: 'deflate', sync });
    const crafted = Buffer.concat([header, encodeBlockPrefix(count, body.length), body, sync]);
    expect(() => readImageBatch(crafted)).toThrow(message);
  });
});
