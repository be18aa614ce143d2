import avro from 'avsc';
import { readFileSync } from 'node:fs';

/**
 * One record of schemas/image.avsc. `ingest_time` stays a plain number (epoch milliseconds)
 * rather than a Date: no allocation per record on the decode hot path, and it is the value the
 * ingest workflow carries (`ingestTimeMs`). The file still declares timestamp-millis, so other
 * readers (Python avro, Spark, DuckDB) see a timestamp.
 */
export interface ImageRecord {
  readonly image_id: string;
  readonly sha256: string;
  readonly source: string;
  readonly label: string | null;
  readonly class_index: number | null;
  readonly width: number;
  readonly height: number;
  /** width*height grayscale bytes, row-major. */
  readonly pixels: Buffer;
  readonly original_format: string;
  readonly original_width: number;
  readonly original_height: number;
  readonly original_bytes: number;
  readonly ingest_run: string;
  /** Epoch milliseconds (UTC). */
  readonly ingest_time: number;
}

/** The schema as written into every file's header: schemas/image.avsc, docs included. */
export const IMAGE_SCHEMA_JSON = JSON.stringify(
  JSON.parse(readFileSync(new URL('../../schemas/image.avsc', import.meta.url), 'utf8')),
);

/** The schema as avsc parses it (no logicalTypes option: timestamp-millis reads as a long). */
export const imageType: avro.Type = avro.Type.forSchema(JSON.parse(IMAGE_SCHEMA_JSON) as avro.Schema);

/** The part of a record the training and scoring readers need. */
export type ImagePixels = Pick<ImageRecord, 'image_id' | 'width' | 'height' | 'pixels'>;

/**
 * A reader schema of the Image record with only its id, size and pixels: Avro schema resolution
 * skips the other fields of every file's writer schema without decoding them.
 */
export const pixelsType: avro.Type = (() => {
  const schema = JSON.parse(IMAGE_SCHEMA_JSON) as { fields: { name: string }[] };
  const keep = new Set(['image_id', 'width', 'height', 'pixels']);
  return avro.Type.forSchema({
    ...schema,
    fields: schema.fields.filter((f) => keep.has(f.name)),
  } as avro.Schema);
})();
