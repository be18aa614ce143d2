import type { NormalizedImage } from '../../lib/image/index.js';
import type { StagingRow } from '../../lib/ingest/staging-row.js';

/** One source item of a chunk, ready to read. */
export interface SourceItem {
  readonly ref: string;
  readonly label: string | null;
  /** Overrides the detected format in metadata (IDX records are fed to the decoder as PGM). */
  readonly format?: string;
  /** The bytes: at once when they can be had at once (a small local file), else a promise. */
  read(): Uint8Array | Promise<Uint8Array>;
}

/** What became of one item: its staging row, and the normalized image when it was ingested. */
export interface ItemOutcome {
  readonly row: StagingRow;
  readonly image?: NormalizedImage;
  /** The original's bytes when ingested, until the raw zone has them (see keep-original). */
  readonly original?: Uint8Array;
}
