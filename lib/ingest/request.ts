import { createHash } from 'node:crypto';
import { defaultNormalizeOptions, type NormalizeOptions } from '../image/normalize.js';
import type { LabelRule } from './labels.js';
import type { IngestSource } from './source.js';

/**
 * What an ingest run stores: a run id names one request. Chunk size and parallelism are left out:
 * the run's plan fixes its chunks once, so they change how it runs, not what it stores; so is the
 * label rule's allowUnlabeled, which only decides whether a run whose rule labels nothing may go on.
 */
export interface IngestRequest {
  readonly source: IngestSource;
  readonly labels: LabelRule;
  readonly classes: readonly string[] | null;
  readonly normalize: Partial<NormalizeOptions>;
  /** Records per Avro batch file; absent means the workflow's default. */
  readonly partSize?: number;
  /** none: the run keeps no originals; absent means keep. */
  readonly originals?: 'keep' | 'none';
}

/** The workflow's default part size (workflows/ingest.ts), for requests that leave it out. */
const DEFAULT_PART_SIZE = 8192;

/** The request's identity: a sha256 over its canonical JSON, defaults filled in. */
export function ingestRequestId(request: IngestRequest): string {
  const canonical = {
    source: request.source,
    labels: { ...request.labels, allowUnlabeled: undefined },
    classes: request.classes,
    normalize: { ...defaultNormalizeOptions, ...request.normalize },
    partSize: request.partSize ?? DEFAULT_PART_SIZE,
    // Only when set: requests from before originals were kept name the same id as before.
    originals: request.originals === 'none' ? 'none' : undefined,
  };
  return createHash('sha256').update(canonicalJson(canonical)).digest('hex');
}

/** Where a source reads from, for messages. */
export function sourceUri(source: IngestSource): string {
  return source.kind === 'files' ? source.root : source.images;
}

/** JSON with object keys sorted at every level and undefined members left out. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
