import { createHash } from 'node:crypto';
import type { ImageRecord } from '../../../lib/avro/index.js';

/** Deterministic records: every 7th unlabeled, pixels with a dark border like real images. */
export function makeRecords(count: number, width = 28, height = 28): ImageRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const sha256 = createHash('sha256').update(`img-${i}`).digest('hex');
    const pixels = Buffer.alloc(width * height);
    for (let y = 2; y < height - 2; y++)
      for (let x = 2; x < width - 2; x++) pixels[y * width + x] = (i * 31 + x * 7 + y * 13) & 0xff;
    return {
      image_id: sha256.slice(0, 32),
      sha256,
      source: `s3://incoming/${i % 10}/img-${i}.png`,
      label: i % 7 === 0 ? null : `class ${i % 10} é`,
      class_index: i % 7 === 0 ? null : i % 10,
      width,
      height,
      pixels,
      original_format: 'png',
      original_width: width * 2,
      original_height: height * 2,
      original_bytes: 300 + i * 3_000_000_000, // past 2^31: a long, not an int
      ingest_run: 'run-1',
      ingest_time: 1_795_000_000_123,
    };
  });
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Records with pixels as base64: compared much faster than Buffers, byte by byte. */
export const plain = (records: readonly ImageRecord[]) =>
  records.map((r) => ({ ...r, pixels: r.pixels.toString('base64') }));

export type PlainRecord = ReturnType<typeof plain>[number];

export const fromPlain = (records: readonly PlainRecord[]): ImageRecord[] =>
  records.map((r) => ({ ...r, pixels: Buffer.from(r.pixels, 'base64') }));
