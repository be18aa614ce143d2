import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import { nativeCodec } from '../native/codec.js';

/**
 * A deflate implementation at a fixed level. Its id names everything its output bytes depend on:
 * a batch rewritten by a retry must be byte-identical, so every part of an ingest run is written
 * by the deflater the run chose (a worker without it refuses the part; see ingest-chunk).
 */
export interface BlockDeflater {
  readonly id: string;
  deflate(block: Uint8Array): Promise<Buffer>;
}

// Level 1: on small gray records it is much faster than level 6 for files only a little larger,
// and deflate is most of the encoding time.
const LEVEL = 1;

const deflateRawAsync = promisify(deflateRaw);

/** node:zlib's: every process has it (the deflater of runs planned before there was a choice). */
export const zlibDeflater: BlockDeflater = {
  id: `zlib ${process.versions.zlib} level ${LEVEL}`,
  deflate: (block) => deflateRawAsync(block, { level: LEVEL }),
};

/** libdeflate when the native codec is built (2.2x faster than zlib here, files 1% smaller), else zlib. */
export function availableDeflaters(): BlockDeflater[] {
  const codec = nativeCodec();
  const native: BlockDeflater[] = codec
    ? [
        {
          id: `libdeflate ${codec.libdeflateVersion} level ${LEVEL}`,
          deflate: (block) => codec.deflateRaw(block, LEVEL),
        },
      ]
    : [];
  return [...native, zlibDeflater];
}

/** The deflater new batches use: the fastest available. */
export function defaultDeflater(): BlockDeflater {
  return availableDeflaters()[0]!;
}

/** The deflater with this id, if this process has it. */
export function deflaterById(id: string): BlockDeflater | undefined {
  return availableDeflaters().find((d) => d.id === id);
}
