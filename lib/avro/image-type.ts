import avro from 'avsc';
import { readFileSync } from 'node:fs';

/** One record of schemas/image.avsc (ingest_time in epoch milliseconds). */
export interface ImageRecord {
  image_id: string;
  sha256: string;
  source: string;
  label: string | null;
  class_index: number | null;
  width: number;
  height: number;
  pixels: Buffer;
  original_format: string;
  original_width: number;
  original_height: number;
  original_bytes: number;
  ingest_run: string;
  ingest_time: number;
}

export const IMAGE_SCHEMA_JSON = readFileSync(new URL('../../schemas/image.avsc', import.meta.url), 'utf8');
/** The schema as avsc parses it; timestamp-millis stays a plain long (epoch ms). */
export const imageType: avro.Type = avro.Type.forSchema(JSON.parse(IMAGE_SCHEMA_JSON) as avro.Schema);
