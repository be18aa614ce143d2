import avro from 'avsc';
import { createHash } from 'node:crypto';
import { imageType, type ImageRecord } from './image-type.js';

/** Records per Avro block: big enough for deflate to work well, small enough to stream. */
const BLOCK_BYTES = 256 * 1024;

/**
 * Encodes records as one Avro object container file (deflate). The sync marker derives from
 * `syncKey` (the batch's lake key), so the same records always give byte-identical files.
 */
export function encodeImageBatch(
  records: readonly ImageRecord[],
  options: { syncKey: string },
): Promise<Buffer> {
  const syncMarker = createHash('sha256').update(options.syncKey).digest().subarray(0, 16);
  const encoder = new avro.streams.BlockEncoder(imageType, {
    codec: 'deflate',
    syncMarker,
    blockSize: BLOCK_BYTES,
  });
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    encoder.on('error', reject);
    encoder.on('end', () => resolve(Buffer.concat(chunks)));
    for (const record of records) encoder.write(record);
    encoder.end();
  });
}
