import avro from 'avsc';
import { readFileSync } from 'node:fs';
import type { ContainerContent } from '../avro/index.js';

/** One record of schemas/original.avsc. */
export interface OriginalRecord {
  readonly sha256: string;
  readonly data: Buffer;
}

/** The schema as written into every file's header: schemas/original.avsc, docs included. */
export const ORIGINAL_SCHEMA_JSON = JSON.stringify(
  JSON.parse(readFileSync(new URL('../../schemas/original.avsc', import.meta.url), 'utf8')),
);

export const originalType: avro.Type = avro.Type.forSchema(JSON.parse(ORIGINAL_SCHEMA_JSON) as avro.Schema);

export const ORIGINAL_CONTENT: ContainerContent<OriginalRecord> = {
  type: originalType,
  schema: ORIGINAL_SCHEMA_JSON,
  name: 'Original',
  describe: (r) => `sha256 ${JSON.stringify(r.sha256)}`,
  sizeHint: (r) => r.data.length + 80,
};
